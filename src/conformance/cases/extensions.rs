//! The extension functions at work (docs/rules.md K6, K7): `AcceptEx` with its first data
//! and `GetAcceptExSockaddrs`, an `AcceptEx` aborted by its listener's close, `ConnectEx`
//! with its first data, on an unbound socket and refused, `DisconnectEx` with and
//! without `TF_REUSE_SOCKET`. Each completion is read from a port with a bounded wait
//! ([`WAIT_MS`]); an operation may succeed at once or pend (`WSA_IO_PENDING`), as Windows
//! allows, and its packet is queued either way (no skip mode is set). Every port the
//! scenario makes it closes once the checks pass.
#![forbid(unsafe_code)]

use std::net::SocketAddr;

use windows_sys::Win32::Foundation::{ERROR_CONNECTION_REFUSED, ERROR_OPERATION_ABORTED};
use windows_sys::Win32::Networking::WinSock::{SOCKET, TF_REUSE_SOCKET, WSAEINVAL, WSA_IO_PENDING};

use crate::backend::{CallResult, Code, Dequeued, Overlapped};
use crate::conformance::session::{addr, Session, Setup};
use crate::conformance::{check_value, Case, Observed, Stopped};

/// How long a case waits for a packet, in milliseconds: far longer than a loopback
/// operation takes, and bounded, so a backend that queues nothing fails the case.
pub(super) const WAIT_MS: u32 = 5_000;

/// How long a case waits for a refused `ConnectEx`'s packet: Windows retries a refused
/// loopback connect for about two seconds before it fails.
const REFUSAL_WAIT_MS: u32 = 10_000;

/// How long a peer waits for bytes in `select`: (seconds, microseconds).
const SELECT_WAIT: Option<(i32, i32)> = Some((5, 0));

/// Checks a fact about the call under test that gave `result` (`what` ends in "(1: yes)").
pub(super) fn holds(result: CallResult, what: &'static str, fact: bool) -> Result<(), Stopped> {
    check_value(result, what, 1, i64::from(fact))
}

/// Checks that an overlapped call started: it succeeded at once or pends.
pub(super) fn started(what: &'static str, result: CallResult) -> Result<(), Stopped> {
    holds(
        result,
        what,
        matches!(result, Ok(()) | Err(Code(WSA_IO_PENDING))),
    )
}

/// Checks that `got` is the packet of the operation `overlapped`, completed to `key`.
pub(super) fn packet_of(got: Dequeued, overlapped: Overlapped, key: usize) -> Result<(), Stopped> {
    check_value(
        got.result,
        "the completion key",
        key as i64,
        got.packet.key as i64,
    )?;
    let same = got.packet.overlapped == overlapped.0.as_ptr().addr();
    holds(
        got.result,
        "the packet's OVERLAPPED is the operation's (1: yes)",
        same,
    )
}

/// A new port, with `s` associated with it under `key`.
pub(super) fn port_for(s: &mut Session<'_>, sock: SOCKET, key: usize) -> Setup<u64> {
    let port = s.required("CreateIoCompletionPort()", s.backend().create_port())?;
    let associated = s.backend().associate_port(sock, port, key);
    s.required("CreateIoCompletionPort(socket, port)", associated)?;
    Ok(port)
}

/// Closes a port the scenario made.
pub(super) fn close_port(s: &mut Session<'_>, port: u64) -> Setup {
    s.required("CloseHandle(port)", s.backend().close_handle(port))
}

/// A TCP socket bound to a fresh loopback port, as `ConnectEx` needs.
fn bound_tcp4(s: &mut Session<'_>) -> Setup<SOCKET> {
    let sock = s.tcp4()?;
    s.bind(sock, addr("127.0.0.1:0"))?;
    Ok(sock)
}

/// What `peer` reads next, after a `select` that bounds the wait (the socket is made
/// non-blocking, so a read after a wait that timed out fails, not hangs).
fn next_bytes(s: &mut Session<'_>, peer: SOCKET) -> CallResult<Vec<u8>> {
    let backend = s.backend();
    backend.ioctlsocket(peer, windows_sys::Win32::Networking::WinSock::FIONBIO, 1)?;
    backend.select([&[peer], &[], &[]], SELECT_WAIT)?;
    backend.recv(peer, 64)
}

/// Checks that `got` are the bytes `expected`; the read's result.
fn bytes_are(got: CallResult<Vec<u8>>, what: &'static str, expected: &[u8]) -> Observed {
    let result = got.as_ref().map(drop).map_err(|code| *code);
    holds(result, what, got.as_deref() == Ok(expected))?;
    Ok(result)
}

