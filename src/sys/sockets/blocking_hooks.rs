//! The Winsock 1.1 blocking-hook calls, as Winsock 2.2 answers them
//! ([`crate::choices::BLOCKING_HOOKS`]).
//!
//! Their pages say they "have been removed in compliance with the Windows Sockets 2
//! specification, revision 2.2.0": Winsock 1.1 applications are served by WINSOCK.DLL and
//! WSOCK32.DLL, which the emulator is not. So `WSACancelBlockingCall`,
//! `WSASetBlockingHook` and `WSAUnhookBlockingHook` fail with `WSAEOPNOTSUPP` (after the
//! `WSANOTINITIALISED` check every call makes), and `WSAIsBlocking` is `FALSE`: a thread
//! that can call it is not inside a hookable blocking call.
use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::{FALSE, FARPROC};
use windows_sys::Win32::Networking::WinSock::SOCKET_ERROR;

use crate::error::Error;
use crate::model::current::with_current;
use crate::sys::last_error::record;

/// The error the three removed calls record: `WSANOTINITIALISED` before `WSAStartup`,
/// else `WSAEOPNOTSUPP`.
fn removed() -> Error {
    match with_current(|table| table.require_startup()) {
        Err(error) => error,
        Ok(()) => Error::OperationNotSupported,
    }
}

/// [`WSACancelBlockingCall`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsacancelblockingcall):
/// removed in Winsock 2.2: `SOCKET_ERROR` with `WSAEOPNOTSUPP` (or `WSANOTINITIALISED`).
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSACancelBlockingCall() -> i32 {
    record(removed());
    SOCKET_ERROR
}

/// [`WSAUnhookBlockingHook`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaunhookblockinghook):
/// removed in Winsock 2.2: `SOCKET_ERROR` with `WSAEOPNOTSUPP` (or `WSANOTINITIALISED`).
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAUnhookBlockingHook() -> i32 {
    record(removed());
    SOCKET_ERROR
}

/// [`WSASetBlockingHook`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsasetblockinghook):
/// removed in Winsock 2.2: NULL with `WSAEOPNOTSUPP` (or `WSANOTINITIALISED`). The hook is
/// never called.
///
/// # Safety
/// None needed (`lpblockfunc` is never called); declared `unsafe extern "system"` to match
/// windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSASetBlockingHook(lpblockfunc: FARPROC) -> FARPROC {
    let _never_called = lpblockfunc;
    record(removed());
    None
}

/// [`WSAIsBlocking`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaisblocking):
/// whether this thread is inside a Winsock 1.1 blocking call: always `FALSE`, as Winsock 2.2
/// has no blocking hooks in which the question could be asked.
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAIsBlocking() -> BOOL {
    FALSE
}
