//! Byte order: host order (little-endian on every Windows target) to network order
//! (big-endian) and back.
use windows_sys::Win32::Networking::WinSock::SOCKET;

use super::super::last_error::int_result;
use super::super::memory;
use crate::error::Error;
use crate::model::current::with_current;

/// [`htons`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-htons): a
/// `u_short` from host to network byte order. Needs no `WSAStartup` and never fails.
///
/// ```
/// assert_eq!(unsafe { winsock_emu::sys::htons(0x1234) }, 0x3412);
/// ```
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
pub unsafe extern "system" fn htons(hostshort: u16) -> u16 {
    u16::from_ne_bytes(hostshort.to_be_bytes())
}

/// [`ntohs`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-ntohs): a
/// `u_short` from network to host byte order.
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
pub unsafe extern "system" fn ntohs(netshort: u16) -> u16 {
    u16::from_be_bytes(netshort.to_ne_bytes())
}

/// [`htonl`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-htonl): a
/// `u_long` from host to network byte order.
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
pub unsafe extern "system" fn htonl(hostlong: u32) -> u32 {
    u32::from_ne_bytes(hostlong.to_be_bytes())
}

/// [`ntohl`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-ntohl): a
/// `u_long` from network to host byte order.
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
pub unsafe extern "system" fn ntohl(netlong: u32) -> u32 {
    u32::from_be_bytes(netlong.to_ne_bytes())
}

/// The `WSAHtons` family: `s` must be a socket of the current network (`WSANOTINITIALISED`,
/// `WSAENOTSOCK`) and `out` non-NULL (`WSAEFAULT`); then `value` is written there.
///
/// # Safety
/// `out` must be NULL or valid for writes of a `T`.
unsafe fn convert_for_socket<T: Copy>(s: SOCKET, out: *mut T, value: T) -> i32 {
    int_result(with_current(|table| {
        table.with_socket(s, |_| Ok(()))?;
        if out.is_null() {
            return Err(Error::Fault);
        }
        // SAFETY: non-NULL and writable, as the caller promises.
        unsafe { memory::write(out, value) };
        Ok(())
    }))
}

/// [`WSAHtons`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsahtons):
/// [`htons`] for the socket's provider, written to `*lpnetshort`. Errors:
/// `WSANOTINITIALISED`, `WSAENOTSOCK`, `WSAEFAULT` (NULL `lpnetshort`).
///
/// # Safety
/// `lpnetshort` must be NULL or valid for writes of a `u16`.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAHtons(s: SOCKET, hostshort: u16, lpnetshort: *mut u16) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { convert_for_socket(s, lpnetshort, htons(hostshort)) }
}

/// [`WSANtohs`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsantohs):
/// [`ntohs`] for the socket's provider, written to `*lphostshort`; errors as [`WSAHtons`].
///
/// # Safety
/// `lphostshort` must be NULL or valid for writes of a `u16`.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSANtohs(s: SOCKET, netshort: u16, lphostshort: *mut u16) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { convert_for_socket(s, lphostshort, ntohs(netshort)) }
}

/// [`WSAHtonl`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsahtonl):
/// [`htonl`] for the socket's provider, written to `*lpnetlong`; errors as [`WSAHtons`].
///
/// # Safety
/// `lpnetlong` must be NULL or valid for writes of a `u32`.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAHtonl(s: SOCKET, hostlong: u32, lpnetlong: *mut u32) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { convert_for_socket(s, lpnetlong, htonl(hostlong)) }
}

/// [`WSANtohl`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsantohl):
/// [`ntohl`] for the socket's provider, written to `*lphostlong`; errors as [`WSAHtons`].
///
/// # Safety
/// `lphostlong` must be NULL or valid for writes of a `u32`.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSANtohl(s: SOCKET, netlong: u32, lphostlong: *mut u32) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { convert_for_socket(s, lphostlong, ntohl(netlong)) }
}
