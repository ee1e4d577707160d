//! `WSASendMsg` and the extension-function lookup of `WSAIoctl` (docs/rules.md M1, M2).
//! Receives are non-blocking and polled ([`polled`]), so nothing can wait on Windows.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    SIO_GET_EXTENSION_FUNCTION_POINTER, WSAEFAULT, WSAEINVAL, WSAID_ACCEPTEX, WSAID_WSASENDMSG,
};

use super::guid_bytes;
use crate::backend::{Buffer, Code};
use crate::conformance::session::polled;
use crate::conformance::{check_value, Case};

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "wsasendmsg-gathers-one-datagram",
        rule: "WSASendMsg sends its buffers as one datagram to its name",
        docs: &["M1"],
        checks: &[],
        choice: None,
        source: "WSASendMsg: Remarks; sock.c test_WSASendMsg",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (receiver, at) = s.udp4_at("127.0.0.1:0")?;
            s.nonblocking(receiver)?;
            let sender = s.udp4()?;
            let parts: [&[u8]; 2] = [b"ab", b"cde"];
            let sent = s.backend().wsa_send_msg(sender, Some((Some(at), &parts)));
            check_value(
                sent.map(drop),
                "bytes sent",
                5,
                i64::from(sent.unwrap_or(0)),
            )?;
            let got = polled(|| s.backend().recv(receiver, 64));
            let result = got.as_ref().map(drop).map_err(|code| *code);
            check_value(
                result,
                "one datagram \"abcde\" (1: yes)",
                1,
                i64::from(got.as_deref() == Ok(b"abcde")),
            )?;
            let bound = s.local_addr(sender)?;
            check_value(
                result,
                "the sender was bound (1: yes)",
                1,
                i64::from(bound.port() != 0),
            )?;
            Ok(result)
        },
    },
    Case {
        id: "wsasendmsg-null-message",
        rule: "WSASendMsg with a NULL message is WSAEFAULT",
        docs: &["M1"],
        checks: &[],
        choice: None,
        source: "WSASendMsg: Return value, WSAEFAULT; sock.c test_WSASendMsg",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let sender = s.udp4()?;
            Ok(s.backend().wsa_send_msg(sender, None).map(drop))
        },
    },
    Case {
        id: "wsasendmsg-stream-socket",
        rule: "WSASendMsg on a stream socket is WSAEINVAL",
        docs: &["M1"],
        checks: &[],
        choice: None,
        source: "WSASendMsg: Remarks (datagram and raw sockets only); sock.c test_WSASendMsg",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let client = s.connected_tcp4()?;
            let parts: [&[u8]; 1] = [b"x"];
            Ok(s.backend()
                .wsa_send_msg(client, Some((None, &parts)))
                .map(drop))
        },
    },
    Case {
        id: "extension-unknown-guid",
        rule:
            "SIO_GET_EXTENSION_FUNCTION_POINTER with a GUID the provider does not have is WSAEINVAL",
        docs: &["M2"],
        checks: &[],
        choice: Some("extension-functions"),
        source: "sock.c test_get_extension_func (an unknown GUID)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let sock = s.udp4()?;
            let mut unknown = guid_bytes(WSAID_ACCEPTEX);
            unknown[15] ^= 0xFF;
            let code = SIO_GET_EXTENSION_FUNCTION_POINTER;
            Ok(s.backend()
                .ioctl(sock, code, Buffer::Bytes(&unknown))
                .map(drop))
        },
    },
    Case {
        id: "extension-needs-room-for-the-pointer",
        rule: "SIO_GET_EXTENSION_FUNCTION_POINTER with no output buffer is WSAEFAULT",
        docs: &["M2"],
        checks: &[],
        choice: Some("extension-functions"),
        source: "WSAIoctl: Return value, WSAEFAULT",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let sock = s.udp4()?;
            let known = guid_bytes(WSAID_WSASENDMSG);
            let code = SIO_GET_EXTENSION_FUNCTION_POINTER;
            Ok(s.backend()
                .ioctl(sock, code, Buffer::Bytes(&known))
                .map(drop))
        },
    },
];
