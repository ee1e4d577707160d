//! Overlapped calls that complete at once (the default), through all four entry points:
//! WSASetSocketPeerTargetName, WSADeleteSocketPeerTargetName, and WSAIoctl with
//! SIO_SET_PEER_TARGET_NAME / SIO_DELETE_PEER_TARGET_NAME.

mod common;
mod overlapped_support;

use std::ptr;

use common::*;
use overlapped_support::*;
use winsock_emu::sys::*;

#[test]
fn event_completion_signals_the_event_and_reports_through_get_overlapped_result() {
    for call in CALLS {
        let env = env();
        let s = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP); // socket() is overlapped
        let ov = Ov::new(new_event());
        assert_eq!(
            make(call, s, true, ov.ptr(), None),
            completed(call),
            "{call:?}"
        );
        assert_eq!(
            ov.status(),
            (0, 0),
            "Internal = success, InternalHigh = 0 bytes"
        );
        assert!(is_signalled(ov.event()), "{call:?}");
        assert_eq!(overlapped_result(s, &ov, false), SUCCEEDED);
        assert_eq!(
            overlapped_result(s, &ov, true),
            SUCCEEDED,
            "a completed operation never blocks"
        );
        let names = env.net.snapshot().sockets[0].names.len();
        let expected = if matches!(call, Call::SetName | Call::IoctlSet) {
            1
        } else {
            0
        };
        assert_eq!(names, expected, "{call:?} took effect");
        assert_eq!(alertable_poll(), 0, "nothing queued for event completion");
        unsafe { WSACloseEvent(ov.event() as WSAEVENT) };
    }
}

#[test]
fn starting_an_operation_resets_its_event_before_completing_it() {
    let _env = env();
    let s = raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    let ov = Ov::new(new_event());
    unsafe { WSASetEvent(ov.event() as WSAEVENT) };
    // Completed at once, so signalled again; a deferred call shows the reset (see
    // overlapped_deferred.rs).
    assert_eq!(
        make(Call::SetName, s, true, ov.ptr(), None),
        completed(Call::SetName)
    );
    assert!(is_signalled(ov.event()));
}

#[test]
fn routine_is_queued_and_runs_only_in_an_alertable_wait_exactly_once() {
    for call in CALLS {
        let _env = env();
        let s = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        let event = new_event();
        let ov = Ov::new(event);
        assert_eq!(
            make(call, s, true, ov.ptr(), Some(record)),
            completed(call),
            "{call:?}"
        );
        assert_eq!(ov.status(), (0, 0));
        assert!(!is_signalled(event), "with a routine, hEvent is ignored");
        assert_eq!(
            unsafe { SleepEx(0, FALSE) },
            0,
            "a wait that is not alertable runs nothing"
        );
        assert_eq!(
            unsafe { WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE) },
            WSA_WAIT_TIMEOUT
        );
        assert!(
            take_records().is_empty(),
            "{call:?}: ran outside an alertable wait"
        );
        assert_eq!(alertable_poll(), WAIT_IO_COMPLETION);
        assert_eq!(
            take_records(),
            [(0, 0, ov.ptr() as usize, 0)],
            "{call:?}: dwError, cbTransferred, lpOverlapped, dwFlags"
        );
        assert_eq!(alertable_poll(), 0, "exactly once");
        assert!(take_records().is_empty());
        unsafe { WSACloseEvent(event as WSAEVENT) };
    }
}

#[test]
fn wsa_wait_for_multiple_events_alertable_runs_the_routine() {
    let _env = env();
    let s = raw_socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    let event = new_event();
    let ov = Ov::new(ptr::null_mut());
    let name = winsock_emu::PeerTargetName::new("[::]:0".parse().unwrap(), "host/v6").to_bytes();
    let rc = unsafe {
        WSASetSocketPeerTargetName(
            s,
            name.as_ptr().cast(),
            name.len() as u32,
            ov.ptr(),
            Some(record),
        )
    };
    assert_eq!(rc, 0);
    assert_eq!(
        unsafe { WSAWaitForMultipleEvents(1, &event, FALSE, WSA_INFINITE, TRUE) },
        WSA_WAIT_IO_COMPLETION as u32
    );
    assert_eq!(take_records(), [(0, 0, ov.ptr() as usize, 0)]);
    unsafe { WSACloseEvent(event as WSAEVENT) };
}

