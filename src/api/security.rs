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
    /// [`WSASetSocketSecurity`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsasetsocketsecurity): turns security on with `settings` (`None`: the defaults, as a
    /// NULL pointer). Call it before [`connect`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-connect) on a client, before [`bind`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-bind) on a server, right
    /// after creating a datagram socket; it may be called once.
    ///
    /// Errors: `WSAEINVAL` (not an IP stream or datagram socket, an incorrect value, already
    /// bound, already set), `WSAEISCONN` (connected), `WSAENOTSOCK`.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, SecuritySettings, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let client = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// client.set_security(Some(SecuritySettings::default()))?; // before connect
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_security(&self, settings: Option<SecuritySettings>) -> Result<()> {
        let arg = settings.map_or(SettingsArg::Null, SettingsArg::Value);
        self.network.table.set_security(self.handle, arg)
    }

    /// [`WSAQuerySocketSecurity`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsaquerysocketsecurity) with no template (stream sockets): the security of the
    /// connection, from its real state. Errors: `WSAENOTCONN` before the connection exists,
    /// `WSAECONNRESET` after the peer reset it, `WSAEMSGSIZE` on a datagram socket (which
    /// must name its peer: [`Socket::query_security_with`]).
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, SecuritySettings, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let server = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// server.set_security(None)?;
    /// server.set_principal("host/server.contoso.com")?;
    /// server.bind("127.0.0.1:80".parse().unwrap())?;
    /// server.listen(1)?;
    /// let client = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// client.set_security(Some(SecuritySettings::default()))?;
    /// client.connect("127.0.0.1:80".parse().unwrap())?;
    /// let (accepted, _) = server.accept()?;
    /// let info = client.query_security()?;
    /// assert!(info.is_secured());
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn query_security(&self) -> Result<SecurityQueryInfo> {
        self.query(TemplateArg::Null)
    }

    /// [`WSAQuerySocketSecurity`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsaquerysocketsecurity) with a template: on a datagram socket, `template.peer` names
    /// the peer asked about. With a non-zero `peer_token_access_mask` on a secured link the
    /// answer holds raw token handles, which the caller owns: take them with
    /// [`crate::AccessToken::from_raw`] (or use [`Socket::peer_tokens`]).
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, SecuritySettings, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let receiver = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// receiver.set_security(None)?;
    /// let to = receiver.bind("127.0.0.1:500".parse().unwrap())?;
    /// let sender = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// sender.set_security(Some(SecuritySettings::default()))?;
    /// sender.bind("127.0.0.2:500".parse().unwrap())?;
    /// sender.send_to(b"hello", to)?;
    /// use winsock_emu::SecurityQueryTemplate;
    /// let info = sender.query_security_with(SecurityQueryTemplate { peer: Some(to), ..Default::default() })?;
    /// assert!(info.is_secured());
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
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

    /// [`WSAImpersonateSocketPeer(s, NULL, 0)`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsaimpersonatesocketpeer): the calling thread acts as the connection's
    /// authenticated peer (its user, when its settings named one, else its principal:
    /// [`crate::choices::TOKEN_KINDS`]) until [`revert_impersonation`]; see
    /// [`impersonated_principal`].
    /// Errors: `WSAEOPNOTSUPP` when the connection is not secured, `WSAENOTCONN` before it
    /// exists, `WSAEFAULT` on a datagram socket (use [`Socket::impersonate_peer_at`]).
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, SecuritySettings, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let server = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// server.set_security(None)?;
    /// server.set_principal("host/server.contoso.com")?;
    /// server.bind("127.0.0.1:80".parse().unwrap())?;
    /// server.listen(1)?;
    /// let client = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// client.set_security(Some(SecuritySettings::default()))?;
    /// client.connect("127.0.0.1:80".parse().unwrap())?;
    /// let (accepted, _) = server.accept()?;
    /// accepted.impersonate_peer()?;
    /// assert_eq!(winsock_emu::impersonated_principal().unwrap().to_string(), "host/127.0.0.1");
    /// winsock_emu::revert_impersonation();
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn impersonate_peer(&self) -> Result<()> {
        self.network
            .table
            .impersonate_peer(self.handle, crate::model::AddrArg::Null, 0)
    }

    /// [`WSAImpersonateSocketPeer(s, peer, len)`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsaimpersonatesocketpeer): impersonates the datagram peer at `peer`
    /// (ignored on stream sockets).
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, SecuritySettings, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let receiver = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// receiver.set_security(None)?;
    /// let to = receiver.bind("127.0.0.1:500".parse().unwrap())?;
    /// let sender = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// sender.set_security(Some(SecuritySettings::default()))?;
    /// sender.bind("127.0.0.2:500".parse().unwrap())?;
    /// sender.send_to(b"hello", to)?;
    /// let mut buf = [0u8; 8];
    /// let (_, from) = receiver.recv_from(&mut buf)?;
    /// receiver.impersonate_peer_at(from)?;
    /// assert_eq!(winsock_emu::impersonated_principal().unwrap().to_string(), "host/127.0.0.2");
    /// winsock_emu::revert_impersonation();
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn impersonate_peer_at(&self, peer: SocketAddr) -> Result<()> {
        let len = if peer.is_ipv4() { 16 } else { 28 };
        self.network
            .table
            .impersonate_peer(self.handle, crate::model::AddrArg::Value(peer), len)
    }

    /// Gives this socket an emulated principal (an SPN such as `host/server.contoso.com`):
    /// whom it authenticates as in secured connections. Accepted sockets inherit their
    /// listener's. Windows has no such call: a test uses it to say who a server is.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, SecuritySettings, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let server = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// server.set_security(None)?;
    /// server.set_principal("host/server.contoso.com")?;
    /// server.bind("127.0.0.1:80".parse().unwrap())?;
    /// server.listen(1)?;
    /// let client = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// client.set_security(Some(SecuritySettings::default()))?;
    /// client.connect("127.0.0.1:80".parse().unwrap())?;
    /// let (accepted, _) = server.accept()?;
    /// assert_eq!(client.authenticated_peer()?.unwrap().to_string(), "host/server.contoso.com");
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_principal(&self, name: &str) -> Result<()> {
        self.network
            .table
            .set_socket_principal(self.handle, TargetName::from(name))
    }

    /// The principal the connection's peer authenticated as, when the connection is
    /// secured (`None` otherwise).
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, SecuritySettings, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let server = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// server.set_security(None)?;
    /// server.set_principal("host/server.contoso.com")?;
    /// server.bind("127.0.0.1:80".parse().unwrap())?;
    /// server.listen(1)?;
    /// let client = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// client.set_security(Some(SecuritySettings::default()))?;
    /// client.connect("127.0.0.1:80".parse().unwrap())?;
    /// let (accepted, _) = server.accept()?;
    /// assert_eq!(accepted.authenticated_peer()?.unwrap().to_string(), "host/127.0.0.1");
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn authenticated_peer(&self) -> Result<Option<TargetName>> {
        self.network.table.authenticated_peer(self.handle, None)
    }

    /// The principal the datagram peer at `peer` authenticated as, when secured.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, SecuritySettings, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let receiver = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// receiver.set_security(None)?;
    /// let to = receiver.bind("127.0.0.1:500".parse().unwrap())?;
    /// let sender = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// sender.set_security(Some(SecuritySettings::default()))?;
    /// sender.bind("127.0.0.2:500".parse().unwrap())?;
    /// sender.send_to(b"hello", to)?;
    /// let peer = sender.authenticated_peer_at(to)?;
    /// assert_eq!(peer.unwrap().to_string(), "host/127.0.0.1");
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn authenticated_peer_at(&self, peer: SocketAddr) -> Result<Option<TargetName>> {
        self.network
            .table
            .authenticated_peer(self.handle, Some(peer))
    }
}

