//! `WSAIoctl`, synchronous, with an input buffer and no output buffer.
use std::ptr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use super::peer_name::{pointer, raw_buffer};
use super::{last_error, Winsock};
use crate::backend::{Buffer, CallResult};

/// `WSAIoctl(s, code, input, len, NULL, 0, &returned, NULL, NULL)`: the bytes returned.
pub(crate) fn ioctl(api: &Winsock, s: SOCKET, code: u32, input: Buffer<'_>) -> CallResult<u32> {
    let (storage, len) = raw_buffer(input);
    let mut returned = 0u32;
    // SAFETY: the input pointer is NULL or points at `len` readable bytes that outlive the
    // call; no output buffer is given (NULL, 0); `returned` is a live, writable u32.
    let rc = unsafe {
        (api.ioctl)(
            s,
            code,
            pointer(&storage),
            len,
            ptr::null_mut(),
            0,
            &mut returned,
            ptr::null_mut(),
            None,
        )
    };
    last_error::int_result(api, rc).map(|()| returned)
}
