//! Moving data: `send`, `recv`, `sendto`, `recvfrom`, `shutdown`, `ioctlsocket`
//! (this file), the `WSABUF` calls `WSASend`, `WSARecv`, `WSASendTo`, `WSARecvFrom`
//! (`wsa_data.rs`), `WSASendMsg` (`wsa_msg.rs`), `WSASendDisconnect`, `WSARecvDisconnect` and `WSARecvEx` (`disconnect.rs`), `WSARecvMsg`, reached through `WSAIoctl` (`recv_msg.rs`), and `TransmitFile` and `TransmitPackets`, reached the same way (`transmit.rs`).

pub(super) mod disconnect;
pub(super) mod recv_msg;
pub(super) mod transmit;
pub(super) mod wsa_data;
pub(super) mod wsa_msg;

use windows_sys::core::{PCSTR, PSTR};
use windows_sys::Win32::Networking::WinSock::{
    FIONBIO, FIONREAD, SD_BOTH, SD_RECEIVE, SD_SEND, SEND_RECV_FLAGS, SOCKADDR, SOCKET,
    SOCKET_ERROR, WINSOCK_SHUTDOWN_HOW,
};

use super::addr_out;
use super::last_error::{int_result, record};
use super::memory;
use crate::error::{Error, Result};
use crate::model::completion::Context;
use crate::model::current::with_current;
use crate::model::{AddrArg, Received};

/// The `int`-returning count convention: the count, or `SOCKET_ERROR` with the last error.
fn count_result(result: Result<usize>) -> i32 {
    match result {
        Ok(count) => i32::try_from(count).unwrap_or(i32::MAX),
        Err(error) => {
            record(error);
            SOCKET_ERROR
        }
    }
}

/// [`send`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-send):
/// sends `len` bytes on a connected socket; returns the count sent. Errors: `WSAENOTSOCK`,
/// `WSAEFAULT` (NULL `buf` with a non-zero `len`, or a negative `len`), `WSAEOPNOTSUPP`
/// (flags, [`crate::choices::DATA_FLAGS`]), `WSAENOTCONN`, `WSAESHUTDOWN`, `WSAECONNRESET`,
/// and on a datagram socket the first-datagram negotiation's error
/// ([`crate::choices::DATAGRAM_SECURITY_PER_PEER`]).
///
/// ```
/// use winsock_emu::sys::*;
/// # fn loopback(port: u16) -> SOCKADDR_IN {
/// #     SOCKADDR_IN {
/// #         sin_family: AF_INET,
/// #         sin_port: port.to_be(),
/// #         sin_addr: IN_ADDR { S_un: IN_ADDR_0 { S_addr: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be() } },
/// #         sin_zero: [0; 8],
/// #     }
/// # }
/// # const LEN: i32 = std::mem::size_of::<SOCKADDR_IN>() as i32;
///
/// let net = winsock_emu::Network::new();
/// let _current = net.enter(); // the sys calls of this thread use `net`
/// unsafe {
///     let mut data = WSADATA::default();
///     assert_eq!(WSAStartup(0x0202, &mut data), 0);
///     let server = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
///     let at = loopback(27015);
///     assert_eq!(bind(server, std::ptr::addr_of!(at).cast(), LEN), 0);
///     assert_eq!(listen(server, 5), 0);
///     let client = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
///     assert_eq!(connect(client, std::ptr::addr_of!(at).cast(), LEN), 0);
///     assert_eq!(send(client, b"hello".as_ptr(), 5, 0), 5);
///     closesocket(client);
///     closesocket(server);
///     WSACleanup();
/// }
/// ```
///
/// # Safety
/// `buf` must be NULL or valid for reads of `len` bytes.
pub unsafe extern "system" fn send(s: SOCKET, buf: PCSTR, len: i32, flags: SEND_RECV_FLAGS) -> i32 {
    count_result(with_current(|table| {
        table.with_socket(s, |_| Ok(()))?;
        // SAFETY: forwarded from the caller.
        let data = unsafe { memory::data_in(buf, len.into())? };
        table.send(s, data, flags)
    }))
}

/// Copies a receive's data to `buf` and, if asked, its sender to `from`/`fromlen`; returns
/// the count, or `SOCKET_ERROR` with `WSAEMSGSIZE` for a truncated datagram (whose first
/// bytes are still copied, as on Windows).
///
/// # Safety
/// `buf` must be valid for writes of `received.data.len()` bytes; `from` and `fromlen` as
/// [`addr_out::write`] requires.
unsafe fn deliver(received: Received, buf: PSTR, from: *mut SOCKADDR, fromlen: *mut i32) -> i32 {
    // SAFETY: the model returns at most the length the caller gave for `buf`.
    unsafe { memory::write_bytes(buf, received.data.as_slice()) };
    // SAFETY: checked by the caller.
    unsafe { addr_out::write(from, fromlen, received.from) };
    if received.truncated {
        record(Error::MessageSize);
        return SOCKET_ERROR;
    }
    received.data.len() as i32
}

