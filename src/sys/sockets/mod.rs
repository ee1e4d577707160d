//! Creating, binding, connecting, accepting (`accept`, `WSAAccept`) and closing sockets.
//!
//! Sockets and their life: creating, binding, connecting, accepting and closing
//! (this file, with `addr_out.rs` for returned addresses and `condition.rs` for
//! `WSAAccept`'s condition function, `duplicate.rs` for `WSADuplicateSocket`), `WSAStartup`/`WSACleanup` (`startup.rs`), names
//! (`names.rs`), options (`options.rs`, `protocol_info.rs`), the catalogue (`protocols.rs`,
//! `protoent.rs`, `servent.rs`, `qos.rs`), `WSAIoctl` and its extension functions (`ioctl.rs`,
//! `extensions.rs`), `CloseHandle` (`handles.rs`) and the Winsock 1.1 hooks
//! (`blocking_hooks.rs`).

pub(super) mod addr_out;
pub(super) mod blocking_hooks;
pub(super) mod condition;
pub(super) mod duplicate;
pub(super) mod extensions;
pub(super) mod handles;
pub(super) mod ioctl;
pub(super) mod names;
pub(super) mod options;
pub(super) mod protocol_info;
pub(super) mod protocols;
pub(super) mod protoent;
pub(super) mod qos;
pub(super) mod servent;
pub(super) mod startup;

use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::{
    LPCONDITIONPROC, QOS, SOCKADDR, SOCKET, WSABUF, WSAPROTOCOL_INFOW,
};

use super::last_error::{int_result, socket_result};
use super::memory;
use crate::error::{Error, Result};
use crate::model::current::{current, with_current};
use crate::model::SocketTable;

