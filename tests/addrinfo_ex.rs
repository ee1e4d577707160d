//! `GetAddrInfoExW`, `FreeAddrInfoExW`, `GetAddrInfoExCancel` and
//! `GetAddrInfoExOverlappedResult` through `sys`, in windows-sys style: the synchronous
//! call as the page's sample makes it, its namespaces and timeout, the asynchronous forms
//! (an event, a completion routine, a cancel) on the network clock with
//! `Fault::slow_lookup`, and strict mode's view of the lists. Every wait is bounded.

mod common;

use std::ptr;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use winsock_emu::sys::*;
use winsock_emu::testing::{Clock, Fault, ADDRINFO_FREED_TWICE, ADDRINFO_NOT_FREED};
use winsock_emu::Network;

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain([0]).collect()
}

/// The families of a list, in order.
unsafe fn families(mut node: *const ADDRINFOEXW) -> Vec<i32> {
    let mut out = Vec::new();
    while !node.is_null() {
        assert!((*node).ai_provider.is_null() && (*node).ai_blob.is_null());
        out.push((*node).ai_family);
        node = (*node).ai_next;
    }
    out
}

/// A synchronous `GetAddrInfoExW(name, service, namespace, hints, timeout)`: the code and
/// the families (the list freed).
fn lookup(
    name: &str,
    namespace: u32,
    hints: Option<ADDRINFOEXW>,
    timeout: Option<TIMEVAL>,
) -> (i32, Vec<i32>) {
    let name = wide(name);
    let service = wide("443");
    let mut result: *mut ADDRINFOEXW = ptr::dangling_mut();
    // SAFETY: valid strings, hints, timeout and out pointer; no asynchronous arguments.
    unsafe {
        let rc = GetAddrInfoExW(
            name.as_ptr(),
            service.as_ptr(),
            namespace,
            ptr::null(),
            hints.as_ref().map_or(ptr::null(), |h| h as *const _),
            &mut result,
            timeout.as_ref().map_or(ptr::null(), |t| t as *const _),
            ptr::null(),
            None,
            ptr::null_mut(),
        );
        assert_eq!(WSAGetLastError(), rc, "the code is also the last error");
        if rc != 0 {
            assert!(result.is_null(), "*ppResult is NULL on failure");
            return (rc, Vec::new());
        }
        let found = families(result);
        FreeAddrInfoExW(result);
        (rc, found)
    }
}

#[test]
fn rule_getaddrinfoexw_synchronous_lookups_and_codes() {
    let env = common::env();
    env.net
        .add_host("server.contoso.com", ["192.0.2.10".parse().unwrap()]);
    let v4 = i32::from(AF_INET);
    let v6 = i32::from(AF_INET6);
    assert_eq!(lookup("localhost", NS_ALL, None, None), (0, vec![v6, v4]));
    assert_eq!(
        lookup("server.contoso.com", NS_DNS, None, None),
        (0, vec![v4])
    );
    let only_v6 = ADDRINFOEXW {
        ai_family: v6,
        ..Default::default()
    };
    assert_eq!(
        lookup("localhost", NS_ALL, Some(only_v6), None),
        (0, vec![v6])
    );
    assert_eq!(
        lookup("nowhere.contoso.com", NS_ALL, None, None).0,
        WSAHOST_NOT_FOUND
    );
    assert_eq!(
        lookup("localhost", NS_NLA, None, None).0,
        WSASERVICE_NOT_FOUND
    );
    let bad_tail = ADDRINFOEXW {
        ai_addrlen: 16,
        ..Default::default()
    };
    assert_eq!(
        lookup("localhost", NS_ALL, Some(bad_tail), None).0,
        WSANO_RECOVERY
    );
    let negative = TIMEVAL {
        tv_sec: -1,
        tv_usec: 0,
    };
    assert_eq!(
        lookup("localhost", NS_ALL, None, Some(negative)).0,
        WSAEINVAL
    );
    let name = wide("localhost");
    // SAFETY: NULL ppResult is refused before anything is read.
    unsafe {
        let rc = GetAddrInfoExW(
            name.as_ptr(),
            ptr::null(),
            NS_ALL,
            ptr::null(),
            ptr::null(),
            ptr::null_mut(),
            ptr::null(),
            ptr::null(),
            None,
            ptr::null_mut(),
        );
        assert_eq!(rc, WSAEFAULT);
    }
    drop(env);
    let net = Network::new();
    let _current = net.enter();
    assert_eq!(lookup("localhost", NS_ALL, None, None).0, WSANOTINITIALISED);
}

#[test]
fn a_timeout_bounds_a_slowed_lookup_on_the_network_clock() {
    let env = common::env();
    env.net.set_clock(Clock::Auto);
    let _slow = env
        .net
        .inject(Fault::slow_lookup("localhost", Duration::from_secs(10)));
    let short = TIMEVAL {
        tv_sec: 2,
        tv_usec: 0,
    };
    let start = env.net.now();
    assert_eq!(
        lookup("localhost", NS_ALL, None, Some(short)).0,
        WSAETIMEDOUT
    );
    assert_eq!(env.net.now() - start, Duration::from_secs(2));
    let long = TIMEVAL {
        tv_sec: 20,
        tv_usec: 0,
    };
    assert_eq!(lookup("localhost", NS_ALL, None, Some(long)).0, 0);
    assert_eq!(lookup("localhost", NS_ALL, None, None).0, 0);
}

