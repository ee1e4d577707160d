//! [`SecurityFailure`]: why a secure connect (or a first datagram) failed, which the Windows
//! result (`WSAETIMEDOUT`) does not say.
use std::fmt;
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use super::Call;
use crate::error::Error;
use crate::wire::TargetName;

/// A failed security negotiation: a client whose peer target name did not name the
/// server's principal, with nothing (neither side's settings) allowing it through.
///
/// The call fails as on Windows, with [`crate::choices::NEGOTIATION_FAILURE_ERROR`]
/// (`WSAETIMEDOUT`: IPsec's main mode never completes), so the error code alone cannot
/// tell a wrong name from a dead server. The network keeps this record for the test
/// ([`Network::security_failures`](crate::Network::security_failures)); the failed call's
/// trace entry carries its text ([`CallRecord::note`](super::CallRecord::note)), and so
/// does strict mode's failure text.
///
/// ```
/// use winsock_emu::{Domain, Error, Network, SecuritySettings, Type};
///
/// let net = Network::new();
/// let _wsa = net.startup()?;
/// let server = net.socket(Domain::IPV4, Type::STREAM, None)?;
/// server.set_principal("host/rogue.contoso.com")?;
/// server.bind("192.0.2.10:27015".parse().unwrap())?;
/// server.listen(1)?;
/// let client = net.socket(Domain::IPV4, Type::STREAM, None)?;
/// client.set_security(Some(SecuritySettings::default()))?;
/// client.set_peer_target_name("0.0.0.0:0".parse().unwrap(), "host/server.contoso.com")?;
/// assert_eq!(client.connect("192.0.2.10:27015".parse().unwrap()), Err(Error::TimedOut));
///
/// let failure = &net.security_failures()[0];
/// assert_eq!(failure.expected.to_string(), "host/server.contoso.com");
/// assert_eq!(failure.met.to_string(), "host/rogue.contoso.com");
/// assert!(failure.client_has_settings && !failure.server_has_settings);
/// println!("{failure}"); // connect on socket 0x108 to 192.0.2.10:27015 failed: ...
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecurityFailure {
    /// The call that failed: [`Call::Connect`] for a stream connection, [`Call::SendTo`]
    /// for a datagram socket's first datagram to a peer.
    pub call: Call,
    /// The client's socket (the one whose call failed).
    pub socket: SOCKET,
    /// The address it connected or sent to.
    pub peer: SocketAddr,
    /// The client's peer target name: who it expected.
    pub expected: TargetName,
    /// The principal the server authenticated as: who it met.
    pub met: TargetName,
    /// Whether the client applied `WSASetSocketSecurity`.
    pub client_has_settings: bool,
    /// Whether the server (the listener, or the datagram receiver) applied
    /// `WSASetSocketSecurity`.
    pub server_has_settings: bool,
    /// What the call returned.
    pub error: Error,
}

impl SecurityFailure {
    /// Whether the principal met is the default one of the server's address
    /// (`host/<address>`, [`crate::choices::DEFAULT_PRINCIPALS`]): most likely no
    /// principal was given to the server, with `Socket::set_principal` or
    /// `Network::set_host_principal`.
    pub fn met_default_principal(&self) -> bool {
        self.met.to_string_lossy() == format!("host/{}", self.peer.ip())
    }
}

impl fmt::Display for SecurityFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} on socket {:#x} to {} failed with {}: the peer target name {:?} does not name \
             the server's principal {:?}",
            self.call,
            self.socket,
            self.peer,
            self.error.name(),
            self.expected.to_string_lossy(),
            self.met.to_string_lossy(),
        )?;
        if self.met_default_principal() {
            f.write_str(
                " (the default principal of its address: the server was given none, with \
                 Socket::set_principal or Network::set_host_principal)",
            )?;
        }
        let settings = match (self.client_has_settings, self.server_has_settings) {
            (true, true) => "both sides applied WSASetSocketSecurity",
            (true, false) => "the client applied WSASetSocketSecurity, the server none",
            (false, true) => "the server applied WSASetSocketSecurity, the client none",
            (false, false) => "neither side applied WSASetSocketSecurity",
        };
        write!(
            f,
            "; {settings}, and no settings allowed an insecure fallback \
             (SOCKET_SETTINGS_ALLOW_INSECURE on every side that has settings) or optional \
             peer-name verification (on the client)"
        )
    }
}
