//! WSASetSocketSecurity: every documented rule, through the function, WSAIoctl(SIO_SET_SECURITY)
//! and the safe API.

mod common;

use common::secure::{set_security, set_security_raw};
use common::*;
use winsock_emu::sys::*;
use winsock_emu::{Domain, Error, SecurityProtocol, SecuritySettings, TargetName, Type};

#[test]
fn null_settings_mean_the_defaults_on_both_faces() {
    for face in RAW_FACES {
        let env = env();
        let s = raw_socket(AF_INET, SOCK_STREAM, 0);
        assert_eq!(set_security_raw(face, s, None, 0), Ok(()));
        let info = env.net.snapshot().sockets[0].security.clone();
        assert_eq!(info, Some(SecuritySettings::default()));
    }
    let env = env();
    let s = env.net.socket(Domain::IPV6, Type::DGRAM, None).unwrap();
    s.set_security(None).unwrap();
    assert_eq!(
        s.info().unwrap().security,
        Some(SecuritySettings::default())
    );
}

#[test]
fn generic_and_ipsec_forms_are_stored_as_given() {
    let mut ipsec = SecuritySettings::ipsec(
        SOCKET_SETTINGS_ALLOW_INSECURE,
        SOCKET_SETTINGS_IPSEC_SKIP_FILTER_INSTANTIATION,
    );
    if let Some(extra) = ipsec.ipsec.as_mut() {
        extra.user_name = TargetName::from("alice");
        extra.domain_name = TargetName::from("CONTOSO");
    }
    let generic = SecuritySettings::with_flags(SOCKET_SETTINGS_GUARANTEE_ENCRYPTION);
    for settings in [generic, ipsec] {
        for face in RAW_FACES {
            let env = env();
            let s = raw_socket(AF_INET, SOCK_STREAM, 0);
            assert_eq!(set_security(face, s, &settings), Ok(()));
            assert_eq!(
                env.net.snapshot().sockets[0].security.as_ref(),
                Some(&settings)
            );
        }
    }
}

#[test]
fn rule_wsaenotsock_and_wsanotinitialised() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_STREAM, 0);
    unsafe { closesocket(s) };
    for face in RAW_FACES {
        assert_fails_unchanged(&env.net, WSAENOTSOCK, || set_security_raw(face, s, None, 0));
        assert_fails_unchanged(&env.net, WSAENOTSOCK, || {
            set_security_raw(face, 0x4242, None, 0)
        });
    }
    let net = winsock_emu::Network::new();
    let _enter = net.enter();
    assert_eq!(
        set_security_raw(Face::Function, 0x100, None, 0),
        Err(WSANOTINITIALISED)
    );
}

#[test]
fn rule_wsaeinval_for_sockets_not_ip_stream_or_datagram() {
    let env = env();
    for (af, ty) in [
        (AF_UNIX, SOCK_STREAM),
        (AF_INET, SOCK_RAW),
        (AF_INET6, SOCK_RDM),
        (AF_NETBIOS, SOCK_DGRAM),
    ] {
        let s = raw_socket(af, ty, 0);
        for face in RAW_FACES {
            assert_fails_unchanged(&env.net, WSAEINVAL, || set_security_raw(face, s, None, 0));
        }
    }
    let unix = env.net.socket(Domain::UNIX, Type::STREAM, None).unwrap();
    assert_eq!(unix.set_security(None), Err(Error::Invalid));
}

#[test]
fn rule_wsaemsgsize_when_the_length_cannot_hold_the_structure_or_strings() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_STREAM, 0);
    let generic = SecuritySettings::with_flags(0).to_bytes();
    let mut ipsec = SecuritySettings::ipsec(0, 0).to_bytes();
    ipsec[72] = 8; // UserNameStringLen: 8 bytes, past an 88-byte buffer
    for face in RAW_FACES {
        for len in [0, 1, 7] {
            assert_fails_unchanged(&env.net, WSAEMSGSIZE, || {
                set_security_raw(face, s, Some(&generic), len)
            });
        }
        assert_fails_unchanged(&env.net, WSAEMSGSIZE, || {
            set_security_raw(face, s, Some(&ipsec), 88)
        });
    }
}

#[test]
fn rule_wsaeinval_for_incorrect_values_in_the_settings() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
    let mut bad_protocol = SecuritySettings::with_flags(0).to_bytes();
    bad_protocol[0] = SOCKET_SECURITY_PROTOCOL_INVALID as u8;
    let mut bad_flags = SecuritySettings::with_flags(0).to_bytes();
    bad_flags[4] = 0x4;
    let mut ipsec_default = SecuritySettings::ipsec(0, 0).to_bytes();
    ipsec_default[0] = SOCKET_SECURITY_PROTOCOL_DEFAULT as u8;
    let bad_ipsec_flags = SecuritySettings::ipsec(0, 0x10).to_bytes();
    let mut odd_string = SecuritySettings::ipsec(0, 0).to_bytes();
    odd_string.extend_from_slice(&[0; 4]);
    odd_string[80] = 3; // PasswordStringLen
    for face in RAW_FACES {
        for buffer in [
            &bad_protocol,
            &bad_flags,
            &ipsec_default,
            &bad_ipsec_flags,
            &odd_string,
        ] {
            assert_fails_unchanged(&env.net, WSAEINVAL, || {
                set_security_raw(face, s, Some(buffer), buffer.len() as u32)
            });
        }
    }
    let safe = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    assert_eq!(
        safe.set_security(Some(SecuritySettings::with_flags(0x8))),
        Err(Error::Invalid)
    );
    let mut default_ipsec = SecuritySettings::ipsec(0, 0);
    default_ipsec.protocol = SecurityProtocol::Default;
    assert_eq!(safe.set_security(Some(default_ipsec)), Err(Error::Invalid));
    assert_eq!(safe.info().unwrap().security, None);
}