/// An `OVERLAPPED` with `hEvent`, boxed so its address stays put.
fn overlapped_with(event: WSAEVENT) -> Box<OVERLAPPED> {
    Box::new(OVERLAPPED {
        hEvent: event as HANDLE,
        ..Default::default()
    })
}

/// Starts an asynchronous lookup of `name`, returning the code and the handle.
///
/// # Safety
/// `overlapped` and `result` must stay valid until the lookup completes.
unsafe fn start(
    name: &[u16],
    result: *mut *mut ADDRINFOEXW,
    overlapped: *mut OVERLAPPED,
    routine: LPLOOKUPSERVICE_COMPLETION_ROUTINE,
) -> (i32, HANDLE) {
    let mut handle: HANDLE = ptr::null_mut();
    let rc = GetAddrInfoExW(
        name.as_ptr(),
        ptr::null(),
        NS_ALL,
        ptr::null(),
        ptr::null(),
        result,
        ptr::null(),
        overlapped,
        routine,
        &mut handle,
    );
    (rc, handle)
}

/// Waits (at most 10 s of real time) for `event`.
fn wait_for(event: WSAEVENT) {
    // SAFETY: one valid event handle.
    let handle = event as HANDLE;
    let rc = unsafe { WSAWaitForMultipleEvents(1, &handle, TRUE, 10_000, FALSE) };
    assert_eq!(rc, WSA_WAIT_EVENT_0 as u32, "the lookup completed");
}

#[test]
fn an_asynchronous_lookup_pends_until_the_network_clock_passes_its_delay() {
    for _ in 0..3 {
        let env = common::env();
        env.net.set_clock(Clock::Manual);
        env.net
            .add_host("server.contoso.com", ["192.0.2.10".parse().unwrap()]);
        let _slow = env.net.inject(Fault::slow_lookup(
            "server.contoso.com",
            Duration::from_secs(5),
        ));
        let name = wide("server.contoso.com");
        // SAFETY: no arguments.
        let event = unsafe { WSACreateEvent() };
        let overlapped = Box::into_raw(overlapped_with(event));
        let result = Box::into_raw(Box::new(ptr::null_mut::<ADDRINFOEXW>()));
        // SAFETY: both boxes live until the completion below.
        unsafe {
            let (rc, handle) = start(&name, result, overlapped, None);
            assert_eq!(rc, WSA_IO_PENDING);
            assert!(!handle.is_null());
            assert_eq!(GetAddrInfoExOverlappedResult(overlapped), WSAEINPROGRESS);
            assert!(
                env.net.wait_until_blocked(1),
                "the lookup waits on the clock"
            );
            env.net.advance(Duration::from_secs(5));
            wait_for(event);
            assert_eq!(GetAddrInfoExOverlappedResult(overlapped), 0);
            assert_eq!((*overlapped).Anonymous.Pointer, result.cast());
            assert_eq!(families(*result), [i32::from(AF_INET)]);
            assert_eq!(
                GetAddrInfoExCancel(&handle),
                WSA_INVALID_HANDLE,
                "completed"
            );
            FreeAddrInfoExW(*result);
            drop(Box::from_raw(result));
            drop(Box::from_raw(overlapped));
            WSACloseEvent(event);
        }
    }
}

#[test]
fn getaddrinfoexcancel_ends_a_lookup_in_flight_with_wsa_e_cancelled() {
    let env = common::env();
    env.net.set_clock(Clock::Manual);
    let _slow = env
        .net
        .inject(Fault::slow_lookup("localhost", Duration::from_secs(60)));
    let name = wide("localhost");
    // SAFETY: as in the test above; the lookup completes (cancelled) before the boxes go.
    unsafe {
        let event = WSACreateEvent();
        let overlapped = Box::into_raw(overlapped_with(event));
        let result = Box::into_raw(Box::new(ptr::dangling_mut::<ADDRINFOEXW>()));
        let (rc, handle) = start(&name, result, overlapped, None);
        assert_eq!(rc, WSA_IO_PENDING);
        assert!(env.net.wait_until_blocked(1));
        assert_eq!(GetAddrInfoExCancel(&handle), 0);
        wait_for(event);
        assert_eq!(GetAddrInfoExOverlappedResult(overlapped), WSA_E_CANCELLED);
        assert!((*result).is_null(), "no list");
        assert_eq!(GetAddrInfoExCancel(&handle), WSA_INVALID_HANDLE);
        assert_eq!(GetAddrInfoExCancel(ptr::null()), WSAEFAULT);
        assert_eq!(GetAddrInfoExOverlappedResult(ptr::null()), WSAEINVAL);
        drop(Box::from_raw(result));
        drop(Box::from_raw(overlapped));
        WSACloseEvent(event);
    }
}

