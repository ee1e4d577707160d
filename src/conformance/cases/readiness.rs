//! `select`, `WSAPoll`, `WSAEventSelect` and `WSAEnumNetworkEvents` (docs/rules.md RS, RP,
//! RE). On Windows a connection, a datagram, a FIN or a reset reaches the other socket a
//! moment after the call that sends it, so every case that waits for a socket to become
//! ready waits with a bounded timeout ([`WAIT_MS`]); the emulator answers at once. No case
//! waits without a limit, so none can hang on Windows.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    FD_ACCEPT, FD_CLOSE, FD_CLOSE_BIT, FD_CONNECT, FD_CONNECT_BIT, FD_READ, FD_WRITE, FIONBIO,
    POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDNORM, POLLWRNORM, SD_SEND, SOCKET,
    WSAECONNABORTED, WSAECONNREFUSED, WSAEINVAL, WSAENOTSOCK, WSAEVENT, WSAEWOULDBLOCK,
    WSANOTINITIALISED, WSA_WAIT_EVENT_0,
};

use crate::backend::{Code, Selected};
use crate::conformance::session::{addr, Session};
use crate::conformance::{check_value, Case, Observed, Stopped};

/// How long a case waits for something another socket's call set off (5 s: Windows delivers
/// on loopback within milliseconds, and reports a refused connect within about 2 s).
const WAIT_MS: u32 = 5_000;

/// `ms` milliseconds as `TIMEVAL`'s `(tv_sec, tv_usec)`.
fn timeval(ms: u32) -> (i32, i32) {
    ((ms / 1000) as i32, (ms % 1000 * 1000) as i32)
}

/// Fails the case unless `observed` is a success: for the steps of a case before its last
/// call.
fn succeeded(observed: Observed) -> Result<(), Stopped> {
    let result = observed?;
    check_value(
        result,
        "the call succeeded (1: yes)",
        1,
        i64::from(result.is_ok()),
    )
}

/// A handle that names no socket on either backend.
const NOT_A_SOCKET: SOCKET = 0xabacab;

/// The sets a `select` left, as one number a value check can compare: for each of the
/// three sets, 1 if it holds exactly `s`, 0 if it is empty, 9 otherwise (read ×100,
/// write ×10, except ×1).
fn sets_of(selected: &Selected, s: SOCKET) -> i64 {
    let code = |set: &[SOCKET]| match set {
        [] => 0,
        [only] if *only == s => 1,
        _ => 9,
    };
    code(&selected.read) * 100 + code(&selected.write) * 10 + code(&selected.except)
}

/// `select` over `s` in the three sets, waiting up to `ms`: the result, and the call's
/// count and sets checked against `count` and `sets` ([`sets_of`]).
fn select_all(session: &mut Session<'_>, s: SOCKET, ms: u32, count: i64, sets: i64) -> Observed {
    let selected = session
        .backend()
        .select([&[s], &[s], &[s]], Some(timeval(ms)));
    let result = selected.as_ref().map(drop).map_err(|code| *code);
    if let Ok(selected) = &selected {
        check_value(result, "select's count", count, i64::from(selected.count))?;
        check_value(
            result,
            "the sets (read, write, except)",
            sets,
            sets_of(selected, s),
        )?;
    }
    Ok(result)
}

/// `WSAPoll` over one entry, waiting up to `ms`: the result, the `revents` checked.
fn poll_one(session: &mut Session<'_>, s: SOCKET, events: i16, ms: i32, revents: i16) -> Observed {
    let polled = session.backend().poll(&[(s, events)], ms);
    let result = polled.as_ref().map(drop).map_err(|code| *code);
    if let Ok((_, got)) = &polled {
        check_value(result, "revents", i64::from(revents), i64::from(got[0]))?;
    }
    Ok(result)
}

/// Waits up to [`WAIT_MS`] for `event`, then `WSAEnumNetworkEvents`: the result, with
/// `lNetworkEvents` checked against `events` and `iErrorCode[bit]` against `code`.
fn enumerated(
    session: &mut Session<'_>,
    s: SOCKET,
    event: WSAEVENT,
    events: u32,
    bit: u32,
    code: i32,
) -> Observed {
    let waited = session.backend().wait_for_event(event, WAIT_MS, false);
    let signalled = i64::from(waited == Ok(WSA_WAIT_EVENT_0 as u32));
    check_value(Ok(()), "the event was signalled (1: yes)", 1, signalled)?;
    let found = session.backend().enum_network_events(s, event);
    let result = found.as_ref().map(drop).map_err(|code| *code);
    if let Ok((got, errors)) = found {
        check_value(result, "lNetworkEvents", i64::from(events), i64::from(got))?;
        check_value(
            result,
            "iErrorCode",
            i64::from(code),
            i64::from(errors[bit as usize]),
        )?;
    }
    Ok(result)
}