/// [`recv`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-recv):
/// receives up to `len` bytes; returns the count, 0 when a stream's peer finished sending.
/// Errors: `WSAENOTSOCK`, `WSAEFAULT` (NULL `buf` with a non-zero `len`, negative `len`),
/// `WSAEOPNOTSUPP` (flags), `WSAENOTCONN`, `WSAEINVAL` (unbound datagram socket),
/// `WSAESHUTDOWN`, `WSAECONNRESET`, `WSAEMSGSIZE` for a truncated datagram. With nothing
/// waiting, a blocking socket waits (alertably) for data, the peer's FIN or reset, or a
/// close: `WSAETIMEDOUT` at `SO_RCVTIMEO`, `WSAEINTR` if another thread closes it
/// ([`crate::choices::CLOSE_INTERRUPTS_WAITS`]), `WSAENETDOWN` on a stall
/// ([`crate::choices::STALL_ENDS_THE_CALL`]); a non-blocking one fails with
/// `WSAEWOULDBLOCK`.
///
/// ```
/// use winsock_emu::sys::*;
/// # fn loopback(port: u16) -> SOCKADDR_IN {
/// #     SOCKADDR_IN {
/// #         sin_family: AF_INET,
/// #         sin_port: port.to_be(),
/// #         sin_addr: IN_ADDR { S_un: IN_ADDR_0 { S_addr: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be() } },
/// #         sin_zero: [0; 8],
/// #     }
/// # }
/// # const LEN: i32 = std::mem::size_of::<SOCKADDR_IN>() as i32;
///
/// let net = winsock_emu::Network::new();
/// let _current = net.enter(); // the sys calls of this thread use `net`
/// unsafe {
///     let mut data = WSADATA::default();
///     assert_eq!(WSAStartup(0x0202, &mut data), 0);
///     let server = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
///     let at = loopback(27015);
///     assert_eq!(bind(server, std::ptr::addr_of!(at).cast(), LEN), 0);
///     assert_eq!(listen(server, 5), 0);
///     let client = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
///     assert_eq!(connect(client, std::ptr::addr_of!(at).cast(), LEN), 0);
///     let accepted = accept(server, std::ptr::null_mut(), std::ptr::null_mut());
///     let mut buf = [0u8; 16];
///     let mut on = 1u32;
///     assert_eq!(ioctlsocket(accepted, FIONBIO, &mut on), 0); // non-blocking: no wait
///     assert_eq!(recv(accepted, buf.as_mut_ptr(), 16, 0), SOCKET_ERROR);
///     assert_eq!(WSAGetLastError(), WSAEWOULDBLOCK); // nothing sent yet
///     send(client, b"hello".as_ptr(), 5, 0);
///     assert_eq!(recv(accepted, buf.as_mut_ptr(), 16, 0), 5);
///     closesocket(accepted);
///     closesocket(client);
///     closesocket(server);
///     WSACleanup();
/// }
/// ```
///
/// # Safety
/// `buf` must be NULL or valid for writes of `len` bytes.
pub unsafe extern "system" fn recv(s: SOCKET, buf: PSTR, len: i32, flags: SEND_RECV_FLAGS) -> i32 {
    let received = with_current(|table| {
        table.with_socket(s, |_| Ok(()))?;
        let max = usize::try_from(len).map_err(|_| Error::Fault)?;
        if buf.is_null() && max != 0 {
            return Err(Error::Fault);
        }
        table.recv(s, max, flags)
    });
    match received {
        // SAFETY: `buf` holds `len` bytes and the data is at most that long.
        Ok(received) => unsafe {
            deliver(received, buf, std::ptr::null_mut(), std::ptr::null_mut())
        },
        Err(error) => count_result(Err(error)),
    }
}

/// [`recvfrom`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-recvfrom):
/// [`recv`], also giving the sender. If `from` is not NULL, `fromlen` must be non-NULL and
/// hold at least the socket family's address size (`WSAEFAULT` otherwise, checked before
/// anything is consumed).
///
/// # Safety
/// `buf` must be NULL or valid for writes of `len` bytes; `from` NULL or valid for writes of
/// `*fromlen` bytes; `fromlen` NULL or valid for reads and writes of an `i32`.
pub unsafe extern "system" fn recvfrom(
    s: SOCKET,
    buf: PSTR,
    len: i32,
    flags: i32,
    from: *mut SOCKADDR,
    fromlen: *mut i32,
) -> i32 {
    let received = with_current(|table| {
        let family = table.with_socket(s, |entry| Ok(entry.kind.family))?;
        let max = usize::try_from(len).map_err(|_| Error::Fault)?;
        if buf.is_null() && max != 0 {
            return Err(Error::Fault);
        }
        // SAFETY: forwarded from the caller.
        unsafe { addr_out::check_room(family, from, fromlen)? };
        table.recv(s, max, flags)
    });
    match received {
        // SAFETY: sizes checked above.
        Ok(received) => unsafe { deliver(received, buf, from, fromlen) },
        Err(error) => count_result(Err(error)),
    }
}

