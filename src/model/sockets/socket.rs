//! One socket's state: what it is, where it is bound, whom it talks to, which names it holds.
#![forbid(unsafe_code)]

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroUsize;

use windows_sys::Win32::Networking::WinSock::{AF_INET, AF_INET6, SOCKET, SOCK_STREAM};

use crate::model::catalog::SocketKind;
use crate::model::options::Options;
use crate::model::payload::Payload;
use crate::model::peer_names::PeerNames;
use crate::model::small_map::SmallMap;
use crate::wire::{SecuritySettings, TargetName};

/// A socket's connection state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Created (and perhaps bound), neither listening nor connected.
    Idle,
    /// Listening: connections wait in the backlog until `accept` takes them.
    /// (Boxed: a listener's queue is rare, and inline it would make every socket bigger.)
    Listening(Box<Listener>),
    /// Connected to `peer`. A datagram socket is connected by `connect`/`WSAConnect` too.
    Connected {
        /// The peer's address.
        peer: SocketAddr,
        /// The socket at the other end, once known (a stream client learns it at `accept`).
        /// (A handle is never 0, so the `Option` costs no space: `State` stays 40 bytes.)
        remote: Option<NonZeroUsize>,
    },
}

/// A listening socket's queue of connections not yet accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    /// The most connections that may wait.
    pub backlog: usize,
    /// Waiting connections, oldest first.
    pub pending: VecDeque<Pending>,
}

/// A connection waiting in a listener's backlog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The connecting socket.
    pub client: SOCKET,
    /// The client's address: what `accept` reports.
    pub from: SocketAddr,
    /// The address the client connected to: the accepted socket's local address.
    pub to: SocketAddr,
    /// The security the connection was set up with, as the server side sees it.
    pub link: Link,
    /// What the client sent before it closed, if it closed before being accepted: the
    /// accepted socket still receives it, then the end of the stream.
    pub unsent: Vec<u8>,
}

/// The outcome of a security negotiation with one peer: what `WSAQuerySocketSecurity`
/// reports and whom `WSAImpersonateSocketPeer` acts as.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Link {
    /// The traffic is protected (`SOCKET_INFO_CONNECTION_SECURED`).
    pub secured: bool,
    /// The traffic is encrypted (`SOCKET_INFO_CONNECTION_ENCRYPTED`); only when secured.
    pub encrypted: bool,
    /// The peer's authenticated principal; `None` when the peer was not authenticated.
    pub peer_principal: Option<TargetName>,
    /// What the negotiation settled beyond the flags; `None` when no end applied security
    /// settings, so none ran. (Boxed: plain links are the common case.)
    pub negotiated: Option<Box<Negotiated>>,
}

/// What a negotiation settled beyond the flags: the IPsec2 form's fields, and the peer's
/// authenticated user.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Negotiated {
    /// The main-mode SA (0: none).
    pub mm_sa_id: u64,
    /// The quick-mode SA (0: none).
    pub qm_sa_id: u64,
    /// `NegotiationWinerr`: 0 when secured, else why not
    /// ([`crate::choices::NEGOTIATION_WINERR`]).
    pub winerr: u32,
    /// The user the peer authenticated as, when its settings named one
    /// ([`crate::choices::TOKEN_KINDS`]).
    pub peer_user: Option<TargetName>,
}

impl Link {
    /// `NegotiationWinerr` for this link: what the negotiation recorded, or
    /// `ERROR_IPSEC_IKE_NO_POLICY` when none ran.
    pub fn winerr(&self) -> u32 {
        self.negotiated.as_ref().map_or(
            windows_sys::Win32::Foundation::ERROR_IPSEC_IKE_NO_POLICY,
            |detail| detail.winerr,
        )
    }

    /// The peer's authenticated user, if any.
    pub fn peer_user(&self) -> Option<&TargetName> {
        self.negotiated
            .as_ref()
            .and_then(|detail| detail.peer_user.as_ref())
    }
}

/// A socket's security state: rarely used, so boxed on the [`SocketEntry`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Security {
    /// What `WSASetSocketSecurity` applied (accepted sockets inherit the listener's).
    pub settings: Option<SecuritySettings>,
    /// The emulated principal this socket authenticates as, if the test gave it one.
    pub principal: Option<TargetName>,
    /// A stream socket's connection security.
    pub link: Option<Link>,
}

