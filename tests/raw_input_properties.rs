//! Property tests: random bytes, lengths, handles and codes given to every raw entry point
//! never panic, fail only with a code the function can return, and leave the network
//! exactly as it was when they fail.

mod common;

use std::ptr;

use common::*;
use proptest::prelude::*;
use winsock_emu::sys::*;
use winsock_emu::{Domain, Network, Type};

/// A small network with sockets in every interesting state; returns their handles.
fn populated() -> (Env, Vec<SOCKET>) {
    let env = env();
    let mut handles = vec![
        raw_socket(AF_INET, SOCK_DGRAM, 0),
        raw_socket_non_overlapped(AF_INET6, SOCK_DGRAM, 0),
        raw_socket(AF_INET, SOCK_STREAM, 0),
        raw_socket(AF_UNIX, SOCK_STREAM, 0),
        raw_socket(AF_INET, SOCK_RAW, 1),
    ];
    let (listener, client) = connected_stream(&env.net, "127.0.0.1:5000");
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp.set_peer_target_name("192.0.2.1:9".parse().unwrap(), "host/x")
        .unwrap();
    udp.connect("192.0.2.1:9".parse().unwrap()).unwrap();
    handles.extend([listener.into_raw(), client.into_raw(), udp.into_raw()]);
    let closed = raw_socket(AF_INET, SOCK_DGRAM, 0);
    unsafe { closesocket(closed) };
    handles.extend([closed, 0, INVALID_SOCKET, 0x1_0000]);
    (env, handles)
}

/// A buffer and a declared length that never overstates it.
fn buffer_and_len() -> impl Strategy<Value = (Vec<u8>, u32)> {
    prop::collection::vec(any::<u8>(), 0..400).prop_flat_map(|bytes| {
        let max = bytes.len() as u32;
        (Just(bytes), 0..=max)
    })
}

/// A plausible SOCKET_PEER_TARGET_NAME with random corruption: more interesting than pure noise.
fn corrupted_name() -> impl Strategy<Value = (Vec<u8>, u32)> {
    (
        prop::sample::select(vec![
            "192.0.2.1:500",
            "[2001:db8::1]:1",
            "0.0.0.0:0",
            "[::]:0",
            "10.0.0.1:0",
        ]),
        "[a-z/.]{0,20}",
        prop::collection::vec((0usize..200, any::<u8>()), 0..4),
        0u32..300,
    )
        .prop_map(|(peer, name, flips, cut)| {
            let mut bytes = name_for(peer, &name);
            for (at, value) in flips {
                if let Some(byte) = bytes.get_mut(at) {
                    *byte = value;
                }
            }
            let len = (bytes.len() as u32).saturating_sub(cut % 8 * (cut / 8 % 2));
            (bytes, len)
        })
}

fn check(net: &Network, rc_failed: bool, allowed: &[i32], before: &winsock_emu::NetworkSnapshot) {
    if rc_failed {
        let code = last_error();
        assert!(allowed.contains(&code), "unexpected error {code}");
        assert_eq!(&net.snapshot(), before, "a failed call changed the network");
    }
}

const SET_ERRORS: &[i32] = &[
    WSAENOTSOCK,
    WSAEFAULT,
    WSAEINVAL,
    WSAEMSGSIZE,
    WSAEAFNOSUPPORT,
    WSAEISCONN,
    WSAEOPNOTSUPP,
];

