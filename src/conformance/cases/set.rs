//! `WSASetSocketPeerTargetName`, rule by rule.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    AF_INET, AF_UNIX, IPPROTO_UDP, SOCKET_SECURITY_PROTOCOL_INVALID, SOCK_DGRAM, SOCK_STREAM,
    WSAEAFNOSUPPORT, WSAEFAULT, WSAEINVAL, WSAEISCONN, WSAEMSGSIZE,
};

use super::{name, with_protocol, with_string_len, zeroed_peer_name};
use crate::backend::{Buffer, Code};
use crate::conformance::Case;

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "set-udp-ipv4-peer",
        rule: "a datagram socket takes a name for an IPv4 peer",
        docs: &["S8"],
        checks: &[],
        choice: None,
        source: "WSASetSocketPeerTargetName: Remarks (names per peer IP address)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.set(udp, &name("192.0.2.10:500", "host/peer.contoso.com")))
        },
    },
    Case {
        id: "set-udp-ipv6-peer",
        rule: "a datagram socket takes a name for an IPv6 peer",
        docs: &["S4", "S8"],
        checks: &[],
        choice: None,
        source: "WSASetSocketPeerTargetName: Remarks (AF_INET or AF_INET6)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp6()?;
            Ok(s.set(udp, &name("[2001:db8::10]:500", "host/peer.contoso.com")))
        },
    },
    Case {
        id: "set-udp-several-peers",
        rule: "a connectionless socket may be given a name for each peer",
        docs: &["S11"],
        checks: &[],
        choice: Some("datagram-names-per-peer"),
        source: "WSASetSocketPeerTargetName: Remarks (\"multiple times ... different peer IP addresses\")",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            s.named(udp, &name("192.0.2.10:500", "host/a.contoso.com"))?;
            Ok(s.set(udp, &name("192.0.2.11:500", "host/b.contoso.com")))
        },
    },
    Case {
        id: "set-udp-same-peer-again",
        rule: "a second name for the same datagram peer replaces the first",
        docs: &["S11"],
        checks: &[],
        choice: Some("datagram-names-per-peer"),
        source: "undocumented",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            s.named(udp, &name("192.0.2.10:500", "host/a.contoso.com"))?;
            Ok(s.set(udp, &name("192.0.2.10:500", "host/b.contoso.com")))
        },
    },
    Case {
        id: "set-tcp-zeroed-peer",
        rule: "a stream socket takes a name with PeerAddress left zeroed, as the client sample does",
        docs: &["S8"],
        checks: &["peer_family_is_usable"],
        choice: Some("stream-peer-address-ignored"),
        source: "Using Secure Socket Extensions: secure TCP client sample",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            Ok(s.set(tcp, &zeroed_peer_name("host/server.contoso.com")))
        },
    },
    Case {
        id: "set-tcp-listening",
        rule: "a listening socket is not connected, so it takes a name",
        docs: &["S10"],
        checks: &["socket_is_not_connected"],
        choice: Some("names-on-listening-sockets"),
        source: "undocumented",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (listener, _) = s.listener4()?;
            Ok(s.set(listener, &zeroed_peer_name("host/client.contoso.com")))
        },
    },
    Case {
        id: "set-overlapped-ignored-on-non-overlapped-socket",
        rule: "on a non-overlapped socket the Overlapped argument is ignored",
        docs: &["S12"],
        checks: &[],
        choice: None,
        source: "WSASetSocketPeerTargetName: Parameters (Overlapped, CompletionRoutine)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let udp = s.wsa_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP, 0)?;
            let bytes = name("192.0.2.10:500", "host/a");
            Ok(s.backend().set_peer_target_name_with_overlapped(udp, Buffer::Bytes(&bytes)))
        },
    },
    Case {
        id: "set-null-name",
        rule: "a NULL PeerTargetName is WSAEFAULT",
        docs: &["S3"],
        checks: &["pointer_is_present"],
        choice: None,
        source: "WSASetSocketPeerTargetName: Return value, WSAEFAULT",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.backend().set_peer_target_name(udp, Buffer::Null { len: 160 }))
        },
    },
    Case {
        id: "set-on-af-unix-stream",
        rule: "a socket not AF_INET/AF_INET6 with SOCK_STREAM/SOCK_DGRAM is WSAEINVAL",
        docs: &["S4"],
        checks: &["socket_is_ip_stream_or_datagram"],
        choice: None,
        source: "WSASetSocketPeerTargetName: Return value, WSAEINVAL; Remarks",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let unix = s.socket(AF_UNIX, SOCK_STREAM, 0)?;
            Ok(s.set(unix, &zeroed_peer_name("host/server.contoso.com")))
        },
    },
    Case {
        id: "set-length-below-header",
        rule: "a PeerTargetNameLen that cannot hold the structure's header is WSAEMSGSIZE",
        docs: &["S5"],
        checks: &["length_holds_header"],
        choice: None,
        source: "WSASetSocketPeerTargetName: Return value, WSAEMSGSIZE; SOCKET_PEER_TARGET_NAME",
        expected: Err(Code(WSAEMSGSIZE)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.set(udp, &name("192.0.2.10:500", "host/a")[..100]))
        },
    },
    Case {
        id: "set-length-below-name",
        rule: "a PeerTargetNameLen shorter than header + PeerTargetNameStringLen bytes is WSAEMSGSIZE",
        docs: &["S6"],
        checks: &["length_holds_name"],
        choice: Some("name-length-in-bytes"),
        source: "WSASetSocketPeerTargetName: Return value, WSAEMSGSIZE; SOCKET_PEER_TARGET_NAME",
        expected: Err(Code(WSAEMSGSIZE)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            // "host/a" is 12 bytes: 140 + 12 = 152 are needed, 150 are declared.
            Ok(s.set(udp, &name("192.0.2.10:500", "host/a")[..150]))
        },
    },
    Case {
        id: "set-protocol-invalid",
        rule: "SOCKET_SECURITY_PROTOCOL_INVALID is not a legal SecurityProtocol: WSAEINVAL",
        docs: &["S7"],
        checks: &["protocol_is_legal"],
        choice: None,
        source: "SOCKET_SECURITY_PROTOCOL; WSASetSocketPeerTargetName: Return value, WSAEINVAL",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.set(udp, &with_protocol(name("192.0.2.10:500", "host/a"), SOCKET_SECURITY_PROTOCOL_INVALID)))
        },
    },
    Case {
        id: "set-protocol-unknown",
        rule: "a SecurityProtocol outside the enumeration is WSAEINVAL",
        docs: &["S7"],
        checks: &["protocol_is_legal"],
        choice: None,
        source: "SOCKET_SECURITY_PROTOCOL; WSASetSocketPeerTargetName: Return value, WSAEINVAL",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.set(udp, &with_protocol(name("192.0.2.10:500", "host/a"), 99)))
        },
    },
    Case {
        id: "set-empty-name",
        rule: "an empty name names no principal: WSAEINVAL",
        docs: &["S7b"],
        checks: &["name_is_well_formed"],
        choice: Some("name-shape"),
        source: "undocumented",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.set(udp, &name("192.0.2.10:500", "")))
        },
    },
    Case {
        id: "set-odd-name-length",
        rule: "an odd PeerTargetNameStringLen holds half a UTF-16 unit: WSAEINVAL",
        docs: &["S7b"],
        checks: &["name_is_well_formed"],
        choice: Some("name-shape"),
        source: "undocumented",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.set(udp, &with_string_len(name("192.0.2.10:500", "host/a"), 11)))
        },
    },
    Case {
        id: "set-ipv6-peer-on-ipv4-socket",
        rule: "a peer of a family the socket cannot reach is WSAEAFNOSUPPORT",
        docs: &["S8"],
        checks: &["peer_family_is_usable"],
        choice: Some("peer-family-must-match"),
        source: "WSASetSocketPeerTargetName: Return value, WSAEAFNOSUPPORT",
        expected: Err(Code(WSAEAFNOSUPPORT)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.set(udp, &name("[2001:db8::10]:500", "host/a")))
        },
    },
    Case {
        id: "set-udp-zero-peer",
        rule: "on a connectionless socket, a peer whose IP address and port are zero is WSAEINVAL",
        docs: &["S9"],
        checks: &["connectionless_peer_is_not_zero"],
        choice: None,
        source: "WSASetSocketPeerTargetName: Return value, WSAEINVAL",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.set(udp, &name("0.0.0.0:0", "host/a")))
        },
    },
    Case {
        id: "set-udp-zeroed-peer",
        rule: "on a connectionless socket, a PeerAddress left entirely zeroed is WSAEINVAL",
        docs: &["S9"],
        checks: &["connectionless_peer_is_not_zero"],
        choice: Some("zero-peer-means-both-zero"),
        source: "WSASetSocketPeerTargetName: Return value, WSAEINVAL",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.set(udp, &zeroed_peer_name("host/a")))
        },
    },
    Case {
        id: "set-udp-zero-port-only",
        rule: "on a connectionless socket, a peer with only its port zero is accepted",
        docs: &["S9"],
        checks: &["connectionless_peer_is_not_zero"],
        choice: Some("zero-peer-means-both-zero"),
        source: "WSASetSocketPeerTargetName: Return value, WSAEINVAL (\"address and port are zero\")",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.set(udp, &name("192.0.2.10:0", "host/a")))
        },
    },
    Case {
        id: "set-on-connected-udp",
        rule: "a connected connectionless socket is WSAEISCONN",
        docs: &["S10"],
        checks: &["socket_is_not_connected"],
        choice: None,
        source: "WSASetSocketPeerTargetName: Return value, WSAEISCONN",
        expected: Err(Code(WSAEISCONN)),
        scenario: |s| {
            s.startup()?;
            let udp = s.connected_udp4("192.0.2.10:500")?;
            Ok(s.set(udp, &name("192.0.2.10:500", "host/a")))
        },
    },
    Case {
        id: "set-on-connected-tcp",
        rule: "a connected connection-oriented socket is WSAEISCONN",
        docs: &["S10"],
        checks: &["socket_is_not_connected"],
        choice: None,
        source: "WSASetSocketPeerTargetName: Return value, WSAEISCONN; Remarks (before WSAConnect)",
        expected: Err(Code(WSAEISCONN)),
        scenario: |s| {
            s.startup()?;
            let tcp = s.connected_tcp4()?;
            Ok(s.set(tcp, &zeroed_peer_name("host/server.contoso.com")))
        },
    },
];