/// A non-blocking TCP socket whose connect to a port nobody listens on was refused.
fn refused_connect(s: &mut Session<'_>) -> Result<SOCKET, Stopped> {
    s.startup()?;
    let gone = s.tcp4()?;
    s.bind(gone, addr("127.0.0.1:0"))?;
    let nobody = s.local_addr(gone)?;
    s.close(gone)?;
    let c = s.tcp4()?;
    s.nonblocking(c)?;
    let started = s.backend().connect(c, nobody);
    let outcome = started.map_err(|code| code.0);
    check_value(
        Ok(()),
        "connect's error (WSAEWOULDBLOCK)",
        i64::from(WSAEWOULDBLOCK),
        i64::from(outcome.err().unwrap_or(0)),
    )?;
    Ok(c)
}

/// A connected pair whose client closed with data unread: the accepted socket is reset.
fn reset_pair(s: &mut Session<'_>) -> Result<SOCKET, Stopped> {
    s.startup()?;
    let (client, server) = s.tcp_pair4()?;
    s.sent(server, b"unread")?;
    // Let the data reach the client before it closes (Windows resets only then).
    let arrived = s
        .backend()
        .select([&[client], &[], &[]], Some(timeval(WAIT_MS)));
    check_value(
        Ok(()),
        "the data reached the client (1: yes)",
        1,
        i64::from(arrived.map(|r| r.count).unwrap_or(0)),
    )?;
    s.close(client)?;
    Ok(server)
}

