//! Real blocking Winsock code, ported in windows-sys style through `winsock_emu::sys` and
//! run in two threads, 200 times each: Microsoft's "Getting Started with Winsock" TCP server
//! and client, a UDP echo with a blocking `recvfrom`, a server blocked in `accept` when the
//! test closes the listener, and a deadlock of the code under test (both sides `recv`
//! first), which ends at once with the diagnosis. (The `WSARecv` page's overlapped event
//! sample is in `pending_receives.rs`.)

use std::mem::size_of;
use std::ptr;
use std::sync::mpsc;
use std::time::Duration;

use winsock_emu::sys::*;
use winsock_emu::Network;

const DEFAULT_BUFLEN: usize = 512;
const RUNS: usize = 200;

/// 127.0.0.1:`port` as a `SOCKADDR_IN`.
fn loopback(port: u16) -> SOCKADDR_IN {
    let mut addr = SOCKADDR_IN {
        sin_family: AF_INET,
        sin_port: port.to_be(),
        ..Default::default()
    };
    addr.sin_addr.S_un.S_addr = u32::from_ne_bytes([127, 0, 0, 1]);
    addr
}

/// The Getting Started server (`server.cpp`, "Complete Winsock Server Code"): one client,
/// echoed until it shuts down, then `shutdown(SD_SEND)`. `ready` is told once it listens.
/// Returns the bytes it echoed.
unsafe fn getting_started_server(port: u16, ready: mpsc::Sender<()>) -> Result<usize, i32> {
    let mut wsa_data = WSADATA::default();
    if WSAStartup(0x0202, &mut wsa_data) != 0 {
        return Err(WSAGetLastError());
    }
    let listen_socket = socket(AF_INET as i32, SOCK_STREAM, IPPROTO_TCP);
    if listen_socket == INVALID_SOCKET {
        let error = WSAGetLastError();
        WSACleanup();
        return Err(error);
    }
    let addr = loopback(port);
    let len = size_of::<SOCKADDR_IN>() as i32;
    if bind(listen_socket, (&addr as *const SOCKADDR_IN).cast(), len) == SOCKET_ERROR
        || listen(listen_socket, SOMAXCONN as i32) == SOCKET_ERROR
    {
        let error = WSAGetLastError();
        closesocket(listen_socket);
        WSACleanup();
        return Err(error);
    }
    let _ = ready.send(());
    // Accept a client socket: blocks until the client connects.
    let client_socket = accept(listen_socket, ptr::null_mut(), ptr::null_mut());
    if client_socket == INVALID_SOCKET {
        let error = WSAGetLastError();
        closesocket(listen_socket);
        WSACleanup();
        return Err(error);
    }
    // No longer need server socket.
    closesocket(listen_socket);
    let mut recvbuf = [0u8; DEFAULT_BUFLEN];
    let mut echoed = 0;
    // Receive until the peer shuts down the connection.
    loop {
        let result = recv(
            client_socket,
            recvbuf.as_mut_ptr(),
            DEFAULT_BUFLEN as i32,
            0,
        );
        if result > 0 {
            // Echo the buffer back to the sender.
            let sent = send(client_socket, recvbuf.as_ptr(), result, 0);
            if sent == SOCKET_ERROR {
                let error = WSAGetLastError();
                closesocket(client_socket);
                WSACleanup();
                return Err(error);
            }
            echoed += sent as usize;
        } else if result == 0 {
            break; // Connection closing...
        } else {
            let error = WSAGetLastError();
            closesocket(client_socket);
            WSACleanup();
            return Err(error);
        }
    }
    // Shut down the connection since we're done.
    if shutdown(client_socket, SD_SEND) == SOCKET_ERROR {
        let error = WSAGetLastError();
        closesocket(client_socket);
        WSACleanup();
        return Err(error);
    }
    closesocket(client_socket);
    WSACleanup();
    Ok(echoed)
}

