//! `WSADuplicateSocketW`/`A` and `WSASocketW`/`A` with the structure they write, through
//! `sys` in windows-sys style: the page's source/target hand-off, with the target "process"
//! a second thread of the network ([`winsock_emu::choices::DUPLICATE_IS_A_SECOND_HANDLE`]),
//! and the page's errors. What the two handles share is in `duplicate_handles.rs`. Runs
//! under Miri.

mod common;

use std::ptr;
use std::sync::mpsc;

use winsock_emu::sys::*;

const LEN: i32 = std::mem::size_of::<SOCKADDR_IN>() as i32;

fn loopback(port: u16) -> SOCKADDR_IN {
    SOCKADDR_IN {
        sin_family: AF_INET,
        sin_port: port.to_be(),
        sin_addr: IN_ADDR {
            S_un: IN_ADDR_0 {
                S_addr: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be(),
            },
        },
        sin_zero: [0; 8],
    }
}

/// A listener at `port`, a client connected to it, and the accepted socket.
fn connected(port: u16) -> (SOCKET, SOCKET, SOCKET) {
    let at = loopback(port);
    // SAFETY: `at` outlives each call; NULL accept address.
    unsafe {
        let listener = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
        assert_eq!(bind(listener, ptr::addr_of!(at).cast(), LEN), 0);
        assert_eq!(listen(listener, SOMAXCONN as i32), 0);
        let client = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
        assert_eq!(connect(client, ptr::addr_of!(at).cast(), LEN), 0);
        let server = accept(listener, ptr::null_mut(), ptr::null_mut());
        assert_ne!(server, INVALID_SOCKET);
        (listener, client, server)
    }
}

fn send_all(s: SOCKET, bytes: &[u8]) {
    // SAFETY: `bytes` outlives the call.
    let sent = unsafe { send(s, bytes.as_ptr(), bytes.len() as i32, 0) };
    assert_eq!(sent, bytes.len() as i32, "send: {}", common::last_error());
}

fn recv_exact(s: SOCKET, len: usize) -> Vec<u8> {
    let mut got = vec![0u8; len];
    // SAFETY: `got` holds `len` bytes.
    let n = unsafe { recv(s, got.as_mut_ptr(), len as i32, MSG_WAITALL) };
    assert_eq!(n, len as i32, "recv: {}", common::last_error());
    got
}

/// The page's scenario: the source connects, duplicates for the target, hands it the
/// structure and closes its descriptor; the target makes its descriptor and goes on with the
/// connection; the socket closes with the target's close, which the peer sees.
#[test]
fn the_target_keeps_the_connection_after_the_source_closes() {
    for round in 0..8u16 {
        let env = common::env();
        let (listener, client, server) = connected(27_100 + round);
        let (info_tx, info_rx) = mpsc::channel::<WSAPROTOCOL_INFOW>();
        let (opened_tx, opened_rx) = mpsc::channel::<()>();
        let (closed_tx, closed_rx) = mpsc::channel::<()>();
        let target = env.net.spawn(move || {
            let info = info_rx.recv().unwrap();
            // SAFETY: `info` is a live local.
            let shared = unsafe {
                WSASocketW(
                    FROM_PROTOCOL_INFO,
                    FROM_PROTOCOL_INFO,
                    FROM_PROTOCOL_INFO,
                    &info,
                    0,
                    WSA_FLAG_OVERLAPPED,
                )
            };
            assert_ne!(shared, INVALID_SOCKET, "{}", common::last_error());
            // The structure is used once.
            // SAFETY: as above.
            let again = unsafe { WSASocketW(AF_INET.into(), SOCK_STREAM, 0, &info, 0, 0) };
            assert_eq!((again, common::last_error()), (INVALID_SOCKET, WSAEINVAL));
            opened_tx.send(()).unwrap(); // step 8 done: the source may close
            closed_rx.recv().unwrap(); // the source has closed its descriptor
            let message = format!("round {round} from the target");
            send_all(shared, message.as_bytes());
            assert_eq!(recv_exact(shared, 5), b"reply");
            // SAFETY: no pointers.
            assert_eq!(unsafe { closesocket(shared) }, 0);
            message
        });
        let mut info = WSAPROTOCOL_INFOW::default();
        // SAFETY: `info` is a live local.
        assert_eq!(
            unsafe { WSADuplicateSocketW(client, std::process::id(), &mut info) },
            0
        );
        assert_ne!(info.dwProviderReserved, 0);
        assert_eq!(
            (info.iAddressFamily, info.iSocketType, info.iProtocol),
            (i32::from(AF_INET), SOCK_STREAM, IPPROTO_TCP)
        );
        info_tx.send(info).unwrap();
        opened_rx.recv().unwrap();
        // SAFETY: no pointers.
        assert_eq!(unsafe { closesocket(client) }, 0);
        closed_tx.send(()).unwrap();
        let message = format!("round {round} from the target");
        assert_eq!(recv_exact(server, message.len()), message.as_bytes());
        send_all(server, b"reply");
        assert_eq!(target.join().unwrap(), message);
        // The target's close was the last descriptor's: the peer sees the graceful close.
        let mut byte = [0u8; 1];
        // SAFETY: `byte` holds one byte.
        assert_eq!(unsafe { recv(server, byte.as_mut_ptr(), 1, 0) }, 0);
        // SAFETY: no pointers.
        unsafe {
            assert_eq!(
                (closesocket(client), WSAGetLastError()),
                (SOCKET_ERROR, WSAENOTSOCK)
            );
            closesocket(server);
            closesocket(listener);
        }
    }
}

