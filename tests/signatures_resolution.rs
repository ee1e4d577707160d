//! The resolver's functions and the address helpers have windows-sys 0.61's exact
//! signatures: each is coerced to the function-pointer type spelled with windows-sys's own
//! types, so a drift is a compile error.

use core::ffi::c_void;

use windows_sys::core::{BOOL, PCSTR, PCWSTR, PSTR, PWSTR};
use windows_sys::Win32::Networking::WinSock as ws;
use windows_sys::Win32::System::IO::OVERLAPPED;
use winsock_emu::sys;

#[test]
fn resolution_functions_have_windows_sys_signatures() {
    let _: unsafe extern "system" fn(
        PCSTR,
        PCSTR,
        *const ws::ADDRINFOA,
        *mut *mut ws::ADDRINFOA,
    ) -> i32 = sys::getaddrinfo;
    let _: unsafe extern "system" fn(
        PCWSTR,
        PCWSTR,
        *const ws::ADDRINFOW,
        *mut *mut ws::ADDRINFOW,
    ) -> i32 = sys::GetAddrInfoW;
    let _: unsafe extern "system" fn(*const ws::ADDRINFOA) = sys::freeaddrinfo;
    let _: unsafe extern "system" fn(*const ws::ADDRINFOW) = sys::FreeAddrInfoW;
    let _: unsafe extern "system" fn(
        *const ws::SOCKADDR,
        ws::socklen_t,
        PSTR,
        u32,
        PSTR,
        u32,
        i32,
    ) -> i32 = sys::getnameinfo;
    let _: unsafe extern "system" fn(
        *const ws::SOCKADDR,
        ws::socklen_t,
        PWSTR,
        u32,
        PWSTR,
        u32,
        i32,
    ) -> i32 = sys::GetNameInfoW;
    let _: unsafe extern "system" fn(PCSTR) -> *mut ws::HOSTENT = sys::gethostbyname;
    let _: unsafe extern "system" fn(PCSTR, i32, i32) -> *mut ws::HOSTENT = sys::gethostbyaddr;
    let _: unsafe extern "system" fn(PSTR, i32) -> i32 = sys::gethostname;
    let _: unsafe extern "system" fn(PWSTR, i32) -> i32 = sys::GetHostNameW;
    let _: unsafe extern "system" fn(i32, PCSTR, *mut c_void) -> i32 = sys::inet_pton;
    let _: unsafe extern "system" fn(i32, PCWSTR, *mut c_void) -> i32 = sys::InetPtonW;
    let _: unsafe extern "system" fn(i32, *const c_void, PSTR, usize) -> PCSTR = sys::inet_ntop;
    let _: unsafe extern "system" fn(i32, *const c_void, PWSTR, usize) -> PCWSTR = sys::InetNtopW;
    let _: unsafe extern "system" fn(PCSTR) -> u32 = sys::inet_addr;
    let _: unsafe extern "system" fn(ws::IN_ADDR) -> PSTR = sys::inet_ntoa;
    let _: unsafe extern "system" fn(
        PCWSTR,
        i32,
        *const ws::WSAPROTOCOL_INFOW,
        *mut ws::SOCKADDR,
        *mut i32,
    ) -> i32 = sys::WSAStringToAddressW;
    let _: unsafe extern "system" fn(
        PCSTR,
        i32,
        *const ws::WSAPROTOCOL_INFOA,
        *mut ws::SOCKADDR,
        *mut i32,
    ) -> i32 = sys::WSAStringToAddressA;
    let _: unsafe extern "system" fn(
        *const ws::SOCKADDR,
        u32,
        *const ws::WSAPROTOCOL_INFOW,
        PWSTR,
        *mut u32,
    ) -> i32 = sys::WSAAddressToStringW;
    let _: unsafe extern "system" fn(
        *const ws::SOCKADDR,
        u32,
        *const ws::WSAPROTOCOL_INFOA,
        PSTR,
        *mut u32,
    ) -> i32 = sys::WSAAddressToStringA;
    let _: unsafe extern "system" fn(u16) -> u16 = sys::htons;
    let _: unsafe extern "system" fn(u16) -> u16 = sys::ntohs;
    let _: unsafe extern "system" fn(u32) -> u32 = sys::htonl;
    let _: unsafe extern "system" fn(u32) -> u32 = sys::ntohl;
    let _: unsafe extern "system" fn(ws::SOCKET, u16, *mut u16) -> i32 = sys::WSAHtons;
    let _: unsafe extern "system" fn(ws::SOCKET, u16, *mut u16) -> i32 = sys::WSANtohs;
    let _: unsafe extern "system" fn(ws::SOCKET, u32, *mut u32) -> i32 = sys::WSAHtonl;
    let _: unsafe extern "system" fn(ws::SOCKET, u32, *mut u32) -> i32 = sys::WSANtohl;
    type ConnectByName<S> = unsafe extern "system" fn(
        ws::SOCKET,
        S,
        S,
        *mut u32,
        *mut ws::SOCKADDR,
        *mut u32,
        *mut ws::SOCKADDR,
        *const ws::TIMEVAL,
        *const OVERLAPPED,
    ) -> BOOL;
    let _: ConnectByName<PCWSTR> = sys::WSAConnectByNameW;
    let _: ConnectByName<PCSTR> = sys::WSAConnectByNameA;
}
