//! Completion ports (docs/rules.md K1-K4) and the extension GUIDs of `AcceptEx`,
//! `ConnectEx`, `DisconnectEx`, `GetAcceptExSockaddrs`, `TransmitFile` and `TransmitPackets` (K5). Every dequeue has a
//! timeout of 0, so nothing can wait on Windows; every port the scenario makes it closes.
#![forbid(unsafe_code)]

use windows_sys::Win32::Foundation::{ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, WAIT_TIMEOUT};
use windows_sys::Win32::Networking::WinSock::{
    SIO_GET_EXTENSION_FUNCTION_POINTER, WSAEFAULT, WSAID_ACCEPTEX, WSAID_CONNECTEX,
    WSAID_DISCONNECTEX, WSAID_GETACCEPTEXSOCKADDRS, WSAID_TRANSMITFILE, WSAID_TRANSMITPACKETS,
};

use super::guid_bytes;
use crate::backend::{Buffer, Code, Packet};
use crate::conformance::{check_value, Case};

/// A known GUID with no room for the pointer: `WSAEFAULT`, where an unknown one is
/// `WSAEINVAL` (the GUID is looked up first).
macro_rules! known_guid {
    ($id:literal, $guid:ident, $name:literal) => {
        Case {
            id: $id,
            rule: concat!(
                "SIO_GET_EXTENSION_FUNCTION_POINTER knows ",
                $name,
                "'s GUID: without room for the pointer it is WSAEFAULT, not WSAEINVAL"
            ),
            docs: &["K5"],
            checks: &[],
            choice: Some("extension-functions"),
            source: concat!("sock.c test_get_extension_func; ", $name, ": Remarks"),
            expected: Err(Code(WSAEFAULT)),
            scenario: |s| {
                s.startup()?;
                let sock = s.tcp4()?;
                let known = guid_bytes($guid);
                let code = SIO_GET_EXTENSION_FUNCTION_POINTER;
                Ok(s.backend()
                    .ioctl(sock, code, Buffer::Bytes(&known))
                    .map(drop))
            },
        }
    };
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "completion-port-packets-in-order",
        rule: "PostQueuedCompletionStatus's packets come out of GetQueuedCompletionStatus \
               first in, first out, with their three values as posted",
        docs: &["K1"],
        checks: &[],
        choice: Some("completion-port-wake-order"),
        source: "PostQueuedCompletionStatus: Remarks; GetQueuedCompletionStatusEx: Remarks",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let port = s.required("CreateIoCompletionPort()", s.backend().create_port())?;
            for n in 1..=2u32 {
                let posted = s
                    .backend()
                    .post_packet(port, n, n as usize * 16, n as usize * 64);
                s.required("PostQueuedCompletionStatus()", posted)?;
            }
            let mut result = Ok(());
            for n in 1..=2u32 {
                let got = s.backend().dequeue_packet(port, 0);
                let expected = Packet {
                    bytes: n,
                    key: n as usize * 16,
                    overlapped: n as usize * 64,
                };
                let same = i64::from(got.result.is_ok() && got.packet == expected);
                check_value(got.result, "the packet posted (1: yes)", 1, same)?;
                result = got.result;
            }
            s.required("CloseHandle(port)", s.backend().close_handle(port))?;
            Ok(result)
        },
    },
    Case {
        id: "completion-port-timeout",
        rule: "GetQueuedCompletionStatus on an empty port times out with WAIT_TIMEOUT, \
               *lpOverlapped NULL and the bytes and key untouched",
        docs: &["K2"],
        checks: &[],
        choice: None,
        source: "GetQueuedCompletionStatus: Return value; sock.c test_completion_port",
        expected: Err(Code(WAIT_TIMEOUT as i32)),
        scenario: |s| {
            s.startup()?;
            let port = s.required("CreateIoCompletionPort()", s.backend().create_port())?;
            let got = s.backend().dequeue_packet(port, 0);
            let clean = i64::from(got.untouched && got.packet.overlapped == 0);
            check_value(
                got.result,
                "outputs untouched, *lpOverlapped NULL (1: yes)",
                1,
                clean,
            )?;
            s.required("CloseHandle(port)", s.backend().close_handle(port))?;
            Ok(got.result)
        },
    },
    Case {
        id: "completion-port-closed-handle",
        rule: "A completion port handle that was closed is ERROR_INVALID_HANDLE",
        docs: &["K3"],
        checks: &[],
        choice: None,
        source: "CloseHandle: Remarks; PostQueuedCompletionStatus: Return value",
        expected: Err(Code(ERROR_INVALID_HANDLE as i32)),
        scenario: |s| {
            s.startup()?;
            let port = s.required("CreateIoCompletionPort()", s.backend().create_port())?;
            s.required("CloseHandle(port)", s.backend().close_handle(port))?;
            Ok(s.backend().post_packet(port, 0, 0, 0))
        },
    },
    Case {
        id: "completion-port-one-port-per-socket",
        rule: "A socket associated with a completion port cannot be associated again: \
               ERROR_INVALID_PARAMETER",
        docs: &["K4"],
        checks: &[],
        choice: None,
        source: "CreateIoCompletionPort: Remarks (a handle can be associated with one port)",
        expected: Err(Code(ERROR_INVALID_PARAMETER as i32)),
        scenario: |s| {
            s.startup()?;
            let sock = s.tcp4()?;
            let port = s.required("CreateIoCompletionPort()", s.backend().create_port())?;
            let first = s.backend().associate_port(sock, port, 1);
            let same = i64::from(first == Ok(port));
            check_value(first.map(drop), "the port returned (1: yes)", 1, same)?;
            let second = s.backend().associate_port(sock, port, 2).map(drop);
            s.close(sock)?;
            s.required("CloseHandle(port)", s.backend().close_handle(port))?;
            Ok(second)
        },
    },
    Case {
        id: "completion-port-association-queues-nothing",
        rule: "Associating a socket with a completion port returns the port and queues no \
               packet",
        docs: &["K4"],
        checks: &[],
        choice: None,
        source: "CreateIoCompletionPort: Return value; sock.c test_completion_port",
        expected: Err(Code(WAIT_TIMEOUT as i32)),
        scenario: |s| {
            s.startup()?;
            let sock = s.tcp4()?;
            let port = s.required("CreateIoCompletionPort()", s.backend().create_port())?;
            let associated = s.backend().associate_port(sock, port, 7);
            let same = i64::from(associated == Ok(port));
            check_value(associated.map(drop), "the port returned (1: yes)", 1, same)?;
            let got = s.backend().dequeue_packet(port, 0);
            s.close(sock)?;
            s.required("CloseHandle(port)", s.backend().close_handle(port))?;
            Ok(got.result)
        },
    },
    known_guid!("extension-acceptex-known", WSAID_ACCEPTEX, "AcceptEx"),
    known_guid!("extension-connectex-known", WSAID_CONNECTEX, "ConnectEx"),
    known_guid!(
        "extension-disconnectex-known",
        WSAID_DISCONNECTEX,
        "DisconnectEx"
    ),
    known_guid!(
        "extension-getacceptexsockaddrs-known",
        WSAID_GETACCEPTEXSOCKADDRS,
        "GetAcceptExSockaddrs"
    ),
    known_guid!(
        "extension-transmitfile-known",
        WSAID_TRANSMITFILE,
        "TransmitFile"
    ),
    known_guid!(
        "extension-transmitpackets-known",
        WSAID_TRANSMITPACKETS,
        "TransmitPackets"
    ),
];
