//! `WSAIoctl`, synchronous, with an input buffer and an output buffer of length 0; and
//! `SIO_GET_EXTENSION_FUNCTION_POINTER`, as Windows code looks an extension function up.
use std::mem::size_of;
use std::ptr;

use windows_sys::core::GUID;
use windows_sys::Win32::Networking::WinSock::{SIO_GET_EXTENSION_FUNCTION_POINTER, SOCKET};

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

/// The extension function `guid` names on `s`'s provider, typed as its `LPFN_*` (`T`, an
/// `Option` of a function pointer: `None` if the call wrote nothing).
///
/// # Safety
/// `T` must be the `LPFN_*` type of the function `guid` names (an `Option` of an
/// `extern "system"` function pointer with that function's signature): the provider writes
/// that function's address into a `T`, and the caller will call it as a `T`.
pub(crate) unsafe fn extension_function<T: Default>(
    api: &Winsock,
    s: SOCKET,
    guid: GUID,
) -> CallResult<T> {
    let mut function = T::default();
    let mut returned = 0u32;
    // SAFETY: the input is a live GUID of its size; the output a live, writable `T` of its
    // size (a pointer-sized `LPFN_*`); `returned` a live u32; no overlapped arguments.
    let rc = unsafe {
        (api.ioctl)(
            s,
            SIO_GET_EXTENSION_FUNCTION_POINTER,
            (&raw const guid).cast(),
            size_of::<GUID>() as u32,
            (&raw mut function).cast(),
            size_of::<T>() as u32,
            &mut returned,
            ptr::null_mut(),
            None,
        )
    };
    last_error::int_result(api, rc).map(|()| function)
}
