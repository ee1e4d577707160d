//! Every emulated function has windows-sys 0.61's exact signature: each is coerced to the
//! function-pointer type spelled with windows-sys's own types, so a drift is a compile error.

use windows_sys::core::BOOL;
use windows_sys::Win32::Networking::WinSock as ws;
use windows_sys::Win32::System::IO::OVERLAPPED;
use winsock_emu::sys;

type Routine = ws::LPWSAOVERLAPPED_COMPLETION_ROUTINE;

#[test]
fn sys_functions_have_windows_sys_signatures() {
    let _: unsafe extern "system" fn(u16, *mut ws::WSADATA) -> i32 = sys::WSAStartup;
    let _: unsafe extern "system" fn() -> i32 = sys::WSACleanup;
    let _: unsafe extern "system" fn() -> ws::WSA_ERROR = sys::WSAGetLastError;
    let _: unsafe extern "system" fn(i32) = sys::WSASetLastError;
    let _: unsafe extern "system" fn(i32, ws::WINSOCK_SOCKET_TYPE, i32) -> ws::SOCKET = sys::socket;
    let _: unsafe extern "system" fn(
        i32,
        i32,
        i32,
        *const ws::WSAPROTOCOL_INFOW,
        u32,
        u32,
    ) -> ws::SOCKET = sys::WSASocketW;
    let _: unsafe extern "system" fn(ws::SOCKET, *const ws::SOCKADDR, i32) -> i32 = sys::bind;
    let _: unsafe extern "system" fn(ws::SOCKET, i32) -> i32 = sys::listen;
    let _: unsafe extern "system" fn(ws::SOCKET, *mut ws::SOCKADDR, *mut i32) -> ws::SOCKET =
        sys::accept;
    let _: unsafe extern "system" fn(
        ws::SOCKET,
        *mut ws::SOCKADDR,
        *mut i32,
        ws::LPCONDITIONPROC,
        usize,
    ) -> ws::SOCKET = sys::WSAAccept;
    let _: unsafe extern "system" fn(ws::SOCKET, *const ws::SOCKADDR, i32) -> i32 = sys::connect;
    let _: unsafe extern "system" fn(
        ws::SOCKET,
        *const ws::SOCKADDR,
        i32,
        *const ws::WSABUF,
        *mut ws::WSABUF,
        *const ws::QOS,
        *const ws::QOS,
    ) -> i32 = sys::WSAConnect;
    let _: unsafe extern "system" fn(ws::SOCKET) -> i32 = sys::closesocket;
    let _: unsafe extern "system" fn(
        ws::SOCKET,
        u32,
        *const core::ffi::c_void,
        u32,
        *mut core::ffi::c_void,
        u32,
        *mut u32,
        *mut OVERLAPPED,
        Routine,
    ) -> i32 = sys::WSAIoctl;
    let _: unsafe extern "system" fn(
        ws::SOCKET,
        *const ws::SOCKET_PEER_TARGET_NAME,
        u32,
        *const OVERLAPPED,
        Routine,
    ) -> i32 = sys::WSASetSocketPeerTargetName;
    let _: unsafe extern "system" fn(
        ws::SOCKET,
        *const ws::SOCKADDR,
        u32,
        *const OVERLAPPED,
        Routine,
    ) -> i32 = sys::WSADeleteSocketPeerTargetName;
    let _: BOOL = sys::TRUE;
    let _: unsafe extern "system" fn(
        ws::SOCKET,
        i32,
        i32,
        windows_sys::core::PSTR,
        *mut i32,
    ) -> i32 = sys::getsockopt;
    let _: unsafe extern "system" fn(ws::SOCKET, i32, i32, windows_sys::core::PCSTR, i32) -> i32 =
        sys::setsockopt;
    let _: unsafe extern "system" fn(ws::SOCKET, *mut ws::SOCKADDR, *mut i32) -> i32 =
        sys::getsockname;
    let _: unsafe extern "system" fn(ws::SOCKET, *mut ws::SOCKADDR, *mut i32) -> i32 =
        sys::getpeername;
    let _: unsafe extern "system" fn(
        ws::SOCKET,
        *const ws::WSAMSG,
        u32,
        *mut u32,
        *mut OVERLAPPED,
        Routine,
    ) -> i32 = sys::WSASendMsg;
    let _: ws::LPFN_WSASENDMSG = Some(sys::WSASendMsg);
}

#[test]
fn types_and_constants_are_windows_sys_own() {
    // Same type: a windows-sys value is a winsock_emu::sys value, with no conversion.
    let data: sys::WSADATA = ws::WSADATA::default();
    let name: sys::SOCKET_PEER_TARGET_NAME = ws::SOCKET_PEER_TARGET_NAME::default();
    let overlapped: sys::OVERLAPPED = OVERLAPPED::default();
    let _ = (data, name, overlapped);
    assert_eq!(sys::AF_INET6, 23);
    assert_eq!(sys::SIO_SET_PEER_TARGET_NAME, 0x9800_00CA);
    assert_eq!(sys::SIO_DELETE_PEER_TARGET_NAME, 0x9800_00CB);
    assert_eq!(sys::INVALID_SOCKET, usize::MAX);
    assert_eq!(core::mem::size_of::<sys::SOCKET_PEER_TARGET_NAME>(), 144);
}

/// The event, wait and overlapped-result functions of the overlapped model
/// (`SleepEx` as `System::Threading` declares it).
#[test]
fn overlapped_functions_have_windows_sys_signatures() {
    use windows_sys::Win32::Foundation::{HANDLE, WAIT_EVENT};
    let _: unsafe extern "system" fn() -> ws::WSAEVENT = sys::WSACreateEvent;
    let _: unsafe extern "system" fn(ws::WSAEVENT) -> BOOL = sys::WSACloseEvent;
    let _: unsafe extern "system" fn(ws::WSAEVENT) -> BOOL = sys::WSAResetEvent;
    let _: unsafe extern "system" fn(ws::WSAEVENT) -> BOOL = sys::WSASetEvent;
    let _: unsafe extern "system" fn(u32, *const HANDLE, BOOL, u32, BOOL) -> WAIT_EVENT =
        sys::WSAWaitForMultipleEvents;
    let _: unsafe extern "system" fn(
        ws::SOCKET,
        *const OVERLAPPED,
        *mut u32,
        BOOL,
        *mut u32,
    ) -> BOOL = sys::WSAGetOverlappedResult;
    let _: unsafe extern "system" fn(u32, BOOL) -> u32 = sys::SleepEx;
    assert_eq!(sys::WAIT_IO_COMPLETION, ws::WSA_WAIT_IO_COMPLETION as u32);
}
