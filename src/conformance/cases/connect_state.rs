//! What a socket an extension function connects (or is connecting) reports and refuses
//! (docs/rules.md P8, K12): `SO_CONNECT_TIME` on an `AcceptEx` accept socket before and
//! after a connection arrives, with the `AcceptEx` still waiting for the first data; and a
//! second `connect` or `ConnectEx` on a socket `ConnectEx` connected. Every wait is
//! bounded ([`super::extensions::WAIT_MS`]); each port made is closed once the checks pass.
#![forbid(unsafe_code)]

use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::{
    SOCKET, SOL_SOCKET, SO_CONNECT_TIME, WSAEISCONN, WSA_IO_PENDING,
};

use super::extensions::{close_port, holds, packet_of, port_for, started, WAIT_MS};
use crate::backend::{CallResult, Code};
use crate::conformance::session::{addr, Session};
use crate::conformance::{check_value, Case, Observed, Stopped};

/// `getsockopt(SO_CONNECT_TIME)` on `s`, checked to answer 4 bytes: the result and value.
fn connect_time(s: &mut Session<'_>, sock: SOCKET) -> Result<CallResult<u32>, Stopped> {
    let got = s.backend().get_option(sock, SOL_SOCKET, SO_CONNECT_TIME, 4);
    check_value(got.result, "*optlen after the call", 4, i64::from(got.len))?;
    Ok(got.result.map(|()| got.int() as u32))
}

/// `AcceptEx` with 8 bytes of data room: `SO_CONNECT_TIME` on its accept socket is
/// 0xFFFFFFFF before a client connects, and a few seconds at most once one has, while the
/// `AcceptEx` waits for data; the client's data then completes it.
fn accept_socket_connect_time(s: &mut Session<'_>) -> Observed {
    s.startup()?;
    let (listener, at) = s.listener4()?;
    let accept = s.tcp4()?;
    let port = port_for(s, listener, 1)?;
    let (accepting, result) = s.backend().accept_ex(listener, accept, 8);
    let pends = result == Err(Code(WSA_IO_PENDING));
    holds(result, "AcceptEx pends (1: yes)", pends)?;
    let before = connect_time(s, accept)?;
    let result = before.map(drop);
    check_value(
        result,
        "before a connection",
        0xFFFF_FFFF,
        before.map_or(0, i64::from),
    )?;
    let client = s.tcp4()?;
    s.connect_to(client, at)?;
    let after = connect_time(s, accept)?;
    let result = after.map(drop);
    let seconds = after.unwrap_or(u32::MAX);
    holds(
        result,
        "connected: seconds, not 0xFFFFFFFF (1: yes)",
        seconds < 60,
    )?;
    s.sent(client, b"hello")?;
    let got = s.backend().dequeue_packet(port, WAIT_MS);
    packet_of(got, accepting.overlapped, 1)?;
    close_port(s, port)?;
    Ok(result)
}

/// A socket `ConnectEx` connected (its packet dequeued), then `again`'s call on it.
fn connected_by_connect_ex(
    s: &mut Session<'_>,
    again: fn(&mut Session<'_>, SOCKET, SocketAddr) -> Observed,
) -> Observed {
    s.startup()?;
    let (_, at) = s.listener4()?;
    let client = s.tcp4()?;
    s.bind(client, addr("127.0.0.1:0"))?;
    let port = port_for(s, client, 3)?;
    let (overlapped, result) = s.backend().connect_ex(client, at, b"");
    started("ConnectEx started (1: yes)", result)?;
    let got = s.backend().dequeue_packet(port, WAIT_MS);
    packet_of(got, overlapped, 3)?;
    s.required("the ConnectEx packet", got.result)?;
    let observed = again(s, client, at)?;
    close_port(s, port)?;
    Ok(observed)
}

/// A second `ConnectEx` to the same listener.
fn second_connect_ex(s: &mut Session<'_>, client: SOCKET, at: SocketAddr) -> Observed {
    let (_, result) = s.backend().connect_ex(client, at, b"");
    Ok(result)
}

/// `connect` to the same listener.
fn second_connect(s: &mut Session<'_>, client: SOCKET, at: SocketAddr) -> Observed {
    Ok(s.backend().connect(client, at))
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "accept-ex-connect-time-while-waiting-for-data",
        rule: "SO_CONNECT_TIME on the accept socket of a pending AcceptEx that asked for \
               data is 0xFFFFFFFF until a client connects, then the seconds connected",
        docs: &["P8"],
        checks: &[],
        choice: Some("connect-time"),
        source: "AcceptEx: Remarks (getsockopt SO_CONNECT_TIME while AcceptEx is in \
                 progress: 0xFFFFFFFF if not connected, else the seconds connected)",
        expected: Ok(()),
        scenario: accept_socket_connect_time,
    },
    Case {
        id: "connect-ex-then-connect-ex-again",
        rule: "ConnectEx on a socket ConnectEx connected fails at once with WSAEISCONN",
        docs: &["K12"],
        checks: &[],
        choice: None,
        source: "LPFN_CONNECTEX: Return value (WSAEISCONN), Remarks (any attempt to \
                 reconnect an active connection fails with WSAEISCONN); sock.c test_ConnectEx",
        expected: Err(Code(WSAEISCONN)),
        scenario: |s| connected_by_connect_ex(s, second_connect_ex),
    },
    Case {
        id: "connect-ex-then-connect",
        rule: "connect on a socket ConnectEx connected, before SO_UPDATE_CONNECT_CONTEXT, \
               fails with WSAEISCONN",
        docs: &["K12"],
        checks: &[],
        choice: Some("connect-ex-context"),
        source: "LPFN_CONNECTEX: Remarks (any attempt to reconnect an active connection \
                 fails with WSAEISCONN); connect: Return value (WSAEISCONN)",
        expected: Err(Code(WSAEISCONN)),
        scenario: |s| connected_by_connect_ex(s, second_connect),
    },
];
