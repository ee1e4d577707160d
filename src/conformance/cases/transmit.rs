//! `TransmitFile` and `TransmitPackets` in their memory forms (docs/rules.md K10, K11),
//! called synchronously on loopback connections. A peer that must have received nothing
//! is made non-blocking first, so no receive can wait on Windows.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    SD_SEND, SOCKET, TF_DISCONNECT, TF_REUSE_SOCKET, WSAEFAULT, WSAEINVAL, WSAENOTCONN,
    WSAESHUTDOWN, WSAEWOULDBLOCK,
};

use crate::backend::{Buffer, Code};
use crate::conformance::session::Session;
use crate::conformance::{check_value, Case, Stopped};

/// The head and the tail the cases send.
const HEAD_AND_TAIL: (Buffer<'static>, Buffer<'static>) =
    (Buffer::Bytes(b"hello world"), Buffer::Bytes(b"goodbye!!!"));

/// Checks that `got` is `expected`, naming `what`.
fn same_bytes(got: &[u8], expected: &[u8], what: &'static str) -> Result<(), Stopped> {
    check_value(Ok(()), what, 1, i64::from(got == expected))
}

/// `recv` on the non-blocking `socket` once `select` says it is readable or two seconds
/// passed (then the receive fails with `WSAEWOULDBLOCK`, which stops the case).
fn bounded_receive(s: &mut Session<'_>, socket: SOCKET) -> Result<Vec<u8>, Stopped> {
    s.required(
        "select(readable)",
        s.backend().select([&[socket], &[], &[]], Some((2, 0))),
    )?;
    Ok(s.received(socket, 64)?)
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "transmit-file-head-then-tail",
        rule: "TransmitFile with no file sends the head buffer, then the tail buffer, on a \
               connected stream socket",
        docs: &["K10"],
        checks: &[],
        choice: None,
        source: "TransmitFile: hFile (NULL: only the head and tail), lpTransmitBuffers; \
                 sock.c test_TransmitFile",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (client, accepted) = s.tcp_pair4()?;
            let sent = s.backend().transmit_file(client, Some(HEAD_AND_TAIL), 0);
            if sent.is_err() {
                return Ok(sent);
            }
            let got = s.received(accepted, 64)?;
            same_bytes(
                &got,
                b"hello worldgoodbye!!!",
                "head then tail received (1: yes)",
            )?;
            Ok(Ok(()))
        },
    },
    Case {
        id: "transmit-file-without-buffers-sends-nothing",
        rule: "TransmitFile with neither a file nor buffers succeeds and sends nothing",
        docs: &["K10"],
        checks: &[],
        choice: None,
        source: "TransmitFile: hFile, lpTransmitBuffers; sock.c test_TransmitFile (no \
                 possible buffer)",
        expected: Err(Code(WSAEWOULDBLOCK)),
        scenario: |s| {
            s.startup()?;
            let (client, accepted) = s.tcp_pair4()?;
            s.nonblocking(accepted)?;
            let sent = s.backend().transmit_file(client, None, 0);
            if sent.is_err() {
                return Ok(sent);
            }
            Ok(s.backend().recv(accepted, 64).map(drop))
        },
    },
    Case {
        id: "transmit-file-unconnected",
        rule: "TransmitFile on a stream socket that is not connected is WSAENOTCONN, even \
               with TF_REUSE_SOCKET alone",
        docs: &["K10"],
        checks: &[],
        choice: Some("transmit-checks"),
        source: "TransmitFile: Return value, WSAENOTCONN; sock.c test_TransmitFile",
        expected: Err(Code(WSAENOTCONN)),
        scenario: |s| {
            s.startup()?;
            let sock = s.tcp4()?;
            Ok(s.backend().transmit_file(sock, None, TF_REUSE_SOCKET))
        },
    },
    Case {
        id: "transmit-file-unconnected-udp",
        rule: "TransmitFile on an unconnected UDP socket is WSAENOTCONN",
        docs: &["K10"],
        checks: &[],
        choice: Some("transmit-checks"),
        source: "sock.c test_TransmitFile (a UDP datagram socket)",
        expected: Err(Code(WSAENOTCONN)),
        scenario: |s| {
            s.startup()?;
            let sock = s.udp4()?;
            Ok(s.backend().transmit_file(sock, None, 0))
        },
    },
    Case {
        id: "transmit-file-connected-udp",
        rule: "TransmitFile on a connected datagram socket is WSAEINVAL",
        docs: &["K10"],
        checks: &[],
        choice: Some("transmit-checks"),
        source: "TransmitFile: Return value, WSAEINVAL (a socket of type SOCK_DGRAM)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            // A peer bound at the destination, so that no port-unreachable can arrive and
            // change what a backend that sends reports.
            let (_peer, at) = s.udp4_at("127.0.0.1:0")?;
            let sock = s.udp4()?;
            s.connect_to(sock, at)?;
            Ok(s.backend().transmit_file(sock, Some(HEAD_AND_TAIL), 0))
        },
    },
    Case {
        id: "transmit-file-reuse-needs-disconnect",
        rule: "TransmitFile with TF_REUSE_SOCKET but not TF_DISCONNECT is WSAEINVAL",
        docs: &["K10"],
        checks: &[],
        choice: None,
        source: "TransmitFile: dwFlags, TF_REUSE_SOCKET; Return value, WSAEINVAL",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let client = s.connected_tcp4()?;
            Ok(s.backend()
                .transmit_file(client, Some(HEAD_AND_TAIL), TF_REUSE_SOCKET))
        },
    },
    Case {
        id: "transmit-file-after-shutdown",
        rule: "TransmitFile on a socket shut down for sending is WSAESHUTDOWN",
        docs: &["K10"],
        checks: &[],
        choice: None,
        source: "TransmitFile: Return value, WSAESHUTDOWN",
        expected: Err(Code(WSAESHUTDOWN)),
        scenario: |s| {
            s.startup()?;
            let client = s.connected_tcp4()?;
            let shut = s.backend().shutdown(client, SD_SEND);
            if shut.is_err() {
                return Ok(shut);
            }
            Ok(s.backend().transmit_file(client, Some(HEAD_AND_TAIL), 0))
        },
    },
    Case {
        id: "transmit-file-disconnect",
        rule: "TransmitFile with TF_DISCONNECT sends its buffers, then the peer reads the end \
               of the stream and later sends are WSAESHUTDOWN",
        docs: &["K10"],
        checks: &[],
        choice: Some("transmit-flags"),
        source: "TransmitFile: dwFlags, TF_DISCONNECT (a transport-level disconnect after \
                 the data is queued)",
        expected: Err(Code(WSAESHUTDOWN)),
        scenario: |s| {
            s.startup()?;
            let (client, accepted) = s.tcp_pair4()?;
            let head = (Buffer::Bytes(b"last"), Buffer::null());
            let sent = s.backend().transmit_file(client, Some(head), TF_DISCONNECT);
            if sent.is_err() {
                return Ok(sent);
            }
            // The peer's reads are non-blocking after a bounded select: a backend that never
            // disconnects fails the case (WSAEWOULDBLOCK), it does not hang it.
            s.nonblocking(accepted)?;
            let got = bounded_receive(s, accepted)?;
            same_bytes(&got, b"last", "the head received (1: yes)")?;
            let end = match s.backend().recv(accepted, 64) {
                Ok(end) => end,
                Err(code) => return Ok(Err(code)),
            };
            check_value(Ok(()), "the peer reads 0", 0, end.len() as i64)?;
            Ok(s.backend().send(client, b"x").map(drop))
        },
    },
    Case {
        id: "transmit-file-null-head",
        rule: "TransmitFile with a NULL head buffer and a non-zero length is WSAEFAULT",
        docs: &["K10"],
        checks: &[],
        choice: Some("transmit-checks"),
        source: "TransmitFile: Return value, WSAEFAULT (lpTransmitBuffers not in the user \
                 address space)",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let client = s.connected_tcp4()?;
            let buffers = (Buffer::Null { len: 4 }, Buffer::null());
            Ok(s.backend().transmit_file(client, Some(buffers), 0))
        },
    },
    Case {
        id: "transmit-packets-in-order",
        rule: "TransmitPackets sends its memory elements in order on a connected stream socket",
        docs: &["K11"],
        checks: &[],
        choice: None,
        source: "TransmitPackets: lpPacketArray; TRANSMIT_PACKETS_ELEMENT: TP_ELEMENT_MEMORY",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (client, accepted) = s.tcp_pair4()?;
            let elements: [(&[u8], bool); 3] = [(b"GET ", false), (b"/ ", false), (b"1.1", false)];
            let sent = s.backend().transmit_packets(client, &elements, 0);
            if sent.is_err() {
                return Ok(sent);
            }
            let got = s.received(accepted, 64)?;
            same_bytes(&got, b"GET / 1.1", "the elements in order (1: yes)")?;
            Ok(Ok(()))
        },
    },
    Case {
        id: "transmit-packets-datagram-per-packet",
        rule: "On a connected UDP socket, each TP_ELEMENT_EOP packet of TransmitPackets is \
               one datagram",
        docs: &["K11"],
        checks: &[],
        choice: Some("transmit-packets-datagrams"),
        source: "TRANSMIT_PACKETS_ELEMENT: TP_ELEMENT_EOP (not combined with the next \
                 element; message control on datagram sockets)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (receiver, at) = s.udp4_at("127.0.0.1:0")?;
            let sender = s.udp4()?;
            s.connect_to(sender, at)?;
            let elements: [(&[u8], bool); 2] = [(b"ab", true), (b"cd", true)];
            let sent = s.backend().transmit_packets(sender, &elements, 0);
            if sent.is_err() {
                return Ok(sent);
            }
            let first = s.received(receiver, 64)?;
            same_bytes(&first, b"ab", "the first datagram (1: yes)")?;
            let second = s.received(receiver, 64)?;
            same_bytes(&second, b"cd", "the second datagram (1: yes)")?;
            Ok(Ok(()))
        },
    },
    Case {
        id: "transmit-packets-disconnect-on-datagram",
        rule: "TransmitPackets with TF_DISCONNECT on a datagram socket is WSAEINVAL",
        docs: &["K11"],
        checks: &[],
        choice: Some("transmit-checks"),
        source: "TransmitPackets: dwFlags, TF_DISCONNECT (an error on sockets without \
                 disconnect semantics)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let sock = s.connected_udp4("127.0.0.1:9")?;
            let elements: [(&[u8], bool); 1] = [(b"x", true)];
            Ok(s.backend().transmit_packets(sock, &elements, TF_DISCONNECT))
        },
    },
    Case {
        id: "transmit-packets-unconnected",
        rule: "TransmitPackets on a stream socket that is not connected is WSAENOTCONN",
        docs: &["K11"],
        checks: &[],
        choice: None,
        source: "TransmitPackets: Return value, WSAENOTCONN (returned for a stream socket)",
        expected: Err(Code(WSAENOTCONN)),
        scenario: |s| {
            s.startup()?;
            let sock = s.tcp4()?;
            let elements: [(&[u8], bool); 1] = [(b"x", false)];
            Ok(s.backend().transmit_packets(sock, &elements, 0))
        },
    },
];
