//! The safe face of the data path: `send`, `recv`, `sendto`, `recvfrom`, `WSASend` and
//! `WSARecv` (vectored), `shutdown`, `ioctlsocket(FIONBIO / FIONREAD)`.
#![forbid(unsafe_code)]

use std::io::{IoSlice, IoSliceMut};
use std::net::{Shutdown, SocketAddr};

use windows_sys::Win32::Networking::WinSock::{SD_BOTH, SD_RECEIVE, SD_SEND};

use super::Socket;
use crate::error::{Error, Result};
use crate::model::AddrArg;

/// The total length of a vectored call's buffers: `WSAEINVAL` beyond `u32::MAX`, as for a
/// `WSABUF` array ([`crate::choices::WSABUF_ARRAYS`]).
fn vectored_total(lens: impl Iterator<Item = usize>) -> Result<usize> {
    // Summed in u64: a `usize` sum saturates at `u32::MAX` on 32-bit targets, which passed
    // the check (found by the 32-bit suite of issue 13).
    let total = lens.fold(0u64, |total, len| total.saturating_add(len as u64));
    let total = u32::try_from(total).map_err(|_| Error::Invalid)?;
    usize::try_from(total).map_err(|_| Error::Invalid)
}

impl Socket {
    /// [`send`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-send): sends `data` on a connected socket; returns the bytes sent. A stream send to
    /// a full connection waits for room on a blocking socket (`SO_SNDTIMEO`), or fails with
    /// `WSAEWOULDBLOCK` ([`crate::choices::FLOW_CONTROL`]). Errors:
    /// `WSAENOTCONN`, `WSAESHUTDOWN`, `WSAECONNRESET`, and on a datagram socket a failed
    /// first-datagram negotiation (`WSAETIMEDOUT`).
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let server = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// server.bind("127.0.0.1:80".parse().unwrap())?;
    /// server.listen(1)?;
    /// let client = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// client.connect("127.0.0.1:80".parse().unwrap())?;
    /// assert_eq!(client.send(b"hello")?, 5);
    /// let (accepted, _) = server.accept()?;
    /// let mut buf = [0u8; 8];
    /// assert_eq!(accepted.recv(&mut buf)?, 5);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn send(&self, data: &[u8]) -> Result<usize> {
        self.network.table.send(self.handle, data, 0)
    }

    /// [`sendto`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-sendto): one datagram to `addr` (ignored on a connected socket). The first datagram
    /// to a peer negotiates security with it.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let receiver = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// let to = receiver.bind("127.0.0.1:5353".parse().unwrap())?;
    /// let sender = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// assert_eq!(sender.send_to(b"query", to)?, 5);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn send_to(&self, data: &[u8], addr: SocketAddr) -> Result<usize> {
        self.network
            .table
            .send_to(self.handle, data, 0, Some(AddrArg::Value(addr)))
    }

    /// [`recv`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-recv): reads into `buf`; `Ok(0)` once a stream's peer finished sending. With nothing
    /// to read a blocking socket waits (for data, the peer's FIN or reset, or a close:
    /// `WSAEINTR`; `SO_RCVTIMEO`: `WSAETIMEDOUT`; a stall: `WSAENETDOWN`), a non-blocking
    /// one fails with `WSAEWOULDBLOCK`. A datagram
    /// longer than `buf` fills it and gives `WSAEMSGSIZE`. On a UDP socket whose datagram
    /// found nobody at its destination, the receive that comes to that point fails with
    /// `WSAECONNRESET` once ([`crate::choices::UDP_PORT_UNREACHABLE`]).
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// let at = udp.bind("127.0.0.1:5000".parse().unwrap())?;
    /// let mut buf = [0u8; 16];
    /// udp.set_nonblocking(true)?; // a blocking socket would wait here
    /// assert_eq!(udp.recv(&mut buf), Err(winsock_emu::Error::WouldBlock));
    /// udp.send_to(b"ping", at)?;
    /// assert_eq!(udp.recv(&mut buf)?, 4);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn recv(&self, buf: &mut [u8]) -> Result<usize> {
        self.recv_from(buf).map(|(count, _)| count)
    }

    /// [`recvfrom`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-recvfrom): [`Socket::recv`], with the sender's address.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let receiver = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// let to = receiver.bind("127.0.0.1:5353".parse().unwrap())?;
    /// let sender = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// sender.send_to(b"query", to)?;
    /// let mut buf = [0u8; 16];
    /// let (n, from) = receiver.recv_from(&mut buf)?;
    /// assert_eq!((n, from.port()), (5, sender.local_addr()?.port()));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn recv_from(&self, buf: &mut [u8]) -> Result<(usize, SocketAddr)> {
        let received = self.network.table.recv(self.handle, buf.len(), 0)?;
        buf[..received.data.len()].copy_from_slice(received.data.as_slice());
        if received.truncated {
            return Err(Error::MessageSize);
        }
        let from = received.from.ok_or(Error::NotConnected)?;
        Ok((received.data.len(), from))
    }

    /// [`WSASend`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsasend) with several buffers: sends them as one payload (one datagram on a datagram
    /// socket), in order; returns the bytes sent. Errors: those of [`Socket::send`], and
    /// `WSAEINVAL` when the buffers hold more than `u32::MAX` bytes together
    /// ([`crate::choices::WSABUF_ARRAYS`]).
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// use std::io::IoSlice;
    ///
    /// let receiver = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// let to = receiver.bind("127.0.0.1:5353".parse().unwrap())?;
    /// let sender = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// sender.connect(to)?;
    /// assert_eq!(sender.send_vectored(&[IoSlice::new(b"head"), IoSlice::new(b"body")])?, 8);
    /// let mut buf = [0u8; 16];
    /// assert_eq!(receiver.recv(&mut buf)?, 8); // one datagram
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn send_vectored(&self, bufs: &[IoSlice<'_>]) -> Result<usize> {
        let total = vectored_total(bufs.iter().map(|buf| buf.len()))?;
        // A handle that names no socket gathers nothing, and the send reports it.
        let limit = self.network.table.gather_limit(self.handle).unwrap_or(0);
        let mut data = Vec::new();
        // At most what the send can take (a datagram's limit and a byte), and WSAENOBUFS,
        // not an abort, when a 32-bit process has no room for a stream's total.
        data.try_reserve_exact(total.min(limit))
            .map_err(|_| Error::NoBufferSpace)?;
        for buf in bufs {
            let room = limit - data.len();
            if room == 0 {
                break;
            }
            data.extend_from_slice(&buf[..buf.len().min(room)]);
        }
        self.network.table.send(self.handle, &data, 0)
    }

    /// [`WSARecv`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsarecv) with several buffers: fills them in order, each before the next; returns
    /// the bytes received (0 once a stream's peer finished sending). A datagram longer than
    /// the buffers together fills them and gives `WSAEMSGSIZE`, the rest discarded
    /// ([`crate::choices::DATAGRAM_TRUNCATION`]). Errors: those of [`Socket::recv`], and
    /// `WSAEINVAL` when the buffers hold more than `u32::MAX` bytes together.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// use std::io::IoSliceMut;
    ///
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// let at = udp.bind("127.0.0.1:5000".parse().unwrap())?;
    /// udp.send_to(b"headbody", at)?;
    /// let (mut head, mut body) = ([0u8; 4], [0u8; 8]);
    /// let n = udp.recv_vectored(&mut [IoSliceMut::new(&mut head), IoSliceMut::new(&mut body)])?;
    /// assert_eq!((n, &head, &body[..4]), (8, b"head", &b"body"[..]));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn recv_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> Result<usize> {
        let total = vectored_total(bufs.iter().map(|buf| buf.len()))?;
        let received = self.network.table.recv(self.handle, total, 0)?;
        let mut rest = received.data.as_slice();
        for buf in bufs.iter_mut() {
            let (part, tail) = rest.split_at(rest.len().min(buf.len()));
            buf[..part.len()].copy_from_slice(part);
            rest = tail;
        }
        if received.truncated {
            return Err(Error::MessageSize);
        }
        Ok(received.data.len())
    }

    /// [`shutdown`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-shutdown): `Read` is `SD_RECEIVE`, `Write` is `SD_SEND` (the peer's receives then end
    /// with 0), `Both` is `SD_BOTH`.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// use std::net::Shutdown;
    ///
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// let at = udp.bind("127.0.0.1:5000".parse().unwrap())?;
    /// udp.shutdown(Shutdown::Write)?;
    /// assert_eq!(udp.send_to(b"x", at), Err(winsock_emu::Error::Shutdown));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> Result<()> {
        let how = match how {
            Shutdown::Read => SD_RECEIVE,
            Shutdown::Write => SD_SEND,
            Shutdown::Both => SD_BOTH,
        };
        self.network.table.shutdown(self.handle, how)
    }

    /// [`ioctlsocket(FIONBIO)`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-ioctlsocket): non-blocking mode on or off.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// udp.set_nonblocking(true)?;
    /// assert!(udp.info()?.nonblocking);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_nonblocking(&self, nonblocking: bool) -> Result<()> {
        self.network.table.set_nonblocking(self.handle, nonblocking)
    }

    /// [`WSAIoctl(SIO_UDP_CONNRESET)`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaioctl): whether a receive reports, with `WSAECONNRESET`, the
    /// ICMP Port Unreachable a datagram this UDP socket sent drew (on by default; off
    /// discards those waiting). `WSAEINVAL` on a socket other than a UDP one
    /// ([`crate::choices::UDP_CONNRESET_CONTROL`]).
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// udp.bind("127.0.0.1:5000".parse().unwrap())?;
    /// udp.set_report_port_unreachable(false)?;
    /// udp.send_to(b"x", "127.0.0.1:9".parse().unwrap())?; // nobody there
    /// let mut buf = [0u8; 4];
    /// udp.set_nonblocking(true)?;
    /// assert_eq!(udp.recv(&mut buf), Err(winsock_emu::Error::WouldBlock)); // no WSAECONNRESET
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_report_port_unreachable(&self, report: bool) -> Result<()> {
        self.network
            .table
            .set_port_unreachable_reports(self.handle, Some(report))
    }

    /// [`ioctlsocket(FIONREAD)`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-ioctlsocket): bytes waiting on a stream, or the next datagram's size.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// let at = udp.bind("127.0.0.1:5000".parse().unwrap())?;
    /// assert_eq!(udp.available()?, 0);
    /// udp.send_to(b"twelve bytes", at)?;
    /// assert_eq!(udp.available()?, 12);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn available(&self) -> Result<usize> {
        self.network.table.readable(self.handle)
    }
}
