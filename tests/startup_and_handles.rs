//! WSAStartup/WSACleanup counting, WSADATA, WSANOTINITIALISED, the thread-local last error,
//! and handles that are never reused.

mod common;

use common::*;
use std::ptr;
use winsock_emu::sys::*;
use winsock_emu::{Domain, Error, Network, Type};

fn c_str(field: &[i8]) -> String {
    field
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8 as char)
        .collect()
}

#[test]
fn startup_fills_wsadata_and_counts_users() {
    let net = Network::new();
    let _enter = net.enter();
    let mut data = WSADATA::default();
    assert_eq!(unsafe { WSAStartup(0x0202, &mut data) }, 0);
    assert_eq!((data.wVersion, data.wHighVersion), (0x0202, 0x0202));
    assert_eq!(c_str(&data.szDescription), "WinSock 2.0");
    assert_eq!(c_str(&data.szSystemStatus), "Running");
    assert_eq!(unsafe { WSAStartup(0x0101, &mut data) }, 0);
    assert_eq!(data.wVersion, 0x0101);
    assert_eq!(net.startup_count(), 2);
    assert_eq!(unsafe { WSACleanup() }, 0);
    assert_eq!(unsafe { WSACleanup() }, 0);
    assert_eq!(unsafe { WSACleanup() }, SOCKET_ERROR);
    assert_eq!(last_error(), WSANOTINITIALISED);
}

#[test]
fn choice_startup_versions() {
    let net = Network::new();
    let _enter = net.enter();
    let mut data = WSADATA::default();
    assert_eq!(
        unsafe { WSAStartup(0x0303, &mut data) },
        0,
        "above 2.2 is granted 2.2"
    );
    assert_eq!(data.wVersion, 0x0202);
    data.wVersion = 0xBEEF;
    assert_eq!(
        unsafe { WSAStartup(0x0200, &mut data) },
        WSAVERNOTSUPPORTED,
        "0.2"
    );
    assert_eq!(data.wVersion, 0xBEEF, "WSADATA untouched on failure");
    assert_eq!(unsafe { WSAStartup(0x0202, ptr::null_mut()) }, WSAEFAULT);
    assert_eq!(net.startup_count(), 1, "failures are not counted");
    assert_eq!(
        net.startup_version(0x0000).unwrap_err(),
        Error::VersionNotSupported
    );
}

#[test]
fn every_call_before_startup_is_wsanotinitialised() {
    let net = Network::new();
    let _enter = net.enter();
    let addr = sockaddr("127.0.0.1:80".parse().unwrap());
    unsafe {
        assert_eq!(socket(AF_INET.into(), SOCK_STREAM, 0), INVALID_SOCKET);
        assert_eq!(last_error(), WSANOTINITIALISED);
        WSASetLastError(0);
        assert_eq!(
            WSASocketW(AF_INET.into(), SOCK_DGRAM, 0, ptr::null(), 0, 0),
            INVALID_SOCKET
        );
        assert_eq!(last_error(), WSANOTINITIALISED);
        for rc in [
            bind(0x100, addr.as_ptr().cast(), 16),
            connect(0x100, addr.as_ptr().cast(), 16),
            listen(0x100, 1),
            closesocket(0x100),
            WSAConnect(
                0x100,
                addr.as_ptr().cast(),
                16,
                ptr::null(),
                ptr::null_mut(),
                ptr::null(),
                ptr::null(),
            ),
        ] {
            assert_eq!((rc, last_error()), (SOCKET_ERROR, WSANOTINITIALISED));
        }
        assert_eq!(
            accept(0x100, ptr::null_mut(), ptr::null_mut()),
            INVALID_SOCKET
        );
        assert_eq!(last_error(), WSANOTINITIALISED);
    }
    assert_eq!(
        net.socket(Domain::IPV4, Type::STREAM, None).unwrap_err(),
        Error::NotInitialised
    );
}

