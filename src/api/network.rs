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
        Self::new()
    }
}

impl Network {
    /// A new, isolated network, with [`WSAStartup`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-wsastartup) not yet called. The calling thread is
    /// known to it while it lives, as threads that [enter](Network::enter) it are: see
    /// [`Network::stalls`].
    ///
    /// The calling thread remembers it: if a `sys` call of this thread then fails with
    /// `WSANOTINITIALISED` on the process-wide network because this one was not
    /// [entered](Network::enter), strict mode and this network's trace say so
    /// ([`crate::testing::NETWORK_NOT_ENTERED`]).
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let other = Network::new();
    /// assert_eq!(other.startup_count(), 0); // nothing shared with `net`
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn new() -> Self {
        let table = Arc::<SocketTable>::default();
        // The thread that makes a network is known to it while it lives (`model/waits`).
        table.waits.join(true);
        crate::model::stray::made_here(&table);
        Self { table }
    }

    /// The process-wide network: what [`crate::sys`] uses when no network is entered.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let global = Network::global();
    /// assert!(global.same_as(&Network::global()));
    /// assert!(!global.same_as(&net));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn global() -> Self {
        Self {
            table: Arc::clone(current::global()),
        }
    }

    /// The network the [`crate::sys`] functions use on this thread now.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// assert!(Network::current().same_as(&Network::global()));
    /// let _current = net.enter();
    /// assert!(Network::current().same_as(&net));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn current() -> Self {
        Self {
            table: current::current(),
        }
    }

    /// Makes this network the one [`crate::sys`] uses on this thread, until the guard is
    /// dropped. Entering nests: the innermost guard alive wins.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let _current = net.enter();
    /// let s = unsafe { winsock_emu::sys::socket(2, 2, 0) }; // AF_INET, SOCK_DGRAM: on `net`
    /// assert_eq!(net.socket_count(), 1);
    /// assert_eq!(unsafe { winsock_emu::sys::closesocket(s) }, 0);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn enter(&self) -> EnterGuard {
        current::enter(Arc::clone(&self.table));
        EnterGuard {
            table: Arc::clone(&self.table),
            _not_send: PhantomData,
        }
    }

    /// [`WSAStartup(MAKEWORD(2, 2))`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-wsastartup); the returned guard calls [`WSACleanup`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-wsacleanup) when dropped.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// assert_eq!(_wsa.version(), 0x0202);
    /// assert_eq!(net.startup_count(), 1);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn startup(&self) -> Result<Startup> {
        self.startup_version(0x0202)
    }

    /// [`WSAStartup`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-wsastartup) with a requested version (low byte major, high byte minor).
    /// Below 1.0 is `WSAVERNOTSUPPORTED`; above 2.2 gets 2.2.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let old = net.startup_version(0x0101)?; // Winsock 1.1
    /// assert_eq!(old.version(), 0x0101);
    /// assert_eq!(net.startup_version(0x0000).err(), Some(winsock_emu::Error::VersionNotSupported));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn startup_version(&self, requested: u16) -> Result<Startup> {
        let version = self.table.startup(requested)?;
        Ok(Startup {
            network: self.clone(),
            version,
            cleaned: false,
        })
    }

    /// How many [`WSAStartup`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-wsastartup) calls are not yet matched by [`WSACleanup`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-wsacleanup).
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// assert_eq!(net.startup_count(), 1);
    /// drop(_wsa); // WSACleanup
    /// assert_eq!(net.startup_count(), 0);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn startup_count(&self) -> u32 {
        self.table.startup_count()
    }

    /// [`socket(af, type, protocol)`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-socket): an overlapped socket, as [`socket`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-socket) makes on Windows.
    /// `None` for the protocol means 0: the type's default.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// use winsock_emu::Protocol;
    ///
    /// let tcp = net.socket(Domain::IPV6, Type::STREAM, Protocol::TCP)?;
    /// assert!(tcp.info()?.overlapped);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn socket(
        &self,
        domain: Domain,
        ty: Type,
        protocol: impl Into<Option<Protocol>>,
    ) -> Result<Socket> {
        self.socket_with_flags(domain, ty, protocol, WSA_FLAG_OVERLAPPED)
    }

    /// [`WSASocketW(af, type, protocol, NULL, 0, flags)`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsasocketw): overlapped only with
    /// `WSA_FLAG_OVERLAPPED` in `flags`.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let plain = net.socket_with_flags(Domain::IPV4, Type::DGRAM, None, 0)?;
    /// assert!(!plain.info()?.overlapped);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
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
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let before = net.snapshot();
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// assert_eq!(udp.set_peer_target_name("0.0.0.0:0".parse().unwrap(), "host/x"), Err(winsock_emu::Error::Invalid));
    /// assert_eq!(net.snapshot().sockets.len(), before.sockets.len() + 1);
    /// println!("{}", net.snapshot()); // a netstat-style table
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn snapshot(&self) -> NetworkSnapshot {
        self.table.snapshot()
    }

    /// The number of live sockets.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let _a = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// let _b = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// assert_eq!(net.socket_count(), 2);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn socket_count(&self) -> usize {
        self.table.len()
    }

    /// Whether two handles refer to the same network.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// assert!(net.same_as(&net.clone()));
    /// assert!(!net.same_as(&Network::new()));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
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
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// assert_eq!(_wsa.version(), 0x0202);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn version(&self) -> u16 {
        self.version
    }

    /// Calls [`WSACleanup`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-wsacleanup) now, reporting its result.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// _wsa.cleanup()?;
    /// assert_eq!(net.startup_count(), 0);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
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
