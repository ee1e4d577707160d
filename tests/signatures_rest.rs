//! The signatures of the handle, last-error, protocol-catalogue, duplication, protocol-database, QoS,
//! disconnect, service-database, GetAddrInfoEx and Winsock 1.1 functions are windows-sys
//! 0.61's: each is coerced to the function-pointer type spelled with windows-sys's own
//! types, so a drift is a compile error.

use windows_sys::core::{BOOL, PCSTR};
use windows_sys::Win32::Foundation::{FARPROC, HANDLE, WIN32_ERROR};
use windows_sys::Win32::Networking::WinSock as ws;
use winsock_emu::sys;

#[test]
fn handle_and_last_error_functions_have_windows_sys_signatures() {
    let _: unsafe extern "system" fn(HANDLE) -> BOOL = sys::CloseHandle;
    let _: unsafe extern "system" fn() -> WIN32_ERROR = sys::GetLastError;
    let _: unsafe extern "system" fn(WIN32_ERROR) = sys::SetLastError;
}

#[test]
fn catalogue_and_database_functions_have_windows_sys_signatures() {
    let _: unsafe extern "system" fn(*const i32, *mut ws::WSAPROTOCOL_INFOA, *mut u32) -> i32 =
        sys::WSAEnumProtocolsA;
    let _: unsafe extern "system" fn(*const i32, *mut ws::WSAPROTOCOL_INFOW, *mut u32) -> i32 =
        sys::WSAEnumProtocolsW;
    let _: unsafe extern "system" fn(
        i32,
        i32,
        i32,
        *const ws::WSAPROTOCOL_INFOA,
        u32,
        u32,
    ) -> ws::SOCKET = sys::WSASocketA;
    let _: unsafe extern "system" fn(PCSTR) -> *mut ws::PROTOENT = sys::getprotobyname;
    let _: unsafe extern "system" fn(i32) -> *mut ws::PROTOENT = sys::getprotobynumber;
    let _: unsafe extern "system" fn(ws::SOCKET, *const ws::WSABUF, *mut ws::QOS) -> BOOL =
        sys::WSAGetQOSByName;
}

#[test]
fn duplication_functions_have_windows_sys_signatures() {
    let _: unsafe extern "system" fn(ws::SOCKET, u32, *mut ws::WSAPROTOCOL_INFOW) -> i32 =
        sys::WSADuplicateSocketW;
    let _: unsafe extern "system" fn(ws::SOCKET, u32, *mut ws::WSAPROTOCOL_INFOA) -> i32 =
        sys::WSADuplicateSocketA;
}

#[test]
fn winsock_1_1_functions_have_windows_sys_signatures() {
    let _: unsafe extern "system" fn() -> i32 = sys::WSACancelBlockingCall;
    let _: unsafe extern "system" fn() -> BOOL = sys::WSAIsBlocking;
    let _: unsafe extern "system" fn(FARPROC) -> FARPROC = sys::WSASetBlockingHook;
    let _: unsafe extern "system" fn() -> i32 = sys::WSAUnhookBlockingHook;
}

#[test]
fn disconnect_functions_have_windows_sys_signatures() {
    let _: unsafe extern "system" fn(ws::SOCKET, *const ws::WSABUF) -> i32 = sys::WSASendDisconnect;
    let _: unsafe extern "system" fn(ws::SOCKET, *const ws::WSABUF) -> i32 = sys::WSARecvDisconnect;
    let _: unsafe extern "system" fn(ws::SOCKET, windows_sys::core::PSTR, i32, *mut i32) -> i32 =
        sys::WSARecvEx;
}

#[test]
fn service_database_functions_have_windows_sys_signatures() {
    let _: unsafe extern "system" fn(PCSTR, PCSTR) -> *mut ws::SERVENT = sys::getservbyname;
    let _: unsafe extern "system" fn(i32, PCSTR) -> *mut ws::SERVENT = sys::getservbyport;
}

#[test]
fn getaddrinfoex_functions_have_windows_sys_signatures() {
    use windows_sys::core::{GUID, PCWSTR};
    use windows_sys::Win32::System::IO::OVERLAPPED;
    let _: unsafe extern "system" fn(
        PCWSTR,
        PCWSTR,
        u32,
        *const GUID,
        *const ws::ADDRINFOEXW,
        *mut *mut ws::ADDRINFOEXW,
        *const ws::TIMEVAL,
        *const OVERLAPPED,
        ws::LPLOOKUPSERVICE_COMPLETION_ROUTINE,
        *mut HANDLE,
    ) -> i32 = sys::GetAddrInfoExW;
    let _: unsafe extern "system" fn(*const ws::ADDRINFOEXW) = sys::FreeAddrInfoExW;
    let _: unsafe extern "system" fn(*const HANDLE) -> i32 = sys::GetAddrInfoExCancel;
    let _: unsafe extern "system" fn(*const OVERLAPPED) -> i32 = sys::GetAddrInfoExOverlappedResult;
}

#[test]
fn connect_by_list_has_the_windows_sys_signature() {
    use windows_sys::Win32::System::IO::OVERLAPPED;
    let _: unsafe extern "system" fn(
        ws::SOCKET,
        *const ws::SOCKET_ADDRESS_LIST,
        *mut u32,
        *mut ws::SOCKADDR,
        *mut u32,
        *mut ws::SOCKADDR,
        *const ws::TIMEVAL,
        *const OVERLAPPED,
    ) -> BOOL = sys::WSAConnectByList;
}