#[test]
fn choice_cleanup_closes_sockets_and_retires_their_handles() {
    let net = Network::new();
    let _enter = net.enter();
    let first = net.startup().unwrap();
    let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
    first.cleanup().unwrap();
    assert_eq!(net.socket_count(), 0);
    let _again = net.startup().unwrap();
    let next = raw_socket(AF_INET, SOCK_DGRAM, 0);
    assert!(next > s, "a new handle, never the old one");
    assert_eq!(unsafe { closesocket(s) }, SOCKET_ERROR);
    assert_eq!(last_error(), WSAENOTSOCK);
}

#[test]
fn handles_are_never_reused_while_the_network_lives() {
    let _env = env();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..500 {
        let s = raw_socket(AF_INET, SOCK_STREAM, 0);
        assert!(seen.insert(s), "handle {s:#x} handed out twice");
        assert_ne!(s, 0);
        assert_ne!(s, INVALID_SOCKET);
        assert_eq!(unsafe { closesocket(s) }, 0);
        assert_eq!(unsafe { closesocket(s) }, SOCKET_ERROR);
        assert_eq!(last_error(), WSAENOTSOCK);
    }
}

#[test]
fn the_same_calls_give_the_same_handles_on_every_network() {
    let run = || {
        let env = env();
        let handles: Vec<SOCKET> = (0..5)
            .map(|_| raw_socket(AF_INET6, SOCK_DGRAM, 0))
            .collect();
        let bound = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
        let port = bound.bind("127.0.0.1:0".parse().unwrap()).unwrap().port();
        (handles, port)
    };
    assert_eq!(run(), run());
    assert_eq!(run().0[0], winsock_emu::choices::FIRST_HANDLE);
}

#[test]
fn last_error_is_per_thread_and_kept_across_successes() {
    let _env = env();
    unsafe { WSASetLastError(1234) };
    assert_eq!(last_error(), 1234);
    raw_socket(AF_INET, SOCK_DGRAM, 0);
    assert_eq!(
        last_error(),
        1234,
        "a successful call leaves the last error alone"
    );
    unsafe { closesocket(0x9999) };
    assert_eq!(last_error(), WSAENOTSOCK);
    std::thread::spawn(|| assert_eq!(last_error(), 0))
        .join()
        .unwrap();
}

#[test]
fn parallel_networks_do_not_see_each_other() {
    let threads: Vec<_> = (0..8)
        .map(|_| {
            std::thread::spawn(|| {
                let env = env();
                let listener = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
                listener.bind("127.0.0.1:80".parse().unwrap()).unwrap();
                listener.listen(1).unwrap();
                let client = raw_socket(AF_INET, SOCK_STREAM, 0);
                let addr = sockaddr("127.0.0.1:80".parse().unwrap());
                assert_eq!(unsafe { connect(client, addr.as_ptr().cast(), 16) }, 0);
                (
                    listener.as_raw(),
                    client,
                    env.net.socket_count(),
                    env.net.startup_count(),
                )
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(
        results.windows(2).all(|pair| pair[0] == pair[1]),
        "{results:?}"
    );
    assert_eq!(results[0].2, 2);
    assert_eq!(results[0].3, 1);
}

#[test]
fn entering_nests_and_the_global_network_is_the_default() {
    let outer = Network::new();
    let inner = Network::new();
    assert!(Network::current().same_as(&Network::global()));
    let outer_guard = outer.enter();
    assert!(Network::current().same_as(&outer));
    {
        let _inner_guard = inner.enter();
        assert!(Network::current().same_as(&inner));
    }
    assert!(Network::current().same_as(&outer));
    drop(outer_guard);
    assert!(Network::current().same_as(&Network::global()));
}

#[test]
fn errors_convert_to_io_errors_with_the_winsock_code() {
    let env = env();
    let socket = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let err = socket
        .set_peer_target_name("0.0.0.0:0".parse().unwrap(), "host/a")
        .unwrap_err();
    let io: std::io::Error = err.into();
    assert_eq!(io.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(Error::from_io(&io).map(Error::code), Some(WSAEINVAL));
    assert_eq!(Error::try_from(&io), Ok(Error::Invalid));
    assert_eq!(
        err.to_string(),
        "WSAEINVAL (10022): an invalid argument was supplied"
    );
}
