//! The Winsock 2 data calls over `WSABUF` arrays (docs/rules.md N9): `WSASend`, `WSARecv`,
//! `WSARecvFrom`; and `WSAAccept`'s condition function (W9).
//!
//! Nothing here can hang on Windows: every receiving socket is non-blocking (`FIONBIO`)
//! and polled a bounded number of times, as loopback datagrams may arrive a moment after
//! the send; every listener is non-blocking, so `WSAAccept` with nothing waiting fails at
//! once instead of waiting.
#![forbid(unsafe_code)]

use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::{
    CF_ACCEPT, CF_DEFER, CF_REJECT, SOCKET, WSAECONNREFUSED, WSAEINVAL, WSAEMSGSIZE, WSAENOTCONN,
    WSATRY_AGAIN,
};

use super::sockaddr;
use crate::backend::{CallResult, Code};
use crate::conformance::session::{addr, polled, Session, Setup};
use crate::conformance::{check_value, Case, Observed};

/// Setup: a non-blocking UDP receiver bound on 127.0.0.1, and a UDP sender bound on
/// 127.0.0.1 (so its address is known); with the sender's address.
fn udp_pair(s: &mut Session<'_>) -> Setup<(SOCKET, SOCKET, SocketAddr)> {
    s.startup()?;
    let receiver = s.udp4()?;
    s.bind(receiver, addr("127.0.0.1:0"))?;
    s.nonblocking(receiver)?;
    let sender = s.udp4()?;
    s.bind(sender, addr("127.0.0.1:0"))?;
    let from = s.local_addr(sender)?;
    Ok((receiver, sender, from))
}

/// Setup: `sendto(sender, data, receiver)`, one datagram.
fn datagram(s: &mut Session<'_>, sender: SOCKET, receiver: SOCKET, data: &[u8]) -> Setup {
    let to = s.local_addr(receiver)?;
    s.sent_to(sender, data, &sockaddr(&to.to_string()))
}

/// A scatter receive's result, with what each buffer holds checked against `expected`.
fn buffers_hold(result: CallResult<Vec<Vec<u8>>>, expected: &[&[u8]]) -> Observed {
    let outcome = result.as_ref().map(drop).map_err(|code| *code);
    let same = result.is_ok_and(|buffers| buffers == expected);
    check_value(
        outcome,
        "each buffer's bytes as expected (1: yes)",
        1,
        i64::from(same),
    )?;
    Ok(outcome)
}

