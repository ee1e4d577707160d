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
    pub fn from_raw(network: &Network, handle: SOCKET) -> Socket {
        Socket {
            network: network.clone(),
            handle,
            owned: true,
        }
    }

    /// The raw `SOCKET` handle, for [`crate::sys`] calls.
    pub fn as_raw(&self) -> SOCKET {
        self.handle
    }

    /// Gives up ownership: the socket stays open and the handle is returned.
    pub fn into_raw(mut self) -> SOCKET {
        self.owned = false;
        self.handle
    }

    /// The network this socket belongs to.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// `bind`: gives the socket a local address; port 0 picks the next free ephemeral port.
    /// Returns the address bound.
    pub fn bind(&self, addr: SocketAddr) -> Result<SocketAddr> {
        self.network.table.bind(self.handle, AddrArg::Value(addr))
    }

    /// `listen`: a bound stream socket starts accepting connections.
    pub fn listen(&self, backlog: i32) -> Result<()> {
        self.network.table.listen(self.handle, backlog)
    }

    /// [`accept`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-accept):
    /// the oldest waiting connection, as a new socket, with the client's address. With
    /// nothing waiting a blocking listener waits (`WSAEINTR` if another thread closes it,
    /// `WSAENETDOWN` on a stall); a non-blocking one fails with `WSAEWOULDBLOCK`.
    pub fn accept(&self) -> Result<(Socket, SocketAddr)> {
        let (handle, peer) = self.network.table.accept(self.handle)?;
        Ok((Socket::from_raw(&self.network, handle), peer))
    }

    /// `connect`/`WSAConnect`. A stream socket needs a listener at `addr`
    /// (`WSAECONNREFUSED` otherwise); a datagram socket records `addr` as its peer. A
    /// non-blocking stream socket gets `WSAEWOULDBLOCK`, and the outcome is then in
    /// [`Socket::take_error`] ([`crate::choices::NONBLOCKING_CONNECT`]).
    pub fn connect(&self, addr: SocketAddr) -> Result<()> {
        self.network
            .table
            .connect(self.handle, AddrArg::Value(addr))
    }

    /// `getsockname`.
    pub fn local_addr(&self) -> Result<SocketAddr> {
        self.network.table.local_addr(self.handle)
    }

    /// `getpeername`.
    pub fn peer_addr(&self) -> Result<SocketAddr> {
        self.network.table.peer_addr(self.handle)
    }

    /// `WSASetSocketPeerTargetName`: names the principal expected at `peer`, with the
    /// default security protocol. On a stream socket the name is for whatever peer it
    /// connects to (`peer` must still be of the socket's family).
    ///
    /// Errors, as the function documents them: `WSAEINVAL` for a socket that is not an
    /// AF_INET/AF_INET6 stream or datagram socket, for the zero address and port on a
    /// datagram socket, or for an empty name; `WSAEAFNOSUPPORT` for a peer of the other
    /// family; `WSAEISCONN` once connected; `WSAENOTSOCK` for a closed socket.
    pub fn set_peer_target_name(&self, peer: SocketAddr, name: &str) -> Result<()> {
        self.set_peer_target_name_with(PeerTargetName::new(peer, name))
    }

    /// `WSASetSocketPeerTargetName` with every field of `SOCKET_PEER_TARGET_NAME` chosen by
    /// the caller: the protocol, a peer address of any family (or none), a name of any
    /// UTF-16 units.
    pub fn set_peer_target_name_with(&self, name: PeerTargetName) -> Result<()> {
        self.network
            .table
            .set_peer_target_name(self.handle, NameArg::Value(name))
    }

    /// `WSADeleteSocketPeerTargetName`: forgets the name for `peer`. Deleting a name that
    /// is not there succeeds.
    pub fn delete_peer_target_name(&self, peer: SocketAddr) -> Result<()> {
        self.network
            .table
            .delete_peer_target_name(self.handle, AddrArg::Value(peer))
    }

    /// The name this socket holds for `peer` (on a stream socket, its one name), if any.
    /// Windows has no such query; the emulator offers it so tests can see what was stored.
    pub fn peer_target_name(&self, peer: SocketAddr) -> Result<Option<TargetName>> {
        Ok(self
            .network
            .table
            .peer_target_name(self.handle, Some(peer))?
            .map(|stored| stored.name))
    }

    /// Everything the network knows about this socket.
    pub fn info(&self) -> Result<SocketInfo> {
        self.network.table.socket_info(self.handle)
    }

    /// `closesocket`, reporting its result (dropping the socket closes it silently).
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
