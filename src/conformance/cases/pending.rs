//! Overlapped operations that pend (docs/rules.md O4-O8): `WSA_IO_PENDING`,
//! `WSA_IO_INCOMPLETE`, `WSAGetOverlappedResult` with *fWait* TRUE, a failure after the
//! start, and the abort when the socket is closed.
//!
//! Each scenario asks the backend to make its next overlapped operation pend, through the
//! backend's [`Deferral`](crate::backend::Deferral). The emulator has one; real Windows
//! completes these calls at once and has none, so there these cases are not applicable
//! (`n/a`), neither passed nor failed.
#![forbid(unsafe_code)]

use std::thread;
use std::time::Duration;

use windows_sys::Win32::Networking::WinSock::{
    SIO_SET_PEER_TARGET_NAME, SOCKET, WSAENOBUFS, WSAEVENT, WSA_IO_INCOMPLETE, WSA_IO_PENDING,
    WSA_OPERATION_ABORTED, WSA_WAIT_EVENT_0, WSA_WAIT_IO_COMPLETION, WSA_WAIT_TIMEOUT,
};

use super::name;
use crate::backend::{Buffer, CallResult, Code, Completion, Deferral, Overlapped};
use crate::conformance::session::Session;
use crate::conformance::{check_value, Case, Stopped};

/// `WSAIoctl(SIO_SET_PEER_TARGET_NAME)` on `socket` completing through `completion`.
fn overlapped_set(
    s: &Session<'_>,
    socket: SOCKET,
    completion: Completion,
) -> (Overlapped, CallResult) {
    let bytes = name("192.0.2.10:500", "host/peer.contoso.com");
    s.backend().ioctl_overlapped(
        socket,
        SIO_SET_PEER_TARGET_NAME,
        Buffer::Bytes(&bytes),
        completion,
    )
}

/// `WSAWaitForMultipleEvents` on `event` with no wait, as a number (-1: it failed).
fn poll(s: &Session<'_>, event: WSAEVENT, alertable: bool) -> i64 {
    s.backend()
        .wait_for_event(event, 0, alertable)
        .map_or(-1, i64::from)
}

/// 1 for true, 0 for false, for [`check_value`].
fn flag(value: bool) -> i64 {
    i64::from(value)
}

