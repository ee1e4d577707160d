//! Event objects and waits: WSACreateEvent, WSACloseEvent, WSASetEvent, WSAResetEvent,
//! WSAWaitForMultipleEvents and SleepEx. (Their signatures are checked in signatures.rs.)

mod common;
mod overlapped_support;

use std::ptr;
use std::thread;
use std::time::Duration;

use common::*;
use overlapped_support::*;
use winsock_emu::sys::*;
use winsock_emu::Network;

fn wait(events: &[HANDLE], all: bool, timeout: u32, alertable: bool) -> u32 {
    let flag = |b: bool| if b { TRUE } else { FALSE };
    unsafe {
        WSAWaitForMultipleEvents(
            events.len() as u32,
            events.as_ptr(),
            flag(all),
            timeout,
            flag(alertable),
        )
    }
}

#[test]
fn events_start_unsignalled_and_stay_signalled_until_reset() {
    let _env = env();
    let a = new_event();
    let b = new_event();
    assert_eq!(wait(&[a, b], false, 0, false), WSA_WAIT_TIMEOUT);
    assert_eq!(unsafe { WSASetEvent(b as WSAEVENT) }, TRUE);
    assert_eq!(
        wait(&[a, b], false, 0, false),
        1,
        "WSA_WAIT_EVENT_0 + index"
    );
    assert_eq!(
        wait(&[a, b], false, 0, false),
        1,
        "manual reset: still signalled"
    );
    assert_eq!(wait(&[a, b], true, 0, false), WSA_WAIT_TIMEOUT, "not all");
    assert_eq!(unsafe { WSASetEvent(a as WSAEVENT) }, TRUE);
    assert_eq!(wait(&[a, b], false, 0, false), 0, "the lowest index");
    assert_eq!(wait(&[a, b], true, 0, false), WSA_WAIT_EVENT_0 as u32);
    assert_eq!(unsafe { WSAResetEvent(a as WSAEVENT) }, TRUE);
    assert_eq!(wait(&[a], false, 0, false), WSA_WAIT_TIMEOUT);
    for event in [a, b] {
        assert_eq!(unsafe { WSACloseEvent(event as WSAEVENT) }, TRUE);
    }
    for call in [WSACloseEvent, WSASetEvent, WSAResetEvent] {
        assert_eq!(unsafe { call(a as WSAEVENT) }, FALSE, "a closed event");
        assert_eq!(last_error(), WSA_INVALID_HANDLE);
    }
}

#[test]
fn a_timed_wait_waits_and_a_set_from_another_thread_ends_an_infinite_one() {
    let env = env();
    let event = new_event();
    assert_eq!(wait(&[event], false, 30, true), WSA_WAIT_TIMEOUT);
    let net = env.net.clone();
    let event_value = event as usize;
    let setter = thread::spawn(move || {
        let _current = net.enter();
        thread::sleep(Duration::from_millis(20));
        unsafe { WSASetEvent(event_value as WSAEVENT) }
    });
    assert_eq!(wait(&[event], false, WSA_INFINITE, false), 0);
    assert_eq!(setter.join().unwrap(), TRUE);
}

#[test]
fn sleep_ex_sleeps_and_returns_zero_without_routines() {
    assert_eq!(unsafe { SleepEx(20, TRUE) }, 0);
    assert_eq!(unsafe { SleepEx(0, FALSE) }, 0);
}

#[test]
fn event_functions_need_startup() {
    let net = Network::new();
    let _current = net.enter();
    assert_eq!(unsafe { WSACreateEvent() }, WSA_INVALID_EVENT);
    assert_eq!(last_error(), WSANOTINITIALISED);
    let startup = net.startup().unwrap();
    let event = new_event();
    startup.cleanup().unwrap();
    assert_eq!(unsafe { WSASetEvent(event as WSAEVENT) }, FALSE);
    assert_eq!(last_error(), WSANOTINITIALISED);
    assert_eq!(wait(&[event], false, 0, false), WSA_WAIT_FAILED);
    assert_eq!(last_error(), WSANOTINITIALISED);
}

