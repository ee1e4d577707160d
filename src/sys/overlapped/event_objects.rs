//! Event objects and waits: `WSACreateEvent`, `WSACloseEvent`, `WSASetEvent`,
//! `WSAResetEvent`, `WSAWaitForMultipleEvents`, and kernel32's `SleepEx`.
//!
//! Events are process-wide ([`crate::choices::EVENTS_ARE_PROCESS_WIDE`]) and their
//! handles never equal a socket handle. Alertable waits run the completion routines queued
//! to the calling thread (see `overlapped.rs`).
use std::time::Duration;

use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::{FALSE, HANDLE, TRUE, WAIT_EVENT, WAIT_IO_COMPLETION};
use windows_sys::Win32::Networking::WinSock::{
    WSAEVENT, WSA_INFINITE, WSA_INVALID_EVENT, WSA_MAXIMUM_WAIT_EVENTS, WSA_WAIT_EVENT_0,
    WSA_WAIT_FAILED, WSA_WAIT_IO_COMPLETION, WSA_WAIT_TIMEOUT,
};

use crate::error::{Error, Result};
use crate::model::current::with_current;
use crate::model::events::{self, Wait, WaitFor};
use crate::sys::last_error::record;
use crate::sys::memory;

/// The `BOOL` convention of the event functions: `TRUE`, or `FALSE` with the last error set.
fn bool_result(result: Result<()>) -> BOOL {
    match result {
        Ok(()) => TRUE,
        Err(error) => {
            record(error);
            FALSE
        }
    }
}

/// Checks `WSANOTINITIALISED` on the thread's current network, which every event
/// function's page lists.
fn require_startup() -> Result<()> {
    with_current(|table| table.require_startup())
}

/// A timeout in milliseconds; `WSA_INFINITE` (`INFINITE`) is `None`.
fn timeout(milliseconds: u32) -> Option<Duration> {
    (milliseconds != WSA_INFINITE).then(|| Duration::from_millis(milliseconds.into()))
}

/// [`WSACreateEvent`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsacreateevent):
/// a new manual-reset event, not signalled. Returns `WSA_INVALID_EVENT` with the last error
/// set on failure (`WSANOTINITIALISED`, `WSA_NOT_ENOUGH_MEMORY`).
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSACreateEvent() -> WSAEVENT {
    require_startup()
        .and_then(|()| events::create())
        .unwrap_or_else(|error| {
            record(error);
            WSA_INVALID_EVENT
        })
}

/// [`WSACloseEvent`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsacloseevent):
/// frees the event. A handle that is no event (a socket handle, say) is `FALSE` with
/// `WSA_INVALID_HANDLE`.
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSACloseEvent(hevent: WSAEVENT) -> BOOL {
    bool_result(require_startup().and_then(|()| events::close(hevent)))
}

/// [`WSASetEvent`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsasetevent):
/// signals the event, waking its waiters. `WSA_INVALID_HANDLE` for a handle that is no event.
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSASetEvent(hevent: WSAEVENT) -> BOOL {
    bool_result(require_startup().and_then(|()| events::set_state(hevent, true)))
}

/// [`WSAResetEvent`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaresetevent):
/// makes the event non-signalled. `WSA_INVALID_HANDLE` for a handle that is no event.
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAResetEvent(hevent: WSAEVENT) -> BOOL {
    bool_result(require_startup().and_then(|()| events::set_state(hevent, false)))
}

/// [`WSAWaitForMultipleEvents`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsawaitformultipleevents):
/// waits until one (`fwaitall` FALSE) or all of the events are signalled, the timeout (in
/// milliseconds, `WSA_INFINITE` for none) passes, or, if `falertable`, completion routines
/// queued to this thread run.
///
/// Returns `WSA_WAIT_EVENT_0 + i` (the lowest signalled index; 0 when all are),
/// `WSA_WAIT_TIMEOUT`, `WSA_WAIT_IO_COMPLETION`, or `WSA_WAIT_FAILED` with the last error:
/// `WSANOTINITIALISED`; `WSA_INVALID_PARAMETER` for no events, more than
/// `WSA_MAXIMUM_WAIT_EVENTS`, a NULL array or a handle twice; `WSA_INVALID_HANDLE` for a
/// handle that is no event ([`crate::choices::WAIT_ARGUMENTS`]). Signalled events win over
/// queued routines ([`crate::choices::SIGNALLED_EVENTS_WIN`]).
///
/// # Safety
/// `lphevents` must be NULL or valid for reads of `cevents` handles.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAWaitForMultipleEvents(
    cevents: u32,
    lphevents: *const HANDLE,
    fwaitall: BOOL,
    dwtimeout: u32,
    falertable: BOOL,
) -> WAIT_EVENT {
    let outcome = require_startup().and_then(|()| {
        if cevents == 0 || cevents > WSA_MAXIMUM_WAIT_EVENTS || lphevents.is_null() {
            return Err(Error::InvalidParameter);
        }
        // SAFETY: non-NULL, and the caller promises `cevents` handles.
        let handles: Vec<WSAEVENT> = unsafe { memory::handles(lphevents, cevents as usize) }
            .into_iter()
            .map(|h| h as WSAEVENT)
            .collect();
        if handles
            .iter()
            .enumerate()
            .any(|(i, h)| handles[..i].contains(h))
        {
            return Err(Error::InvalidParameter);
        }
        events::wait(WaitFor {
            events: &handles,
            all: fwaitall != FALSE,
            timeout: timeout(dwtimeout),
            alertable: falertable != FALSE,
        })
    });
    match outcome {
        Ok(Wait::Signalled(index)) => WSA_WAIT_EVENT_0 as u32 + index as u32,
        Ok(Wait::Timeout) => WSA_WAIT_TIMEOUT,
        Ok(Wait::IoCompletion) => WSA_WAIT_IO_COMPLETION as u32,
        Err(error) => {
            record(error);
            WSA_WAIT_FAILED
        }
    }
}

/// [`SleepEx`](https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-sleepex):
/// sleeps `dwmilliseconds` (`INFINITE`: forever). If `balertable`, completion routines
/// queued to this thread end the sleep early: they all run and `SleepEx` returns
/// `WAIT_IO_COMPLETION`; otherwise it returns 0. `SleepEx(0, TRUE)` runs whatever is
/// queued and returns at once.
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn SleepEx(dwmilliseconds: u32, balertable: BOOL) -> u32 {
    let request = WaitFor {
        events: &[],
        all: false,
        timeout: timeout(dwmilliseconds),
        alertable: balertable != FALSE,
    };
    match events::wait(request) {
        Ok(Wait::IoCompletion) => WAIT_IO_COMPLETION,
        // With no events a wait can only time out or run routines.
        Ok(Wait::Signalled(_) | Wait::Timeout) | Err(_) => 0,
    }
}
