//! `getsockopt` and `setsockopt` (docs/rules.md P1–P8, docs/options.md): each option's
//! default, a round trip, the lengths Windows accepts, the errors, and what the acting
//! options do. Every call returns at once on Windows too: the receive that sees a reset is
//! non-blocking and polled ([`polled`]).
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    AF_INET6, INVALID_SOCKET, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP, IPV6_PKTINFO,
    IPV6_UNICAST_HOPS, IPV6_V6ONLY, IP_ADD_MEMBERSHIP, IP_MULTICAST_LOOP, IP_MULTICAST_TTL,
    IP_PKTINFO, IP_TTL, SOCKET, SOCK_STREAM, SOL_SOCKET, SO_ACCEPTCONN, SO_BROADCAST,
    SO_CONDITIONAL_ACCEPT, SO_CONNECT_TIME, SO_DONTLINGER, SO_ERROR, SO_EXCLUSIVEADDRUSE,
    SO_KEEPALIVE, SO_LINGER, SO_MAX_MSG_SIZE, SO_OOBINLINE, SO_PROTOCOL_INFOW, SO_RCVBUF,
    SO_RCVTIMEO, SO_REUSEADDR, SO_SNDBUF, SO_SNDTIMEO, SO_TYPE, TCP_KEEPALIVE, TCP_KEEPCNT,
    TCP_KEEPINTVL, TCP_NODELAY, WSAEACCES, WSAECONNRESET, WSAEFAULT, WSAEINVAL, WSAENOBUFS,
    WSAENOPROTOOPT, WSAENOTSOCK,
};

use super::sockaddr;
use crate::backend::{Code, GotOption};
use crate::conformance::session::{addr, polled, Session, Setup};
use crate::conformance::{check_value, Case, Observed};

/// A socket of the kind a case names.
fn socket_of(s: &mut Session<'_>, kind: &str) -> Setup<SOCKET> {
    s.startup()?;
    match kind {
        "tcp4" => s.tcp4(),
        "tcp6" => s.tcp6(),
        "udp6" => s.udp6(),
        _ => s.udp4(),
    }
}

/// `getsockopt` with `*optlen` = `len`: its result, after checking `*optlen` and the first
/// byte (or the `int`, with `len` 4 or more) against what Windows gives.
fn read_back(got: &GotOption, len: i32, value: i32) -> Observed {
    check_value(
        got.result,
        "*optlen after the call",
        i64::from(len),
        i64::from(got.len),
    )?;
    let observed = if len >= 4 {
        got.int()
    } else {
        i32::from(got.bytes[0])
    };
    check_value(
        got.result,
        "the value read",
        i64::from(value),
        i64::from(observed),
    )?;
    Ok(got.result)
}

/// The case: a fresh `kind` socket reads `value` for `level`/`name` (an `int`).
macro_rules! default_case {
    ($id:literal, $kind:literal, $level:expr, $name:expr, $value:expr, $len:expr, $choice:expr) => {
        Case {
            id: $id,
            rule: concat!("an option never set reads its default (", $id, ")"),
            docs: &["P2"],
            checks: &[],
            choice: $choice,
            source:
                "getsockopt: Remarks (an option never set returns its default); the option's page",
            expected: Ok(()),
            scenario: |s| {
                let sock = socket_of(s, $kind)?;
                let got = s.backend().get_option(sock, $level, $name, 4);
                read_back(&got, $len, $value)
            },
        }
    };
}

/// The case: `setsockopt(value)` with 4 bytes, then `getsockopt` reads `back`.
macro_rules! round_trip_case {
    ($id:literal, $kind:literal, $level:expr, $name:expr, $value:expr, $back:expr, $len:expr) => {
        Case {
            id: $id,
            rule: concat!("a value set reads back (", $id, ")"),
            docs: &["P2"],
            checks: &[],
            choice: None,
            source:
                "setsockopt, getsockopt: Remarks; the option's page; sock.c test_set_getsockopt",
            expected: Ok(()),
            scenario: |s| {
                let sock = socket_of(s, $kind)?;
                let bytes = ($value as i32).to_le_bytes();
                let set = s.backend().set_option(sock, $level, $name, Some(&bytes), 4);
                if set.is_err() {
                    return Ok(set);
                }
                let got = s.backend().get_option(sock, $level, $name, 4);
                read_back(&got, $len, $back)
            },
        }
    };
}

