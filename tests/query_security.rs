//! WSAQuerySocketSecurity: every documented rule, through the function,
//! WSAIoctl(SIO_QUERY_SECURITY) and the safe API.

mod common;

use std::net::SocketAddr;

use common::secure::*;
use common::*;
use winsock_emu::sys::*;
use winsock_emu::{Domain, Error, SecurityProtocol, SecurityQueryTemplate, Type};

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

fn template(peer: Option<&str>, protocol: SecurityProtocol) -> Vec<u8> {
    SecurityQueryTemplate {
        protocol,
        peer: peer.map(addr),
        peer_token_access_mask: 0,
    }
    .to_bytes()
}

#[test]
fn a_secured_connection_answers_secured_and_encrypted_on_both_faces() {
    let env = env();
    let (_listener, client, accepted) = secured_connection(&env.net, "127.0.0.1:7100");
    for face in RAW_FACES {
        for s in [client.as_raw(), accepted.as_raw()] {
            let queried = query_raw(face, s, None, 0, false, Some(40));
            assert_eq!(queried.result, Ok(()));
            assert_eq!(queried.len, Some(24), "the bytes written");
            assert_eq!(
                &queried.info[0..4],
                &SOCKET_SECURITY_PROTOCOL_IPSEC.to_le_bytes()
            );
            assert_eq!(
                queried.flags(),
                SOCKET_INFO_CONNECTION_SECURED | SOCKET_INFO_CONNECTION_ENCRYPTED
            );
            assert_eq!(
                &queried.info[8..24],
                &[0; 16],
                "no token handles without PeerTokenAccessMask"
            );
            assert_eq!(
                &queried.info[24..],
                &[0xAB; 16],
                "nothing written past the structure"
            );
        }
    }
    // Any number of times, and with a template that asks for tokens.
    let with_mask = SecurityQueryTemplate {
        peer_token_access_mask: 4,
        ..Default::default()
    }
    .to_bytes();
    let queried = query_raw(
        Face::Function,
        client.as_raw(),
        Some(&with_mask),
        144,
        false,
        Some(24),
    );
    assert_eq!((queried.result, queried.len), (Ok(()), Some(24)));
    assert_eq!(&queried.info[8..16], &[0; 8], "the server named no user");
    let machine = u64::from_le_bytes(queried.info[16..24].try_into().unwrap());
    let token = winsock_emu::token_info(machine).expect("a machine token");
    assert_eq!(token.principal.to_string(), "host/server.contoso.com");
    assert_eq!(unsafe { CloseHandle(machine as usize as HANDLE) }, TRUE);
    assert!(client.query_security().unwrap().is_encrypted());
}

#[test]
fn choice_query_size_probe_code_is_wsaemsgsize_with_the_needed_length() {
    let env = env();
    let (_listener, client, _accepted) = secured_connection(&env.net, "127.0.0.1:7101");
    for face in RAW_FACES {
        let before = env.net.snapshot();
        let probe = query_raw(face, client.as_raw(), None, 0, true, Some(0));
        assert_eq!((probe.result, probe.len), (Err(WSAEMSGSIZE), Some(24)));
        let short = query_raw(face, client.as_raw(), None, 0, false, Some(23));
        assert_eq!((short.result, short.len), (Err(WSAEMSGSIZE), Some(24)));
        assert_eq!(short.info, [0xAB; 40], "the info buffer is not written");
        assert_eq!(env.net.snapshot(), before);
    }
}

#[test]
fn rule_wsaefault_for_a_null_info_length() {
    let env = env();
    let (_listener, client, _accepted) = secured_connection(&env.net, "127.0.0.1:7102");
    for face in RAW_FACES {
        let queried = query_raw(face, client.as_raw(), None, 0, false, None);
        assert_eq!(queried.result, Err(WSAEFAULT));
        assert_eq!(queried.info, [0xAB; 40]);
    }
}

#[test]
fn rule_wsaenotsock_and_wsaeinval_for_the_socket() {
    let _env = env();
    for face in RAW_FACES {
        let queried = query_raw(face, 0x4242, None, 0, false, Some(24));
        assert_eq!((queried.result, queried.len), (Err(WSAENOTSOCK), Some(24)));
        for (af, ty) in [(AF_UNIX, SOCK_STREAM), (AF_INET, SOCK_RAW)] {
            let s = raw_socket(af, ty, 0);
            assert_eq!(
                query_raw(face, s, None, 0, false, Some(24)).result,
                Err(WSAEINVAL)
            );
        }
    }
}

#[test]
fn rule_wsaemsgsize_for_a_missing_or_short_template() {
    let env = env();
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let (_listener, client, _accepted) = secured_connection(&env.net, "127.0.0.1:7103");
    let full = template(Some("192.0.2.1:500"), SecurityProtocol::Default);
    for face in RAW_FACES {
        assert_eq!(
            query_raw(face, udp.as_raw(), None, 0, false, Some(24)).result,
            Err(WSAEMSGSIZE)
        );
        assert_eq!(
            query_raw(face, udp.as_raw(), Some(&full), 143, false, Some(24)).result,
            Err(WSAEMSGSIZE)
        );
        // Stream sockets may pass NULL or a zero length, but not a short template.
        assert_eq!(
            query_raw(face, client.as_raw(), Some(&full), 0, false, Some(24)).result,
            Ok(())
        );
        assert_eq!(
            query_raw(face, client.as_raw(), Some(&full), 100, false, Some(24)).result,
            Err(WSAEMSGSIZE)
        );
        assert_eq!(
            query_raw(face, client.as_raw(), Some(&full), 144, false, Some(24)).result,
            Ok(())
        );
    }
    assert_eq!(udp.query_security(), Err(Error::MessageSize));
}

