//! IPv4 multicast groups (docs/rules.md P9): a member receives what is sent to its group
//! at its port, a socket that did not join does not, and the membership calls' errors.
//! Receives are non-blocking and polled ([`polled`]): on Windows the datagram loops back a
//! moment later, and nothing here can wait longer than the poll's bound.
#![forbid(unsafe_code)]

use std::net::{Ipv4Addr, SocketAddr};

use windows_sys::Win32::Networking::WinSock::{
    IPPROTO_IP, IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP, SOCKET, WSAEADDRINUSE, WSAEADDRNOTAVAIL,
};

use super::sockaddr;
use crate::backend::Code;
use crate::conformance::session::{polled, Session, Setup};
use crate::conformance::{check_value, Case, Observed};

/// The group the cases use: administratively scoped, never routed off the host.
const GROUP: Ipv4Addr = Ipv4Addr::new(239, 255, 42, 99);

/// An `ip_mreq` for [`GROUP`] on the default interface.
fn mreq() -> [u8; 8] {
    let mut raw = [0u8; 8];
    raw[..4].copy_from_slice(&GROUP.octets());
    raw
}

/// Setup: a non-blocking UDP socket bound to the wildcard address (joined when `join`),
/// with its port.
fn receiver(s: &mut Session<'_>, join: bool) -> Setup<(SOCKET, u16)> {
    s.startup()?;
    let (sock, at) = s.udp4_at("0.0.0.0:0")?;
    let port = at.port();
    s.nonblocking(sock)?;
    if join {
        let joined = s
            .backend()
            .set_option(sock, IPPROTO_IP, IP_ADD_MEMBERSHIP, Some(&mreq()), 8);
        s.required("setsockopt(IP_ADD_MEMBERSHIP)", joined)?;
    }
    Ok((sock, port))
}

/// Setup: a datagram to [`GROUP`] at `port`, then a marker to loopback at `port`.
fn send_group_then_marker(s: &mut Session<'_>, port: u16) -> Setup {
    let sender = s.udp4()?;
    let group = SocketAddr::new(GROUP.into(), port).to_string();
    s.sent_to(sender, b"group", &sockaddr(&group))?;
    s.sent_to(sender, b"marker", &sockaddr(&format!("127.0.0.1:{port}")))
}

/// A receiver (joined when `join`) is sent a group datagram then a marker: its first
/// arrival must be `expected`.
fn first_arrival(s: &mut Session<'_>, join: bool, expected: &[u8], what: &'static str) -> Observed {
    let (sock, port) = receiver(s, join)?;
    send_group_then_marker(s, port)?;
    let first = polled(|| s.backend().recv(sock, 64));
    let result = first.as_ref().map(drop).map_err(|code| *code);
    check_value(result, what, 1, i64::from(first.as_deref() == Ok(expected)))?;
    Ok(result)
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "multicast-member-receives",
        rule: "a socket that joined a group receives a datagram sent to the group at its port",
        docs: &["P9"],
        checks: &[],
        choice: Some("multicast-delivery"),
        source: "IPPROTO_IP socket options: IP_ADD_MEMBERSHIP",
        expected: Ok(()),
        scenario: |s| {
            first_arrival(
                s,
                true,
                b"group",
                "the first arrival is the group's (1: yes)",
            )
        },
    },
    Case {
        id: "multicast-non-member-hears-nothing",
        rule: "a socket that did not join the group does not receive its datagrams",
        docs: &["P9"],
        checks: &[],
        choice: Some("multicast-delivery"),
        source: "IPPROTO_IP socket options: IP_ADD_MEMBERSHIP",
        expected: Ok(()),
        scenario: |s| {
            first_arrival(
                s,
                false,
                b"marker",
                "the first arrival is the marker (1: yes)",
            )
        },
    },
    Case {
        id: "multicast-join-twice",
        rule: "joining a group already joined is WSAEADDRINUSE",
        docs: &["P9"],
        checks: &[],
        choice: Some("multicast-delivery"),
        source: "IPPROTO_IP socket options: IP_ADD_MEMBERSHIP",
        expected: Err(Code(WSAEADDRINUSE)),
        scenario: |s| {
            let (member, _) = receiver(s, true)?;
            Ok(s.backend()
                .set_option(member, IPPROTO_IP, IP_ADD_MEMBERSHIP, Some(&mreq()), 8))
        },
    },
    Case {
        id: "multicast-leave-not-joined",
        rule: "leaving a group not joined is WSAEADDRNOTAVAIL",
        docs: &["P9"],
        checks: &[],
        choice: Some("multicast-delivery"),
        source: "IPPROTO_IP socket options: IP_DROP_MEMBERSHIP",
        expected: Err(Code(WSAEADDRNOTAVAIL)),
        scenario: |s| {
            let (outsider, _) = receiver(s, false)?;
            Ok(s.backend()
                .set_option(outsider, IPPROTO_IP, IP_DROP_MEMBERSHIP, Some(&mreq()), 8))
        },
    },
];
