//! Microsoft's secure TCP client sample flow, written against windows-sys's names, runs on
//! the emulator. The sample's source (`tests/sample/secure_tcp_client.rs`) is included
//! twice: once after `use winsock_emu::sys::*`, and, when compiling for Windows, once after
//! `use windows_sys::Win32::Networking::WinSock::*` — the `use` lines are the only
//! difference, and `cargo check --target x86_64-pc-windows-gnu --all-targets` proves that
//! the same text compiles against windows-sys.
// The sample mirrors C: fields are assigned one by one, as the C code does.
#![allow(
    clippy::missing_safety_doc,
    clippy::field_reassign_with_default,
    unsafe_op_in_unsafe_fn
)]

mod common;

/// The sample, compiled against the emulator.
mod on_emulator {
    use winsock_emu::sys::*;
    include!("sample/secure_tcp_client.rs");
}

/// The same sample, compiled against windows-sys (type-checked only; it runs on Windows).
#[cfg(windows)]
#[allow(dead_code)]
mod on_windows_sys {
    use windows_sys::Win32::Networking::WinSock::*;
    use windows_sys::Win32::System::IO::OVERLAPPED;
    include!("sample/secure_tcp_client.rs");
}

use winsock_emu::sys::{SOCKADDR_IN, WSAEISCONN};
use winsock_emu::SocketState;

fn server_addr(port: u16) -> SOCKADDR_IN {
    let mut addr = SOCKADDR_IN::default();
    addr.sin_family = winsock_emu::sys::AF_INET;
    addr.sin_port = port.to_be();
    addr.sin_addr.S_un.S_addr = u32::from_ne_bytes([127, 0, 0, 1]);
    addr
}

#[test]
fn sample_flow_names_the_server_then_connects() {
    let env = common::env();
    let spn: Vec<u16> = "host/server.contoso.com".encode_utf16().collect();
    let listener = unsafe { on_emulator::start_listener(27015) }.unwrap();
    let client = unsafe { on_emulator::secure_tcp_connect(&server_addr(27015), &spn) }.unwrap();
    let info = winsock_emu::Socket::from_raw(&env.net, client)
        .info()
        .unwrap();
    assert_eq!(info.names.len(), 1);
    assert_eq!(info.names[0].name.to_string(), "host/server.contoso.com");
    assert_eq!(
        info.names[0].peer, None,
        "the sample leaves PeerAddress zeroed"
    );
    assert!(matches!(info.state, SocketState::Connected { .. }));
    assert!(!info.overlapped, "WSASocket with flags 0 is not overlapped");
    let server = winsock_emu::Socket::from_raw(&env.net, listener);
    assert!(matches!(
        server.info().unwrap().state,
        SocketState::Listening { pending: 1, .. }
    ));
}

#[test]
fn sample_flow_fails_with_the_documented_code_when_the_server_is_absent() {
    let _env = common::env();
    let spn: Vec<u16> = "host/server.contoso.com".encode_utf16().collect();
    let refused = unsafe { on_emulator::secure_tcp_connect(&server_addr(27016), &spn) };
    assert_eq!(refused, Err(winsock_emu::sys::WSAECONNREFUSED));
    let _ = WSAEISCONN;
}
