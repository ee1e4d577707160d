//! The extension functions `SIO_GET_EXTENSION_FUNCTION_POINTER` hands out: `AcceptEx`
//! (pending until a connection and its first data, the address areas,
//! `SO_UPDATE_ACCEPT_CONTEXT`), `GetAcceptExSockaddrs`, `ConnectEx` (bound sockets, the
//! first send, a refusal), `DisconnectEx` (`TF_REUSE_SOCKET`), each completing to a port.

mod common;
mod iocp_support;

use std::ffi::c_void;
use std::mem::size_of;
use std::ptr;

use common::env;
use iocp_support::*;
use winsock_emu::sys::*;

const AREA: u32 = (size_of::<SOCKADDR_IN>() + 16) as u32;

/// `AcceptEx(listener, accept, buf, data, local, remote, .., ov)`: its return and last error.
fn accept_into(
    listener: SOCKET,
    accept: SOCKET,
    buf: &mut [u8],
    lengths: (u32, u32, u32),
    ov: *mut OVERLAPPED,
) -> (BOOL, i32) {
    let function = accept_ex(listener);
    let mut received = 0xdead_beef_u32;
    let ok = unsafe {
        function(
            listener,
            accept,
            buf.as_mut_ptr().cast::<c_void>(),
            lengths.0,
            lengths.1,
            lengths.2,
            &mut received,
            ov,
        )
    };
    assert_eq!(received, 0xdead_beef, "*lpdwBytesReceived is never written");
    (ok, unsafe { WSAGetLastError() })
}

/// A port, a listener on `addr` associated with it (key 1), and an accept socket.
fn served(addr: &str) -> (HANDLE, SOCKET, SOCKET) {
    let port = new_port();
    let l = listener(addr);
    associate(l, port, 1);
    (port, l, tcp_socket())
}

fn bound_client() -> SOCKET {
    let s = tcp_socket();
    bind_to(s, "127.0.0.1:0");
    s
}

fn close_all(sockets: &[SOCKET]) {
    for &s in sockets {
        assert_eq!(unsafe { closesocket(s) }, 0);
    }
}

#[test]
fn every_extension_guid_answers_and_an_unknown_one_is_wsaeinval() {
    let _env = env();
    let s = tcp_socket();
    assert!(extension::<LPFN_ACCEPTEX>(s, WSAID_ACCEPTEX).is_some());
    assert!(extension::<LPFN_CONNECTEX>(s, WSAID_CONNECTEX).is_some());
    assert!(extension::<LPFN_DISCONNECTEX>(s, WSAID_DISCONNECTEX).is_some());
    assert!(extension::<LPFN_GETACCEPTEXSOCKADDRS>(s, WSAID_GETACCEPTEXSOCKADDRS).is_some());
    assert!(extension::<LPFN_WSASENDMSG>(s, WSAID_WSASENDMSG).is_some());
    assert!(extension::<LPFN_TRANSMITFILE>(s, WSAID_TRANSMITFILE).is_some());
    assert!(extension::<LPFN_TRANSMITPACKETS>(s, WSAID_TRANSMITPACKETS).is_some());
    // No provider defines this GUID.
    let unknown = GUID::from_u128(0x0bad_f00d_0000_4000_8000_0000_0000_0001);
    let mut out = ptr::null_mut::<c_void>();
    let mut bytes = 0u32;
    let rc = unsafe {
        WSAIoctl(
            s,
            SIO_GET_EXTENSION_FUNCTION_POINTER,
            ptr::from_ref(&unknown).cast(),
            size_of::<GUID>() as u32,
            ptr::from_mut(&mut out).cast(),
            size_of::<usize>() as u32,
            &mut bytes,
            ptr::null_mut(),
            None,
        )
    };
    assert_eq!(
        (rc, unsafe { WSAGetLastError() }),
        (SOCKET_ERROR, WSAEINVAL)
    );
    assert!(out.is_null());
    close_all(&[s]);
}