/// The case: one call of `setsockopt` on a fresh `kind` socket.
macro_rules! set_case {
    ($id:literal, $rule:literal, $docs:expr, $choice:expr, $source:literal, $expected:expr,
     $kind:literal, $level:expr, $name:expr, $bytes:expr, $len:expr) => {
        Case {
            id: $id,
            rule: $rule,
            docs: $docs,
            checks: &[],
            choice: $choice,
            source: $source,
            expected: $expected,
            scenario: |s| {
                let sock = socket_of(s, $kind)?;
                let bytes: &[u8] = &$bytes;
                Ok(s.backend()
                    .set_option(sock, $level, $name, Some(bytes), $len))
            },
        }
    };
}

/// `getsockopt` with a short `*optlen` fails, leaving `len` and the first byte as given.
fn short_get(s: &mut Session<'_>, name: (i32, i32), optlen: i32, len: i32, first: u8) -> Observed {
    let sock = socket_of(s, "tcp4")?;
    let got = s.backend().get_option(sock, name.0, name.1, optlen);
    check_value(
        got.result,
        "*optlen after the call",
        i64::from(len),
        i64::from(got.len),
    )?;
    check_value(
        got.result,
        "the buffer's first byte",
        i64::from(first),
        i64::from(got.bytes[0]),
    )?;
    Ok(got.result)
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    default_case!("option-default-so-type-tcp", "tcp4", SOL_SOCKET, SO_TYPE, SOCK_STREAM, 4, None),
    default_case!("option-default-so-type-udp", "udp4", SOL_SOCKET, SO_TYPE, 2, 4, None),
    default_case!("option-default-so-acceptconn", "tcp4", SOL_SOCKET, SO_ACCEPTCONN, 0, 4, None),
    default_case!("option-default-so-error", "tcp4", SOL_SOCKET, SO_ERROR, 0, 4, None),
    default_case!("option-default-so-reuseaddr", "tcp4", SOL_SOCKET, SO_REUSEADDR, 0, 4, None),
    default_case!("option-default-so-exclusiveaddruse", "tcp4", SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 0, 4, None),
    default_case!("option-default-so-broadcast", "udp4", SOL_SOCKET, SO_BROADCAST, 0, 4, None),
    default_case!("option-default-so-keepalive", "tcp4", SOL_SOCKET, SO_KEEPALIVE, 0, 1, Some("option-defaults")),
    default_case!("option-default-so-linger", "tcp4", SOL_SOCKET, SO_LINGER, 0, 4, None),
    default_case!("option-default-so-dontlinger", "tcp4", SOL_SOCKET, SO_DONTLINGER, 1, 4, None),
    default_case!("option-default-so-rcvbuf", "tcp4", SOL_SOCKET, SO_RCVBUF, 65_536, 4, Some("option-defaults")),
    default_case!("option-default-so-sndbuf", "tcp4", SOL_SOCKET, SO_SNDBUF, 65_536, 4, Some("option-defaults")),
    default_case!("option-default-so-rcvtimeo", "tcp4", SOL_SOCKET, SO_RCVTIMEO, 0, 4, None),
    default_case!("option-default-so-sndtimeo", "tcp4", SOL_SOCKET, SO_SNDTIMEO, 0, 4, None),
    default_case!("option-default-so-conditional-accept", "tcp4", SOL_SOCKET, SO_CONDITIONAL_ACCEPT, 0, 4, Some("option-defaults")),
    default_case!("option-default-so-connect-time", "tcp4", SOL_SOCKET, SO_CONNECT_TIME, -1, 4, Some("connect-time")),
    default_case!("option-default-so-max-msg-size", "udp4", SOL_SOCKET, SO_MAX_MSG_SIZE, 65_507, 4, None),
    default_case!("option-default-so-oobinline", "tcp4", SOL_SOCKET, SO_OOBINLINE, 0, 4, None),
    default_case!("option-default-tcp-nodelay", "tcp4", IPPROTO_TCP, TCP_NODELAY, 0, 1, None),
    default_case!("option-default-tcp-keepalive", "tcp4", IPPROTO_TCP, TCP_KEEPALIVE, 7_200, 4, Some("option-defaults")),
    default_case!("option-default-tcp-keepintvl", "tcp4", IPPROTO_TCP, TCP_KEEPINTVL, 1, 4, Some("option-defaults")),
    default_case!("option-default-tcp-keepcnt", "tcp4", IPPROTO_TCP, TCP_KEEPCNT, 10, 4, Some("option-defaults")),
    default_case!("option-default-ip-ttl", "tcp4", IPPROTO_IP, IP_TTL, 128, 4, Some("option-defaults")),
    default_case!("option-default-ip-multicast-ttl", "udp4", IPPROTO_IP, IP_MULTICAST_TTL, 1, 4, Some("option-defaults")),
    default_case!("option-default-ip-multicast-loop", "udp4", IPPROTO_IP, IP_MULTICAST_LOOP, 1, 4, None),
    default_case!("option-default-ipv6-v6only", "tcp6", IPPROTO_IPV6, IPV6_V6ONLY, 1, 1, None),
    default_case!("option-default-ip-pktinfo", "udp4", IPPROTO_IP, IP_PKTINFO, 0, 4, None),
    default_case!("option-default-ipv6-pktinfo", "udp6", IPPROTO_IPV6, IPV6_PKTINFO, 0, 4, None),
    default_case!("option-default-ipv6-unicast-hops", "udp6", IPPROTO_IPV6, IPV6_UNICAST_HOPS, 128, 4, Some("option-defaults")),
    round_trip_case!("option-set-so-reuseaddr", "tcp4", SOL_SOCKET, SO_REUSEADDR, 5, 1, 4),
    round_trip_case!("option-set-so-exclusiveaddruse", "tcp4", SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1, 1, 4),
    round_trip_case!("option-set-so-broadcast", "udp4", SOL_SOCKET, SO_BROADCAST, 0x100, 1, 4),
    round_trip_case!("option-set-so-keepalive", "tcp4", SOL_SOCKET, SO_KEEPALIVE, 1, 1, 1),
    round_trip_case!("option-set-so-linger", "tcp4", SOL_SOCKET, SO_LINGER, 1 | (9 << 16), 1 | (9 << 16), 4),
    round_trip_case!("option-set-so-dontlinger", "tcp4", SOL_SOCKET, SO_DONTLINGER, 0, 0, 4),
    round_trip_case!("option-set-so-rcvbuf", "tcp4", SOL_SOCKET, SO_RCVBUF, 4_096, 4_096, 4),
    round_trip_case!("option-set-so-sndbuf", "tcp4", SOL_SOCKET, SO_SNDBUF, 4_096, 4_096, 4),
    round_trip_case!("option-set-so-rcvtimeo", "tcp4", SOL_SOCKET, SO_RCVTIMEO, 63_000, 63_000, 4),
    round_trip_case!("option-set-so-sndtimeo", "tcp4", SOL_SOCKET, SO_SNDTIMEO, 997_000, 997_000, 4),
    round_trip_case!("option-set-so-error", "tcp4", SOL_SOCKET, SO_ERROR, 1_234, 1_234, 4),
    round_trip_case!("option-set-so-conditional-accept", "tcp4", SOL_SOCKET, SO_CONDITIONAL_ACCEPT, 1, 1, 4),
    round_trip_case!("option-set-so-oobinline", "tcp4", SOL_SOCKET, SO_OOBINLINE, 1, 1, 4),
    round_trip_case!("option-set-tcp-nodelay-low-byte", "tcp4", IPPROTO_TCP, TCP_NODELAY, 0x100, 0, 1),
    round_trip_case!("option-set-tcp-nodelay", "tcp4", IPPROTO_TCP, TCP_NODELAY, 1, 1, 1),
    round_trip_case!("option-set-tcp-keepalive", "tcp4", IPPROTO_TCP, TCP_KEEPALIVE, 3_600, 3_600, 4),
    round_trip_case!("option-set-tcp-keepintvl", "tcp4", IPPROTO_TCP, TCP_KEEPINTVL, 5, 5, 4),
    round_trip_case!("option-set-tcp-keepcnt", "tcp4", IPPROTO_TCP, TCP_KEEPCNT, 5, 5, 4),
    round_trip_case!("option-set-ip-ttl", "tcp4", IPPROTO_IP, IP_TTL, 64, 64, 4),
    round_trip_case!("option-set-ip-multicast-ttl", "udp4", IPPROTO_IP, IP_MULTICAST_TTL, 8, 8, 4),
    round_trip_case!("option-set-ip-multicast-loop", "udp4", IPPROTO_IP, IP_MULTICAST_LOOP, 0, 0, 4),
    round_trip_case!("option-set-ipv6-v6only", "udp6", IPPROTO_IPV6, IPV6_V6ONLY, 0, 0, 1),
    round_trip_case!("option-set-ip-pktinfo", "udp4", IPPROTO_IP, IP_PKTINFO, 7, 1, 4),
    round_trip_case!("option-set-ipv6-pktinfo", "udp6", IPPROTO_IPV6, IPV6_PKTINFO, 1, 1, 4),
    round_trip_case!("option-set-ipv6-unicast-hops", "udp6", IPPROTO_IPV6, IPV6_UNICAST_HOPS, 32, 32, 4),
    Case {
        id: "option-tolerant-get-one-and-two-bytes",
        rule: "a 1-byte-tolerant option read with 2 bytes writes 2 and reports 1",
        docs: &["P3"],
        checks: &[],
        choice: None,
        source: "sock.c test_set_getsockopt (test_optsize: 1B-tolerant options)",
        expected: Ok(()),
        scenario: |s| {
            let sock = socket_of(s, "tcp4")?;
            s.option(sock, SOL_SOCKET, SO_REUSEADDR, 1)?;
            let got = s.backend().get_option(sock, SOL_SOCKET, SO_REUSEADDR, 2);
            check_value(got.result, "the second byte", 0, i64::from(got.bytes[1]))?;
            read_back(&got, 1, 1)
        },
    },
    Case {
        id: "option-short-get-rcvbuf-writes-zeros",
        rule: "SO_RCVBUF read with 1 byte fails and writes a zero byte, *optlen unchanged",
        docs: &["P3"],
        checks: &[],
        choice: None,
        source: "sock.c test_set_getsockopt (test_optsize: SO_RCVBUF)",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| short_get(s, (SOL_SOCKET, SO_RCVBUF), 1, 1, 0),
    },
    Case {
        id: "option-short-get-rcvtimeo-untouched",
        rule: "SO_RCVTIMEO read with 2 bytes fails, buffer and *optlen untouched",
        docs: &["P3"],
        checks: &[],
        choice: None,
        source: "sock.c test_set_getsockopt (test_optsize: SO_RCVTIMEO)",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| short_get(s, (SOL_SOCKET, SO_RCVTIMEO), 2, 2, 0xAB),
    },
    Case {
        id: "option-short-get-keepcnt-zero-length",
        rule: "TCP_KEEPCNT read with 2 bytes fails and sets *optlen to 0",
        docs: &["P3"],
        checks: &[],
        choice: None,
        source: "sock.c test_set_getsockopt (test_optsize: TCP_KEEPCNT)",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| short_get(s, (IPPROTO_TCP, TCP_KEEPCNT), 2, 0, 0xAB),
    },
    Case {
        id: "option-short-get-protocol-info-size-needed",
        rule: "SO_PROTOCOL_INFOW read with a short buffer fails and sets *optlen to the size needed",
        docs: &["P3"],
        checks: &[],
        choice: None,
        source: "sock.c test_set_getsockopt (SO_PROTOCOL_INFO, short optlen)",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| short_get(s, (SOL_SOCKET, SO_PROTOCOL_INFOW), 4, 628, 0xAB),
    },
    Case {
        id: "option-get-zero-length",
        rule: "getsockopt with *optlen 0 is WSAEFAULT",
        docs: &["P3"],
        checks: &[],
        choice: None,
        source: "sock.c test_set_getsockopt (test_optsize: optlen 0)",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| short_get(s, (SOL_SOCKET, SO_REUSEADDR), 0, 0, 0xAB),
    },
    set_case!("option-set-empty-boolean", "setsockopt of a SOL_SOCKET boolean with optlen 0 succeeds",
        &["P3"], Some("option-short-buffers"), "sock.c test_set_getsockopt (test_optsize: optlen 0)",
        Ok(()), "udp4", SOL_SOCKET, SO_BROADCAST, [1, 0, 0, 0], 0),
    set_case!("option-ip-pktinfo-on-tcp", "IP_PKTINFO on a stream socket is WSAEINVAL",
        &["P2"], None, "sock.c test_sockopt_validity (IP_PKTINFO on TCP)",
        Err(Code(WSAEINVAL)), "tcp4", IPPROTO_IP, IP_PKTINFO, [1, 0, 0, 0], 4),
    set_case!("option-set-empty-ttl", "setsockopt of IP_TTL with optlen 0 is WSAEFAULT",
        &["P3"], None, "sock.c test_set_getsockopt (test_optsize: optlen 0)",
        Err(Code(WSAEFAULT)), "udp4", IPPROTO_IP, IP_TTL, [1, 0, 0, 0], 0),
    set_case!("option-set-short-rcvbuf", "setsockopt of SO_RCVBUF with 2 bytes is WSAEFAULT",
        &["P3"], None, "sock.c test_set_getsockopt (test_optsize: short optlen)",
        Err(Code(WSAEFAULT)), "tcp4", SOL_SOCKET, SO_RCVBUF, [0, 16, 0, 0], 2),
    set_case!("option-set-negative-socket-int", "setsockopt of a 4-byte SOL_SOCKET option with optlen -1 succeeds",
        &["P3"], Some("option-short-buffers"), "sock.c test_set_getsockopt (test_optsize: optlen -1)",
        Ok(()), "tcp4", SOL_SOCKET, SO_RCVBUF, [0, 16, 0, 0], -1),
    set_case!("option-set-negative-one-byte", "setsockopt of a 1-byte option with optlen -1 is WSAENOBUFS",
        &["P3"], Some("option-short-buffers"), "sock.c test_set_getsockopt (test_optsize: optlen -1)",
        Err(Code(WSAENOBUFS)), "tcp4", IPPROTO_TCP, TCP_NODELAY, [1, 0, 0, 0], -1),
    set_case!("option-unknown-level", "an unknown level is WSAEINVAL",
        &["P1"], None, "getsockopt, setsockopt: Return value, WSAEINVAL (level unknown); sock.c",
        Err(Code(WSAEINVAL)), "tcp4", 0x1234_ffff, SO_REUSEADDR, [1, 0, 0, 0], 4),
    set_case!("option-unknown-name", "an unknown option at a known level is WSAENOPROTOOPT",
        &["P1"], None, "getsockopt: Return value, WSAENOPROTOOPT; sock.c test_sockopt_validity",
        Err(Code(WSAENOPROTOOPT)), "tcp4", IPPROTO_IP, -1, [1, 0, 0, 0], 4),
    set_case!("option-set-acceptconn", "SO_ACCEPTCONN cannot be set",
        &["P1"], None, "setsockopt: Remarks (SO_ACCEPTCONN cannot be set); sock.c test_listen",
        Err(Code(WSAENOPROTOOPT)), "tcp4", SOL_SOCKET, SO_ACCEPTCONN, [1, 0, 0, 0], 4),
    set_case!("option-linger-on-udp", "SO_LINGER is for stream sockets",
        &["P1"], None, "SOL_SOCKET socket options: SO_LINGER; sock.c test_extendedSocketOptions",
        Err(Code(WSAENOPROTOOPT)), "udp4", SOL_SOCKET, SO_LINGER, [1, 0, 0, 0], 4),
    set_case!("option-multicast-ttl-on-tcp", "IP_MULTICAST_TTL on a TCP socket is WSAEINVAL",
        &["P1"], Some("option-applicability"), "sock.c test_sockopt_validity",
        Err(Code(WSAEINVAL)), "tcp4", IPPROTO_IP, IP_MULTICAST_TTL, [1, 0, 0, 0], 4),
    set_case!("option-ttl-above-255", "IP_TTL above 255 is WSAEINVAL",
        &["P7"], None, "sock.c test_set_getsockopt (test_optsize: 0x100)",
        Err(Code(WSAEINVAL)), "udp4", IPPROTO_IP, IP_TTL, [0, 1, 0, 0], 4),
    set_case!("option-keepcnt-above-255", "TCP_KEEPCNT above 255 is WSAEINVAL",
        &["P7"], None, "IPPROTO_TCP socket options: TCP_KEEPCNT; sock.c",
        Err(Code(WSAEINVAL)), "tcp4", IPPROTO_TCP, TCP_KEEPCNT, [0, 1, 0, 0], 4),
    Case {
        id: "option-invalid-socket",
        rule: "getsockopt on INVALID_SOCKET is WSAENOTSOCK, even before its pointers",
        docs: &["P1"],
        checks: &[],
        choice: Some("option-check-order"),
        source: "sock.c test_set_getsockopt (SO_PROTOCOL_INFO on INVALID_SOCKET)",
        expected: Err(Code(WSAENOTSOCK)),
        scenario: |s| {
            s.startup()?;
            Ok(s.backend().get_option(INVALID_SOCKET, SOL_SOCKET, SO_PROTOCOL_INFOW, 0).result)
        },
    },
    Case {
        id: "option-membership-cannot-be-read",
        rule: "IP_ADD_MEMBERSHIP cannot be read",
        docs: &["P1"],
        checks: &[],
        choice: None,
        source: "sock.c test_sockopt_validity (IP_ADD_MEMBERSHIP)",
        expected: Err(Code(WSAENOPROTOOPT)),
        scenario: |s| {
            let sock = socket_of(s, "udp4")?;
            Ok(s.backend().get_option(sock, IPPROTO_IP, IP_ADD_MEMBERSHIP, 8).result)
        },
    },
    Case {
        id: "option-reuse-with-exclusive",
        rule: "SO_EXCLUSIVEADDRUSE while SO_REUSEADDR is set is WSAEINVAL",
        docs: &["P7"],
        checks: &[],
        choice: None,
        source: "sock.c test_reuseaddr",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            let sock = socket_of(s, "tcp4")?;
            s.option(sock, SOL_SOCKET, SO_REUSEADDR, 1)?;
            let on = 1i32.to_le_bytes();
            Ok(s.backend().set_option(sock, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, Some(&on), 4))
        },
    },
    Case {
        id: "option-v6only-after-bind",
        rule: "IPV6_V6ONLY after bind fails and the value stays",
        docs: &["P7"],
        checks: &[],
        choice: Some("option-values"),
        source: "IPPROTO_IPV6 socket options: IPV6_V6ONLY (set before bind); sock.c test_ipv6only",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            let sock = socket_of(s, "udp6")?;
            s.bind(sock, addr("[::1]:0"))?;
            let off = 0i32.to_le_bytes();
            let set = s.backend().set_option(sock, IPPROTO_IPV6, IPV6_V6ONLY, Some(&off), 4);
            let got = s.backend().get_option(sock, IPPROTO_IPV6, IPV6_V6ONLY, 4);
            check_value(set, "IPV6_V6ONLY after the call", 1, i64::from(got.bytes[0]))?;
            Ok(set)
        },
    },
    Case {
        id: "option-acceptconn-after-listen",
        rule: "SO_ACCEPTCONN is TRUE once listening",
        docs: &["P4"],
        checks: &[],
        choice: None,
        source: "SOL_SOCKET socket options: SO_ACCEPTCONN; sock.c test_listen",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (listener, _) = s.listener4()?;
            let got = s.backend().get_option(listener, SOL_SOCKET, SO_ACCEPTCONN, 4);
            read_back(&got, 4, 1)
        },
    },
    Case {
        id: "option-protocol-info-describes-the-socket",
        rule: "SO_PROTOCOL_INFOW gives the socket's family, type and protocol",
        docs: &["P4"],
        checks: &[],
        choice: None,
        source: "sock.c test_set_getsockopt (SO_PROTOCOL_INFO)",
        expected: Ok(()),
        scenario: |s| {
            let sock = socket_of(s, "tcp6")?;
            let got = s.backend().get_option(sock, SOL_SOCKET, SO_PROTOCOL_INFOW, 700);
            let field = |at: usize| i32::from_le_bytes([got.bytes[at], got.bytes[at + 1], got.bytes[at + 2], got.bytes[at + 3]]);
            // A longer *optlen is left as given: `ok(size == sizeof(WSAPROTOCOL_INFOA) * 2)`.
            check_value(got.result, "*optlen", 700, i64::from(got.len))?;
            check_value(got.result, "iAddressFamily", i64::from(AF_INET6), i64::from(field(76)))?;
            check_value(got.result, "iSocketType", i64::from(SOCK_STREAM), i64::from(field(88)))?;
            check_value(got.result, "iProtocol", i64::from(IPPROTO_TCP), i64::from(field(92)))?;
            Ok(got.result)
        },
    },
    Case {
        id: "option-connect-time-once-connected",
        rule: "SO_CONNECT_TIME of a socket just connected is 0 seconds",
        docs: &["P8"],
        checks: &[],
        choice: Some("connect-time"),
        source: "sock.c test_connect_time",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let client = s.connected_tcp4()?;
            let got = s.backend().get_option(client, SOL_SOCKET, SO_CONNECT_TIME, 4);
            read_back(&got, 4, 0)
        },
    },
    Case {
        id: "option-linger-zero-resets-the-peer",
        rule: "closesocket with SO_LINGER {1, 0} resets: the peer's recv fails with WSAECONNRESET",
        docs: &["P5"],
        checks: &[],
        choice: None,
        source: "closesocket: Remarks (l_onoff nonzero, l_linger zero: hard close); sock.c test_tcp_reset",
        expected: Err(Code(WSAECONNRESET)),
        scenario: |s| {
            s.startup()?;
            let (client, accepted) = s.tcp_pair4()?;
            s.nonblocking(accepted)?;
            s.option(client, SOL_SOCKET, SO_LINGER, 1)?;
            s.close(client)?;
            Ok(polled(|| s.backend().recv(accepted, 16)).map(drop))
        },
    },
    Case {
        id: "option-broadcast-needed-for-sendto",
        rule: "sendto 255.255.255.255 without SO_BROADCAST is WSAEACCES",
        docs: &["P6"],
        checks: &[],
        choice: None,
        source: "sendto: Return value, WSAEACCES; sock.c test_broadcast",
        expected: Err(Code(WSAEACCES)),
        scenario: |s| {
            let sock = socket_of(s, "udp4")?;
            let all = sockaddr("255.255.255.255:9");
            Ok(s.backend().send_to(sock, b"x", crate::backend::Buffer::Bytes(&all)).map(drop))
        },
    },
    Case {
        id: "option-broadcast-with-so-broadcast",
        rule: "sendto 255.255.255.255 with SO_BROADCAST succeeds",
        docs: &["P6"],
        checks: &[],
        choice: None,
        source: "sendto: Return value, WSAEACCES (SO_BROADCAST); sock.c test_broadcast",
        expected: Ok(()),
        scenario: |s| {
            let sock = socket_of(s, "udp4")?;
            s.option(sock, SOL_SOCKET, SO_BROADCAST, 1)?;
            let all = sockaddr("255.255.255.255:9");
            Ok(s.backend().send_to(sock, b"x", crate::backend::Buffer::Bytes(&all)).map(drop))
        },
    },
];
