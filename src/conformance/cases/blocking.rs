//! Blocking calls (docs/rules.md B1-B9): each wait, and each way it ends.
//!
//! None can hang on Windows: every wait is bounded by `SO_RCVTIMEO` or ended by a helper
//! thread that acts once the call waits ([`crate::backend::Backend::await_blocked`]); the
//! outcome is the same whichever of the two comes first.
#![forbid(unsafe_code)]

use std::thread;

use windows_sys::Win32::Networking::WinSock::{
    SD_SEND, SOCKET, WSAEINTR, WSAETIMEDOUT, WSAEWOULDBLOCK,
};

use crate::backend::{CallResult, Code};
use crate::conformance::session::{Session, Setup};
use crate::conformance::{check_value, Case, Observed};

/// Runs `wait` on this thread while a helper thread runs `act` once it waits; the result
/// of `wait`, with the helper's checked to succeed.
fn while_waiting<T>(
    s: &mut Session<'_>,
    act: impl FnOnce() -> CallResult + Send,
    wait: impl FnOnce() -> CallResult<T>,
) -> CallResult<T> {
    let backend = s.backend();
    thread::scope(|scope| {
        let helper = backend.helper(
            scope,
            Box::new(move || {
                backend.await_blocked(1);
                act()
            }),
        );
        let result = wait();
        let acted = helper.join().unwrap_or(Err(Code(0)));
        result.and_then(|value| acted.map(|()| value))
    })
}

/// The bytes' length, as a check value.
fn received(result: CallResult<Vec<u8>>, expected: &[u8]) -> Observed {
    let outcome = result.as_ref().map(drop).map_err(|code| *code);
    let same = result.as_deref() == Ok(expected);
    check_value(outcome, "the bytes sent (1: yes)", 1, i64::from(same))?;
    Ok(outcome)
}

/// A connected pair, the client's receive waited on: (client, server).
fn pair(s: &mut Session<'_>) -> Setup<(SOCKET, SOCKET)> {
    s.startup()?;
    s.tcp_pair4()
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "blocking-accept-waits-for-a-connection",
        rule: "a blocking accept with nothing queued waits until a connection arrives",
        docs: &["B1"],
        checks: &[],
        choice: None,
        source: "accept: Remarks (a blocking socket blocks the call until a connection is present)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (listener, at) = s.listener4()?;
            let client = s.tcp4()?;
            let backend = s.backend();
            let accepted = while_waiting(s, || backend.connect(client, at), || backend.accept(listener));
            if let Ok(accepted) = accepted {
                s.keep(accepted);
            }
            Ok(accepted.map(drop))
        },
    },
    Case {
        id: "blocking-recv-waits-for-data",
        rule: "a blocking recv with nothing to read waits until data arrives",
        docs: &["B2"],
        checks: &[],
        choice: None,
        source: "recv: Remarks (if no incoming data is available, the call blocks)",
        expected: Ok(()),
        scenario: |s| {
            let (client, server) = pair(s)?;
            let backend = s.backend();
            let got = while_waiting(s, || backend.send(server, b"late").map(drop), || backend.recv(client, 16));
            received(got, b"late")
        },
    },
    Case {
        id: "blocking-recv-ends-at-the-peer-s-fin",
        rule: "a blocked recv returns 0 when the peer shuts its sending side down",
        docs: &["B4"],
        checks: &[],
        choice: None,
        source: "recv: Return value (the connection has been gracefully closed: zero)",
        expected: Ok(()),
        scenario: |s| {
            let (client, server) = pair(s)?;
            let backend = s.backend();
            let got = while_waiting(s, || backend.shutdown(server, SD_SEND), || backend.recv(client, 16));
            received(got, b"")
        },
    },
    Case {
        id: "blocking-recv-times-out-at-so-rcvtimeo",
        rule: "with SO_RCVTIMEO set, a blocking recv with nothing to read fails with WSAETIMEDOUT",
        docs: &["B5"],
        checks: &[],
        choice: None,
        source: "SOL_SOCKET socket options: SO_RCVTIMEO; getsockopt: Remarks (WSAETIMEDOUT)",
        expected: Err(Code(WSAETIMEDOUT)),
        scenario: |s| {
            let (client, _server) = pair(s)?;
            if let Err(code) = s.backend().set_receive_timeout(client, 50) {
                return Ok(Err(code));
            }
            Ok(s.backend().recv(client, 16).map(drop))
        },
    },
    Case {
        id: "nonblocking-connect-would-block",
        rule: "connect on a non-blocking stream socket fails with WSAEWOULDBLOCK, and SO_ERROR reads 0 once connected",
        docs: &["B6"],
        checks: &[],
        choice: Some("nonblocking-connect"),
        source: "connect: Return value (WSAEWOULDBLOCK on a nonblocking socket)",
        expected: Err(Code(WSAEWOULDBLOCK)),
        scenario: |s| {
            s.startup()?;
            let (_listener, at) = s.listener4()?;
            let client = s.tcp4()?;
            s.nonblocking(client)?;
            let result = s.backend().connect(client, at);
            let error = s.backend().socket_error(client);
            let outcome = result.map(drop);
            check_value(outcome, "SO_ERROR", 0, i64::from(error.unwrap_or(-1)))?;
            Ok(outcome)
        },
    },
    Case {
        id: "close-interrupts-a-blocked-recv",
        rule: "closesocket from another thread ends a blocked recv with WSAEINTR",
        docs: &["B9"],
        checks: &[],
        choice: Some("close-interrupts-waits"),
        source: "Windows Sockets 2 specification (a blocking call whose socket is closed fails with WSAEINTR)",
        expected: Err(Code(WSAEINTR)),
        scenario: |s| {
            let (client, _server) = pair(s)?;
            let backend = s.backend();
            let done = while_waiting(s, || backend.close(client), || backend.recv(client, 16));
            Ok(done.map(drop))
        },
    },
];
