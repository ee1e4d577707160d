//! `WSAEventSelect` and `WSAEnumNetworkEvents`: which event is recorded when, the
//! re-enabling rules of the `WSAEventSelect` page, the event object, `iErrorCode`, and the
//! non-blocking mode it forces (facts 1.1, 2.4, 8.2).

mod common;

use std::ptr;

use common::readiness::*;
use common::{env, last_error};
use winsock_emu::sys::{
    self, FALSE, FD_ACCEPT, FD_CLOSE, FD_CLOSE_BIT, FD_CONNECT, FD_CONNECT_BIT, FD_READ, FD_WRITE,
    FD_WRITE_BIT, FIONBIO, INVALID_SOCKET, SD_SEND, SOCKET, SOCKET_ERROR, WSAECONNABORTED,
    WSAECONNREFUSED, WSAEFAULT, WSAEINVAL, WSAENOTSOCK, WSAEVENT, WSAEWOULDBLOCK, WSANETWORKEVENTS,
    WSA_WAIT_EVENT_0, WSA_WAIT_TIMEOUT,
};

const ALL: i32 = (FD_READ | FD_WRITE | FD_ACCEPT | FD_CONNECT | FD_CLOSE) as i32;
const SENTINEL: i32 = 0x0bad_f00d;

fn event() -> WSAEVENT {
    let e = unsafe { sys::WSACreateEvent() };
    assert_ne!(e, 0);
    e
}

fn event_select(s: SOCKET, e: WSAEVENT, mask: i32) {
    assert_eq!(
        unsafe { sys::WSAEventSelect(s, e, mask) },
        0,
        "{}",
        last_error()
    );
}

fn signalled(e: WSAEVENT) -> bool {
    let handle = e as sys::HANDLE;
    match unsafe { sys::WSAWaitForMultipleEvents(1, &handle, FALSE, 0, FALSE) } {
        r if r == WSA_WAIT_EVENT_0 as u32 => true,
        WSA_WAIT_TIMEOUT => false,
        other => panic!("wait: {other:#x}"),
    }
}

/// `WSAEnumNetworkEvents(s, e, ...)` with every `iErrorCode` preset to a sentinel.
fn enumerate(s: SOCKET, e: WSAEVENT) -> WSANETWORKEVENTS {
    let mut ne = WSANETWORKEVENTS {
        lNetworkEvents: SENTINEL,
        iErrorCode: [SENTINEL; 10],
    };
    assert_eq!(
        unsafe { sys::WSAEnumNetworkEvents(s, e, &mut ne) },
        0,
        "{}",
        last_error()
    );
    ne
}

fn events_of(s: SOCKET, e: WSAEVENT) -> u32 {
    enumerate(s, e).lNetworkEvents as u32
}

fn fionbio(s: SOCKET, on: u32) -> Result<(), i32> {
    let mut arg = on;
    match unsafe { sys::ioctlsocket(s, FIONBIO, &mut arg) } {
        0 => Ok(()),
        _ => Err(last_error()),
    }
}

#[test]
fn a_connected_socket_records_fd_write_once() {
    let _env = env();
    let (_l, c, s) = tcp_pair(7201);
    // The accepted socket, as sock.c test_write_events selects it: FD_WRITE alone.
    let e = event();
    event_select(s, e, ALL);
    assert!(signalled(e), "the condition already holds: set at once");
    let ne = enumerate(s, e);
    assert_eq!(ne.lNetworkEvents as u32, FD_WRITE);
    assert_eq!(ne.iErrorCode[FD_WRITE_BIT as usize], 0);
    assert_eq!(
        ne.iErrorCode[FD_READ as usize - 1],
        SENTINEL,
        "only the reported bits are written"
    );
    assert!(!signalled(e), "enumerating reset the event");
    for _ in 0..5 {
        event_select(s, e, ALL);
        assert_eq!(
            events_of(s, e),
            0,
            "not reported again until a send fails with WSAEWOULDBLOCK"
        );
    }
    // The connecting socket, whose blocking connect finished before its first selection,
    // reports FD_CONNECT as well (sock.c test_connect_events: connect, then select), once.
    let ec = event();
    event_select(c, ec, ALL);
    let ne = enumerate(c, ec);
    assert_eq!(ne.lNetworkEvents as u32, FD_CONNECT | FD_WRITE);
    assert_eq!(ne.iErrorCode[FD_CONNECT_BIT as usize], 0);
    event_select(c, ec, ALL);
    assert_eq!(events_of(c, ec), 0, "neither is reported again");
    send(s, b"ok").unwrap();
    assert_eq!(events_of(s, e), 0, "a successful send re-enables nothing");
}

