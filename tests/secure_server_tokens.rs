//! A secure server that checks its clients by their access tokens
//! (`tests/sample/secure_tcp_server_tokens.rs`, windows-sys style), run against the
//! emulator in several threads, in a loop: it accepts a secured connection, queries the
//! client's application and machine tokens, impersonates the client, reverts, and closes
//! both tokens with `CloseHandle`. A variant that forgets one token is reported by strict
//! mode. The sample is compiled against windows-sys too (`cargo check --target
//! x86_64-pc-windows-gnu --all-targets`), its `use` lines being the only difference.
#![allow(
    clippy::missing_safety_doc,
    clippy::field_reassign_with_default,
    unsafe_op_in_unsafe_fn
)]

mod common;

/// The samples, compiled against the emulator (the client's connect is not used here).
#[allow(dead_code)]
mod on_emulator {
    use winsock_emu::sys::*;
    include!("sample/secure_tcp_client.rs");
    include!("sample/secure_tcp_server.rs");
    include!("sample/secure_tcp_server_tokens.rs");
}

/// The same samples, compiled against windows-sys (type-checked only; they run on Windows).
#[cfg(windows)]
#[allow(dead_code)]
mod on_windows_sys {
    use windows_sys::Win32::Foundation::{CloseHandle, GetLastError, HANDLE};
    use windows_sys::Win32::Networking::WinSock::*;
    use windows_sys::Win32::System::IO::OVERLAPPED;
    include!("sample/secure_tcp_client.rs");
    include!("sample/secure_tcp_server.rs");
    include!("sample/secure_tcp_server_tokens.rs");
}

use std::net::SocketAddr;
use std::thread;

use on_emulator::*;
use winsock_emu::sys::{
    CloseHandle, GetLastError, WSAGetLastError, ERROR_INVALID_HANDLE, FALSE, SOCKET,
    SOCKET_INFO_CONNECTION_ENCRYPTED, SOCKET_INFO_CONNECTION_SECURED,
    SOCKET_SETTINGS_GUARANTEE_ENCRYPTION,
};
use winsock_emu::testing::TOKEN_NOT_CLOSED;
use winsock_emu::{
    impersonated_principal, token_info, Domain, Network, SecuritySettings, Socket, TargetName,
    TokenKind, Type,
};

const SERVER_SPN: &str = "host/server.contoso.com";
const CLIENT_PRINCIPAL: &str = "host/client.contoso.com";

/// A client that authenticates its user `CONTOSO\alice` (AuthIP user credentials in
/// `SOCKET_SECURITY_SETTINGS_IPSEC`), names the server, connects to `port` and sends
/// `request`.
fn connecting_client(net: &Network, port: u16, request: &[u8]) -> Socket {
    let mut settings = SecuritySettings::ipsec(SOCKET_SETTINGS_GUARANTEE_ENCRYPTION, 0);
    if let Some(ipsec) = settings.ipsec.as_mut() {
        ipsec.user_name = TargetName::from("alice");
        ipsec.domain_name = TargetName::from("CONTOSO");
    }
    let client = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    client.set_security(Some(settings)).unwrap();
    let any: SocketAddr = "0.0.0.0:0".parse().unwrap();
    client.set_peer_target_name(any, SERVER_SPN).unwrap();
    let server: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    client.connect(server).unwrap();
    client.send(request).unwrap();
    client
}

/// The server's listener on `port`, authenticating as [`SERVER_SPN`].
fn listener(net: &Network, port: u16) -> SOCKET {
    let listen_sock = unsafe { start_secure_listener(port) }.unwrap();
    let socket = Socket::from_raw(net, listen_sock);
    socket.set_principal(SERVER_SPN).unwrap();
    socket.into_raw()
}

/// The principal and kind of the open token `handle`.
fn standing_for(handle: u64) -> (TokenKind, String) {
    let info = token_info(handle).expect("an open token");
    (info.kind, info.principal.to_string())
}

