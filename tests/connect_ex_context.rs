//! A socket `ConnectEx` connected, before and after `SO_UPDATE_CONNECT_CONTEXT`
//! (<https://learn.microsoft.com/en-us/windows/win32/api/mswsock/nc-mswsock-lpfn_connectex>,
//! rule K12, [`winsock_emu::choices::CONNECT_EX_CONTEXT`]): the data calls work at once;
//! `getpeername` and `shutdown` fail with `WSAENOTCONN` until the option is set;
//! `getsockname` reports the address bound; a second `connect` or `ConnectEx` is
//! `WSAEISCONN` before and after.

mod common;
mod iocp_support;

use std::ptr;

use common::env;
use iocp_support::*;
use winsock_emu::sys::*;

/// The last error of a call that returned `rc`, or 0 for a success.
fn error_of(rc: i32) -> i32 {
    if rc == 0 {
        0
    } else {
        assert_eq!(rc, SOCKET_ERROR);
        unsafe { WSAGetLastError() }
    }
}

fn peer_name(s: SOCKET) -> i32 {
    let mut name = SOCKADDR_IN::default();
    let mut len = 16;
    error_of(unsafe { getpeername(s, ptr::from_mut(&mut name).cast(), &mut len) })
}

fn reconnect(s: SOCKET, to: &str) -> i32 {
    let name = sockaddr_in(to.parse().unwrap());
    error_of(unsafe { connect(s, ptr::from_ref(&name).cast(), 16) })
}

#[test]
fn choice_connect_ex_context() {
    let _env = env();
    let port = new_port();
    let l = listener("127.0.0.1:6111");
    let c = tcp_socket();
    bind_to(c, "127.0.0.1:0");
    associate(c, port, 7);
    let mut ov = OVERLAPPED::default();
    assert_eq!(
        connect_to(c, "127.0.0.1:6111", b"hi", &mut ov),
        (FALSE, WSA_IO_PENDING)
    );
    let got = dequeue(port, 0);
    assert_eq!((got.ok, got.bytes, got.key), (true, 2, 7));
    let server = unsafe { accept(l, ptr::null_mut(), ptr::null_mut()) };
    assert_ne!(server, INVALID_SOCKET);

    // Before SO_UPDATE_CONNECT_CONTEXT: data works, the names and shutdown do not.
    assert_eq!(peer_name(c), WSAENOTCONN);
    assert_eq!(error_of(unsafe { shutdown(c, SD_SEND) }), WSAENOTCONN);
    assert_eq!(
        error_of(unsafe { shutdown(c, 7) }),
        WSAEINVAL,
        "how is checked first"
    );
    let mut name = SOCKADDR_IN::default();
    let mut len = 16;
    assert_eq!(
        unsafe { getsockname(c, ptr::from_mut(&mut name).cast(), &mut len) },
        0
    );
    assert_eq!(
        u32::from_be(unsafe { name.sin_addr.S_un.S_addr }),
        0x7F00_0001
    );
    assert_eq!(unsafe { send(c, b"!".as_ptr(), 1, 0) }, 1);
    let mut buf = [0u8; 8];
    assert_eq!(unsafe { recv(server, buf.as_mut_ptr(), 8, 0) }, 3);
    assert_eq!(&buf[..3], b"hi!");
    assert_eq!(reconnect(c, "127.0.0.1:6111"), WSAEISCONN);
    let mut again = OVERLAPPED::default();
    assert_eq!(
        connect_to(c, "127.0.0.1:6111", b"", &mut again),
        (FALSE, WSAEISCONN)
    );

    // After it: a connected socket like any other.
    let rc = unsafe { setsockopt(c, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, ptr::null(), 0) };
    assert_eq!(rc, 0);
    assert_eq!(peer_name(c), 0);
    assert_eq!(reconnect(c, "127.0.0.1:6111"), WSAEISCONN);
    assert_eq!(error_of(unsafe { shutdown(c, SD_SEND) }), 0);
    assert_eq!(unsafe { recv(server, buf.as_mut_ptr(), 8, 0) }, 0);
    for s in [l, c, server] {
        assert_eq!(unsafe { closesocket(s) }, 0);
    }
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}

#[test]
fn a_failed_connect_ex_awaits_no_context_and_a_plain_connect_never_does() {
    let _env = env();
    let port = new_port();
    let refused = tcp_socket();
    bind_to(refused, "127.0.0.1:0");
    associate(refused, port, 1);
    let mut ov = OVERLAPPED::default();
    assert_eq!(
        connect_to(refused, "127.0.0.1:6112", b"", &mut ov),
        (FALSE, WSA_IO_PENDING)
    );
    assert!(!dequeue(port, 0).ok);
    // Refused: the socket may connect again, with connect, and is then an ordinary one.
    let l = listener("127.0.0.1:6112");
    assert_eq!(reconnect(refused, "127.0.0.1:6112"), 0);
    assert_eq!(peer_name(refused), 0);
    assert_eq!(error_of(unsafe { shutdown(refused, SD_BOTH) }), 0);
    for s in [l, refused] {
        assert_eq!(unsafe { closesocket(s) }, 0);
    }
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}
