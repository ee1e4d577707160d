//! The data path (docs/rules.md N1-N7): `send`, `recv`, `sendto`, `recvfrom`, `shutdown`,
//! `ioctlsocket`, and the secured connect and first datagram.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    FIONREAD, SD_SEND, SOCKET_SETTINGS_GUARANTEE_ENCRYPTION, WSAEADDRINUSE, WSAEADDRNOTAVAIL,
    WSAEAFNOSUPPORT, WSAECONNREFUSED, WSAEDESTADDRREQ, WSAEFAULT, WSAEINVAL, WSAEMSGSIZE,
    WSAENOTCONN, WSAESHUTDOWN, WSAETIMEDOUT, WSAEWOULDBLOCK,
};

use super::{name, sockaddr, zeroed_peer_name};
use crate::backend::{Buffer, CallResult, Code};
use crate::conformance::session::{addr, Session};
use crate::conformance::{check_value, Case, Observed};

/// The largest UDP payload over IPv4, plus one.
const OVERSIZED_DATAGRAM: usize = 65_508;

/// `sendto(s, "x", to)` on a fresh unconnected UDP socket: the call under test.
fn send_to(s: &mut Session<'_>, to: Buffer<'_>) -> Observed {
    s.startup()?;
    let udp = s.udp4()?;
    Ok(s.backend().send_to(udp, b"x", to).map(drop))
}