#[test]
fn choice_extension_functions_always_pend() {
    let _env = env();
    let port = new_port();
    let l = listener("127.0.0.1:6001");
    associate(l, port, 10);
    let accept = tcp_socket();
    let mut buf = [0u8; 64];
    let mut accept_ov = OVERLAPPED::default();
    // A connection already waits: AcceptEx still pends, and completes at once.
    let c = bound_client();
    associate(c, port, 20);
    let mut connect_ov = OVERLAPPED::default();
    assert_eq!(
        connect_to(c, "127.0.0.1:6001", b"", &mut connect_ov),
        (FALSE, WSA_IO_PENDING)
    );
    let got = dequeue(port, 0);
    assert_eq!((got.ok, got.bytes, got.key), (true, 0, 20));
    assert_eq!(got.overlapped, ptr::from_mut(&mut connect_ov));
    let lengths = (0, AREA, AREA);
    assert_eq!(
        accept_into(l, accept, &mut buf, lengths, &mut accept_ov),
        (FALSE, WSA_IO_PENDING)
    );
    let got = dequeue(port, 0);
    assert_eq!(
        (got.ok, got.bytes, got.key),
        (true, 0, 10),
        "the listener's key"
    );
    assert_eq!(got.overlapped, ptr::from_mut(&mut accept_ov));
    // NULL OVERLAPPED: ERROR_INVALID_PARAMETER for both.
    let other = tcp_socket();
    let (ok, error) = accept_into(l, other, &mut buf, lengths, ptr::null_mut());
    assert_eq!((ok, error as u32), (FALSE, ERROR_INVALID_PARAMETER));
    let d = bound_client();
    let (ok, error) = connect_to(d, "127.0.0.1:6001", b"", ptr::null_mut());
    assert_eq!((ok, error as u32), (FALSE, ERROR_INVALID_PARAMETER));
    close_all(&[l, accept, c, other, d]);
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}

#[test]
fn accept_ex_waits_for_the_connection_and_its_first_data() {
    let env = env();
    let (port, l, accept) = served("127.0.0.1:6002");
    let mut buf = [0u8; 8 + 2 * AREA as usize];
    let mut ov = OVERLAPPED::default();
    assert_eq!(
        accept_into(l, accept, &mut buf, (8, AREA, AREA), &mut ov),
        (FALSE, WSA_IO_PENDING)
    );
    // A second AcceptEx on the same accept socket: WSAEINVAL.
    let mut other_ov = OVERLAPPED::default();
    let mut other_buf = [0u8; 2 * AREA as usize];
    let (ok, error) = accept_into(l, accept, &mut other_buf, (0, AREA, AREA), &mut other_ov);
    assert_eq!((ok, error), (FALSE, WSAEINVAL));
    let c = bound_client();
    let mut cov = OVERLAPPED::default();
    assert_eq!(
        connect_to(c, "127.0.0.1:6002", b"", &mut cov),
        (FALSE, WSA_IO_PENDING)
    );
    // Connected, but no data yet: still pending.
    assert_eq!(dequeue(port, 0).error, WAIT_TIMEOUT);
    let port_value = port as usize;
    let waiter = env.net.spawn(move || {
        let got = dequeue(port_value as HANDLE, 20_000);
        (got.ok, got.bytes, got.key)
    });
    assert!(env.net.wait_until_blocked(1));
    let n = unsafe { send(c, b"hello, server".as_ptr(), 13, 0) };
    assert_eq!(n, 13);
    assert_eq!(waiter.join().unwrap(), (true, 8, 1));
    assert_eq!(&buf[..8], b"hello, s");
    // The rest is read as usual.
    let mut rest = [0u8; 16];
    let n = unsafe { recv(accept, rest.as_mut_ptr(), 16, 0) };
    assert_eq!(&rest[..n as usize], b"erver");
    // GetAcceptExSockaddrs: the listener's address and the client's.
    let decode = extension::<LPFN_GETACCEPTEXSOCKADDRS>(l, WSAID_GETACCEPTEXSOCKADDRS).unwrap();
    let (mut local, mut remote) = (ptr::null_mut::<SOCKADDR>(), ptr::null_mut::<SOCKADDR>());
    let (mut local_len, mut remote_len) = (0, 0);
    unsafe {
        decode(
            buf.as_ptr().cast(),
            8,
            AREA,
            AREA,
            &mut local,
            &mut local_len,
            &mut remote,
            &mut remote_len,
        )
    };
    assert_eq!((local_len, remote_len), (16, 16));
    let local = unsafe { ptr::read_unaligned(local.cast::<SOCKADDR_IN>()) };
    let remote = unsafe { ptr::read_unaligned(remote.cast::<SOCKADDR_IN>()) };
    let mut client_name = SOCKADDR_IN::default();
    let mut len = 16;
    assert_eq!(
        unsafe { getsockname(c, ptr::from_mut(&mut client_name).cast(), &mut len) },
        0
    );
    assert_eq!(u16::from_be(local.sin_port), 6002);
    assert_eq!(remote.sin_port, client_name.sin_port);
    close_all(&[l, accept, c]);
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}

