//! `WSADuplicateSocketW` and `WSASocketW` with the structure it writes (docs/rules.md
//! C8-C9), the target process being the caller's own: the target's descriptor is a new
//! handle, the shared socket outlives the source's descriptor, the structure is used once,
//! and the page's errors.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{SOCKET, WSAEFAULT, WSAEINVAL, WSAENOTSOCK};

use crate::backend::{CallResult, Code};
use crate::conformance::session::Session;
use crate::conformance::{check_value, Case, Stopped};

/// The caller's process id: `GetCurrentProcessId()`, which `std` asks the OS for.
fn this_process() -> u32 {
    std::process::id()
}

/// Duplicates `s` for this process and uses the structure `uses` times: each use's
/// outcome; every socket made is closed by the session.
fn duplicated(
    s: &mut Session<'_>,
    socket: SOCKET,
    uses: usize,
) -> Result<Vec<CallResult<SOCKET>>, Stopped> {
    let made = s
        .backend()
        .duplicate_socket(socket, this_process(), true, uses);
    let made = s.required("WSADuplicateSocketW(s, GetCurrentProcessId(), &info)", made)?;
    for shared in made.iter().flatten() {
        s.keep(*shared);
    }
    Ok(made)
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "duplicate-socket-outlives-the-source",
        rule: "the descriptor WSASocketW makes from WSADuplicateSocketW's structure is a new handle value, not the source's, and keeps the connection after the source's closesocket: data sent through it reaches the peer",
        docs: &["C8"],
        checks: &[],
        choice: Some("duplicate-is-a-second-handle"),
        source: "WSADuplicateSocketW: Remarks (the underlying socket remains open until closesocket is called by the last remaining descriptor)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (client, server) = s.tcp_pair4()?;
            let made = duplicated(s, client, 1)?;
            let shared = s.required("WSASocketW(&info)", made[0])?;
            let differs = i64::from(shared != client);
            check_value(Ok(()), "whether the new descriptor differs from the source (1: it does)", 1, differs)?;
            s.close(client)?;
            s.sent(shared, b"dup")?;
            let got = s.received(server, 8)?;
            check_value(Ok(()), "bytes the peer received from the shared socket", 3, got.len() as i64)?;
            Ok(Ok(()))
        },
    },
    Case {
        id: "duplicate-socket-info-used-once",
        rule: "a WSAPROTOCOL_INFOW from WSADuplicateSocketW used a second time in WSASocketW is WSAEINVAL",
        docs: &["C8"],
        checks: &["duplication_is_unused"],
        choice: Some("duplicate-is-a-second-handle"),
        source: "WSASocketW: Return value, WSAEINVAL (the WSAPROTOCOL_INFO structure has already been used in an earlier duplicate socket operation); WSADuplicateSocketW: Remarks (can only be used once by the target process)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            let made = duplicated(s, tcp, 2)?;
            s.required("WSASocketW(&info), the first use", made[0])?;
            Ok(made[1].map(drop))
        },
    },
    Case {
        id: "duplicate-socket-null-info",
        rule: "WSADuplicateSocketW with a NULL lpProtocolInfo is WSAEFAULT",
        docs: &["C9"],
        checks: &["protocol_info_buffer_given"],
        choice: None,
        source: "WSADuplicateSocketW: Return value, WSAEFAULT",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            Ok(s.backend().duplicate_socket(tcp, this_process(), false, 0).map(drop))
        },
    },
    Case {
        id: "duplicate-socket-process-zero",
        rule: "WSADuplicateSocketW for process id 0, which no process has, is WSAEINVAL",
        docs: &["C9"],
        checks: &["target_process_is_valid"],
        choice: Some("duplicate-is-a-second-handle"),
        source: "WSADuplicateSocketW: Return value, WSAEINVAL (one of the specified parameters was invalid)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            Ok(s.backend().duplicate_socket(tcp, 0, true, 0).map(drop))
        },
    },
    Case {
        id: "duplicate-socket-closed-handle",
        rule: "WSADuplicateSocketW on a closed socket is WSAENOTSOCK",
        docs: &["C9"],
        checks: &["handle_names_a_socket"],
        choice: None,
        source: "WSADuplicateSocketW: Return value, WSAENOTSOCK",
        expected: Err(Code(WSAENOTSOCK)),
        scenario: |s| {
            s.startup()?;
            let tcp = s.tcp4()?;
            s.close(tcp)?;
            Ok(s.backend().duplicate_socket(tcp, this_process(), true, 0).map(drop))
        },
    },
];