/// The select cases.
const SELECT: &[Case] = &[
    Case {
        id: "select-all-sets-null",
        rule: "select with all three sets NULL fails with WSAEINVAL",
        docs: &["RS1"],
        checks: &["select_has_a_handle"],
        choice: None,
        source: "select: Return value, WSAEINVAL (all three descriptor parameters were NULL)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            Ok(s.backend().select([&[], &[], &[]], Some((0, 0))).map(drop))
        },
    },
    Case {
        id: "select-not-a-socket",
        rule: "select with a handle that names no socket fails with WSAENOTSOCK",
        docs: &["RS2"],
        checks: &["handle_names_a_socket"],
        choice: None,
        source: "select: Return value, WSAENOTSOCK (one of the descriptor sets contains an entry that is not a socket)",
        expected: Err(Code(WSAENOTSOCK)),
        scenario: |s| {
            s.startup()?;
            let c = s.connected_tcp4()?;
            Ok(s.backend().select([&[], &[c, NOT_A_SOCKET], &[]], Some((0, 0))).map(drop))
        },
    },
    Case {
        id: "select-before-startup",
        rule: "select before WSAStartup fails with WSANOTINITIALISED",
        docs: &["RS3"],
        checks: &["startup_done"],
        choice: None,
        source: "select: Return value, WSANOTINITIALISED",
        expected: Err(Code(WSANOTINITIALISED)),
        scenario: |s| Ok(s.backend().select([&[NOT_A_SOCKET], &[], &[]], Some((0, 0))).map(drop)),
    },
    Case {
        id: "select-listener-readable",
        rule: "a listener with a connection waiting is in readfds only",
        docs: &["RS6"],
        checks: &[],
        choice: None,
        source: "select: Remarks, readfds (if listen has been called and a connection is pending)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (listener, at) = s.listener4()?;
            let idle = s.backend().select([&[listener], &[listener], &[listener]], Some((0, 0)));
            check_value(Ok(()), "an idle listener's count", 0, i64::from(idle.map(|r| r.count).unwrap_or(9)))?;
            let client = s.tcp4()?;
            s.connect_to(client, at)?;
            select_all(s, listener, WAIT_MS, 1, 100)
        },
    },
    Case {
        id: "select-data-and-fin-readable",
        rule: "a connected socket is writable, and readable once data or the peer's FIN waits",
        docs: &["RS6", "RS7"],
        checks: &[],
        choice: None,
        source: "select: Remarks, readfds (data is available; connection has been closed) and writefds (send will succeed)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (client, server) = s.tcp_pair4()?;
            succeeded(select_all(s, server, 0, 1, 10))?;
            s.sent(client, b"x")?;
            succeeded(select_all(s, server, WAIT_MS, 2, 110))?;
            s.received(server, 8)?;
            let fin = s.backend().shutdown(client, SD_SEND);
            check_value(fin, "shutdown(SD_SEND) (0: done)", 0, i64::from(fin.is_err()))?;
            select_all(s, server, WAIT_MS, 2, 110)
        },
    },
    Case {
        id: "select-reset-readable-and-writable",
        rule: "after the peer's reset a socket is readable and writable, not in exceptfds",
        docs: &["RS6"],
        checks: &[],
        choice: None,
        source: "select: Remarks, readfds (connection has been reset); Wine sock.c test_tcp_reset",
        expected: Ok(()),
        scenario: |s| {
            let server = reset_pair(s)?;
            select_all(s, server, WAIT_MS, 2, 110)
        },
    },
    Case {
        id: "select-datagram-writable",
        rule: "a datagram socket, even unbound, is writable",
        docs: &["RS7"],
        checks: &[],
        choice: None,
        source: "select: Remarks, writefds; Wine sock.c test_select (unbound UDP socket)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let u = s.udp4()?;
            select_all(s, u, 0, 1, 10)
        },
    },
    Case {
        id: "select-failed-connect-exceptfds",
        rule: "a refused non-blocking connect is in exceptfds only",
        docs: &["RS8"],
        checks: &[],
        choice: Some("wsapoll-failed-connect"),
        source: "select: Remarks, exceptfds (if processing a connect call (nonblocking), connection attempt failed)",
        expected: Ok(()),
        scenario: |s| {
            let c = refused_connect(s)?;
            select_all(s, c, WAIT_MS, 1, 1)
        },
    },
    Case {
        id: "select-duplicate-handle-once",
        rule: "a socket twice in a set is reported once",
        docs: &["RS9"],
        checks: &[],
        choice: None,
        source: "Wine sock.c test_select (the same socket twice: select returns 1, fd_count 1)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let c = s.connected_tcp4()?;
            let selected = s.backend().select([&[], &[c, c], &[]], Some((0, 0)));
            let result = selected.as_ref().map(drop).map_err(|code| *code);
            if let Ok(selected) = &selected {
                check_value(result, "select's count", 1, i64::from(selected.count))?;
                check_value(result, "the sets", 10, sets_of(selected, c))?;
            }
            Ok(result)
        },
    },
    Case {
        id: "select-zero-timeout-polls",
        rule: "a zero timeout returns 0 at once when nothing is ready, and empties the sets",
        docs: &["RS10"],
        checks: &[],
        choice: None,
        source: "select: Parameters, timeout (set to {0, 0} to perform a poll)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let t = s.tcp4()?;
            select_all(s, t, 0, 0, 0)
        },
    },
    Case {
        id: "select-negative-timeout",
        rule: "a negative timeout is not valid: WSAEINVAL",
        docs: &["RS4"],
        checks: &["select_timeout_is_valid"],
        choice: Some("select-timeout-validity"),
        source: "select: Return value, WSAEINVAL (the time-out value is not valid)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let c = s.connected_tcp4()?;
            Ok(s.backend().select([&[], &[c], &[]], Some((-1, 0))).map(drop))
        },
    },
];

/// `POLLRDNORM | POLLRDBAND | POLLWRNORM`: every flag WSAPoll takes.
const ALL_POLL: i16 = POLLIN | POLLOUT;

