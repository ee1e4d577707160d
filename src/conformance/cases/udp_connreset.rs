//! Windows' UDP "connection reset" (docs/rules.md N8): a datagram that finds no socket at
//! its destination draws an ICMP Port Unreachable, which the sender's next receive reports
//! as `WSAECONNRESET`, unless `WSAIoctl(SIO_UDP_CONNRESET, FALSE)` turned that off.
//!
//! On Windows the ICMP message comes back asynchronously, and a blocking receive with
//! nothing to report would hang: so the sender is non-blocking, sends a marker datagram to
//! itself after the one that finds nobody, and is polled (a bounded number of times) until
//! something arrives. The emulator answers the first poll.
#![forbid(unsafe_code)]

use std::net::SocketAddr;

use windows_sys::Win32::Foundation::FALSE;
use windows_sys::Win32::Networking::WinSock::{
    SIO_UDP_CONNRESET, SOCKET, WSAECONNRESET, WSAEWOULDBLOCK,
};

use super::sockaddr;
use crate::backend::{Buffer, CallResult, Code};
use crate::conformance::session::{addr, polled, Session, Setup};
use crate::conformance::{check_value, Case};

/// Setup: a non-blocking UDP socket bound on 127.0.0.1, and a loopback address where
/// nobody is bound (a socket's, closed).
fn sender_and_nobody(s: &mut Session<'_>) -> Setup<(SOCKET, SocketAddr)> {
    s.startup()?;
    let gone = s.udp4()?;
    s.bind(gone, addr("127.0.0.1:0"))?;
    let nobody = s.local_addr(gone)?;
    s.close(gone)?;
    let sender = s.udp4()?;
    s.bind(sender, addr("127.0.0.1:0"))?;
    s.nonblocking(sender)?;
    Ok((sender, nobody))
}

/// `sendto(sender, nobody)`, then a marker datagram to itself: the datagrams the case sends.
fn send_lost_then_marker(s: &mut Session<'_>, sender: SOCKET, nobody: SocketAddr) -> Setup {
    let me = s.local_addr(sender)?;
    s.sent_to(sender, b"lost", &sockaddr(&nobody.to_string()))?;
    s.sent_to(sender, b"marker", &sockaddr(&me.to_string()))
}

/// `recvfrom(sender)`, retried while it would block ([`polled`]).
fn first_arrival(s: &mut Session<'_>, sender: SOCKET) -> CallResult<Vec<u8>> {
    polled(|| s.backend().recv_from(sender, 64)).map(|(bytes, _)| bytes)
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "udp-recvfrom-after-port-unreachable",
        rule: "a UDP socket whose datagram found nobody: its next recvfrom fails with WSAECONNRESET",
        docs: &["N8"],
        checks: &[],
        choice: Some("udp-port-unreachable"),
        source: "recvfrom: Return value, WSAECONNRESET (a previous send resulted in an ICMP Port Unreachable message)",
        expected: Err(Code(WSAECONNRESET)),
        scenario: |s| {
            let (sender, nobody) = sender_and_nobody(s)?;
            send_lost_then_marker(s, sender, nobody)?;
            Ok(first_arrival(s, sender).map(drop))
        },
    },
    Case {
        id: "udp-connreset-false-reports-nothing",
        rule: "after WSAIoctl(SIO_UDP_CONNRESET, FALSE), a datagram that found nobody is not reported",
        docs: &["N8"],
        checks: &[],
        choice: Some("udp-connreset-control"),
        source: "Winsock IOCTLs: SIO_UDP_CONNRESET (FALSE disables reporting)",
        expected: Err(Code(WSAEWOULDBLOCK)),
        scenario: |s| {
            let (sender, nobody) = sender_and_nobody(s)?;
            let off = FALSE.to_ne_bytes();
            let set = s.backend().ioctl(sender, SIO_UDP_CONNRESET, Buffer::Bytes(&off));
            if let Err(code) = set {
                return Ok(Err(code));
            }
            send_lost_then_marker(s, sender, nobody)?;
            let marker = first_arrival(s, sender);
            let outcome = marker.as_ref().map(drop).map_err(|code| *code);
            check_value(outcome, "first arrival is the marker (1: yes)", 1, i64::from(marker.as_deref() == Ok(b"marker")))?;
            Ok(s.backend().recv_from(sender, 64).map(drop))
        },
    },
];
