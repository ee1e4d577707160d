//! `SO_CONDITIONAL_ACCEPT`: a connection to such a listener waits for `WSAAccept`'s
//! condition function before its handshake completes (docs/rules.md W10). The client is
//! non-blocking and the listener's answers are polled ([`polled`]), so nothing can wait on
//! Windows.
#![forbid(unsafe_code)]

use std::thread;
use std::time::Duration;

use windows_sys::Win32::Networking::WinSock::{
    CF_DEFER, CF_REJECT, SOCKET, SOL_SOCKET, SO_CONDITIONAL_ACCEPT, SO_ERROR, WSAECONNREFUSED,
    WSAENOTCONN, WSAEWOULDBLOCK, WSATRY_AGAIN,
};

use crate::backend::Code;
use crate::conformance::session::{polled, Session, Setup};
use crate::conformance::{check_value, Case};

/// A listener with `SO_CONDITIONAL_ACCEPT` on, and a non-blocking client whose connect to
/// it returned `WSAEWOULDBLOCK`: the listener and the client.
fn waiting_client(s: &mut Session<'_>) -> Setup<(SOCKET, SOCKET)> {
    s.startup()?;
    let listener = s.tcp4()?;
    s.option(listener, SOL_SOCKET, SO_CONDITIONAL_ACCEPT, 1)?;
    s.bind(listener, crate::conformance::session::addr("127.0.0.1:0"))?;
    s.listen(listener)?;
    let at = s.local_addr(listener)?;
    let client = s.tcp4()?;
    s.nonblocking(client)?;
    let connected = s.backend().connect(client, at);
    s.required(
        "connect() is WSAEWOULDBLOCK",
        match connected {
            Err(Code(WSAEWOULDBLOCK)) => Ok(()),
            Ok(()) => Err(Code(0)),
            Err(code) => Err(code),
        },
    )?;
    Ok((listener, client))
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "conditional-accept-defers-the-handshake",
        rule: "with SO_CONDITIONAL_ACCEPT, a deferred client is not connected yet",
        docs: &["W10"],
        checks: &[],
        choice: Some("conditional-accept"),
        source: "SOL_SOCKET socket options: SO_CONDITIONAL_ACCEPT; WSAAccept: Remarks (CF_DEFER)",
        expected: Err(Code(WSAENOTCONN)),
        scenario: |s| {
            let (listener, client) = waiting_client(s)?;
            let deferred = polled(|| s.backend().wsa_accept_answering(listener, CF_DEFER));
            check_value(
                deferred.map(drop),
                "WSAAccept answering CF_DEFER fails with WSATRY_AGAIN",
                i64::from(WSATRY_AGAIN),
                i64::from(deferred.err().map_or(0, |code| code.0)),
            )?;
            Ok(s.backend().peer_addr(client).map(drop))
        },
    },
    Case {
        id: "conditional-accept-reject-refuses-the-client",
        rule: "with SO_CONDITIONAL_ACCEPT, CF_REJECT refuses the client's connect (SO_ERROR WSAECONNREFUSED)",
        docs: &["W10"],
        checks: &[],
        choice: Some("conditional-accept"),
        source: "SOL_SOCKET socket options: SO_CONDITIONAL_ACCEPT; WSAAccept: Return value (WSAECONNREFUSED)",
        expected: Err(Code(WSAECONNREFUSED)),
        scenario: |s| {
            let (listener, client) = waiting_client(s)?;
            let rejected = polled(|| s.backend().wsa_accept_answering(listener, CF_REJECT));
            // The refusal reaches the client a moment later on Windows: SO_ERROR, polled.
            let mut error = 0;
            for _ in 0..100 {
                error = s.backend().get_option(client, SOL_SOCKET, SO_ERROR, 4).int();
                if error != 0 {
                    break;
                }
                thread::sleep(Duration::from_millis(10));
            }
            let result = rejected.map(drop);
            check_value(result, "the client's SO_ERROR", i64::from(WSAECONNREFUSED), i64::from(error))?;
            Ok(result)
        },
    },
];