/// The WSAPoll cases.
const POLL: &[Case] = &[
    Case {
        id: "wsapoll-unsupported-events",
        rule: "WSAPoll with events other than POLLRDNORM, POLLRDBAND, POLLWRNORM (here POLLPRI) fails with WSAEINVAL",
        docs: &["RP1"],
        checks: &["poll_events_supported"],
        choice: None,
        source: "WSAPOLLFD: events (POLLPRI is not supported; other values fail with WSAEINVAL)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let c = s.connected_tcp4()?;
            Ok(s.backend().poll(&[(c, POLLIN | POLLPRI)], 0).map(drop))
        },
    },
    Case {
        id: "wsapoll-negative-fd-ignored",
        rule: "an entry with a negative fd is ignored: POLLNVAL, not counted",
        docs: &["RP2"],
        checks: &["poll_fd_ignored"],
        choice: None,
        source: "WSAPOLLFD: fd (a negative value is ignored); Wine sock.c test_WSAPoll",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let c = s.connected_tcp4()?;
            let polled = s.backend().poll(&[(SOCKET::MAX, 0), (c, POLLOUT)], 0);
            let result = polled.as_ref().map(drop).map_err(|code| *code);
            if let Ok((count, revents)) = &polled {
                check_value(result, "the count", 1, i64::from(*count))?;
                check_value(result, "revents[0]", i64::from(POLLNVAL), i64::from(revents[0]))?;
                check_value(result, "revents[1]", i64::from(POLLWRNORM), i64::from(revents[1]))?;
            }
            Ok(result)
        },
    },
    Case {
        id: "wsapoll-no-valid-entry",
        rule: "WSAPoll with no entry naming a socket fails with WSAENOTSOCK",
        docs: &["RP3"],
        checks: &[],
        choice: None,
        source: "Wine sock.c test_WSAPoll (every fd invalid: WSAENOTSOCK; the page says WSAEINVAL)",
        expected: Err(Code(WSAENOTSOCK)),
        scenario: |s| {
            s.startup()?;
            Ok(s.backend().poll(&[(SOCKET::MAX, POLLIN), (NOT_A_SOCKET, POLLIN)], 0).map(drop))
        },
    },
    Case {
        id: "wsapoll-data-and-writable",
        rule: "a connected socket is POLLWRNORM, and POLLRDNORM once data waits",
        docs: &["RP6"],
        checks: &[],
        choice: None,
        source: "WSAPoll: Remarks (POLLRDNORM: normal data may be read; POLLWRNORM: normal data may be written)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (client, server) = s.tcp_pair4()?;
            succeeded(poll_one(s, server, ALL_POLL, 0, POLLWRNORM))?;
            s.sent(client, b"x")?;
            poll_one(s, server, POLLRDNORM, WAIT_MS as i32, POLLRDNORM)
        },
    },
    Case {
        id: "wsapoll-fin-hangs-up",
        rule: "after the peer's SD_SEND, POLLHUP is reported even with events 0",
        docs: &["RP6"],
        checks: &[],
        choice: None,
        source: "WSAPoll: Remarks (POLLHUP: a stream-oriented connection was disconnected or aborted); Wine sock.c test_WSAPoll",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (client, server) = s.tcp_pair4()?;
            let fin = s.backend().shutdown(client, SD_SEND);
            check_value(fin, "shutdown(SD_SEND) (0: done)", 0, i64::from(fin.is_err()))?;
            poll_one(s, server, 0, WAIT_MS as i32, POLLHUP)
        },
    },
    Case {
        id: "wsapoll-reset",
        rule: "after the peer's reset: POLLERR | POLLHUP | POLLWRNORM",
        docs: &["RP6"],
        checks: &[],
        choice: None,
        source: "WSAPoll: Remarks (POLLERR, POLLHUP); Wine sock.c test_tcp_reset",
        expected: Ok(()),
        scenario: |s| {
            let server = reset_pair(s)?;
            poll_one(s, server, POLLOUT, WAIT_MS as i32, POLLERR | POLLHUP | POLLWRNORM)
        },
    },
    Case {
        id: "wsapoll-failed-connect",
        rule: "a refused non-blocking connect: POLLHUP | POLLERR | POLLWRNORM (Windows 10 2004 and later)",
        docs: &["RP7"],
        checks: &[],
        choice: Some("wsapoll-failed-connect"),
        source: "WSAPoll: Remarks (as of Windows 10 version 2004, a failed connect is POLLHUP | POLLERR | POLLWRNORM)",
        expected: Ok(()),
        scenario: |s| {
            let c = refused_connect(s)?;
            // Checked as one yes or no: a backend that differs reports bits that depend on
            // when it looked (Wine 8.0: POLLERR, then POLLERR | POLLRDNORM).
            let polled = s.backend().poll(&[(c, ALL_POLL)], WAIT_MS as i32);
            let result = polled.as_ref().map(drop).map_err(|code| *code);
            if let Ok((_, got)) = &polled {
                let exact = i64::from(got[0] == POLLHUP | POLLERR | POLLWRNORM);
                check_value(result, "revents is POLLHUP | POLLERR | POLLWRNORM (1: yes)", 1, exact)?;
            }
            Ok(result)
        },
    },
];

