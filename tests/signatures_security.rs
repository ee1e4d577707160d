//! Compile-time proof that the secure-socket and data-path functions of `winsock_emu::sys`
//! have windows-sys 0.61's exact signatures: each is coerced to the function-pointer type
//! built from windows-sys's own types, so any drift fails to compile.

use core::ffi::c_void;

use windows_sys::core::{PCSTR, PSTR};
use windows_sys::Win32::Networking::WinSock as ws;
use windows_sys::Win32::System::IO::OVERLAPPED;
use winsock_emu::sys;

type SetSecurity = unsafe extern "system" fn(
    ws::SOCKET,
    *const ws::SOCKET_SECURITY_SETTINGS,
    u32,
    *const OVERLAPPED,
    ws::LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32;
type QuerySecurity = unsafe extern "system" fn(
    ws::SOCKET,
    *const ws::SOCKET_SECURITY_QUERY_TEMPLATE,
    u32,
    *mut ws::SOCKET_SECURITY_QUERY_INFO,
    *mut u32,
    *const OVERLAPPED,
    ws::LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32;
type Impersonate = unsafe extern "system" fn(ws::SOCKET, *const ws::SOCKADDR, u32) -> i32;
type Revert = unsafe extern "system" fn() -> i32;
type Ioctl = unsafe extern "system" fn(
    ws::SOCKET,
    u32,
    *const c_void,
    u32,
    *mut c_void,
    u32,
    *mut u32,
    *mut OVERLAPPED,
    ws::LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32;
type Send = unsafe extern "system" fn(ws::SOCKET, PCSTR, i32, ws::SEND_RECV_FLAGS) -> i32;
type Recv = unsafe extern "system" fn(ws::SOCKET, PSTR, i32, ws::SEND_RECV_FLAGS) -> i32;
type SendTo =
    unsafe extern "system" fn(ws::SOCKET, PCSTR, i32, i32, *const ws::SOCKADDR, i32) -> i32;
type RecvFrom =
    unsafe extern "system" fn(ws::SOCKET, PSTR, i32, i32, *mut ws::SOCKADDR, *mut i32) -> i32;
type WsaSendTo = unsafe extern "system" fn(
    ws::SOCKET,
    *const ws::WSABUF,
    u32,
    *mut u32,
    u32,
    *const ws::SOCKADDR,
    i32,
    *mut OVERLAPPED,
    ws::LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32;
type WsaSend = unsafe extern "system" fn(
    ws::SOCKET,
    *const ws::WSABUF,
    u32,
    *mut u32,
    u32,
    *mut OVERLAPPED,
    ws::LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32;
type WsaRecv = unsafe extern "system" fn(
    ws::SOCKET,
    *const ws::WSABUF,
    u32,
    *mut u32,
    *mut u32,
    *mut OVERLAPPED,
    ws::LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32;
type WsaRecvFrom = unsafe extern "system" fn(
    ws::SOCKET,
    *const ws::WSABUF,
    u32,
    *mut u32,
    *mut u32,
    *mut ws::SOCKADDR,
    *mut i32,
    *mut OVERLAPPED,
    ws::LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32;
type ShutdownFn = unsafe extern "system" fn(ws::SOCKET, ws::WINSOCK_SHUTDOWN_HOW) -> i32;
type IoctlSocket = unsafe extern "system" fn(ws::SOCKET, i32, *mut u32) -> i32;

#[test]
fn secure_socket_functions_have_windows_sys_signatures() {
    let set: SetSecurity = sys::WSASetSocketSecurity;
    let query: QuerySecurity = sys::WSAQuerySocketSecurity;
    let impersonate: Impersonate = sys::WSAImpersonateSocketPeer;
    let revert: Revert = sys::WSARevertImpersonation;
    let ioctl: Ioctl = sys::WSAIoctl;
    let addresses = [
        set as usize,
        query as usize,
        impersonate as usize,
        revert as usize,
        ioctl as usize,
    ];
    assert!(addresses.iter().all(|&address| address != 0));
}

#[test]
fn data_path_functions_have_windows_sys_signatures() {
    let send: Send = sys::send;
    let recv: Recv = sys::recv;
    let sendto: SendTo = sys::sendto;
    let recvfrom: RecvFrom = sys::recvfrom;
    let wsasendto: WsaSendTo = sys::WSASendTo;
    let wsasend: WsaSend = sys::WSASend;
    let wsarecv: WsaRecv = sys::WSARecv;
    let wsarecvfrom: WsaRecvFrom = sys::WSARecvFrom;
    let shutdown: ShutdownFn = sys::shutdown;
    let ioctlsocket: IoctlSocket = sys::ioctlsocket;
    let addresses = [
        send as usize,
        recv as usize,
        sendto as usize,
        recvfrom as usize,
        wsasendto as usize,
        wsasend as usize,
        wsarecv as usize,
        wsarecvfrom as usize,
        shutdown as usize,
        ioctlsocket as usize,
    ];
    assert!(addresses.iter().all(|&address| address != 0));
}

#[test]
fn sys_reexports_the_security_constants_with_windows_sys_values() {
    assert_eq!(sys::SIO_SET_SECURITY, 0x9800_00C8);
    assert_eq!(sys::SIO_QUERY_SECURITY, 0xD800_00C9);
    assert_eq!(
        sys::SOCKET_SETTINGS_GUARANTEE_ENCRYPTION,
        ws::SOCKET_SETTINGS_GUARANTEE_ENCRYPTION
    );
    assert_eq!(
        sys::SOCKET_SETTINGS_ALLOW_INSECURE,
        ws::SOCKET_SETTINGS_ALLOW_INSECURE
    );
    assert_eq!(sys::SOCKET_INFO_CONNECTION_IMPERSONATED, 4);
    assert_eq!(sys::FIONBIO, ws::FIONBIO);
}
