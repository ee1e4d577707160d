//! WSAImpersonateSocketPeer and WSARevertImpersonation: the thread acts as the authenticated
//! peer, observable through the safe API.

mod common;

use std::net::SocketAddr;

use common::secure::*;
use common::*;
use winsock_emu::sys::*;
use winsock_emu::{
    impersonated_principal, revert_impersonation, Domain, Error, SecurityQueryTemplate, Type,
};

fn impersonate(s: SOCKET, addr: Option<&[u8]>, len: u32) -> Result<(), i32> {
    let ptr = addr.map_or(std::ptr::null(), |a| a.as_ptr());
    let rc = unsafe { WSAImpersonateSocketPeer(s, ptr.cast(), len) };
    if rc == 0 {
        Ok(())
    } else {
        assert_eq!(rc, SOCKET_ERROR);
        Err(last_error())
    }
}

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

#[test]
fn the_server_impersonates_the_client_and_reverts() {
    let env = env();
    env.net
        .set_host_principal("192.0.2.20".parse().unwrap(), "host/client.contoso.com");
    let listener = secure_listener(
        &env.net,
        "192.0.2.10:27015",
        Some(encrypting()),
        "host/server.contoso.com",
    );
    let client = secure_client(
        &env.net,
        Domain::IPV4,
        Some(encrypting()),
        Some("host/server.contoso.com"),
    );
    client.bind(addr("192.0.2.20:0")).unwrap();
    client.connect(addr("192.0.2.10:27015")).unwrap();
    let (accepted, _) = listener.accept().unwrap();

    assert_eq!(impersonated_principal(), None);
    assert_eq!(
        impersonate(accepted.as_raw(), None, 0),
        Ok(()),
        "NULL and 0, as the server sample passes"
    );
    assert_eq!(
        impersonated_principal().unwrap().to_string(),
        "host/client.contoso.com"
    );
    assert!(
        accepted.query_security().unwrap().is_impersonated(),
        "choice impersonated-flag"
    );
    assert!(!client.query_security().unwrap().is_impersonated());
    std::thread::scope(|scope| {
        scope.spawn(|| {
            assert_eq!(
                impersonated_principal(),
                None,
                "impersonation is per thread"
            )
        });
    });
    assert_eq!(unsafe { WSARevertImpersonation() }, 0);
    assert_eq!(impersonated_principal(), None);
    assert!(!accepted.query_security().unwrap().is_impersonated());
    // The client may impersonate the server too; the safe face does the same.
    client.impersonate_peer().unwrap();
    assert_eq!(
        impersonated_principal().unwrap().to_string(),
        "host/server.contoso.com"
    );
    revert_impersonation();
    assert_eq!(impersonated_principal(), None);
}

#[test]
fn choice_revert_needs_nothing_not_even_startup() {
    let net = winsock_emu::Network::new();
    let _enter = net.enter();
    assert_eq!(unsafe { WSARevertImpersonation() }, 0);
    assert_eq!(unsafe { WSARevertImpersonation() }, 0);
}

#[test]
fn choice_impersonate_null_address_rules() {
    let env = env();
    let (_listener, client, accepted) = secured_connection(&env.net, "127.0.0.1:7200");
    let _ = client;
    let any = sockaddr(addr("192.0.2.99:1"));
    assert_fails_unchanged(&env.net, WSAEINVAL, || {
        impersonate(accepted.as_raw(), None, 16)
    });
    let big = [0u8; 200];
    assert_fails_unchanged(&env.net, WSAEINVAL, || {
        impersonate(accepted.as_raw(), Some(&big), 129)
    });
    assert_eq!(impersonated_principal(), None);
    // On a stream socket a given address is ignored.
    assert_eq!(
        impersonate(accepted.as_raw(), Some(&any), any.len() as u32),
        Ok(())
    );
    revert_impersonation();
}

#[test]
fn rule_codes_for_the_socket_and_the_connection() {
    let env = env();
    assert_fails_unchanged(&env.net, WSAENOTSOCK, || impersonate(0x4242, None, 0));
    let unix = raw_socket(AF_UNIX, SOCK_STREAM, 0);
    assert_fails_unchanged(&env.net, WSAEINVAL, || impersonate(unix, None, 0));
    let idle = raw_socket(AF_INET, SOCK_STREAM, 0);
    assert_fails_unchanged(&env.net, WSAENOTCONN, || impersonate(idle, None, 0));
    // A plain connection authenticated no one.
    let (listener, client) = connected_stream(&env.net, "127.0.0.1:7201");
    let (accepted, _) = listener.accept().unwrap();
    assert_fails_unchanged(&env.net, WSAEOPNOTSUPP, || {
        impersonate(accepted.as_raw(), None, 0)
    });
    assert_eq!(client.impersonate_peer(), Err(Error::OperationNotSupported));
    assert_eq!(impersonated_principal(), None);
    // A reset connection.
    let (_l, secure_client_socket, secure_accepted) =
        secured_connection(&env.net, "127.0.0.1:7202");
    secure_client_socket.send(b"unread").unwrap();
    secure_accepted.close().unwrap();
    assert_fails_unchanged(&env.net, WSAECONNRESET, || {
        impersonate(secure_client_socket.as_raw(), None, 0)
    });
}

#[test]
fn datagram_peers_are_impersonated_by_address() {
    let env = env();
    let server = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    server.set_security(None).unwrap();
    server.bind(addr("192.0.2.1:500")).unwrap();
    let client = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    client.set_principal("host/udp-client").unwrap();
    client
        .set_peer_target_name(addr("192.0.2.1:500"), "host/192.0.2.1")
        .unwrap();
    client.send_to(b"hello", addr("192.0.2.1:500")).unwrap();
    let mut buf = [0u8; 16];
    let (_, from) = server.recv_from(&mut buf).unwrap();

    let s = server.as_raw();
    assert_fails_unchanged(&env.net, WSAEFAULT, || impersonate(s, None, 0));
    let from_bytes = sockaddr(from);
    assert_fails_unchanged(&env.net, WSAEMSGSIZE, || {
        impersonate(s, Some(&from_bytes), 15)
    });
    let v6 = sockaddr(addr("[::1]:500"));
    assert_fails_unchanged(&env.net, WSAEAFNOSUPPORT, || impersonate(s, Some(&v6), 28));
    let stranger = sockaddr(addr("192.0.2.77:500"));
    assert_fails_unchanged(&env.net, WSAENOTCONN, || {
        impersonate(s, Some(&stranger), 16)
    });

    assert_eq!(impersonate(s, Some(&from_bytes), 16), Ok(()));
    assert_eq!(
        impersonated_principal().unwrap().to_string(),
        "host/udp-client"
    );
    let template = SecurityQueryTemplate {
        peer: Some(from),
        ..Default::default()
    };
    assert!(server
        .query_security_with(template)
        .unwrap()
        .is_impersonated());
    revert_impersonation();
    server.impersonate_peer_at(from).unwrap();
    assert_eq!(
        impersonated_principal().unwrap().to_string(),
        "host/udp-client"
    );
    revert_impersonation();
}
