//! `CloseHandle`: one entry point for every kind of handle the emulator hands out,
//! dispatched on the handle's value ([`crate::choices::CLOSE_HANDLE_KINDS`]).
//!
//! Sockets, events, access tokens and completion ports are numbered in disjoint residues
//! modulo 4
//! (`model/sockets/handles.rs`), so the value alone says which registry owns it. A new kind of
//! handle adds one arm here and one residue there.
use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::{FALSE, HANDLE, TRUE};

use crate::error::{Error, Result};
use crate::model::current::with_current;
use crate::model::handles::{kind_of, HandleKind};
use crate::model::{completion, events, tokens};
use crate::sys::last_error::record;

/// [`CloseHandle`](https://learn.microsoft.com/windows/win32/api/handleapi/nf-handleapi-closehandle):
/// closes an open object handle. Returns `TRUE`, or `FALSE` with the thread's last error
/// (read by `GetLastError`, and by `WSAGetLastError`, which reads the same value) set to
/// `ERROR_INVALID_HANDLE` when `hobject` names no open object of the emulator:
///
/// - an access token from `WSAQuerySocketSecurity` is closed, exactly once;
/// - an event object from `WSACreateEvent` is closed, as by `WSACloseEvent`;
/// - a socket of the thread's current network is closed, as by `closesocket`;
/// - a completion port is closed: threads waiting on it wake with `ERROR_ABANDONED_WAIT_0`.
///
/// # Safety
/// None needed (the handle is a number, never dereferenced); declared `unsafe extern
/// "system"` to match windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn CloseHandle(hobject: HANDLE) -> BOOL {
    match close(hobject.addr()) {
        Ok(()) => TRUE,
        Err(error) => {
            record(error);
            FALSE
        }
    }
}

/// Closes whatever `value` names.
fn close(value: usize) -> Result<()> {
    match kind_of(value) {
        HandleKind::Token => tokens::close(value),
        HandleKind::Event => {
            let event = isize::try_from(value).map_err(|_| Error::InvalidHandle)?;
            events::close(event)
        }
        HandleKind::Socket => {
            with_current(|table| table.close(value)).map_err(|_| Error::InvalidHandle)
        }
        HandleKind::Port => completion::close(value),
        HandleKind::Other => Err(Error::InvalidHandle),
    }
}

/// Closes the open tokens among `handles` (0: none), as a failed call that opened them
/// must.
pub(in crate::sys) fn close_tokens(handles: &[u64]) {
    for &handle in handles.iter().filter(|&&handle| handle != 0) {
        // A handle the caller could not have seen cannot have been closed by it.
        let _ = tokens::close(handle as usize);
    }
}
