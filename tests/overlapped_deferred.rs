//! Overlapped calls a test makes pend (WSA_IO_PENDING) and completes later: successfully,
//! with an error, or by closing the socket (WSA_OPERATION_ABORTED); WSAGetOverlappedResult
//! on each; many threads with their own pending calls.

mod common;
mod overlapped_support;

use std::ptr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use overlapped_support::*;
use winsock_emu::sys::*;
use winsock_emu::{Domain, Error, Network, Type};

const STATUS_PENDING: usize = 0x103;

#[test]
fn deferred_success_signals_the_event_later() {
    for call in CALLS {
        let env = env();
        let s = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        let ov = Ov::new(new_event());
        unsafe { WSASetEvent(ov.event() as WSAEVENT) };
        env.net.defer_overlapped(1);
        assert_eq!(
            make(call, s, true, ov.ptr(), None),
            PENDING,
            "{call:?}: lpcbBytesReturned untouched"
        );
        assert!(
            !is_signalled(ov.event()),
            "starting the operation reset the event"
        );
        assert_eq!(overlapped_result(s, &ov, false), failed(WSA_IO_INCOMPLETE));
        let pending = env.net.pending_operations();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].socket(), s);
        assert!(pending[0].complete());
        assert!(is_signalled(ov.event()));
        assert_eq!(overlapped_result(s, &ov, false), SUCCEEDED);
        assert!(!pending[0].complete(), "an operation completes once");
        assert!(
            !pending[0].fail(Error::NoBufferSpace),
            "an operation completes once"
        );
        assert_eq!(overlapped_result(s, &ov, false), SUCCEEDED);
        assert!(env.net.pending_operations().is_empty());
        assert_eq!(
            make(call, s, true, ov.ptr(), None),
            completed(call),
            "the next call completes at once again"
        );
        unsafe { WSACloseEvent(ov.event() as WSAEVENT) };
    }
}

#[test]
fn deferred_failure_reports_the_chosen_error() {
    for call in CALLS {
        let env = env();
        let s = raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        let with_event = Ov::new(new_event());
        let with_routine = Ov::new(ptr::null_mut());
        env.net.defer_overlapped(2);
        assert_eq!(make(call, s, true, with_event.ptr(), None), PENDING);
        assert_eq!(
            make(call, s, true, with_routine.ptr(), Some(record)),
            PENDING
        );
        for operation in env.net.pending_operations() {
            assert!(operation.fail(Error::NoBufferSpace));
        }
        assert!(is_signalled(with_event.event()));
        assert_eq!(
            overlapped_result(s, &with_event, false),
            failed(WSAENOBUFS),
            "{call:?}"
        );
        assert_eq!(alertable_poll(), WAIT_IO_COMPLETION);
        assert_eq!(
            take_records(),
            [(WSAENOBUFS as u32, 0, with_routine.ptr() as usize, 0)],
            "{call:?}"
        );
        unsafe { WSACloseEvent(with_event.event() as WSAEVENT) };
    }
}

#[test]
fn pending_routine_runs_only_after_completion_in_an_alertable_wait() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    let ov = Ov::new(ptr::null_mut());
    env.net.defer_overlapped(1);
    assert_eq!(
        make(Call::SetName, s, true, ov.ptr(), Some(record)),
        PENDING
    );
    assert_eq!(alertable_poll(), 0, "nothing to run while pending");
    env.net.pending_operations()[0].complete();
    assert!(
        take_records().is_empty(),
        "completion queues the routine; it does not run it"
    );
    assert_eq!(alertable_poll(), WAIT_IO_COMPLETION);
    assert_eq!(take_records(), [(0, 0, ov.ptr() as usize, 0)]);
}

#[test]
fn choice_overlapped_status_fields_track_the_operation() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    let ov = Ov::new(new_event());
    env.net.defer_overlapped(2);
    assert_eq!(make(Call::SetName, s, true, ov.ptr(), None), PENDING);
    assert_eq!(
        ov.status(),
        (STATUS_PENDING, 0),
        "HasOverlappedIoCompleted is false"
    );
    env.net.pending_operations()[0].complete();
    assert_eq!(ov.status(), (0, 0));
    assert_eq!(make(Call::SetName, s, true, ov.ptr(), None), PENDING);
    env.net.pending_operations()[0].fail(Error::NotConnected);
    assert_eq!(ov.status(), (WSAENOTCONN as usize, 0));
    unsafe { WSACloseEvent(ov.event() as WSAEVENT) };
}