#[test]
fn datagram_sockets_record_fd_write_only_once_bound() {
    let _env = env();
    let e = event();
    let u = unsafe { sys::socket(sys::AF_INET.into(), sys::SOCK_DGRAM, sys::IPPROTO_UDP) };
    event_select(u, e, ALL);
    assert_eq!(events_of(u, e), 0, "unbound");
    let addr = loopback(7202);
    let (name, len) = as_sockaddr(&addr);
    assert_eq!(unsafe { sys::bind(u, name, len) }, 0);
    assert!(
        signalled(e),
        "binding is a call after which the record is brought up to date"
    );
    assert_eq!(events_of(u, e), FD_WRITE);
    let t = tcp();
    let at = loopback(7203);
    let (name, len) = as_sockaddr(&at);
    assert_eq!(unsafe { sys::bind(t, name, len) }, 0);
    event_select(t, e, ALL);
    assert_eq!(
        events_of(t, e),
        0,
        "a bound, unconnected stream socket: nothing"
    );
}

#[test]
fn fd_accept_is_level_triggered_and_accepted_sockets_inherit_the_selection() {
    let _env = env();
    let l = listener(7204);
    let e = event();
    let (c1, c2) = (tcp(), tcp());
    connect(c1, 7204).unwrap();
    event_select(l, e, ALL);
    assert!(signalled(e), "a connection already waits");
    assert_eq!(events_of(l, e), FD_ACCEPT);
    connect(c2, 7204).unwrap();
    assert_eq!(
        events_of(l, e),
        FD_ACCEPT,
        "a second connection before accept: again"
    );
    let s1 = unsafe { sys::accept(l, ptr::null_mut(), ptr::null_mut()) };
    assert_ne!(s1, INVALID_SOCKET);
    assert_eq!(
        events_of(l, e),
        FD_ACCEPT,
        "accept re-enables; another still waits"
    );
    assert_eq!(
        events_of(s1, e),
        FD_WRITE,
        "the accepted socket inherits the mask and gets FD_WRITE once"
    );
    assert_eq!(fionbio(s1, 0), Err(WSAEINVAL), "and the selection");
    let s2 = unsafe { sys::accept(l, ptr::null_mut(), ptr::null_mut()) };
    assert_ne!(s2, INVALID_SOCKET);
    assert_eq!(events_of(l, e), 0, "the queue is empty");
    let rc = unsafe { sys::accept(l, ptr::null_mut(), ptr::null_mut()) };
    assert_eq!(
        (rc, last_error()),
        (INVALID_SOCKET, WSAEWOULDBLOCK),
        "event select made it non-blocking"
    );
}

#[test]
fn fd_read_is_signalled_again_by_a_partial_recv_but_not_the_one_that_empties() {
    let _env = env();
    let (_l, c, s) = tcp_pair(7205);
    let e = event();
    event_select(s, e, FD_READ as i32);
    assert_eq!(events_of(s, e), 0);
    send(c, b"abcd").unwrap();
    assert!(signalled(e));
    assert_eq!(events_of(s, e), FD_READ);
    assert_eq!(recv(s, 2).unwrap(), b"ab");
    assert!(signalled(e), "data remains after the partial recv");
    assert_eq!(events_of(s, e), FD_READ);
    assert_eq!(recv(s, 2).unwrap(), b"cd");
    assert!(!signalled(e));
    assert_eq!(events_of(s, e), 0);
    assert_eq!(recv(s, 2), Err(WSAEWOULDBLOCK));
    send(c, b"e").unwrap();
    assert_eq!(
        events_of(s, e),
        FD_READ,
        "re-enabled by the recv that failed"
    );
}

