//! The access tokens and the IPsec2 form of `WSAQuerySocketSecurity` (docs/rules.md Q9,
//! Q10, H1). On Windows a secured connection needs an IPsec policy: where the runner has
//! none, the connection is not secured and no peer token exists, so the token cases are
//! `n/a` there with that reason, never a pass.
#![forbid(unsafe_code)]

use windows_sys::Win32::Foundation::ERROR_INVALID_HANDLE;
use windows_sys::Win32::Networking::WinSock::{
    SOCKET, SOCKET_INFO_CONNECTION_SECURED, SOCKET_SETTINGS_GUARANTEE_ENCRYPTION, WSAEMSGSIZE,
};

use super::zeroed_peer_name;
use crate::backend::{Buffer, Code, Queried};
use crate::conformance::session::Session;
use crate::conformance::{check_value, Case, Stopped};
use crate::wire::{Ipsec2Query, SecurityProtocol, SecurityQueryTemplate};

/// Why a token case cannot run on a backend whose loopback connections are not secured.
const NO_IPSEC_POLICY: &str =
    "the runner has no IPsec policy: the connection is not secured, so no peer token exists";

/// `TOKEN_QUERY | TOKEN_IMPERSONATE`.
const TOKEN_ACCESS: u32 = 0x0008 | 0x0004;

/// An IPsec2 template (152 bytes) asking for tokens with `mask`.
fn ipsec2_template(mask: u32) -> Vec<u8> {
    let template = SecurityQueryTemplate {
        protocol: SecurityProtocol::Ipsec2,
        peer: None,
        peer_token_access_mask: mask,
    };
    template.to_bytes_with(Some(&Ipsec2Query::default()))
}

/// A secured loopback pair (client, accepted), or `n/a` when the backend cannot secure one.
fn secured(s: &mut Session<'_>) -> Result<(SOCKET, SOCKET), Stopped> {
    s.startup()?;
    let target = zeroed_peer_name("host/127.0.0.1");
    let pair = s
        .secured_pair4(SOCKET_SETTINGS_GUARANTEE_ENCRYPTION, &target)
        .map_err(|_| Stopped::NotApplicable(NO_IPSEC_POLICY))?;
    let probe = s
        .backend()
        .query_security(pair.1, Buffer::null(), true, Some(24));
    let secured = probe
        .flags()
        .is_some_and(|f| f & SOCKET_INFO_CONNECTION_SECURED != 0);
    if probe.result.is_err() || !secured {
        return Err(Stopped::NotApplicable(NO_IPSEC_POLICY));
    }
    Ok(pair)
}

/// The accepted socket's query with tokens, in the IPsec2 form.
fn tokens(s: &Session<'_>, accepted: SOCKET) -> Queried {
    let template = ipsec2_template(TOKEN_ACCESS);
    s.backend()
        .query_security(accepted, Buffer::Bytes(&template), true, Some(64))
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "query-ipsec2-size-probe",
        rule: "an IPsec2 template is answered in the 64-byte IPsec2 form: a 24-byte buffer fails with 64 written back",
        docs: &["Q9"],
        checks: &["query_info_fits"],
        choice: Some("ipsec2-forms"),
        source: "mstcpip.h: SOCKET_SECURITY_QUERY_TEMPLATE_IPSEC2, SOCKET_SECURITY_QUERY_INFO_IPSEC2; WSAQuerySocketSecurity: SecurityQueryInfoLen",
        expected: Err(Code(WSAEMSGSIZE)),
        scenario: |s| {
            let (_, accepted) = secured(s)?;
            let template = ipsec2_template(0);
            let queried =
                s.backend()
                    .query_security(accepted, Buffer::Bytes(&template), true, Some(24));
            let len = queried.info_len.unwrap_or(0);
            check_value(queried.result, "*SecurityQueryInfoLen", 64, len.into())?;
            Ok(queried.result)
        },
    },
    Case {
        id: "query-ipsec2-short-template",
        rule: "an IPsec2 template shorter than its 152 bytes is WSAEMSGSIZE",
        docs: &["Q9"],
        checks: &["query_template_fits"],
        choice: Some("ipsec2-forms"),
        source: "WSAQuerySocketSecurity: Return value, WSAEMSGSIZE; mstcpip.h: SOCKET_SECURITY_QUERY_TEMPLATE_IPSEC2",
        expected: Err(Code(WSAEMSGSIZE)),
        scenario: |s| {
            let (client, _) = secured(s)?;
            let template = ipsec2_template(0);
            let short = Buffer::Bytes(&template[..144]);
            Ok(s.backend().query_security(client, short, true, Some(64)).result)
        },
    },
    Case {
        id: "query-peer-tokens",
        rule: "with PeerTokenAccessMask on a secured connection the answer holds a machine token for the peer",
        docs: &["Q10"],
        checks: &[],
        choice: Some("tokens-per-authenticated-peer"),
        source: "SOCKET_SECURITY_QUERY_TEMPLATE: PeerTokenAccessMask; SOCKET_SECURITY_QUERY_INFO: PeerMachineAccessTokenHandle",
        expected: Ok(()),
        scenario: |s| {
            let (_, accepted) = secured(s)?;
            let queried = tokens(s, accepted);
            let machine = queried.u64_at(16).unwrap_or(0);
            check_value(queried.result, "PeerMachineAccessTokenHandle != 0", 1, i64::from(machine != 0))?;
            if machine != 0 {
                let closed = s.backend().close_handle(machine);
                check_value(queried.result, "CloseHandle(machine token)", 0, i64::from(closed.is_err()))?;
            }
            let application = queried.u64_at(8).unwrap_or(0);
            if application != 0 {
                // The peer may have authenticated a user too: that token is closed as well.
                let closed = s.backend().close_handle(application);
                check_value(queried.result, "CloseHandle(application token)", 0, i64::from(closed.is_err()))?;
            }
            Ok(queried.result)
        },
    },
    Case {
        id: "close-token-twice",
        rule: "a token handle closes once: a second CloseHandle is ERROR_INVALID_HANDLE",
        docs: &["H1"],
        checks: &[],
        choice: Some("close-handle-kinds"),
        source: "CloseHandle: Return value (GetLastError); SOCKET_SECURITY_QUERY_INFO (close the tokens with CloseHandle)",
        expected: Err(Code(ERROR_INVALID_HANDLE as i32)),
        scenario: |s| {
            let (_, accepted) = secured(s)?;
            let queried = tokens(s, accepted);
            let machine = queried.u64_at(16).unwrap_or(0);
            if queried.result.is_err() || machine == 0 {
                return Ok(queried.result);
            }
            let application = queried.u64_at(8).unwrap_or(0);
            if application != 0 {
                let closed = s.backend().close_handle(application);
                check_value(closed, "CloseHandle(application token)", 0, i64::from(closed.is_err()))?;
            }
            let first = s.backend().close_handle(machine);
            check_value(first, "first CloseHandle", 0, i64::from(first.is_err()))?;
            Ok(s.backend().close_handle(machine))
        },
    },
];