/// `WSACreateEvent` and `WSAEventSelect(s, event, mask)`, which must succeed: the event.
fn selected(s: &mut Session<'_>, socket: SOCKET, mask: u32) -> Result<WSAEVENT, Stopped> {
    let event = s.event()?;
    let done = s.backend().event_select(socket, event, mask);
    check_value(
        done,
        "WSAEventSelect (0: done)",
        0,
        i64::from(done.is_err()),
    )?;
    Ok(event)
}

const EVERY_EVENT: u32 = FD_READ | FD_WRITE | FD_ACCEPT | FD_CONNECT | FD_CLOSE;

/// The WSAEventSelect cases.
const EVENTS: &[Case] = &[
    Case {
        id: "wsaeventselect-unknown-bits",
        rule: "WSAEventSelect with bits outside FD_ALL_EVENTS fails with WSAEINVAL",
        docs: &["RE1"],
        checks: &["event_select_arguments_valid"],
        choice: Some("event-select-arguments"),
        source: "WSAEventSelect: Return value, WSAEINVAL (one of the specified parameters was invalid)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let c = s.connected_tcp4()?;
            let event = s.event()?;
            Ok(s.backend().event_select(c, event, 0x400))
        },
    },
    Case {
        id: "wsaenumnetworkevents-not-a-socket",
        rule: "WSAEnumNetworkEvents on a handle that names no socket fails with WSAENOTSOCK",
        docs: &["RE2"],
        checks: &["network_events_present"],
        choice: None,
        source: "WSAEnumNetworkEvents: Return value, WSAENOTSOCK",
        expected: Err(Code(WSAENOTSOCK)),
        scenario: |s| {
            s.startup()?;
            let event = s.event()?;
            Ok(s.backend().enum_network_events(NOT_A_SOCKET, event).map(drop))
        },
    },
    Case {
        id: "wsaeventselect-fionbio-0-refused",
        rule: "while WSAEventSelect has a selection, ioctlsocket(FIONBIO, 0) fails with WSAEINVAL",
        docs: &["RE3"],
        checks: &["blocking_mode_allowed"],
        choice: None,
        source: "ioctlsocket: Remarks (WSAEventSelect sets the socket nonblocking; FIONBIO 0 fails with WSAEINVAL); Wine sock.c test_fionbio",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let c = s.connected_tcp4()?;
            selected(s, c, FD_READ)?;
            let on = s.backend().ioctlsocket(c, FIONBIO, 1).map(drop);
            check_value(on, "FIONBIO 1 (0: done)", 0, i64::from(on.is_err()))?;
            Ok(s.backend().ioctlsocket(c, FIONBIO, 0).map(drop))
        },
    },
    Case {
        id: "wsaeventselect-fd-write-once",
        rule: "a socket connected before its first WSAEventSelect records FD_CONNECT and FD_WRITE once; a second WSAEventSelect reports nothing more",
        docs: &["RE4", "RE8", "RE9"],
        checks: &[],
        choice: Some("event-select-keeps-the-record"),
        source: "WSAEventSelect: Remarks (FD_WRITE when a socket is first connected); Wine sock.c test_connect_events (connect, then select: FD_CONNECT and FD_WRITE in event mode) and test_write_events",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let c = s.connected_tcp4()?;
            let event = selected(s, c, EVERY_EVENT)?;
            succeeded(enumerated(s, c, event, FD_CONNECT | FD_WRITE, FD_CONNECT_BIT, 0))?;
            let again = s.backend().event_select(c, event, EVERY_EVENT);
            check_value(again, "WSAEventSelect again (0: done)", 0, i64::from(again.is_err()))?;
            let found = s.backend().enum_network_events(c, event);
            let result = found.as_ref().map(drop).map_err(|code| *code);
            check_value(result, "lNetworkEvents", 0, i64::from(found.map(|f| f.0).unwrap_or(0)))?;
            Ok(result)
        },
    },
    Case {
        id: "wsaeventselect-fd-accept",
        rule: "a listener with a connection already waiting records FD_ACCEPT at once",
        docs: &["RE5"],
        checks: &[],
        choice: None,
        source: "WSAEventSelect: Remarks (a listener with a pending connection gets FD_ACCEPT at once)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (listener, at) = s.listener4()?;
            let client = s.tcp4()?;
            s.connect_to(client, at)?;
            let ready = s.backend().select([&[listener], &[], &[]], Some(timeval(WAIT_MS)));
            check_value(Ok(()), "the connection arrived (1: yes)", 1, i64::from(ready.map(|r| r.count).unwrap_or(0)))?;
            let event = selected(s, listener, FD_ACCEPT)?;
            enumerated(s, listener, event, FD_ACCEPT, 3, 0)
        },
    },
    Case {
        id: "wsaeventselect-fd-read",
        rule: "data arriving records FD_READ; a partial recv records it again",
        docs: &["RE6"],
        checks: &[],
        choice: None,
        source: "WSAEventSelect: Remarks (FD_READ is re-enabled by recv; level-triggered while data remains)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (client, server) = s.tcp_pair4()?;
            let event = selected(s, server, FD_READ)?;
            s.sent(client, b"abcd")?;
            succeeded(enumerated(s, server, event, FD_READ, 0, 0))?;
            s.received(server, 2)?;
            enumerated(s, server, event, FD_READ, 0, 0)
        },
    },
    Case {
        id: "wsaeventselect-fd-close-graceful",
        rule: "the peer's SD_SEND records FD_CLOSE with error 0",
        docs: &["RE7"],
        checks: &[],
        choice: None,
        source: "WSAEventSelect: Remarks (FD_CLOSE when the remote side shut down; error 0 for a graceful close)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (client, server) = s.tcp_pair4()?;
            let event = selected(s, server, FD_CLOSE)?;
            let fin = s.backend().shutdown(client, SD_SEND);
            check_value(fin, "shutdown(SD_SEND) (0: done)", 0, i64::from(fin.is_err()))?;
            enumerated(s, server, event, FD_CLOSE, FD_CLOSE_BIT, 0)
        },
    },
    Case {
        id: "wsaeventselect-fd-close-after-reset",
        rule: "the peer's reset records FD_CLOSE with WSAECONNABORTED",
        docs: &["RE7"],
        checks: &[],
        choice: Some("fd-close-after-reset"),
        source: "Wine sock.c test_close_events (WSAECONNABORTED; the page says WSAECONNRESET)",
        expected: Ok(()),
        scenario: |s| {
            let server = reset_pair(s)?;
            let event = selected(s, server, FD_CLOSE)?;
            enumerated(s, server, event, FD_CLOSE, FD_CLOSE_BIT, WSAECONNABORTED)
        },
    },
    Case {
        id: "wsaeventselect-fd-connect-refused",
        rule: "a refused non-blocking connect records FD_CONNECT with WSAECONNREFUSED",
        docs: &["RE8"],
        checks: &[],
        choice: None,
        source: "WSAEnumNetworkEvents: Remarks (FD_CONNECT: WSAECONNREFUSED)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let gone = s.tcp4()?;
            s.bind(gone, addr("127.0.0.1:0"))?;
            let nobody = s.local_addr(gone)?;
            s.close(gone)?;
            let c = s.tcp4()?;
            let event = selected(s, c, FD_CONNECT | FD_WRITE)?;
            let started = s.backend().connect(c, nobody).map_err(|code| code.0).err();
            check_value(Ok(()), "connect's error", i64::from(WSAEWOULDBLOCK), i64::from(started.unwrap_or(0)))?;
            enumerated(s, c, event, FD_CONNECT, FD_CONNECT_BIT, WSAECONNREFUSED)
        },
    },
    Case {
        id: "wsaeventselect-fd-connect",
        rule: "a non-blocking connect records FD_CONNECT (error 0) and FD_WRITE",
        docs: &["RE8"],
        checks: &[],
        choice: None,
        source: "WSAEventSelect: Remarks (FD_CONNECT, then FD_WRITE when first connected); Wine sock.c test_connect_events",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (_listener, at) = s.listener4()?;
            let c = s.tcp4()?;
            let event = selected(s, c, FD_CONNECT | FD_WRITE)?;
            let started = s.backend().connect(c, at).map_err(|code| code.0).err();
            let fine = matches!(started, None | Some(WSAEWOULDBLOCK));
            check_value(Ok(()), "connect gave 0 or WSAEWOULDBLOCK (1: yes)", 1, i64::from(fine))?;
            enumerated(s, c, event, FD_CONNECT | FD_WRITE, FD_CONNECT_BIT, 0)
        },
    },
];

/// The cases of this file.
pub(super) fn cases() -> impl Iterator<Item = &'static Case> {
    SELECT.iter().chain(POLL).chain(EVENTS)
}
