//! Model-based property tests: random sequences of calls run through the raw `sys` face and
//! through a small reference model written here (`reference.rs`, with `reference/security.rs`
//! and `reference/data.rs`), sharing no code with the crate's model. The calls: startup,
//! cleanup, socket, bind, listen, connect, accept, close, duplicate (`WSADuplicateSocketW` then
//! `WSASocketW`: a second handle of a socket, which every other call may be given), set and
//! delete names, set and
//! query security, impersonate and revert (`ops.rs`, `security_ops.rs`), and the data path:
//! send, sendto, WSASendTo, recv, recvfrom and shutdown on stream and datagram sockets
//! (`data_ops.rs`); completion ports: create, associate, post, dequeue and close
//! (`port_ops.rs`); with valid and invalid handles, addresses, buffers, lengths and flags.
//! Some pieces are runs of calls random ones would rarely line up (`pieces.rs`): a stream
//! handshake with data before and after `accept`, and a datagram exchange with security,
//! names, replies, a port nobody bound, and a peer that closes and is replaced.
//!
//! Every result and error code must agree, out-parameters (bytes received, senders, counts)
//! must be exactly the reference's, the whole table must equal the reference's after every
//! call (states, names, security, per-peer links, data waiting), and the table's invariants
//! must hold. A failing sequence shrinks to a minimal one.
//!
//! Cases: `PROPTEST_CASES` (default 512 here), each of up to 40 pieces: a random call or a
//! run of calls; about 36,000 calls in all. `MODEL_BASED_STATS=1` (with `--nocapture`) prints
//! the calls of each kind by outcome (`stats.rs`).

mod data_ops;
mod expected;
mod ops;
mod pieces;
mod port_io;
mod port_ops;
mod reference;
mod security_ops;
mod stats;

use std::collections::BTreeSet;
use std::net::SocketAddr;

use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use winsock_emu::sys::{AF_INET, AF_INET6, SOCK_DGRAM, SOCK_STREAM};
use winsock_emu::{Error, Network, NetworkSnapshot, SocketInfo, SocketState};

use ops::{op, run, Op, Seen};
use pieces::{exchange, handshake};
use port_ops::port_piece;
use reference::Reference;

/// Invariants of any table, checked on the emulator's own snapshot (so they hold even if
/// the reference model were wrong in the same way).
fn check_invariants(snap: &NetworkSnapshot) -> Result<(), TestCaseError> {
    let mut handles = BTreeSet::new();
    for s in &snap.sockets {
        prop_assert!(handles.insert(s.handle), "handle {:#x} twice", s.handle);
        prop_assert!(s.handle >= 0x100 && s.handle % 4 == 0 && s.handle < snap.next_handle);
        let ip = s.family == AF_INET || s.family == AF_INET6;
        if !(ip && (s.socket_type == SOCK_STREAM || s.socket_type == SOCK_DGRAM)) {
            prop_assert!(
                s.names.is_empty(),
                "names on a socket that cannot hold them: {s:?}"
            );
        }
        if s.socket_type == SOCK_STREAM {
            prop_assert!(
                s.names.len() <= 1 && s.names.iter().all(|n| n.peer.is_none()),
                "{s:?}"
            );
        } else {
            prop_assert!(s.names.iter().all(|n| n
                .peer
                .is_some_and(|p| p.port() != 0 || !p.ip().is_unspecified())));
        }
        for name in &s.names {
            prop_assert!(!name.name.units().is_empty() && name.name.units().len() <= 32_767);
            if let Some(peer) = name.peer {
                prop_assert_eq!(peer.is_ipv4(), s.family == AF_INET);
            }
        }
        match s.state {
            SocketState::Listening { backlog, pending } => {
                prop_assert!(s.socket_type == SOCK_STREAM && s.local.is_some());
                // A second `listen` may lower the backlog below the connections already waiting.
                prop_assert!((1..=200).contains(&backlog) && pending <= 200);
            }
            SocketState::Connected { peer } => {
                prop_assert!(s.local.is_some());
                prop_assert_eq!(peer.is_ipv4(), s.family == AF_INET);
            }
            SocketState::Idle => {}
        }
        if s.security.is_some() {
            prop_assert!(ip && (s.socket_type == SOCK_STREAM || s.socket_type == SOCK_DGRAM));
        }
        check_links(s)?;
        if s.waiting > 0 {
            // Data arrives only at connected streams and bound datagram sockets; a stream
            // client keeps what it sent until it is accepted.
            let stream = s.socket_type == SOCK_STREAM;
            prop_assert!(
                if stream {
                    matches!(s.state, SocketState::Connected { .. })
                } else {
                    s.socket_type == SOCK_DGRAM && s.local.is_some()
                },
                "{s:?}"
            );
        }
    }
    if snap.startups == 0 {
        prop_assert!(
            snap.sockets.is_empty(),
            "sockets outlived the last WSACleanup"
        );
    }
    Ok(())
}

