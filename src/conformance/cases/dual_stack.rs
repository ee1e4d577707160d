//! `IPV6_V6ONLY` FALSE: a dual-stack IPv6 socket reaches IPv4 peers through IPv4-mapped
//! addresses; the default (TRUE) does not (docs/rules.md P10). The connects are to
//! loopback listeners and the receive is non-blocking and polled ([`polled`]), so nothing
//! can wait on Windows.
#![forbid(unsafe_code)]

use std::net::{IpAddr, SocketAddr};

use windows_sys::Win32::Networking::WinSock::{IPPROTO_IPV6, IPV6_V6ONLY, WSAECONNREFUSED};

use crate::backend::Code;
use crate::conformance::session::{addr, polled, Session, Setup};
use crate::conformance::{check_value, Case};
use crate::wire::encode_sockaddr;

/// Whether `seen` is the IPv4-mapped form of `v4`'s address (the port too).
fn is_mapped(seen: SocketAddr, v4: SocketAddr) -> bool {
    match (seen, v4.ip()) {
        (SocketAddr::V6(v6), IpAddr::V4(ip)) => {
            v6.ip().to_ipv4_mapped() == Some(ip) && v6.port() == v4.port()
        }
        _ => false,
    }
}

/// A listening IPv6 socket on `[::]:0` with `IPV6_V6ONLY` `v6only`, and its port's
/// loopback IPv4 address.
fn listener6(s: &mut Session<'_>, v6only: i32) -> Setup<(crate::sys::SOCKET, SocketAddr)> {
    s.startup()?;
    let listener = s.tcp6()?;
    s.option(listener, IPPROTO_IPV6, IPV6_V6ONLY, v6only)?;
    s.bind(listener, addr("[::]:0"))?;
    s.listen(listener)?;
    let port = s.local_addr(listener)?.port();
    Ok((listener, SocketAddr::new(addr("127.0.0.1:0").ip(), port)))
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "dual-stack-accepts-ipv4-as-mapped",
        rule: "an IPv6 listener with IPV6_V6ONLY FALSE accepts an IPv4 client at its mapped address",
        docs: &["P10"],
        checks: &[],
        choice: None,
        source: "Dual-Stack Sockets for IPv6 Winsock Applications; IPPROTO_IPV6 socket options: IPV6_V6ONLY",
        expected: Ok(()),
        scenario: |s| {
            let (listener, at) = listener6(s, 0)?;
            let client = s.tcp4()?;
            s.connect_to(client, at)?;
            let local = s.local_addr(client)?;
            let accepted = s.accept(listener)?;
            let peer = s.backend().peer_addr(accepted);
            let result = peer.map(drop);
            check_value(
                result,
                "the accepted socket's peer is the client's mapped address (1: yes)",
                1,
                i64::from(peer.is_ok_and(|peer| is_mapped(peer, local))),
            )?;
            Ok(result)
        },
    },
    Case {
        id: "dual-stack-receives-ipv4-datagrams-as-mapped",
        rule: "an IPv6 datagram socket with IPV6_V6ONLY FALSE receives from an IPv4 peer at its mapped address",
        docs: &["P10"],
        checks: &[],
        choice: None,
        source: "Dual-Stack Sockets for IPv6 Winsock Applications",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let receiver = s.udp6()?;
            s.option(receiver, IPPROTO_IPV6, IPV6_V6ONLY, 0)?;
            s.bind(receiver, addr("[::]:0"))?;
            s.nonblocking(receiver)?;
            let port = s.local_addr(receiver)?.port();
            let (sender, from) = s.udp4_at("127.0.0.1:0")?;
            let (raw, len) = encode_sockaddr(SocketAddr::new(from.ip(), port));
            s.sent_to(sender, b"v4", &raw[..len])?;
            let got = polled(|| s.backend().recv_from(receiver, 16));
            let result = got.as_ref().map(drop).map_err(|code| *code);
            check_value(
                result,
                "the sender is the IPv4 peer's mapped address (1: yes)",
                1,
                i64::from(got.is_ok_and(|(data, seen)| {
                    data == b"v4" && seen.is_some_and(|seen| is_mapped(seen, from))
                })),
            )?;
            Ok(result)
        },
    },
    Case {
        id: "v6only-listener-refuses-ipv4",
        rule: "an IPv6 listener with IPV6_V6ONLY TRUE (the default) is not reached by an IPv4 client",
        docs: &["P10"],
        checks: &[],
        choice: Some("dual-stack"),
        source: "IPPROTO_IPV6 socket options: IPV6_V6ONLY (TRUE by default on Windows)",
        expected: Err(Code(WSAECONNREFUSED)),
        scenario: |s| {
            let (_, at) = listener6(s, 1)?;
            let client = s.tcp4()?;
            Ok(s.backend().connect(client, at))
        },
    },
];