/// What the completion routine saw: its error and the families of the list it freed.
static SEEN: Mutex<Vec<(u32, Vec<i32>)>> = Mutex::new(Vec::new());
static SEEN_CHANGED: Condvar = Condvar::new();

unsafe extern "system" fn routine(error: u32, _bytes: u32, overlapped: *const OVERLAPPED) {
    // `Pointer` holds the call's ppResult.
    let result = (*overlapped).Anonymous.Pointer.cast::<*mut ADDRINFOEXW>();
    let found = families(*result);
    FreeAddrInfoExW(*result); // the routine runs with the network current
    SEEN.lock().unwrap().push((error, found));
    SEEN_CHANGED.notify_all();
}

#[test]
fn a_completion_routine_gets_the_code_and_frees_the_list() {
    let env = common::env();
    let strict = env.net.strict();
    let name = wide("localhost");
    let mut overlapped = Box::new(OVERLAPPED::default()); // hEvent NULL with a routine
    let mut result: Box<*mut ADDRINFOEXW> = Box::new(ptr::null_mut());
    // SAFETY: both boxes live until the routine has run (waited for below).
    unsafe {
        let (rc, _) = start(&name, &mut *result, &mut *overlapped, Some(routine));
        assert_eq!(rc, WSA_IO_PENDING);
    }
    let seen = SEEN.lock().unwrap();
    let (seen, timeout) = SEEN_CHANGED
        .wait_timeout_while(seen, Duration::from_secs(10), |seen| seen.is_empty())
        .unwrap();
    assert!(!timeout.timed_out(), "the routine ran");
    assert_eq!(seen[0], (0, vec![i32::from(AF_INET6), i32::from(AF_INET)]));
    drop(seen);
    assert!(strict.reports().is_empty(), "the routine freed the list");
}

#[test]
fn rule_asynchronous_arguments_are_checked_before_anything_starts() {
    let _env = common::env();
    let name = wide("localhost");
    let mut result: *mut ADDRINFOEXW = ptr::null_mut();
    // SAFETY: every call fails before it starts anything.
    unsafe {
        let rc = GetAddrInfoExW(
            name.as_ptr(),
            ptr::null(),
            NS_ALL,
            ptr::null(),
            ptr::null(),
            &mut result,
            ptr::null(),
            ptr::null(),
            Some(routine),
            ptr::null_mut(),
        );
        assert_eq!(rc, WSAEINVAL, "a routine needs an OVERLAPPED");
        let mut no_event = OVERLAPPED::default();
        assert_eq!(start(&name, &mut result, &mut no_event, None).0, WSAEINVAL);
        let event = WSACreateEvent();
        let mut both = *overlapped_with(event);
        assert_eq!(
            start(&name, &mut result, &mut both, Some(routine)).0,
            WSAEINVAL
        );
        WSACloseEvent(event);
    }
    assert!(SEEN.lock().unwrap().iter().all(|(error, _)| *error == 0));
}

#[test]
fn strict_mode_reports_addrinfoex_lists_freed_twice_of_another_kind_or_never() {
    let env = common::env();
    let strict = env.net.strict();
    let name = wide("localhost");
    // SAFETY: lists handed out by the calls; the bad frees are only compared.
    unsafe {
        let mut list: *mut ADDRINFOEXW = ptr::null_mut();
        let rc = GetAddrInfoExW(
            name.as_ptr(),
            ptr::null(),
            NS_ALL,
            ptr::null(),
            ptr::null(),
            &mut list,
            ptr::null(),
            ptr::null(),
            None,
            ptr::null_mut(),
        );
        assert_eq!(rc, 0);
        FreeAddrInfoW(list.cast()); // the wrong function: ignored
        FreeAddrInfoExW(list);
        FreeAddrInfoExW(list); // twice
        let mut kept: *mut ADDRINFOEXW = ptr::null_mut();
        let rc = GetAddrInfoExW(
            name.as_ptr(),
            ptr::null(),
            NS_ALL,
            ptr::null(),
            ptr::null(),
            &mut kept,
            ptr::null(),
            ptr::null(),
            None,
            ptr::null_mut(),
        );
        assert_eq!(rc, 0);
        let rules: Vec<&str> = strict.reports().iter().map(|r| r.rule.id).collect();
        assert_eq!(
            rules,
            [
                ADDRINFO_FREED_TWICE.id,
                ADDRINFO_FREED_TWICE.id,
                ADDRINFO_NOT_FREED.id
            ]
        );
        FreeAddrInfoExW(kept);
        env.net.take_strict_reports();
    }
}

#[test]
fn the_page_s_sample_runs_in_several_threads_in_a_loop() {
    let env = common::env();
    env.net
        .add_host("www.contoso.com", ["192.0.2.80".parse().unwrap()]);
    let threads: Vec<_> = (0..4)
        .map(|i| {
            env.net.spawn(move || {
                for round in 0..10 {
                    let name = if (i + round) % 2 == 0 {
                        "www.contoso.com"
                    } else {
                        "localhost"
                    };
                    let (rc, found) = lookup(name, NS_ALL, None, None);
                    assert_eq!(rc, 0);
                    assert!(!found.is_empty());
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
}