/// What a datagram socket knows of one peer it exchanged datagrams with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Exchange {
    /// The security the first datagram between the two settled (plain when neither asked
    /// for any): what `WSAQuerySocketSecurity` reports for this peer.
    pub link: Link,
    /// The last datagram to this peer found no socket: the emulated ICMP port unreachable
    /// ([`crate::choices::UDP_PORT_UNREACHABLE`]).
    pub unreachable: bool,
}

/// One entry of a datagram socket's receive queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Queued {
    /// A datagram, with its sender.
    Datagram(SocketAddr, Payload),
    /// A datagram that reached a socket with `IP_PKTINFO` or `IPV6_PKTINFO` on, with its
    /// sender and its destination address (boxed: only those sockets pay for it,
    /// `model/pktinfo.rs`).
    Addressed(Box<(SocketAddr, IpAddr)>, Payload),
    /// The emulated ICMP Port Unreachable a datagram this socket sent drew: the receive
    /// that meets it fails with `WSAECONNRESET` ([`crate::choices::UDP_PORT_UNREACHABLE`]).
    PortUnreachable,
}

/// A socket's data: what it received and has not read yet, and how its directions stand.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Io {
    /// Stream bytes received, oldest first.
    pub inbound: VecDeque<u8>,
    /// Datagrams received, with their senders, and port-unreachable notifications, oldest
    /// first.
    pub datagrams: VecDeque<Queued>,
    /// Stream bytes sent before the server accepted the connection.
    pub unsent: Vec<u8>,
    /// What the queued datagrams cost the receive buffer (their bytes and entries).
    pub queued_bytes: usize,
    /// `shutdown(SD_SEND)` was called.
    pub shut_send: bool,
    /// `shutdown(SD_RECEIVE)` was called.
    pub shut_receive: bool,
    /// The peer will send no more (it shut down its sending side or closed).
    pub peer_finished: bool,
    /// The peer reset the connection.
    pub reset: bool,
    /// `WSAIoctl(SIO_UDP_CONNRESET)` turned port-unreachable reporting off (it is on by
    /// default, [`crate::choices::UDP_CONNRESET_CONTROL`]).
    pub unreachable_unreported: bool,
    /// The peer whose record says the last datagram to it found nobody, if any: the one
    /// such record kept ([`crate::choices::UDP_PORT_UNREACHABLE`]).
    pub last_lost: Option<SocketAddr>,
    /// A datagram socket's peers: each one it exchanged datagrams with, by address (kept
    /// here, not with the security settings, so a plain exchange allocates nothing more
    /// than the data it carries).
    pub peers: SmallMap<SocketAddr, Exchange>,
    /// The record of network events, once `WSAEventSelect` was called on the socket (or its
    /// listener's selection was inherited); kept here so that a socket never selected pays
    /// nothing for it.
    pub network_events: Option<Box<crate::model::readiness::network_events::NetworkEvents>>,
    /// Socket option values, once one is set (`setsockopt`, or a connection's time): in
    /// the boxed data state, so a socket that never sets one pays nothing more, and boxed
    /// again, so one that only moves data does not carry them.
    pub options: Option<Box<Options>>,
    /// The flow-control options (buffers, timeouts) and the last non-blocking connect's
    /// outcome, once any differs from the default.
    pub flow: Option<Box<Flow>>,
}

/// How the last `connect` of a non-blocking stream socket ended: it completes within the
/// call, which still returns `WSAEWOULDBLOCK` (facts 1.5,
/// [`crate::choices::NONBLOCKING_CONNECT`]); the readiness calls report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectAttempt {
    /// Queued on a listener with `SO_CONDITIONAL_ACCEPT`, to this peer: the handshake
    /// waits for the server's `accept` or `WSAAccept` (`model/conditional.rs`).
    Awaiting(std::net::SocketAddr),
    /// The connection was made: writable.
    Completed,
    /// The connection failed with this error: `SO_ERROR` reads it, until a later connect
    /// succeeds.
    Failed(crate::error::Error),
}

/// A socket's options and connect outcome, once any differs from the default: boxed on the
/// [`SocketEntry`], so an idle socket pays one pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    /// `SO_RCVBUF`, in bytes.
    pub receive_buffer: usize,
    /// `SO_SNDBUF`, in bytes.
    pub send_buffer: usize,
    /// `SO_RCVTIMEO`: `None` is 0, no timeout.
    pub receive_timeout: Option<std::time::Duration>,
    /// `SO_SNDTIMEO`: `None` is 0, no timeout.
    pub send_timeout: Option<std::time::Duration>,
    /// How the last non-blocking connect ended.
    pub connect: Option<ConnectAttempt>,
}

