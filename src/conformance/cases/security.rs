//! `WSASetSocketSecurity`'s rules (docs/rules.md X1-X6), through `WSAIoctl(SIO_SET_SECURITY)`,
//! the call the backend trait can make on both backends. The query, impersonation and the
//! data path need calls the trait does not make (an output buffer, a thread token, send
//! and receive), so their rules are proved by the emulator's own tests.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    AF_UNIX, SIO_SET_SECURITY, SOCKET, SOCKET_SECURITY_PROTOCOL_INVALID, SOCK_STREAM, WSAEINVAL,
    WSAEISCONN, WSAEMSGSIZE,
};

use crate::backend::{Buffer, CallResult, Code};
use crate::conformance::session::{addr, Session};
use crate::conformance::{Case, Observed};

/// `SOCKET_SECURITY_SETTINGS { SOCKET_SECURITY_PROTOCOL_DEFAULT, 0 }`.
const DEFAULTS: [u8; 8] = [0; 8];

/// `WSAIoctl(s, SIO_SET_SECURITY, settings, ...)`: the call under test.
fn set_security(session: &Session<'_>, s: SOCKET, settings: Buffer<'_>) -> CallResult {
    session
        .backend()
        .ioctl(s, SIO_SET_SECURITY, settings)
        .map(drop)
}

/// Settings with an illegal `SecurityProtocol`.
const fn invalid_protocol() -> [u8; 8] {
    let mut raw = [0u8; 8];
    raw[0] = SOCKET_SECURITY_PROTOCOL_INVALID as u8;
    raw
}

const INVALID_PROTOCOL: [u8; 8] = invalid_protocol();

pub(super) const CASES: &[Case] = &[
    Case {
        id: "security-null-settings",
        rule: "NULL settings mean the default settings",
        docs: &["X1"],
        checks: &[],
        choice: None,
        source: "WSASetSocketSecurity: SecuritySettings (optional; NULL: defaults)",
        expected: Ok(()),
        scenario: |s| -> Observed {
            s.startup()?;
            let tcp = s.tcp4()?;
            Ok(set_security(s, tcp, Buffer::null()))
        },
    },
    Case {
        id: "security-on-af-unix-stream",
        rule: "a socket not AF_INET/AF_INET6 with SOCK_STREAM/SOCK_DGRAM is WSAEINVAL",
        docs: &["X2"],
        checks: &["socket_is_ip_stream_or_datagram"],
        choice: None,
        source: "WSASetSocketSecurity: Return value, WSAEINVAL",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let unix = s.socket(AF_UNIX, SOCK_STREAM, 0)?;
            Ok(set_security(s, unix, Buffer::Bytes(&DEFAULTS)))
        },
    },
    Case {
        id: "security-length-below-structure",
        rule: "a SecuritySettingsLen shorter than SOCKET_SECURITY_SETTINGS is WSAEMSGSIZE",
        docs: &["X3"],
        checks: &[],
        choice: None,
        source: "WSASetSocketSecurity: Return value, WSAEMSGSIZE",
        expected: Err(Code(WSAEMSGSIZE)),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            Ok(set_security(s, tcp, Buffer::Bytes(&DEFAULTS[..4])))
        },
    },
    Case {
        id: "security-invalid-protocol",
        rule: "SOCKET_SECURITY_PROTOCOL_INVALID in the settings is an incorrect value: WSAEINVAL",
        docs: &["X4"],
        checks: &["protocol_is_legal"],
        choice: None,
        source: "WSASetSocketSecurity: Return value, WSAEINVAL; SOCKET_SECURITY_PROTOCOL",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            Ok(set_security(s, tcp, Buffer::Bytes(&INVALID_PROTOCOL)))
        },
    },
    Case {
        id: "security-on-connected-tcp",
        rule: "a connected socket is WSAEISCONN",
        docs: &["X5"],
        checks: &[],
        choice: None,
        source: "WSASetSocketSecurity: Return value, WSAEISCONN",
        expected: Err(Code(WSAEISCONN)),
        scenario: |s| {
            s.startup()?;
            let tcp = s.connected_tcp4()?;
            Ok(set_security(s, tcp, Buffer::Bytes(&DEFAULTS)))
        },
    },
    Case {
        id: "security-after-bind",
        rule: "a server applies settings before bind; a later call fails (no code documented)",
        docs: &["X6"],
        checks: &[],
        choice: Some("security-timing-errors"),
        source: "WSASetSocketSecurity: Remarks (TCP server: before bind)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            s.bind(tcp, addr("127.0.0.1:0"))?;
            Ok(set_security(s, tcp, Buffer::Bytes(&DEFAULTS)))
        },
    },
    Case {
        id: "security-twice",
        rule: "the function may be called only once per socket (no code documented)",
        docs: &["X6"],
        checks: &[],
        choice: Some("security-timing-errors"),
        source: "WSASetSocketSecurity: Remarks (only once per socket)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            s.secured(tcp)?;
            Ok(set_security(s, tcp, Buffer::Bytes(&DEFAULTS)))
        },
    },
];
