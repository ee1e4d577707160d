//! `WSASetSocketPeerTargetName` and `WSADeleteSocketPeerTargetName`, the heart of the crate.
use windows_sys::Win32::Networking::WinSock::{
    LPWSAOVERLAPPED_COMPLETION_ROUTINE, SOCKADDR, SOCKET, SOCKET_PEER_TARGET_NAME,
};
use windows_sys::Win32::System::IO::OVERLAPPED;

use super::last_error::int_result;
use super::memory;
use super::overlapped::overlapped_result;
use crate::model::current::with_current;
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
/// `docs/overlapped.md`).
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