#[test]
fn choice_security_settings_form_by_length() {
    let env = env();
    // 8..88 bytes: the generic form, IPSEC and IPSEC2 allowed, extra bytes ignored.
    for (protocol, len) in [
        (SOCKET_SECURITY_PROTOCOL_IPSEC, 8u32),
        (SOCKET_SECURITY_PROTOCOL_IPSEC2, 87),
    ] {
        let s = raw_socket(AF_INET, SOCK_STREAM, 0);
        let mut raw = vec![0u8; 88];
        raw[0] = protocol as u8;
        raw[8] = 0xFF; // would be bad IpsecFlags in the IPsec form
        assert_eq!(set_security_raw(Face::Function, s, Some(&raw), len), Ok(()));
        assert!(env.net.socket_count() > 0);
    }
    // 88 bytes with IPSEC2 is the IPsec form.
    let s = raw_socket(AF_INET, SOCK_STREAM, 0);
    let mut raw = SecuritySettings::ipsec(0, 0).to_bytes();
    raw[0] = SOCKET_SECURITY_PROTOCOL_IPSEC2 as u8;
    assert_eq!(set_security_raw(Face::Function, s, Some(&raw), 88), Ok(()));
    let stored = env
        .net
        .snapshot()
        .sockets
        .last()
        .unwrap()
        .security
        .clone()
        .unwrap();
    assert_eq!(stored.protocol, SecurityProtocol::Ipsec2);
    assert!(stored.ipsec.is_some());
}

#[test]
fn rule_wsaeisconn_on_connected_stream_and_datagram_sockets() {
    let env = env();
    let (_listener, client) = connected_stream(&env.net, "127.0.0.1:7000");
    let (accepted, _) = _listener.accept().unwrap();
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp.connect("192.0.2.1:53".parse().unwrap()).unwrap();
    for s in [client.as_raw(), accepted.as_raw(), udp.as_raw()] {
        for face in RAW_FACES {
            assert_fails_unchanged(&env.net, WSAEISCONN, || set_security_raw(face, s, None, 0));
        }
    }
    assert_eq!(client.set_security(None), Err(Error::IsConnected));
}

#[test]
fn choice_security_timing_errors_after_bind_listen_or_twice() {
    let env = env();
    let bound = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    bound.bind("127.0.0.1:7001".parse().unwrap()).unwrap();
    let listening = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    listening.bind("127.0.0.1:7002".parse().unwrap()).unwrap();
    listening.listen(1).unwrap();
    let twice = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    twice.set_security(None).unwrap();
    for s in [&bound, &listening, &twice] {
        for face in RAW_FACES {
            assert_fails_unchanged(&env.net, WSAEINVAL, || {
                set_security_raw(face, s.as_raw(), None, 0)
            });
        }
        assert_eq!(s.set_security(None), Err(Error::Invalid));
    }
    // Argument errors come before timing errors.
    let short = [0u8; 4];
    assert_fails_unchanged(&env.net, WSAEMSGSIZE, || {
        set_security_raw(Face::Function, bound.as_raw(), Some(&short), 4)
    });
}

#[test]
fn overlapped_arguments_are_ignored_on_non_overlapped_sockets() {
    // On overlapped sockets the call completes through the OVERLAPPED: overlapped_security.rs.
    unsafe extern "system" fn routine(_: u32, _: u32, _: *mut OVERLAPPED, _: u32) {}
    let env = env();
    let plain = raw_socket_non_overlapped(AF_INET, SOCK_STREAM, 0);
    let ov = OVERLAPPED::default();
    assert_eq!(
        unsafe { WSASetSocketSecurity(plain, std::ptr::null(), 0, &ov, Some(routine)) },
        0
    );
    assert!(env.net.snapshot().sockets[0].security.is_some());
}

#[test]
fn ioctl_needs_bytes_returned_without_overlapped_arguments() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_STREAM, 0);
    assert_fails_unchanged(&env.net, WSAEFAULT, || {
        let rc = unsafe {
            WSAIoctl(
                s,
                SIO_SET_SECURITY,
                std::ptr::null(),
                0,
                std::ptr::null_mut(),
                0,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                None,
            )
        };
        if rc == 0 {
            Ok(())
        } else {
            Err(last_error())
        }
    });
}
