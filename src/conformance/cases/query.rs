//! `WSAQuerySocketSecurity`'s rules (docs/rules.md Q1-Q8), and W7 on its out-parameters.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    AF_UNIX, SOCKET, SOCKET_INFO_CONNECTION_ENCRYPTED, SOCKET_INFO_CONNECTION_SECURED,
    SOCKET_SECURITY_PROTOCOL_INVALID, SOCKET_SETTINGS_GUARANTEE_ENCRYPTION, SOCK_STREAM,
    WSAEAFNOSUPPORT, WSAECONNRESET, WSAEFAULT, WSAEINVAL, WSAEMSGSIZE, WSAENOTCONN, WSAENOTSOCK,
};

use super::zeroed_peer_name;
use crate::backend::{Buffer, Code, Queried};
use crate::conformance::session::{addr, Session};
use crate::conformance::{check_value, Case, Observed};
use crate::wire::{SecurityProtocol, SecurityQueryTemplate};

/// `SOCKET_SECURITY_QUERY_INFO`'s size: what a size probe is told.
const INFO_LEN: u32 = 24;

/// `WSAQuerySocketSecurity(s, NULL, 0, info, &len)` with a buffer of `len` bytes.
fn query(s: &Session<'_>, socket: SOCKET, len: u32) -> Queried {
    s.backend()
        .query_security(socket, Buffer::null(), true, Some(len))
}

/// A template asking about `peer` with the default protocol.
fn template(peer: &str) -> Vec<u8> {
    SecurityQueryTemplate {
        protocol: SecurityProtocol::Default,
        peer: Some(addr(peer)),
        peer_token_access_mask: 0,
    }
    .to_bytes()
}

/// A stream query that must succeed with whole info: checks `Flags` is `flags` and the
/// length written back is 24, twice (the function may be called any number of times).
fn flags_twice(s: &Session<'_>, socket: SOCKET, flags: u32) -> Observed {
    for _ in 0..2 {
        let queried = query(s, socket, 40);
        let result = queried.result;
        if result.is_err() {
            return Ok(result);
        }
        check_value(
            result,
            "*SecurityQueryInfoLen",
            INFO_LEN.into(),
            queried.info_len.unwrap_or(0).into(),
        )?;
        let observed = queried.flags().unwrap_or(u32::MAX);
        check_value(result, "Flags", flags.into(), observed.into())?;
    }
    Ok(Ok(()))
}