/// [`socket`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-socket):
/// creates a socket of the current network. Sockets made by `socket` are overlapped, as on
/// Windows. Errors: `WSAEAFNOSUPPORT`, `WSAESOCKTNOSUPPORT`, `WSAEPROTOTYPE`,
/// `WSAEPROTONOSUPPORT` ([`crate::choices::SOCKET_CATALOG`]).
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
///     let s = socket(AF_INET.into(), SOCK_DGRAM, IPPROTO_UDP);
///     assert_ne!(s, INVALID_SOCKET);
///     assert_eq!(socket(AF_INET.into(), SOCK_DGRAM, IPPROTO_TCP), INVALID_SOCKET);
///     assert_eq!(WSAGetLastError(), WSAEPROTOTYPE);
///     closesocket(s);
///     WSACleanup();
/// }
/// ```
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
pub unsafe extern "system" fn socket(af: i32, r#type: i32, protocol: i32) -> SOCKET {
    socket_result(with_current(|table| {
        table.create(af, r#type, protocol, true)
    }))
}

/// [`WSASocketW`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsasocketw):
/// like [`socket`], but overlapped only with `WSA_FLAG_OVERLAPPED` in `dwflags`. With
/// `lpprotocolinfo` (a `WSAPROTOCOL_INFOW` from [`super::WSAEnumProtocolsW`]), `af`, `type`
/// and `protocol` that are `FROM_PROTOCOL_INFO` or 0 take the structure's values and the
/// socket is the one `socket()` makes of that triple, as on Windows; a structure naming no
/// catalogue entry is `WSAEINVAL`, as is a non-zero `g` (socket groups are not emulated;
/// [`crate::choices::WSASOCKET_PROTOCOL_INFO`]). With a structure from
/// [`super::WSADuplicateSocketW`], the call returns a new handle naming the duplicated
/// socket, once per duplication (a second use is `WSAEINVAL`;
/// [`crate::choices::DUPLICATE_IS_A_SECOND_HANDLE`]).
///
/// # Safety
/// `lpprotocolinfo` must be NULL or valid for reads of a `WSAPROTOCOL_INFOW`.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSASocketW(
    af: i32,
    r#type: i32,
    protocol: i32,
    lpprotocolinfo: *const WSAPROTOCOL_INFOW,
    g: u32,
    dwflags: u32,
) -> SOCKET {
    // SAFETY: forwarded from the caller.
    unsafe { super::protocols::wsa_socket(af, r#type, protocol, lpprotocolinfo, g, dwflags) }
}

/// [`bind`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-bind):
/// gives the socket a local address. Errors: `WSAENOTSOCK`, `WSAEFAULT` (NULL, short or
/// wrong-family address), `WSAEINVAL` (already bound), `WSAEADDRINUSE`.
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
///     let s = socket(AF_INET.into(), SOCK_DGRAM, IPPROTO_UDP);
///     let at = loopback(5000);
///     assert_eq!(bind(s, std::ptr::addr_of!(at).cast(), LEN), 0);
///     let again = socket(AF_INET.into(), SOCK_DGRAM, IPPROTO_UDP);
///     assert_eq!(bind(again, std::ptr::addr_of!(at).cast(), LEN), SOCKET_ERROR);
///     assert_eq!(WSAGetLastError(), WSAEADDRINUSE);
///     closesocket(again);
///     closesocket(s);
///     WSACleanup();
/// }
/// ```
///
/// # Safety
/// `name` must be NULL or valid for reads of `namelen` bytes.
pub unsafe extern "system" fn bind(s: SOCKET, name: *const SOCKADDR, namelen: i32) -> i32 {
    // SAFETY: forwarded from the caller.
    let addr = unsafe { memory::sockaddr(name, namelen.into()) };
    int_result(with_current(|table| table.bind(s, addr).map(drop)))
}

/// [`listen`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-listen):
/// a bound stream socket starts accepting. Errors: `WSAENOTSOCK`, `WSAEOPNOTSUPP` (not a
/// stream), `WSAEISCONN`, `WSAEINVAL` (unbound).
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
///     closesocket(client);
///     closesocket(server);
///     WSACleanup();
/// }
/// ```
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
pub unsafe extern "system" fn listen(s: SOCKET, backlog: i32) -> i32 {
    int_result(with_current(|table| table.listen(s, backlog)))
}

/// Takes a connection waiting on `s` with `take` and reports the client through `addr` and
/// `addrlen` (checked before `take` runs): what `accept` and `WSAAccept` share.
///
/// # Safety
/// As [`accept`].
unsafe fn accept_into(
    table: &SocketTable,
    s: SOCKET,
    addr: *mut SOCKADDR,
    addrlen: *mut i32,
    take: impl FnOnce(&SocketTable) -> Result<(SOCKET, SocketAddr)>,
) -> Result<SOCKET> {
    let family = table.with_socket(s, |entry| Ok(entry.kind.family))?;
    // SAFETY: forwarded from the caller.
    unsafe { addr_out::check_room(family, addr, addrlen)? };
    let (handle, peer) = take(table)?;
    // SAFETY: checked above, and still valid as the caller promises.
    unsafe { addr_out::write(addr, addrlen, Some(peer)) };
    Ok(handle)
}

/// [`accept`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-accept):
/// takes the oldest waiting connection. If `addr` is not NULL the client's address is
/// written there and its length to `*addrlen`, which must be non-NULL and hold at least the
/// family's address size (`WSAEFAULT` otherwise, checked before the connection is taken).
/// With nothing waiting, a blocking listener waits for a connection (an alertable wait;
/// `WSAEINTR` if another thread closes it meanwhile,
/// [`crate::choices::CLOSE_INTERRUPTS_WAITS`]; `WSAENETDOWN` on a stall,
/// [`crate::choices::STALL_ENDS_THE_CALL`]), a non-blocking one fails with
/// `WSAEWOULDBLOCK`. On failure neither out-parameter is written.
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
///     let mut from = SOCKADDR_IN::default();
///     let mut from_len = LEN;
///     let accepted = accept(server, std::ptr::addr_of_mut!(from).cast(), &mut from_len);
///     assert_ne!(accepted, INVALID_SOCKET);
///     assert_eq!(from.sin_family, AF_INET);
///     closesocket(accepted);
///     closesocket(client);
///     closesocket(server);
///     WSACleanup();
/// }
/// ```
///
/// # Safety
/// `addr` must be NULL or valid for writes of `*addrlen` bytes; `addrlen` must be NULL or
/// valid for reads and writes of an `i32`.
pub unsafe extern "system" fn accept(s: SOCKET, addr: *mut SOCKADDR, addrlen: *mut i32) -> SOCKET {
    // SAFETY: forwarded from the caller.
    socket_result(with_current(|table| unsafe {
        accept_into(table, s, addr, addrlen, |table| table.accept(s))
    }))
}

/// [`WSAAccept`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaaccept):
/// [`accept`] with an optional condition function. Without one (`lpfncondition` NULL, as
/// Microsoft's secure TCP server sample calls it) it is [`accept`] exactly, and
/// `dwcallbackdata` is ignored. With one, the function is called about the oldest waiting
/// connection, with no lock held, after every check of [`accept`] (so never when nothing
/// waits): `CF_ACCEPT` takes it as [`accept`] does; `CF_REJECT` removes it from the backlog
/// and resets the client, and fails with `WSAECONNREFUSED`
/// ([`crate::choices::ACCEPT_CONDITION_REJECT`]); `CF_DEFER` leaves it first in the
/// backlog and fails with `WSATRY_AGAIN`; any other value is `WSAEINVAL`
/// ([`crate::choices::ACCEPT_CONDITION_OTHER_VALUE`]). If another thread took the
/// connection while the function ran, the function is called again about the new oldest
/// ([`crate::choices::ACCEPT_CONDITION_RACE`]). The arguments it gets are those of
/// [`crate::choices::ACCEPT_CONDITION_FUNCTION`]. Errors otherwise: those of [`accept`]
/// (`WSAENOTSOCK`, `WSAEFAULT`, `WSAEINVAL` when not listening, `WSAEWOULDBLOCK`).
///
/// # Safety
/// As [`accept`]; `lpfncondition` must be NULL or sound to call with the arguments
/// `WSAAccept`'s page describes, valid only during the call.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAAccept(
    s: SOCKET,
    addr: *mut SOCKADDR,
    addrlen: *mut i32,
    lpfncondition: LPCONDITIONPROC,
    dwcallbackdata: usize,
) -> SOCKET {
    let Some(condition) = lpfncondition else {
        // SAFETY: forwarded from the caller.
        return unsafe { accept(s, addr, addrlen) };
    };
    // The function may enter or leave a network, so it runs outside `with_current`, on
    // this table held apart.
    let table = current();
    let take = |table: &SocketTable| {
        table.accept_deciding(s, |waiting| {
            // SAFETY: the caller promises the function is sound to call.
            unsafe { condition::ask(condition, waiting, dwcallbackdata) }
        })
    };
    // SAFETY: forwarded from the caller.
    socket_result(unsafe { accept_into(&table, s, addr, addrlen, take) })
}

/// [`connect`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-connect):
/// connects a stream socket to a listener of the network, or sets a datagram socket's
/// peer. Errors: `WSAENOTSOCK`, `WSAEFAULT`, `WSAEAFNOSUPPORT`, `WSAEISCONN`, `WSAEINVAL`
/// (listening), `WSAEADDRNOTAVAIL`, `WSAECONNREFUSED`.
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
///     let client = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
///     let nobody = loopback(81);
///     assert_eq!(connect(client, std::ptr::addr_of!(nobody).cast(), LEN), SOCKET_ERROR);
///     assert_eq!(WSAGetLastError(), WSAECONNREFUSED);
///     closesocket(client);
///     WSACleanup();
/// }
/// ```
///
/// # Safety
/// `name` must be NULL or valid for reads of `namelen` bytes.
pub unsafe extern "system" fn connect(s: SOCKET, name: *const SOCKADDR, namelen: i32) -> i32 {
    // SAFETY: forwarded from the caller.
    let addr = unsafe { memory::sockaddr(name, namelen.into()) };
    int_result(with_current(|table| table.connect(s, addr)))
}

/// [`WSAConnect`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaconnect):
/// [`connect`] without connect data or quality of service, which TCP/IP providers do not
/// offer: any of the last four arguments non-NULL is `WSAEOPNOTSUPP`, and none is read.
///
/// # Safety
/// `name` must be NULL or valid for reads of `namelen` bytes.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAConnect(
    s: SOCKET,
    name: *const SOCKADDR,
    namelen: i32,
    lpcallerdata: *const WSABUF,
    lpcalleedata: *mut WSABUF,
    lpsqos: *const QOS,
    lpgqos: *const QOS,
) -> i32 {
    let extras = !lpcallerdata.is_null()
        || !lpcalleedata.is_null()
        || !lpsqos.is_null()
        || !lpgqos.is_null();
    // SAFETY: forwarded from the caller.
    let addr = unsafe { memory::sockaddr(name, namelen.into()) };
    int_result(with_current(|table| {
        table.with_socket(s, |_| Ok(()))?;
        if extras {
            return Err(Error::OperationNotSupported);
        }
        table.connect(s, addr)
    }))
}

/// [`closesocket`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-closesocket):
/// closes the socket; its handle is never handed out again, so using it later is
/// `WSAENOTSOCK`.
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
///     let s = socket(AF_INET.into(), SOCK_DGRAM, IPPROTO_UDP);
///     assert_eq!(closesocket(s), 0);
///     assert_eq!((closesocket(s), WSAGetLastError()), (SOCKET_ERROR, WSAENOTSOCK));
///     WSACleanup();
/// }
/// ```
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
pub unsafe extern "system" fn closesocket(s: SOCKET) -> i32 {
    int_result(with_current(|table| table.close(s)))
}
