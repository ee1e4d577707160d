//! `WSARecvMsg`, looked up through `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)` with
//! `WSAID_WSARECVMSG`, and the packet information `IP_PKTINFO`/`IPV6_PKTINFO` give as its
//! control data (docs/rules.md M3, M4). Receives are non-blocking and polled ([`polled`]),
//! so nothing can wait on Windows.
#![forbid(unsafe_code)]

use std::mem::size_of;
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::{
    IPPROTO_IP, IPPROTO_IPV6, IPV6_PKTINFO, IP_PKTINFO, MSG_CTRUNC, SOCKET, WSAEFAULT, WSAEMSGSIZE,
};

use crate::backend::{Code, ReceivedMsg};
use crate::conformance::session::{addr, polled, Session, Setup};
use crate::conformance::{check_value, Case, Observed};
use crate::wire::control::DATA_OFFSET as DATA_AT;
use crate::wire::encode_sockaddr;

/// Where the header's `cmsg_level` is: after the `SIZE_T` `cmsg_len`.
const LEVEL_AT: usize = size_of::<usize>();

/// `WSARecvMsg` on `s` until something came (the first result that is not
/// `WSAEWOULDBLOCK`, polled as [`polled`] polls).
fn received(s: &Session<'_>, sock: SOCKET, msg: bool, control: u16) -> ReceivedMsg {
    let mut last = None;
    let _ = polled(|| {
        let got = s.backend().wsa_recv_msg(sock, msg, 64, control);
        let result = got.result.map(drop);
        last = Some(got);
        result
    });
    last.expect("polled calls at least once")
}

/// An `int` of the control data at `at` (0 past its end).
fn int_at(control: &[u8], at: usize) -> i32 {
    control.get(at..at + 4).map_or(0, |raw| {
        i32::from_ne_bytes([raw[0], raw[1], raw[2], raw[3]])
    })
}

/// A socket of `family` (4 or 6) bound to loopback with `option` (`IP_PKTINFO` or
/// `IPV6_PKTINFO`, or none) on and non-blocking, a datagram "hello" sent to it from another
/// socket: the receiver and its address.
fn datagram_to(
    s: &mut Session<'_>,
    six: bool,
    option: Option<(i32, i32)>,
) -> Setup<(SOCKET, SocketAddr)> {
    s.startup()?;
    let (receiver, sender) = if six {
        (s.udp6()?, s.udp6()?)
    } else {
        (s.udp4()?, s.udp4()?)
    };
    s.bind(receiver, addr(if six { "[::1]:0" } else { "127.0.0.1:0" }))?;
    let at = s.local_addr(receiver)?;
    s.nonblocking(receiver)?;
    if let Some((level, name)) = option {
        s.option(receiver, level, name, 1)?;
    }
    let (raw, len) = encode_sockaddr(at);
    s.sent_to(sender, b"hello", &raw[..len])?;
    Ok((receiver, at))
}

/// Checks the data and the one packet-information message: its level, type and address.
fn packet_info(got: &ReceivedMsg, at: SocketAddr, level: i32, kind: i32) -> Observed {
    let result = got.result.map(drop);
    check_value(
        result,
        "the datagram \"hello\" (1: yes)",
        1,
        i64::from(got.data == b"hello"),
    )?;
    check_value(
        result,
        "cmsg_level",
        i64::from(level),
        i64::from(int_at(&got.control, LEVEL_AT)),
    )?;
    check_value(
        result,
        "cmsg_type",
        i64::from(kind),
        i64::from(int_at(&got.control, LEVEL_AT + 4)),
    )?;
    let octets: Vec<u8> = match at.ip() {
        std::net::IpAddr::V4(v4) => v4.octets().to_vec(),
        std::net::IpAddr::V6(v6) => v6.octets().to_vec(),
    };
    let address = got.control.get(DATA_AT..DATA_AT + octets.len());
    check_value(
        result,
        "the destination address in the packet information (1: yes)",
        1,
        i64::from(address == Some(&octets[..])),
    )?;
    Ok(result)
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "wsarecvmsg-ip-pktinfo",
        rule: "with IP_PKTINFO on, WSARecvMsg gives an IN_PKTINFO with the destination address",
        docs: &["M3"],
        checks: &[],
        choice: None,
        source: "LPFN_WSARECVMSG: Remarks (IP_PKTINFO); sock.c test_ip_pktinfo",
        expected: Ok(()),
        scenario: |s| {
            let (receiver, at) = datagram_to(s, false, Some((IPPROTO_IP, IP_PKTINFO)))?;
            let got = received(s, receiver, true, 64);
            packet_info(&got, at, IPPROTO_IP, IP_PKTINFO)
        },
    },
    Case {
        id: "wsarecvmsg-ipv6-pktinfo",
        rule: "with IPV6_PKTINFO on, WSARecvMsg gives an IN6_PKTINFO with the destination address",
        docs: &["M3"],
        checks: &[],
        choice: None,
        source: "LPFN_WSARECVMSG: Remarks (IPV6_PKTINFO); sock.c test_ipv6_cmsg",
        expected: Ok(()),
        scenario: |s| {
            let (receiver, at) = datagram_to(s, true, Some((IPPROTO_IPV6, IPV6_PKTINFO)))?;
            let got = received(s, receiver, true, 64);
            packet_info(&got, at, IPPROTO_IPV6, IPV6_PKTINFO)
        },
    },
    Case {
        id: "wsarecvmsg-no-control-without-pktinfo",
        rule: "without IP_PKTINFO, WSARecvMsg gives the datagram and its sender, no control data",
        docs: &["M3"],
        checks: &[],
        choice: None,
        source: "LPFN_WSARECVMSG: Remarks; sock.c test_ip_pktinfo (Control.len rewritten)",
        expected: Ok(()),
        scenario: |s| {
            let (receiver, _) = datagram_to(s, false, None)?;
            let got = received(s, receiver, true, 64);
            let result = got.result.map(drop);
            check_value(
                result,
                "the datagram \"hello\" (1: yes)",
                1,
                i64::from(got.data == b"hello"),
            )?;
            check_value(
                result,
                "the sender is given (1: yes)",
                1,
                i64::from(got.from.is_some()),
            )?;
            check_value(
                result,
                "Control.len after the call",
                0,
                got.control.len() as i64,
            )?;
            Ok(result)
        },
    },
    Case {
        id: "wsarecvmsg-control-too-small",
        rule:
            "a control buffer too small for the packet information is WSAEMSGSIZE with MSG_CTRUNC",
        docs: &["M4"],
        checks: &[],
        choice: Some("wsarecvmsg-control"),
        source: "sock.c test_ip_pktinfo (Control.len 1)",
        expected: Err(Code(WSAEMSGSIZE)),
        scenario: |s| {
            let (receiver, _) = datagram_to(s, false, Some((IPPROTO_IP, IP_PKTINFO)))?;
            let got = received(s, receiver, true, 1);
            let result = got.result.map(drop);
            check_value(
                result,
                "dwFlags after the call",
                i64::from(MSG_CTRUNC),
                i64::from(got.flags),
            )?;
            Ok(result)
        },
    },
    Case {
        id: "wsarecvmsg-null-message",
        rule: "WSARecvMsg with a NULL message is WSAEFAULT",
        docs: &["M4"],
        checks: &[],
        choice: None,
        source: "sock.c test_ip_pktinfo (an empty message header)",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            let (receiver, _) = datagram_to(s, false, None)?;
            Ok(received(s, receiver, false, 0).result.map(drop))
        },
    },
];
