//! `TransmitFile` and `TransmitPackets` in their memory forms: every argument checked
//! first, then the bytes sent as `send` sends them (one stream payload, or one datagram per
//! packet), then the optional disconnect, as `DisconnectEx` makes it.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    SOCKET, TF_DISCONNECT, TF_REUSE_SOCKET, TF_USE_KERNEL_APC, TF_USE_SYSTEM_THREAD,
    TF_WRITE_BEHIND,
};

use crate::choices;
use crate::error::{Error, Result};
use crate::model::SocketTable;

/// Which of the two extension functions is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transmit {
    /// `TransmitFile`: stream sockets only.
    File,
    /// `TransmitPackets`: streams, or connected datagram sockets.
    Packets,
}

/// The flags both functions accept ([`choices::TRANSMIT_FLAGS`]); `TF_USE_DEFAULT_WORKER`
/// is 0. Only `TF_DISCONNECT` and `TF_REUSE_SOCKET` change anything.
const ACCEPTED_FLAGS: u32 =
    TF_DISCONNECT | TF_REUSE_SOCKET | TF_WRITE_BEHIND | TF_USE_SYSTEM_THREAD | TF_USE_KERNEL_APC;

/// The most bytes one call may transmit: 2,147,483,646, as both pages say.
pub(crate) const MAX_TRANSMIT: u64 = i32::MAX as u64 - 1;

/// One piece of memory to transmit, as the caller's buffers give it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Piece<'a> {
    /// The bytes.
    pub(crate) bytes: &'a [u8],
    /// `TP_ELEMENT_EOP`: the piece ends a packet (a datagram on a datagram socket).
    pub(crate) end_of_packet: bool,
}

/// The pieces grouped into packets: each ends at a piece marked `end_of_packet`, or at the
/// last piece ([`choices::TRANSMIT_PACKETS_DATAGRAMS`]).
fn packets<'p, 'a>(pieces: &'p [Piece<'a>]) -> impl Iterator<Item = &'p [Piece<'a>]> {
    pieces.split_inclusive(|piece| piece.end_of_packet)
}

/// The bytes of `pieces`, concatenated; `WSAENOBUFS` when a 32-bit process has no room.
fn gathered(pieces: &[Piece<'_>]) -> Result<Vec<u8>> {
    let total = pieces.iter().map(|piece| piece.bytes.len()).sum();
    let mut out = Vec::new();
    out.try_reserve_exact(total)
        .map_err(|_| Error::NoBufferSpace)?;
    for piece in pieces {
        out.extend_from_slice(piece.bytes);
    }
    Ok(out)
}

impl SocketTable {
    /// `TransmitFile` or `TransmitPackets` on `handle` with `flags`; `pieces` reads the
    /// caller's buffers (the sys layer's pointers) once the socket and the flags passed.
    /// Returns the bytes sent.
    ///
    /// Errors, in order ([`choices::TRANSMIT_CHECKS`]): `WSANOTINITIALISED`, `WSAENOTSOCK`;
    /// `WSAENOTCONN` for a socket that is not connected (of any type); `WSAEINVAL` for
    /// flags outside the documented ones, `TF_REUSE_SOCKET` without `TF_DISCONNECT`, a
    /// datagram socket given to `TransmitFile` or with `TF_DISCONNECT`; the errors of
    /// `pieces` (`WSAEFAULT`, `WSAEINVAL`, `ERROR_INVALID_HANDLE` for a file); `WSAEINVAL`
    /// for more than 2,147,483,646 bytes in all; `WSAEMSGSIZE` for a packet longer than a
    /// datagram can be, on a datagram socket. Nothing is sent before all of these passed.
    /// Then the errors of `send` (`WSAESHUTDOWN`, `WSAECONNRESET`, `WSAEWOULDBLOCK` on a
    /// full non-blocking connection, where a blocking socket waits for room) and of the
    /// disconnect.
    pub(crate) fn transmit<'a>(
        &self,
        handle: SOCKET,
        function: Transmit,
        flags: u32,
        pieces: impl FnOnce() -> Result<Vec<Piece<'a>>>,
    ) -> Result<u32> {
        self.require_startup()?;
        let (stream, connected) = self.with_socket(handle, |entry| {
            Ok((entry.is_stream(), entry.is_connected()))
        })?;
        if !connected {
            return Err(Error::NotConnected);
        }
        let disconnect = flags & TF_DISCONNECT != 0;
        let reuse = flags & TF_REUSE_SOCKET != 0;
        let datagram_refused = !stream && (function == Transmit::File || disconnect);
        if flags & !ACCEPTED_FLAGS != 0 || (reuse && !disconnect) || datagram_refused {
            return Err(Error::Invalid);
        }
        let pieces = pieces()?;
        let total: u64 = pieces.iter().map(|piece| piece.bytes.len() as u64).sum();
        if total > MAX_TRANSMIT {
            return Err(Error::Invalid);
        }
        if stream {
            self.send(handle, &gathered(&pieces)?, 0)?;
        } else {
            let longest = packets(&pieces)
                .map(|packet| packet.iter().map(|piece| piece.bytes.len()).sum::<usize>())
                .max();
            if longest.is_some_and(|len| len > choices::MAX_DATAGRAM) {
                return Err(Error::MessageSize);
            }
            for packet in packets(&pieces) {
                self.send(handle, &gathered(packet)?, 0)?;
            }
        }
        if disconnect {
            self.disconnect(handle, reuse)?;
        }
        // At most MAX_TRANSMIT, so it fits.
        Ok(total as u32)
    }
}