/// A stream socket keeps one link, only when connected and secured, naming the peer's
/// principal; a datagram socket one per peer it exchanged with (an address of its family
/// that is not the zero address, port 0 included, since Windows sends there; without a
/// flow label), plain or secured.
fn check_links(s: &SocketInfo) -> Result<(), TestCaseError> {
    for link in &s.links {
        prop_assert!(link.secured || !link.encrypted, "{s:?}");
        prop_assert_eq!(link.secured, link.peer_principal.is_some(), "{:?}", s);
        match link.peer {
            None => {
                prop_assert!(s.socket_type == SOCK_STREAM && s.links.len() == 1);
                prop_assert!(matches!(s.state, SocketState::Connected { .. }), "{s:?}");
                prop_assert!(link.secured, "{s:?}");
            }
            Some(peer) => {
                prop_assert!(s.socket_type == SOCK_DGRAM && s.local.is_some(), "{s:?}");
                prop_assert_eq!(peer.is_ipv4(), s.family == AF_INET);
                prop_assert!(!peer.ip().is_unspecified(), "{s:?}");
                if let SocketAddr::V6(v6) = peer {
                    prop_assert_eq!(v6.flowinfo(), 0);
                }
            }
        }
    }
    Ok(())
}

fn run_sequence(sequence: &[Op]) -> Result<(), TestCaseError> {
    let net = Network::new();
    let _enter = net.enter();
    let mut model = Reference::new();
    let mut seen = Seen::default();
    // Impersonation belongs to the thread, which runs every case: start and end with none.
    unsafe { winsock_emu::sys::WSARevertImpersonation() };
    let result = run_steps(&net, sequence, &mut model, &mut seen);
    unsafe { winsock_emu::sys::WSARevertImpersonation() };
    result
}

fn run_steps(
    net: &Network,
    sequence: &[Op],
    model: &mut Reference,
    seen: &mut Seen,
) -> Result<(), TestCaseError> {
    for (step, op) in sequence.iter().enumerate() {
        let (actual, expected) = run(op, seen, model);
        if stats::enabled() {
            stats::record(op, actual);
        }
        prop_assert_eq!(actual, expected, "step {}: {:?}", step, op);
        match (actual, op) {
            // The port calls report Win32 codes: a closed or unknown handle, a refused
            // pair of arguments, a zero timeout that passed.
            (Err(code), Op::Port { .. }) => prop_assert!(
                [6, 87, 258].contains(&code),
                "step {step}: {code} is no code of the port calls"
            ),
            (Err(code), _) => prop_assert!(
                Error::from_code(code).is_some(),
                "step {step}: {code} is no Winsock code"
            ),
            (Ok(_), _) => {}
        }
        let snap = net.snapshot();
        prop_assert_eq!(
            &expected::NetworkSnapshot::from(&snap),
            &model.snapshot(),
            "table after step {}: {:?}",
            step,
            op
        );
        check_invariants(&snap)?;
        check_readiness(model, step, op)?;
    }
    Ok(())
}

