//! `socket`, `WSASocketW` and `closesocket`.
use std::ptr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use super::{last_error, Winsock};
use crate::backend::CallResult;

/// `socket(af, type, protocol)`.
pub(crate) fn socket(
    api: &Winsock,
    af: u16,
    socket_type: i32,
    protocol: i32,
) -> CallResult<SOCKET> {
    // SAFETY: plain integers only.
    let s = unsafe { (api.socket)(i32::from(af), socket_type, protocol) };
    last_error::socket_result(api, s)
}

/// `WSASocketW(af, type, protocol, NULL, 0, flags)`.
pub(crate) fn wsa_socket(
    api: &Winsock,
    af: u16,
    socket_type: i32,
    protocol: i32,
    flags: u32,
) -> CallResult<SOCKET> {
    // SAFETY: a NULL protocol-info pointer is allowed by the prototype; the rest are integers.
    let s =
        unsafe { (api.wsa_socket_w)(i32::from(af), socket_type, protocol, ptr::null(), 0, flags) };
    last_error::socket_result(api, s)
}

/// `closesocket(s)`.
pub(crate) fn close(api: &Winsock, s: SOCKET) -> CallResult {
    // SAFETY: a plain handle; a handle that names no socket is an error, not UB.
    let rc = unsafe { (api.closesocket)(s) };
    last_error::int_result(api, rc)
}
