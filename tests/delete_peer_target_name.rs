//! Every rule of WSADeleteSocketPeerTargetName, through the function, through
//! WSAIoctl(SIO_DELETE_PEER_TARGET_NAME), and through the safe API.

mod common;

use common::*;
use winsock_emu::sys::*;
use winsock_emu::{Domain, Error, Type};

#[test]
fn delete_removes_only_that_peers_name() {
    for face in RAW_FACES {
        let env = env();
        let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
        set(face, s, &name_for("192.0.2.1:500", "host/a")).unwrap();
        set(face, s, &name_for("192.0.2.2:500", "host/b")).unwrap();
        assert_eq!(delete(face, s, "192.0.2.1:500"), Ok(()));
        let names = &env.net.snapshot().sockets[0].names;
        assert_eq!(names.len(), 1);
        assert_eq!(names[0].name.to_string(), "host/b");
    }
}

#[test]
fn choice_delete_matches_address_and_port() {
    let env = env();
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp.set_peer_target_name("192.0.2.1:500".parse().unwrap(), "host/a")
        .unwrap();
    udp.delete_peer_target_name("192.0.2.1:501".parse().unwrap())
        .unwrap();
    assert!(udp
        .peer_target_name("192.0.2.1:500".parse().unwrap())
        .unwrap()
        .is_some());
}

#[test]
fn choice_delete_absent_name_succeeds_and_changes_nothing() {
    for face in RAW_FACES {
        let env = env();
        let s = raw_socket(AF_INET6, SOCK_DGRAM, 0);
        let before = env.net.snapshot();
        assert_eq!(delete(face, s, "[2001:db8::9]:53"), Ok(()));
        assert_eq!(env.net.snapshot(), before);
    }
}

#[test]
fn rule_enotsock_and_wsanotinitialised() {
    for face in RAW_FACES {
        let env = env();
        let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
        unsafe { closesocket(s) };
        assert_fails_unchanged(&env.net, WSAENOTSOCK, || delete(face, s, "192.0.2.1:1"));
        assert_fails_unchanged(&env.net, WSAENOTSOCK, || {
            delete(face, INVALID_SOCKET, "192.0.2.1:1")
        });
    }
    let net = winsock_emu::Network::new();
    let _enter = net.enter();
    for face in RAW_FACES {
        assert_eq!(delete(face, 0x100, "192.0.2.1:1"), Err(WSANOTINITIALISED));
    }
}

#[test]
fn rule_wsaefault_for_a_null_address() {
    for face in RAW_FACES {
        let env = env();
        let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
        for len in [0, 16, 128, u32::MAX] {
            assert_fails_unchanged(&env.net, WSAEFAULT, || delete_raw(face, s, None, len));
        }
    }
}

#[test]
fn rule_wsaeinval_for_sockets_not_ip_stream_or_datagram() {
    use windows_sys::Win32::Networking::WinSock::{AF_NETBIOS, AF_UNIX};
    for face in RAW_FACES {
        let env = env();
        for (af, ty, protocol) in [
            (AF_UNIX, SOCK_STREAM, 0),
            (AF_INET, SOCK_RAW, 1),
            (AF_NETBIOS, SOCK_DGRAM, 0),
        ] {
            let s = raw_socket(af, ty, protocol);
            assert_fails_unchanged(&env.net, WSAEINVAL, || delete(face, s, "192.0.2.1:1"));
        }
    }
}