#[test]
fn accept_ex_completes_with_no_data_when_the_client_closes_and_aborts_when_the_listener_does() {
    let _env = env();
    let (port, l, accept) = served("127.0.0.1:6003");
    let mut buf = [0u8; 8 + 2 * AREA as usize];
    let mut ov = OVERLAPPED::default();
    assert_eq!(
        accept_into(l, accept, &mut buf, (8, AREA, AREA), &mut ov),
        (FALSE, WSA_IO_PENDING)
    );
    let c = bound_client();
    let mut cov = OVERLAPPED::default();
    assert_eq!(
        connect_to(c, "127.0.0.1:6003", b"", &mut cov),
        (FALSE, WSA_IO_PENDING)
    );
    close_all(&[c]);
    let got = dequeue(port, 0);
    assert_eq!((got.ok, got.bytes), (true, 0));
    // Another, pending when the listener closes: ERROR_OPERATION_ABORTED, listener's key.
    let second = tcp_socket();
    let mut ov2 = OVERLAPPED::default();
    assert_eq!(
        accept_into(l, second, &mut buf, (0, AREA, AREA), &mut ov2),
        (FALSE, WSA_IO_PENDING)
    );
    // CancelIo on the accept socket does not cancel it (it is the listener's).
    assert_eq!(unsafe { CancelIo(second as HANDLE) }, TRUE);
    assert_eq!(dequeue(port, 0).error, WAIT_TIMEOUT);
    close_all(&[l]);
    let got = dequeue(port, 0);
    assert_eq!(
        (got.ok, got.key, got.error),
        (false, 1, ERROR_OPERATION_ABORTED)
    );
    assert_eq!(got.overlapped, ptr::from_mut(&mut ov2));
    close_all(&[accept, second]);
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}

#[test]
fn accept_ex_address_lengths() {
    let _env = env();
    let l = listener("127.0.0.1:6004");
    let accept = tcp_socket();
    let mut buf = [0u8; 128];
    let mut ov = OVERLAPPED::default();
    for lengths in [
        (0, AREA, 0),
        (0, AREA - 1, AREA),
        (0, AREA, AREA - 1),
        (0, 3, AREA),
    ] {
        let (ok, error) = accept_into(l, accept, &mut buf, lengths, &mut ov);
        assert_eq!((ok, error), (FALSE, WSAEFAULT), "{lengths:?}");
        assert_eq!(ov.Internal, 0, "the OVERLAPPED is untouched");
    }
    let function = accept_ex(l);
    let mut received = 0;
    let ok = unsafe {
        function(
            l,
            accept,
            ptr::null_mut(),
            0,
            AREA,
            AREA,
            &mut received,
            &mut ov,
        )
    };
    assert_eq!((ok, unsafe { WSAGetLastError() }), (FALSE, WSAEFAULT));
    // A local length of 0 is allowed: only the remote address is written.
    let port = new_port();
    associate(l, port, 2);
    assert_eq!(
        accept_into(l, accept, &mut buf, (0, 0, AREA), &mut ov),
        (FALSE, WSA_IO_PENDING)
    );
    let c = bound_client();
    let mut cov = OVERLAPPED::default();
    assert_eq!(
        connect_to(c, "127.0.0.1:6004", b"", &mut cov),
        (FALSE, WSA_IO_PENDING)
    );
    assert!(dequeue(port, 0).ok);
    let decode = extension::<LPFN_GETACCEPTEXSOCKADDRS>(l, WSAID_GETACCEPTEXSOCKADDRS).unwrap();
    let (mut local, mut remote) = (ptr::null_mut::<SOCKADDR>(), ptr::null_mut::<SOCKADDR>());
    let (mut local_len, mut remote_len) = (-1, -1);
    unsafe {
        decode(
            buf.as_ptr().cast(),
            0,
            0,
            AREA,
            &mut local,
            &mut local_len,
            &mut remote,
            &mut remote_len,
        )
    };
    assert!(local.is_null());
    assert_eq!((local_len, remote_len), (-1, 16));
    // Bad sockets: a non-listening listener, a bound accept socket, INVALID_SOCKET.
    let idle = tcp_socket();
    let fresh = tcp_socket();
    assert_eq!(
        accept_into(idle, fresh, &mut buf, (0, AREA, AREA), &mut ov),
        (FALSE, WSAEINVAL)
    );
    assert_eq!(
        accept_into(l, c, &mut buf, (0, AREA, AREA), &mut ov),
        (FALSE, WSAEINVAL)
    );
    assert_eq!(
        accept_into(l, INVALID_SOCKET, &mut buf, (0, AREA, AREA), &mut ov),
        (FALSE, WSAENOTSOCK)
    );
    close_all(&[l, accept, c, idle, fresh]);
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}