/// The Getting Started client (`client.cpp`, "Complete Winsock Client Code"): sends a
/// test string, shuts down its sending side, receives until the server closes. Returns
/// what it received.
unsafe fn getting_started_client(port: u16) -> Result<Vec<u8>, i32> {
    let mut wsa_data = WSADATA::default();
    if WSAStartup(0x0202, &mut wsa_data) != 0 {
        return Err(WSAGetLastError());
    }
    let connect_socket = socket(AF_INET as i32, SOCK_STREAM, IPPROTO_TCP);
    let addr = loopback(port);
    let len = size_of::<SOCKADDR_IN>() as i32;
    if connect(connect_socket, (&addr as *const SOCKADDR_IN).cast(), len) == SOCKET_ERROR {
        let error = WSAGetLastError();
        closesocket(connect_socket);
        WSACleanup();
        return Err(error);
    }
    let sendbuf = b"this is a test";
    if send(connect_socket, sendbuf.as_ptr(), sendbuf.len() as i32, 0) == SOCKET_ERROR {
        let error = WSAGetLastError();
        closesocket(connect_socket);
        WSACleanup();
        return Err(error);
    }
    // Shut down the connection since no more data will be sent.
    if shutdown(connect_socket, SD_SEND) == SOCKET_ERROR {
        let error = WSAGetLastError();
        closesocket(connect_socket);
        WSACleanup();
        return Err(error);
    }
    // Receive until the peer closes the connection.
    let mut received = Vec::new();
    let mut recvbuf = [0u8; DEFAULT_BUFLEN];
    loop {
        let result = recv(
            connect_socket,
            recvbuf.as_mut_ptr(),
            DEFAULT_BUFLEN as i32,
            0,
        );
        if result > 0 {
            received.extend_from_slice(&recvbuf[..result as usize]);
        } else if result == 0 {
            break;
        } else {
            let error = WSAGetLastError();
            closesocket(connect_socket);
            WSACleanup();
            return Err(error);
        }
    }
    closesocket(connect_socket);
    WSACleanup();
    Ok(received)
}

#[test]
fn getting_started_server_and_client_in_two_threads() {
    for run in 0..RUNS {
        let net = Network::new();
        let _current = net.enter();
        let (ready, listening) = mpsc::channel();
        let server = net.spawn(move || unsafe { getting_started_server(27015, ready) });
        listening.recv().expect("the server listens");
        let received = unsafe { getting_started_client(27015) };
        assert_eq!(received.as_deref(), Ok(&b"this is a test"[..]), "run {run}");
        assert_eq!(server.join().unwrap(), Ok(14), "run {run}");
        assert!(net.stalls().is_empty());
        assert_eq!(net.socket_count(), 0);
    }
}

/// A UDP echo server: one blocking `recvfrom`, the datagram sent back to its sender.
unsafe fn udp_echo_once(port: u16, ready: mpsc::Sender<()>) -> Result<usize, i32> {
    let s = socket(AF_INET as i32, SOCK_DGRAM, IPPROTO_UDP);
    let addr = loopback(port);
    let len = size_of::<SOCKADDR_IN>() as i32;
    if bind(s, (&addr as *const SOCKADDR_IN).cast(), len) == SOCKET_ERROR {
        return Err(WSAGetLastError());
    }
    let _ = ready.send(());
    let mut buf = [0u8; DEFAULT_BUFLEN];
    let mut from = SOCKADDR_IN::default();
    let mut from_len = len;
    let n = recvfrom(
        s,
        buf.as_mut_ptr(),
        buf.len() as i32,
        0,
        (&mut from as *mut SOCKADDR_IN).cast(),
        &mut from_len,
    );
    if n == SOCKET_ERROR {
        return Err(WSAGetLastError());
    }
    let sent = sendto(
        s,
        buf.as_ptr(),
        n,
        0,
        (&from as *const SOCKADDR_IN).cast(),
        from_len,
    );
    closesocket(s);
    if sent == SOCKET_ERROR {
        return Err(WSAGetLastError());
    }
    Ok(sent as usize)
}