/// Bytes of the info buffer the call wrote (not left at the 0xAB fill).
fn written(queried: &Queried) -> i64 {
    let info = queried.info.as_deref().unwrap_or_default();
    info.iter().filter(|&&byte| byte != 0xAB).count() as i64
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "query-null-info-length",
        rule: "a NULL SecurityQueryInfoLen is WSAEFAULT",
        docs: &["Q1"],
        checks: &["query_info_len_present"],
        choice: None,
        source: "WSAQuerySocketSecurity: Return value, WSAEFAULT",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let (client, _) = s.tcp_pair4()?;
            Ok(s.backend().query_security(client, Buffer::null(), false, None).result)
        },
    },
    Case {
        id: "query-closed-socket",
        rule: "a closed socket is WSAENOTSOCK",
        docs: &["Q2"],
        checks: &["handle_names_a_socket"],
        choice: None,
        source: "WSAQuerySocketSecurity: Return value, WSAENOTSOCK",
        expected: Err(Code(WSAENOTSOCK)),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            s.close(tcp)?;
            Ok(query(s, tcp, 40).result)
        },
    },
    Case {
        id: "query-af-unix-stream",
        rule: "a socket not AF_INET/AF_INET6 is WSAEINVAL",
        docs: &["Q2"],
        checks: &["socket_is_ip_stream_or_datagram"],
        choice: None,
        source: "WSAQuerySocketSecurity: Return value, WSAEINVAL",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let unix = s.socket(AF_UNIX, SOCK_STREAM, 0)?;
            Ok(query(s, unix, 40).result)
        },
    },
    Case {
        id: "query-udp-without-template",
        rule: "a datagram socket needs a template: NULL is WSAEMSGSIZE",
        docs: &["Q3"],
        checks: &["query_template_fits"],
        choice: None,
        source: "WSAQuerySocketSecurity: SecurityQueryTemplate (required for datagram sockets); Return value, WSAEMSGSIZE",
        expected: Err(Code(WSAEMSGSIZE)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(query(s, udp, 40).result)
        },
    },
    Case {
        id: "query-tcp-short-template",
        rule: "a template shorter than SOCKET_SECURITY_QUERY_TEMPLATE is WSAEMSGSIZE",
        docs: &["Q3"],
        checks: &["query_template_fits"],
        choice: None,
        source: "WSAQuerySocketSecurity: Return value, WSAEMSGSIZE",
        expected: Err(Code(WSAEMSGSIZE)),
        scenario: |s| {
            s.startup()?;
            let (client, _) = s.tcp_pair4()?;
            let short = template("127.0.0.1:1");
            let buffer = Buffer::Bytes(&short[..8]);
            Ok(s.backend().query_security(client, buffer, true, Some(40)).result)
        },
    },
    Case {
        id: "query-udp-template-other-family",
        rule: "a datagram template naming an IPv6 peer on an IPv4 socket is WSAEAFNOSUPPORT",
        docs: &["Q4"],
        checks: &["peer_family_is_usable"],
        choice: None,
        source: "WSAQuerySocketSecurity: Return value, WSAEAFNOSUPPORT",
        expected: Err(Code(WSAEAFNOSUPPORT)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            let bytes = template("[2001:db8::1]:500");
            Ok(s.backend().query_security(udp, Buffer::Bytes(&bytes), true, Some(40)).result)
        },
    },
    Case {
        id: "query-udp-template-zero-peer",
        rule: "a datagram template whose peer address and port are zero is WSAEINVAL",
        docs: &["Q4"],
        checks: &["connectionless_peer_is_not_zero"],
        choice: None,
        source: "WSAQuerySocketSecurity: Return value, WSAEINVAL",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            let bytes = template("0.0.0.0:0");
            Ok(s.backend().query_security(udp, Buffer::Bytes(&bytes), true, Some(40)).result)
        },
    },
    Case {
        id: "query-template-invalid-protocol",
        rule: "SOCKET_SECURITY_PROTOCOL_INVALID in the template is WSAEINVAL",
        docs: &["Q4"],
        checks: &["protocol_is_legal"],
        choice: None,
        source: "WSAQuerySocketSecurity: Return value, WSAEINVAL; SOCKET_SECURITY_PROTOCOL",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            let mut bytes = template("192.0.2.10:500");
            bytes[0..4].copy_from_slice(&SOCKET_SECURITY_PROTOCOL_INVALID.to_le_bytes());
            Ok(s.backend().query_security(udp, Buffer::Bytes(&bytes), true, Some(40)).result)
        },
    },
    Case {
        id: "query-after-peer-reset",
        rule: "a connection the peer reset (closed with data unread) is WSAECONNRESET",
        docs: &["Q5"],
        checks: &["connection_not_reset"],
        choice: None,
        source: "WSAQuerySocketSecurity: Return value, WSAECONNRESET",
        expected: Err(Code(WSAECONNRESET)),
        scenario: |s| {
            s.startup()?;
            let (client, accepted) = s.tcp_pair4()?;
            s.sent(client, b"unread")?;
            s.close(accepted)?;
            Ok(query(s, client, 40).result)
        },
    },
    Case {
        id: "query-before-connection",
        rule: "a stream socket not yet connected has no connection to describe: WSAENOTCONN",
        docs: &["Q6"],
        checks: &["query_has_a_connection"],
        choice: Some("query-before-connection"),
        source: "WSAQuerySocketSecurity: Remarks (called after the connection is established)",
        expected: Err(Code(WSAENOTCONN)),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            Ok(query(s, tcp, 40).result)
        },
    },
    Case {
        id: "query-failure-leaves-out-parameters",
        rule: "a failed query writes neither the info buffer nor its length",
        docs: &["W7"],
        checks: &["query_has_a_connection"],
        choice: Some("query-before-connection"),
        source: "Winsock convention: a failed call writes no out-parameter",
        expected: Err(Code(WSAENOTCONN)),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            let queried = query(s, tcp, 40);
            let len = queried.info_len.unwrap_or(0);
            check_value(queried.result, "*SecurityQueryInfoLen", 40, len.into())?;
            check_value(queried.result, "info bytes written", 0, written(&queried))?;
            Ok(queried.result)
        },
    },
    Case {
        id: "query-size-probe",
        rule: "a NULL info buffer with length 0 fails, with the size needed (24) written back",
        docs: &["Q7"],
        checks: &["query_info_fits"],
        choice: Some("query-size-probe-code"),
        source: "WSAQuerySocketSecurity: SecurityQueryInfoLen (on output, the size needed)",
        expected: Err(Code(WSAEMSGSIZE)),
        scenario: |s| {
            s.startup()?;
            let (client, _) = s.tcp_pair4()?;
            let queried = s.backend().query_security(client, Buffer::null(), false, Some(0));
            let len = queried.info_len.unwrap_or(0);
            check_value(queried.result, "*SecurityQueryInfoLen", INFO_LEN.into(), len.into())?;
            Ok(queried.result)
        },
    },
    Case {
        id: "query-buffer-too-small",
        rule: "an 8-byte info buffer fails untouched, with the size needed (24) written back",
        docs: &["Q7"],
        checks: &["query_info_fits"],
        choice: Some("query-size-probe-code"),
        source: "WSAQuerySocketSecurity: SecurityQueryInfoLen (on output, the size needed)",
        expected: Err(Code(WSAEMSGSIZE)),
        scenario: |s| {
            s.startup()?;
            let (client, _) = s.tcp_pair4()?;
            let queried = query(s, client, 8);
            let len = queried.info_len.unwrap_or(0);
            check_value(queried.result, "*SecurityQueryInfoLen", INFO_LEN.into(), len.into())?;
            check_value(queried.result, "info bytes written", 0, written(&queried))?;
            Ok(queried.result)
        },
    },
    Case {
        id: "query-plain-connection",
        rule: "a connection without security answers Flags 0, on every call",
        docs: &["Q8"],
        checks: &[],
        choice: None,
        source: "WSAQuerySocketSecurity: Remarks (may be called any number of times); SOCKET_SECURITY_QUERY_INFO: Flags",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (client, _) = s.tcp_pair4()?;
            flags_twice(s, client, 0)
        },
    },
    Case {
        id: "query-secured-encrypted-connection",
        rule: "a secured, encrypted connection answers SECURED | ENCRYPTED, on every call",
        docs: &["Q8"],
        checks: &[],
        choice: Some("secure-negotiation"),
        source: "SOCKET_SECURITY_QUERY_INFO: Flags (SOCKET_INFO_CONNECTION_SECURED, _ENCRYPTED)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let target = zeroed_peer_name("host/127.0.0.1");
            let encrypt = SOCKET_SETTINGS_GUARANTEE_ENCRYPTION;
            let (client, _) = s.secured_pair4(encrypt, &target)?;
            let flags = SOCKET_INFO_CONNECTION_SECURED | SOCKET_INFO_CONNECTION_ENCRYPTED;
            flags_twice(s, client, flags)
        },
    },
];
