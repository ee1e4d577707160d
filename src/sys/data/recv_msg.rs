//! `WSARecvMsg`: a datagram into a `WSAMSG`, as `WSARecvFrom` receives one, with the
//! packet information `IP_PKTINFO`/`IPV6_PKTINFO` ask for as control data. Reached only
//! through `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_WSARECVMSG)`, as on Windows
//! (ws2_32 does not export it, and windows-sys has no such function, only `LPFN_WSARECVMSG`).
use std::ptr::addr_of_mut;

use windows_sys::Win32::Networking::WinSock::{
    LPWSAOVERLAPPED_COMPLETION_ROUTINE, MSG_CTRUNC, MSG_TRUNC, SOCKET, WSAMSG,
};
use windows_sys::Win32::System::IO::OVERLAPPED;

use crate::error::{Error, Result};
use crate::model::current::with_current;
use crate::model::Received;
use crate::sys::last_error::int_result;
use crate::sys::memory;
use crate::sys::wsa_data::{receive, Completion, FromOut};
use crate::wire::control::packet_info;

/// The interface index `IN_PKTINFO`/`IN6_PKTINFO` report: the emulated network is one
/// interface ([`crate::choices::WSARECVMSG_CONTROL`]).
const INTERFACE: u32 = 1;

/// Where a `WSARecvMsg` puts its control data and flags: the caller's `WSAMSG`, and the
/// control buffer it names, captured at the call.
#[derive(Clone, Copy)]
pub(in crate::sys) struct MsgOut {
    msg: *mut WSAMSG,
    control: *mut u8,
    room: u32,
}

impl MsgOut {
    /// After the data and the sender are written: the control data and `Control.len`
    /// (0 when there is none, no room for it, or none asked for: a `Control.len` of 0),
    /// and `dwFlags` (`MSG_TRUNC`, `MSG_CTRUNC`, or 0). Then, when the data or the control
    /// data did not fit, `WSAEMSGSIZE`, after writing the byte count to `count` (a receive
    /// that completes in the call) for control data that did not fit
    /// ([`crate::choices::WSARECVMSG_CONTROL`]).
    ///
    /// # Safety
    /// The `WSAMSG` must still be valid for writes, and its control buffer for writes of
    /// `room` bytes; `count` NULL or valid for writes of a `u32`.
    pub(in crate::sys) unsafe fn deliver(
        self,
        received: &Received,
        count: Option<*mut u32>,
    ) -> Result<()> {
        let message = received
            .destination
            .map(|destination| packet_info(destination, INTERFACE));
        let message = message.filter(|_| self.room != 0);
        let fits = message
            .as_ref()
            .is_none_or(|bytes| bytes.len() <= self.room as usize);
        let used = match message.filter(|_| fits) {
            Some(bytes) => {
                // SAFETY: `room` bytes are writable (the caller's promise), and `bytes`
                // fits in them.
                unsafe { memory::write_bytes(self.control, &bytes) };
                bytes.len() as u32
            }
            None => 0,
        };
        let truncated = if received.truncated { MSG_TRUNC } else { 0 };
        let flags = if fits { 0 } else { MSG_CTRUNC } | truncated;
        // SAFETY: the WSAMSG is writable, as the caller promises.
        unsafe {
            memory::write(addr_of_mut!((*self.msg).Control.len), used);
            memory::write(addr_of_mut!((*self.msg).dwFlags), flags);
        }
        if flags == 0 {
            return Ok(());
        }
        if let Some(count) = count.filter(|count| !fits && !count.is_null()) {
            // SAFETY: non-NULL, and writable as the caller promises.
            unsafe { memory::write(count, received.data.len() as u32) };
        }
        Err(Error::MessageSize)
    }
}

/// [`WSARecvMsg`](https://learn.microsoft.com/windows/win32/api/mswsock/nc-mswsock-lpfn_wsarecvmsg),
/// as `LPFN_WSARECVMSG`: one datagram into `lpmsg`'s `lpBuffers`, its sender to `name`
/// (`namelen` becomes the address's length), the packet information `IP_PKTINFO` and
/// `IPV6_PKTINFO` ask for to `Control` (`Control.len` becomes the bytes used), and
/// `dwFlags` (in: `MSG_PEEK` only) to 0 on success. Reached through
/// `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_WSARECVMSG)`.
///
/// Errors, in order: `WSANOTINITIALISED`, `WSAENOTSOCK`, `WSAEFAULT` for a NULL `lpmsg`,
/// `WSAEINVAL` on a stream socket, `WSAEFAULT` for a NULL `name` with a nonzero `namelen`
/// or a NULL `Control.buf` with a nonzero `Control.len` (the page), then those of
/// [`crate::sys::WSARecvFrom`]. A datagram or control data that does not fit fails with
/// `WSAEMSGSIZE` and `MSG_TRUNC`/`MSG_CTRUNC` in `dwFlags`
/// ([`crate::choices::WSARECVMSG_CONTROL`]). Overlapped completion as for
/// [`crate::sys::WSARecvFrom`].
///
/// # Safety
/// `lpmsg` must be NULL or valid for reads and writes of a `WSAMSG` (until completion, for
/// a receive that pends) whose `name` is NULL or valid for writes of `namelen` bytes, whose
/// `Control.buf` is NULL or valid for writes of `Control.len` bytes, and whose `lpBuffers`
/// is valid as [`crate::sys::WSARecv`]'s; the other arguments as [`crate::sys::WSARecv`]'s.
#[allow(non_snake_case)]
pub(in crate::sys) unsafe extern "system" fn WSARecvMsg(
    s: SOCKET,
    lpmsg: *mut WSAMSG,
    lpdwnumberofbytesrecvd: *mut u32,
    lpoverlapped: *mut OVERLAPPED,
    lpcompletionroutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    let checked = with_current(|table| {
        let stream = table.with_socket(s, |entry| Ok(entry.is_stream()))?;
        if lpmsg.is_null() {
            return Err(Error::Fault);
        }
        if stream {
            return Err(Error::Invalid);
        }
        // SAFETY: non-NULL, and the caller promises a readable WSAMSG.
        let msg = unsafe { memory::read(lpmsg) };
        let unnamed = msg.name.is_null() && msg.namelen != 0;
        if unnamed || (msg.Control.buf.is_null() && msg.Control.len != 0) {
            return Err(Error::Fault);
        }
        Ok(msg)
    });
    let msg = match checked {
        Ok(msg) => msg,
        Err(error) => return int_result(Err(error)),
    };
    let from = FromOut {
        addr: msg.name,
        // SAFETY: `lpmsg` is non-NULL and valid, as checked and promised.
        len: unsafe { addr_of_mut!((*lpmsg).namelen) },
    };
    let out = MsgOut {
        msg: lpmsg,
        control: msg.Control.buf,
        room: msg.Control.len,
    };
    let completion = Completion::new(lpoverlapped, lpcompletionroutine, lpdwnumberofbytesrecvd);
    // SAFETY: `lpmsg` is valid, as promised; the rest forwarded from the caller.
    unsafe {
        let flags = addr_of_mut!((*lpmsg).dwFlags);
        receive(
            s,
            msg.lpBuffers,
            msg.dwBufferCount,
            flags,
            from,
            Some(out),
            completion,
        )
    }
}
