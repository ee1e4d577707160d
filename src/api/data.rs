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
    let total = lens.fold(0usize, usize::saturating_add);
    if u32::try_from(total).is_err() {
        return Err(Error::Invalid);
    }
    Ok(total)
}

impl Socket {
    /// `send`: sends `data` on a connected socket; returns the bytes sent. A stream send to
    /// a full connection waits for room on a blocking socket (`SO_SNDTIMEO`), or fails with
    /// `WSAEWOULDBLOCK` ([`crate::choices::FLOW_CONTROL`]). Errors:
    /// `WSAENOTCONN`, `WSAESHUTDOWN`, `WSAECONNRESET`, and on a datagram socket a failed
    /// first-datagram negotiation (`WSAETIMEDOUT`).
    pub fn send(&self, data: &[u8]) -> Result<usize> {
        self.network.table.send(self.handle, data, 0)
    }

    /// `sendto`: one datagram to `addr` (ignored on a connected socket). The first datagram
    /// to a peer negotiates security with it.
    pub fn send_to(&self, data: &[u8], addr: SocketAddr) -> Result<usize> {
        self.network
            .table
            .send_to(self.handle, data, 0, Some(AddrArg::Value(addr)))
    }

    /// `recv`: reads into `buf`; `Ok(0)` once a stream's peer finished sending. With nothing
    /// to read a blocking socket waits (for data, the peer's FIN or reset, or a close:
    /// `WSAEINTR`; `SO_RCVTIMEO`: `WSAETIMEDOUT`; a stall: `WSAENETDOWN`), a non-blocking
    /// one fails with `WSAEWOULDBLOCK`. A datagram
    /// longer than `buf` fills it and gives `WSAEMSGSIZE`. On a UDP socket whose datagram
    /// found nobody at its destination, the receive that comes to that point fails with
    /// `WSAECONNRESET` once ([`crate::choices::UDP_PORT_UNREACHABLE`]).
    pub fn recv(&self, buf: &mut [u8]) -> Result<usize> {
        self.recv_from(buf).map(|(count, _)| count)
    }

    /// `recvfrom`: [`Socket::recv`], with the sender's address.
    pub fn recv_from(&self, buf: &mut [u8]) -> Result<(usize, SocketAddr)> {
        let received = self.network.table.recv(self.handle, buf.len(), 0)?;
        buf[..received.data.len()].copy_from_slice(received.data.as_slice());
        if received.truncated {
            return Err(Error::MessageSize);
        }
        let from = received.from.ok_or(Error::NotConnected)?;
        Ok((received.data.len(), from))
    }

    /// `WSASend` with several buffers: sends them as one payload (one datagram on a datagram
    /// socket), in order; returns the bytes sent. Errors: those of [`Socket::send`], and
    /// `WSAEINVAL` when the buffers hold more than `u32::MAX` bytes together
    /// ([`crate::choices::WSABUF_ARRAYS`]).
    pub fn send_vectored(&self, bufs: &[IoSlice<'_>]) -> Result<usize> {
        let mut data = Vec::with_capacity(vectored_total(bufs.iter().map(|buf| buf.len()))?);
        for buf in bufs {
            data.extend_from_slice(buf);
        }
        self.network.table.send(self.handle, &data, 0)
    }

    /// `WSARecv` with several buffers: fills them in order, each before the next; returns
    /// the bytes received (0 once a stream's peer finished sending). A datagram longer than
    /// the buffers together fills them and gives `WSAEMSGSIZE`, the rest discarded
    /// ([`crate::choices::DATAGRAM_TRUNCATION`]). Errors: those of [`Socket::recv`], and
    /// `WSAEINVAL` when the buffers hold more than `u32::MAX` bytes together.
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

    /// `shutdown`: `Read` is `SD_RECEIVE`, `Write` is `SD_SEND` (the peer's receives then end
    /// with 0), `Both` is `SD_BOTH`.
    pub fn shutdown(&self, how: Shutdown) -> Result<()> {
        let how = match how {
            Shutdown::Read => SD_RECEIVE,
            Shutdown::Write => SD_SEND,
            Shutdown::Both => SD_BOTH,
        };
        self.network.table.shutdown(self.handle, how)
    }

    /// `ioctlsocket(FIONBIO)`: non-blocking mode on or off.
    pub fn set_nonblocking(&self, nonblocking: bool) -> Result<()> {
        self.network.table.set_nonblocking(self.handle, nonblocking)
    }

    /// `WSAIoctl(SIO_UDP_CONNRESET)`: whether a receive reports, with `WSAECONNRESET`, the
    /// ICMP Port Unreachable a datagram this UDP socket sent drew (on by default; off
    /// discards those waiting). `WSAEINVAL` on a socket other than a UDP one
    /// ([`crate::choices::UDP_CONNRESET_CONTROL`]).
    pub fn set_report_port_unreachable(&self, report: bool) -> Result<()> {
        self.network
            .table
            .set_port_unreachable_reports(self.handle, Some(report))
    }

    /// `ioctlsocket(FIONREAD)`: bytes waiting on a stream, or the next datagram's size.
    pub fn available(&self) -> Result<usize> {
        self.network.table.readable(self.handle)
    }
}
