//! `getsockname` and `getpeername` (docs/rules.md G1–G4): their errors, the lengths
//! written back, and the implicit bind a `connect` or `sendto` makes visible.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{WSAEFAULT, WSAEINVAL, WSAENOTCONN};

use super::sockaddr;
use crate::backend::{Code, Named};
use crate::conformance::session::{addr, Session};
use crate::conformance::{check_value, Case, Observed};

/// The call's result (the address dropped), after checking `*namelen` is `len`.
fn with_len(named: Named, len: i32) -> Observed {
    let result = named.result.map(drop);
    check_value(
        result,
        "*namelen after the call",
        i64::from(len),
        i64::from(named.len.unwrap_or(-99)),
    )?;
    Ok(result)
}

/// `getsockname` of `s` must give a nonzero port, and, with `wildcard`, the wildcard address.
fn bound_name(s: &Session<'_>, sock: usize, wildcard: bool) -> Observed {
    let named = s.backend().local_name(sock, true, Some(128));
    let result = named.result.map(drop);
    let (port, any) = named
        .result
        .map_or((0, false), |a| (a.port(), a.ip().is_unspecified()));
    check_value(result, "a nonzero port (1: yes)", 1, i64::from(port != 0))?;
    check_value(
        result,
        "the wildcard address (1: yes)",
        i64::from(wildcard),
        i64::from(any),
    )?;
    with_len(named, 16)
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "getsockname-unbound",
        rule: "getsockname on a socket never bound is WSAEINVAL",
        docs: &["G1"],
        checks: &[],
        choice: None,
        source: "getsockname: Return value, WSAEINVAL; sock.c test_getsockname",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let sock = s.udp4()?;
            with_len(s.backend().local_name(sock, true, Some(16)), 16)
        },
    },
    Case {
        id: "getsockname-after-bind-port-zero",
        rule: "after bind(INADDR_ANY:0) getsockname gives the wildcard address and a nonzero port",
        docs: &["G1"],
        checks: &[],
        choice: None,
        source: "getsockname: Remarks; sock.c test_getsockname",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let sock = s.tcp4()?;
            s.bind(sock, addr("0.0.0.0:0"))?;
            bound_name(s, sock, true)
        },
    },
    Case {
        id: "getsockname-short-length",
        rule: "getsockname with namelen one short of sockaddr_in is WSAEFAULT, namelen unchanged",
        docs: &["G2"],
        checks: &[],
        choice: None,
        source: "getsockname: Return value, WSAEFAULT; sock.c test_getsockname",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let sock = s.tcp4()?;
            s.bind(sock, addr("127.0.0.1:0"))?;
            with_len(s.backend().local_name(sock, true, Some(15)), 15)
        },
    },
    Case {
        id: "getsockname-ipv6-old-length",
        rule: "getsockname of an IPv6 socket with namelen 24 (the old sockaddr_in6) is WSAEFAULT",
        docs: &["G2"],
        checks: &[],
        choice: None,
        source: "sock.c test_bind (sockaddr_in6_old)",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let sock = s.udp6()?;
            s.bind(sock, addr("[::1]:0"))?;
            with_len(s.backend().local_name(sock, true, Some(24)), 24)
        },
    },
    Case {
        id: "getpeername-unconnected-before-pointers",
        rule: "getpeername on an unconnected socket with NULL arguments is WSAENOTCONN",
        docs: &["G3"],
        checks: &[],
        choice: None,
        source: "getpeername: Return value, WSAENOTCONN; sock.c test_getpeername",
        expected: Err(Code(WSAENOTCONN)),
        scenario: |s| {
            s.startup()?;
            let sock = s.udp4()?;
            Ok(s.backend().peer_name(sock, false, None).result.map(drop))
        },
    },
    Case {
        id: "getpeername-sendto-does-not-connect",
        rule: "a datagram sent with sendto does not give the socket a peer",
        docs: &["G3"],
        checks: &[],
        choice: None,
        source: "getpeername: Remarks (only an address set by connect); sock.c test_getpeername",
        expected: Err(Code(WSAENOTCONN)),
        scenario: |s| {
            s.startup()?;
            let sock = s.udp4()?;
            s.sent_to(sock, b"x", &sockaddr("127.0.0.1:9"))?;
            Ok(s.backend().peer_addr(sock).map(drop))
        },
    },
    Case {
        id: "getpeername-connected-null-arguments",
        rule: "getpeername on a connected socket with NULL arguments is WSAEFAULT",
        docs: &["G2"],
        checks: &[],
        choice: None,
        source: "getpeername: Return value, WSAEFAULT; sock.c test_getpeername",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let sock = s.connected_udp4("127.0.0.1:9")?;
            Ok(s.backend().peer_name(sock, false, None).result.map(drop))
        },
    },
    Case {
        id: "getpeername-zero-length",
        rule: "getpeername with *namelen 0 is WSAEFAULT and *namelen stays 0",
        docs: &["G2"],
        checks: &[],
        choice: None,
        source: "sock.c test_getpeername",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let sock = s.connected_udp4("127.0.0.1:9")?;
            with_len(s.backend().peer_name(sock, true, Some(0)), 0)
        },
    },
    Case {
        id: "getpeername-storage-length",
        rule: "getpeername with a SOCKADDR_STORAGE succeeds and sets *namelen to 16",
        docs: &["G2", "G3"],
        checks: &[],
        choice: None,
        source: "sock.c test_getpeername",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let sock = s.connected_udp4("127.0.0.1:9")?;
            let named = s.backend().peer_name(sock, true, Some(128));
            let result = named.result.map(drop);
            let right = named.result == Ok(addr("127.0.0.1:9"));
            check_value(
                result,
                "the peer is 127.0.0.1:9 (1: yes)",
                1,
                i64::from(right),
            )?;
            with_len(named, 16)
        },
    },
    Case {
        id: "getsockname-after-sendto",
        rule: "sendto binds an unbound socket: getsockname gives INADDR_ANY and a nonzero port",
        docs: &["G4"],
        checks: &[],
        choice: None,
        source: "sendto: Remarks (implicit bind); sock.c test_WSASendTo",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let sock = s.udp4()?;
            s.sent_to(sock, b"x", &sockaddr("127.0.0.1:9"))?;
            bound_name(s, sock, true)
        },
    },
    Case {
        id: "getsockname-after-connect",
        rule: "connect binds an unbound socket: getsockname gives a nonzero port",
        docs: &["G4"],
        checks: &[],
        choice: None,
        source: "connect: Remarks (implicit bind); sock.c test_connecting_socket",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let client = s.connected_tcp4()?;
            bound_name(s, client, false)
        },
    },
];
