//! The thread-local last error: `WSAGetLastError` and `WSASetLastError`.
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

use windows_sys::Win32::Networking::WinSock::{INVALID_SOCKET, SOCKET, SOCKET_ERROR, WSA_ERROR};

use crate::error::Error;

thread_local! {
    /// This thread's last Winsock error, as `WSAGetLastError` reports it.
    static LAST_ERROR: Cell<i32> = const { Cell::new(0) };
}

/// [`WSAGetLastError`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-wsagetlasterror):
/// the error code of this thread's last failed Winsock call. Successful calls leave it as
/// it was, as on Windows.
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
