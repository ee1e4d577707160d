//! The in-memory socket table: no `unsafe`, no pointers, only owned values.
//!
//! A [`SocketTable`] is one emulated Winsock instance: its `WSAStartup` count, its sockets
//! keyed by handle, and its port bindings. The `sys` and `api` faces both call the
//! operations defined on it in this module's files, in folders by concern:
//!
//! | folder / file | concern and operations |
//! | --- | --- |
//! | `sockets/` | the sockets and their table: `socket.rs` (one socket's state), `lifecycle.rs` (`WSAStartup`/`WSACleanup`, `socket`, `bind`, `listen`, `connect`, `closesocket`), `catalog.rs` and `protocol_db.rs` (which sockets can be made; `getprotobyname`/`getprotobynumber`), `topology.rs` (port owners), `dual_stack.rs` (an IPv6 socket's IPv4 side when `IPV6_V6ONLY` is off), `small_map.rs` (the per-peer map), `handles.rs` (what a handle names, for `CloseHandle`), `duplication.rs` (`WSADuplicateSocket`: handles sharing a socket, and what a caller's handle names), `current.rs` and `stray.rs` (which table a thread uses), `snapshot.rs` and `snapshot_table.rs` (the table's picture) |
//! | `streams/` | `data.rs` (`send`, `recv`, `sendto`, `recvfrom`, `shutdown`, `ioctlsocket`), `disconnect.rs` (`WSASendDisconnect`, `WSARecvDisconnect`: shutdown with disconnect data), `flow.rs` (`SO_RCVBUF`, `SO_SNDBUF`, `SO_RCVTIMEO`, `SO_SNDTIMEO`, `SO_ERROR`), `accepting.rs` (`accept`, `WSAAccept`), `conditional.rs` (`SO_CONDITIONAL_ACCEPT`: a handshake waiting for the server's decision), `payload.rs` (a received payload's bytes) |
//! | `datagrams/` | `datagram.rs` (sending one datagram), `multicast.rs` (IPv4 groups), `unreachable.rs` (`SIO_UDP_CONNRESET`), `pktinfo.rs` (`IP_PKTINFO`/`IPV6_PKTINFO`: a datagram's destination for `WSARecvMsg`) |
//! | `overlapped/` | overlapped operations: immediate, pending, aborted by `closesocket` (`mod.rs`); receives pending until data arrives (`posted.rs`); event objects, completion-routine queues and their waits (`events.rs`) |
//! | `security/` | `WSASetSocketSecurity`, `WSAQuerySocketSecurity`, `WSAImpersonateSocketPeer` (`mod.rs`); peer target names (`names.rs`, `peer_names.rs`); the negotiation (`negotiation.rs`), what a query answers (`query_answer.rs`, `sa.rs`, `tokens.rs`), why connects failed (`refusals.rs`), the thread's impersonation (`impersonation.rs`), the observed wrappers of the family (`observed_security.rs`) |
//! | `observer/` | the wrappers the faces call: injected faults and the call trace around every operation (`mod.rs`), test-caused network events (`injected.rs`), the `tracing` feature's events (`tracing_events.rs`) |
//! | `options/` | `getsockopt`, `setsockopt`: the option table, each socket's values, address reuse |
//! | `resolution/` | the network's names: declared hosts, `localhost`, the machine name, `getaddrinfo` and `getnameinfo`, slow lookups on the network clock and `GetAddrInfoExW`'s pending ones |
//! | `readiness/` | `select`, `WSAPoll`, `WSAEventSelect`, `WSAEnumNetworkEvents`: what is ready, one predicate each |
//! | `waits/` | how a blocking call waits and is woken: the eventcount, the clock, stall detection |
//! | `sync.rs` | the locks, condition variable and thread identities: `parking_lot`, or `shuttle` for model checking |
//!
//! Each folder's files stay reachable as `model::<file>` (the folders re-export them), so
//! code names a file by what it holds, not by where it sits.
//!
//! ## Locking
//! Sockets live in [`SHARDS`] shards, each a `parking_lot::Mutex` around a `HashMap`, so
//! calls on different sockets rarely meet on one lock; the names hot path takes one shard
//! lock and nothing else. Operations that change how sockets relate (bind, connect,
//! accept, close), and those that move data between sockets (`send`, `sendto`,
//! `shutdown`: the receiver and the port owners must not change half-way), first take the
//! `topology` lock, then shard locks one at a time; `recv` and the security calls take one
//! shard lock. The
//! topology lock is always taken before a shard lock, and no code holds two shard locks at
//! once (but a snapshot, which takes them all in order under the topology lock, and waits
//! for no one who holds one), so no two threads can wait on each other. The `deferral` lock of pending overlapped
//! operations sits between the two: after `topology`, before a shard lock. The process-wide
//! events lock (`events.rs`) is a leaf, taken last and alone; so are the SA registry's
//! lock (`sa.rs`, taken under a shard lock) and the process-wide tokens lock (`tokens.rs`,
//! taken with no other lock held). The duplications lock
//! (`duplication.rs`) is a leaf too: a caller's handle is read through it, alone, before
//! the shard lock is taken, and it is changed under the topology lock. No lock is held
//! while user code (a completion routine) runs.
//!
//! ## Handles and sockets
//! A socket is keyed in its shard by the handle it was made with. `WSASocket` from a
//! `WSADuplicateSocket` structure makes another handle naming it (`duplication.rs`): a
//! call given a caller's handle reads it through [`SocketTable::socket_of`] (or
//! [`SocketTable::with_socket`], which does so), and from then on the table works with
//! the socket's key, which is what its records (bindings, backlogs, pending operations,
//! waits) hold; [`SocketTable::with_entry`] looks such a key up.
#![forbid(unsafe_code)]