/// An overlapped `WSAIoctl(SIO_SET_PEER_TARGET_NAME)` on `socket` that the backend makes
/// pend: its `OVERLAPPED`, once the call returned `WSA_IO_PENDING` and one more operation
/// pends. Should the start not pend, the case fails with the start's result and the value
/// that differed (the call under test is then never made).
fn start_pending(
    s: &Session<'_>,
    deferral: &dyn Deferral,
    socket: SOCKET,
    completion: Completion,
) -> Result<Overlapped, Stopped> {
    let before = deferral.pending() as i64;
    deferral.defer_overlapped(1);
    let (overlapped, started) = overlapped_set(s, socket, completion);
    let pended = flag(started == Err(Code(WSA_IO_PENDING)));
    check_value(
        started,
        "the deferred call returned WSA_IO_PENDING (1: yes)",
        1,
        pended,
    )?;
    check_value(
        started,
        "operations pending",
        before + 1,
        deferral.pending() as i64,
    )?;
    Ok(overlapped)
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "pending-call-returns-io-pending",
        rule: "a started call that pends returns SOCKET_ERROR with WSA_IO_PENDING; starting resets hEvent, completing signals it",
        docs: &["O4"],
        checks: &[],
        choice: Some("deferred-completion"),
        source: "WSAIoctl: Return value, WSA_IO_PENDING; Remarks (overlapped completion through hEvent)",
        expected: Err(Code(WSA_IO_PENDING)),
        scenario: |s| {
            let deferral = s.deferral()?;
            s.startup()?;
            let udp = s.udp4()?;
            let event = s.event()?;
            let (_, at_once) = overlapped_set(s, udp, Completion::Event(event));
            let signalled = poll(s, event, false);
            check_value(at_once, "hEvent after a call completed at once", WSA_WAIT_EVENT_0.into(), signalled)?;
            deferral.defer_overlapped(1);
            let (_, result) = overlapped_set(s, udp, Completion::Event(event));
            let reset = poll(s, event, false);
            check_value(result, "hEvent once the operation started", WSA_WAIT_TIMEOUT.into(), reset)?;
            check_value(result, "operations pending", 1, deferral.pending() as i64)?;
            check_value(result, "completed (1: yes)", 1, flag(deferral.complete_oldest(Ok(()))))?;
            let signalled = poll(s, event, false);
            check_value(result, "hEvent once completed", WSA_WAIT_EVENT_0.into(), signalled)?;
            Ok(result)
        },
    },
    Case {
        id: "pending-result-without-wait-is-incomplete",
        rule: "WSAGetOverlappedResult with fWait FALSE on a pending operation is WSA_IO_INCOMPLETE; once completed it succeeds",
        docs: &["O5"],
        checks: &[],
        choice: Some("deferred-completion"),
        source: "WSAGetOverlappedResult: fWait (FALSE), Return value, WSA_IO_INCOMPLETE",
        expected: Err(Code(WSA_IO_INCOMPLETE)),
        scenario: |s| {
            let deferral = s.deferral()?;
            s.startup()?;
            let udp = s.udp4()?;
            let event = s.event()?;
            let overlapped = start_pending(s, deferral, udp, Completion::Event(event))?;
            let result = s.backend().overlapped_result(udp, overlapped, false).map(drop);
            check_value(result, "completed (1: yes)", 1, flag(deferral.complete_oldest(Ok(()))))?;
            let after = s.backend().overlapped_result(udp, overlapped, false);
            check_value(result, "WSAGetOverlappedResult succeeded once completed (1: yes)", 1, flag(after.is_ok()))?;
            Ok(result)
        },
    },
    Case {
        id: "pending-result-with-wait-returns-on-completion",
        rule: "WSAGetOverlappedResult with fWait TRUE on a pending operation returns its result once completed \
               (a helper thread completes it 10 ms after starting; the result is the same whichever comes first)",
        docs: &["O6"],
        checks: &[],
        choice: Some("deferred-completion"),
        source: "WSAGetOverlappedResult: fWait (TRUE: does not return until the operation has been completed)",
        expected: Ok(()),
        scenario: |s| {
            let deferral = s.deferral()?;
            s.startup()?;
            let udp = s.udp4()?;
            let event = s.event()?;
            let overlapped = start_pending(s, deferral, udp, Completion::Event(event))?;
            let (result, completed) = thread::scope(|scope| {
                let completer = scope.spawn(|| {
                    thread::sleep(Duration::from_millis(10));
                    deferral.complete_oldest(Ok(()))
                });
                let result = s.backend().overlapped_result(udp, overlapped, true).map(drop);
                (result, completer.join().unwrap_or(false))
            });
            check_value(result, "completed by the helper thread (1: yes)", 1, flag(completed))?;
            Ok(result)
        },
    },
    Case {
        id: "pending-failure-reported-through-the-overlapped",
        rule: "an operation that fails after it started signals hEvent and WSAGetOverlappedResult reports its error",
        docs: &["O7"],
        checks: &[],
        choice: Some("deferred-completion"),
        source: "WSAIoctl: Remarks (the error code of the overlapped operation); WSAGetOverlappedResult: Return value",
        expected: Err(Code(WSAENOBUFS)),
        scenario: |s| {
            let deferral = s.deferral()?;
            s.startup()?;
            let udp = s.udp4()?;
            let event = s.event()?;
            let overlapped = start_pending(s, deferral, udp, Completion::Event(event))?;
            let failed = deferral.complete_oldest(Err(Code(WSAENOBUFS)));
            let result = s.backend().overlapped_result(udp, overlapped, false).map(drop);
            check_value(result, "failed by the backend (1: yes)", 1, flag(failed))?;
            let signalled = poll(s, event, false);
            check_value(result, "hEvent once failed", WSA_WAIT_EVENT_0.into(), signalled)?;
            Ok(result)
        },
    },
    Case {
        id: "pending-operation-aborted-by-close",
        rule: "closing a socket completes its pending operation as aborted: its routine runs in the next alertable wait with that dwError",
        docs: &["O8"],
        checks: &[],
        choice: Some("deferred-completion"),
        source: "closesocket: Remarks (pending overlapped operations are canceled); WSAIoctl: Remarks (completion routine dwError)",
        expected: Err(Code(WSA_OPERATION_ABORTED)),
        scenario: |s| {
            let deferral = s.deferral()?;
            s.startup()?;
            let udp = s.udp4()?;
            let idle = s.event()?;
            start_pending(s, deferral, udp, Completion::Routine)?;
            let before = s.backend().routines_run();
            s.close(udp)?;
            let closed: CallResult = Ok(());
            check_value(closed, "operations pending after the close", 0, deferral.pending() as i64)?;
            let woke = poll(s, idle, true);
            check_value(closed, "alertable WSAWaitForMultipleEvents", WSA_WAIT_IO_COMPLETION.into(), woke)?;
            let ran = i64::from(s.backend().routines_run() - before);
            check_value(closed, "routine runs", 1, ran)?;
            // The routine ran once (checked above), so its dwError is there.
            Ok(match s.backend().last_routine_error() {
                Some(0) | None => Ok(()),
                Some(error) => Err(Code(error as i32)),
            })
        },
    },
];