/// A receive's result with its bytes checked against `expected`.
fn received_as(result: CallResult<Vec<u8>>, expected: &[u8]) -> Observed {
    let outcome = result.as_ref().map(drop).map_err(|code| *code);
    let bytes = result.unwrap_or_default();
    check_value(
        outcome,
        "bytes received",
        expected.len() as i64,
        bytes.len() as i64,
    )?;
    check_value(
        outcome,
        "bytes in order (1: yes)",
        1,
        i64::from(bytes == expected),
    )?;
    Ok(outcome)
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "data-stream-in-order-before-accept",
        rule: "stream bytes arrive in order, including those sent before accept",
        docs: &["N1"],
        checks: &[],
        choice: None,
        source: "send; recv; accept (the connection exists once the handshake completes)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (listener, at) = s.listener4()?;
            let client = s.tcp4()?;
            s.connect_to(client, at)?;
            s.sent(client, b"abc")?;
            let accepted = s.accept(listener)?;
            s.sent(client, b"def")?;
            received_as(s.backend().recv(accepted, 64), b"abcdef")
        },
    },
    Case {
        id: "data-fionread-counts-waiting-bytes",
        rule: "ioctlsocket(FIONREAD) gives the stream bytes waiting",
        docs: &["N1"],
        checks: &[],
        choice: None,
        source: "ioctlsocket: FIONREAD",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (client, accepted) = s.tcp_pair4()?;
            s.sent(client, b"abcdef")?;
            let waiting = s.backend().ioctlsocket(accepted, FIONREAD, 0xdead);
            let outcome = waiting.map(drop);
            check_value(outcome, "*argp", 6, waiting.map_or(-1, i64::from))?;
            Ok(outcome)
        },
    },
    Case {
        id: "data-send-unconnected-stream",
        rule: "an unconnected stream socket cannot send: WSAENOTCONN",
        docs: &["N2"],
        checks: &[],
        choice: None,
        source: "send: Return value, WSAENOTCONN",
        expected: Err(Code(WSAENOTCONN)),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            Ok(s.backend().send(tcp, b"x").map(drop))
        },
    },
    Case {
        id: "data-connect-nobody-listening",
        rule: "a connect to a port nobody listens on is refused",
        docs: &["N2"],
        checks: &[],
        choice: None,
        source: "connect: Return value, WSAECONNREFUSED",
        expected: Err(Code(WSAECONNREFUSED)),
        scenario: |s| {
            s.startup()?;
            let (listener, at) = s.listener4()?;
            s.close(listener)?;
            let tcp = s.tcp4()?;
            Ok(s.backend().connect(tcp, at))
        },
    },
    Case {
        id: "data-bind-address-in-use",
        rule: "binding the address a listener holds is WSAEADDRINUSE",
        docs: &["N2"],
        checks: &[],
        choice: None,
        source: "bind: Return value, WSAEADDRINUSE",
        expected: Err(Code(WSAEADDRINUSE)),
        scenario: |s| {
            s.startup()?;
            let (_, at) = s.listener4()?;
            let tcp = s.tcp4()?;
            Ok(s.backend().bind(tcp, at))
        },
    },
    Case {
        id: "data-send-after-shutdown",
        rule: "after shutdown(SD_SEND), send fails with WSAESHUTDOWN",
        docs: &["N3"],
        checks: &[],
        choice: None,
        source: "shutdown: Remarks; send: Return value, WSAESHUTDOWN",
        expected: Err(Code(WSAESHUTDOWN)),
        scenario: |s| {
            s.startup()?;
            let (client, _) = s.tcp_pair4()?;
            let shut = s.backend().shutdown(client, SD_SEND);
            if shut.is_err() {
                return Ok(shut);
            }
            Ok(s.backend().send(client, b"x").map(drop))
        },
    },
    Case {
        id: "data-peer-reads-zero-after-draining",
        rule: "after the peer's shutdown(SD_SEND), recv drains what was sent, then gives 0",
        docs: &["N3"],
        checks: &[],
        choice: None,
        source: "shutdown: Remarks; recv: Return value (0: gracefully closed)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (client, accepted) = s.tcp_pair4()?;
            s.sent(client, b"last")?;
            let shut = s.backend().shutdown(client, SD_SEND);
            if shut.is_err() {
                return Ok(shut);
            }
            let drained = s.received(accepted, 64)?;
            check_value(Ok(()), "bytes drained", 4, drained.len() as i64)?;
            received_as(s.backend().recv(accepted, 64), b"")
        },
    },
    Case {
        id: "data-shutdown-bad-how",
        rule: "a how other than SD_RECEIVE, SD_SEND, SD_BOTH is WSAEINVAL",
        docs: &["N3"],
        checks: &[],
        choice: None,
        source: "shutdown: Return value, WSAEINVAL",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let (client, _) = s.tcp_pair4()?;
            Ok(s.backend().shutdown(client, 7))
        },
    },
    Case {
        id: "data-nonblocking-recv-nothing-to-read",
        rule: "a non-blocking socket (FIONBIO) with nothing to read gives WSAEWOULDBLOCK",
        docs: &["N4"],
        checks: &[],
        choice: None,
        source: "ioctlsocket: FIONBIO; recv: Return value, WSAEWOULDBLOCK",
        expected: Err(Code(WSAEWOULDBLOCK)),
        scenario: |s| {
            s.startup()?;
            let (_, accepted) = s.tcp_pair4()?;
            s.nonblocking(accepted)?;
            Ok(s.backend().recv(accepted, 64).map(drop))
        },
    },
    Case {
        id: "data-sendto-null-address",
        rule: "sendto on an unconnected socket with a NULL address is WSAEDESTADDRREQ",
        docs: &["N5"],
        checks: &[],
        choice: None,
        source: "sendto: Return value, WSAEDESTADDRREQ",
        expected: Err(Code(WSAEDESTADDRREQ)),
        scenario: |s| send_to(s, Buffer::null()),
    },
    Case {
        id: "data-sendto-short-address",
        rule: "a tolen too short for the address is WSAEFAULT",
        docs: &["N5"],
        checks: &[],
        choice: None,
        source: "sendto: Return value, WSAEFAULT",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            let to = sockaddr("127.0.0.1:9");
            send_to(s, Buffer::Bytes(&to[..8]))
        },
    },
    Case {
        id: "data-sendto-other-family",
        rule: "an IPv6 address on an IPv4 socket is WSAEAFNOSUPPORT",
        docs: &["N5"],
        checks: &[],
        choice: None,
        source: "sendto: Return value, WSAEAFNOSUPPORT",
        expected: Err(Code(WSAEAFNOSUPPORT)),
        scenario: |s| {
            let to = sockaddr("[2001:db8::1]:9");
            send_to(s, Buffer::Bytes(&to))
        },
    },
    Case {
        id: "data-sendto-port-zero",
        rule: "a datagram to port 0 of 127.0.0.1 is sent (nobody can be bound there)",
        docs: &["N5"],
        checks: &[],
        choice: None,
        source: "Wine's sock.c, test_UDP (Windows: sendto to port 0 on 127.0.0.1 or ::1 returns the length)",
        expected: Ok(()),
        scenario: |s| {
            let to = sockaddr("127.0.0.1:0");
            send_to(s, Buffer::Bytes(&to))
        },
    },
    Case {
        id: "data-sendto-zero-address",
        rule: "a datagram to the zero address (INADDR_ANY) is WSAEADDRNOTAVAIL",
        docs: &["N5"],
        checks: &[],
        choice: None,
        source: "sendto: Return value, WSAEADDRNOTAVAIL (\"for example, ADDR_ANY\")",
        expected: Err(Code(WSAEADDRNOTAVAIL)),
        scenario: |s| {
            let to = sockaddr("0.0.0.0:9");
            send_to(s, Buffer::Bytes(&to))
        },
    },
    Case {
        id: "data-sendto-oversized-datagram",
        rule: "a datagram over 65,507 bytes is WSAEMSGSIZE",
        docs: &["N5"],
        checks: &[],
        choice: None,
        source: "sendto: Return value, WSAEMSGSIZE",
        expected: Err(Code(WSAEMSGSIZE)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            let to = sockaddr("127.0.0.1:9");
            let big = vec![0u8; OVERSIZED_DATAGRAM];
            Ok(s.backend().send_to(udp, &big, Buffer::Bytes(&to)).map(drop))
        },
    },
    Case {
        id: "data-sendto-recvfrom",
        rule: "a datagram sent to a bound socket is received whole, with its sender",
        docs: &["N5"],
        checks: &[],
        choice: None,
        source: "sendto; recvfrom",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let receiver = s.udp4()?;
            s.bind(receiver, addr("127.0.0.1:0"))?;
            let at = s.local_addr(receiver)?;
            let sender = s.udp4()?;
            s.bind(sender, addr("127.0.0.1:0"))?;
            let to = sockaddr(&at.to_string());
            let sent = s.backend().send_to(sender, b"ping", Buffer::Bytes(&to));
            if let Err(code) = sent {
                return Ok(Err(code));
            }
            let from = s.local_addr(sender)?;
            let got = s.backend().recv_from(receiver, 64);
            let outcome = got.as_ref().map(drop).map_err(|code| *code);
            let (bytes, sender_seen) = got.unwrap_or_default();
            check_value(outcome, "bytes received", 4, bytes.len() as i64)?;
            check_value(outcome, "sender is the sending socket (1: yes)", 1, i64::from(sender_seen == Some(from)))?;
            Ok(outcome)
        },
    },
    Case {
        id: "data-secured-connect-name-mismatch",
        rule: "a secured connect whose peer target name is not the server's principal fails",
        docs: &["N6"],
        checks: &[],
        choice: Some("secure-negotiation"),
        source: "WSASetSocketPeerTargetName: Remarks (the name must match the server's identity)",
        expected: Err(Code(WSAETIMEDOUT)),
        scenario: |s| {
            s.startup()?;
            let encrypt = SOCKET_SETTINGS_GUARANTEE_ENCRYPTION;
            let listener = s.tcp4()?;
            s.secured_with(listener, encrypt)?;
            s.bind(listener, addr("127.0.0.1:0"))?;
            s.listen(listener)?;
            let at = s.local_addr(listener)?;
            let client = s.tcp4()?;
            s.secured_with(client, encrypt)?;
            s.named(client, &zeroed_peer_name("host/rogue.contoso.com"))?;
            Ok(s.backend().connect(client, at))
        },
    },
    Case {
        id: "data-secured-datagram-per-peer-mismatch",
        rule: "a secured datagram socket checks each peer, with that peer's name, before the first datagram",
        docs: &["N7"],
        checks: &[],
        choice: Some("datagram-security-per-peer"),
        source: "WSASetSocketPeerTargetName: Remarks (connectionless sockets: a name per peer)",
        expected: Err(Code(WSAETIMEDOUT)),
        scenario: |s| {
            s.startup()?;
            let encrypt = SOCKET_SETTINGS_GUARANTEE_ENCRYPTION;
            let receiver = s.udp4()?;
            s.secured_with(receiver, encrypt)?;
            s.bind(receiver, addr("127.0.0.1:0"))?;
            let at = s.local_addr(receiver)?;
            let sender = s.udp4()?;
            s.secured_with(sender, encrypt)?;
            s.named(sender, &name(&at.to_string(), "host/rogue.contoso.com"))?;
            let to = sockaddr(&at.to_string());
            Ok(s.backend().send_to(sender, b"x", Buffer::Bytes(&to)).map(drop))
        },
    },
];
