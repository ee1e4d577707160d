//! `WSASendDisconnect`, `WSARecvDisconnect` and `WSARecvEx` through `sys`, in windows-sys
//! style: a graceful close with `WSASendDisconnect` as a server loop does it, the
//! disconnect-data rules (`choices::DISCONNECT_DATA`), and `MSG_PARTIAL` for datagrams
//! (`choices::RECVEX_PARTIAL`). Runs under Miri.

mod common;

use std::ptr;

use winsock_emu::sys::*;
use winsock_emu::testing::Call;
use winsock_emu::{Domain, Network, Type};

fn recv_ex(s: SOCKET, room: usize) -> (i32, i32, Vec<u8>) {
    let mut buf = vec![0u8; room];
    let mut flags = 0x7777; // ignored on input
                            // SAFETY: `buf` holds `room` bytes; `flags` is a valid i32.
    let rc = unsafe { WSARecvEx(s, buf.as_mut_ptr(), room as i32, &mut flags) };
    buf.truncate(rc.max(0) as usize);
    (rc, flags, buf)
}

fn last_error() -> i32 {
    // SAFETY: no arguments.
    unsafe { WSAGetLastError() }
}

#[test]
fn wsasenddisconnect_ends_the_stream_gracefully_across_threads() {
    for round in 0..4u16 {
        let env = common::env();
        let (client, server) = common::accepted_pair(&env.net, "127.0.0.1:27015");
        let (client, server) = (client.as_raw(), server.as_raw());
        let reader = env.net.spawn(move || {
            let mut got = Vec::new();
            loop {
                let (rc, flags, data) = recv_ex(server, 3);
                assert_eq!(flags, 0, "never MSG_PARTIAL on a stream");
                if rc == 0 {
                    break got; // the peer's WSASendDisconnect
                }
                assert!(rc > 0, "recv failed: {}", last_error());
                got.extend(data);
            }
        });
        let message = format!("round {round}: goodbye");
        // SAFETY: `message` outlives the call; NULL disconnect data.
        unsafe {
            assert_eq!(
                send(client, message.as_ptr(), message.len() as i32, 0),
                message.len() as i32
            );
            assert_eq!(WSASendDisconnect(client, ptr::null()), 0);
            assert_eq!(send(client, b"late".as_ptr(), 4, 0), SOCKET_ERROR);
            assert_eq!(WSAGetLastError(), WSAESHUTDOWN);
        }
        assert_eq!(reader.join().unwrap(), message.as_bytes());
        // The server answers after the client's half-close, then disconnects too.
        // SAFETY: as above.
        unsafe {
            assert_eq!(send(server, b"bye".as_ptr(), 3, 0), 3);
            assert_eq!(WSASendDisconnect(server, ptr::null()), 0);
        }
        assert_eq!(recv_ex(client, 8), (3, 0, b"bye".to_vec()));
        assert_eq!(recv_ex(client, 8).0, 0);
        // SAFETY: handles of this network.
        unsafe {
            closesocket(client);
            closesocket(server);
        }
    }
}

#[test]
fn choice_disconnect_data() {
    let env = common::env();
    let (client, server) = common::accepted_pair(&env.net, "127.0.0.1:27016");
    let (client, server) = (client.as_raw(), server.as_raw());
    let mut data = *b"reason";
    let with_data = WSABUF {
        len: data.len() as u32,
        buf: data.as_mut_ptr(),
    };
    let empty = WSABUF {
        len: 0,
        buf: ptr::null_mut(),
    };
    env.net.start_trace();
    // SAFETY: the WSABUFs and their bytes outlive the calls.
    unsafe {
        assert_eq!(WSASendDisconnect(client, &with_data), SOCKET_ERROR);
        assert_eq!(WSAGetLastError(), WSAENOPROTOOPT);
        assert_eq!(send(client, b"still".as_ptr(), 5, 0), 5, "nothing changed");
        assert_eq!(WSASendDisconnect(client, &empty), 0, "no data: a shutdown");
        // WSARecvDisconnect leaves the buffer alone and stops receiving.
        let mut inbound = [0xAAu8; 8];
        let room = WSABUF {
            len: 8,
            buf: inbound.as_mut_ptr(),
        };
        assert_eq!(WSARecvDisconnect(server, &room), 0);
        assert_eq!(inbound, [0xAA; 8]);
        let mut buf = [0u8; 8];
        assert_eq!(recv(server, buf.as_mut_ptr(), 8, 0), SOCKET_ERROR);
        assert_eq!(WSAGetLastError(), WSAESHUTDOWN);
        assert_eq!(WSARecvDisconnect(server, ptr::null()), 0, "again: no error");
    }
    let trace = env.net.stop_trace();
    let shutdowns: Vec<_> = trace.calls(Call::Shutdown).collect();
    assert_eq!(shutdowns.len(), 4);
    assert_eq!(
        shutdowns[0].result.as_ref().map_err(|e| e.code()),
        Err(WSAENOPROTOOPT)
    );
    assert!(shutdowns[2].to_string().contains("WSARecvDisconnect"));
}

