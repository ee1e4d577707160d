//! The protocol catalogue and database (docs/rules.md C1-C5): `WSAEnumProtocolsW`,
//! `getprotobyname`, `getprotobynumber`, and `WSACancelBlockingCall` as Winsock 2.2
//! answers it.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    AF_INET, AF_INET6, FROM_PROTOCOL_INFO, IPPROTO_TCP, IPPROTO_UDP, SOCK_STREAM, WSAEFAULT,
    WSAEINVAL, WSAENOBUFS, WSAEOPNOTSUPP, WSANO_DATA,
};

use crate::backend::Code;
use crate::conformance::session::Session;
use crate::conformance::{check_value, Case, Stopped};

/// `sizeof(WSAPROTOCOL_INFOW)`.
const INFO_W: i64 = 628;

/// A `dwCatalogEntryId` no catalogue hands out (Windows numbers its entries from about
/// 1001 up, the emulator from 1001).
const UNKNOWN_ENTRY: u32 = 0x7fff_0000;

/// The IPv4 TCP entry `WSAEnumProtocolsW` lists, as (af, type, protocol,
/// dwCatalogEntryId); the case stops on a value mismatch if it lists none.
fn tcp4_entry(s: &mut Session<'_>) -> Result<(i32, i32, i32, u32), Stopped> {
    let probe = s.backend().enum_protocols(None, None);
    let listed = s
        .backend()
        .enum_protocols(None, Some(probe.len / INFO_W as u32));
    let tcp4 = listed
        .entries
        .iter()
        .copied()
        .find(|&(af, ty, protocol, _)| {
            af == i32::from(AF_INET) && ty == SOCK_STREAM && protocol == IPPROTO_TCP
        });
    let found = listed.result.map(drop);
    check_value(
        found,
        "an IPv4 TCP entry is listed (1: yes)",
        1,
        i64::from(tcp4.is_some()),
    )?;
    Ok(tcp4.unwrap_or_default())
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "enum-protocols-size-probe",
        rule: "a NULL buffer is WSAENOBUFS, with the size every entry needs written back",
        docs: &["C1"],
        checks: &["protocol_buffer_holds_every_entry"],
        choice: Some("protocol-info-fields"),
        source: "WSAEnumProtocols: lpdwBufferLength; Return value, WSAENOBUFS",
        expected: Err(Code(WSAENOBUFS)),
        scenario: |s| {
            s.startup()?;
            let probe = s.backend().enum_protocols(None, None);
            let whole = i64::from(probe.len > 0 && i64::from(probe.len) % INFO_W == 0);
            check_value(probe.result.map(drop), "len a whole number of entries", 1, whole)?;
            Ok(probe.result.map(drop))
        },
    },
    Case {
        id: "enum-protocols-filter",
        rule: "lpiProtocols lists only the entries of the protocols it names (TCP and UDP, never raw)",
        docs: &["C2"],
        checks: &[],
        choice: Some("protocol-info-fields"),
        source: "WSAEnumProtocols: lpiProtocols; Wine dlls/ws2_32/tests/protocol.c (test_WSAEnumProtocolsW)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let wanted = [0xdead, IPPROTO_TCP, 0xcafe, IPPROTO_UDP, 0xbeef];
            let probe = s.backend().enum_protocols(Some(&wanted), None);
            let room = probe.len / INFO_W as u32;
            let listed = s.backend().enum_protocols(Some(&wanted), Some(room));
            let result = listed.result.map(drop);
            let only = listed
                .entries
                .iter()
                .all(|&(_, _, protocol, _)| protocol == IPPROTO_TCP || protocol == IPPROTO_UDP);
            check_value(result, "only TCP and UDP entries", 1, i64::from(only))?;
            let at_least_two = listed.entries.len() >= 2;
            check_value(result, "at least two entries", 1, i64::from(at_least_two))?;
            Ok(result)
        },
    },
    Case {
        id: "getprotobynumber-tcp",
        rule: "getprotobynumber(6) is tcp",
        docs: &["C3"],
        checks: &[],
        choice: Some("protocol-database"),
        source: "getprotobynumber: Return value; Wine dlls/ws2_32/tests/protocol.c (test_getprotobynumber)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let answer = s.backend().protocol_by_number(IPPROTO_TCP);
            let result = answer.as_ref().map(drop).map_err(|&code| code);
            let is_tcp = answer.as_ref().is_ok_and(|(name, number)| name == "tcp" && *number == 6);
            check_value(result, "p_name tcp, p_proto 6", 1, i64::from(is_tcp))?;
            Ok(result)
        },
    },
    Case {
        id: "getprotobyname-any-case",
        rule: "getprotobyname matches a protocol's alias in capitals: UDP is 17",
        docs: &["C3"],
        checks: &[],
        choice: Some("protocol-database"),
        source: "getprotobyname: Return value; Wine dlls/ws2_32/tests/protocol.c (test_getprotobyname)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let answer = s.backend().protocol_by_name(c"UDP");
            let result = answer.as_ref().map(drop).map_err(|&code| code);
            let number = answer.map_or(-1, |(_, number)| number);
            check_value(result, "p_proto", 17, number.into())?;
            Ok(result)
        },
    },
    Case {
        id: "getprotobynumber-unknown",
        rule: "a protocol number the database lacks is NULL with WSANO_DATA",
        docs: &["C4"],
        checks: &["protocol_is_in_the_database"],
        choice: Some("protocol-database"),
        source: "getprotobynumber: Return value, WSANO_DATA",
        expected: Err(Code(WSANO_DATA)),
        scenario: |s| {
            s.startup()?;
            Ok(s.backend().protocol_by_number(2).map(drop))
        },
    },
    Case {
        id: "cancel-blocking-call-removed",
        rule: "WSACancelBlockingCall, removed in Winsock 2.2, fails with WSAEOPNOTSUPP",
        docs: &["C5"],
        checks: &[],
        choice: Some("blocking-hooks"),
        source: "WSACancelBlockingCall: removed in compliance with the Windows Sockets 2 specification, revision 2.2.0",
        expected: Err(Code(WSAEOPNOTSUPP)),
        scenario: |s| {
            s.startup()?;
            Ok(s.backend().cancel_blocking_call())
        },
    },
    Case {
        id: "wsasocket-protocol-info-other-family",
        rule: "a WSAPROTOCOL_INFO of an IPv4 TCP entry with af AF_INET6 makes an IPv6 TCP socket: the triple decides, not the entry",
        docs: &["C6"],
        checks: &[],
        choice: Some("wsasocket-protocol-info"),
        source: "Wine sock.c test_WSASocket (the TCP entry with UDP fields makes a datagram socket; explicit TCP arguments beside it a stream socket)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (af, ty, protocol, id) = tcp4_entry(s)?;
            let triple = (AF_INET6.into(), FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO);
            let made = s.backend().wsa_socket_from_info(triple, id, (af, ty, protocol));
            if let Ok(socket) = made {
                s.backend().close(socket).ok();
            }
            Ok(made.map(drop))
        },
    },
    Case {
        id: "wsasocket-protocol-info-unknown-entry",
        rule: "a WSAPROTOCOL_INFO whose dwCatalogEntryId names no catalogue entry is WSAEINVAL",
        docs: &["C6"],
        checks: &["protocol_info_is_valid"],
        choice: Some("wsasocket-protocol-info"),
        source: "WSASocketW: Return value, WSAEINVAL (the WSAPROTOCOL_INFO structure is incomplete or its contents are invalid)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let (af, ty, protocol, _) = tcp4_entry(s)?;
            let triple = (FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO);
            let made = s.backend().wsa_socket_from_info(triple, UNKNOWN_ENTRY, (af, ty, protocol));
            if let Ok(socket) = made {
                s.backend().close(socket).ok();
            }
            Ok(made.map(drop))
        },
    },
    Case {
        id: "qos-by-name-null-name",
        rule: "WSAGetQOSByName with a NULL lpQOSName is WSAEFAULT",
        docs: &["C7"],
        checks: &["qos_buffers_are_usable"],
        choice: None,
        source: "WSAGetQOSByName: Return value, WSAEFAULT",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.backend().get_qos_by_name(udp, None, true))
        },
    },
    Case {
        id: "qos-by-name-empty-buffer",
        rule: "WSAGetQOSByName with a zero-length name buffer is WSAEFAULT",
        docs: &["C7"],
        checks: &["qos_buffers_are_usable"],
        choice: Some("qos-templates"),
        source: "WSAGetQOSByName: Return value, WSAEFAULT (the buffer length is too small)",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(s.backend().get_qos_by_name(udp, Some(&[]), true))
        },
    },
];