#[test]
fn errors_found_before_the_operation_starts_return_at_once_and_queue_nothing() {
    for call in CALLS {
        let env = env();
        let s = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        let signalled = new_event();
        unsafe { WSASetEvent(signalled as WSAEVENT) };
        let with_event = Ov::new(signalled);
        let with_routine = Ov::new(ptr::null_mut());
        for (ov, routine) in [(&with_event, None), (&with_routine, Some(record as _))] {
            let before = env.net.snapshot();
            let outcome = make(call, s, false, ov.ptr(), routine);
            assert_eq!(
                outcome,
                Outcome {
                    rc: SOCKET_ERROR,
                    error: WSAEFAULT,
                    returned: SENTINEL
                },
                "{call:?}"
            );
            assert_eq!(env.net.snapshot(), before);
            assert_eq!(
                ov.status(),
                (0x5e47, 0x5e47),
                "{call:?}: the OVERLAPPED is untouched"
            );
            let closed = 0x7777_0000;
            assert_eq!(
                make(call, closed, true, ov.ptr(), routine).error,
                WSAENOTSOCK
            );
        }
        assert!(is_signalled(signalled), "the event is not reset");
        assert_eq!(alertable_poll(), 0, "no routine was queued");
        assert!(take_records().is_empty());
        assert!(env.net.pending_operations().is_empty());
        unsafe { WSACloseEvent(signalled as WSAEVENT) };
    }
}

#[test]
fn non_overlapped_sockets_ignore_both_arguments() {
    for call in CALLS {
        let _env = env();
        let s = raw_socket_non_overlapped(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        let event = new_event();
        let ov = Ov::new(event);
        // "This parameter is ignored for non-overlapped sockets."
        for routine in [None, Some(record as _)] {
            assert_eq!(
                make(call, s, true, ov.ptr(), routine),
                completed(call),
                "{call:?}"
            );
            assert_eq!(
                make(call, s, true, ptr::null_mut(), routine),
                completed(call),
                "{call:?}"
            );
        }
        assert_eq!(
            ov.status(),
            (0x5e47, 0x5e47),
            "{call:?}: the OVERLAPPED is untouched"
        );
        assert!(!is_signalled(event));
        assert_eq!(alertable_poll(), 0);
        assert!(take_records().is_empty());
        unsafe { WSACloseEvent(event as WSAEVENT) };
    }
}

#[test]
fn overlapped_sockets_without_overlapped_arguments_run_synchronously() {
    for call in CALLS {
        let _env = env();
        let s = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assert_eq!(
            make(call, s, true, ptr::null_mut(), None),
            completed(call),
            "{call:?}"
        );
        assert_eq!(alertable_poll(), 0);
    }
}

#[test]
fn choice_routine_without_overlapped_is_synchronous_and_ignored() {
    for call in CALLS {
        let env = env();
        env.net.defer_overlapped(1);
        let s = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assert_eq!(
            make(call, s, true, ptr::null_mut(), Some(record)),
            completed(call),
            "{call:?}"
        );
        assert_eq!(alertable_poll(), 0);
        assert!(take_records().is_empty());
        assert!(
            env.net.pending_operations().is_empty(),
            "nothing was deferred"
        );
    }
}

/// A routine that re-enters the API: it names the socket stored in `hEvent` (free for the
/// caller's use when a routine is given), then starts another overlapped call whose own
/// routine is queued and runs in the same alertable wait.
unsafe extern "system" fn reenter(error: u32, _: u32, overlapped: *mut OVERLAPPED, _: u32) {
    assert_eq!(error, 0);
    let s = unsafe { (*overlapped).hEvent } as SOCKET;
    let name =
        winsock_emu::PeerTargetName::new(PEER.parse().unwrap(), "host/from-routine").to_bytes();
    let rc = unsafe {
        WSASetSocketPeerTargetName(
            s,
            name.as_ptr().cast(),
            name.len() as u32,
            ptr::null(),
            None,
        )
    };
    assert_eq!(rc, 0, "a synchronous call from a routine");
    assert_eq!(
        make(Call::IoctlDelete, s, true, overlapped, Some(record)),
        completed(Call::IoctlDelete)
    );
}

#[test]
fn a_routine_may_reenter_the_api() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    let ov = Ov::new(s as HANDLE);
    assert_eq!(
        make(Call::SetName, s, true, ov.ptr(), Some(reenter)),
        completed(Call::SetName)
    );
    assert_eq!(alertable_poll(), WAIT_IO_COMPLETION);
    assert_eq!(
        take_records(),
        [(0, 0, ov.ptr() as usize, 0)],
        "the routine queued by the routine ran too"
    );
    assert!(
        env.net.snapshot().sockets[0].names.is_empty(),
        "set, named again, then deleted"
    );
    assert_eq!(alertable_poll(), 0);
}

#[test]
fn routines_run_on_the_thread_that_made_the_call() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    let ov = Ov::new(ptr::null_mut());
    assert_eq!(
        make(Call::SetName, s, true, ov.ptr(), Some(record)),
        completed(Call::SetName)
    );
    let net = env.net.clone();
    let other = std::thread::spawn(move || {
        let _current = net.enter();
        (alertable_poll(), take_records())
    })
    .join()
    .unwrap();
    assert_eq!(
        other,
        (0, vec![]),
        "another thread's alertable wait does not run it"
    );
    assert_eq!(alertable_poll(), WAIT_IO_COMPLETION);
    assert_eq!(take_records().len(), 1);
}