#[test]
fn udp_echo_with_a_blocking_recvfrom_in_a_second_thread() {
    for run in 0..RUNS {
        let net = Network::new();
        let _current = net.enter();
        let _wsa = net.startup().unwrap();
        let (ready, bound) = mpsc::channel();
        let server = net.spawn(move || unsafe { udp_echo_once(9000, ready) });
        bound.recv().expect("bound");
        unsafe {
            let client = socket(AF_INET as i32, SOCK_DGRAM, IPPROTO_UDP);
            let to = loopback(9000);
            let len = size_of::<SOCKADDR_IN>() as i32;
            let request = b"what time is it?";
            let sent = sendto(
                client,
                request.as_ptr(),
                request.len() as i32,
                0,
                (&to as *const SOCKADDR_IN).cast(),
                len,
            );
            assert_eq!(sent, request.len() as i32);
            let mut reply = [0u8; 64];
            let n = recvfrom(
                client,
                reply.as_mut_ptr(),
                64,
                0,
                ptr::null_mut(),
                ptr::null_mut(),
            );
            assert_eq!(&reply[..n as usize], request, "run {run}");
            closesocket(client);
        }
        assert_eq!(server.join().unwrap(), Ok(16), "run {run}");
    }
}

#[test]
fn a_server_blocked_in_accept_ends_when_the_test_closes_the_listener() {
    for run in 0..RUNS {
        let net = Network::new();
        let _current = net.enter();
        let _wsa = net.startup().unwrap();
        let listener = unsafe {
            let s = socket(AF_INET as i32, SOCK_STREAM, IPPROTO_TCP);
            let addr = loopback(8080);
            bind(
                s,
                (&addr as *const SOCKADDR_IN).cast(),
                size_of::<SOCKADDR_IN>() as i32,
            );
            listen(s, 5);
            s
        };
        let server = net.spawn(move || unsafe {
            let client = accept(listener, ptr::null_mut(), ptr::null_mut());
            (client, WSAGetLastError())
        });
        assert!(net.wait_until_blocked(1));
        assert_eq!(unsafe { closesocket(listener) }, 0);
        assert_eq!(
            server.join().unwrap(),
            (INVALID_SOCKET, WSAEINTR),
            "run {run}"
        );
    }
}

/// A request/response client that (wrongly) waits for the server to speak first.
unsafe fn recv_first(s: SOCKET) -> i32 {
    let mut buf = [0u8; 16];
    if recv(s, buf.as_mut_ptr(), 16, 0) == SOCKET_ERROR {
        return WSAGetLastError();
    }
    0
}

#[test]
fn a_deadlock_of_the_code_under_test_ends_at_once_with_the_diagnosis() {
    for run in 0..RUNS {
        let net = Network::new();
        let _current = net.enter();
        let _wsa = net.startup().unwrap();
        // Far away: only the deadlock rule can end these waits within the test.
        net.set_stall_limit(Duration::from_secs(3600));
        let (ready, listening) = mpsc::channel();
        let server = net.spawn(move || unsafe {
            let s = socket(AF_INET as i32, SOCK_STREAM, IPPROTO_TCP);
            let addr = loopback(27016);
            bind(
                s,
                (&addr as *const SOCKADDR_IN).cast(),
                size_of::<SOCKADDR_IN>() as i32,
            );
            listen(s, 1);
            let _ = ready.send(());
            let client = accept(s, ptr::null_mut(), ptr::null_mut());
            recv_first(client)
        });
        listening.recv().unwrap();
        let code = unsafe {
            let s = socket(AF_INET as i32, SOCK_STREAM, IPPROTO_TCP);
            let addr = loopback(27016);
            connect(
                s,
                (&addr as *const SOCKADDR_IN).cast(),
                size_of::<SOCKADDR_IN>() as i32,
            );
            recv_first(s)
        };
        assert_eq!(code, WSAENETDOWN, "run {run}");
        assert_eq!(server.join().unwrap(), WSAENETDOWN, "run {run}");
        let stalls = net.stalls();
        assert_eq!(stalls.len(), 1, "run {run}");
        assert!(stalls[0].is_deadlock());
        let text = stalls[0].to_string();
        assert!(text.contains("recv on socket"), "{text}");
        assert!(text.contains("127.0.0.1:27016"), "{text}");
    }
}
