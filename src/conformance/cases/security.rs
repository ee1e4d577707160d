//! `WSASetSocketSecurity`'s rules (docs/rules.md X1-X6), through `WSAIoctl(SIO_SET_SECURITY)`,
//! the call the backend trait makes on both backends (X7, its overlapped arguments, is in
//! `overlapped.rs`).
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    AF_UNIX, SIO_SET_SECURITY, SOCKET, SOCKET_SECURITY_PROTOCOL_INVALID, SOCK_STREAM, WSAEINVAL,
    WSAEISCONN, WSAEMSGSIZE,
};

use crate::backend::{Buffer, CallResult, Code};
use crate::conformance::session::{addr, Session};
use crate::conformance::{Case, Observed};
use crate::wire::SecuritySettings;

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

/// Offset of `UserNameStringLen` in `SOCKET_SECURITY_SETTINGS_IPSEC`.
const USER_LEN_OFFSET: usize = 72;

/// The IPsec form (`SOCKET_SECURITY_SETTINGS_IPSEC`, 88 bytes, no strings), changed by
/// `edit`, set on a fresh TCP socket: the call under test.
fn set_ipsec(s: &mut Session<'_>, edit: fn(&mut Vec<u8>)) -> Observed {
    s.startup()?;
    let tcp = s.tcp4()?;
    let mut bytes = SecuritySettings::ipsec(0, 0).to_bytes();
    edit(&mut bytes);
    Ok(set_security(s, tcp, Buffer::Bytes(&bytes)))
}

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
        checks: &["settings_length_holds_structure"],
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
        checks: &["security_set_before_connect"],
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
        checks: &["security_set_before_bind"],
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
        checks: &["security_set_once"],
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
    Case {
        id: "security-unknown-flags",
        rule: "SecurityFlags with a bit no SOCKET_SETTINGS_* names is an incorrect value: WSAEINVAL",
        docs: &["X4"],
        checks: &["settings_flags_are_known"],
        choice: None,
        source: "WSASetSocketSecurity: Return value, WSAEINVAL; SOCKET_SECURITY_SETTINGS: SecurityFlags",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            let mut settings = DEFAULTS;
            settings[4..].copy_from_slice(&0x100u32.to_le_bytes());
            Ok(set_security(s, tcp, Buffer::Bytes(&settings)))
        },
    },
    Case {
        id: "security-ipsec-form-with-default-protocol",
        rule: "the IPsec form must say SOCKET_SECURITY_PROTOCOL_IPSEC: DEFAULT is WSAEINVAL",
        docs: &["X4"],
        checks: &["ipsec_settings_name_ipsec"],
        choice: None,
        source: "SOCKET_SECURITY_SETTINGS_IPSEC: SecurityProtocol (must be IPSEC)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| set_ipsec(s, |bytes| bytes[0..4].copy_from_slice(&0u32.to_le_bytes())),
    },
    Case {
        id: "security-ipsec-odd-string-length",
        rule: "a UserNameStringLen that is odd holds half a UTF-16 unit: WSAEINVAL",
        docs: &["X4"],
        checks: &["settings_string_is_well_formed"],
        choice: None,
        source: "SOCKET_SECURITY_SETTINGS_IPSEC: UserNameStringLen (in bytes, of a wide string)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            set_ipsec(s, |bytes| {
                bytes[USER_LEN_OFFSET..USER_LEN_OFFSET + 4].copy_from_slice(&3u32.to_le_bytes());
            })
        },
    },
    Case {
        id: "security-ipsec-strings-overrun-length",
        rule: "string lengths that run past SecuritySettingsLen are WSAEMSGSIZE",
        docs: &["X3"],
        checks: &["settings_length_holds_strings"],
        choice: None,
        source: "WSASetSocketSecurity: Return value, WSAEMSGSIZE; SOCKET_SECURITY_SETTINGS_IPSEC: AllStrings",
        expected: Err(Code(WSAEMSGSIZE)),
        scenario: |s| {
            set_ipsec(s, |bytes| {
                bytes[USER_LEN_OFFSET..USER_LEN_OFFSET + 4].copy_from_slice(&40u32.to_le_bytes());
            })
        },
    },
];
