//! Ending a connection with disconnect data, and `mswsock`'s `WSARecvEx`:
//! `WSASendDisconnect`, `WSARecvDisconnect`, `WSARecvEx`.
use windows_sys::core::PSTR;
use windows_sys::Win32::Networking::WinSock::{MSG_PARTIAL, SOCKET, SOCKET_ERROR, WSABUF};

use crate::error::Error;
use crate::model::current::with_current;
use crate::sys::last_error::{int_result, record};
use crate::sys::memory;

/// [`WSASendDisconnect`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsasenddisconnect):
/// stops sending and starts ending the connection, as `shutdown(SD_SEND)` does: the peer's
/// receives end with 0 once drained, and later sends here fail with `WSAESHUTDOWN`. The
/// socket stays open until `closesocket`. TCP/IP carries no disconnect data: a non-NULL
/// *lpOutboundDisconnectData* with a non-zero `len` is `WSAENOPROTOOPT` and nothing changes
/// ([`crate::choices::DISCONNECT_DATA`]). Errors: `WSANOTINITIALISED`, `WSAENOTSOCK`,
/// `WSAENOPROTOOPT`, `WSAENOTCONN` (an unconnected stream socket).
///
/// ```
/// use winsock_emu::sys::*;
/// let net = winsock_emu::Network::new();
/// let _current = net.enter();
/// unsafe {
///     let mut data = WSADATA::default();
///     assert_eq!(WSAStartup(0x0202, &mut data), 0);
///     let s = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
///     assert_eq!(WSASendDisconnect(s, std::ptr::null()), SOCKET_ERROR);
///     assert_eq!(WSAGetLastError(), WSAENOTCONN); // streams must be connected
///     closesocket(s);
///     WSACleanup();
/// }
/// ```
///
/// # Safety
/// `lpoutbounddisconnectdata` must be NULL or valid for reads of a `WSABUF`.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSASendDisconnect(
    s: SOCKET,
    lpoutbounddisconnectdata: *const WSABUF,
) -> i32 {
    // SAFETY: non-NULL, and the caller promises a readable WSABUF.
    let data = (!lpoutbounddisconnectdata.is_null())
        .then(|| unsafe { memory::read(lpoutbounddisconnectdata) }.len);
    int_result(with_current(|table| table.send_disconnect(s, data)))
}

/// [`WSARecvDisconnect`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsarecvdisconnect):
/// stops receiving, as `shutdown(SD_RECEIVE)` does: later receives fail with
/// `WSAESHUTDOWN`, and on TCP data queued or arriving afterwards resets the connection
/// ([`crate::choices::RECEIVE_SHUTDOWN_RESETS`]). TCP/IP carries no disconnect data, so *lpInboundDisconnectData* is never
/// read or written (the page lets a provider without disconnect data succeed:
/// [`crate::choices::DISCONNECT_DATA`]). Errors: `WSANOTINITIALISED`, `WSAENOTSOCK`,
/// `WSAENOTCONN` (an unconnected stream socket).
///
/// # Safety
/// None needed (*lpInboundDisconnectData* is not dereferenced); declared
/// `unsafe extern "system"` to match windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSARecvDisconnect(
    s: SOCKET,
    _lpinbounddisconnectdata: *const WSABUF,
) -> i32 {
    int_result(with_current(|table| table.recv_disconnect(s)))
}

/// [`WSARecvEx`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-wsarecvex):
/// [`recv`](crate::sys::recv) with *flags* used only to return information: `*flags` is ignored
/// on input and set on success to `MSG_PARTIAL` when a datagram was longer than `len` (the
/// first `len` bytes are returned, the rest is lost, and there is no `WSAEMSGSIZE`), to 0
/// for a whole datagram and always on a stream, where it behaves as `recv`. Errors: those of
/// `recv`, and `WSAEINVAL` for a stream with a zero or negative `len`, `WSAEFAULT` for a
/// NULL `flags` ([`crate::choices::RECVEX_PARTIAL`]). It waits as `recv` does on a
/// blocking socket.
///
/// # Safety
/// `buf` must be NULL or valid for writes of `len` bytes; `flags` NULL or valid for reads
/// and writes of an `i32`.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSARecvEx(s: SOCKET, buf: PSTR, len: i32, flags: *mut i32) -> i32 {
    let received = with_current(|table| {
        let stream = table.with_socket(s, |entry| Ok(entry.is_stream()))?;
        if stream && len <= 0 {
            return Err(Error::Invalid);
        }
        let max = usize::try_from(len).map_err(|_| Error::Fault)?;
        if (buf.is_null() && max != 0) || flags.is_null() {
            return Err(Error::Fault);
        }
        table.recv(s, max, 0)
    });
    match received {
        Ok(received) => {
            // SAFETY: `buf` holds `len` bytes and the data is at most that long.
            unsafe { memory::write_bytes(buf, received.data.as_slice()) };
            let partial = if received.truncated {
                MSG_PARTIAL as i32
            } else {
                0
            };
            // SAFETY: checked non-NULL above; the caller promises a writable i32.
            unsafe { memory::write(flags, partial) };
            i32::try_from(received.data.len()).unwrap_or(i32::MAX)
        }
        Err(error) => {
            record(error);
            SOCKET_ERROR
        }
    }
}
