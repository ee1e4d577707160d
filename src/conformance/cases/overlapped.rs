//! Overlapped completion (docs/rules.md O1-O3, O9), whether a socket is overlapped (W4),
//! and `WSASetSocketSecurity`'s overlapped arguments (X7), through `WSAIoctl` with an
//! `OVERLAPPED` the calling layer owns.
//!
//! Each call here completes at once, on both backends. The rows about operations that
//! pend (O4-O8) are in `pending.rs`.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    AF_INET, IPPROTO_UDP, SIO_SET_PEER_TARGET_NAME, SIO_SET_SECURITY, SOCKET, SOCK_DGRAM, WSAEVENT,
    WSA_INVALID_HANDLE, WSA_WAIT_EVENT_0, WSA_WAIT_IO_COMPLETION, WSA_WAIT_TIMEOUT,
};

use super::name;
use crate::backend::{Buffer, CallResult, Code, Completion};
use crate::conformance::session::Session;
use crate::conformance::{check_value, Case, Observed};

/// `WSAIoctl(SIO_SET_PEER_TARGET_NAME)` on `socket` completing through `completion`.
fn overlapped_set(
    s: &Session<'_>,
    socket: SOCKET,
    completion: Completion,
) -> (CallResult, crate::backend::Overlapped) {
    let bytes = name("192.0.2.10:500", "host/peer.contoso.com");
    let (overlapped, result) = s.backend().ioctl_overlapped(
        socket,
        SIO_SET_PEER_TARGET_NAME,
        Buffer::Bytes(&bytes),
        completion,
    );
    (result, overlapped)
}

/// `WSAWaitForMultipleEvents` on `event` with no wait, as a number (-1: it failed).
fn poll(s: &Session<'_>, event: WSAEVENT, alertable: bool) -> i64 {
    s.backend()
        .wait_for_event(event, 0, alertable)
        .map_or(-1, i64::from)
}

/// A routine-completed call on `socket`: checks the routine has not run before an
/// alertable wait, then that the wait gives `wait_gives` and the routine ran `runs` times.
fn routine_call(s: &mut Session<'_>, socket: SOCKET, wait_gives: u32, runs: u32) -> Observed {
    let idle = s.event()?;
    let before = s.backend().routines_run();
    let (result, _) = overlapped_set(s, socket, Completion::Routine);
    let ran = |s: &Session<'_>| i64::from(s.backend().routines_run() - before);
    check_value(result, "routine runs before an alertable wait", 0, ran(s))?;
    let woke = poll(s, idle, true);
    check_value(
        result,
        "alertable WSAWaitForMultipleEvents",
        wait_gives.into(),
        woke,
    )?;
    check_value(result, "routine runs", runs.into(), ran(s))?;
    Ok(result)
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "overlapped-socket-without-overlapped-arguments",
        rule: "with lpOverlapped and lpCompletionRoutine NULL, an overlapped socket completes the call synchronously",
        docs: &["O1"],
        checks: &[],
        choice: None,
        source: "WSAIoctl: Remarks (both NULL: treated as a non-overlapped socket)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            let bytes = name("192.0.2.10:500", "host/peer.contoso.com");
            Ok(s.backend().ioctl(udp, SIO_SET_PEER_TARGET_NAME, Buffer::Bytes(&bytes)).map(drop))
        },
    },
    Case {
        id: "overlapped-event-completion",
        rule: "completed at once: 0, hEvent signalled, WSAGetOverlappedResult reports success",
        docs: &["O2"],
        checks: &[],
        choice: None,
        source: "WSAIoctl: Remarks (overlapped completion through hEvent); WSAGetOverlappedResult",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            let event = s.event()?;
            let (result, overlapped) = overlapped_set(s, udp, Completion::Event(event));
            let signalled = poll(s, event, false);
            check_value(result, "WSAWaitForMultipleEvents", i64::from(WSA_WAIT_EVENT_0), signalled)?;
            let got = s.backend().overlapped_result(udp, overlapped, false);
            check_value(result, "WSAGetOverlappedResult succeeded (1: yes)", 1, i64::from(got.is_ok()))?;
            Ok(result)
        },
    },
    Case {
        id: "overlapped-routine-runs-in-alertable-wait",
        rule: "with a routine, it runs only in an alertable wait of the calling thread, once",
        docs: &["O3"],
        checks: &[],
        choice: None,
        source: "WSAIoctl: Remarks (completion routine, alertable wait state); WSAWaitForMultipleEvents",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            routine_call(s, udp, WSA_WAIT_IO_COMPLETION as u32, 1)
        },
    },
    Case {
        id: "overlapped-invalid-event-handle",
        rule: "a closed event handle is refused: WSA_INVALID_HANDLE",
        docs: &["O9"],
        checks: &[],
        choice: None,
        source: "WSAWaitForMultipleEvents: Return value, WSA_INVALID_HANDLE",
        expected: Err(Code(WSA_INVALID_HANDLE)),
        scenario: |s| {
            s.startup()?;
            let event = s.event()?;
            s.close_event(event)?;
            Ok(s.backend().wait_for_event(event, 0, false).map(drop))
        },
    },
    Case {
        id: "overlapped-arguments-ignored-without-the-flag",
        rule: "WSASocketW without WSA_FLAG_OVERLAPPED makes a non-overlapped socket: the routine is never queued",
        docs: &["W4"],
        checks: &[],
        choice: None,
        source: "WSASocketW: dwFlags (WSA_FLAG_OVERLAPPED); WSAIoctl: Remarks",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let udp = s.wsa_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP, 0)?;
            routine_call(s, udp, WSA_WAIT_TIMEOUT, 0)
        },
    },
    Case {
        id: "overlapped-set-security-completes-through-the-event",
        rule: "an overlapped WSASetSocketSecurity completes through the OVERLAPPED's event",
        docs: &["X7"],
        checks: &[],
        choice: None,
        source: "WSASetSocketSecurity: lpOverlapped; WSAIoctl: Remarks",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            let event = s.event()?;
            let defaults = [0u8; 8];
            let (_, result) = s.backend().ioctl_overlapped(
                tcp,
                SIO_SET_SECURITY,
                Buffer::Bytes(&defaults),
                Completion::Event(event),
            );
            let signalled = poll(s, event, false);
            check_value(result, "WSAWaitForMultipleEvents", i64::from(WSA_WAIT_EVENT_0), signalled)?;
            Ok(result)
        },
    },
];
