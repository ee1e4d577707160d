//! The shutdown page's TCP rule (docs/rules.md N13): after `shutdown(SD_RECEIVE)` or
//! `WSARecvDisconnect`, data still queued or arriving later resets the connection, which the
//! peer's next receive reports. Every wait is a `select` with a timeout, so a backend that
//! does not reset fails the case (`WSAEWOULDBLOCK`) instead of hanging.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{SD_RECEIVE, SOCKET, WSAECONNRESET};

use crate::backend::{Backend, CallResult, Code};
use crate::conformance::session::Session;
use crate::conformance::{Case, Stopped};

/// How long a case waits for bytes or the reset to reach a socket: (seconds, microseconds).
const WAIT: Option<(i32, i32)> = Some((2, 0));

/// `select` until `s` is readable (data, end or reset) or [`WAIT`] passes.
fn await_readable(s: &mut Session<'_>, socket: SOCKET) -> Result<(), Stopped> {
    s.required(
        "select(readable)",
        s.backend().select([&[socket], &[], &[]], WAIT),
    )?;
    Ok(())
}

/// The client's receive after the server's receive shutdown, non-blocking, once the client is
/// readable or the wait is over.
fn peer_receive(s: &mut Session<'_>, client: SOCKET) -> Result<CallResult, Stopped> {
    s.nonblocking(client)?;
    await_readable(s, client)?;
    Ok(s.backend().recv(client, 16).map(drop))
}

/// A connected pair whose server has received bytes, then shuts its receive side down with
/// `shut`: the client's receive afterwards.
fn shut_with_queued_data(
    s: &mut Session<'_>,
    step: &'static str,
    shut: fn(&dyn Backend, SOCKET) -> CallResult,
) -> Result<CallResult, Stopped> {
    s.startup()?;
    let (client, server) = s.tcp_pair4()?;
    s.sent(client, b"unread")?;
    await_readable(s, server)?;
    s.required(step, shut(s.backend(), server))?;
    peer_receive(s, client)
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "shutdown-receive-with-queued-data-resets",
        rule: "shutdown(SD_RECEIVE) on a TCP socket with received data still queued resets the connection: the peer's recv fails with WSAECONNRESET",
        docs: &["N13"],
        checks: &["receive_shutdown_resets"],
        choice: Some("receive-shutdown-resets"),
        source: "shutdown: Remarks (if there is still data queued on the socket waiting to be received, the connection is reset)",
        expected: Err(Code(WSAECONNRESET)),
        scenario: |s| {
            shut_with_queued_data(s, "shutdown(SD_RECEIVE)", |backend, server| {
                backend.shutdown(server, SD_RECEIVE)
            })
        },
    },
    Case {
        id: "shutdown-receive-then-data-resets",
        rule: "data arriving at a TCP socket after its shutdown(SD_RECEIVE) resets the connection: the sender's next recv fails with WSAECONNRESET",
        docs: &["N13"],
        checks: &["receive_shutdown_resets"],
        choice: Some("receive-shutdown-resets"),
        source: "shutdown: Remarks (or data arrives subsequently, the connection is reset, since the data cannot be delivered to the user)",
        expected: Err(Code(WSAECONNRESET)),
        scenario: |s| {
            s.startup()?;
            let (client, server) = s.tcp_pair4()?;
            s.required("shutdown(SD_RECEIVE)", s.backend().shutdown(server, SD_RECEIVE))?;
            s.sent(client, b"late")?;
            peer_receive(s, client)
        },
    },
    Case {
        id: "recv-disconnect-with-queued-data-resets",
        rule: "WSARecvDisconnect on a TCP socket with received data still queued resets the connection, as shutdown(SD_RECEIVE) does",
        docs: &["N13"],
        checks: &["receive_shutdown_resets"],
        choice: Some("receive-shutdown-resets"),
        source: "WSARecvDisconnect: Remarks (equivalent to shutdown(SD_RECEIVE)); shutdown: Remarks (the connection is reset)",
        expected: Err(Code(WSAECONNRESET)),
        scenario: |s| {
            shut_with_queued_data(s, "WSARecvDisconnect(s, NULL)", |backend, server| {
                backend.recv_disconnect(server)
            })
        },
    },
];