#[test]
fn get_overlapped_result_with_wait_blocks_until_another_thread_completes() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    let ov = Ov::new(new_event());
    env.net.defer_overlapped(1);
    assert_eq!(make(Call::IoctlSet, s, true, ov.ptr(), None), PENDING);
    let net = env.net.clone();
    let completer = thread::spawn(move || {
        thread::sleep(Duration::from_millis(20));
        net.pending_operations()[0].complete()
    });
    assert_eq!(overlapped_result(s, &ov, true), SUCCEEDED);
    assert!(completer.join().unwrap());
    unsafe { WSACloseEvent(ov.event() as WSAEVENT) };
}

#[test]
fn get_overlapped_result_argument_errors() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    let ov = Ov::new(0x7777_0002 as HANDLE); // not an event
    env.net.defer_overlapped(1);
    assert_eq!(make(Call::SetName, s, true, ov.ptr(), None), PENDING);
    assert_eq!(
        overlapped_result(s, &ov, true),
        failed(WSA_INVALID_HANDLE),
        "waiting needs an event"
    );
    assert_eq!(
        overlapped_result(0x7777_0000, &ov, false),
        failed(WSAENOTSOCK)
    );
    let (mut bytes, mut flags) = (SENTINEL, SENTINEL);
    for (o, b, f) in [
        (ptr::null(), &raw mut bytes, &raw mut flags),
        (ov.ptr().cast_const(), ptr::null_mut(), &raw mut flags),
        (ov.ptr().cast_const(), &raw mut bytes, ptr::null_mut()),
    ] {
        assert_eq!(unsafe { WSAGetOverlappedResult(s, o, b, FALSE, f) }, FALSE);
        assert_eq!(last_error(), WSAEFAULT);
    }
    assert_eq!((bytes, flags), (SENTINEL, SENTINEL));
    env.net.pending_operations()[0].complete();
    assert_eq!(
        overlapped_result(s, &ov, true),
        SUCCEEDED,
        "no wait needed once complete"
    );
    let net = Network::new();
    let _current = net.enter();
    assert_eq!(overlapped_result(s, &ov, false), failed(WSANOTINITIALISED));
}

#[test]
fn close_with_calls_pending_aborts_them() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    let other = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    let with_event = Ov::new(new_event());
    let with_routine = Ov::new(ptr::null_mut());
    let on_other = Ov::new(new_event());
    env.net.defer_overlapped(3);
    assert_eq!(
        make(Call::SetName, s, true, with_event.ptr(), None),
        PENDING
    );
    assert_eq!(
        make(Call::IoctlDelete, s, true, with_routine.ptr(), Some(record)),
        PENDING
    );
    assert_eq!(
        make(Call::SetName, other, true, on_other.ptr(), None),
        PENDING
    );
    let pending = env.net.pending_operations();
    assert_eq!(unsafe { closesocket(s) }, 0);
    assert!(is_signalled(with_event.event()));
    assert_eq!(with_event.status(), (WSA_OPERATION_ABORTED as usize, 0));
    assert_eq!(
        overlapped_result(s, &with_event, false),
        failed(WSAENOTSOCK),
        "the socket is gone"
    );
    assert_eq!(alertable_poll(), WAIT_IO_COMPLETION);
    assert_eq!(
        take_records(),
        [(
            WSA_OPERATION_ABORTED as u32,
            0,
            with_routine.ptr() as usize,
            0
        )]
    );
    assert!(
        !pending[0].complete() && !pending[1].complete(),
        "already aborted"
    );
    assert!(
        !is_signalled(on_other.event()),
        "another socket's operation still pends"
    );
    assert_eq!(env.net.pending_operations().len(), 1);
    assert!(pending[2].complete());
    assert_eq!(overlapped_result(other, &on_other, false), SUCCEEDED);
    for ov in [&with_event, &on_other] {
        unsafe { WSACloseEvent(ov.event() as WSAEVENT) };
    }
}

