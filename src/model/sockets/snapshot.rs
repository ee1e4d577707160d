//! A picture of a whole table: every socket, its state and its names, in handle order.
//!
//! Like turmoil's `netstat`, a snapshot is for looking at (debug output, teaching) and for
//! comparing: two snapshots are equal when the tables were in the same state, which is how
//! the tests prove that a failed call changed nothing.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::sync::atomic::Ordering;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::model::peer_names::PeerKey;
use crate::model::socket::{Link, SocketEntry, State};
use crate::model::SocketTable;
use crate::wire::{SecurityProtocol, SecuritySettings, TargetName};

/// The state of a whole network at one moment.
///
/// Printed (`Display`), it is a `netstat -ano`-style table, one line a socket:
///
/// ```
/// use winsock_emu::{Domain, Network, Type};
///
/// let net = Network::new();
/// let _wsa = net.startup()?;
/// let server = net.socket(Domain::IPV4, Type::STREAM, None)?;
/// server.bind("127.0.0.1:80".parse().unwrap())?;
/// server.listen(5)?;
/// let table = net.snapshot().to_string();
/// assert_eq!(table.lines().nth(1).unwrap().split_whitespace().collect::<Vec<_>>(),
///            ["Handle", "Proto", "Local", "Remote", "State", "Names", "Security", "Queued",
///             "Waits"]);
/// assert!(table.contains("LISTENING (0 of 5 waiting)"));
/// # Ok::<(), winsock_emu::Error>(())
/// ```
///
/// The snapshot's structs are `#[non_exhaustive]`: they may gain fields in a minor
/// version, so code outside the crate reads them and does not build them (a test that
/// wants an expected table builds its own type and reads a snapshot into it, as
/// `tests/model_based/expected.rs` does).
///
/// Two snapshots are equal when their tables are: [`NetworkSnapshot::blocked`], the
/// threads' state rather than the table's, is not compared (so a failed call is seen to
/// change nothing even while another thread starts or stops waiting).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct NetworkSnapshot {
    /// Outstanding `WSAStartup` calls.
    pub startups: u32,
    /// The handle the next new socket will get.
    pub next_handle: SOCKET,
    /// Every live socket, in handle order.
    pub sockets: Vec<SocketInfo>,
    /// Who waits: each thread blocked in an emulated call, the call, and the socket it
    /// waits on (read just before the table, from the waits' thread registry).
    pub blocked: Vec<Blocked>,
}

impl PartialEq for NetworkSnapshot {
    fn eq(&self, other: &Self) -> bool {
        (self.startups, self.next_handle, &self.sockets)
            == (other.startups, other.next_handle, &other.sockets)
    }
}

impl Eq for NetworkSnapshot {}

/// A thread blocked in an emulated call, in a [`NetworkSnapshot`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Blocked {
    /// The thread's name (as `Network::spawn` or `std::thread::Builder` named it), or its
    /// id.
    pub thread: String,
    /// The Windows function it is blocked in (`"recv"`, `"accept"`, `"select"`, ...).
    pub call: &'static str,
    /// The socket it waits on (under the handle [`SocketInfo::handle`] shows it by); `None`
    /// for a wait on no one socket (`select`, `WSAWaitForMultipleEvents`, ...).
    pub socket: Option<SOCKET>,
    /// What it waits for, in words.
    pub what: &'static str,
}

/// One socket in a [`NetworkSnapshot`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SocketInfo {
    /// The socket's handle: the first of its open handles, when `WSADuplicateSocket` gave
    /// it more than one.
    pub handle: SOCKET,
    /// Its other open handles, in the order they were made (`WSASocket` from a
    /// `WSADuplicateSocket` structure; empty for a socket with one handle).
    pub duplicates: Vec<SOCKET>,
    /// `AF_*`.
    pub family: u16,
    /// `SOCK_*`.
    pub socket_type: i32,
    /// `IPPROTO_*`.
    pub protocol: i32,
    /// Whether the socket was created overlapped.
    pub overlapped: bool,
    /// The bound local address.
    pub local: Option<SocketAddr>,
    /// Idle, listening or connected.
    pub state: SocketState,
    /// The peer target names it holds, in peer order (a stream socket's one name first).
    pub names: Vec<NameInfo>,
    /// Non-blocking mode (`ioctlsocket(FIONBIO)`).
    pub nonblocking: bool,
    /// The settings `WSASetSocketSecurity` applied (or the listener's, when accepted).
    pub security: Option<SecuritySettings>,
    /// The emulated principal a test gave the socket.
    pub principal: Option<TargetName>,
    /// Negotiated security: a stream connection's (peer `None`), then each datagram peer's
    /// in address order.
    pub links: Vec<LinkInfo>,
    /// Stream bytes or datagrams received and not read yet, plus stream bytes sent before
    /// the peer accepted the connection (port-unreachable notifications are not counted:
    /// [`crate::choices::PORT_UNREACHABLE_UNCOUNTED`]).
    pub waiting: usize,
}

/// The negotiated security with one peer, in a [`SocketInfo`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LinkInfo {
    /// The datagram peer; `None` for a stream socket's connection.
    pub peer: Option<SocketAddr>,
    /// Traffic is protected (`SOCKET_INFO_CONNECTION_SECURED`).
    pub secured: bool,
    /// Traffic is encrypted (`SOCKET_INFO_CONNECTION_ENCRYPTED`).
    pub encrypted: bool,
    /// The principal the peer authenticated as.
    pub peer_principal: Option<TargetName>,
}

impl LinkInfo {
    fn of(peer: Option<SocketAddr>, link: &Link) -> Self {
        Self {
            peer,
            secured: link.secured,
            encrypted: link.encrypted,
            peer_principal: link.peer_principal.clone(),
        }
    }
}