#[test]
fn choice_events_are_process_wide_across_networks_and_threads() {
    let first = env();
    let event = new_event();
    let value = event as usize;
    // Another thread, entered into another network, uses the same event.
    let other = thread::spawn(move || {
        let _second = env();
        unsafe { WSASetEvent(value as WSAEVENT) }
    });
    assert_eq!(other.join().unwrap(), TRUE);
    assert_eq!(wait(&[event], false, 0, false), 0);
    drop(first);
    let _third = env();
    assert_eq!(
        unsafe { WSACloseEvent(event as WSAEVENT) },
        TRUE,
        "it outlived its network"
    );
}

#[test]
fn choice_event_and_socket_handles_are_never_confused() {
    let _env = env();
    let sockets: Vec<SOCKET> = (0..8).map(|_| raw_socket(AF_INET, SOCK_DGRAM, 0)).collect();
    let events: Vec<HANDLE> = (0..8).map(|_| new_event()).collect();
    for &s in &sockets {
        assert_eq!(
            unsafe { WSASetEvent(s as WSAEVENT) },
            FALSE,
            "a socket is no event"
        );
        assert_eq!(last_error(), WSA_INVALID_HANDLE);
        assert_eq!(wait(&[s as HANDLE], false, 0, false), WSA_WAIT_FAILED);
        assert_eq!(last_error(), WSA_INVALID_HANDLE);
    }
    for &event in &events {
        assert!(!sockets.contains(&(event as SOCKET)));
        assert_eq!(
            unsafe { closesocket(event as SOCKET) },
            SOCKET_ERROR,
            "an event is no socket"
        );
        assert_eq!(last_error(), WSAENOTSOCK);
        assert_eq!(unsafe { WSACloseEvent(event as WSAEVENT) }, TRUE);
    }
    assert_eq!(unsafe { WSACloseEvent(WSA_INVALID_EVENT) }, FALSE);
    assert_eq!(last_error(), WSA_INVALID_HANDLE);
}

#[test]
fn choice_signalled_events_win_over_queued_routines() {
    let _env = env();
    let s = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    let event = new_event();
    let ov = Ov::new(ptr::null_mut());
    assert_eq!(
        make(Call::SetName, s, true, ov.ptr(), Some(record)),
        completed(Call::SetName)
    );
    unsafe { WSASetEvent(event as WSAEVENT) };
    assert_eq!(
        wait(&[event], false, 0, true),
        0,
        "the signalled event ends the wait"
    );
    assert!(take_records().is_empty(), "the routine stays queued");
    unsafe { WSAResetEvent(event as WSAEVENT) };
    assert_eq!(
        wait(&[event], false, 0, true),
        WSA_WAIT_IO_COMPLETION as u32,
        "even with a zero timeout"
    );
    assert_eq!(take_records().len(), 1);
    unsafe { WSACloseEvent(event as WSAEVENT) };
}

#[test]
fn choice_wait_arguments_errors() {
    let _env = env();
    let event = new_event();
    let too_many = vec![event; WSA_MAXIMUM_WAIT_EVENTS as usize + 1];
    let cases: [(u32, *const HANDLE); 4] = [
        (0, &event),
        (WSA_MAXIMUM_WAIT_EVENTS + 1, too_many.as_ptr()),
        (1, ptr::null()),
        (2, too_many.as_ptr()),
    ];
    for (count, events) in cases {
        assert_eq!(
            unsafe { WSAWaitForMultipleEvents(count, events, FALSE, 0, FALSE) },
            WSA_WAIT_FAILED
        );
        assert_eq!(last_error(), WSA_INVALID_PARAMETER, "{count} events");
    }
    let all_distinct: Vec<HANDLE> = (0..WSA_MAXIMUM_WAIT_EVENTS).map(|_| new_event()).collect();
    assert_eq!(
        wait(&all_distinct, false, 0, false),
        WSA_WAIT_TIMEOUT,
        "64 events are allowed"
    );
    for event in all_distinct.into_iter().chain([event]) {
        unsafe { WSACloseEvent(event as WSAEVENT) };
    }
}
