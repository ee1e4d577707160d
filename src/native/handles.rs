//! `CloseHandle`, with the failure read through `GetLastError`.
use windows_sys::Win32::Foundation::FALSE;

use super::Winsock;
use crate::backend::{CallResult, Code};

/// `CloseHandle(handle)`: `Err` with `GetLastError()` when it returns `FALSE`.
pub(crate) fn close(api: &Winsock, handle: u64) -> CallResult {
    let handle = std::ptr::without_provenance_mut(handle as usize);
    // SAFETY: the handle is a plain number; CloseHandle never dereferences it in this
    // process's memory.
    if unsafe { (api.close_handle)(handle) } == FALSE {
        // SAFETY: takes no arguments and reads only thread-local state.
        return Err(Code(unsafe { (api.get_last_win32_error)() } as i32));
    }
    Ok(())
}
