//! `CreateIoCompletionPort`, `PostQueuedCompletionStatus`, `GetQueuedCompletionStatus`,
//! `CancelIoEx` and `SetFileCompletionNotificationModes`, each failure read with
//! `GetLastError` (they are Win32 calls, not Winsock ones).
use std::ptr;

use windows_sys::Win32::Foundation::{FALSE, INVALID_HANDLE_VALUE};
use windows_sys::Win32::Networking::WinSock::SOCKET;
use windows_sys::Win32::System::IO::OVERLAPPED;

use super::Winsock;
use crate::backend::{CallResult, Code, Dequeued, Overlapped, Packet};

/// `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS`, `SetFileCompletionNotificationModes`'s flag (in
/// windows-sys's `Win32::Storage::FileSystem`, which the crate does not otherwise need).
const FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: u8 = 1;

/// The thread's `GetLastError()`, as a failure.
fn failed(api: &Winsock) -> Code {
    // SAFETY: takes no arguments and reads only thread-local state.
    Code(unsafe { (api.get_last_win32_error)() } as i32)
}

/// `CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0)`: a new port.
pub(crate) fn create(api: &Winsock) -> CallResult<u64> {
    // SAFETY: plain handle values; nothing is dereferenced.
    let port =
        unsafe { (api.create_io_completion_port)(INVALID_HANDLE_VALUE, ptr::null_mut(), 0, 0) };
    if port.is_null() {
        return Err(failed(api));
    }
    Ok(port.addr() as u64)
}

/// `CreateIoCompletionPort(s, port, key, 0)`: the port it returns.
pub(crate) fn associate(api: &Winsock, s: SOCKET, port: u64, key: usize) -> CallResult<u64> {
    let file = ptr::without_provenance_mut(s);
    let existing = ptr::without_provenance_mut(port as usize);
    // SAFETY: plain handle values; nothing is dereferenced.
    let got = unsafe { (api.create_io_completion_port)(file, existing, key, 0) };
    if got.is_null() {
        return Err(failed(api));
    }
    Ok(got.addr() as u64)
}

/// `PostQueuedCompletionStatus(port, bytes, key, overlapped)`, `overlapped` an address
/// that is carried, never dereferenced.
pub(crate) fn post(
    api: &Winsock,
    port: u64,
    bytes: u32,
    key: usize,
    overlapped: usize,
) -> CallResult {
    let port = ptr::without_provenance_mut(port as usize);
    let overlapped = ptr::without_provenance::<OVERLAPPED>(overlapped);
    // SAFETY: the pointer is never dereferenced by the call (the page: it need not point
    // to an OVERLAPPED).
    if unsafe { (api.post_queued_completion_status)(port, bytes, key, overlapped) } == FALSE {
        return Err(failed(api));
    }
    Ok(())
}

/// Preset to the bytes and key outputs, to see whether a failed dequeue wrote them.
const SENTINEL: u32 = 0xdead_beef;

/// `GetQueuedCompletionStatus(port, &bytes, &key, &overlapped, milliseconds)`, the outputs
/// preset to sentinels: the packet, or the failure (and what it left in the outputs).
pub(crate) fn dequeue(api: &Winsock, port: u64, milliseconds: u32) -> Dequeued {
    let port = ptr::without_provenance_mut(port as usize);
    let (mut bytes, mut key) = (SENTINEL, SENTINEL as usize);
    let mut overlapped = ptr::without_provenance_mut::<OVERLAPPED>(SENTINEL as usize);
    // SAFETY: the three outputs are live locals of the types the call writes.
    let ok = unsafe {
        (api.get_queued_completion_status)(
            port,
            &mut bytes,
            &mut key,
            &mut overlapped,
            milliseconds,
        )
    };
    let packet = Packet {
        bytes,
        key,
        overlapped: overlapped.addr(),
    };
    let result = if ok == FALSE {
        Err(failed(api))
    } else {
        Ok(())
    };
    Dequeued {
        result,
        packet,
        untouched: bytes == SENTINEL && key == SENTINEL as usize,
    }
}

/// `CancelIoEx(s, overlapped)` (`None`: NULL, every operation of `s`).
pub(crate) fn cancel_io_ex(api: &Winsock, s: SOCKET, overlapped: Option<Overlapped>) -> CallResult {
    let file = ptr::without_provenance_mut(s);
    let overlapped =
        overlapped.map_or(ptr::null(), |overlapped| overlapped.0.as_ptr().cast_const());
    // SAFETY: the OVERLAPPED, when given, was leaked by the calling layer, so valid for the
    // whole process; the call only compares it with the pending operations'.
    if unsafe { (api.cancel_io_ex)(file, overlapped) } == FALSE {
        return Err(failed(api));
    }
    Ok(())
}

/// `SetFileCompletionNotificationModes(s, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS)`.
pub(crate) fn skip_on_success(api: &Winsock, s: SOCKET) -> CallResult {
    let file = ptr::without_provenance_mut(s);
    // SAFETY: a plain handle value and flags; nothing is dereferenced.
    let ok = unsafe {
        (api.set_file_completion_notification_modes)(file, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS)
    };
    if ok == FALSE {
        return Err(failed(api));
    }
    Ok(())
}
