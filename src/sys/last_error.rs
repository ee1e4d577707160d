//! The thread-local last error: `WSAGetLastError` and `WSASetLastError`.
use std::cell::Cell;

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
    LAST_ERROR.with(|cell| cell.set(ierror));
}

/// Records `error` as the thread's last error.
pub(super) fn record(error: Error) {
    LAST_ERROR.with(|cell| cell.set(error.code()));
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