#[test]
fn fd_close_carries_0_for_a_fin_and_wsaeconnaborted_after_a_reset() {
    let _env = env();
    let (_l, c, s) = tcp_pair(7206);
    let e = event();
    event_select(s, e, ALL);
    assert_eq!(events_of(s, e), FD_WRITE);
    assert_eq!(unsafe { sys::shutdown(c, SD_SEND) }, 0);
    let ne = enumerate(s, e);
    assert_eq!(
        (
            ne.lNetworkEvents as u32,
            ne.iErrorCode[FD_CLOSE_BIT as usize]
        ),
        (FD_CLOSE, 0)
    );
    unsafe { sys::closesocket(c) };
    assert_eq!(events_of(s, e), 0, "FD_CLOSE once");

    let (_l2, c2, s2) = tcp_pair(7207);
    event_select(s2, e, FD_CLOSE as i32);
    send(s2, b"unread").unwrap();
    unsafe { sys::closesocket(c2) };
    let ne = enumerate(s2, e);
    assert_eq!(
        (
            ne.lNetworkEvents as u32,
            ne.iErrorCode[FD_CLOSE_BIT as usize]
        ),
        (FD_CLOSE, WSAECONNABORTED),
        "DOC≠WIN: facts 8.2"
    );
}

#[test]
fn a_non_blocking_connect_records_fd_connect_then_fd_write() {
    let _env = env();
    let _l = listener(7208);
    let c = tcp();
    let e = event();
    event_select(c, e, ALL);
    match connect(c, 7208) {
        Ok(()) | Err(WSAEWOULDBLOCK) => {}
        Err(other) => panic!("connect: {other}"),
    }
    assert!(signalled(e));
    let ne = enumerate(c, e);
    assert_eq!(ne.lNetworkEvents as u32, FD_CONNECT | FD_WRITE);
    assert_eq!(ne.iErrorCode[FD_CONNECT_BIT as usize], 0);
    assert_eq!(ne.iErrorCode[FD_WRITE_BIT as usize], 0);
}

#[test]
fn a_refused_connect_records_fd_connect_with_its_error() {
    let _env = env();
    let c = tcp();
    let e = event();
    event_select(c, e, ALL);
    match connect(c, 7209) {
        Err(WSAEWOULDBLOCK | WSAECONNREFUSED) => {}
        other => panic!("connect: {other:?}"),
    }
    let ne = enumerate(c, e);
    assert_eq!(ne.lNetworkEvents as u32, FD_CONNECT, "no FD_WRITE");
    assert_eq!(ne.iErrorCode[FD_CONNECT_BIT as usize], WSAECONNREFUSED);
}

#[test]
fn an_event_that_happened_outside_the_mask_is_reported_once_selected() {
    let _env = env();
    let (_l, c, s) = tcp_pair(7210);
    let e = event();
    event_select(s, e, FD_READ as i32);
    assert_eq!(events_of(s, e), 0, "FD_WRITE is recorded but not selected");
    event_select(s, e, FD_WRITE as i32);
    assert!(signalled(e));
    assert_eq!(events_of(s, e), FD_WRITE);
    // WSAEventSelect does not reset the event.
    send(c, b"x").unwrap();
    event_select(s, e, FD_WRITE as i32);
    let before = signalled(e);
    event_select(s, e, FD_CLOSE as i32);
    assert_eq!(signalled(e), before, "not reset by WSAEventSelect");
}

