//! `WSAStartup` and `WSACleanup`.
use windows_sys::Win32::Networking::WinSock::WSADATA;

use crate::error::Error;
use crate::model::current::with_current;
use crate::sys::last_error::int_result;
use crate::sys::memory;

/// `WSADATA::szDescription`, as Windows fills it.
const DESCRIPTION: &[u8] = b"WinSock 2.0";
/// `WSADATA::szSystemStatus`, as Windows fills it.
const SYSTEM_STATUS: &[u8] = b"Running";

/// Copies `text` into a C string field, NUL-terminated.
fn c_string<const N: usize>(text: &[u8]) -> [i8; N] {
    let mut out = [0i8; N];
    for (slot, &byte) in out.iter_mut().zip(text.iter().take(N - 1)) {
        *slot = byte as i8;
    }
    out
}

/// [`WSAStartup`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-wsastartup):
/// counts one more user of the current network and fills `*lpwsadata`.
///
/// Returns 0, or the error code itself (WSAStartup does not set the last error):
/// `WSAEFAULT` for a NULL `lpwsadata`, `WSAVERNOTSUPPORTED` below version 1.0
/// ([`crate::choices::STARTUP_VERSIONS`]). On failure `*lpwsadata` is not written.
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
///     assert_eq!(data.wVersion, 0x0202);
///     assert_eq!(WSAStartup(0x0000, &mut data), WSAVERNOTSUPPORTED); // below 1.0
///     WSACleanup();
/// }
/// ```
///
/// # Safety
/// `lpwsadata` must be NULL or valid for writes of a `WSADATA`.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAStartup(wversionrequested: u16, lpwsadata: *mut WSADATA) -> i32 {
    if lpwsadata.is_null() {
        return Error::Fault.code();
    }
    match with_current(|table| table.startup(wversionrequested)) {
        Ok(version) => {
            let data = WSADATA {
                wVersion: version,
                wHighVersion: crate::model::HIGHEST_VERSION,
                szDescription: c_string(DESCRIPTION),
                szSystemStatus: c_string(SYSTEM_STATUS),
                ..WSADATA::default()
            };
            // SAFETY: non-NULL, and the caller promises room for a WSADATA.
            unsafe { memory::write(lpwsadata, data) };
            0
        }
        Err(error) => error.code(),
    }
}

/// [`WSACleanup`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-wsacleanup):
/// one user fewer; the last one closes every socket of the network
/// ([`crate::choices::CLEANUP_CLOSES_SOCKETS`]). `WSANOTINITIALISED` when there was no user.
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
///     assert_eq!(WSACleanup(), 0);
///     assert_eq!((WSACleanup(), WSAGetLastError()), (SOCKET_ERROR, WSANOTINITIALISED));
///     assert_eq!(WSAStartup(0x0202, &mut data), 0);
///     WSACleanup();
/// }
/// ```
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSACleanup() -> i32 {
    int_result(with_current(|table| table.cleanup()))
}