proptest! {
    #![proptest_config(ProptestConfig { cases: if cfg!(miri) { 2 } else { 400 }, ..ProptestConfig::default() })]

    #[test]
    fn set_peer_target_name_random_buffers((bytes, len) in prop_oneof![buffer_and_len(), corrupted_name()], pick in 0usize..12, null in any::<bool>()) {
        let (env, handles) = populated();
        let s = handles[pick % handles.len()];
        let before = env.net.snapshot();
        let ptr = if null { ptr::null() } else { bytes.as_ptr() };
        let rc = unsafe { WSASetSocketPeerTargetName(s, ptr.cast(), len, ptr::null(), None) };
        check(&env.net, rc != 0, SET_ERRORS, &before);
    }

    #[test]
    fn ioctl_random_codes_and_buffers((bytes, len) in prop_oneof![buffer_and_len(), corrupted_name()], pick in 0usize..12, code in prop_oneof![Just(SIO_SET_PEER_TARGET_NAME), Just(SIO_DELETE_PEER_TARGET_NAME), Just(SIO_SET_SECURITY), any::<u32>()], null_returned in any::<bool>()) {
        let (env, handles) = populated();
        let s = handles[pick % handles.len()];
        let before = env.net.snapshot();
        let mut returned = 0xdead_beef_u32;
        let returned_ptr: *mut u32 = if null_returned { ptr::null_mut() } else { &mut returned };
        let rc = unsafe { WSAIoctl(s, code, bytes.as_ptr().cast(), len, ptr::null_mut(), 0, returned_ptr, ptr::null_mut(), None) };
        check(&env.net, rc != 0, SET_ERRORS, &before);
        prop_assert_eq!(returned, if rc == 0 && !null_returned { 0 } else { 0xdead_beef });
    }

    #[test]
    fn delete_bind_connect_random_addresses((bytes, len) in buffer_and_len(), pick in 0usize..12, which in 0u8..4, null in any::<bool>()) {
        let (env, handles) = populated();
        let s = handles[pick % handles.len()];
        let before = env.net.snapshot();
        let addr: *const SOCKADDR = if null { ptr::null() } else { bytes.as_ptr().cast() };
        let (rc, allowed): (i32, &[i32]) = unsafe {
            match which {
                0 => (WSADeleteSocketPeerTargetName(s, addr, len, ptr::null(), None), SET_ERRORS),
                1 => (bind(s, addr, len as i32), &[WSAENOTSOCK, WSAEFAULT, WSAEINVAL, WSAEADDRINUSE, WSAEAFNOSUPPORT, WSAENOBUFS]),
                2 => (connect(s, addr, len as i32), &[WSAENOTSOCK, WSAEFAULT, WSAEINVAL, WSAEISCONN, WSAEAFNOSUPPORT, WSAEADDRNOTAVAIL, WSAECONNREFUSED, WSAENOBUFS]),
                _ => (WSAConnect(s, addr, len as i32, ptr::null(), ptr::null_mut(), ptr::null(), ptr::null()), &[WSAENOTSOCK, WSAEFAULT, WSAEINVAL, WSAEISCONN, WSAEAFNOSUPPORT, WSAEADDRNOTAVAIL, WSAECONNREFUSED, WSAENOBUFS]),
            }
        };
        check(&env.net, rc != 0, allowed, &before);
    }

    #[test]
    fn accept_random_lengths(pick in 0usize..12, addrlen in any::<i32>(), null_addr in any::<bool>(), null_len in any::<bool>()) {
        let (env, handles) = populated();
        let s = handles[pick % handles.len()];
        let before = env.net.snapshot();
        let mut addr = [0x5Au8; 28];
        let mut len = addrlen.clamp(i32::MIN, 28);
        let addr_ptr: *mut SOCKADDR = if null_addr { ptr::null_mut() } else { addr.as_mut_ptr().cast() };
        let len_ptr: *mut i32 = if null_len { ptr::null_mut() } else { &mut len };
        let accepted = unsafe { accept(s, addr_ptr, len_ptr) };
        check(&env.net, accepted == INVALID_SOCKET, &[WSAENOTSOCK, WSAEFAULT, WSAEINVAL, WSAEWOULDBLOCK], &before);
        if accepted == INVALID_SOCKET {
            prop_assert_eq!(addr, [0x5A; 28]);
            prop_assert_eq!(len, addrlen.clamp(i32::MIN, 28));
        }
    }

    #[test]
    fn socket_listen_close_random_arguments(af in any::<i32>(), ty in -2i32..8, protocol in prop_oneof![Just(0), Just(6), Just(17), any::<i32>()], backlog in any::<i32>(), pick in 0usize..12) {
        let (env, handles) = populated();
        let before = env.net.snapshot();
        let s = unsafe { socket(af, ty, protocol) };
        check(&env.net, s == INVALID_SOCKET, &[WSAEAFNOSUPPORT, WSAESOCKTNOSUPPORT, WSAEPROTOTYPE, WSAEPROTONOSUPPORT], &before);
        let before = env.net.snapshot();
        let target = handles[pick % handles.len()];
        let rc = unsafe { listen(target, backlog) };
        check(&env.net, rc != 0, &[WSAENOTSOCK, WSAEINVAL, WSAEISCONN, WSAEOPNOTSUPP], &before);
        let before = env.net.snapshot();
        let rc = unsafe { closesocket(target) };
        check(&env.net, rc != 0, &[WSAENOTSOCK], &before);
    }

    #[test]
    fn startup_random_versions(version in any::<u16>()) {
        let net = Network::new();
        let _enter = net.enter();
        let mut data = WSADATA { wVersion: 0xBEEF, ..WSADATA::default() };
        let rc = unsafe { WSAStartup(version, &mut data) };
        let (major, minor) = (version & 0xFF, version >> 8);
        if major >= 1 {
            prop_assert_eq!(rc, 0);
            prop_assert_eq!(data.wVersion, if (major, minor) > (2, 2) { 0x0202 } else { version });
            prop_assert_eq!(net.startup_count(), 1);
        } else {
            prop_assert_eq!(rc, WSAVERNOTSUPPORTED);
            prop_assert_eq!(data.wVersion, 0xBEEF);
            prop_assert_eq!(net.startup_count(), 0);
        }
    }
}