pub(crate) mod completion;
mod datagrams;
pub(crate) mod observer;
pub(crate) mod options;
pub(crate) mod overlapped;
pub(crate) mod readiness;
pub(crate) mod resolution;
mod security;
mod sockets;
mod streams;
pub(crate) mod sync;
pub(crate) mod waits;

use datagrams::datagram;
use datagrams::pktinfo;
#[cfg(feature = "tracing")]
use observer::tracing_events;
pub(crate) use overlapped::events;
pub(crate) use overlapped::posted;
pub(crate) use security::impersonation;
use security::names;
use security::negotiation;
pub(crate) use security::peer_names;
use security::query_answer;
pub(crate) use security::refusals;
use security::sa;
pub(crate) use security::tokens;
pub(crate) use sockets::catalog;
pub(crate) use sockets::current;
use sockets::dual_stack;
use sockets::duplication;
pub(crate) use sockets::handles;
use sockets::lifecycle;
pub(crate) use sockets::protocol_db;
use sockets::small_map;
pub(crate) use sockets::snapshot;
pub(crate) use sockets::socket;
pub(crate) use sockets::stray;
use sockets::topology;
use streams::accepting;
use streams::data;
use streams::payload;
use streams::transmit;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use parking_lot::RwLock;
use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::choices;
use crate::error::{Error, Result};
use crate::rules;
use observer::Observer;
use socket::SocketEntry;
use sync::{AtomicU32, Mutex};
use topology::Topology;

pub(crate) use accepting::{Verdict, Waiting};
pub(crate) use data::Received;
pub(crate) use lifecycle::{AddrArg, HIGHEST_VERSION};
pub(crate) use names::NameArg;
pub(crate) use security::{QueryFailure, SettingsArg, TemplateArg};
pub(crate) use transmit::{Piece, Transmit, MAX_TRANSMIT};

/// How many shards the socket map is split into (a power of two).
pub(crate) const SHARDS: usize = 64;

/// The last handle ever handed out: the highest multiple of four with the low bits of
/// [`choices::FIRST_HANDLE`] that stays clear of `INVALID_SOCKET` (`usize::MAX`).
const LAST_HANDLE: usize = usize::MAX - 8 - (usize::MAX - 8 - choices::FIRST_HANDLE) % 4;

/// Where each new table's identity comes from: never reused, unlike a table's address.
static NEXT_IDENTITY: AtomicU64 = AtomicU64::new(0);

/// Hashes the table's keys: socket handles, the (type, port) keys of the port bindings,
/// and the peer addresses that key peer target names. Handles and ports come from the table
/// itself, and peer addresses from the test that drives it, so no hash-flooding defence is
/// needed: a folded multiply spreads every bit of the key over the bucket bits, at a
/// fraction of SipHash's cost per lookup (`docs/performance.md`, comparison 1).
#[derive(Debug, Default)]
pub(crate) struct FoldHasher(u64);