impl Default for Flow {
    fn default() -> Self {
        Self {
            receive_buffer: crate::choices::DEFAULT_BUFFER,
            send_buffer: crate::choices::DEFAULT_BUFFER,
            receive_timeout: None,
            send_timeout: None,
            connect: None,
        }
    }
}

/// One socket of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketEntry {
    /// Family, type and protocol.
    pub kind: SocketKind,
    /// Whether overlapped calls are allowed (`socket()`, or `WSA_FLAG_OVERLAPPED`).
    pub overlapped: bool,
    /// Whether an overlapped operation was ever started on it: only then can one be
    /// pending when it is closed.
    pub overlapped_started: bool,
    /// The bound local address, if any.
    pub local: Option<SocketAddr>,
    /// Idle, listening or connected.
    pub state: State,
    /// Peer target names.
    pub names: PeerNames,
    /// Non-blocking mode (`ioctlsocket(FIONBIO)`).
    pub nonblocking: bool,
    /// Security settings, principal and negotiated links, once any exists.
    pub security: Option<Box<Security>>,
    /// Received data and shutdown state, once any exists; and the socket's option values.
    pub io: Option<Box<Io>>,
}

impl SocketEntry {
    /// A new, unbound, unconnected socket.
    pub fn new(kind: SocketKind, overlapped: bool) -> Self {
        Self {
            kind,
            overlapped,
            overlapped_started: false,
            local: None,
            state: State::Idle,
            names: PeerNames::default(),
            nonblocking: false,
            security: None,
            io: None,
        }
    }

    /// The options set, if any was (kept with the data state, so an idle socket pays
    /// nothing for them).
    pub fn flow(&self) -> Option<&Flow> {
        self.io.as_ref().and_then(|io| io.flow.as_deref())
    }

    /// The options, created on first change.
    pub fn flow_mut(&mut self) -> &mut Flow {
        self.io_mut().flow.get_or_insert_with(Box::default)
    }

    /// The security state, created on first use.
    pub fn security_mut(&mut self) -> &mut Security {
        self.security.get_or_insert_with(Box::default)
    }

    /// The data state, created on first use.
    pub fn io_mut(&mut self) -> &mut Io {
        self.io.get_or_insert_with(Box::default)
    }

    /// The option values set, if any.
    pub fn options(&self) -> Option<&Options> {
        self.io.as_ref().and_then(|io| io.options.as_deref())
    }

    /// The option values, created on first use.
    pub fn options_mut(&mut self) -> &mut Options {
        self.io_mut().options.get_or_insert_with(Box::default)
    }

    /// The security settings applied, if any.
    pub fn settings(&self) -> Option<&SecuritySettings> {
        self.security
            .as_ref()
            .and_then(|security| security.settings.as_ref())
    }

    /// The principal the test gave this socket, if any.
    pub fn principal(&self) -> Option<&TargetName> {
        self.security
            .as_ref()
            .and_then(|security| security.principal.as_ref())
    }

    /// Whether the socket is connected (stream or datagram).
    pub fn is_connected(&self) -> bool {
        matches!(self.state, State::Connected { .. })
    }

    /// Whether the socket is an `AF_INET` or `AF_INET6` socket.
    pub fn is_ip(&self) -> bool {
        self.kind.family == AF_INET || self.kind.family == AF_INET6
    }

    /// Whether `addr` is of the socket's family.
    pub fn family_of(&self, addr: &SocketAddr) -> bool {
        (addr.is_ipv4() && self.kind.family == AF_INET)
            || (addr.is_ipv6() && self.kind.family == AF_INET6)
    }

    /// Whether the socket is a stream socket.
    pub fn is_stream(&self) -> bool {
        self.kind.socket_type == SOCK_STREAM
    }
}

#[cfg(test)]
mod tests {
    use std::mem::size_of;

    use super::*;

    /// The port-unreachable notification fits in the queue entry's niche: a datagram costs
    /// no more queue space than before, and the per-socket state did not grow (its data
    /// state is boxed).
    #[test]
    fn notifications_cost_no_space() {
        assert_eq!(size_of::<Queued>(), size_of::<(SocketAddr, Payload)>());
        // 112 bytes with 64-bit pointers; a 32-bit target packs it smaller.
        let expected = if cfg!(target_pointer_width = "64") {
            112
        } else {
            96
        };
        assert_eq!(size_of::<SocketEntry>(), expected);
    }
}
