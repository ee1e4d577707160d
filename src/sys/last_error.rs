//! The thread-local last error: `WSAGetLastError` and `WSASetLastError`, and
//! `GetLastError` and `SetLastError`, which read and write the same value, as on Windows.
//!
//! On Windows `WSAGetLastError` is the thread's last error, the value Rust's
//! `io::Error::last_os_error()` reads, so the Windows idiom
//! `if rc == SOCKET_ERROR { return Err(io::Error::last_os_error()) }` carries the Winsock
//! code. Every error recorded here (and every `WSASetLastError`) also sets the OS's value
//! for the thread: Windows' last error, or on Linux and macOS (where std reads `errno`)
//! the thread's `errno`, to the same number, so the
//! idiom gives the Winsock code there too (its `kind()` is then the host's reading of
//! that number, uncategorized: see [`crate::Error::from_io`]).
use std::cell::Cell;

use windows_sys::Win32::Foundation::WIN32_ERROR;

use windows_sys::Win32::Networking::WinSock::{INVALID_SOCKET, SOCKET, SOCKET_ERROR, WSA_ERROR};

use crate::error::Error;
use crate::model::sync::thread_local;

thread_local! {
    /// This thread's last Winsock error, as `WSAGetLastError` reports it.
    static LAST_ERROR: Cell<i32> = const { Cell::new(0) };
}

/// [`WSAGetLastError`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-wsagetlasterror):
/// the error code of this thread's last failed Winsock call. Successful calls leave it as
/// it was, as on Windows.
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
///     let rc = closesocket(0x1234); // no such socket
///     assert_eq!((rc, WSAGetLastError()), (SOCKET_ERROR, WSAENOTSOCK));
///     WSACleanup();
/// }
/// ```
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAGetLastError() -> WSA_ERROR {
    LAST_ERROR.with(Cell::get)
}

/// [`WSASetLastError`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-wsasetlasterror):
/// sets this thread's last error, which `WSAGetLastError` then returns.
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSASetLastError(ierror: i32) {
    set(ierror);
}

/// Sets the thread's last error, and the OS's (`errno`, or Windows' `SetLastError`).
fn set(code: i32) {
    LAST_ERROR.with(|cell| cell.set(code));
    set_errno(code);
}

/// Sets the calling thread's `errno` to `code`.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn set_errno(code: i32) {
    // SAFETY: `__errno_location` returns a valid pointer to this thread's `errno`.
    unsafe { *libc::__errno_location() = code };
}

/// Sets the calling thread's `errno` to `code`.
#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
fn set_errno(code: i32) {
    // SAFETY: `__error` returns a valid pointer to this thread's `errno`.
    unsafe { *libc::__error() = code };
}

/// On Windows the thread's last error is what `io::Error::last_os_error()` reads.
#[cfg(windows)]
fn set_errno(code: i32) {
    // SAFETY: `SetLastError` only stores the value for the calling thread.
    unsafe { windows_sys::Win32::Foundation::SetLastError(code as u32) };
}

/// Other systems have no `errno` this crate knows how to reach.
#[cfg(not(any(
    windows,
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd"
)))]
fn set_errno(_code: i32) {}

/// [`GetLastError`](https://learn.microsoft.com/windows/win32/api/errhandlingapi/nf-errhandlingapi-getlasterror):
/// this thread's last-error code. On Windows `WSAGetLastError` reads this same per-thread
/// value, so after a failed Winsock call both return its code, and after a failed
/// [`super::CloseHandle`] both return `ERROR_INVALID_HANDLE`.
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn GetLastError() -> WIN32_ERROR {
    LAST_ERROR.with(Cell::get) as WIN32_ERROR
}

/// [`SetLastError`](https://learn.microsoft.com/windows/win32/api/errhandlingapi/nf-errhandlingapi-setlasterror):
/// sets this thread's last-error code, which `GetLastError` and `WSAGetLastError` then
/// return.
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn SetLastError(dwerrcode: WIN32_ERROR) {
    set(dwerrcode as i32);
}

/// Records `error` as the thread's last error.
pub(super) fn record(error: Error) {
    set(error.code());
}

/// The `int`-returning convention: 0 on success, `SOCKET_ERROR` with the last error set.
pub(super) fn int_result(result: crate::Result<()>) -> i32 {
    match result {
        Ok(()) => 0,
        Err(error) => {
            record(error);
            SOCKET_ERROR
        }
    }
}

/// The `SOCKET`-returning convention: the handle, or `INVALID_SOCKET` with the last error set.
pub(super) fn socket_result(result: crate::Result<SOCKET>) -> SOCKET {
    result.unwrap_or_else(|error| {
        record(error);
        INVALID_SOCKET
    })
}

/// Records a raw code (one that is no [`Error`], such as an NTSTATUS Windows leaves in the
/// last error) as the thread's last error.
pub(super) fn record_code(code: i32) {
    LAST_ERROR.with(|cell| cell.set(code));
}
