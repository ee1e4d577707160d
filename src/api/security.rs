//! The safe face of the secure-socket family: security settings, queries, impersonation,
//! and the emulated principals that decide who a secured connection reaches.
#![forbid(unsafe_code)]

use std::net::{IpAddr, SocketAddr};

use super::{Network, Socket};
use crate::error::Result;
use crate::model::{impersonation, SettingsArg, TemplateArg};
use crate::wire::{
    SecurityQueryInfo, SecurityQueryTemplate, SecuritySettings, TargetName, INFO_LEN,
};

impl Socket {
    /// `WSASetSocketSecurity`: turns security on with `settings` (`None`: the defaults, as a
    /// NULL pointer). Call it before `connect` on a client, before `bind` on a server, right
    /// after creating a datagram socket; it may be called once.
    ///
    /// Errors: `WSAEINVAL` (not an IP stream or datagram socket, an incorrect value, already
    /// bound, already set), `WSAEISCONN` (connected), `WSAENOTSOCK`.
    pub fn set_security(&self, settings: Option<SecuritySettings>) -> Result<()> {
        let arg = settings.map_or(SettingsArg::Null, SettingsArg::Value);
        self.network.table.set_security(self.handle, arg)
    }

    /// `WSAQuerySocketSecurity` with no template (stream sockets): the security of the
    /// connection, from its real state. Errors: `WSAENOTCONN` before the connection exists,
    /// `WSAECONNRESET` after the peer reset it, `WSAEMSGSIZE` on a datagram socket (which
    /// must name its peer: [`Socket::query_security_with`]).
    pub fn query_security(&self) -> Result<SecurityQueryInfo> {
        self.query(TemplateArg::Null)
    }

    /// `WSAQuerySocketSecurity` with a template: on a datagram socket, `template.peer` names
    /// the peer asked about. With a non-zero `peer_token_access_mask` on a secured link the
    /// answer holds raw token handles, which the caller owns: take them with
    /// [`crate::AccessToken::from_raw`] (or use [`Socket::peer_tokens`]).
    pub fn query_security_with(
        &self,
        template: SecurityQueryTemplate,
    ) -> Result<SecurityQueryInfo> {
        self.query(TemplateArg::Value(template))
    }

    fn query(&self, template: TemplateArg<'_>) -> Result<SecurityQueryInfo> {
        self.query_with_len(template, INFO_LEN)
    }

    /// The query with a buffer of `len` bytes.
    pub(super) fn query_with_len(
        &self,
        template: TemplateArg<'_>,
        len: usize,
    ) -> Result<SecurityQueryInfo> {
        self.network
            .table
            .query_security(self.handle, template, true, Some(len as u32))
            .map_err(|failure| failure.error)
    }

    /// `WSAImpersonateSocketPeer(s, NULL, 0)`: the calling thread acts as the connection's
    /// authenticated peer (its user, when its settings named one, else its principal:
    /// [`crate::choices::TOKEN_KINDS`]) until [`revert_impersonation`]; see
    /// [`impersonated_principal`].
    /// Errors: `WSAEOPNOTSUPP` when the connection is not secured, `WSAENOTCONN` before it
    /// exists, `WSAEFAULT` on a datagram socket (use [`Socket::impersonate_peer_at`]).
    pub fn impersonate_peer(&self) -> Result<()> {
        self.network
            .table
            .impersonate_peer(self.handle, crate::model::AddrArg::Null, 0)
    }

    /// `WSAImpersonateSocketPeer(s, peer, len)`: impersonates the datagram peer at `peer`
    /// (ignored on stream sockets).
    pub fn impersonate_peer_at(&self, peer: SocketAddr) -> Result<()> {
        let len = if peer.is_ipv4() { 16 } else { 28 };
        self.network
            .table
            .impersonate_peer(self.handle, crate::model::AddrArg::Value(peer), len)
    }

    /// Gives this socket an emulated principal (an SPN such as `host/server.contoso.com`):
    /// whom it authenticates as in secured connections. Accepted sockets inherit their
    /// listener's. Windows has no such call: a test uses it to say who a server is.
    pub fn set_principal(&self, name: &str) -> Result<()> {
        self.network
            .table
            .set_socket_principal(self.handle, TargetName::from(name))
    }

    /// The principal the connection's peer authenticated as, when the connection is
    /// secured (`None` otherwise).
    pub fn authenticated_peer(&self) -> Result<Option<TargetName>> {
        self.network.table.authenticated_peer(self.handle, None)
    }

    /// The principal the datagram peer at `peer` authenticated as, when secured.
    pub fn authenticated_peer_at(&self, peer: SocketAddr) -> Result<Option<TargetName>> {
        self.network
            .table
            .authenticated_peer(self.handle, Some(peer))
    }
}

impl Network {
    /// Gives the host at `ip` an emulated principal: whom every socket bound there
    /// authenticates as, unless the socket has its own ([`Socket::set_principal`]).
    pub fn set_host_principal(&self, ip: IpAddr, name: &str) {
        self.table.set_host_principal(ip, TargetName::from(name));
    }

    /// The principal of the host at `ip`: the one given, or `host/<ip>`.
    pub fn host_principal(&self, ip: IpAddr) -> TargetName {
        self.table.host_principal(ip)
    }
}

/// Who the calling thread acts as, after [`Socket::impersonate_peer`] or
/// `WSAImpersonateSocketPeer`: the peer's principal, or `None` when not impersonating.
pub fn impersonated_principal() -> Option<TargetName> {
    impersonation::current().map(|now| now.principal)
}

/// `WSARevertImpersonation`: the calling thread stops impersonating; with no impersonation
/// nothing happens.
pub fn revert_impersonation() {
    crate::model::current::with_current(|table| table.revert_impersonation());
}