#[test]
fn rule_wsaemsgsize_when_the_length_cannot_hold_the_address() {
    for face in RAW_FACES {
        let env = env();
        let udp4 = raw_socket(AF_INET, SOCK_DGRAM, 0);
        let udp6 = raw_socket(AF_INET6, SOCK_DGRAM, 0);
        let v4 = sockaddr("192.0.2.1:1".parse().unwrap());
        let v6 = sockaddr("[2001:db8::1]:1".parse().unwrap());
        for len in [0, 1, 15] {
            assert_fails_unchanged(&env.net, WSAEMSGSIZE, || {
                delete_raw(face, udp4, Some(&v4), len)
            });
        }
        for len in [0, 16, 27] {
            assert_fails_unchanged(&env.net, WSAEMSGSIZE, || {
                delete_raw(face, udp6, Some(&v6), len)
            });
        }
        assert_eq!(delete_raw(face, udp4, Some(&v4), 16), Ok(()));
        assert_eq!(delete_raw(face, udp6, Some(&v6), 28), Ok(()));
    }
}

#[test]
fn rule_wsaeafnosupport_for_an_address_the_socket_cannot_use() {
    for face in RAW_FACES {
        let env = env();
        let udp4 = raw_socket(AF_INET, SOCK_DGRAM, 0);
        let tcp6 = raw_socket(AF_INET6, SOCK_STREAM, 0);
        assert_fails_unchanged(&env.net, WSAEAFNOSUPPORT, || {
            delete(face, udp4, "[2001:db8::1]:1")
        });
        assert_fails_unchanged(&env.net, WSAEAFNOSUPPORT, || {
            delete(face, tcp6, "192.0.2.1:1")
        });
        let unix_family = [1u8, 0, b'/', b't', b'm', b'p', 0, 0];
        assert_fails_unchanged(&env.net, WSAEAFNOSUPPORT, || {
            delete_raw(face, udp4, Some(&unix_family), 8)
        });
    }
    let env = env();
    let udp = env.net.socket(Domain::IPV6, Type::DGRAM, None).unwrap();
    assert_eq!(
        udp.delete_peer_target_name("192.0.2.1:1".parse().unwrap()),
        Err(Error::AddressFamilyNotSupported)
    );
}

#[test]
fn choice_delete_zero_datagram_peer_is_wsaeinval_like_set() {
    for face in RAW_FACES {
        let env = env();
        let udp = raw_socket(AF_INET, SOCK_DGRAM, 0);
        assert_fails_unchanged(&env.net, WSAEINVAL, || delete(face, udp, "0.0.0.0:0"));
        let zeroed = [0u8; 16];
        assert_fails_unchanged(&env.net, WSAEINVAL, || {
            delete_raw(face, udp, Some(&zeroed), 16)
        });
    }
}

#[test]
fn choice_delete_on_stream_and_connected_sockets() {
    let env = env();
    let (_listener, client) = connected_stream(&env.net, "127.0.0.1:7000");
    let tcp = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    tcp.set_peer_target_name("192.0.2.1:80".parse().unwrap(), "host/a")
        .unwrap();
    // A stream socket's one name goes, whatever address is given.
    tcp.delete_peer_target_name("192.0.2.77:9".parse().unwrap())
        .unwrap();
    assert!(tcp.info().unwrap().names.is_empty());
    // Allowed after connect (WSAEISCONN is not listed for the delete function).
    assert_eq!(
        client.delete_peer_target_name("127.0.0.1:7000".parse().unwrap()),
        Ok(())
    );
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp.set_peer_target_name("192.0.2.1:53".parse().unwrap(), "host/dns")
        .unwrap();
    udp.connect("192.0.2.1:53".parse().unwrap()).unwrap();
    udp.delete_peer_target_name("192.0.2.1:53".parse().unwrap())
        .unwrap();
    assert!(udp.info().unwrap().names.is_empty());
}

#[test]
fn a_deleted_name_can_be_set_again() {
    let env = env();
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let peer = "192.0.2.1:500".parse().unwrap();
    udp.set_peer_target_name(peer, "host/a").unwrap();
    udp.delete_peer_target_name(peer).unwrap();
    assert_eq!(udp.peer_target_name(peer).unwrap(), None);
    udp.set_peer_target_name(peer, "host/b").unwrap();
    assert_eq!(
        udp.peer_target_name(peer).unwrap().unwrap().to_string(),
        "host/b"
    );
}
