//! `WSAStartup` and `WSACleanup`.
use windows_sys::Win32::Networking::WinSock::WSADATA;

use super::{last_error, Winsock};
use crate::backend::{CallResult, Code};

/// `WSAStartup(version, &data)`: the version granted, or the code WSAStartup returns
/// (it reports failures by its return value, not through `WSAGetLastError`).
pub(crate) fn startup(api: &Winsock, version: u16) -> CallResult<u16> {
    let mut data = WSADATA::default();
    // SAFETY: `data` is a live, writable WSADATA for the whole call.
    let rc = unsafe { (api.startup)(version, &mut data) };
    if rc == 0 {
        Ok(data.wVersion)
    } else {
        Err(Code(rc))
    }
}

/// `WSACleanup()`.
pub(crate) fn cleanup(api: &Winsock) -> CallResult {
    // SAFETY: takes no arguments.
    let rc = unsafe { (api.cleanup)() };
    last_error::int_result(api, rc)
}