#[test]
fn choice_accept_ex_context() {
    let _env = env();
    let port = new_port();
    let l = listener("127.0.0.1:6005");
    associate(l, port, 1);
    let accept = tcp_socket();
    let mut buf = [0u8; 128];
    let mut ov = OVERLAPPED::default();
    assert_eq!(
        accept_into(l, accept, &mut buf, (0, AREA, AREA), &mut ov),
        (FALSE, WSA_IO_PENDING)
    );
    let c = bound_client();
    let mut cov = OVERLAPPED::default();
    assert_eq!(
        connect_to(c, "127.0.0.1:6005", b"ping", &mut cov),
        (FALSE, WSA_IO_PENDING)
    );
    assert!(dequeue(port, 0).ok);
    let mut name = SOCKADDR_IN::default();
    let mut len = 16;
    let rc = unsafe { getpeername(accept, ptr::from_mut(&mut name).cast(), &mut len) };
    assert_eq!(
        (rc, unsafe { WSAGetLastError() }),
        (SOCKET_ERROR, WSAENOTCONN)
    );
    let rc = unsafe { getsockname(accept, ptr::from_mut(&mut name).cast(), &mut len) };
    assert_eq!(
        (rc, unsafe { WSAGetLastError() }),
        (SOCKET_ERROR, WSAEINVAL)
    );
    // Data works at once.
    let mut got = [0u8; 4];
    assert_eq!(unsafe { recv(accept, got.as_mut_ptr(), 4, 0) }, 4);
    assert_eq!(&got, b"ping");
    // The context needs the listener.
    let wrong = accept;
    let rc = unsafe {
        setsockopt(
            accept,
            SOL_SOCKET,
            SO_UPDATE_ACCEPT_CONTEXT,
            ptr::from_ref(&wrong).cast(),
            8,
        )
    };
    assert_eq!(
        (rc, unsafe { WSAGetLastError() }),
        (SOCKET_ERROR, WSAEINVAL)
    );
    let rc = unsafe {
        setsockopt(
            accept,
            SOL_SOCKET,
            SO_UPDATE_ACCEPT_CONTEXT,
            ptr::from_ref(&l).cast(),
            size_of::<SOCKET>() as i32,
        )
    };
    assert_eq!(rc, 0);
    assert_eq!(
        unsafe { getpeername(accept, ptr::from_mut(&mut name).cast(), &mut len) },
        0
    );
    assert_eq!(
        unsafe { getsockname(accept, ptr::from_mut(&mut name).cast(), &mut len) },
        0
    );
    assert_eq!(u16::from_be(name.sin_port), 6005);
    // ConnectEx's socket: connect_ex_context.rs.
    close_all(&[l, accept, c]);
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}