/// Setup: a non-blocking loopback listener with one connection waiting.
fn listener_with_one_waiting(s: &mut Session<'_>) -> Setup<SOCKET> {
    s.startup()?;
    let (listener, at) = s.listener4()?;
    s.nonblocking(listener)?;
    let client = s.tcp4()?;
    s.connect_to(client, at)?;
    Ok(listener)
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "wsasend-unconnected-stream",
        rule: "WSASend on a TCP socket that is not connected fails with WSAENOTCONN",
        docs: &["N2", "N9"],
        checks: &[],
        choice: None,
        source: "WSASend: Return value, WSAENOTCONN (The socket is not connected)",
        expected: Err(Code(WSAENOTCONN)),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            Ok(s.backend().wsa_send(tcp, &[b"ab", b"c"]).map(drop))
        },
    },
    Case {
        id: "wsarecv-unbound-datagram",
        rule: "WSARecv on a UDP socket that was never bound fails with WSAEINVAL",
        docs: &["N9"],
        checks: &[],
        choice: None,
        source: "WSARecv: Return value, WSAEINVAL (The socket has not been bound, for example with bind)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            s.nonblocking(udp)?;
            Ok(s.backend().wsa_recv(udp, &[8]).map(drop))
        },
    },
    Case {
        id: "wsasend-gathers-one-datagram",
        rule: "WSASend of two buffers on a UDP socket sends one datagram, their bytes in order",
        docs: &["N9"],
        checks: &[],
        choice: Some("wsabuf-arrays"),
        source: "WSASend: Remarks (for message-oriented sockets the buffers are gathered into one message, in array order)",
        expected: Ok(()),
        scenario: |s| {
            let (receiver, sender, _) = udp_pair(s)?;
            let to = s.local_addr(receiver)?;
            s.connect_to(sender, to)?;
            let sent = s.backend().wsa_send(sender, &[b"abc", b"de"]);
            let outcome = sent.map(drop);
            check_value(outcome, "*lpNumberOfBytesSent", 5, sent.map_or(-1, i64::from))?;
            let first = polled(|| s.backend().recv(receiver, 64));
            check_value(outcome, "one datagram of the bytes in order (1: yes)", 1, i64::from(first.as_deref() == Ok(b"abcde")))?;
            Ok(outcome)
        },
    },
    Case {
        id: "wsarecv-scatters-in-order",
        rule: "WSARecv into two buffers fills the first, then the second",
        docs: &["N9"],
        checks: &[],
        choice: Some("wsabuf-arrays"),
        source: "WSARecv: Parameters, lpBuffers (an array of WSABUF structures); Remarks (the buffers are filled in the order in which they appear in the array)",
        expected: Ok(()),
        scenario: |s| {
            let (receiver, sender, _) = udp_pair(s)?;
            datagram(s, sender, receiver, b"abcdef")?;
            let received = polled(|| s.backend().wsa_recv(receiver, &[4, 4]));
            buffers_hold(received, &[b"abcd", b"ef"])
        },
    },
    Case {
        id: "wsarecvfrom-reports-the-sender",
        rule: "WSARecvFrom writes the datagram's source address to lpFrom",
        docs: &["N9"],
        checks: &[],
        choice: None,
        source: "WSARecvFrom: Parameters, lpFrom (the source address, upon return)",
        expected: Ok(()),
        scenario: |s| {
            let (receiver, sender, from) = udp_pair(s)?;
            datagram(s, sender, receiver, b"hi")?;
            let received = polled(|| s.backend().wsa_recv_from(receiver, &[8]));
            let outcome = received.as_ref().map(drop).map_err(|code| *code);
            let sender_seen = received.as_ref().ok().and_then(|(_, seen)| *seen);
            check_value(outcome, "lpFrom is the sender (1: yes)", 1, i64::from(sender_seen == Some(from)))?;
            buffers_hold(received.map(|(buffers, _)| buffers), &[b"hi"])
        },
    },
    Case {
        id: "wsarecv-datagram-longer-than-the-buffers",
        rule: "a datagram longer than WSARecv's buffers fails with WSAEMSGSIZE",
        docs: &["N9"],
        checks: &[],
        choice: Some("datagram-truncation"),
        source: "WSARecv: Return value, WSAEMSGSIZE (The message was too large to fit into the specified buffer and was truncated); Remarks (message-oriented sockets, the excess data is lost)",
        expected: Err(Code(WSAEMSGSIZE)),
        scenario: |s| {
            let (receiver, sender, _) = udp_pair(s)?;
            datagram(s, sender, receiver, b"abcdefgh")?;
            Ok(polled(|| s.backend().wsa_recv(receiver, &[2, 2])).map(drop))
        },
    },
    Case {
        id: "wsaaccept-cf-reject",
        rule: "WSAAccept whose condition function returns CF_REJECT fails with WSAECONNREFUSED",
        docs: &["W9"],
        checks: &[],
        choice: Some("accept-condition-reject"),
        source: "WSAAccept: Return value, WSAECONNREFUSED (The connection request was forcefully rejected as indicated in the return value of the condition function (CF_REJECT))",
        expected: Err(Code(WSAECONNREFUSED)),
        scenario: |s| {
            let listener = listener_with_one_waiting(s)?;
            let accepted = s.backend().wsa_accept_answering(listener, CF_REJECT);
            if let Ok(socket) = accepted {
                s.keep(socket);
            }
            Ok(accepted.map(drop))
        },
    },
    Case {
        id: "wsaaccept-cf-defer",
        rule: "WSAAccept whose condition function returns CF_DEFER fails with WSATRY_AGAIN; a later CF_ACCEPT takes the connection",
        docs: &["W9"],
        checks: &[],
        choice: None,
        source: "WSAAccept: Return value, WSATRY_AGAIN (The acceptance of the connection request was deferred as indicated in the return value of the condition function (CF_DEFER)); Remarks (CF_DEFER: WSAAccept is called again later)",
        expected: Err(Code(WSATRY_AGAIN)),
        scenario: |s| {
            let listener = listener_with_one_waiting(s)?;
            let deferred = s.backend().wsa_accept_answering(listener, CF_DEFER);
            let outcome = deferred.map(drop);
            let later = s.backend().wsa_accept_answering(listener, CF_ACCEPT);
            for socket in deferred.into_iter().chain(later) {
                s.keep(socket);
            }
            check_value(outcome, "a later CF_ACCEPT takes it (1: yes)", 1, i64::from(later.is_ok()))?;
            Ok(outcome)
        },
    },
];