/// A socket's connection state in a [`SocketInfo`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketState {
    /// Neither listening nor connected.
    Idle,
    /// Listening, with this many connections waiting to be accepted.
    Listening {
        /// The backlog in force.
        backlog: usize,
        /// Connections waiting.
        pending: usize,
    },
    /// Connected to this peer.
    Connected {
        /// The peer's address.
        peer: SocketAddr,
    },
}

/// One stored peer target name in a [`SocketInfo`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NameInfo {
    /// The peer it is for; `None` for a stream socket's name, which is for whatever peer it
    /// connects to.
    pub peer: Option<SocketAddr>,
    /// The `SecurityProtocol` it was set with.
    pub protocol: SecurityProtocol,
    /// The name.
    pub name: TargetName,
}

impl SocketInfo {
    /// The socket's open handles, if it has more than its own (`None`: the one it was made
    /// with).
    fn named_by(mut self, handles: Option<&Vec<SOCKET>>) -> Self {
        if let Some((first, others)) = handles.and_then(|handles| handles.split_first()) {
            self.handle = *first;
            self.duplicates = others.to_vec();
        }
        self
    }

    fn of(handle: SOCKET, entry: &SocketEntry) -> Self {
        let state = match &entry.state {
            State::Idle => SocketState::Idle,
            State::Listening(listener) => SocketState::Listening {
                backlog: listener.backlog,
                pending: listener.pending.len(),
            },
            State::Connected { peer, .. } => SocketState::Connected { peer: *peer },
        };
        let mut keyed: Vec<_> = entry.names.iter().collect();
        keyed.sort_by_key(|(key, _)| **key);
        let names = keyed
            .into_iter()
            .map(|(key, stored)| NameInfo {
                peer: match key {
                    PeerKey::Connection => None,
                    PeerKey::Peer(addr) => Some(*addr),
                },
                protocol: stored.protocol,
                name: stored.name.clone(),
            })
            .collect();
        let security = entry.security.as_deref();
        // A stream connection in the clear is shown as none, whether or not a negotiation
        // ran and fell back (what it recorded is for the IPsec2 query, not the picture).
        let mut links: Vec<LinkInfo> = security
            .and_then(|security| security.link.as_ref())
            .filter(|link| link.secured || link.peer_principal.is_some())
            .map(|link| LinkInfo::of(None, link))
            .into_iter()
            .collect();
        let mut peers: Vec<_> = entry
            .io
            .as_ref()
            .map(|io| io.peers.iter().collect())
            .unwrap_or_default();
        peers.sort_by_key(|(peer, _)| **peer);
        links.extend(
            peers
                .into_iter()
                .map(|(peer, exchange)| LinkInfo::of(Some(*peer), &exchange.link)),
        );
        let waiting = entry.io.as_ref().map_or(0, |io| {
            let datagrams = io.datagrams.iter();
            let datagrams = datagrams.filter(|queued| queued.is_datagram());
            io.inbound.len() + datagrams.count() + io.unsent.len()
        });
        Self {
            handle,
            duplicates: Vec::new(),
            family: entry.kind.family,
            socket_type: entry.kind.socket_type,
            protocol: entry.kind.protocol,
            overlapped: entry.overlapped,
            local: entry.local,
            state,
            names,
            nonblocking: entry.nonblocking,
            security: security.and_then(|security| security.settings.clone()),
            principal: security.and_then(|security| security.principal.clone()),
            links,
            waiting,
        }
    }
}

impl SocketTable {
    /// A snapshot of the whole table, one instant of it: under the topology lock, every
    /// shard is locked (in order) before any is read, so that no call, not even one that
    /// takes a single shard lock, happens half-way through. This is the one place that holds
    /// more than one shard lock; it cannot deadlock, as a thread holding a shard lock waits
    /// for no other lock but the events lock, a leaf.
    pub(crate) fn snapshot(&self) -> NetworkSnapshot {
        // The waits' registry has a lock of its own, taken alone (never under a table lock).
        let blocked: Vec<Blocked> = self
            .waits
            .waiting()
            .into_iter()
            .map(|waiter| Blocked {
                thread: waiter.thread,
                call: waiter.call,
                socket: waiter.socket,
                what: waiter.what,
            })
            .collect();
        let _topology = self.topology.lock();
        // Under the topology lock, which every duplication and close takes.
        let shared = self.shared_handles();
        let shards: Vec<_> = self.shards.iter().map(|shard| shard.lock()).collect();
        let mut sockets: Vec<SocketInfo> = shards
            .iter()
            .flat_map(|shard| {
                shard.iter().map(|(&handle, entry)| {
                    SocketInfo::of(handle, entry).named_by(shared.get(&handle))
                })
            })
            .collect();
        sockets.sort_by_key(|info| info.handle);
        // A wait is its socket's: shown under the handle the socket is shown under.
        let blocked = blocked
            .into_iter()
            .map(|mut waiter: Blocked| {
                let shown = waiter.socket.and_then(|socket| shared.get(&socket));
                if let Some(first) = shown.and_then(|handles| handles.first()) {
                    waiter.socket = Some(*first);
                }
                waiter
            })
            .collect();
        NetworkSnapshot {
            startups: self.startups.load(Ordering::Acquire),
            next_handle: self.next_handle.load(Ordering::Relaxed),
            sockets,
            blocked,
        }
    }

    /// One socket's snapshot.
    pub(crate) fn socket_info(&self, handle: SOCKET) -> crate::error::Result<SocketInfo> {
        let _topology = self.topology.lock();
        let socket = self.socket_of(handle)?;
        let shared = self.shared_handles();
        self.with_entry(socket, |entry| {
            Ok(SocketInfo::of(socket, entry).named_by(shared.get(&socket)))
        })
    }
}
