//! `WSAQuerySocketSecurity`, `WSAImpersonateSocketPeer` and `WSARevertImpersonation`.
use std::ptr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use super::peer_name::{pointer, raw_buffer};
use super::{last_error, Winsock};
use crate::backend::{Buffer, CallResult, Queried};

/// The byte every info buffer is filled with before the call, so what the callee wrote
/// (and what it left alone) shows.
pub(crate) const UNWRITTEN: u8 = 0xAB;

/// `WSAQuerySocketSecurity(s, template, template_len, info, &len, NULL, NULL)`.
///
/// `info_len` is the value `*SecurityQueryInfoLen` holds before the call (`None`: the
/// pointer is NULL). With `info_buffer`, *SecurityQueryInfo* points at a buffer of exactly
/// `info_len` bytes (0 without a length), filled with [`UNWRITTEN`]; without, it is NULL.
/// The buffer is never smaller than the length the callee is told, so it cannot be overrun.
pub(crate) fn query(
    api: &Winsock,
    s: SOCKET,
    template: Buffer<'_>,
    info_buffer: bool,
    info_len: Option<u32>,
) -> Queried {
    let (template_storage, template_len) = raw_buffer(template);
    let size = info_len.unwrap_or(0) as usize;
    let fill = u64::from_ne_bytes([UNWRITTEN; 8]);
    // At least one word, so even a 0-byte buffer is a real allocation, never a dangling pointer.
    let mut info: Option<Vec<u64>> = info_buffer.then(|| vec![fill; size.div_ceil(8).max(1)]);
    let info_ptr = info
        .as_mut()
        .map_or(ptr::null_mut(), |words| words.as_mut_ptr().cast());
    let mut len = info_len.unwrap_or(0);
    let len_ptr: *mut u32 = if info_len.is_some() {
        &mut len
    } else {
        ptr::null_mut()
    };
    // SAFETY: the template pointer is NULL or points at `template_len` readable bytes; the
    // info pointer is NULL or points at 8-aligned writable storage of at least `*len_ptr`
    // bytes; `len_ptr` is NULL or a live, writable u32; all outlive the call, which is
    // synchronous (no OVERLAPPED).
    let rc = unsafe {
        (api.query_security)(
            s,
            pointer(&template_storage),
            template_len,
            info_ptr,
            len_ptr,
            ptr::null(),
            None,
        )
    };
    let result = last_error::int_result(api, rc);
    Queried {
        result,
        info: info.map(|words| {
            words
                .iter()
                .flat_map(|word| word.to_ne_bytes())
                .take(size)
                .collect()
        }),
        info_len: info_len.map(|_| len),
    }
}

/// `WSAImpersonateSocketPeer(s, addr, len)`.
pub(crate) fn impersonate(api: &Winsock, s: SOCKET, addr: Buffer<'_>) -> CallResult {
    let (storage, len) = raw_buffer(addr);
    // SAFETY: the pointer is NULL or points at `len` readable bytes that outlive the call.
    let rc = unsafe { (api.impersonate_peer)(s, pointer(&storage), len) };
    last_error::int_result(api, rc)
}

/// `WSARevertImpersonation()`.
pub(crate) fn revert(api: &Winsock) -> CallResult {
    // SAFETY: takes no arguments.
    let rc = unsafe { (api.revert_impersonation)() };
    last_error::int_result(api, rc)
}