/// `AcceptEx` with 8 bytes of data room: a client connects and sends 13; the packet, to
/// the listener's key, counts 8, and `GetAcceptExSockaddrs` gives those bytes, the
/// listener's address and the client's.
fn accept_ex_with_data(s: &mut Session<'_>) -> Observed {
    s.startup()?;
    let (listener, at) = s.listener4()?;
    let accept = s.tcp4()?;
    let port = port_for(s, listener, 1)?;
    let (accepting, result) = s.backend().accept_ex(listener, accept, 8);
    started("AcceptEx started (1: yes)", result)?;
    let client = s.tcp4()?;
    s.connect_to(client, at)?;
    s.sent(client, b"hello, server")?;
    let got = s.backend().dequeue_packet(port, WAIT_MS);
    packet_of(got, accepting.overlapped, 1)?;
    if got.result.is_err() {
        return Ok(got.result);
    }
    check_value(got.result, "bytes received", 8, i64::from(got.packet.bytes))?;
    let sockaddrs = s.backend().accept_ex_sockaddrs(listener, accepting, 8);
    let accepted = s.required("GetAcceptExSockaddrs()", sockaddrs)?;
    let (result, data) = (got.result, accepted.data == b"hello, s");
    holds(result, "the first 8 bytes sent (1: yes)", data)?;
    let local = accepted.local == Some(at);
    holds(
        result,
        "the local address is the listener's (1: yes)",
        local,
    )?;
    let client_at = s.local_addr(client)?;
    let remote = accepted.remote == Some(client_at);
    holds(
        result,
        "the remote address is the client's (1: yes)",
        remote,
    )?;
    close_port(s, port)?;
    Ok(got.result)
}

/// A pending `AcceptEx` whose listener is closed: its packet, to the listener's key.
fn accept_ex_aborted(s: &mut Session<'_>) -> Observed {
    s.startup()?;
    let (listener, _) = s.listener4()?;
    let accept = s.tcp4()?;
    let port = port_for(s, listener, 1)?;
    let (accepting, result) = s.backend().accept_ex(listener, accept, 0);
    let pends = result == Err(Code(WSA_IO_PENDING));
    holds(result, "AcceptEx pends (1: yes)", pends)?;
    s.close(listener)?;
    let got = s.backend().dequeue_packet(port, WAIT_MS);
    packet_of(got, accepting.overlapped, 1)?;
    close_port(s, port)?;
    Ok(got.result)
}

/// `ConnectEx` with 3 bytes to send: the packet counts them, and the peer reads them.
fn connect_ex_with_data(s: &mut Session<'_>) -> Observed {
    s.startup()?;
    let (listener, at) = s.listener4()?;
    let client = bound_tcp4(s)?;
    let port = port_for(s, client, 3)?;
    let (overlapped, result) = s.backend().connect_ex(client, at, b"abc");
    started("ConnectEx started (1: yes)", result)?;
    let got = s.backend().dequeue_packet(port, WAIT_MS);
    packet_of(got, overlapped, 3)?;
    if got.result.is_err() {
        return Ok(got.result);
    }
    check_value(got.result, "bytes sent", 3, i64::from(got.packet.bytes))?;
    let server = s.accept(listener)?;
    let read = next_bytes(s, server);
    let read = bytes_are(read, "the peer read the bytes sent (1: yes)", b"abc")?;
    s.required("recv(peer)", read)?;
    close_port(s, port)?;
    Ok(got.result)
}

/// A loopback address nobody listens on, held by a bound socket so no one else takes it.
fn closed_address(s: &mut Session<'_>) -> Setup<SocketAddr> {
    let holder = bound_tcp4(s)?;
    s.local_addr(holder)
}

/// `ConnectEx` to an address nobody listens on: the call starts, its packet fails.
fn connect_ex_refused(s: &mut Session<'_>) -> Observed {
    s.startup()?;
    let closed = closed_address(s)?;
    let client = bound_tcp4(s)?;
    let port = port_for(s, client, 4)?;
    let (overlapped, result) = s.backend().connect_ex(client, closed, b"");
    started("ConnectEx started (1: yes)", result)?;
    let got = s.backend().dequeue_packet(port, REFUSAL_WAIT_MS);
    packet_of(got, overlapped, 4)?;
    close_port(s, port)?;
    Ok(got.result)
}

/// An `AcceptEx` into `target`, completed by a fresh client's connect: the packet's
/// result, checked to be the operation's, to the listener's key 1.
fn accept_one(
    s: &mut Session<'_>,
    (listener, at): (SOCKET, SocketAddr),
    target: SOCKET,
    port: u64,
) -> Observed {
    let (accepting, result) = s.backend().accept_ex(listener, target, 0);
    started("AcceptEx started (1: yes)", result)?;
    let client = s.tcp4()?;
    s.connect_to(client, at)?;
    let got = s.backend().dequeue_packet(port, WAIT_MS);
    packet_of(got, accepting.overlapped, 1)?;
    Ok(got.result)
}

