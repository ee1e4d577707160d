//! Properties of overlapped completion over random sequences of calls, completions,
//! failures, closes and alertable waits: every operation is reported exactly once, with
//! the outcome a simple model predicts, through its structure, event or routine.

mod common;
mod overlapped_support;

use std::collections::HashMap;
use std::ptr;

use common::*;
use overlapped_support::*;
use proptest::prelude::*;
use winsock_emu::sys::*;
use winsock_emu::{Error, PendingOperation};

const STATUS_PENDING: usize = 0x103;

#[derive(Debug, Clone)]
enum Action {
    /// An overlapped call on socket `socket`, with a routine or an event, deferred or not.
    Call {
        socket: usize,
        routine: bool,
        defer: bool,
        kind: usize,
    },
    /// Completes the `n`th pending operation (modulo their number).
    Complete(usize),
    /// Fails the `n`th pending operation with `WSAENOBUFS`.
    Fail(usize),
    /// Closes a socket.
    Close(usize),
    /// `SleepEx(0, TRUE)`.
    Poll,
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => (0..2usize, any::<bool>(), any::<bool>(), 0..4usize)
            .prop_map(|(socket, routine, defer, kind)| Action::Call { socket, routine, defer, kind }),
        2 => any::<usize>().prop_map(Action::Complete),
        1 => any::<usize>().prop_map(Action::Fail),
        1 => (0..2usize).prop_map(Action::Close),
        1 => Just(Action::Poll),
    ]
}

/// What the model expects of one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    /// Refused before it started (closed socket): nothing reported.
    Refused,
    Pending,
    /// Reported with this status (0 or an error code).
    Done(u32),
}

struct Made {
    ov: Ov,
    routine: bool,
    socket: usize,
    expected: Expected,
    pending: Option<PendingOperation>,
}

/// Runs `actions` and checks every call against the model.
fn check(actions: Vec<Action>) -> Result<(), TestCaseError> {
    // Declared before the network, so a failing case's network (whose last cleanup
    // aborts what still pends) goes before the structures it writes.
    let mut made: Vec<Made> = Vec::new();
    // Routines a failed earlier case left queued.
    while alertable_poll() == WAIT_IO_COMPLETION {}
    take_records();
    let env = env();
    let sockets = [
        raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP),
        raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP),
    ];
    let mut closed = [false; 2];
    let mut records: Vec<Record> = Vec::new();
    for action in actions {
        match action {
            Action::Call {
                socket,
                routine,
                defer,
                kind,
            } => {
                env.net.defer_overlapped(usize::from(defer));
                let ov = Ov::new(if routine {
                    ptr::null_mut()
                } else {
                    new_event()
                });
                let outcome = make(
                    CALLS[kind],
                    sockets[socket],
                    true,
                    ov.ptr(),
                    routine.then_some(record as _),
                );
                let (expected, pending) = if closed[socket] {
                    prop_assert_eq!(outcome.error, WSAENOTSOCK);
                    (Expected::Refused, None)
                } else if defer {
                    prop_assert_eq!(outcome, PENDING);
                    (Expected::Pending, env.net.pending_operations().pop())
                } else {
                    prop_assert_eq!(outcome, completed(CALLS[kind]));
                    (Expected::Done(0), None)
                };
                made.push(Made {
                    ov,
                    routine,
                    socket,
                    expected,
                    pending,
                });
            }
            Action::Complete(n) | Action::Fail(n) => {
                let pending: Vec<usize> = (0..made.len())
                    .filter(|&i| made[i].expected == Expected::Pending)
                    .collect();
                if pending.is_empty() {
                    continue;
                }
                let call = &mut made[pending[n % pending.len()]];
                let op = call.pending.as_ref().unwrap();
                let (reported, status) = match action {
                    Action::Complete(_) => (op.complete(), 0),
                    _ => (op.fail(Error::NoBufferSpace), WSAENOBUFS as u32),
                };
                prop_assert!(reported);
                call.expected = Expected::Done(status);
            }
            Action::Close(socket) => {
                if closed[socket] {
                    continue;
                }
                prop_assert_eq!(unsafe { closesocket(sockets[socket]) }, 0);
                closed[socket] = true;
                for call in made
                    .iter_mut()
                    .filter(|call| call.socket == socket && call.expected == Expected::Pending)
                {
                    call.expected = Expected::Done(WSA_OPERATION_ABORTED as u32);
                }
            }
            Action::Poll => {
                alertable_poll();
                records.extend(take_records());
            }
        }
    }
    prop_assert_eq!(
        env.net.pending_operations().len(),
        made.iter()
            .filter(|c| c.expected == Expected::Pending)
            .count()
    );
    // Closing every socket aborts what still pends, so no OVERLAPPED is written after
    // it is freed.
    for (socket, closed) in sockets.iter().zip(closed) {
        if !closed {
            unsafe { closesocket(*socket) };
        }
    }
    for call in made
        .iter_mut()
        .filter(|call| call.expected == Expected::Pending)
    {
        call.expected = Expected::Done(WSA_OPERATION_ABORTED as u32);
    }
    while alertable_poll() == WAIT_IO_COMPLETION {}
    records.extend(take_records());
    let mut runs: HashMap<usize, Vec<u32>> = HashMap::new();
    for (error, transferred, overlapped, flags) in records {
        prop_assert_eq!((transferred, flags), (0, 0));
        runs.entry(overlapped).or_default().push(error);
    }
    for call in &made {
        let ran = runs.remove(&(call.ov.ptr() as usize)).unwrap_or_default();
        match call.expected {
            Expected::Refused => {
                prop_assert_eq!(call.ov.status(), (0x5e47, 0x5e47));
                prop_assert!(ran.is_empty());
            }
            Expected::Done(status) => {
                prop_assert_eq!(call.ov.status(), (status as usize, 0));
                if call.routine {
                    prop_assert_eq!(ran, vec![status], "the routine ran once, with dwError");
                } else {
                    prop_assert!(is_signalled(call.ov.event()));
                }
            }
            Expected::Pending => unreachable!("every pending call was aborted"),
        }
        prop_assert_ne!(call.ov.status().0, STATUS_PENDING);
        if !call.routine {
            unsafe { WSACloseEvent(call.ov.event() as WSAEVENT) };
        }
    }
    prop_assert!(
        runs.is_empty(),
        "no routine ran for a call that did not queue it"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: if cfg!(miri) { 2 } else { 64 }, ..ProptestConfig::default() })]

    #[test]
    fn every_operation_is_reported_exactly_once_as_modelled(actions in prop::collection::vec(action(), 1..40)) {
        check(actions)?;
    }
}
