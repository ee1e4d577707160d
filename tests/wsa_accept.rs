//! `WSAAccept`: `accept` when there is no condition function, and a condition function
//! refused without being called.

mod common;

use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use winsock_emu::sys::*;
use winsock_emu::{Socket, SocketState};

/// `WSAAccept` with `addr`/`addrlen` (None: NULL), as a result.
fn wsa_accept(
    s: SOCKET,
    from: Option<(&mut [u8; 28], &mut i32)>,
    condition: LPCONDITIONPROC,
) -> Result<SOCKET, i32> {
    let (addr, len) = match from {
        Some((addr, len)) => (addr.as_mut_ptr(), len as *mut i32),
        None => (ptr::null_mut(), ptr::null_mut()),
    };
    let accepted = unsafe { WSAAccept(s, addr.cast(), len, condition, 0x1234) };
    if accepted == INVALID_SOCKET {
        Err(last_error())
    } else {
        Ok(accepted)
    }
}

static CONDITION_CALLS: AtomicUsize = AtomicUsize::new(0);

/// A condition function that would accept every connection, counting its calls.
unsafe extern "system" fn accept_all(
    _caller_id: *mut WSABUF,
    _caller_data: *mut WSABUF,
    _sqos: *mut QOS,
    _gqos: *mut QOS,
    _callee_id: *mut WSABUF,
    _callee_data: *mut WSABUF,
    _group: *mut u32,
    _callback_data: usize,
) -> i32 {
    CONDITION_CALLS.fetch_add(1, Ordering::SeqCst);
    CF_ACCEPT as i32
}

#[test]
fn wsaaccept_without_a_condition_function_is_accept() {
    let env = env();
    let (listener, client) = connected_stream(&env.net, "127.0.0.1:6100");
    client.send(b"early").unwrap();
    let (mut addr, mut len) = ([0x5Au8; 28], 28);
    let accepted = wsa_accept(listener.as_raw(), Some((&mut addr, &mut len)), None).unwrap();
    assert_eq!(len, 16);
    assert_eq!(addr[..16], sockaddr(client.local_addr().unwrap())[..]);
    assert_eq!(addr[16..], [0x5A; 12], "nothing written past the address");
    let server = Socket::from_raw(&env.net, accepted);
    assert!(matches!(
        server.info().unwrap().state,
        SocketState::Connected { .. }
    ));
    let mut buf = [0u8; 8];
    assert_eq!(server.recv(&mut buf), Ok(5));
    assert_eq!(&buf[..5], b"early");

    client.close().unwrap();
    let second = env
        .net
        .socket(winsock_emu::Domain::IPV4, winsock_emu::Type::STREAM, None)
        .unwrap();
    second.connect("127.0.0.1:6100".parse().unwrap()).unwrap();
    assert!(
        wsa_accept(listener.as_raw(), None, None).is_ok(),
        "NULL addr"
    );
}

#[test]
fn choice_accept_condition_function_is_refused_without_calling_it() {
    let env = env();
    let (listener, _client) = connected_stream(&env.net, "127.0.0.1:6101");
    let (mut addr, mut len) = ([0x5Au8; 28], 28);
    assert_fails_unchanged(&env.net, WSAEOPNOTSUPP, || {
        wsa_accept(
            listener.as_raw(),
            Some((&mut addr, &mut len)),
            Some(accept_all),
        )
        .map(drop)
    });
    assert_eq!((addr, len), ([0x5A; 28], 28), "out-parameters untouched");
    assert_eq!(CONDITION_CALLS.load(Ordering::SeqCst), 0, "never called");
    let refused_first = wsa_accept(listener.as_raw(), None, Some(accept_all));
    assert_eq!(
        refused_first,
        Err(WSAEOPNOTSUPP),
        "before the NULL addrlen's WSAEFAULT and anything else"
    );
    assert!(matches!(
        listener.info().unwrap().state,
        SocketState::Listening { pending: 1, .. }
    ));
    assert!(wsa_accept(listener.as_raw(), None, None).is_ok());
    assert_eq!(
        wsa_accept(0x4242, None, Some(accept_all)),
        Err(WSAENOTSOCK),
        "the socket first"
    );
}

#[test]
fn wsaaccept_fails_as_accept_does_and_writes_nothing() {
    let env = env();
    let (listener, _client) = connected_stream(&env.net, "127.0.0.1:6102");
    let s = listener.as_raw();
    let (mut addr, mut len) = ([0x5Au8; 28], 15);
    assert_fails_unchanged(&env.net, WSAEFAULT, || {
        wsa_accept(s, Some((&mut addr, &mut len)), None).map(drop)
    });
    assert_eq!((addr, len), ([0x5A; 28], 15));
    let null_len = unsafe { WSAAccept(s, addr.as_mut_ptr().cast(), ptr::null_mut(), None, 0) };
    assert_eq!((null_len, last_error()), (INVALID_SOCKET, WSAEFAULT));
    assert!(wsa_accept(s, None, None).is_ok());
    assert_fails_unchanged(&env.net, WSAEWOULDBLOCK, || {
        wsa_accept(s, None, None).map(drop)
    });
    let idle = raw_socket(AF_INET, SOCK_STREAM, 0);
    assert_fails_unchanged(&env.net, WSAEINVAL, || {
        wsa_accept(idle, None, None).map(drop)
    });
    unsafe { closesocket(idle) };
    assert_fails_unchanged(&env.net, WSAENOTSOCK, || {
        wsa_accept(idle, None, None).map(drop)
    });
}
