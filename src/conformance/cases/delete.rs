//! `WSADeleteSocketPeerTargetName`, rule by rule.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    AF_UNIX, SOCK_STREAM, WSAEAFNOSUPPORT, WSAEFAULT, WSAEINVAL, WSAEMSGSIZE,
};

use super::{name, sockaddr, zeroed_peer_name};
use crate::backend::{Buffer, Code};
use crate::conformance::Case;

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "delete-udp-named-peer",
        rule: "a name set for a datagram peer can be deleted",
        docs: &["D6"],
        checks: &[],
        choice: None,
        source: "WSADeleteSocketPeerTargetName: Remarks",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            s.named(udp, &name("192.0.2.10:500", "host/a"))?;
            Ok(s.delete(udp, &sockaddr("192.0.2.10:500")))
        },
    },
    Case {
        id: "delete-udp-absent-name",
        rule: "deleting the name of a peer that has none succeeds and changes nothing",
        docs: &[],
        checks: &[],
        choice: Some("delete-absent-name-succeeds"),
        source: "undocumented",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.delete(udp, &sockaddr("192.0.2.10:500")))
        },
    },
    Case {
        id: "delete-on-tcp",
        rule: "on a stream socket (where it \"should not be called\") delete removes the one name",
        docs: &[],
        checks: &[],
        choice: Some("delete-on-stream-and-connected"),
        source: "WSADeleteSocketPeerTargetName: Remarks",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            s.named(tcp, &zeroed_peer_name("host/server.contoso.com"))?;
            Ok(s.delete(tcp, &sockaddr("192.0.2.10:80")))
        },
    },
    Case {
        id: "delete-on-connected-udp",
        rule: "delete is allowed on a connected socket (WSAEISCONN is not listed)",
        docs: &[],
        checks: &[],
        choice: Some("delete-on-stream-and-connected"),
        source: "WSADeleteSocketPeerTargetName: Return value",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            s.named(udp, &name("192.0.2.10:500", "host/a"))?;
            s.connect(udp, "192.0.2.10:500")?;
            Ok(s.delete(udp, &sockaddr("192.0.2.10:500")))
        },
    },
    Case {
        id: "delete-null-address",
        rule: "a NULL PeerAddr is WSAEFAULT",
        docs: &["D3"],
        checks: &["pointer_is_present"],
        choice: None,
        source: "WSADeleteSocketPeerTargetName: Return value, WSAEFAULT",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.backend()
                .delete_peer_target_name(udp, Buffer::Null { len: 16 }))
        },
    },
    Case {
        id: "delete-on-af-unix-stream",
        rule: "a socket not AF_INET/AF_INET6 with SOCK_STREAM/SOCK_DGRAM is WSAEINVAL",
        docs: &["D4"],
        checks: &["socket_is_ip_stream_or_datagram"],
        choice: None,
        source: "WSADeleteSocketPeerTargetName: Return value, WSAEINVAL",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let unix = s.socket(AF_UNIX, SOCK_STREAM, 0)?;
            Ok(s.delete(unix, &sockaddr("192.0.2.10:500")))
        },
    },
    Case {
        id: "delete-short-ipv4-address",
        rule: "a PeerAddrLen too short for a SOCKADDR_IN is WSAEMSGSIZE",
        docs: &["D5"],
        checks: &["peer_address_fits"],
        choice: None,
        source: "WSADeleteSocketPeerTargetName: Return value, WSAEMSGSIZE",
        expected: Err(Code(WSAEMSGSIZE)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.delete(udp, &sockaddr("192.0.2.10:500")[..8]))
        },
    },
    Case {
        id: "delete-short-ipv6-address",
        rule: "a PeerAddrLen too short for a SOCKADDR_IN6 is WSAEMSGSIZE",
        docs: &["D5"],
        checks: &["peer_address_fits"],
        choice: None,
        source: "WSADeleteSocketPeerTargetName: Return value, WSAEMSGSIZE",
        expected: Err(Code(WSAEMSGSIZE)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp6()?;
            Ok(s.delete(udp, &sockaddr("[2001:db8::10]:500")[..16]))
        },
    },
    Case {
        id: "delete-ipv6-peer-on-ipv4-socket",
        rule: "a peer of a family the socket cannot reach is WSAEAFNOSUPPORT",
        docs: &["D6"],
        checks: &["peer_family_is_usable"],
        choice: Some("peer-family-must-match"),
        source: "WSADeleteSocketPeerTargetName: Return value, WSAEAFNOSUPPORT",
        expected: Err(Code(WSAEAFNOSUPPORT)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.delete(udp, &sockaddr("[2001:db8::10]:500")))
        },
    },
    Case {
        id: "delete-udp-zero-peer",
        rule: "on a connectionless socket, a peer whose IP address and port are zero is WSAEINVAL",
        docs: &[],
        checks: &["connectionless_peer_is_not_zero"],
        choice: Some("check-order"),
        source: "WSASetSocketPeerTargetName: Return value, WSAEINVAL (same checks for delete)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.delete(udp, &sockaddr("0.0.0.0:0")))
        },
    },
];