/// The access check: both tokens exist, differ, and stand for the client's user and host.
fn check_tokens(tokens: &ClientTokens) -> bool {
    assert_ne!(tokens.application, 0);
    assert_ne!(tokens.machine, 0);
    assert_ne!(tokens.application, tokens.machine);
    assert_eq!(tokens.needed, 24, "the size probe reports the generic form");
    assert_eq!(
        tokens.flags,
        SOCKET_INFO_CONNECTION_SECURED | SOCKET_INFO_CONNECTION_ENCRYPTED
    );
    assert_eq!(
        standing_for(tokens.application),
        (TokenKind::Application, r"CONTOSO\alice".to_owned())
    );
    assert_eq!(
        standing_for(tokens.machine),
        (TokenKind::Machine, CLIENT_PRINCIPAL.to_owned())
    );
    assert_eq!(
        token_info(tokens.machine).unwrap().access_mask,
        PEER_TOKEN_ACCESS
    );
    true
}

/// A second `CloseHandle` of `token` fails with `ERROR_INVALID_HANDLE`, which both
/// `GetLastError` and `WSAGetLastError` report.
fn assert_closed(token: u64) {
    assert_eq!(token_info(token), None);
    let handle = std::ptr::without_provenance_mut(token as usize);
    assert_eq!(unsafe { CloseHandle(handle) }, FALSE);
    assert_eq!(unsafe { GetLastError() }, ERROR_INVALID_HANDLE);
    assert_eq!(unsafe { WSAGetLastError() }, ERROR_INVALID_HANDLE as i32);
}

#[test]
fn server_queries_impersonates_and_closes_both_tokens_in_several_threads() {
    let net = Network::new();
    let _startup = net.startup().unwrap();
    net.set_host_principal([127, 0, 0, 1].into(), CLIENT_PRINCIPAL);
    let workers: Vec<_> = (0..4u16)
        .map(|worker| {
            let net = net.clone();
            thread::spawn(move || {
                let _enter = net.enter();
                let port = 27_100 + worker;
                let listen_sock = listener(&net, port);
                let mut seen = Vec::new();
                // Miri runs the same code, fewer times.
                let rounds = if cfg!(miri) { 2 } else { 25 };
                for round in 0..rounds {
                    let request = format!("request {worker}.{round}");
                    let client = connecting_client(&net, port, request.as_bytes());
                    let mut received = [0u8; 64];
                    let mut acted_as = None;
                    let tokens = unsafe {
                        serve_with_tokens(
                            listen_sock,
                            &mut received,
                            b"done",
                            check_tokens,
                            |_| acted_as = impersonated_principal(),
                            true,
                        )
                    }
                    .unwrap();
                    assert_eq!(&received[..request.len()], request.as_bytes());
                    assert_eq!(
                        acted_as.map(|name| name.to_string()).as_deref(),
                        Some(r"CONTOSO\alice"),
                        "impersonation acts as the application token's user"
                    );
                    assert_eq!(impersonated_principal(), None, "reverted");
                    assert_closed(tokens.application);
                    assert_closed(tokens.machine);
                    let mut reply = [0u8; 8];
                    assert_eq!(client.recv(&mut reply), Ok(4));
                    seen.extend([tokens.application, tokens.machine]);
                }
                seen
            })
        })
        .collect();
    let mut all: Vec<u64> = workers
        .into_iter()
        .flat_map(|worker| worker.join().unwrap())
        .collect();
    let count = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), count, "every token handle is distinct");
    assert!(
        all.iter().all(|&handle| handle % 4 == 1),
        "never a socket or event handle"
    );
}

#[test]
fn strict_mode_reports_the_token_a_server_forgot_to_close() {
    let env = common::env();
    env.net
        .set_host_principal([127, 0, 0, 1].into(), CLIENT_PRINCIPAL);
    let guard = env.net.strict();
    let listen_sock = listener(&env.net, 27_200);
    let _client = connecting_client(&env.net, 27_200, b"hello");
    let mut received = [0u8; 16];
    let tokens = unsafe {
        serve_with_tokens(
            listen_sock,
            &mut received,
            b"done",
            check_tokens,
            |_| {},
            false,
        )
    }
    .unwrap();
    let reports = guard.reports();
    assert_eq!(reports.len(), 1, "{reports:#?}");
    assert_eq!(reports[0].rule, TOKEN_NOT_CLOSED);
    assert!(
        reports[0].what.contains(r"CONTOSO\alice"),
        "{}",
        reports[0].what
    );
    assert_closed(tokens.machine);
    // Closing the forgotten token (after the socket is long gone) ends the report.
    assert_eq!(unsafe { close_token(tokens.application) }, Ok(()));
    assert_eq!(guard.reports(), Vec::new());
}
