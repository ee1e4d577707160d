//! Completion ports and what ends their operations and waits (docs/rules.md K8, K9):
//! `CancelIoEx` of one pending receive and with nothing pending,
//! `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS`, the waiters a packet wakes (last in, first
//! out) and the waiters a port's close wakes. Every wait is bounded ([`WAIT_MS`]); the
//! waiters are helper threads ([`crate::backend::Backend::helper`]).
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use windows_sys::Win32::Foundation::{
    ERROR_ABANDONED_WAIT_0, ERROR_NOT_FOUND, ERROR_OPERATION_ABORTED, WAIT_TIMEOUT,
};
use windows_sys::Win32::Networking::WinSock::WSA_IO_PENDING;

use super::extensions::{close_port, holds, packet_of, port_for, WAIT_MS};
use crate::backend::{CallResult, Code, Completion};
use crate::conformance::session::Session;
use crate::conformance::{check_value, Case, Observed};

/// How long a case waits for a packet that must not come, in milliseconds.
const NO_PACKET_MS: u32 = 100;

/// A pending overlapped receive canceled by `CancelIoEx` with its `OVERLAPPED`: its
/// packet, to the socket's key.
fn cancel_one(s: &mut Session<'_>) -> Observed {
    s.startup()?;
    let (client, _) = s.tcp_pair4()?;
    let port = port_for(s, client, 3)?;
    let (overlapped, result) = s
        .backend()
        .wsa_recv_overlapped(client, 16, Completion::Port);
    let pends = result == Err(Code(WSA_IO_PENDING));
    holds(result, "WSARecv pends (1: yes)", pends)?;
    let canceled = s.backend().cancel_io_ex(client, Some(overlapped));
    s.required("CancelIoEx(s, &overlapped)", canceled)?;
    let got = s.backend().dequeue_packet(port, WAIT_MS);
    packet_of(got, overlapped, 3)?;
    close_port(s, port)?;
    Ok(got.result)
}

/// Two overlapped receives of data already there, the first before the skip mode is set
/// (its packet comes), the second after (none comes): the second dequeue's result.
fn skip_on_success(s: &mut Session<'_>) -> Observed {
    s.startup()?;
    let (client, server) = s.tcp_pair4()?;
    let port = port_for(s, client, 5)?;
    let mut skipped = Ok(());
    for skip in [false, true] {
        if skip {
            let set = s.backend().skip_completion_on_success(client);
            s.required("SetFileCompletionNotificationModes()", set)?;
        }
        s.sent(server, b"abc")?;
        let ready = s.backend().select([&[client], &[], &[]], Some((5, 0)));
        s.required("select(readable)", ready)?;
        let (overlapped, result) = s
            .backend()
            .wsa_recv_overlapped(client, 16, Completion::Port);
        holds(result, "WSARecv succeeded at once (1: yes)", result.is_ok())?;
        let got = s.backend().dequeue_packet(port, NO_PACKET_MS);
        if skip {
            skipped = got.result;
        } else {
            packet_of(got, overlapped, 5)?;
            check_value(got.result, "bytes received", 3, i64::from(got.packet.bytes))?;
        }
    }
    close_port(s, port)?;
    Ok(skipped)
}

/// A helper thread that waits on `port` and keeps the key of the packet it got (0: none)
/// in `key`; its result is the wait's.
fn waiter<'scope>(
    s: &Session<'scope>,
    scope: &'scope thread::Scope<'scope, '_>,
    port: u64,
    key: &'scope AtomicUsize,
) -> thread::ScopedJoinHandle<'scope, CallResult> {
    let backend = s.backend();
    backend.helper(
        scope,
        Box::new(move || {
            let got = backend.dequeue_packet(port, WAIT_MS);
            if got.result.is_ok() {
                key.store(got.packet.key, Ordering::SeqCst);
            }
            got.result
        }),
    )
}

/// Two threads wait on a port, one after the other; a packet is posted (key 1), and once
/// the later waiter's wait ended, another (key 2). The waits' result, and the keys the
/// earlier and the later waiter got.
fn wake_order(s: &mut Session<'_>, port: u64) -> (CallResult, usize, usize) {
    let (earlier_key, later_key) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let backend = s.backend();
    let result = thread::scope(|scope| {
        let earlier = waiter(s, scope, port, &earlier_key);
        backend.await_blocked(1);
        let later = waiter(s, scope, port, &later_key);
        backend.await_blocked(2);
        let posted = backend.post_packet(port, 1, 1, 0);
        let later = later.join().unwrap_or(Err(Code(0)));
        let posted_again = backend.post_packet(port, 2, 2, 0);
        let earlier = earlier.join().unwrap_or(Err(Code(0)));
        posted.and(later).and(posted_again).and(earlier)
    });
    (result, earlier_key.into_inner(), later_key.into_inner())
}

