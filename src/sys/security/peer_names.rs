//! `WSASetSocketPeerTargetName` and `WSADeleteSocketPeerTargetName`, the heart of the crate.
use windows_sys::Win32::Networking::WinSock::{
    LPWSAOVERLAPPED_COMPLETION_ROUTINE, SOCKADDR, SOCKET, SOCKET_PEER_TARGET_NAME,
};
use windows_sys::Win32::System::IO::OVERLAPPED;

use crate::model::current::with_current;
use crate::sys::last_error::int_result;
use crate::sys::memory;
use crate::sys::overlapped::overlapped_result;
use crate::testing::Call;

/// [`WSASetSocketPeerTargetName`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsasetsocketpeertargetname):
/// names the peer principal a client expects, so that a trusted man-in-the-middle cannot
/// pass for it. Returns 0, or `SOCKET_ERROR` with the last error set:
///
/// - `WSAENOTSOCK`: *Socket* is not a valid socket.
/// - `WSAEFAULT`: *PeerTargetName* is NULL.
/// - `WSAEINVAL`: the socket is not AF_INET/AF_INET6 with SOCK_STREAM/SOCK_DGRAM; a
///   connectionless socket names the zero address and port; `SecurityProtocol` is illegal;
///   the name is empty or an odd number of bytes.
/// - `WSAEMSGSIZE`: *PeerTargetNameLen* cannot hold the 140-byte header plus
///   `PeerTargetNameStringLen` bytes.
/// - `WSAEAFNOSUPPORT`: the peer address is of a family the socket cannot use.
/// - `WSAEISCONN`: the socket is connected (stream or datagram).
///
/// The order of the checks is [`crate::choices::CHECK_ORDER`]. On failure nothing changes
/// and nothing is queued.
///
/// On a non-overlapped socket `overlapped` and `completionroutine` are ignored. On an
/// overlapped socket, with an `overlapped`, the call completes through it as `WSAIoctl`
/// does: its status fields are written and `hEvent` signalled, or the routine is queued
/// to this thread for its next alertable wait; if the network defers the operation the
/// call returns `SOCKET_ERROR` with `WSA_IO_PENDING` and completes later (see
/// [`docs/overlapped.md`](https://github.com/winsock-emu/winsock-emu/blob/main/docs/overlapped.md)).
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
///     let s = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
///     // SOCKET_PEER_TARGET_NAME with the name (UTF-16) in its trailing AllStrings.
///     let spn: Vec<u16> = "host/server.contoso.com".encode_utf16().collect();
///     let total = std::mem::size_of::<SOCKET_PEER_TARGET_NAME>() + spn.len() * 2;
///     let mut buffer = vec![0u64; total.div_ceil(8)];
///     let name = buffer.as_mut_ptr().cast::<SOCKET_PEER_TARGET_NAME>();
///     (*name).PeerTargetNameStringLen = (spn.len() * 2) as u32;
///     std::ptr::copy_nonoverlapping(spn.as_ptr(), std::ptr::addr_of_mut!((*name).AllStrings).cast::<u16>(), spn.len());
///     assert_eq!(WSASetSocketPeerTargetName(s, name, total as u32, std::ptr::null(), None), 0);
///     let rc = WSASetSocketPeerTargetName(s, std::ptr::null(), 0, std::ptr::null(), None);
///     assert_eq!((rc, WSAGetLastError()), (SOCKET_ERROR, WSAEFAULT));
///     closesocket(s);
///     WSACleanup();
/// }
/// ```
///
/// # Safety
/// `peertargetname` must be NULL or valid for reads of `peertargetnamelen` bytes.
/// `overlapped` must be NULL or aligned and valid for reads and writes of an `OVERLAPPED`
/// until the operation completes (it is written, though the prototype says `const`).
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSASetSocketPeerTargetName(
    socket: SOCKET,
    peertargetname: *const SOCKET_PEER_TARGET_NAME,
    peertargetnamelen: u32,
    overlapped: *const OVERLAPPED,
    completionroutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    // SAFETY: forwarded from the caller.
    let name = unsafe { memory::peer_target_name(peertargetname, peertargetnamelen) };
    int_result(with_current(|table| {
        let operation = || table.set_peer_target_name(socket, name).map(|()| 0);
        let call = Call::SetPeerTargetName;
        // SAFETY: forwarded from the caller.
        unsafe {
            overlapped_result(
                table,
                call,
                socket,
                overlapped,
                completionroutine,
                operation,
            )
        }
        .map(drop)
    }))
}

/// [`WSADeleteSocketPeerTargetName`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsadeletesocketpeertargetname):
/// removes the name set for the peer at *PeerAddr*, so no later authentication to it uses
/// that name. Errors: `WSAENOTSOCK`, `WSAEFAULT` (NULL *PeerAddr*), `WSAEINVAL` (wrong
/// family or type, zero datagram peer), `WSAEMSGSIZE` (*PeerAddrLen* too short for the
/// address), `WSAEAFNOSUPPORT` (a family the socket cannot use). Deleting a name that is
/// not there succeeds ([`crate::choices::DELETE_ABSENT_NAME_SUCCEEDS`]).
///
/// `overlapped` and `completionroutine` behave as for [`WSASetSocketPeerTargetName`].
///
/// # Safety
/// `peeraddr` must be NULL or valid for reads of `peeraddrlen` bytes. `overlapped` must be
/// NULL or aligned and valid for reads and writes of an `OVERLAPPED` until the operation
/// completes.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSADeleteSocketPeerTargetName(
    socket: SOCKET,
    peeraddr: *const SOCKADDR,
    peeraddrlen: u32,
    overlapped: *const OVERLAPPED,
    completionroutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    // SAFETY: forwarded from the caller.
    let addr = unsafe { memory::sockaddr(peeraddr, peeraddrlen.into()) };
    int_result(with_current(|table| {
        let operation = || table.delete_peer_target_name(socket, addr).map(|()| 0);
        let call = Call::DeletePeerTargetName;
        // SAFETY: forwarded from the caller.
        unsafe {
            overlapped_result(
                table,
                call,
                socket,
                overlapped,
                completionroutine,
                operation,
            )
        }
        .map(drop)
    }))
}
