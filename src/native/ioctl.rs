//! `WSAIoctl`, synchronous, with an input buffer and an output buffer of length 0.
use std::ptr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use super::peer_name::{pointer, raw_buffer};
use super::{last_error, Winsock};
use crate::backend::{Buffer, CallResult};

/// `WSAIoctl(s, code, input, len, spare, 0, &returned, NULL, NULL)`: the bytes returned.
pub(crate) fn ioctl(api: &Winsock, s: SOCKET, code: u32, input: Buffer<'_>) -> CallResult<u32> {
    let (storage, len) = raw_buffer(input);
    let mut returned = 0u32;
    // No output buffer is given: its length is 0. The pointer is not NULL but a spare,
    // writable area of a few pointers, so a Winsock that writes an extension pointer
    // without checking the length (Wine 8.0 does, dlls/ws2_32/socket.c) writes there and
    // not through NULL or into this frame.
    let mut spare = [0usize; 4];
    // SAFETY: the input pointer is NULL or points at `len` readable bytes that outlive the
    // call; the output pointer is `spare`, live and writable for its whole size, given with
    // length 0; `returned` is a live, writable u32.
    let rc = unsafe {
        (api.ioctl)(
            s,
            code,
            pointer(&storage),
            len,
            spare.as_mut_ptr().cast(),
            0,
            &mut returned,
            ptr::null_mut(),
            None,
        )
    };
    last_error::int_result(api, rc).map(|()| returned)
}
