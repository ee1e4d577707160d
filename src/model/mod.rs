//! The in-memory socket table: no `unsafe`, no pointers, only owned values.
//!
//! A [`SocketTable`] is one emulated Winsock instance: its `WSAStartup` count, its sockets
//! keyed by handle, and its port bindings. The `sys` and `api` faces both call the
//! operations defined on it in this module's files:
//!
//! | file | operations |
//! | --- | --- |
//! | `lifecycle.rs` | `WSAStartup`/`WSACleanup`, `socket`, `bind`, `listen`, `connect`, `accept`, `closesocket` |
//! | `names.rs` | `WSASetSocketPeerTargetName`, `WSADeleteSocketPeerTargetName` |
//! | `security.rs` | `WSASetSocketSecurity`, `WSAQuerySocketSecurity`, `WSAImpersonateSocketPeer`, principals, negotiation |
//! | `impersonation.rs` | the thread's impersonation (`WSARevertImpersonation` ends it) |
//! | `data.rs` | `send`, `recv`, `sendto`, `recvfrom`, `shutdown`, `ioctlsocket` |
//! | `observer.rs` | the wrappers the faces call: injected faults and the call trace, around every operation |
//! | `observed_security.rs` | the same wrappers for the secure-socket and data-path operations |
//! | `snapshot.rs` | a comparable picture of the whole table, for tests and teaching |
//! | `current.rs` | which table the `sys` functions of a thread use |
//! | `overlapped.rs` | overlapped operations: immediate, pending, aborted by `closesocket` |
//! | `events.rs` | process-wide event objects, per-thread completion-routine queues, waits |
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
//! once, so no two threads can wait on each other. The `deferral` lock of pending overlapped
//! operations sits between the two: after `topology`, before a shard lock. The process-wide
//! events lock (`events.rs`) is a leaf, taken last and alone. No lock is held while user
//! code (a completion routine) runs.
#![forbid(unsafe_code)]

pub(crate) mod catalog;
pub(crate) mod current;
mod data;
pub(crate) mod events;
pub(crate) mod impersonation;
mod lifecycle;
mod names;
mod observed_security;
mod observer;
pub(crate) mod overlapped;
mod security;
pub(crate) mod snapshot;
pub(crate) mod socket;
mod topology;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use parking_lot::Mutex;
use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::choices;
use crate::error::{Error, Result};
use crate::rules;
use observer::Observer;
use socket::SocketEntry;
use topology::Topology;

pub(crate) use data::Received;
pub(crate) use lifecycle::{AddrArg, HIGHEST_VERSION};
pub(crate) use names::NameArg;
pub(crate) use security::{QueryFailure, SettingsArg, TemplateArg};

/// How many shards the socket map is split into (a power of two).
pub(crate) const SHARDS: usize = 64;

/// One emulated Winsock instance.
#[derive(Debug)]
pub(crate) struct SocketTable {
    /// Outstanding `WSAStartup` calls not yet matched by `WSACleanup`.
    startups: AtomicU32,
    /// The next handle to hand out; handles are never reused.
    next_handle: AtomicUsize,
    /// The sockets, split by handle.
    shards: Box<[Mutex<HashMap<SOCKET, SocketEntry>>]>,
    /// Port bindings and ephemeral ports; taken before any shard lock.
    topology: Mutex<Topology>,
    /// Pending overlapped operations; taken after `topology`, before a shard lock.
    deferral: Mutex<overlapped::Deferral>,
    /// Injected faults and the call trace.
    pub(crate) observer: Observer,
}

impl Default for SocketTable {
    fn default() -> Self {
        Self {
            startups: AtomicU32::new(0),
            next_handle: AtomicUsize::new(choices::FIRST_HANDLE),
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            topology: Mutex::new(Topology::default()),
            deferral: Mutex::new(overlapped::Deferral::default()),
            observer: Observer::default(),
        }
    }
}

impl SocketTable {
    /// The shard a handle lives in.
    fn shard(&self, handle: SOCKET) -> &Mutex<HashMap<SOCKET, SocketEntry>> {
        &self.shards[(handle >> 2) & (SHARDS - 1)]
    }

    /// Checks [`rules::startup_done`].
    pub(crate) fn require_startup(&self) -> Result<()> {
        rules::startup_done(self.startups.load(Ordering::Acquire))
    }

    /// Runs `f` on the socket `handle` names, under its shard lock, after the startup and
    /// [`rules::handle_names_a_socket`] checks.
    pub(crate) fn with_socket<R>(
        &self,
        handle: SOCKET,
        f: impl FnOnce(&mut SocketEntry) -> Result<R>,
    ) -> Result<R> {
        self.require_startup()?;
        let mut shard = self.shard(handle).lock();
        let entry = rules::handle_names_a_socket(shard.get_mut(&handle))?;
        f(entry)
    }

    /// Hands out the next handle, or `WSAEMFILE` once the handle space is spent.
    fn allocate_handle(&self) -> Result<SOCKET> {
        let handle = self.next_handle.fetch_add(4, Ordering::Relaxed);
        if handle > usize::MAX - 8 {
            return Err(Error::TooManySockets);
        }
        Ok(handle)
    }

    /// Inserts a new socket under a fresh handle.
    fn insert(&self, entry: SocketEntry) -> Result<SOCKET> {
        let handle = self.allocate_handle()?;
        self.shard(handle).lock().insert(handle, entry);
        Ok(handle)
    }

    /// The number of live sockets.
    pub(crate) fn len(&self) -> usize {
        self.shards.iter().map(|shard| shard.lock().len()).sum()
    }
}