#[test]
fn rule_disconnect_errors() {
    let env = common::env();
    let unconnected = common::raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    // SAFETY: plain handles and NULL data.
    unsafe {
        assert_eq!(WSASendDisconnect(unconnected, ptr::null()), SOCKET_ERROR);
        assert_eq!(WSAGetLastError(), WSAENOTCONN);
        assert_eq!(WSARecvDisconnect(unconnected, ptr::null()), SOCKET_ERROR);
        assert_eq!(WSAGetLastError(), WSAENOTCONN);
        assert_eq!(WSASendDisconnect(0xDEAD, ptr::null()), SOCKET_ERROR);
        assert_eq!(WSAGetLastError(), WSAENOTSOCK);
        assert_eq!(WSARecvDisconnect(0xDEAD, ptr::null()), SOCKET_ERROR);
        assert_eq!(WSAGetLastError(), WSAENOTSOCK);
        closesocket(unconnected);
    }
    drop(env);
    let net = Network::new();
    let _current = net.enter();
    // SAFETY: as above.
    unsafe {
        assert_eq!(WSASendDisconnect(0x100, ptr::null()), SOCKET_ERROR);
        assert_eq!(WSAGetLastError(), WSANOTINITIALISED);
        assert_eq!(WSARecvDisconnect(0x100, ptr::null()), SOCKET_ERROR);
        assert_eq!(WSAGetLastError(), WSANOTINITIALISED);
    }
}

#[test]
fn choice_recvex_partial() {
    let env = common::env();
    let receiver = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let at = receiver.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let sender = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    sender.send_to(b"0123456789", at).unwrap();
    sender.send_to(b"abc", at).unwrap();
    let r = receiver.as_raw();
    let mut buf = [0u8; 4];
    // SAFETY: `buf` holds 4 bytes; NULL flags is refused before anything is received.
    unsafe {
        assert_eq!(
            WSARecvEx(r, buf.as_mut_ptr(), 4, ptr::null_mut()),
            SOCKET_ERROR
        );
        assert_eq!(WSAGetLastError(), WSAEFAULT);
    }
    assert_eq!(recv_ex(r, 4), (4, MSG_PARTIAL as i32, b"0123".to_vec()));
    assert_eq!(
        recv_ex(r, 8),
        (3, 0, b"abc".to_vec()),
        "the rest of the first datagram is lost; the next is whole"
    );
    // A stream refuses a zero length.
    let (client, _server) = common::accepted_pair(&env.net, "127.0.0.1:27017");
    let mut flags = 0;
    // SAFETY: a zero-length receive with a valid flags pointer.
    unsafe {
        assert_eq!(
            WSARecvEx(client.as_raw(), buf.as_mut_ptr(), 0, &mut flags),
            SOCKET_ERROR
        );
        assert_eq!(WSAGetLastError(), WSAEINVAL);
        assert_eq!(
            WSARecvEx(0xDEAD, buf.as_mut_ptr(), 4, &mut flags),
            SOCKET_ERROR
        );
        assert_eq!(WSAGetLastError(), WSAENOTSOCK);
    }
}
