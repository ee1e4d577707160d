//! [`Network`]: one emulated Winsock, with its own sockets, ports and `WSAStartup` count.
#![forbid(unsafe_code)]

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use windows_sys::Win32::Networking::WinSock::WSA_FLAG_OVERLAPPED;

use super::{Domain, Protocol, Socket, Type};
use crate::error::Result;
use crate::model::current;
use crate::model::snapshot::NetworkSnapshot;
use crate::model::SocketTable;

/// One emulated Winsock instance: a socket table, its port bindings and its `WSAStartup`
/// count. Cloning gives another handle to the same network.
///
/// [`Network::new`] makes an isolated network, as a fresh process would have: parallel
/// tests that each make their own never share sockets, ports or startup counts.
/// [`Network::global`] is the process-wide one, which the [`crate::sys`] functions use on
/// threads that have not [entered](Network::enter) another.
///
/// ```
/// use winsock_emu::{Domain, Network, Protocol, Type};
///
/// let net = Network::new();
/// let _wsa = net.startup()?; // WSAStartup(2.2); dropped: WSACleanup
/// let udp = net.socket(Domain::IPV4, Type::DGRAM, Protocol::UDP)?;
/// udp.set_peer_target_name("192.0.2.10:500".parse().unwrap(), "host/peer.contoso.com")?;
/// # Ok::<(), winsock_emu::Error>(())
/// ```
#[derive(Clone)]
pub struct Network {
    pub(crate) table: Arc<SocketTable>,
}

impl Default for Network {
    fn default() -> Self {
        let table = Arc::new(SocketTable::default());
        // The thread that makes a network is known to it while it lives (`model/waits`).
        table.waits.join(true);
        Self { table }
    }
}

impl Network {
    /// A new, isolated network, with `WSAStartup` not yet called. The calling thread is
    /// known to it while it lives, as threads that [enter](Network::enter) it are: see
    /// [`Network::stalls`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The process-wide network: what [`crate::sys`] uses when no network is entered.
    pub fn global() -> Self {
        Self {
            table: Arc::clone(current::global()),
        }
    }

    /// The network the [`crate::sys`] functions use on this thread now.
    pub fn current() -> Self {
        Self {
            table: current::current(),
        }
    }

    /// Makes this network the one [`crate::sys`] uses on this thread, until the guard is
    /// dropped. Entering nests: the innermost guard alive wins.
    pub fn enter(&self) -> EnterGuard {
        current::enter(Arc::clone(&self.table));
        EnterGuard {
            table: Arc::clone(&self.table),
            _not_send: PhantomData,
        }
    }

    /// `WSAStartup(MAKEWORD(2, 2))`; the returned guard calls `WSACleanup` when dropped.
    pub fn startup(&self) -> Result<Startup> {
        self.startup_version(0x0202)
    }

    /// `WSAStartup` with a requested version (low byte major, high byte minor).
    /// Below 1.0 is `WSAVERNOTSUPPORTED`; above 2.2 gets 2.2.
    pub fn startup_version(&self, requested: u16) -> Result<Startup> {
        let version = self.table.startup(requested)?;
        Ok(Startup {
            network: self.clone(),
            version,
            cleaned: false,
        })
    }

    /// How many `WSAStartup` calls are not yet matched by `WSACleanup`.
    pub fn startup_count(&self) -> u32 {
        self.table.startup_count()
    }

    /// `socket(af, type, protocol)`: an overlapped socket, as `socket` makes on Windows.
    /// `None` for the protocol means 0: the type's default.
    pub fn socket(
        &self,
        domain: Domain,
        ty: Type,
        protocol: impl Into<Option<Protocol>>,
    ) -> Result<Socket> {
        self.socket_with_flags(domain, ty, protocol, WSA_FLAG_OVERLAPPED)
    }

    /// `WSASocketW(af, type, protocol, NULL, 0, flags)`: overlapped only with
    /// `WSA_FLAG_OVERLAPPED` in `flags`.
    pub fn socket_with_flags(
        &self,
        domain: Domain,
        ty: Type,
        protocol: impl Into<Option<Protocol>>,
        flags: u32,
    ) -> Result<Socket> {
        let protocol = protocol.into().map_or(0, |protocol| protocol.0);
        let overlapped = flags & WSA_FLAG_OVERLAPPED != 0;
        let handle = self
            .table
            .create(i32::from(domain.0), ty.0, protocol, overlapped)?;
        Ok(Socket::from_raw(self, handle))
    }

    /// A picture of every socket, its state and its names, in handle order. Two snapshots
    /// compare equal when nothing changed in between.
    pub fn snapshot(&self) -> NetworkSnapshot {
        self.table.snapshot()
    }

    /// The number of live sockets.
    pub fn socket_count(&self) -> usize {
        self.table.len()
    }

    /// Whether two handles refer to the same network.
    pub fn same_as(&self, other: &Network) -> bool {
        Arc::ptr_eq(&self.table, &other.table)
    }
}

impl fmt::Debug for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Network")
            .field("startups", &self.startup_count())
            .field("sockets", &self.socket_count())
            .finish()
    }
}

/// A successful `WSAStartup`. Dropping it calls `WSACleanup`.
#[derive(Debug)]
#[must_use = "dropping the guard calls WSACleanup at once"]
pub struct Startup {
    network: Network,
    version: u16,
    cleaned: bool,
}

impl Startup {
    /// The version granted (`WSADATA::wVersion`).
    pub fn version(&self) -> u16 {
        self.version
    }

    /// Calls `WSACleanup` now, reporting its result.
    pub fn cleanup(mut self) -> Result<()> {
        self.cleaned = true;
        self.network.table.cleanup()
    }
}

impl Drop for Startup {
    fn drop(&mut self) {
        if !self.cleaned {
            // Every `Startup` counted one user, so this cleanup has one to release; an
            // explicit, unpaired `WSACleanup` through `sys` could still make it fail, and
            // a destructor has no one to tell.
            let _ = self.network.table.cleanup();
        }
    }
}

/// Keeps a [`Network`] current for [`crate::sys`] on this thread; see [`Network::enter`].
#[derive(Debug)]
#[must_use = "the network stops being current when the guard is dropped"]
pub struct EnterGuard {
    table: Arc<SocketTable>,
    _not_send: PhantomData<*const ()>,
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        current::leave(&self.table);
    }
}