/// `AcceptEx`, `DisconnectEx(TF_REUSE_SOCKET)`, then `AcceptEx` again into the same
/// socket: the second accept's packet.
fn disconnect_ex_reuses(s: &mut Session<'_>) -> Observed {
    s.startup()?;
    let served = s.listener4()?;
    let target = s.tcp4()?;
    let port = port_for(s, served.0, 1)?;
    let associated = s.backend().associate_port(target, port, 2);
    s.required("CreateIoCompletionPort(target, port)", associated)?;
    let first = accept_one(s, served, target, port)?;
    s.required("the first AcceptEx's packet", first)?;
    let (overlapped, result) = s.backend().disconnect_ex(target, TF_REUSE_SOCKET);
    started("DisconnectEx started (1: yes)", result)?;
    let got = s.backend().dequeue_packet(port, WAIT_MS);
    packet_of(got, overlapped, 2)?;
    s.required("DisconnectEx's packet", got.result)?;
    let second = accept_one(s, served, target, port)?;
    close_port(s, port)?;
    Ok(second)
}

/// `DisconnectEx` without flags on a connected client: the peer reads the end of the
/// stream.
fn disconnect_ex_shuts_down(s: &mut Session<'_>) -> Observed {
    s.startup()?;
    let (client, server) = s.tcp_pair4()?;
    let (_, result) = s.backend().disconnect_ex(client, 0);
    started("DisconnectEx started (1: yes)", result)?;
    let read = next_bytes(s, server);
    bytes_are(read, "the peer read the end of the stream (1: yes)", b"")
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "accept-ex-first-data-and-addresses",
        rule: "AcceptEx completes, to the listener's key, once a connection and its first \
               data arrive: the packet counts the bytes written to the buffer, and \
               GetAcceptExSockaddrs reads them and both addresses from it",
        docs: &["K6"],
        checks: &[],
        choice: Some("accept-ex-buffer"),
        source: "AcceptEx: Remarks (the function completes when a connection is accepted and \
                 the first block of data received); GetAcceptExSockaddrs: Remarks; sock.c \
                 test_AcceptEx",
        expected: Ok(()),
        scenario: accept_ex_with_data,
    },
    Case {
        id: "accept-ex-aborted-by-the-listener-close",
        rule: "a pending AcceptEx whose listening socket is closed completes, to the \
               listener's key, with ERROR_OPERATION_ABORTED",
        docs: &["K6"],
        checks: &[],
        choice: Some("completion-packet-errors"),
        source: "AcceptEx: Remarks; closesocket: Remarks (pending overlapped operations are \
                 canceled); sock.c test_AcceptEx, test_completion_port",
        expected: Err(Code(ERROR_OPERATION_ABORTED as i32)),
        scenario: accept_ex_aborted,
    },
    Case {
        id: "connect-ex-sends-its-first-data",
        rule: "ConnectEx on a bound socket connects and sends its data: the packet counts \
               the bytes sent, and the peer reads them",
        docs: &["K6"],
        checks: &[],
        choice: Some("extension-functions-pend"),
        source: "LPFN_CONNECTEX: Remarks (lpSendBuffer is sent once the connection is \
                 established); sock.c test_ConnectEx",
        expected: Ok(()),
        scenario: connect_ex_with_data,
    },
    Case {
        id: "connect-ex-needs-a-bound-socket",
        rule: "ConnectEx on a socket that is not bound fails at once with WSAEINVAL",
        docs: &["K6"],
        checks: &[],
        choice: None,
        source: "LPFN_CONNECTEX: Return value (WSAEINVAL: s is an unbound or a listening \
                 socket); sock.c test_ConnectEx",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let (_, at) = s.listener4()?;
            let unbound = s.tcp4()?;
            Ok(s.backend().connect_ex(unbound, at, b"").1)
        },
    },
    Case {
        id: "connect-ex-refusal-in-the-packet",
        rule: "ConnectEx to an address nobody listens on starts, and its packet fails with \
               ERROR_CONNECTION_REFUSED",
        docs: &["K6"],
        checks: &[],
        choice: Some("completion-packet-errors"),
        source: "LPFN_CONNECTEX: Remarks (the result comes with the completion); sock.c \
                 test_ConnectEx (ERROR_CONNECTION_REFUSED from GetQueuedCompletionStatus)",
        expected: Err(Code(ERROR_CONNECTION_REFUSED as i32)),
        scenario: connect_ex_refused,
    },
    Case {
        id: "disconnect-ex-reuse-socket-accepts-again",
        rule: "DisconnectEx with TF_REUSE_SOCKET completes to the socket's key and leaves \
               the socket ready for another AcceptEx, which accepts the next connection",
        docs: &["K7"],
        checks: &[],
        choice: Some("disconnect-reuse"),
        source: "LPFN_DISCONNECTEX: Remarks (TF_REUSE_SOCKET: the socket handle can be passed \
                 to AcceptEx or ConnectEx); AcceptEx: Remarks",
        expected: Ok(()),
        scenario: disconnect_ex_reuses,
    },
    Case {
        id: "disconnect-ex-ends-the-peer-stream",
        rule: "DisconnectEx without flags closes the sending side: the peer reads the end \
               of the stream",
        docs: &["K7"],
        checks: &[],
        choice: Some("disconnect-reuse"),
        source: "LPFN_DISCONNECTEX: Remarks (a graceful disconnect, as shutdown(SD_SEND))",
        expected: Ok(()),
        scenario: disconnect_ex_shuts_down,
    },
];
