//! What a `WSAQuerySocketSecurity` answer is made of, beyond the checks: the
//! `SOCKET_INFO_CONNECTION_*` flags, the IPsec2 form's fields, and the peer's tokens, opened
//! only once every check has passed.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    SOCKET, SOCKET_INFO_CONNECTION_ENCRYPTED, SOCKET_INFO_CONNECTION_IMPERSONATED,
    SOCKET_INFO_CONNECTION_SECURED,
};

use crate::error::Result;
use crate::model::sa::lookup_context;
use crate::model::socket::Link;
use crate::model::tokens::{self, TokenInfo, TokenKind};
use crate::wire::{Ipsec2Info, TargetName};

/// The `SOCKET_INFO_CONNECTION_*` flags of `link`, with `_IMPERSONATED` when the calling
/// thread impersonates this peer ([`crate::choices::IMPERSONATED_FLAG`]).
pub(in crate::model) fn link_flags(link: &Link, impersonated: bool) -> u32 {
    let mut flags = 0;
    if link.secured {
        flags |= SOCKET_INFO_CONNECTION_SECURED;
    }
    if link.encrypted {
        flags |= SOCKET_INFO_CONNECTION_ENCRYPTED;
    }
    if impersonated {
        flags |= SOCKET_INFO_CONNECTION_IMPERSONATED;
    }
    flags
}

/// The IPsec2 form's fields for `link` ([`crate::choices::SA_IDENTIFIERS`],
/// [`crate::choices::NEGOTIATION_WINERR`]).
pub(in crate::model) fn ipsec2_info(link: &Link) -> Ipsec2Info {
    let (mm_sa_id, qm_sa_id) = link
        .negotiated
        .as_deref()
        .filter(|_| link.secured)
        .map_or((0, 0), |detail| (detail.mm_sa_id, detail.qm_sa_id));
    Ipsec2Info {
        mm_sa_id,
        qm_sa_id,
        negotiation_winerr: link.winerr(),
        sa_lookup_context: lookup_context(qm_sa_id),
    }
}

/// The principals a query's tokens stand for, to open once every check has passed.
pub(in crate::model) struct PeerTokens {
    /// `PeerTokenAccessMask`.
    pub mask: u32,
    /// The peer's authenticated user, for the application token.
    pub application: Option<TargetName>,
    /// The peer's authenticated principal, for the machine token.
    pub machine: Option<TargetName>,
}

impl PeerTokens {
    /// Opens the tokens (0 for none): application, machine. If the second cannot be
    /// opened, the first is closed again, so a failed query opens nothing.
    pub(in crate::model) fn open(self, socket: SOCKET) -> Result<[usize; 2]> {
        let PeerTokens {
            mask,
            application,
            machine,
        } = self;
        let open = |principal: Option<TargetName>, kind| match principal {
            Some(principal) => tokens::open(TokenInfo {
                kind,
                principal,
                access_mask: mask,
                socket,
            }),
            None => Ok(0),
        };
        let application = open(application, TokenKind::Application)?;
        match open(machine, TokenKind::Machine) {
            Ok(machine) => Ok([application, machine]),
            Err(error) => {
                if application != 0 {
                    let _ = tokens::close(application);
                }
                Err(error)
            }
        }
    }
}
