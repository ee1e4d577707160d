//! One socket's state: what it is, where it is bound, whom it talks to, which names it holds.
#![forbid(unsafe_code)]

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::{SOCKET, SOCK_DGRAM, SOCK_STREAM};

use super::catalog::SocketKind;
use crate::wire::{SecurityProtocol, TargetName};

/// A socket's connection state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Created (and perhaps bound), neither listening nor connected.
    Idle,
    /// Listening: connections wait in the backlog until `accept` takes them.
    Listening(Listener),
    /// Connected to `peer`. A datagram socket is connected by `connect`/`WSAConnect` too.
    Connected {
        /// The peer's address.
        peer: SocketAddr,
        /// The socket at the other end, once known (a stream client learns it at `accept`).
        remote: Option<SOCKET>,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    /// The connecting socket.
    pub client: SOCKET,
    /// The client's address: what `accept` reports.
    pub from: SocketAddr,
    /// The address the client connected to: the accepted socket's local address.
    pub to: SocketAddr,
}

/// What a peer target name is kept under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PeerKey {
    /// A stream socket's one name, for the peer it will connect to
    /// ([`crate::choices::STREAM_PEER_ADDRESS_IGNORED`]).
    Connection,
    /// A datagram socket's name for one peer ([`crate::choices::DATAGRAM_NAMES_PER_PEER`]).
    Peer(SocketAddr),
}

impl PeerKey {
    /// The key a name for `peer` is kept under on a socket of `socket_type`.
    pub fn for_peer(socket_type: i32, peer: Option<SocketAddr>) -> PeerKey {
        match (socket_type, peer) {
            (SOCK_DGRAM, Some(SocketAddr::V6(mut v6))) => {
                v6.set_flowinfo(0);
                PeerKey::Peer(SocketAddr::V6(v6))
            }
            (SOCK_DGRAM, Some(addr)) => PeerKey::Peer(addr),
            _ => PeerKey::Connection,
        }
    }
}

/// A stored peer target name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StoredName {
    /// The `SecurityProtocol` it was set with.
    pub protocol: SecurityProtocol,
    /// The name, as the UTF-16 units given.
    pub name: TargetName,
}

/// One socket of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketEntry {
    /// Family, type and protocol.
    pub kind: SocketKind,
    /// Whether overlapped calls are allowed (`socket()`, or `WSA_FLAG_OVERLAPPED`).
    pub overlapped: bool,
    /// The bound local address, if any.
    pub local: Option<SocketAddr>,
    /// Idle, listening or connected.
    pub state: State,
    /// Peer target names. Empty maps do not allocate.
    pub names: HashMap<PeerKey, StoredName>,
}

impl SocketEntry {
    /// A new, unbound, unconnected socket.
    pub fn new(kind: SocketKind, overlapped: bool) -> Self {
        Self {
            kind,
            overlapped,
            local: None,
            state: State::Idle,
            names: HashMap::new(),
        }
    }

    /// Whether the socket is connected (stream or datagram).
    pub fn is_connected(&self) -> bool {
        matches!(self.state, State::Connected { .. })
    }

    /// Whether the socket is a stream socket.
    pub fn is_stream(&self) -> bool {
        self.kind.socket_type == SOCK_STREAM
    }
}
