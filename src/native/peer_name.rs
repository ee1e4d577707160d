//! `WSASetSocketPeerTargetName` and `WSADeleteSocketPeerTargetName`.
use std::ptr;

use windows_sys::Win32::Networking::WinSock::SOCKET;
use windows_sys::Win32::System::IO::OVERLAPPED;

use super::{aligned, last_error, Winsock};
use crate::backend::{Buffer, CallResult};

/// A buffer argument as a pointer and a declared length: NULL stays NULL, bytes are
/// copied into aligned storage (returned, to be kept alive across the call).
pub(super) fn raw_buffer(buffer: Buffer<'_>) -> (Option<Vec<u64>>, u32) {
    match buffer {
        Buffer::Null { len } => (None, len),
        Buffer::Bytes(bytes) => (
            Some(aligned(bytes)),
            u32::try_from(bytes.len()).unwrap_or(u32::MAX),
        ),
    }
}

/// A pointer to the storage, or NULL.
pub(super) fn pointer<T>(storage: &Option<Vec<u64>>) -> *const T {
    storage
        .as_ref()
        .map_or(ptr::null(), |words| words.as_ptr().cast())
}

/// `WSASetSocketPeerTargetName(s, name, len, NULL, NULL)`.
pub(crate) fn set(api: &Winsock, s: SOCKET, name: Buffer<'_>) -> CallResult {
    let (storage, len) = raw_buffer(name);
    // SAFETY: the pointer is NULL or points at `len` readable bytes (the whole copied
    // buffer; `u32::MAX` only if the buffer is larger, so never more than it holds), and
    // the storage outlives the call.
    let rc = unsafe { (api.set_peer_target_name)(s, pointer(&storage), len, ptr::null(), None) };
    last_error::int_result(api, rc)
}

/// `WSASetSocketPeerTargetName(s, name, len, &overlapped, NULL)`, with a zeroed
/// `OVERLAPPED` (no event) that is leaked: were the socket overlapped, the operation could
/// complete after the call returns and write into it, so it must outlive every call. It
/// costs 32 bytes a call, and the suite makes one such call.
pub(crate) fn set_with_overlapped(api: &Winsock, s: SOCKET, name: Buffer<'_>) -> CallResult {
    let (storage, len) = raw_buffer(name);
    let overlapped: &'static mut OVERLAPPED = Box::leak(Box::default());
    // A pointer with write permission, as the operation writes its status through it
    // (`&mut` coerced to `*const` would grant only reading).
    let overlapped: *mut OVERLAPPED = overlapped;
    // SAFETY: as in `set`; `overlapped` is valid, writable and never freed.
    let rc = unsafe { (api.set_peer_target_name)(s, pointer(&storage), len, overlapped, None) };
    last_error::int_result(api, rc)
}

/// `WSADeleteSocketPeerTargetName(s, addr, len, NULL, NULL)`.
pub(crate) fn delete(api: &Winsock, s: SOCKET, addr: Buffer<'_>) -> CallResult {
    let (storage, len) = raw_buffer(addr);
    // SAFETY: as in `set`.
    let rc = unsafe { (api.delete_peer_target_name)(s, pointer(&storage), len, ptr::null(), None) };
    last_error::int_result(api, rc)
}
