//! `setsockopt`/`getsockopt` of the options the blocking-call cases set and read, on the
//! real Winsock only (the emulator's backend reaches the model's options directly, as its
//! `sys` face for them lives with `getsockopt`/`setsockopt`).

use windows_sys::Win32::Networking::WinSock::{
    getsockopt, setsockopt, SOCKET, SOL_SOCKET, SO_ERROR, SO_RCVTIMEO,
};

use super::{last_error, Winsock};
use crate::backend::CallResult;

/// `setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &milliseconds, 4)`.
pub(crate) fn set_receive_timeout(api: &Winsock, s: SOCKET, milliseconds: u32) -> CallResult {
    let value = milliseconds.to_ne_bytes();
    // SAFETY: `value` is 4 readable bytes for the whole call.
    let rc = unsafe { setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, value.as_ptr(), 4) };
    last_error::int_result(api, rc)
}

/// `getsockopt(s, SOL_SOCKET, SO_ERROR, &value, &len)`: the value.
pub(crate) fn socket_error(api: &Winsock, s: SOCKET) -> CallResult<i32> {
    let mut value = [0u8; 4];
    let mut len = 4i32;
    // SAFETY: `value` is 4 writable bytes and `len` a writable i32 for the whole call.
    let rc = unsafe { getsockopt(s, SOL_SOCKET, SO_ERROR, value.as_mut_ptr(), &mut len) };
    last_error::int_result(api, rc).map(|()| i32::from_ne_bytes(value))
}
