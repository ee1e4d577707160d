//! Startup, handles, the order of the checks, and `WSAIoctl`.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    AF_UNIX, INVALID_SOCKET, SIO_DELETE_PEER_TARGET_NAME, SIO_SET_PEER_TARGET_NAME,
    SIO_SET_SECURITY, SOCKET_SECURITY_PROTOCOL_INVALID, SOCK_STREAM, WSAEAFNOSUPPORT,
    WSAECONNREFUSED, WSAEFAULT, WSAEINVAL, WSAEMSGSIZE, WSAENOBUFS, WSAENOTSOCK, WSANOTINITIALISED,
    WSAVERNOTSUPPORTED,
};

use super::{name, sockaddr, with_protocol, zeroed_peer_name};
use crate::backend::{Buffer, Code};
use crate::conformance::Case;

/// A handle used before any `WSAStartup`, when no socket can exist.
const NO_SOCKET_YET: usize = 0x100;

/// `SOCKET_SECURITY_SETTINGS { SOCKET_SECURITY_PROTOCOL_DEFAULT, 0 }`: the basic settings
/// of Microsoft's secure client sample, without its flags.
const DEFAULT_SECURITY_SETTINGS: [u8; 8] = [0; 8];

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "set-before-startup",
        rule: "before a successful WSAStartup, calls fail with WSANOTINITIALISED",
        docs: &["S1"],
        checks: &["startup_done"],
        choice: None,
        source: "Windows Sockets Error Codes: WSANOTINITIALISED; WSAStartup",
        expected: Err(Code(WSANOTINITIALISED)),
        scenario: |s| Ok(s.set(NO_SOCKET_YET, &name("192.0.2.10:500", "host/a"))),
    },
    Case {
        id: "delete-before-startup",
        rule: "before a successful WSAStartup, calls fail with WSANOTINITIALISED",
        docs: &["D1"],
        checks: &["startup_done"],
        choice: None,
        source: "Windows Sockets Error Codes: WSANOTINITIALISED; WSAStartup",
        expected: Err(Code(WSANOTINITIALISED)),
        scenario: |s| Ok(s.delete(NO_SOCKET_YET, &sockaddr("192.0.2.10:500"))),
    },
    Case {
        id: "set-after-last-cleanup",
        rule: "after the last WSACleanup, calls fail with WSANOTINITIALISED",
        docs: &["S1"],
        checks: &["startup_done"],
        choice: None,
        source: "WSACleanup; Windows Sockets Error Codes: WSANOTINITIALISED",
        expected: Err(Code(WSANOTINITIALISED)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            s.cleanup()?;
            Ok(s.set(udp, &name("192.0.2.10:500", "host/a")))
        },
    },
    Case {
        id: "cleanup-without-startup",
        rule: "WSACleanup without a matching WSAStartup is WSANOTINITIALISED",
        docs: &["W2"],
        checks: &["startup_done"],
        choice: None,
        source: "WSACleanup: Return value, WSANOTINITIALISED",
        expected: Err(Code(WSANOTINITIALISED)),
        scenario: |s| Ok(s.try_cleanup()),
    },
    Case {
        id: "startup-version-0-0",
        rule: "WSAStartup below version 1.0 is WSAVERNOTSUPPORTED",
        docs: &["W1"],
        checks: &[],
        choice: Some("startup-versions"),
        source: "WSAStartup: Return value, WSAVERNOTSUPPORTED",
        expected: Err(Code(WSAVERNOTSUPPORTED)),
        scenario: |s| Ok(s.try_startup(0x0000).map(drop)),
    },
    Case {
        id: "last-error-kept-across-success",
        rule: "a successful call leaves WSAGetLastError as it was (observed: the last error after it)",
        docs: &["W3"],
        checks: &[],
        choice: None,
        source: "WSAGetLastError; Windows Sockets Error Codes",
        expected: Err(Code(WSAENOBUFS)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            s.backend().set_last_error(WSAENOBUFS);
            s.named(udp, &name("192.0.2.10:500", "host/a"))?;
            Ok(Err(Code(s.backend().last_error())))
        },
    },
    Case {
        id: "connect-refused-without-listener",
        rule: "a stream connect to an address where nothing listens is refused",
        docs: &["W5"],
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
        id: "set-after-udp-disconnect",
        rule: "a datagram connect to the zero address and port disconnects, so a name can be set again",
        docs: &["W6", "S10"],
        checks: &["socket_is_not_connected"],
        choice: None,
        source: "connect: Remarks (an all-zero address disconnects a connectionless socket)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let udp = s.connected_udp4("192.0.2.10:500")?;
            s.connect(udp, "0.0.0.0:0")?;
            Ok(s.set(udp, &name("192.0.2.10:500", "host/a")))
        },
    },
    Case {
        id: "set-on-closed-socket",
        rule: "a handle that was closed is not a socket: WSAENOTSOCK",
        docs: &["S2"],
        checks: &["handle_names_a_socket"],
        choice: None,
        source: "WSASetSocketPeerTargetName: Return value, WSAENOTSOCK",
        expected: Err(Code(WSAENOTSOCK)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            s.close(udp)?;
            Ok(s.set(udp, &name("192.0.2.10:500", "host/a")))
        },
    },
    Case {
        id: "set-on-invalid-socket",
        rule: "INVALID_SOCKET is not a socket: WSAENOTSOCK",
        docs: &["S2"],
        checks: &["handle_names_a_socket"],
        choice: None,
        source: "WSASetSocketPeerTargetName: Return value, WSAENOTSOCK",
        expected: Err(Code(WSAENOTSOCK)),
        scenario: |s| {
            s.startup()?;
            Ok(s.set(INVALID_SOCKET, &name("192.0.2.10:500", "host/a")))
        },
    },
    Case {
        id: "delete-on-closed-socket",
        rule: "a handle that was closed is not a socket: WSAENOTSOCK",
        docs: &["D2"],
        checks: &["handle_names_a_socket"],
        choice: None,
        source: "WSADeleteSocketPeerTargetName: Return value, WSAENOTSOCK",
        expected: Err(Code(WSAENOTSOCK)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            s.close(udp)?;
            Ok(s.delete(udp, &sockaddr("192.0.2.10:500")))
        },
    },
    Case {
        id: "set-on-socket-of-earlier-startup",
        rule: "the last WSACleanup closes every socket; a later WSAStartup does not revive them",
        docs: &["S2"],
        checks: &["handle_names_a_socket"],
        choice: Some("cleanup-closes-sockets"),
        source: "WSACleanup: Remarks (sockets are reset and deallocated)",
        expected: Err(Code(WSAENOTSOCK)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            s.cleanup()?;
            s.startup()?;
            Ok(s.set(udp, &name("192.0.2.10:500", "host/a")))
        },
    },
    Case {
        id: "order-null-name-on-af-unix",
        rule: "a NULL name is WSAEFAULT even on a socket of the wrong family",
        docs: &["S3", "S4"],
        checks: &["pointer_is_present", "socket_is_ip_stream_or_datagram"],
        choice: Some("check-order"),
        source: "undocumented (order of the checks)",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let unix = s.socket(AF_UNIX, SOCK_STREAM, 0)?;
            Ok(s.backend().set_peer_target_name(unix, Buffer::null()))
        },
    },
    Case {
        id: "order-short-length-on-af-unix",
        rule: "the socket's family and type are checked before the length",
        docs: &["S4", "S5"],
        checks: &["socket_is_ip_stream_or_datagram", "length_holds_header"],
        choice: Some("check-order"),
        source: "undocumented (order of the checks)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let unix = s.socket(AF_UNIX, SOCK_STREAM, 0)?;
            Ok(s.set(unix, &zeroed_peer_name("host/a")[..100]))
        },
    },
    Case {
        id: "order-short-name-with-invalid-protocol",
        rule: "the length is checked before SecurityProtocol",
        docs: &["S6", "S7"],
        checks: &["length_holds_name", "protocol_is_legal"],
        choice: Some("check-order"),
        source: "undocumented (order of the checks)",
        expected: Err(Code(WSAEMSGSIZE)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            let bytes = with_protocol(
                name("192.0.2.10:500", "host/a"),
                SOCKET_SECURITY_PROTOCOL_INVALID,
            );
            Ok(s.set(udp, &bytes[..150]))
        },
    },
    Case {
        id: "order-zero-peer-on-connected-udp",
        rule: "the zero-peer rule is checked before WSAEISCONN",
        docs: &["S9", "S10"],
        checks: &["connectionless_peer_is_not_zero", "socket_is_not_connected"],
        choice: Some("check-order"),
        source: "undocumented (order of the checks)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let udp = s.connected_udp4("192.0.2.10:500")?;
            Ok(s.set(udp, &name("0.0.0.0:0", "host/a")))
        },
    },
    Case {
        id: "order-ipv6-peer-on-connected-udp4",
        rule: "the peer's family is checked before WSAEISCONN",
        docs: &["S8", "S10"],
        checks: &["peer_family_is_usable", "socket_is_not_connected"],
        choice: Some("check-order"),
        source: "undocumented (order of the checks)",
        expected: Err(Code(WSAEAFNOSUPPORT)),
        scenario: |s| {
            s.startup()?;
            let udp = s.connected_udp4("192.0.2.10:500")?;
            Ok(s.set(udp, &name("[2001:db8::10]:500", "host/a")))
        },
    },
    Case {
        id: "ioctl-set-peer-target-name",
        rule: "WSAIoctl(SIO_SET_PEER_TARGET_NAME) does what WSASetSocketPeerTargetName does",
        docs: &["S13"],
        checks: &[],
        choice: None,
        source: "WSASetSocketPeerTargetName: Remarks (\"simplifies having to call WSAIoctl\")",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            let bytes = name("192.0.2.10:500", "host/a");
            Ok(s.backend()
                .ioctl(udp, SIO_SET_PEER_TARGET_NAME, Buffer::Bytes(&bytes))
                .map(drop))
        },
    },
    Case {
        id: "ioctl-set-null-name",
        rule: "WSAIoctl(SIO_SET_PEER_TARGET_NAME) with a NULL input buffer is WSAEFAULT",
        docs: &["S13", "S3"],
        checks: &["pointer_is_present"],
        choice: None,
        source: "WSASetSocketPeerTargetName: Return value, WSAEFAULT; WSAIoctl",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.backend()
                .ioctl(udp, SIO_SET_PEER_TARGET_NAME, Buffer::null())
                .map(drop))
        },
    },
    Case {
        id: "ioctl-delete-peer-target-name",
        rule: "WSAIoctl(SIO_DELETE_PEER_TARGET_NAME) does what WSADeleteSocketPeerTargetName does",
        docs: &["D8"],
        checks: &[],
        choice: None,
        source: "Winsock Secure Socket Extensions (function-to-IOCTL mapping)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            s.named(udp, &name("192.0.2.10:500", "host/a"))?;
            let addr = sockaddr("192.0.2.10:500");
            Ok(s.backend()
                .ioctl(udp, SIO_DELETE_PEER_TARGET_NAME, Buffer::Bytes(&addr))
                .map(drop))
        },
    },
    Case {
        id: "ioctl-set-security-defaults",
        rule: "WSAIoctl(SIO_SET_SECURITY) with default settings secures a fresh TCP socket",
        docs: &[],
        checks: &[],
        choice: Some("ioctl-codes"),
        source:
            "WSASetSocketSecurity; Winsock Secure Socket Extensions (function-to-IOCTL mapping)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            Ok(s.backend()
                .ioctl(
                    tcp,
                    SIO_SET_SECURITY,
                    Buffer::Bytes(&DEFAULT_SECURITY_SETTINGS),
                )
                .map(drop))
        },
    },
];