/// [`sendto`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-sendto):
/// one datagram to `to`; on a connected socket `to` is ignored. Errors: those of [`send`],
/// and `WSAEDESTADDRREQ` (NULL `to`, unconnected), `WSAEFAULT` (`tolen` too short),
/// `WSAEAFNOSUPPORT`, `WSAEADDRNOTAVAIL` (zero address or port), `WSAEMSGSIZE` (over
/// 65,507 bytes), and the first-datagram negotiation's error.
///
/// ```
/// use winsock_emu::sys::*;
/// # fn loopback(port: u16) -> SOCKADDR_IN {
/// #     SOCKADDR_IN {
/// #         sin_family: AF_INET,
/// #         sin_port: port.to_be(),
/// #         sin_addr: IN_ADDR { S_un: IN_ADDR_0 { S_addr: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be() } },
/// #         sin_zero: [0; 8],
/// #     }
/// # }
/// # const LEN: i32 = std::mem::size_of::<SOCKADDR_IN>() as i32;
///
/// let net = winsock_emu::Network::new();
/// let _current = net.enter(); // the sys calls of this thread use `net`
/// unsafe {
///     let mut data = WSADATA::default();
///     assert_eq!(WSAStartup(0x0202, &mut data), 0);
///     let receiver = socket(AF_INET.into(), SOCK_DGRAM, IPPROTO_UDP);
///     let at = loopback(5353);
///     bind(receiver, std::ptr::addr_of!(at).cast(), LEN);
///     let sender = socket(AF_INET.into(), SOCK_DGRAM, IPPROTO_UDP);
///     assert_eq!(sendto(sender, b"query".as_ptr(), 5, 0, std::ptr::addr_of!(at).cast(), LEN), 5);
///     let mut buf = [0u8; 16];
///     let (mut from, mut from_len) = (SOCKADDR_IN::default(), LEN);
///     let n = recvfrom(receiver, buf.as_mut_ptr(), 16, 0, std::ptr::addr_of_mut!(from).cast(), &mut from_len);
///     assert_eq!(n, 5);
///     closesocket(sender);
///     closesocket(receiver);
///     WSACleanup();
/// }
/// ```
///
/// # Safety
/// `buf` must be NULL or valid for reads of `len` bytes; `to` NULL or valid for reads of
/// `tolen` bytes.
pub unsafe extern "system" fn sendto(
    s: SOCKET,
    buf: PCSTR,
    len: i32,
    flags: i32,
    to: *const SOCKADDR,
    tolen: i32,
) -> i32 {
    count_result(with_current(|table| {
        table.with_socket(s, |_| Ok(()))?;
        // SAFETY: forwarded from the caller.
        let data = unsafe { memory::data_in(buf, len.into())? };
        // SAFETY: forwarded from the caller.
        let to = (!to.is_null()).then(|| unsafe { memory::sockaddr(to, tolen.into()) });
        table.send_to(s, data, flags, to.map(|arg: AddrArg<'_>| arg))
    }))
}

/// [`shutdown`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-shutdown):
/// stops receiving (`SD_RECEIVE`), sending (`SD_SEND`) or both (`SD_BOTH`). On a TCP
/// socket, stopping receiving with data still queued, or data arriving afterwards, resets
/// the connection: the peer's next `send` or `recv` fails with `WSAECONNRESET`
/// ([`crate::choices::RECEIVE_SHUTDOWN_RESETS`]). Errors: `WSAENOTSOCK`, `WSAEINVAL`
/// (another *how*), `WSAENOTCONN` (unconnected stream).
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
pub unsafe extern "system" fn shutdown(s: SOCKET, how: WINSOCK_SHUTDOWN_HOW) -> i32 {
    int_result(with_current(|table| {
        let valid = matches!(how, SD_RECEIVE | SD_SEND | SD_BOTH);
        if valid && table.awaits_context(s, Context::Connect) {
            // ConnectEx connected it; SO_UPDATE_CONNECT_CONTEXT was not set.
            return Err(Error::NotConnected);
        }
        table.shutdown(s, how)
    }))
}

/// [`ioctlsocket`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-ioctlsocket):
/// `FIONBIO` (`*argp` non-zero: non-blocking mode) and `FIONREAD` (`*argp` receives the
/// bytes waiting, or the next datagram's size). Errors: `WSAENOTSOCK`, `WSAEFAULT` (NULL
/// `argp`), `WSAEINVAL` (another command).
///
/// # Safety
/// `argp` must be NULL or valid for reads and writes of a `u32`.
pub unsafe extern "system" fn ioctlsocket(s: SOCKET, cmd: i32, argp: *mut u32) -> i32 {
    int_result(with_current(|table| {
        table.with_socket(s, |_| Ok(()))?;
        if argp.is_null() {
            return Err(Error::Fault);
        }
        match cmd {
            // SAFETY: non-NULL, and the caller promises a readable u32.
            FIONBIO => table.set_nonblocking(s, unsafe { memory::read(argp) } != 0),
            FIONREAD => {
                let waiting = table.readable(s)?;
                // SAFETY: non-NULL, and the caller promises a writable u32.
                unsafe { memory::write(argp, u32::try_from(waiting).unwrap_or(u32::MAX)) };
                Ok(())
            }
            _ => Err(Error::Invalid),
        }
    }))
}
