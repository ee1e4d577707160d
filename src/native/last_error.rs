//! `WSAGetLastError` and `WSASetLastError`, and the failure conventions built on them.
use windows_sys::Win32::Networking::WinSock::{INVALID_SOCKET, SOCKET, SOCKET_ERROR};

use super::Winsock;
use crate::backend::{CallResult, Code};

/// `WSAGetLastError()`.
pub(crate) fn get(api: &Winsock) -> i32 {
    // SAFETY: takes no arguments and reads only thread-local state.
    unsafe { (api.get_last_error)() }
}

/// `WSASetLastError(code)`.
pub(crate) fn set(api: &Winsock, code: i32) {
    // SAFETY: takes a plain integer and writes only thread-local state.
    unsafe { (api.set_last_error)(code) }
}

/// The `int` convention: 0 is success, `SOCKET_ERROR` means "ask `WSAGetLastError`".
pub(crate) fn int_result(api: &Winsock, rc: i32) -> CallResult {
    if rc == SOCKET_ERROR {
        Err(Code(get(api)))
    } else {
        Ok(())
    }
}

/// The `SOCKET` convention: a handle, or `INVALID_SOCKET` meaning "ask `WSAGetLastError`".
pub(crate) fn socket_result(api: &Winsock, s: SOCKET) -> CallResult<SOCKET> {
    if s == INVALID_SOCKET {
        Err(Code(get(api)))
    } else {
        Ok(s)
    }
}
