//! `WSAPoll`: the `revents` Windows gives for each state, the flags it refuses, negative and
//! invalid entries, timeouts, and a socket closed during the wait (facts 1.7, 2.3).

mod common;

use common::readiness::*;
use common::{env, last_error};
use winsock_emu::sys::{
    self, INVALID_SOCKET, POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDBAND,
    POLLRDNORM, POLLWRBAND, POLLWRNORM, SD_RECEIVE, SD_SEND, SOCKET_ERROR, WSAEFAULT, WSAEINVAL,
    WSAENOBUFS, WSAENOTSOCK, WSAPOLLFD,
};
use winsock_emu::testing::Clock;

const ALL: i16 = POLLRDNORM | POLLRDBAND | POLLWRNORM;

#[test]
fn states_give_the_revents_windows_gives() {
    let _env = env();
    let l = listener(7101);
    assert_eq!(poll(&[(l, POLLIN)], 0), (Ok(0), vec![0]), "idle listener");
    let (_l, c, s) = tcp_pair(7102);
    assert_eq!(
        poll(&[(c, ALL)], 0),
        (Ok(1), vec![POLLWRNORM]),
        "connected, idle"
    );
    send(c, b"x").unwrap();
    assert_eq!(
        poll(&[(s, ALL)], 0),
        (Ok(1), vec![POLLRDNORM | POLLWRNORM]),
        "data queued"
    );
    assert_eq!(poll(&[(s, 0)], 0), (Ok(0), vec![0]), "events 0");
    let c2 = tcp();
    connect(c2, 7101).unwrap();
    assert_eq!(
        poll(&[(l, POLLIN)], 0),
        (Ok(1), vec![POLLRDNORM]),
        "connection pending"
    );
    assert_eq!(poll(&[(l, POLLRDBAND | POLLWRNORM)], 0), (Ok(0), vec![0]));
    assert_eq!(unsafe { sys::shutdown(c, SD_SEND) }, 0);
    assert_eq!(
        poll(&[(s, ALL), (s, 0)], 0),
        (Ok(2), vec![POLLWRNORM | POLLRDNORM | POLLHUP, POLLHUP]),
        "data then the peer's SD_SEND; POLLHUP even with events 0"
    );
}

#[test]
fn shutdown_receive_by_the_peer_changes_nothing_and_close_is_a_hangup() {
    let _env = env();
    let (_l, c, s) = tcp_pair(7103);
    assert_eq!(unsafe { sys::shutdown(c, SD_RECEIVE) }, 0);
    assert_eq!(poll(&[(s, ALL)], 0), (Ok(1), vec![POLLWRNORM]));
    unsafe { sys::closesocket(c) };
    assert_eq!(
        poll(&[(s, ALL), (s, 0)], 0),
        (Ok(2), vec![POLLWRNORM | POLLHUP, POLLHUP])
    );
}

#[test]
fn a_reset_is_an_error_and_a_hangup() {
    let _env = env();
    let (_l, c, s) = tcp_pair(7104);
    send(s, b"unread").unwrap();
    unsafe { sys::closesocket(c) };
    assert_eq!(
        poll(&[(s, ALL)], 0),
        (Ok(1), vec![POLLERR | POLLHUP | POLLWRNORM]),
        "facts 8.2"
    );
}

#[test]
fn datagram_sockets_are_writable_and_readable_with_a_datagram() {
    let _env = env();
    let u = unsafe { sys::socket(sys::AF_INET.into(), sys::SOCK_DGRAM, sys::IPPROTO_UDP) };
    assert_eq!(poll(&[(u, ALL)], 0), (Ok(1), vec![POLLWRNORM]), "unbound");
    let addr = loopback(7105);
    let (name, len) = as_sockaddr(&addr);
    assert_eq!(unsafe { sys::bind(u, name, len) }, 0);
    let v = unsafe { sys::socket(sys::AF_INET.into(), sys::SOCK_DGRAM, sys::IPPROTO_UDP) };
    assert_eq!(unsafe { sys::sendto(v, b"d".as_ptr(), 1, 0, name, len) }, 1);
    assert_eq!(
        poll(&[(u, POLLIN | POLLOUT)], 0),
        (Ok(1), vec![POLLWRNORM | POLLRDNORM])
    );
}

#[test]
fn rule_wsaeinval_for_flags_windows_refuses() {
    let _env = env();
    let (l, c, _s) = tcp_pair(7106);
    for bad in [
        POLLERR,
        POLLHUP,
        POLLNVAL,
        0x8,
        POLLWRBAND,
        0x40,
        0x80,
        POLLPRI,
        0x800,
        0x1000,
        0x2000,
        0x4000,
        i16::MIN,
    ] {
        for s in [l, c] {
            assert_eq!(
                poll(&[(s, bad)], 0),
                (Err(WSAEINVAL), vec![0x5a5a]),
                "{bad:#x}: nothing written"
            );
        }
    }
}