impl Hasher for FoldHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            // The length keeps "ab" and "ab\0" apart.
            self.write_u64(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
        }
    }

    fn write_u8(&mut self, value: u8) {
        self.write_u64(u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        // The full 128-bit product of two 64-bit values, folded: every input bit reaches
        // the low bits that pick the bucket.
        let product = u128::from(self.0 ^ value) * u128::from(0x9e37_79b9_7f4a_7c15_u64);
        self.0 = (product as u64) ^ ((product >> 64) as u64);
    }

    fn write_u16(&mut self, value: u16) {
        self.write_u64(u64::from(value));
    }

    fn write_u32(&mut self, value: u32) {
        self.write_u64(u64::from(value));
    }

    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }
}

/// The sockets of one shard, by handle.
pub(crate) type Sockets = HashMap<SOCKET, SocketEntry, BuildHasherDefault<FoldHasher>>;

/// The index of the shard a handle lives in.
fn shard_index(handle: SOCKET) -> usize {
    (handle >> 2) & (SHARDS - 1)
}

/// One shard's lock, alone on its cache lines (128 bytes: two lines, as adjacent-line
/// prefetching pairs them), so threads working in different shards do not contend for
/// one line.
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct Shard(Mutex<Sockets>);

impl Deref for Shard {
    type Target = Mutex<Sockets>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

/// One emulated Winsock instance.
#[derive(Debug)]
pub(crate) struct SocketTable {
    /// Outstanding `WSAStartup` calls not yet matched by `WSACleanup`.
    startups: AtomicU32,
    /// The next handle to hand out; handles are never reused.
    next_handle: AtomicUsize,
    /// The sockets, split by handle.
    shards: Box<[Shard]>,
    /// Port bindings and ephemeral ports; taken before any shard lock.
    topology: Mutex<Topology>,
    /// Pending overlapped operations; taken after `topology`, before a shard lock.
    deferral: Mutex<overlapped::Deferral>,
    /// The emulated IPsec SAs of secured links; a leaf, taken under a shard lock.
    sas: Mutex<sa::SaRegistry>,
    /// Injected faults and the call trace.
    pub(crate) observer: Observer,
    /// The names of the network (`resolution/`): a leaf lock, taken alone.
    resolver: RwLock<resolution::Resolver>,
    /// This table's identity, which no other table of the process ever has (the thread's
    /// impersonation record names it).
    identity: u64,
    /// Overlapped receives waiting for data; taken after `topology`, before a shard lock.
    posted: Mutex<posted::PostedReceives>,
    /// How many receives are posted: read by every change, so it is a lone atomic.
    posted_count: AtomicUsize,
    /// Overlapped sends waiting for room (its own locks: `overlapped/posted_sends.rs`).
    posted_sends: overlapped::posted_sends::PostedSends,
    /// Blocking calls' waits: the eventcount, the clock, the known threads; its mutex is
    /// a leaf.
    pub(crate) waits: waits::Waits,
    /// The sockets with a record of network events (`WSAEventSelect`); its mutex is a leaf.
    network_events: readiness::network_events::Registry,
    /// Unused duplications and the handles of shared sockets (`WSADuplicateSocket`); a
    /// leaf, changed under the topology lock.
    duplications: Mutex<duplication::Duplications>,
    /// How many entries of `duplications` a lookup must consult (0: no socket is shared, and
    /// every handle names the socket keyed by it).
    shared: AtomicUsize,
}

impl Default for SocketTable {
    fn default() -> Self {
        Self {
            startups: AtomicU32::new(0),
            next_handle: AtomicUsize::new(choices::FIRST_HANDLE),
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
            topology: Mutex::new(Topology::default()),
            deferral: Mutex::new(overlapped::Deferral::default()),
            sas: Mutex::new(sa::SaRegistry::default()),
            observer: Observer::default(),
            resolver: RwLock::new(resolution::Resolver::default()),
            identity: NEXT_IDENTITY.fetch_add(1, Ordering::Relaxed),
            posted: Mutex::new(posted::PostedReceives::default()),
            posted_count: AtomicUsize::new(0),
            posted_sends: Default::default(),
            waits: waits::Waits::default(),
            network_events: Default::default(),
            duplications: Mutex::default(),
            shared: AtomicUsize::new(0),
        }
    }
}

impl SocketTable {
    /// The process-wide table: no thread is known to it, so only the stall limit ends its
    /// waits.
    pub(crate) fn process_wide() -> Self {
        Self {
            waits: waits::Waits::process_wide(),
            ..Self::default()
        }
    }

