//! `WSAAccept`: `accept` when there is no condition function; with one, the function's
//! arguments and each of its answers, called with no lock held.

mod common;

use std::cell::{Cell, RefCell};
use std::ptr;

use common::*;
use winsock_emu::sys::*;
use winsock_emu::{Domain, Error, Network, Socket, SocketState, Type};

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

/// What one call of [`condition`] was shown.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    caller: Vec<u8>,
    callee: Vec<u8>,
    /// Whether lpCallerData, lpSQOS, lpGQOS and lpCalleeData were NULL.
    nulls: [bool; 4],
    group: u32,
    callback_data: usize,
}

thread_local! {
    /// Every call of [`condition`] on this thread, in order.
    static SEEN: RefCell<Vec<Seen>> = const { RefCell::new(Vec::new()) };
    /// What [`condition`] returns.
    static ANSWER: Cell<i32> = const { Cell::new(CF_ACCEPT as i32) };
    /// Run (once) inside [`condition`] before it answers.
    static HOOK: Cell<Option<fn()>> = const { Cell::new(None) };
    /// A socket the hook works on.
    static HOOK_SOCKET: Cell<SOCKET> = const { Cell::new(0) };
    /// What the hook's calls returned.
    static HOOK_RESULTS: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// A condition function that records what it is shown, runs the hook, and returns ANSWER.
unsafe extern "system" fn condition(
    caller_id: *mut WSABUF,
    caller_data: *mut WSABUF,
    sqos: *mut QOS,
    gqos: *mut QOS,
    callee_id: *mut WSABUF,
    callee_data: *mut WSABUF,
    group: *mut u32,
    callback_data: usize,
) -> i32 {
    let bytes = |id: *mut WSABUF| unsafe {
        std::slice::from_raw_parts((*id).buf, (*id).len as usize).to_vec()
    };
    let seen = Seen {
        caller: bytes(caller_id),
        callee: bytes(callee_id),
        nulls: [
            caller_data.is_null(),
            sqos.is_null(),
            gqos.is_null(),
            callee_data.is_null(),
        ],
        group: unsafe { *group },
        callback_data,
    };
    SEEN.with_borrow_mut(|all| all.push(seen));
    if let Some(hook) = HOOK.take() {
        hook();
    }
    ANSWER.get()
}

/// The client addresses [`condition`] was shown so far.
fn callers_seen() -> Vec<Vec<u8>> {
    SEEN.with_borrow(|all| all.iter().map(|seen| seen.caller.clone()).collect())
}

/// A listener on `addr` with one waiting connection from each of `clients` new sockets.
fn listener_with(net: &Network, addr: &str, clients: usize) -> (Socket, Vec<Socket>) {
    let (listener, first) = connected_stream(net, addr);
    let mut all = vec![first];
    for _ in 1..clients {
        let client = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
        client.connect(addr.parse().unwrap()).unwrap();
        all.push(client);
    }
    (listener, all)
}

/// `WSAAccept` with [`condition`] and room for an address, expected to fail: the error,
/// once it is checked that neither out-parameter was written.
fn ask_failing(listener: SOCKET) -> i32 {
    let (mut addr, mut len) = ([0x5Au8; 28], 28);
    let failed = wsa_accept(listener, Some((&mut addr, &mut len)), Some(condition));
    assert_eq!((addr, len), ([0x5A; 28], 28), "out-parameters untouched");
    failed.expect_err("WSAAccept succeeded")
}

/// How many connections wait on `listener`.
fn pending(listener: &Socket) -> usize {
    match listener.info().unwrap().state {
        SocketState::Listening { pending, .. } => pending,
        other => panic!("not listening: {other:?}"),
    }
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

/// The checks `accept` makes, in its order, through `WSAAccept` with `condition`: each
/// fails leaving the network and the out-parameters as they were.
fn fails_as_accept_does(at: &str, condition: LPCONDITIONPROC) {
    let env = env();
    let (listener, _client) = connected_stream(&env.net, at);
    let s = listener.as_raw();
    let (mut addr, mut len) = ([0x5Au8; 28], 15);
    assert_fails_unchanged(&env.net, WSAEFAULT, || {
        wsa_accept(s, Some((&mut addr, &mut len)), condition).map(drop)
    });
    assert_eq!((addr, len), ([0x5A; 28], 15));
    let null_len = unsafe { WSAAccept(s, addr.as_mut_ptr().cast(), ptr::null_mut(), condition, 0) };
    assert_eq!((null_len, last_error()), (INVALID_SOCKET, WSAEFAULT));
    assert!(listener.accept().is_ok());
    listener.set_nonblocking(true).unwrap();
    assert_fails_unchanged(&env.net, WSAEWOULDBLOCK, || {
        wsa_accept(s, None, condition).map(drop)
    });
    let idle = raw_socket(AF_INET, SOCK_STREAM, 0);
    assert_fails_unchanged(&env.net, WSAEINVAL, || {
        wsa_accept(idle, None, condition).map(drop)
    });
    unsafe { closesocket(idle) };
    assert_fails_unchanged(&env.net, WSAENOTSOCK, || {
        wsa_accept(idle, None, condition).map(drop)
    });
}

#[test]
fn wsaaccept_fails_as_accept_does_and_writes_nothing() {
    fails_as_accept_does("127.0.0.1:6102", None);
}

#[test]
fn choice_accept_condition_function_sees_caller_callee_and_callback_data() {
    let env = env();
    let listener = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    listener.bind("0.0.0.0:6103".parse().unwrap()).unwrap();
    listener.listen(5).unwrap();
    let client = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    client.connect("127.0.0.1:6103".parse().unwrap()).unwrap();
    let (mut addr, mut len) = ([0x5Au8; 28], 28);
    let accepted = wsa_accept(
        listener.as_raw(),
        Some((&mut addr, &mut len)),
        Some(condition),
    );
    assert!(accepted.is_ok());
    let caller = sockaddr(client.local_addr().unwrap());
    assert_eq!((len, &addr[..16]), (16, &caller[..]));
    let seen = SEEN.with_borrow(|all| all.clone());
    let expected = Seen {
        caller,
        callee: sockaddr("127.0.0.1:6103".parse().unwrap()),
        nulls: [true; 4],
        group: 0,
        callback_data: 0x1234,
    };
    assert_eq!(seen, [expected], "the address it came in on, not 0.0.0.0");

    let (listener6, client6) = connected_stream(&env.net, "[::1]:6104");
    assert!(wsa_accept(listener6.as_raw(), None, Some(condition)).is_ok());
    let seen6 = SEEN.with_borrow(|all| all[1].clone());
    assert_eq!(seen6.caller, sockaddr(client6.local_addr().unwrap()));
    assert_eq!(seen6.callee, sockaddr("[::1]:6104".parse().unwrap()));
    assert_eq!((seen6.caller.len(), seen6.callee.len()), (28, 28));
}

#[test]
fn cf_accept_takes_the_connection_as_accept_does() {
    let env = env();
    let (listener, clients) = listener_with(&env.net, "127.0.0.1:6105", 2);
    clients[0].send(b"early").unwrap();
    ANSWER.set(CF_ACCEPT as i32);
    let accepted = wsa_accept(listener.as_raw(), None, Some(condition)).unwrap();
    let server = Socket::from_raw(&env.net, accepted);
    assert_eq!(
        server.peer_addr().unwrap(),
        clients[0].local_addr().unwrap(),
        "the oldest connection"
    );
    let mut buf = [0u8; 8];
    assert_eq!(server.recv(&mut buf), Ok(5));
    assert_eq!(&buf[..5], b"early");
    assert_eq!(clients[0].send(b"later"), Ok(5));
    assert_eq!(pending(&listener), 1);
}

#[test]
fn choice_accept_condition_reject_resets_the_client() {
    let env = env();
    let (listener, clients) = listener_with(&env.net, "127.0.0.1:6106", 2);
    ANSWER.set(CF_REJECT as i32);
    assert_eq!(ask_failing(listener.as_raw()), WSAECONNREFUSED);
    assert_eq!(pending(&listener), 1, "removed from the backlog");
    assert_eq!(clients[0].send(b"x"), Err(Error::ConnectionReset));
    assert_eq!(clients[0].recv(&mut [0u8; 4]), Err(Error::ConnectionReset));
    assert_eq!(clients[1].send(b"x"), Ok(1), "only the rejected one");

    ANSWER.set(CF_ACCEPT as i32);
    let accepted = wsa_accept(listener.as_raw(), None, Some(condition)).unwrap();
    let server = Socket::from_raw(&env.net, accepted);
    assert_eq!(
        server.peer_addr().unwrap(),
        clients[1].local_addr().unwrap()
    );
    assert_eq!(callers_seen().len(), 2);
}

#[test]
fn cf_defer_leaves_the_connection_first_and_fails_with_wsatry_again() {
    let env = env();
    let (listener, clients) = listener_with(&env.net, "127.0.0.1:6107", 2);
    ANSWER.set(CF_DEFER as i32);
    assert_fails_unchanged(&env.net, WSATRY_AGAIN, || {
        Err(ask_failing(listener.as_raw()))
    });
    assert_eq!(pending(&listener), 2);
    let (server, from) = listener.accept().unwrap();
    assert_eq!(from, clients[0].local_addr().unwrap(), "still the oldest");
    assert_eq!(server.peer_addr().unwrap(), from);
    assert_eq!(callers_seen(), [sockaddr(from)]);
}

#[test]
fn choice_accept_condition_other_value_is_wsaeinval() {
    let env = env();
    let (listener, client) = connected_stream(&env.net, "127.0.0.1:6108");
    for answer in [3, -1, i32::MAX] {
        ANSWER.set(answer);
        assert_fails_unchanged(&env.net, WSAEINVAL, || {
            wsa_accept(listener.as_raw(), None, Some(condition)).map(drop)
        });
    }
    assert_eq!(callers_seen().len(), 3);
    let (_server, from) = listener.accept().unwrap();
    assert_eq!(from, client.local_addr().unwrap(), "left in the backlog");
}

/// Calls Winsock from inside the condition function: closes HOOK_SOCKET, creates a
/// socket, and enters and leaves another network.
fn call_winsock_inside() {
    let closed = unsafe { closesocket(HOOK_SOCKET.get()) };
    let created = unsafe { socket(AF_INET.into(), SOCK_STREAM, 0) };
    let elsewhere = Network::new();
    drop(elsewhere.enter());
    HOOK_RESULTS.with_borrow_mut(|all| all.extend([closed as usize, created]));
}

#[test]
fn condition_function_runs_with_no_lock_held() {
    let env = env();
    let (listener, _client) = connected_stream(&env.net, "127.0.0.1:6109");
    HOOK_SOCKET.set(raw_socket(AF_INET, SOCK_STREAM, 0));
    HOOK.set(Some(call_winsock_inside));
    ANSWER.set(CF_ACCEPT as i32);
    assert!(wsa_accept(listener.as_raw(), None, Some(condition)).is_ok());
    let results = HOOK_RESULTS.with_borrow(|all| all.clone());
    assert_eq!(results[0], 0, "closesocket succeeded");
    assert_ne!(results[1], INVALID_SOCKET, "socket succeeded");
    let again = unsafe { closesocket(HOOK_SOCKET.get()) };
    assert_eq!((again, last_error()), (SOCKET_ERROR, WSAENOTSOCK));
}

/// Takes the oldest connection waiting on HOOK_SOCKET with `accept`, as another thread
/// could while the condition function runs.
fn accept_meanwhile() {
    let taken = unsafe { accept(HOOK_SOCKET.get(), ptr::null_mut(), ptr::null_mut()) };
    HOOK_RESULTS.with_borrow_mut(|all| all.push(taken));
}

#[test]
fn choice_accept_condition_race_asks_again_about_the_new_oldest() {
    let env = env();
    let (listener, clients) = listener_with(&env.net, "127.0.0.1:6110", 2);
    HOOK_SOCKET.set(listener.as_raw());
    HOOK.set(Some(accept_meanwhile));
    ANSWER.set(CF_ACCEPT as i32);
    let accepted = wsa_accept(listener.as_raw(), None, Some(condition)).unwrap();
    let addrs: Vec<_> = clients.iter().map(|c| c.local_addr().unwrap()).collect();
    assert_eq!(callers_seen(), [sockaddr(addrs[0]), sockaddr(addrs[1])]);
    let server = Socket::from_raw(&env.net, accepted);
    assert_eq!(server.peer_addr().unwrap(), addrs[1]);
    let taken = HOOK_RESULTS.with_borrow(|all| all[0]);
    let meanwhile = Socket::from_raw(&env.net, taken);
    assert_eq!(meanwhile.peer_addr().unwrap(), addrs[0]);

    let (listener, client) = connected_stream(&env.net, "127.0.0.1:6111");
    HOOK_SOCKET.set(listener.as_raw());
    HOOK.set(Some(accept_meanwhile));
    ANSWER.set(CF_REJECT as i32);
    listener.set_nonblocking(true).unwrap();
    assert_eq!(
        wsa_accept(listener.as_raw(), None, Some(condition)),
        Err(WSAEWOULDBLOCK),
        "nothing left to ask about"
    );
    assert_eq!(
        client.send(b"x"),
        Ok(1),
        "the one taken meanwhile is not rejected"
    );
}

#[test]
fn condition_function_is_not_called_when_accept_would_fail() {
    fails_as_accept_does("127.0.0.1:6112", Some(condition));
    let env = env();
    let (listener, _client) = connected_stream(&env.net, "127.0.0.1:6113");
    {
        let fresh = Network::new();
        let _entered = fresh.enter();
        let refused = wsa_accept(listener.as_raw(), None, Some(condition));
        assert_eq!(refused, Err(WSANOTINITIALISED));
    }
    let idle = raw_socket(AF_INET, SOCK_STREAM, 0);
    let (mut addr, mut short) = ([0x5Au8; 28], 15);
    assert_eq!(
        wsa_accept(idle, Some((&mut addr, &mut short)), Some(condition)),
        Err(WSAEFAULT),
        "the out-parameters before the state, as accept"
    );
    assert!(callers_seen().is_empty(), "never called");
}
