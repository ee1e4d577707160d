//! Microsoft's secure TCP client and server samples, written against windows-sys's names,
//! run against each other on the emulator, in one thread. The samples' sources
//! (`tests/sample/secure_tcp_client.rs`, `tests/sample/secure_tcp_server.rs`) are included
//! twice: once after `use winsock_emu::sys::*`, and, when compiling for Windows, once after
//! `use windows_sys::Win32::Networking::WinSock::*` — the `use` lines are the only
//! difference, and `cargo check --target x86_64-pc-windows-gnu --all-targets` proves that
//! the same text compiles against windows-sys.
//!
//! The emulator never blocks, so the steps are ordered for each to succeed: the server
//! listens, the client connects (queued on the listener) and sends its request, the server
//! accepts, receives, impersonates the client, replies and closes, and the client receives
//! the reply.
// The samples mirror C: fields are assigned one by one, as the C code does.
#![allow(
    clippy::missing_safety_doc,
    clippy::field_reassign_with_default,
    unsafe_op_in_unsafe_fn
)]

mod common;

/// The samples, compiled against the emulator.
mod on_emulator {
    use winsock_emu::sys::*;
    include!("sample/secure_tcp_client.rs");
    include!("sample/secure_tcp_server.rs");
}

/// The same samples, compiled against windows-sys (type-checked only; they run on Windows).
#[cfg(windows)]
#[allow(dead_code)]
mod on_windows_sys {
    use windows_sys::Win32::Networking::WinSock::*;
    use windows_sys::Win32::System::IO::OVERLAPPED;
    include!("sample/secure_tcp_client.rs");
    include!("sample/secure_tcp_server.rs");
}

use on_emulator::*;
use winsock_emu::sys::{
    ioctlsocket, FIONBIO, SOCKADDR_IN, SOCKET, SOCKET_INFO_CONNECTION_ENCRYPTED,
    SOCKET_INFO_CONNECTION_IMPERSONATED, SOCKET_INFO_CONNECTION_SECURED, WSAECONNREFUSED,
    WSAETIMEDOUT, WSAEWOULDBLOCK,
};
use winsock_emu::{impersonated_principal, Network, Socket, SocketState};

const SERVER_SPN: &str = "host/server.contoso.com";
const CLIENT_PRINCIPAL: &str = "host/client.contoso.com";
const SECURED_AND_ENCRYPTED: u32 =
    SOCKET_INFO_CONNECTION_SECURED | SOCKET_INFO_CONNECTION_ENCRYPTED;

fn server_addr(port: u16) -> SOCKADDR_IN {
    let mut addr = SOCKADDR_IN::default();
    addr.sin_family = winsock_emu::sys::AF_INET;
    addr.sin_port = port.to_be();
    addr.sin_addr.S_un.S_addr = u32::from_ne_bytes([127, 0, 0, 1]);
    addr
}

fn spn() -> Vec<u16> {
    SERVER_SPN.encode_utf16().collect()
}

/// Runs `f` on the safe face of the raw socket `handle`, which stays open.
fn with_socket<T>(net: &Network, handle: SOCKET, f: impl FnOnce(&Socket) -> T) -> T {
    let socket = Socket::from_raw(net, handle);
    let result = f(&socket);
    socket.into_raw();
    result
}

/// The sample's listener on `port`, authenticating as `principal` (accepted sockets inherit
/// it); the client's host authenticates as [`CLIENT_PRINCIPAL`].
fn listener(net: &Network, port: u16, principal: &str) -> SOCKET {
    net.set_host_principal([127, 0, 0, 1].into(), CLIENT_PRINCIPAL);
    let listen_sock = unsafe { start_secure_listener(port) }.unwrap();
    with_socket(net, listen_sock, |socket| socket.set_principal(principal)).unwrap();
    listen_sock
}

#[test]
fn sample_client_and_server_exchange_over_a_secured_connection() {
    let env = common::env();
    let listen_sock = listener(&env.net, 27015, SERVER_SPN);
    let client = unsafe { secure_tcp_connect(&server_addr(27015), &spn()) }.unwrap();
    with_socket(&env.net, client, |socket| {
        let info = socket.info().unwrap();
        assert_eq!(info.names.len(), 1);
        assert_eq!(info.names[0].name.to_string(), SERVER_SPN);
        assert_eq!(
            info.names[0].peer, None,
            "the sample leaves PeerAddress zeroed"
        );
        assert!(matches!(info.state, SocketState::Connected { .. }));
        assert!(!info.overlapped, "WSASocket with flags 0 is not overlapped");
        let flags = socket.query_security().unwrap().flags;
        assert_eq!(
            flags, SECURED_AND_ENCRYPTED,
            "GUARANTEE_ENCRYPTION both ends"
        );
        let server = socket.authenticated_peer().unwrap().unwrap();
        assert_eq!(
            server.to_string(),
            SERVER_SPN,
            "the client reached whom it named"
        );
    });
    let request = b"hello, secure server";
    assert_eq!(unsafe { wsa_send_buffer(client, request) }, Ok(20));

    let mut received = [0u8; 64];
    let mut checked = false;
    let reply = b"hello, authenticated client";
    let served = unsafe {
        secure_tcp_accept_connection(listen_sock, &mut received, reply, |client_sock| {
            let acting_as = impersonated_principal().map(|name| name.to_string());
            assert_eq!(acting_as.as_deref(), Some(CLIENT_PRINCIPAL));
            let flags = with_socket(&env.net, client_sock, |s| s.query_security().unwrap().flags);
            assert_eq!(
                flags,
                SECURED_AND_ENCRYPTED | SOCKET_INFO_CONNECTION_IMPERSONATED
            );
            checked = true;
        })
    };
    assert_eq!(served, Ok(20));
    assert_eq!(&received[..20], request);
    assert!(checked, "the access check ran while impersonating");
    assert_eq!(impersonated_principal(), None, "reverted");

    let mut answer = [0u8; 64];
    assert_eq!(
        unsafe { secure_tcp_receive_reply(client, &mut answer) },
        Ok(27)
    );
    assert_eq!(&answer[..27], reply);
    let sockets = env.net.snapshot().sockets;
    assert_eq!(sockets.len(), 1, "client and accepted sockets closed");
    assert!(matches!(
        sockets[0].state,
        SocketState::Listening { pending: 0, .. }
    ));
}

#[test]
fn sample_client_is_refused_by_a_server_with_another_identity() {
    let env = common::env();
    let listen_sock = listener(&env.net, 27016, "host/rogue.contoso.com");
    let refused = unsafe { secure_tcp_connect(&server_addr(27016), &spn()) };
    assert_eq!(refused, Err(WSAETIMEDOUT));
    let mut on = 1u32;
    assert_eq!(unsafe { ioctlsocket(listen_sock, FIONBIO, &mut on) }, 0);
    let nothing = unsafe { secure_tcp_accept_connection(listen_sock, &mut [], b"", |_| ()) };
    assert_eq!(nothing, Err(WSAEWOULDBLOCK), "no connection was queued");
    assert_eq!(env.net.socket_count(), 1, "the client's socket was closed");
}

#[test]
fn sample_flow_fails_with_the_documented_code_when_the_server_is_absent() {
    let _env = common::env();
    let refused = unsafe { secure_tcp_connect(&server_addr(27017), &spn()) };
    assert_eq!(refused, Err(WSAECONNREFUSED));
}