#[test]
fn template_values_are_checked() {
    let env = env();
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let mut illegal = template(Some("192.0.2.1:500"), SecurityProtocol::Default);
    illegal[0] = SOCKET_SECURITY_PROTOCOL_INVALID as u8;
    let v6 = template(Some("[::1]:500"), SecurityProtocol::Default);
    let zero = template(Some("0.0.0.0:0"), SecurityProtocol::Default);
    for face in RAW_FACES {
        assert_eq!(
            query_raw(face, udp.as_raw(), Some(&illegal), 144, false, Some(24)).result,
            Err(WSAEINVAL)
        );
        assert_eq!(
            query_raw(face, udp.as_raw(), Some(&v6), 144, false, Some(24)).result,
            Err(WSAEAFNOSUPPORT)
        );
        assert_eq!(
            query_raw(face, udp.as_raw(), Some(&zero), 144, false, Some(24)).result,
            Err(WSAEINVAL)
        );
    }
}

#[test]
fn choice_query_before_connection_is_wsaenotconn() {
    let env = env();
    let idle = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    let listener = secure_listener(&env.net, "127.0.0.1:7104", Some(encrypting()), "host/s");
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let never = template(Some("192.0.2.1:500"), SecurityProtocol::Default);
    for face in RAW_FACES {
        assert_eq!(
            query_raw(face, idle.as_raw(), None, 0, false, Some(24)).result,
            Err(WSAENOTCONN)
        );
        assert_eq!(
            query_raw(face, listener.as_raw(), None, 0, false, Some(24)).result,
            Err(WSAENOTCONN)
        );
        assert_eq!(
            query_raw(face, udp.as_raw(), Some(&never), 144, false, Some(24)).result,
            Err(WSAENOTCONN)
        );
    }
    assert_eq!(idle.query_security(), Err(Error::NotConnected));
}

#[test]
fn rule_wsaeconnreset_after_the_peer_reset_the_connection() {
    let env = env();
    let (_listener, client, accepted) = secured_connection(&env.net, "127.0.0.1:7105");
    client.send(b"unread").unwrap();
    accepted.close().unwrap(); // closed with unread data: a reset
    for face in RAW_FACES {
        assert_eq!(
            query_raw(face, client.as_raw(), None, 0, false, Some(24)).result,
            Err(WSAECONNRESET)
        );
    }
    assert_eq!(client.query_security(), Err(Error::ConnectionReset));
}

#[test]
fn rule_wsaeconnreset_after_a_datagram_drew_port_unreachable() {
    let env = env();
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let nobody = addr("192.0.2.77:9");
    assert_eq!(
        udp.send_to(b"anyone?", nobody),
        Ok(7),
        "the send itself succeeds"
    );
    let template = template(Some("192.0.2.77:9"), SecurityProtocol::Default);
    for face in RAW_FACES {
        let queried = query_raw(face, udp.as_raw(), Some(&template), 144, false, Some(24));
        assert_eq!(queried.result, Err(WSAECONNRESET));
        assert_eq!(queried.len, Some(24), "untouched on failure");
    }
    // Once something listens there and a datagram is delivered, the peer answers again.
    let listener = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    listener.bind(nobody).unwrap();
    udp.send_to(b"hello", nobody).unwrap();
    let queried = query_raw(
        Face::Function,
        udp.as_raw(),
        Some(&template),
        144,
        false,
        Some(24),
    );
    assert_eq!(queried.result, Ok(()));
}

#[test]
fn overlapped_arguments_are_ignored_on_non_overlapped_sockets() {
    // On overlapped sockets the call completes through the OVERLAPPED: overlapped_security.rs.
    unsafe extern "system" fn routine(_: u32, _: u32, _: *mut OVERLAPPED, _: u32) {}
    let _env = env();
    let ov = OVERLAPPED::default();
    let mut info = SOCKET_SECURITY_QUERY_INFO::default();
    let mut len = 24u32;
    let plain = raw_socket_non_overlapped(AF_INET, SOCK_STREAM, 0);
    let rc = unsafe {
        WSAQuerySocketSecurity(
            plain,
            std::ptr::null(),
            0,
            &mut info,
            &mut len,
            &ov,
            Some(routine),
        )
    };
    assert_eq!(
        (rc, last_error()),
        (SOCKET_ERROR, WSAENOTCONN),
        "arguments ignored, the next rule answers"
    );
}

#[test]
fn function_and_ioctl_agree() {
    let cases: [(bool, Option<u32>); 4] = [
        (false, Some(24)),
        (true, Some(0)),
        (false, Some(8)),
        (false, None),
    ];
    for (info_null, len) in cases {
        let results: Vec<_> = RAW_FACES
            .iter()
            .map(|&face| {
                let env = env();
                let (_l, client, _a) = secured_connection(&env.net, "127.0.0.1:7107");
                let queried = query_raw(face, client.as_raw(), None, 0, info_null, len);
                (queried, env.net.snapshot())
            })
            .collect();
        assert_eq!(results[0], results[1]);
    }
}