#[test]
fn argument_cases_on_windows() {
    let _env = env();
    let (_l, c, _s) = tcp_pair(7107);
    let rc = unsafe { sys::WSAPoll(std::ptr::null_mut(), 0, 0) };
    assert_eq!((rc, last_error()), (SOCKET_ERROR, WSAEINVAL));
    let rc = unsafe { sys::WSAPoll(std::ptr::null_mut(), 1, 0) };
    assert_eq!((rc, last_error()), (SOCKET_ERROR, WSAEFAULT));
    let mut one = [WSAPOLLFD {
        fd: c,
        events: POLLOUT,
        revents: 0,
    }];
    let rc = unsafe { sys::WSAPoll(one.as_mut_ptr(), 0, 0) };
    assert_eq!((rc, last_error()), (SOCKET_ERROR, WSAEINVAL), "no entry");
    let rc = unsafe { sys::WSAPoll(one.as_mut_ptr(), u32::MAX, 0) };
    assert_eq!(
        (rc, last_error(), one[0].revents),
        (SOCKET_ERROR, WSAENOBUFS, 0),
        "choice readiness-limits"
    );
}

#[test]
fn negative_and_invalid_entries() {
    let _env = env();
    let (_l, c, s) = tcp_pair(7108);
    assert_eq!(
        poll(&[(INVALID_SOCKET, POLLERR), (0xabacab, POLLERR)], 0),
        (Err(WSAENOTSOCK), vec![POLLNVAL, POLLNVAL]),
        "every entry invalid (DOC≠WIN)"
    );
    assert_eq!(
        poll(&[(INVALID_SOCKET, POLLERR), (s, POLLIN)], 0),
        (Ok(0), vec![POLLNVAL, 0]),
        "a negative fd is ignored and not counted"
    );
    assert_eq!(
        poll(&[(0xabacab, POLLIN), (s, POLLIN)], 0),
        (Ok(0), vec![POLLNVAL, 0])
    );
    assert_eq!(
        poll(&[(0xabacab, POLLERR), (s, POLLIN)], 0),
        (Err(WSAEINVAL), vec![0x5a5a, 0x5a5a]),
        "an invalid handle's events are still checked"
    );
    assert_eq!(
        poll(&[(INVALID_SOCKET, 0), (c, POLLOUT)], 0),
        (Ok(1), vec![POLLNVAL, POLLWRNORM])
    );
}

#[test]
fn a_timeout_passes_on_the_test_clock_and_minus_one_waits_for_data() {
    let env = env();
    env.net.set_clock(Clock::Auto);
    let (_l, c, s) = tcp_pair(7109);
    assert_eq!(poll(&[(s, POLLIN)], 60_000), (Ok(0), vec![0]));
    let net = env.net.clone();
    let sender = env.net.spawn(move || {
        let _enter = net.enter();
        send(c, b"x").unwrap();
    });
    assert_eq!(poll(&[(s, POLLIN)], -1), (Ok(1), vec![POLLRDNORM]));
    sender.join().unwrap();
}

#[test]
fn a_socket_closed_during_the_wait_is_pollnval_and_counts() {
    let env = env();
    let (_l, _c, s) = tcp_pair(7110);
    let net = env.net.clone();
    let closer = env.net.spawn(move || {
        let _enter = net.enter();
        unsafe { sys::closesocket(s) };
    });
    let got = poll(&[(s, POLLIN)], -1);
    closer.join().unwrap();
    assert!(
        got == (Ok(1), vec![POLLNVAL]) || got == (Err(WSAENOTSOCK), vec![POLLNVAL]),
        "closed during the wait, or before it began: {got:?}"
    );
}

#[test]
fn choice_wsapoll_failed_connect_follows_current_windows() {
    let _env = env();
    let c = tcp();
    let mut on = 1u32;
    assert_eq!(unsafe { sys::ioctlsocket(c, sys::FIONBIO, &mut on) }, 0);
    assert_eq!(connect(c, 7111), Err(sys::WSAEWOULDBLOCK));
    assert_eq!(
        poll(&[(c, ALL)], 0),
        (Ok(1), vec![POLLWRNORM | POLLHUP | POLLERR])
    );
    assert_eq!(
        poll(&[(c, 0)], 0),
        (Ok(1), vec![POLLHUP | POLLERR]),
        "reported unasked"
    );
}