/// What `select` and `WSAPoll` report of every live socket is what the reference says is
/// ready (`reference/readiness.rs`), after every step.
fn check_readiness(model: &Reference, step: usize, op: &Op) -> Result<(), TestCaseError> {
    use winsock_emu::sys::{self, FD_SET, POLLIN, POLLOUT, SOCKET, TIMEVAL, WSAPOLLFD};
    if !model.can_poll() {
        return Ok(());
    }
    let expected = model.readiness();
    let handles: Vec<SOCKET> = expected.iter().map(|(h, _)| *h).collect();
    // Caller-allocated sets of any size: fd_count, then the handles.
    let layout = || {
        let mut memory = vec![handles.len()];
        memory.extend(&handles);
        memory
    };
    let (mut read, mut write, mut except) = (layout(), layout(), layout());
    let set = |memory: &mut Vec<usize>| memory.as_mut_ptr().cast::<FD_SET>();
    let zero = TIMEVAL::default();
    let rc = unsafe { sys::select(0, set(&mut read), set(&mut write), set(&mut except), &zero) };
    let ready = |pick: fn(&reference::Expected) -> bool| -> Vec<SOCKET> {
        expected
            .iter()
            .filter(|(_, e)| pick(e))
            .map(|(h, _)| *h)
            .collect()
    };
    let (want_read, want_write, want_except) =
        (ready(|e| e.read), ready(|e| e.write), ready(|e| e.except));
    prop_assert_eq!(
        &read[1..1 + read[0]],
        &want_read[..],
        "readfds after step {}: {:?}",
        step,
        op
    );
    prop_assert_eq!(
        &write[1..1 + write[0]],
        &want_write[..],
        "writefds after step {}: {:?}",
        step,
        op
    );
    prop_assert_eq!(
        &except[1..1 + except[0]],
        &want_except[..],
        "exceptfds after step {}: {:?}",
        step,
        op
    );
    prop_assert_eq!(
        rc as usize,
        want_read.len() + want_write.len() + want_except.len()
    );

    let mut fds: Vec<WSAPOLLFD> = handles
        .iter()
        .map(|&fd| WSAPOLLFD {
            fd,
            events: POLLIN | POLLOUT,
            revents: 0,
        })
        .collect();
    let rc = unsafe { sys::WSAPoll(fds.as_mut_ptr(), fds.len() as u32, 0) };
    let revents: Vec<i16> = fds.iter().map(|fd| fd.revents).collect();
    let want: Vec<i16> = expected.iter().map(|(_, e)| e.revents).collect();
    prop_assert_eq!(&revents, &want, "WSAPoll after step {}: {:?}", step, op);
    prop_assert_eq!(rc as usize, want.iter().filter(|r| **r != 0).count());
    Ok(())
}

/// Random calls, handshakes, datagram exchanges and runs of port calls. Most sequences begin with `WSAStartup`,
/// so most calls reach past `WSANOTINITIALISED`.
fn sequence() -> impl Strategy<Value = Vec<Op>> {
    let piece = prop_oneof![
        6 => op().prop_map(|op| vec![op]),
        1 => handshake(),
        1 => exchange(),
        1 => port_piece(),
    ];
    (
        prop::bool::weighted(0.95),
        // Under Miri, shorter sequences: each step is checked against select and WSAPoll
        // over every handle, which Miri interprets slowly.
        prop::collection::vec(piece, 1..if cfg!(miri) { 12 } else { 40 }),
    )
        .prop_map(|(started, pieces)| {
            let start = started.then_some(Op::Startup(0x0202));
            start
                .into_iter()
                .chain(pieces.into_iter().flatten())
                .collect()
        })
}

#[test]
fn random_call_sequences_agree_with_the_reference_model() {
    let config = ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            // Miri runs every piece of the sys layer these sequences drive, slowly.
            .unwrap_or(if cfg!(miri) { 2 } else { 512 }),
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let result = TestRunner::new(config).run(&sequence(), |sequence| run_sequence(&sequence));
    if stats::enabled() {
        stats::print();
    }
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