#[test]
fn choice_event_select_arguments_and_errors_change_nothing() {
    let _env = env();
    let (_l, c, _s) = tcp_pair(7211);
    let e = event();
    for (mask, ev) in [
        (0x400, e),
        (-1, e),
        (FD_READ as i32, 0),
        (FD_READ as i32, c as WSAEVENT),
    ] {
        let rc = unsafe { sys::WSAEventSelect(c, ev, mask) };
        assert_eq!((rc, last_error()), (SOCKET_ERROR, WSAEINVAL), "{mask:#x}");
        assert_eq!(fionbio(c, 0), Ok(()), "still allowed: nothing was selected");
    }
    assert_eq!(
        unsafe { sys::WSAEventSelect(0xabacab, e, ALL) },
        SOCKET_ERROR
    );
    assert_eq!(last_error(), WSAENOTSOCK);
    event_select(c, e, ALL);
    let rc = unsafe { sys::WSAEnumNetworkEvents(c, e, ptr::null_mut()) };
    assert_eq!((rc, last_error()), (SOCKET_ERROR, WSAEFAULT));
    let mut ne = WSANETWORKEVENTS::default();
    let rc = unsafe { sys::WSAEnumNetworkEvents(c, c as WSAEVENT, &mut ne) };
    assert_eq!((rc, last_error()), (SOCKET_ERROR, WSAEINVAL));
    assert!(signalled(e), "the failed calls reset nothing");
    let rc = unsafe { sys::WSAEnumNetworkEvents(0xabacab, e, &mut ne) };
    assert_eq!((rc, last_error()), (SOCKET_ERROR, WSAENOTSOCK));
    // A NULL event is allowed: the record is cleared, no event is reset.
    let ne = enumerate(c, 0);
    assert_eq!(ne.lNetworkEvents as u32, FD_CONNECT | FD_WRITE);
    assert!(signalled(e));
}

#[test]
fn rule_fionbio_0_is_refused_while_a_selection_is_set() {
    let _env = env();
    let (_l, c, _s) = tcp_pair(7212);
    let e = event();
    event_select(c, e, 0);
    assert_eq!(
        recv(c, 1),
        Err(WSAEWOULDBLOCK),
        "non-blocking even with mask 0"
    );
    assert_eq!(fionbio(c, 0), Ok(()), "no selection: allowed");
    event_select(c, e, FD_READ as i32);
    assert_eq!(fionbio(c, 1), Ok(()));
    assert_eq!(fionbio(c, 0), Err(WSAEINVAL));
    event_select(c, e, 0);
    assert_eq!(fionbio(c, 0), Ok(()), "cancelled: allowed again");
}

#[test]
fn a_connect_that_finished_before_the_first_selection_is_still_reported() {
    let _env = env();
    let _l = listener(7213);
    let c = tcp();
    assert_eq!(fionbio(c, 1), Ok(()));
    assert_eq!(connect(c, 7213), Err(WSAEWOULDBLOCK));
    let e = event();
    event_select(c, e, ALL);
    let ne = enumerate(c, e);
    assert_eq!(ne.lNetworkEvents as u32, FD_CONNECT | FD_WRITE);
    assert_eq!(ne.iErrorCode[FD_CONNECT_BIT as usize], 0);
}

/// Sends 64 KiB chunks on the non-blocking `s` until a send fails with WSAEWOULDBLOCK.
fn fill(s: SOCKET) {
    let chunk = vec![7u8; 65_536];
    for _ in 0..64 {
        match send(s, &chunk) {
            Ok(_) => continue,
            Err(WSAEWOULDBLOCK) => return,
            Err(code) => panic!("send: {code}"),
        }
    }
    panic!("the connection never filled");
}

#[test]
fn fd_write_comes_again_once_room_follows_a_send_that_would_block() {
    let _env = env();
    let (_l, c, s) = tcp_pair(7214);
    let e = event();
    event_select(c, e, FD_WRITE as i32);
    assert_eq!(events_of(c, e), FD_WRITE);
    fill(c);
    assert_eq!(events_of(c, e), 0, "full: nothing yet");
    assert_eq!(
        ready_now(&[], &[c], &[]).result,
        Ok(0),
        "and select does not report it writable"
    );
    assert_eq!(
        poll(&[(c, sys::POLLWRNORM)], 0),
        (Ok(0), vec![0]),
        "nor WSAPoll"
    );
    while recv(s, 65_536).is_ok_and(|got| !got.is_empty()) {}
    assert!(signalled(e), "the reader made room");
    assert_eq!(events_of(c, e), FD_WRITE);
    assert_eq!(ready_now(&[], &[c], &[]).write, vec![c]);
}