/// The ANSI forms: `WSADuplicateSocketA` writes a `WSAPROTOCOL_INFOA` that `WSASocketA`
/// uses, which makes a second handle of the socket: data sent to the socket is received
/// through it after the source's handle is closed.
#[test]
fn the_ansi_forms_share_one_socket_state() {
    for round in 0..4u16 {
        let _env = common::env();
        let s = common::raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        let at = loopback(27_200 + round);
        let mut info = WSAPROTOCOL_INFOA::default();
        // SAFETY: every pointer is to a live local.
        unsafe {
            assert_eq!(bind(s, ptr::addr_of!(at).cast(), LEN), 0);
            assert_eq!(WSADuplicateSocketA(s, 4242, &mut info), 0);
            assert_eq!(
                info.szProtocol[..5]
                    .iter()
                    .map(|&c| c as u8)
                    .collect::<Vec<_>>(),
                b"MSAFD"
            );
            let shared = WSASocketA(0, 0, 0, &info, 0, 0);
            assert_ne!(shared, INVALID_SOCKET, "{}", common::last_error());
            assert_ne!(shared, s, "a second handle (duplicate-is-a-second-handle)");
            let sender = common::raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
            assert_eq!(
                sendto(sender, b"hi".as_ptr(), 2, 0, ptr::addr_of!(at).cast(), LEN),
                2
            );
            assert_eq!(closesocket(s), 0);
            // One handle is left: the binding and the queued datagram stay.
            let mut got = [0u8; 4];
            assert_eq!(
                (recv(s, got.as_mut_ptr(), 4, 0), WSAGetLastError()),
                (SOCKET_ERROR, WSAENOTSOCK),
                "the closed handle names nothing"
            );
            assert_eq!(recv(shared, got.as_mut_ptr(), 4, 0), 2);
            assert_eq!(&got[..2], b"hi");
            assert_eq!(closesocket(shared), 0);
            // The last close freed the address.
            let again = common::raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
            assert_eq!(bind(again, ptr::addr_of!(at).cast(), LEN), 0);
            closesocket(again);
            closesocket(sender);
        }
    }
}

/// Each duplication makes one more handle, each new and distinct: with two, the socket
/// survives two closes, in any order, and each handle closes once.
#[test]
fn each_duplication_counts_one_descriptor() {
    let _env = common::env();
    let s = common::raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    let mut first = WSAPROTOCOL_INFOW::default();
    let mut second = WSAPROTOCOL_INFOW::default();
    // SAFETY: every pointer is to a live local.
    unsafe {
        assert_eq!(WSADuplicateSocketW(s, 1, &mut first), 0);
        assert_eq!(WSADuplicateSocketW(s, 2, &mut second), 0);
        assert_ne!(first.dwProviderReserved, second.dwProviderReserved);
        let b = WSASocketW(-1, -1, -1, &second, 0, 0);
        let a = WSASocketW(-1, -1, -1, &first, 0, 0);
        assert!(a != INVALID_SOCKET && b != INVALID_SOCKET);
        assert!(a != s && b != s && a != b, "{s:#x} {a:#x} {b:#x}");
        for closing in [a, s, b] {
            assert_eq!(closesocket(closing), 0);
            assert_eq!(
                (closesocket(closing), WSAGetLastError()),
                (SOCKET_ERROR, WSAENOTSOCK),
                "a handle closes once"
            );
            let mut kind = 0i32;
            let mut len = 4;
            let got = getsockopt(
                b,
                SOL_SOCKET,
                SO_TYPE,
                ptr::addr_of_mut!(kind).cast(),
                &mut len,
            );
            assert_eq!(
                got == 0,
                closing != b,
                "b is open until closed: {closing:#x}"
            );
        }
    }
}

