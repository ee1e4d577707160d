//! The shutdown page's TCP rule, through `sys` in windows-sys style: after `shutdown`
//! with `SD_RECEIVE` or `SD_BOTH`, or `WSARecvDisconnect`, data still queued or arriving
//! later resets the connection ([`winsock_emu::choices::RECEIVE_SHUTDOWN_RESETS`]).

mod common;

use std::ptr;

use winsock_emu::sys::*;

fn send_bytes(s: SOCKET, bytes: &[u8]) -> (i32, i32) {
    // SAFETY: `bytes` outlives the call.
    let rc = unsafe { send(s, bytes.as_ptr(), bytes.len() as i32, 0) };
    (
        rc,
        if rc == SOCKET_ERROR {
            common::last_error()
        } else {
            0
        },
    )
}

fn recv_some(s: SOCKET) -> (i32, i32) {
    let mut buf = [0u8; 16];
    // SAFETY: `buf` holds 16 bytes.
    let rc = unsafe { recv(s, buf.as_mut_ptr(), 16, 0) };
    (
        rc,
        if rc == SOCKET_ERROR {
            common::last_error()
        } else {
            0
        },
    )
}

/// The three ways to shut the receive side down.
fn shut_receive(s: SOCKET, way: usize) {
    // SAFETY: NULL disconnect data.
    let rc = unsafe {
        match way {
            0 => shutdown(s, SD_RECEIVE),
            1 => shutdown(s, SD_BOTH),
            _ => WSARecvDisconnect(s, ptr::null()),
        }
    };
    assert_eq!(rc, 0);
}

/// Data waiting at the shutdown: the connection is reset, and a peer blocked in `recv` in
/// another thread wakes with `WSAECONNRESET`.
#[test]
fn queued_data_at_the_receive_shutdown_resets_the_peer() {
    for round in 0..6usize {
        let env = common::env();
        let (client, server) = common::accepted_pair(&env.net, "127.0.0.1:27300");
        let (client, server) = (client.as_raw(), server.as_raw());
        assert_eq!(send_bytes(client, b"unread"), (6, 0));
        let peer = env.net.spawn(move || recv_some(client)); // blocks until the reset
        assert!(env.net.wait_until_blocked(1));
        shut_receive(server, round % 3);
        assert_eq!(peer.join().unwrap(), (SOCKET_ERROR, WSAECONNRESET));
        assert_eq!(send_bytes(client, b"more"), (SOCKET_ERROR, WSAECONNRESET));
        // The shutting socket: receives stay disallowed, and the connection is gone.
        assert_eq!(recv_some(server), (SOCKET_ERROR, WSAESHUTDOWN));
        let expected = if round % 3 == 1 {
            WSAESHUTDOWN
        } else {
            WSAECONNRESET
        };
        assert_eq!(send_bytes(server, b"x"), (SOCKET_ERROR, expected));
    }
}

/// Data arriving after the shutdown: that send succeeds, and the sender's next call sees
/// the reset.
#[test]
fn data_arriving_after_the_receive_shutdown_resets_the_sender() {
    for round in 0..6usize {
        let env = common::env();
        let (client, server) = common::accepted_pair(&env.net, "127.0.0.1:27301");
        let (client, server) = (client.as_raw(), server.as_raw());
        shut_receive(server, round % 3);
        assert_eq!(send_bytes(client, b""), (0, 0), "no data: no reset");
        assert_eq!(send_bytes(client, b"late"), (4, 0));
        assert_eq!(recv_some(client), (SOCKET_ERROR, WSAECONNRESET));
        assert_eq!(send_bytes(client, b"again"), (SOCKET_ERROR, WSAECONNRESET));
        assert_eq!(recv_some(server), (SOCKET_ERROR, WSAESHUTDOWN));
    }
}

/// Nothing waiting and nothing arriving: `SD_RECEIVE` is no reset, and the shutting socket
/// still sends.
#[test]
fn a_receive_shutdown_with_nothing_waiting_keeps_the_connection() {
    let env = common::env();
    let (client, server) = common::accepted_pair(&env.net, "127.0.0.1:27302");
    let (client, server) = (client.as_raw(), server.as_raw());
    shut_receive(server, 0);
    assert_eq!(send_bytes(server, b"still"), (5, 0));
    assert_eq!(recv_some(client), (5, 0));
}

/// Datagram sockets drop what arrives after the shutdown, as before: no reset.
#[test]
fn datagrams_after_the_receive_shutdown_are_dropped() {
    let _env = common::env();
    let receiver = common::raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    let sender = common::raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    let at = common::sockaddr("127.0.0.1:27303".parse().unwrap());
    // SAFETY: `at` outlives the calls.
    unsafe {
        assert_eq!(bind(receiver, at.as_ptr().cast(), at.len() as i32), 0);
        assert_eq!(shutdown(receiver, SD_RECEIVE), 0);
        for _ in 0..2 {
            let sent = sendto(
                sender,
                b"d".as_ptr(),
                1,
                0,
                at.as_ptr().cast(),
                at.len() as i32,
            );
            assert_eq!(sent, 1, "never WSAECONNRESET: {}", WSAGetLastError());
        }
        let mut pending = 0u32;
        assert_eq!(ioctlsocket(receiver, FIONREAD, &mut pending), 0);
        assert_eq!(pending, 0, "dropped");
        closesocket(sender);
        closesocket(receiver);
    }
}