/// The case's scenario: the waits' result, with the keys checked (the later waiter got
/// the first packet).
fn last_waiter_first(s: &mut Session<'_>) -> Observed {
    s.startup()?;
    let port = s.required("CreateIoCompletionPort()", s.backend().create_port())?;
    let (result, earlier, later) = wake_order(s, port);
    check_value(result, "the key the later waiter got", 1, later as i64)?;
    check_value(result, "the key the earlier waiter got", 2, earlier as i64)?;
    close_port(s, port)?;
    Ok(result)
}

/// A thread waits on a port; another closes the port: the wait's result, with
/// `*lpOverlapped` checked to be NULL.
fn close_wakes(s: &mut Session<'_>) -> Observed {
    s.startup()?;
    let port = s.required("CreateIoCompletionPort()", s.backend().create_port())?;
    let backend = s.backend();
    let (got, closed) = thread::scope(|scope| {
        let closer = backend.helper(
            scope,
            Box::new(move || {
                backend.await_blocked(1);
                backend.close_handle(port)
            }),
        );
        let got = backend.dequeue_packet(port, WAIT_MS);
        (got, closer.join().unwrap_or(Err(Code(0))))
    });
    s.required("CloseHandle(port)", closed)?;
    holds(
        got.result,
        "*lpOverlapped NULL (1: yes)",
        got.packet.overlapped == 0,
    )?;
    Ok(got.result)
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "cancel-io-ex-aborts-the-pending-receive",
        rule: "CancelIoEx with a pending receive's OVERLAPPED completes it, to the socket's \
               key, with ERROR_OPERATION_ABORTED",
        docs: &["K8"],
        checks: &[],
        choice: Some("cancel-io-scope"),
        source: "CancelIoEx: Remarks (the canceled operation completes with \
                 ERROR_OPERATION_ABORTED through its port); sock.c test_iocp",
        expected: Err(Code(ERROR_OPERATION_ABORTED as i32)),
        scenario: cancel_one,
    },
    Case {
        id: "cancel-io-ex-with-nothing-pending",
        rule: "CancelIoEx on a socket with no pending operation fails with ERROR_NOT_FOUND",
        docs: &["K8"],
        checks: &[],
        choice: Some("cancel-io-scope"),
        source: "CancelIoEx: Return value (ERROR_NOT_FOUND when no request to cancel is found)",
        expected: Err(Code(ERROR_NOT_FOUND as i32)),
        scenario: |s| {
            s.startup()?;
            let sock = s.tcp4()?;
            Ok(s.backend().cancel_io_ex(sock, None))
        },
    },
    Case {
        id: "skip-on-success-queues-no-packet",
        rule: "an overlapped receive that succeeds at once queues its packet, but not once \
               FILE_SKIP_COMPLETION_PORT_ON_SUCCESS is set: the dequeue times out",
        docs: &["K8"],
        checks: &[],
        choice: None,
        source: "SetFileCompletionNotificationModes: Remarks \
                 (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS); sock.c test_completion_port",
        expected: Err(Code(WAIT_TIMEOUT as i32)),
        scenario: skip_on_success,
    },
    Case {
        id: "completion-port-wakes-the-last-waiter-first",
        rule: "of two threads waiting on a completion port, the one that began waiting last \
               takes the first packet posted",
        docs: &["K9"],
        checks: &[],
        choice: Some("completion-port-wake-order"),
        source: "I/O Completion Ports: Remarks (threads blocked on a port are released last \
                 in, first out); CreateIoCompletionPort: Remarks",
        expected: Ok(()),
        scenario: last_waiter_first,
    },
    Case {
        id: "closing-a-port-wakes-its-waiter",
        rule: "closing a completion port while a thread waits on it ends the wait with \
               ERROR_ABANDONED_WAIT_0 and *lpOverlapped NULL",
        docs: &["K9"],
        checks: &[],
        choice: None,
        source: "GetQueuedCompletionStatus: Remarks (the port handle closed while the call \
                 is outstanding: FALSE, *lpOverlapped NULL, ERROR_ABANDONED_WAIT_0)",
        expected: Err(Code(ERROR_ABANDONED_WAIT_0 as i32)),
        scenario: close_wakes,
    },
];