#[test]
fn connect_ex_needs_a_bound_unconnected_stream_socket_and_reports_a_refusal() {
    let _env = env();
    let port = new_port();
    let mut ov = OVERLAPPED::default();
    let unbound = tcp_socket();
    assert_eq!(
        connect_to(unbound, "127.0.0.1:6006", b"", &mut ov),
        (FALSE, WSAEINVAL)
    );
    assert_eq!(ov.Internal, 0);
    let l = listener("127.0.0.1:6006");
    assert_eq!(
        connect_to(l, "127.0.0.1:6006", b"", &mut ov),
        (FALSE, WSAEINVAL)
    );
    assert_eq!(
        connect_to(INVALID_SOCKET, "127.0.0.1:6006", b"", &mut ov),
        (FALSE, WSAENOTSOCK)
    );
    // The first send reaches the peer; the completion counts it.
    let c = bound_client();
    associate(c, port, 3);
    assert_eq!(
        connect_to(c, "127.0.0.1:6006", b"abc", &mut ov),
        (FALSE, WSA_IO_PENDING)
    );
    let got = dequeue(port, 0);
    assert_eq!((got.ok, got.bytes, got.key), (true, 3, 3));
    assert_eq!(
        connect_to(c, "127.0.0.1:6006", b"", &mut ov),
        (FALSE, WSAEISCONN)
    );
    let s = unsafe { accept(l, ptr::null_mut(), ptr::null_mut()) };
    let mut got = [0u8; 3];
    assert_eq!(unsafe { recv(s, got.as_mut_ptr(), 3, 0) }, 3);
    assert_eq!(&got, b"abc");
    // Nobody listens: the completion fails with ERROR_CONNECTION_REFUSED.
    let refused = bound_client();
    associate(refused, port, 4);
    assert_eq!(
        connect_to(refused, "127.0.0.1:6999", b"", &mut ov),
        (FALSE, WSA_IO_PENDING)
    );
    let got = dequeue(port, 0);
    assert_eq!(
        (got.ok, got.key, got.error),
        (false, 4, ERROR_CONNECTION_REFUSED)
    );
    let (mut bytes, mut flags) = (0, 0);
    assert_eq!(
        unsafe { WSAGetOverlappedResult(refused, &ov, &mut bytes, FALSE, &mut flags) },
        FALSE
    );
    assert_eq!(unsafe { WSAGetLastError() }, WSAECONNREFUSED);
    close_all(&[unbound, l, c, s, refused]);
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}

#[test]
fn disconnect_ex_reuses_the_socket_for_accept_ex() {
    let _env = env();
    let port = new_port();
    let l = listener("127.0.0.1:6007");
    associate(l, port, 1);
    let target = tcp_socket();
    associate(target, port, 2);
    let disconnect = extension::<LPFN_DISCONNECTEX>(target, WSAID_DISCONNECTEX).unwrap();
    let mut buf = [0u8; 128];
    for round in 0..3 {
        let mut ov = OVERLAPPED::default();
        assert_eq!(
            accept_into(l, target, &mut buf, (0, AREA, AREA), &mut ov),
            (FALSE, WSA_IO_PENDING)
        );
        let c = bound_client();
        let mut cov = OVERLAPPED::default();
        assert_eq!(
            connect_to(c, "127.0.0.1:6007", b"", &mut cov),
            (FALSE, WSA_IO_PENDING)
        );
        assert!(dequeue(port, 0).ok, "round {round}");
        // Not connected: WSAENOTCONN; bad flags: WSAEINVAL.
        assert_eq!(unsafe { disconnect(c, ptr::null_mut(), 0x80, 0) }, FALSE);
        assert_eq!(unsafe { WSAGetLastError() }, WSAEINVAL);
        let mut dov = OVERLAPPED::default();
        assert_eq!(
            unsafe { disconnect(target, &mut dov, TF_REUSE_SOCKET, 0) },
            FALSE
        );
        assert_eq!(unsafe { WSAGetLastError() }, WSA_IO_PENDING);
        let got = dequeue(port, 0);
        assert_eq!((got.ok, got.bytes, got.key), (true, 0, 2));
        // The client reads the end of the stream.
        let mut byte = [0u8; 1];
        assert_eq!(unsafe { recv(c, byte.as_mut_ptr(), 1, 0) }, 0);
        assert_eq!(unsafe { disconnect(target, ptr::null_mut(), 0, 0) }, FALSE);
        assert_eq!(unsafe { WSAGetLastError() }, WSAENOTCONN);
        close_all(&[c]);
    }
    // Without TF_REUSE_SOCKET: shutdown(SD_SEND), synchronous with no OVERLAPPED.
    let c = bound_client();
    let mut cov = OVERLAPPED::default();
    assert_eq!(
        connect_to(c, "127.0.0.1:6007", b"", &mut cov),
        (FALSE, WSA_IO_PENDING)
    );
    let s = unsafe { accept(l, ptr::null_mut(), ptr::null_mut()) };
    assert_eq!(unsafe { disconnect(c, ptr::null_mut(), 0, 0) }, TRUE);
    let mut byte = [0u8; 1];
    assert_eq!(unsafe { recv(s, byte.as_mut_ptr(), 1, 0) }, 0);
    assert_eq!(unsafe { send(s, b"z".as_ptr(), 1, 0) }, 1);
    assert_eq!(unsafe { recv(c, byte.as_mut_ptr(), 1, 0) }, 1);
    close_all(&[l, target, c, s]);
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}
