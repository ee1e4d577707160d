//! `WSAImpersonateSocketPeer` and `WSARevertImpersonation` (docs/rules.md I1-I5).
//!
//! Every scenario that may start an impersonation reverts it before it returns, so the
//! thread never carries one into the next case.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    SOCKET, SOCKET_INFO_CONNECTION_IMPERSONATED, SOCKET_SETTINGS_GUARANTEE_ENCRYPTION,
    WSAEAFNOSUPPORT, WSAEFAULT, WSAEINVAL, WSAEMSGSIZE, WSAEOPNOTSUPP,
};

use super::{sockaddr, zeroed_peer_name};
use crate::backend::{Buffer, CallResult, Code};
use crate::conformance::session::{Session, Setup};
use crate::conformance::{check_value, Case, Observed};

/// A secured loopback TCP pair; the accepted (server) socket, whose peer is the client.
fn secured_server_side(s: &mut Session<'_>) -> Setup<SOCKET> {
    s.startup()?;
    let target = zeroed_peer_name("host/127.0.0.1");
    let (_, accepted) = s.secured_pair4(SOCKET_SETTINGS_GUARANTEE_ENCRYPTION, &target)?;
    Ok(accepted)
}

/// `WSAImpersonateSocketPeer(s, addr, len)`, then `WSARevertImpersonation()` whatever it
/// gave: the impersonation's result.
fn impersonate_once(s: &Session<'_>, socket: SOCKET, addr: Buffer<'_>) -> CallResult {
    let result = s.backend().impersonate_peer(socket, addr);
    let _ = s.backend().revert_impersonation();
    result
}

/// Whether a stream query on `socket` reports `SOCKET_INFO_CONNECTION_IMPERSONATED`
/// (1, or 0; -1 if the query failed).
fn impersonated_flag(s: &Session<'_>, socket: SOCKET) -> i64 {
    let queried = s
        .backend()
        .query_security(socket, Buffer::null(), true, Some(40));
    match (queried.result, queried.flags()) {
        (Ok(()), Some(flags)) => i64::from(flags & SOCKET_INFO_CONNECTION_IMPERSONATED != 0),
        _ => -1,
    }
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "impersonate-then-revert",
        rule: "the thread impersonates the authenticated peer until WSARevertImpersonation",
        docs: &["I1"],
        checks: &[],
        choice: Some("impersonated-flag"),
        source: "WSAImpersonateSocketPeer: Remarks; WSARevertImpersonation",
        expected: Ok(()),
        scenario: |s| -> Observed {
            let accepted = secured_server_side(s)?;
            let result = s.backend().impersonate_peer(accepted, Buffer::null());
            let during = impersonated_flag(s, accepted);
            let reverted = s.backend().revert_impersonation();
            check_value(result, "IMPERSONATED while impersonating", 1, during)?;
            check_value(
                result,
                "WSARevertImpersonation succeeded",
                1,
                reverted.is_ok().into(),
            )?;
            check_value(
                result,
                "IMPERSONATED after reverting",
                0,
                impersonated_flag(s, accepted),
            )?;
            Ok(result)
        },
    },
    Case {
        id: "impersonate-stream-address-ignored",
        rule: "on a connection-oriented socket PeerAddr is ignored",
        docs: &["I2"],
        checks: &["impersonate_address_arguments"],
        choice: None,
        source: "WSAImpersonateSocketPeer: PeerAddr (ignored for connection-oriented sockets)",
        expected: Ok(()),
        scenario: |s| {
            let accepted = secured_server_side(s)?;
            let elsewhere = sockaddr("[2001:db8::1]:9");
            Ok(impersonate_once(s, accepted, Buffer::Bytes(&elsewhere)))
        },
    },
    Case {
        id: "impersonate-null-address-with-length",
        rule: "a NULL PeerAddr with a non-zero PeerAddrLen is WSAEINVAL",
        docs: &["I2"],
        checks: &["impersonate_address_arguments"],
        choice: Some("impersonate-null-address"),
        source: "WSAImpersonateSocketPeer: Return value, WSAEINVAL",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            let accepted = secured_server_side(s)?;
            Ok(impersonate_once(s, accepted, Buffer::Null { len: 16 }))
        },
    },
    Case {
        id: "impersonate-address-over-128-bytes",
        rule: "a PeerAddrLen over 128 bytes (larger than any SOCKADDR) is WSAEINVAL",
        docs: &["I2"],
        checks: &["impersonate_address_arguments"],
        choice: Some("impersonate-null-address"),
        source: "WSAImpersonateSocketPeer: Return value, WSAEINVAL",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            let accepted = secured_server_side(s)?;
            let mut long = sockaddr("127.0.0.1:9");
            long.resize(130, 0);
            Ok(impersonate_once(s, accepted, Buffer::Bytes(&long)))
        },
    },
    Case {
        id: "impersonate-datagram-null-address",
        rule: "a datagram socket must name the peer: NULL PeerAddr is WSAEFAULT",
        docs: &["I3"],
        checks: &["impersonate_datagram_names_peer"],
        choice: None,
        source: "WSAImpersonateSocketPeer: PeerAddr (required for datagram sockets)",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            Ok(impersonate_once(s, udp, Buffer::null()))
        },
    },
    Case {
        id: "impersonate-datagram-short-address",
        rule: "a datagram PeerAddrLen too short for a SOCKADDR_IN is WSAEMSGSIZE",
        docs: &["I3"],
        checks: &["peer_address_fits"],
        choice: None,
        source: "WSAImpersonateSocketPeer: PeerAddrLen",
        expected: Err(Code(WSAEMSGSIZE)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            let short = sockaddr("127.0.0.1:9");
            Ok(impersonate_once(s, udp, Buffer::Bytes(&short[..8])))
        },
    },
    Case {
        id: "impersonate-datagram-other-family",
        rule: "a datagram peer of a family the socket cannot use is WSAEAFNOSUPPORT",
        docs: &["I3"],
        checks: &["peer_family_is_usable"],
        choice: None,
        source: "WSAImpersonateSocketPeer: PeerAddr",
        expected: Err(Code(WSAEAFNOSUPPORT)),
        scenario: |s| {
            s.startup()?;
            let udp = s.udp4()?;
            let v6 = sockaddr("[2001:db8::1]:9");
            Ok(impersonate_once(s, udp, Buffer::Bytes(&v6)))
        },
    },
    Case {
        id: "impersonate-unsecured-peer",
        rule: "a connection without security has no authenticated peer to impersonate",
        docs: &["I4"],
        checks: &["impersonation_needs_authenticated_peer"],
        choice: Some("impersonate-needs-secured-peer"),
        source: "WSAImpersonateSocketPeer: Remarks (the peer's security context)",
        expected: Err(Code(WSAEOPNOTSUPP)),
        scenario: |s| {
            s.startup()?;
            let (_, accepted) = s.tcp_pair4()?;
            Ok(impersonate_once(s, accepted, Buffer::null()))
        },
    },
    Case {
        id: "revert-without-impersonation",
        rule: "reverting when nothing is impersonated succeeds and does nothing",
        docs: &["I5"],
        checks: &[],
        choice: Some("revert-needs-nothing"),
        source: "WSARevertImpersonation: Remarks",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            Ok(s.backend().revert_impersonation())
        },
    },
];
