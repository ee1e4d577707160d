//! `WSAEventSelect` and `WSAEnumNetworkEvents`: network events through an event object.
//! The record and its rules are the model's (`model/readiness/network_events.rs`).
use windows_sys::Win32::Networking::WinSock::{SOCKET, WSAEVENT, WSANETWORKEVENTS};

use crate::model::current::with_current;
use crate::rules::readiness as rules;
use crate::sys::last_error::int_result;
use crate::sys::sets;

/// [`WSAEventSelect`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaeventselect):
/// records the `FD_*` events of `lnetworkevents` on `s` and sets `heventobject` when one
/// is recorded (0 cancels the selection; `heventobject` is then ignored). The socket becomes
/// non-blocking, whatever the mask, and `ioctlsocket(FIONBIO)` with 0 then fails with
/// `WSAEINVAL` until the selection is cancelled. The re-enabling rules are the page's
/// (see `model/readiness/network_events.rs`); an accepted socket inherits the listener's
/// selection.
///
/// Errors: `WSANOTINITIALISED`, `WSAENOTSOCK`, `WSAEINVAL`
/// ([`crate::choices::EVENT_SELECT_ARGUMENTS`]).
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAEventSelect(
    s: SOCKET,
    heventobject: WSAEVENT,
    lnetworkevents: i32,
) -> i32 {
    int_result(with_current(|table| {
        table.event_select(s, heventobject, lnetworkevents)
    }))
}

/// [`WSAEnumNetworkEvents`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaenumnetworkevents):
/// copies the selected events recorded on `s` to `lpnetworkevents` (`lNetworkEvents`, and
/// `iErrorCode` for those events only), clears them and resets `heventobject` (optional),
/// in one step. `FD_CONNECT` carries the connect's error, `FD_CLOSE` 0 for a graceful close
/// and `WSAECONNABORTED` after a reset ([`crate::choices::FD_CLOSE_AFTER_RESET`]).
///
/// Errors: `WSANOTINITIALISED`, `WSAENOTSOCK`, `WSAEFAULT` (NULL `lpnetworkevents`),
/// `WSAEINVAL` (an `heventobject` that names no event); a failed call clears and resets
/// nothing.
///
/// # Safety
/// `lpnetworkevents` must be NULL or valid for writes of a `WSANETWORKEVENTS`.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAEnumNetworkEvents(
    s: SOCKET,
    heventobject: WSAEVENT,
    lpnetworkevents: *mut WSANETWORKEVENTS,
) -> i32 {
    int_result(with_current(|table| {
        table.with_socket(s, |_| Ok(()))?;
        rules::network_events_present(lpnetworkevents.is_null())?;
        let reset = (heventobject != 0).then_some(heventobject);
        let found = table.enum_network_events(s, reset)?;
        // SAFETY: non-NULL, writable as promised.
        unsafe { sets::write_network_events(lpnetworkevents, found.events, &found.errors) };
        Ok(())
    }))
}
