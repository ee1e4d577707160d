//! [`Socket`]: a handle to one socket of a [`Network`], closed when dropped.
#![forbid(unsafe_code)]

use std::fmt;
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use super::Network;
use crate::error::Result;
use crate::model::snapshot::SocketInfo;
use crate::model::{AddrArg, NameArg};
use crate::wire::{PeerTargetName, TargetName};

/// A socket of a [`Network`]. Dropping it calls `closesocket`; [`Socket::into_raw`] gives
/// the handle up instead, for use with [`crate::sys`].
pub struct Socket {
    pub(super) network: Network,
    pub(super) handle: SOCKET,
    /// Whether dropping this value closes the socket.
    owned: bool,
}

impl Socket {
    /// Wraps a raw handle of `network`. The handle is not checked: a handle that names no
    /// socket makes every call fail with `WSAENOTSOCK`.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let raw = net.socket(Domain::IPV4, Type::DGRAM, None)?.into_raw();
    /// let socket = winsock_emu::Socket::from_raw(&net, raw); // closed when dropped
    /// assert_eq!(socket.as_raw(), raw);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn from_raw(network: &Network, handle: SOCKET) -> Socket {
        Socket {
            network: network.clone(),
            handle,
            owned: true,
        }
    }

    /// The raw `SOCKET` handle, for [`crate::sys`] calls.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// assert_eq!(udp.as_raw(), 0x100); // handles start at 0x100 and grow by 4
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn as_raw(&self) -> SOCKET {
        self.handle
    }

    /// Gives up ownership: the socket stays open and the handle is returned.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let _current = net.enter(); // `sys` calls on this thread use `net`
    /// let raw = net.socket(Domain::IPV4, Type::DGRAM, None)?.into_raw();
    /// assert_eq!(net.socket_count(), 1); // still open
    /// assert_eq!(unsafe { winsock_emu::sys::closesocket(raw) }, 0);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn into_raw(mut self) -> SOCKET {
        self.owned = false;
        self.handle
    }

    /// The network this socket belongs to.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// assert!(udp.network().same_as(&net));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// [`bind`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-bind): gives the socket a local address; port 0 picks the next free ephemeral port.
    /// Returns the address bound.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// let bound = udp.bind("127.0.0.1:0".parse().unwrap())?;
    /// assert_eq!(bound.port(), 49152); // the first ephemeral port
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn bind(&self, addr: SocketAddr) -> Result<SocketAddr> {
        self.network.table.bind(self.handle, AddrArg::Value(addr))
    }

    /// [`listen`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-listen): a bound stream socket starts accepting connections.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let server = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// server.bind("127.0.0.1:80".parse().unwrap())?;
    /// server.listen(5)?;
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn listen(&self, backlog: i32) -> Result<()> {
        self.network.table.listen(self.handle, backlog)
    }

    /// [`accept`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-accept):
    /// the oldest waiting connection, as a new socket, with the client's address. With
    /// nothing waiting a blocking listener waits (`WSAEINTR` if another thread closes it,
    /// `WSAENETDOWN` on a stall); a non-blocking one fails with `WSAEWOULDBLOCK`.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let server = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// server.bind("127.0.0.1:80".parse().unwrap())?;
    /// server.listen(5)?;
    /// server.set_nonblocking(true)?;
    /// assert_eq!(server.accept().err(), Some(winsock_emu::Error::WouldBlock));
    /// let client = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// client.connect("127.0.0.1:80".parse().unwrap())?;
    /// let (accepted, from) = server.accept()?;
    /// assert_eq!(from, client.local_addr()?);
    /// assert_eq!(accepted.peer_addr()?, from);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn accept(&self) -> Result<(Socket, SocketAddr)> {
        let (handle, peer) = self.network.table.accept(self.handle)?;
        Ok((Socket::from_raw(&self.network, handle), peer))
    }

    /// [`connect`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-connect)/[`WSAConnect`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaconnect). A stream socket needs a listener at `addr`
    /// (`WSAECONNREFUSED` otherwise); a datagram socket records `addr` as its peer. A
    /// non-blocking stream socket gets `WSAEWOULDBLOCK`, and the outcome is then in
    /// [`Socket::take_error`] ([`crate::choices::NONBLOCKING_CONNECT`]).
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let client = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// let nobody = "127.0.0.1:81".parse().unwrap();
    /// assert_eq!(client.connect(nobody), Err(winsock_emu::Error::ConnectionRefused));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn connect(&self, addr: SocketAddr) -> Result<()> {
        self.network
            .table
            .connect(self.handle, AddrArg::Value(addr))
    }

    /// [`getsockname`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-getsockname):
    /// the local address, also the one an implicit bind chose (`connect`, `sendto`).
    /// `WSAEINVAL` before any bind.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Error, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// assert_eq!(s.local_addr(), Err(Error::Invalid));
    /// let bound = s.bind("127.0.0.1:0".parse().unwrap())?;
    /// assert_ne!(bound.port(), 0);
    /// assert_eq!(s.local_addr()?, bound);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn local_addr(&self) -> Result<SocketAddr> {
        self.network.table.local_addr(self.handle)
    }

    /// [`getpeername`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-getpeername):
    /// the connected peer's address (a datagram socket's: the one `connect` set).
    /// `WSAENOTCONN` when not connected.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Error, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// assert_eq!(s.peer_addr(), Err(Error::NotConnected));
    /// let peer = "192.0.2.1:53".parse().unwrap();
    /// s.connect(peer)?;
    /// assert_eq!(s.peer_addr()?, peer);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn peer_addr(&self) -> Result<SocketAddr> {
        self.network.table.peer_addr(self.handle)
    }

    /// [`WSASetSocketPeerTargetName`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsasetsocketpeertargetname): names the principal expected at `peer`, with the
    /// default security protocol. On a stream socket the name is for whatever peer it
    /// connects to (`peer` must still be of the socket's family).
    ///
    /// Errors, as the function documents them: `WSAEINVAL` for a socket that is not an
    /// AF_INET/AF_INET6 stream or datagram socket, for the zero address and port on a
    /// datagram socket, or for an empty name; `WSAEAFNOSUPPORT` for a peer of the other
    /// family; `WSAEISCONN` once connected; `WSAENOTSOCK` for a closed socket.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// let peer = "192.0.2.1:500".parse().unwrap();
    /// udp.set_peer_target_name(peer, "host/peer.contoso.com")?;
    /// assert_eq!(udp.peer_target_name(peer)?.unwrap().to_string(), "host/peer.contoso.com");
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_peer_target_name(&self, peer: SocketAddr, name: &str) -> Result<()> {
        self.set_peer_target_name_with(PeerTargetName::new(peer, name))
    }

    /// [`WSASetSocketPeerTargetName`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsasetsocketpeertargetname) with every field of `SOCKET_PEER_TARGET_NAME` chosen by
    /// the caller: the protocol, a peer address of any family (or none), a name of any
    /// UTF-16 units.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// use winsock_emu::{PeerTargetName, SecurityProtocol};
    ///
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// let mut name = PeerTargetName::new("192.0.2.1:500".parse().unwrap(), "host/peer");
    /// name.protocol = SecurityProtocol::Ipsec;
    /// udp.set_peer_target_name_with(name)?;
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_peer_target_name_with(&self, name: PeerTargetName) -> Result<()> {
        self.network
            .table
            .set_peer_target_name(self.handle, NameArg::Value(name))
    }

    /// [`WSADeleteSocketPeerTargetName`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsadeletesocketpeertargetname): forgets the name for `peer`. Deleting a name that
    /// is not there succeeds.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// let peer = "192.0.2.1:500".parse().unwrap();
    /// udp.set_peer_target_name(peer, "host/peer")?;
    /// udp.delete_peer_target_name(peer)?;
    /// assert_eq!(udp.peer_target_name(peer)?, None);
    /// udp.delete_peer_target_name(peer)?; // nothing there: still Ok
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn delete_peer_target_name(&self, peer: SocketAddr) -> Result<()> {
        self.network
            .table
            .delete_peer_target_name(self.handle, AddrArg::Value(peer))
    }

    /// The name this socket holds for `peer` (on a stream socket, its one name), if any.
    /// Windows has no such query; the emulator offers it so tests can see what was stored.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let tcp = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// let any = "0.0.0.0:0".parse().unwrap();
    /// assert_eq!(tcp.peer_target_name(any)?, None);
    /// tcp.set_peer_target_name(any, "host/server")?;
    /// assert_eq!(tcp.peer_target_name(any)?.unwrap().to_string(), "host/server");
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn peer_target_name(&self, peer: SocketAddr) -> Result<Option<TargetName>> {
        Ok(self
            .network
            .table
            .peer_target_name(self.handle, Some(peer))?
            .map(|stored| stored.name))
    }

    /// Everything the network knows about this socket.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// udp.bind("127.0.0.1:5000".parse().unwrap())?;
    /// let info = udp.info()?;
    /// assert_eq!(info.local, Some("127.0.0.1:5000".parse().unwrap()));
    /// assert!(info.overlapped);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn info(&self) -> Result<SocketInfo> {
        self.network.table.socket_info(self.handle)
    }

    /// [`closesocket`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-closesocket), reporting its result (dropping the socket closes it silently).
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// udp.close()?;
    /// assert_eq!(net.socket_count(), 0);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn close(mut self) -> Result<()> {
        self.owned = false;
        self.network.table.close(self.handle)
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        if !self.owned {
            return;
        }
        // The socket may already be gone (closed through `sys`, or by the last
        // `WSACleanup`); a destructor has no one to report that to.
        let _ = self.network.table.close(self.handle);
    }
}

impl fmt::Debug for Socket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Socket")
            .field("handle", &format_args!("{:#x}", self.handle))
            .finish()
    }
}
