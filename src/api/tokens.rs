//! The safe face of the emulated access tokens `WSAQuerySocketSecurity` hands out when its
//! template sets `PeerTokenAccessMask` ([`crate::choices::TOKEN_KINDS`]).
#![forbid(unsafe_code)]

use std::fmt;
use std::net::SocketAddr;

use super::Socket;
use crate::error::{Error, Result};
use crate::model::tokens::{self, TokenInfo};
use crate::model::TemplateArg;
use crate::wire::{
    Ipsec2Query, SecurityProtocol, SecurityQueryInfo, SecurityQueryTemplate, TargetName,
    INFO_IPSEC2_LEN, INFO_LEN,
};

/// What the open access token `handle` (a `PeerApplicationAccessTokenHandle` or
/// `PeerMachineAccessTokenHandle` from a query) stands for, or `None` when it names no
/// open token (never opened, or closed with `CloseHandle` already). Windows reads this with
/// `GetTokenInformation`; a test reads it here.
pub fn token_info(handle: u64) -> Option<TokenInfo> {
    tokens::info(usize::try_from(handle).ok()?)
}

/// One access token a query returned, owned: it is closed (as by
/// [`CloseHandle`](crate::sys::CloseHandle)) when dropped, so the safe face never leaks one.
pub struct AccessToken {
    handle: u64,
}

impl AccessToken {
    /// Takes ownership of the raw handle `handle` (from [`SecurityQueryInfo`]), or `None`
    /// when it names no open token (0, say).
    pub fn from_raw(handle: u64) -> Option<AccessToken> {
        token_info(handle).map(|_| AccessToken { handle })
    }

    /// The raw handle, still owned by `self`.
    pub fn as_raw(&self) -> u64 {
        self.handle
    }

    /// Gives up ownership: the caller must close the handle with `CloseHandle`.
    pub fn into_raw(self) -> u64 {
        let handle = self.handle;
        std::mem::forget(self);
        handle
    }

    /// What the token stands for (`None` if its raw handle was closed behind its back).
    pub fn info(&self) -> Option<TokenInfo> {
        token_info(self.handle)
    }

    /// The principal the token stands for.
    pub fn principal(&self) -> Option<TargetName> {
        self.info().map(|info| info.principal)
    }

    /// `CloseHandle`: closes the token now. `ERROR_INVALID_HANDLE` (as
    /// [`Error::InvalidHandle`]) if its raw handle was closed already.
    pub fn close(self) -> Result<()> {
        tokens::close(usize::try_from(self.into_raw()).map_err(|_| Error::InvalidHandle)?)
    }
}

impl Drop for AccessToken {
    fn drop(&mut self) {
        if let Ok(handle) = usize::try_from(self.handle) {
            // Closed behind its back: nothing left to close.
            let _ = tokens::close(handle);
        }
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("handle", &format_args!("{:#x}", self.handle))
            .field("info", &self.info())
            .finish()
    }
}

/// The two tokens of a query answer: `PeerApplicationAccessTokenHandle` and
/// `PeerMachineAccessTokenHandle`, each present when the query returned one.
#[derive(Debug)]
pub struct PeerTokens {
    /// The peer application's account (its authenticated user), if it authenticated one.
    pub application: Option<AccessToken>,
    /// The peer computer's account (the principal it authenticated as).
    pub machine: Option<AccessToken>,
}

impl PeerTokens {
    /// Takes ownership of the tokens in `info`.
    fn of(info: &SecurityQueryInfo) -> Self {
        Self {
            application: AccessToken::from_raw(info.peer_application_token),
            machine: AccessToken::from_raw(info.peer_machine_token),
        }
    }
}

impl Socket {
    /// `WSAQuerySocketSecurity` with `PeerTokenAccessMask = access_mask` (stream sockets):
    /// the connection's peer tokens, owned. Both are `None` when the connection is not
    /// secured or `access_mask` is 0. Errors as [`Socket::query_security`].
    pub fn peer_tokens(&self, access_mask: u32) -> Result<PeerTokens> {
        self.peer_tokens_of(None, access_mask)
    }

    /// As [`Socket::peer_tokens`], for the datagram peer at `peer`.
    pub fn peer_tokens_at(&self, peer: SocketAddr, access_mask: u32) -> Result<PeerTokens> {
        self.peer_tokens_of(Some(peer), access_mask)
    }

    fn peer_tokens_of(&self, peer: Option<SocketAddr>, access_mask: u32) -> Result<PeerTokens> {
        let template = SecurityQueryTemplate {
            protocol: SecurityProtocol::Default,
            peer,
            peer_token_access_mask: access_mask,
        };
        let info = self.query_with_len(TemplateArg::Value(template), INFO_LEN)?;
        Ok(PeerTokens::of(&info))
    }

    /// `WSAQuerySocketSecurity` with a `SOCKET_SECURITY_QUERY_TEMPLATE_IPSEC2`: `template`
    /// (its protocol is taken to be IPSEC2) and the IPsec2 fields `query`. The answer's
    /// [`SecurityQueryInfo::ipsec2`] holds the SA ids, `NegotiationWinerr` and
    /// `SaLookupContext` ([`crate::choices::IPSEC2_FORMS`]). Token handles it returns are
    /// raw: take them with [`AccessToken::from_raw`].
    pub fn query_security_ipsec2(
        &self,
        template: SecurityQueryTemplate,
        query: Ipsec2Query,
    ) -> Result<SecurityQueryInfo> {
        self.query_with_len(TemplateArg::Ipsec2(template, query), INFO_IPSEC2_LEN)
    }
}