#[test]
fn dropping_a_safe_socket_and_the_last_cleanup_abort_pending_calls() {
    let net = Network::new();
    let _current = net.enter();
    let startup = net.startup().unwrap();
    let socket = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    let kept = raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    let first = Ov::new(new_event());
    let second = Ov::new(new_event());
    net.defer_overlapped(2);
    assert_eq!(
        make(Call::SetName, socket.as_raw(), true, first.ptr(), None),
        PENDING
    );
    assert_eq!(make(Call::SetName, kept, true, second.ptr(), None), PENDING);
    drop(socket);
    assert_eq!(first.status().0, WSA_OPERATION_ABORTED as usize);
    assert_eq!(second.status().0, STATUS_PENDING);
    startup.cleanup().unwrap();
    assert_eq!(
        second.status().0,
        WSA_OPERATION_ABORTED as usize,
        "the last WSACleanup closes every socket"
    );
    assert!(net.pending_operations().is_empty());
    let _again = net.startup().unwrap();
    assert!(is_signalled(second.event()), "events survive WSACleanup");
}

#[test]
fn sleep_ex_infinite_wakes_when_a_routine_is_queued_from_another_thread() {
    let env = env();
    let net = env.net.clone();
    let started = Arc::new(Barrier::new(2));
    let waiter = {
        let started = Arc::clone(&started);
        thread::spawn(move || {
            let _current = net.enter();
            let s = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
            let ov = Ov::new(ptr::null_mut());
            net.defer_overlapped(1);
            assert_eq!(
                make(Call::DeleteName, s, true, ov.ptr(), Some(record)),
                PENDING
            );
            started.wait();
            let woke = unsafe { SleepEx(WSA_INFINITE, TRUE) };
            (woke, take_records().len())
        })
    };
    started.wait();
    let deadline = Instant::now() + Duration::from_secs(10);
    while env.net.pending_operations().is_empty() && Instant::now() < deadline {
        thread::yield_now();
    }
    assert!(env.net.pending_operations()[0].complete());
    assert_eq!(waiter.join().unwrap(), (WAIT_IO_COMPLETION, 1));
}

#[test]
fn many_threads_each_with_their_own_pending_calls() {
    // Under Miri, 3 threads with one call of each of the four kinds: its slow clock would
    // overrun the 10 s deadline with 8 × 16.
    const THREADS: usize = if cfg!(miri) { 3 } else { 8 };
    const CALLS_EACH: usize = if cfg!(miri) { 4 } else { 16 };
    let env = env();
    env.net.defer_overlapped(THREADS * CALLS_EACH);
    let issued = Arc::new(Barrier::new(THREADS + 1));
    let before = RECORDED.load(Ordering::SeqCst);
    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let net = env.net.clone();
            let issued = Arc::clone(&issued);
            thread::spawn(move || {
                let _current = net.enter();
                let s = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
                let ovs: Vec<Ov> = (0..CALLS_EACH).map(|_| Ov::new(ptr::null_mut())).collect();
                for (i, ov) in ovs.iter().enumerate() {
                    assert_eq!(make(CALLS[i % 4], s, true, ov.ptr(), Some(record)), PENDING);
                }
                issued.wait();
                let mut seen = Vec::new();
                let deadline = Instant::now() + Duration::from_secs(10);
                while seen.len() < CALLS_EACH && Instant::now() < deadline {
                    unsafe { SleepEx(50, TRUE) };
                    seen.extend(take_records());
                }
                let mut mine: Vec<usize> = ovs.iter().map(|ov| ov.ptr() as usize).collect();
                let mut got: Vec<usize> = seen.iter().map(|record| record.2).collect();
                mine.sort_unstable();
                got.sort_unstable();
                assert_eq!(got, mine, "each of this thread's routines ran here, once");
                assert!(seen
                    .iter()
                    .all(|&(error, _, _, flags)| error == 0 && flags == 0));
                s
            })
        })
        .collect();
    issued.wait();
    let pending = env.net.pending_operations();
    assert_eq!(pending.len(), THREADS * CALLS_EACH);
    // Complete from several threads at once, in an order unrelated to the callers'.
    let chunks: Vec<_> = pending
        .chunks(CALLS_EACH / 2 * 3)
        .map(<[_]>::to_vec)
        .collect();
    let completers: Vec<_> = chunks
        .into_iter()
        .map(|chunk| thread::spawn(move || chunk.iter().rev().all(|op| op.complete())))
        .collect();
    for completer in completers {
        assert!(completer.join().unwrap());
    }
    let sockets: Vec<SOCKET> = workers
        .into_iter()
        .map(|worker| worker.join().unwrap())
        .collect();
    assert_eq!(sockets.len(), THREADS);
    assert!(RECORDED.load(Ordering::SeqCst) - before >= THREADS * CALLS_EACH);
    assert!(env.net.pending_operations().is_empty());
}