/// The page's errors, each leaving the socket as it was.
#[test]
fn the_page_s_errors() {
    let mut info = WSAPROTOCOL_INFOW::default();
    // SAFETY: every pointer is to a live local or NULL.
    unsafe {
        // Before WSAStartup.
        let net = winsock_emu::Network::new();
        let _enter = net.enter();
        assert_eq!(WSADuplicateSocketW(0x100, 1, &mut info), SOCKET_ERROR);
        assert_eq!(WSAGetLastError(), WSANOTINITIALISED);
        let mut data = WSADATA::default();
        assert_eq!(WSAStartup(0x0202, &mut data), 0);
        let s = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
        assert_eq!(WSADuplicateSocketW(s, 1, ptr::null_mut()), SOCKET_ERROR);
        assert_eq!(WSAGetLastError(), WSAEFAULT);
        assert_eq!(WSADuplicateSocketA(s, 1, ptr::null_mut()), SOCKET_ERROR);
        assert_eq!(WSAGetLastError(), WSAEFAULT);
        assert_eq!(WSADuplicateSocketW(s, 0, &mut info), SOCKET_ERROR);
        assert_eq!(WSAGetLastError(), WSAEINVAL);
        assert_eq!(info.dwProviderReserved, 0, "a failed call writes nothing");
        assert_eq!(WSADuplicateSocketW(s + 4, 1, &mut info), SOCKET_ERROR);
        assert_eq!(WSAGetLastError(), WSAENOTSOCK);
        // A key never written.
        let forged = WSAPROTOCOL_INFOW {
            dwProviderReserved: 0xdead,
            ..Default::default()
        };
        assert_eq!(WSASocketW(-1, -1, -1, &forged, 0, 0), INVALID_SOCKET);
        assert_eq!(WSAGetLastError(), WSAEINVAL);
        // A duplication whose socket closed before the target used it.
        assert_eq!(WSADuplicateSocketW(s, 1, &mut info), 0);
        assert_eq!(closesocket(s), 0);
        assert_eq!(WSASocketW(-1, -1, -1, &info, 0, 0), INVALID_SOCKET);
        assert_eq!(WSAGetLastError(), WSAEINVAL);
        assert_eq!(net.socket_count(), 0);
        WSACleanup();
    }
}

/// Unused duplications are bounded: the 4097th is `WSAENOBUFS`, and using one makes room.
#[test]
fn unused_duplications_are_bounded() {
    let _env = common::env();
    let s = common::raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    let mut info = WSAPROTOCOL_INFOW::default();
    // SAFETY: every pointer is to a live local.
    unsafe {
        for _ in 0..winsock_emu::choices::MAX_OUTSTANDING_DUPLICATIONS {
            assert_eq!(WSADuplicateSocketW(s, 1, &mut info), 0);
        }
        let last = info;
        assert_eq!(WSADuplicateSocketW(s, 1, &mut info), SOCKET_ERROR);
        assert_eq!(WSAGetLastError(), WSAENOBUFS);
        let shared = WSASocketW(-1, -1, -1, &last, 0, 0);
        assert!(shared != INVALID_SOCKET && shared != s);
        assert_eq!(WSADuplicateSocketW(s, 1, &mut info), 0);
        assert_eq!(closesocket(s), 0);
        assert_eq!(closesocket(shared), 0, "the socket had two handles");
    }
}

/// The last `WSACleanup` closes every socket and forgets every duplication: a structure
/// written before it is refused after the next `WSAStartup`.
#[test]
fn the_last_wsacleanup_forgets_every_duplication() {
    let net = winsock_emu::Network::new();
    let _enter = net.enter();
    let mut data = WSADATA::default();
    let mut info = WSAPROTOCOL_INFOW::default();
    // SAFETY: every pointer is to a live local.
    unsafe {
        assert_eq!(WSAStartup(0x0202, &mut data), 0);
        let s = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
        assert_eq!(WSADuplicateSocketW(s, 1, &mut info), 0);
        assert_eq!(WSACleanup(), 0);
        assert_eq!(WSASocketW(-1, -1, -1, &info, 0, 0), INVALID_SOCKET);
        assert_eq!(WSAGetLastError(), WSANOTINITIALISED);
        assert_eq!(WSAStartup(0x0202, &mut data), 0);
        assert_eq!(WSASocketW(-1, -1, -1, &info, 0, 0), INVALID_SOCKET);
        assert_eq!(WSAGetLastError(), WSAEINVAL);
        assert_eq!(net.socket_count(), 0);
        WSACleanup();
    }
}