    /// The shard a handle lives in.
    fn shard(&self, handle: SOCKET) -> &Mutex<Sockets> {
        &self.shards[shard_index(handle)]
    }

    /// Checks [`rules::startup_done`].
    pub(crate) fn require_startup(&self) -> Result<()> {
        rules::startup_done(self.startups.load(Ordering::Acquire))
    }

    /// Hands out the next handle, or `WSAEMFILE` once the handle space is spent. A refused
    /// allocation leaves the counter where it was, so it can never wrap round to handles
    /// already given out (on a 32-bit target the space is about 2^30 handles).
    fn allocate_handle(&self) -> Result<SOCKET> {
        self.next_handle
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |handle| {
                (handle <= LAST_HANDLE).then(|| handle + 4)
            })
            .map_err(|_| Error::TooManySockets)
    }

    /// Inserts a new socket under a fresh handle. The startup count is checked again under
    /// the shard lock: the last `WSACleanup` lowers it before it clears the shards, so a
    /// socket inserted after this check is one that cleanup will clear, and a socket is
    /// never inserted into a shard it has already cleared.
    fn insert(&self, entry: SocketEntry) -> Result<SOCKET> {
        let handle = self.allocate_handle()?;
        let mut shard = self.shard(handle).lock();
        self.require_startup()?;
        shard.insert(handle, entry);
        Ok(handle)
    }

    /// The number of live sockets.
    pub(crate) fn len(&self) -> usize {
        self.shards.iter().map(|shard| shard.lock().len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::hash::BuildHasher;

    use super::*;

    /// The handles of one shard differ only above their low eight bits; the bucket index
    /// is taken from the hash's low bits, so those must still differ from handle to handle.
    #[test]
    fn handles_of_one_shard_spread_over_the_low_hash_bits() {
        let hasher = BuildHasherDefault::<FoldHasher>::default();
        let buckets: HashSet<u64> = (0..1024usize)
            .map(|i| hasher.hash_one(choices::FIRST_HANDLE + i * 4 * SHARDS) & 1023)
            .collect();
        assert!(
            buckets.len() > 600,
            "only {} of 1024 buckets used",
            buckets.len()
        );
    }

    /// Defect 11 of issue 13: once the handle space is spent, `socket` and `accept` are
    /// refused without moving the counter (it used to advance on every refusal and wrap to
    /// 0 on 32-bit targets), and the connection an `accept` took is back in the backlog.
    #[test]
    fn a_spent_handle_space_refuses_without_wrapping_or_losing_a_connection() {
        use super::snapshot::SocketState;
        let table = SocketTable::default();
        table.startup(0x0202).unwrap();
        let listener = table.create(2, 1, 0, false).unwrap();
        let at: std::net::SocketAddr = "127.0.0.1:80".parse().unwrap();
        table.bind(listener, AddrArg::Value(at)).unwrap();
        table.listen(listener, 5).unwrap();
        for _ in 0..2 {
            let client = table.create(2, 1, 0, false).unwrap();
            table.connect(client, AddrArg::Value(at)).unwrap();
        }
        table.next_handle.store(LAST_HANDLE, Ordering::Relaxed);
        assert_eq!(table.accept(listener).unwrap().0, LAST_HANDLE);
        for _ in 0..10 {
            assert_eq!(table.create(2, 2, 0, false), Err(Error::TooManySockets));
            assert_eq!(table.accept(listener).err(), Some(Error::TooManySockets));
        }
        assert_eq!(table.next_handle.load(Ordering::Relaxed), LAST_HANDLE + 4);
        const { assert!(LAST_HANDLE + 4 < usize::MAX && LAST_HANDLE % 4 == choices::FIRST_HANDLE % 4) };
        let info = table.socket_info(listener).unwrap();
        assert_eq!(
            info.state,
            SocketState::Listening {
                backlog: 5,
                pending: 1
            },
            "the refused accept's connection waits still"
        );
    }
}