impl Network {
    /// Gives the host at `ip` an emulated principal: whom every socket bound there
    /// authenticates as, unless the socket has its own ([`Socket::set_principal`]).
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, SecuritySettings, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let ip = "192.0.2.10".parse().unwrap();
    /// net.set_host_principal(ip, "host/server.contoso.com");
    /// assert_eq!(net.host_principal(ip).to_string(), "host/server.contoso.com");
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_host_principal(&self, ip: IpAddr, name: &str) {
        self.table.set_host_principal(ip, TargetName::from(name));
    }

    /// The principal of the host at `ip`: the one given, or `host/<ip>`.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, SecuritySettings, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// assert_eq!(net.host_principal("192.0.2.10".parse().unwrap()).to_string(), "host/192.0.2.10");
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn host_principal(&self, ip: IpAddr) -> TargetName {
        self.table.host_principal(ip)
    }
}

/// Who the calling thread acts as, after [`Socket::impersonate_peer`] or
/// [`WSAImpersonateSocketPeer`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsaimpersonatesocketpeer): the peer's principal, or `None` when not impersonating.
///
/// ```
/// use winsock_emu::{Domain, Network, SecuritySettings, Type};
///
/// let net = Network::new();
/// let _wsa = net.startup()?;
/// let server = net.socket(Domain::IPV4, Type::STREAM, None)?;
/// server.set_security(None)?;
/// server.set_principal("host/server.contoso.com")?;
/// server.bind("127.0.0.1:80".parse().unwrap())?;
/// server.listen(1)?;
/// let client = net.socket(Domain::IPV4, Type::STREAM, None)?;
/// client.set_security(Some(SecuritySettings::default()))?;
/// client.connect("127.0.0.1:80".parse().unwrap())?;
/// let (accepted, _) = server.accept()?;
/// assert_eq!(winsock_emu::impersonated_principal(), None);
/// accepted.impersonate_peer()?;
/// assert!(winsock_emu::impersonated_principal().is_some());
/// winsock_emu::revert_impersonation();
/// assert_eq!(winsock_emu::impersonated_principal(), None);
/// # Ok::<(), winsock_emu::Error>(())
/// ```
pub fn impersonated_principal() -> Option<TargetName> {
    impersonation::current().map(|now| now.principal)
}

/// [`WSARevertImpersonation`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsarevertimpersonation): the calling thread stops impersonating; with no impersonation
/// nothing happens.
///
/// ```
/// use winsock_emu::{Domain, Network, SecuritySettings, Type};
///
/// let net = Network::new();
/// let _wsa = net.startup()?;
/// let server = net.socket(Domain::IPV4, Type::STREAM, None)?;
/// server.set_security(None)?;
/// server.set_principal("host/server.contoso.com")?;
/// server.bind("127.0.0.1:80".parse().unwrap())?;
/// server.listen(1)?;
/// let client = net.socket(Domain::IPV4, Type::STREAM, None)?;
/// client.set_security(Some(SecuritySettings::default()))?;
/// client.connect("127.0.0.1:80".parse().unwrap())?;
/// let (accepted, _) = server.accept()?;
/// let _current = net.enter(); // the revert goes to the current network
/// accepted.impersonate_peer()?;
/// winsock_emu::revert_impersonation();
/// assert_eq!(winsock_emu::impersonated_principal(), None);
/// # Ok::<(), winsock_emu::Error>(())
/// ```
pub fn revert_impersonation() {
    crate::model::current::with_current(|table| table.revert_impersonation());
}
