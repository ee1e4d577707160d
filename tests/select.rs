//! `select`: the page's readability, writability and exceptfds lists, its errors, its
//! timeouts on the network's clock, sets larger than FD_SETSIZE, and a socket closed while
//! it waits (facts 1.7, 2.1, 2.2).

mod common;

use std::ptr;

use common::readiness::*;
use common::{env, last_error};
use winsock_emu::sys::{
    self, FD_SET, INVALID_SOCKET, SD_SEND, SOCKET, SOCKET_ERROR, TIMEVAL, WSAEFAULT, WSAEINVAL,
    WSAENOTSOCK, WSANOTINITIALISED,
};
use winsock_emu::testing::Clock;
use winsock_emu::Network;

#[test]
fn a_listener_is_readable_while_a_connection_waits() {
    let _env = env();
    let l = listener(7001);
    assert_eq!(ready_now(&[l], &[l], &[l]).result, Ok(0));
    let c = tcp();
    connect(c, 7001).unwrap();
    let got = ready_now(&[l], &[l], &[l]);
    assert_eq!(
        (got.result, got.read, got.write, got.except),
        (Ok(1), vec![l], vec![], vec![])
    );
    let s = unsafe { sys::accept(l, ptr::null_mut(), ptr::null_mut()) };
    assert_ne!(s, INVALID_SOCKET);
    assert_eq!(
        ready_now(&[l], &[], &[]).result,
        Ok(0),
        "taken: not readable"
    );
}

#[test]
fn connected_sockets_are_writable_and_readable_once_data_waits() {
    let _env = env();
    let (_l, c, s) = tcp_pair(7002);
    let got = ready_now(&[c, s], &[c, s], &[c, s]);
    assert_eq!(
        (got.result, got.read, got.write),
        (Ok(2), vec![], vec![c, s])
    );
    send(c, b"hello").unwrap();
    let got = ready_now(&[c, s], &[s], &[]);
    assert_eq!(
        (got.result, got.read, got.write),
        (Ok(2), vec![s], vec![s]),
        "counted in each set"
    );
    assert_eq!(recv(s, 16).unwrap(), b"hello");
    assert_eq!(ready_now(&[s], &[], &[]).result, Ok(0));
}

#[test]
fn an_unconnected_stream_socket_is_nothing_and_a_datagram_socket_is_writable() {
    let _env = env();
    let t = tcp();
    assert_eq!(ready_now(&[t], &[t], &[t]).result, Ok(0));
    let u = unsafe { sys::socket(sys::AF_INET.into(), sys::SOCK_DGRAM, sys::IPPROTO_UDP) };
    let got = ready_now(&[u], &[u], &[u]);
    assert_eq!((got.result, got.write), (Ok(1), vec![u]), "even unbound");
}

#[test]
fn the_peers_fin_and_reset_make_the_socket_readable() {
    let _env = env();
    let (_l, c, s) = tcp_pair(7003);
    assert_eq!(unsafe { sys::shutdown(c, SD_SEND) }, 0);
    let got = ready_now(&[s], &[], &[s]);
    assert_eq!((got.result, got.read), (Ok(1), vec![s]));
    assert_eq!(recv(s, 4).unwrap(), b"", "the FIN");

    let (_l2, c2, s2) = tcp_pair(7004);
    send(s2, b"unread").unwrap();
    unsafe { sys::closesocket(c2) }; // unread data: the peer is reset
    let got = ready_now(&[s2], &[s2], &[s2]);
    assert_eq!(
        (got.result, got.read, got.write, got.except),
        (Ok(2), vec![s2], vec![s2], vec![]),
        "facts 8.2"
    );
}

#[test]
fn a_socket_twice_in_a_set_is_reported_once() {
    let _env = env();
    let (_l, c, _s) = tcp_pair(7005);
    let mut set = FD_SET::default();
    set.fd_array[0] = c;
    set.fd_array[1] = c;
    set.fd_count = 2;
    let zero = TIMEVAL::default();
    let rc = unsafe { sys::select(0, ptr::null_mut(), &mut set, ptr::null_mut(), &zero) };
    assert_eq!((rc, set.fd_count, set.fd_array[0]), (1, 1, c));
}

#[test]
fn one_set_passed_as_readfds_and_writefds() {
    let _env = env();
    let (_l, c, s) = tcp_pair(7006);
    let mut set = fd_set(&[c, s]);
    let zero = TIMEVAL::default();
    let p: *mut FD_SET = &mut set;
    let rc = unsafe { sys::select(0, p, p, ptr::null_mut(), &zero) };
    assert_eq!((rc, members(&set)), (2, vec![c, s]));
}

/// A caller-allocated set with a larger array, as Windows code builds one by defining
/// FD_SETSIZE before including winsock2.h.
#[repr(C)]
struct BigSet {
    fd_count: u32,
    fd_array: [SOCKET; 200],
}

#[test]
fn sets_larger_than_fd_setsize_keep_their_order() {
    let _env = env();
    let mut set = BigSet {
        fd_count: 200,
        fd_array: [0; 200],
    };
    for slot in set.fd_array.iter_mut() {
        *slot = unsafe { sys::socket(sys::AF_INET.into(), sys::SOCK_DGRAM, sys::IPPROTO_UDP) };
    }
    let before = set.fd_array;
    let zero = TIMEVAL::default();
    let rc = unsafe {
        sys::select(
            0,
            ptr::null_mut(),
            (&mut set as *mut BigSet).cast(),
            ptr::null_mut(),
            &zero,
        )
    };
    assert_eq!((rc, set.fd_count), (200, 200));
    assert_eq!(set.fd_array, before);
    set.fd_count = 3;
    let mut only: Vec<SOCKET> = Vec::new();
    for h in before[..3].iter().copied() {
        if unsafe { sys::__WSAFDIsSet(h, (&mut set as *mut BigSet).cast()) } != 0 {
            only.push(h);
        }
    }
    assert_eq!(only, before[..3]);
    assert_eq!(
        unsafe { sys::__WSAFDIsSet(before[3], (&mut set as *mut BigSet).cast()) },
        0
    );
}

#[test]
fn only_fd_count_handles_are_read() {
    let _env = env();
    let (_l, c, _s) = tcp_pair(7007);
    // A set cut short right after its one handle: the rest of the memory is not there.
    let mut short: [usize; 2] = [1, c];
    let zero = TIMEVAL::default();
    let rc = unsafe {
        sys::select(
            0,
            ptr::null_mut(),
            short.as_mut_ptr().cast(),
            ptr::null_mut(),
            &zero,
        )
    };
    assert_eq!((rc, short), (1, [1, c]));
}

#[test]
fn rule_wsaeinval_when_every_set_is_null_or_empty() {
    let _env = env();
    let zero = TIMEVAL::default();
    let rc = unsafe { sys::select(0, ptr::null_mut(), ptr::null_mut(), ptr::null_mut(), &zero) };
    assert_eq!((rc, last_error()), (SOCKET_ERROR, WSAEINVAL));
    let (mut a, mut b) = (FD_SET::default(), FD_SET::default());
    let rc = unsafe { sys::select(0, &mut a, &mut b, ptr::null_mut(), ptr::null()) };
    assert_eq!(
        (rc, last_error()),
        (SOCKET_ERROR, WSAEINVAL),
        "empty sets, even with no timeout"
    );
}

#[test]
fn choice_select_timeout_validity_refuses_negative_fields() {
    let _env = env();
    let (_l, c, _s) = tcp_pair(7008);
    for (sec, usec) in [(-1, 0), (0, -1)] {
        let mut set = fd_set(&[c]);
        let tv = TIMEVAL {
            tv_sec: sec,
            tv_usec: usec,
        };
        let rc = unsafe { sys::select(0, ptr::null_mut(), &mut set, ptr::null_mut(), &tv) };
        assert_eq!(
            (rc, last_error(), members(&set)),
            (SOCKET_ERROR, WSAEINVAL, vec![c])
        );
    }
    let got = select(&[], &[c], &[], Some(1_500_000));
    assert_eq!(got.result, Ok(1), "a tv_usec over a second carries");
}

#[test]
fn rule_wsaenotsock_leaves_the_sets_unchanged() {
    let _env = env();
    let (_l, c, s) = tcp_pair(7009);
    let closed = tcp();
    unsafe { sys::closesocket(closed) };
    for bad in [closed, INVALID_SOCKET, 0xabacab] {
        for which in 0..3 {
            let mut sets = [fd_set(&[c, s]), fd_set(&[c, s]), fd_set(&[c, s])];
            sys::FD_SET(bad, &mut sets[which]);
            let before = sets;
            let [r, w, e] = &mut sets;
            let rc = unsafe { sys::select(0, r, w, e, &TIMEVAL::default()) };
            assert_eq!((rc, last_error()), (SOCKET_ERROR, WSAENOTSOCK));
            assert_eq!(sets.map(|s| members(&s)), before.map(|s| members(&s)));
        }
    }
}

#[test]
fn choice_readiness_limits_refuses_huge_sets_before_reading() {
    let _env = env();
    // fd_count claims more handles than the limit: refused before any is read (the memory
    // behind this set holds only 64).
    let mut set = FD_SET {
        fd_count: u32::MAX,
        ..FD_SET::default()
    };
    let rc = unsafe {
        sys::select(
            0,
            &mut set,
            ptr::null_mut(),
            ptr::null_mut(),
            &TIMEVAL::default(),
        )
    };
    assert_eq!(
        (rc, last_error(), set.fd_count),
        (SOCKET_ERROR, WSAEFAULT, u32::MAX)
    );
}

#[test]
fn rule_wsanotinitialised_before_startup() {
    let net = Network::new();
    let _enter = net.enter();
    let mut set = fd_set(&[0x100]);
    let rc = unsafe {
        sys::select(
            0,
            &mut set,
            ptr::null_mut(),
            ptr::null_mut(),
            &TIMEVAL::default(),
        )
    };
    assert_eq!((rc, last_error()), (SOCKET_ERROR, WSANOTINITIALISED));
}

#[test]
fn a_timeout_passes_on_the_test_clock() {
    let env = env();
    env.net.set_clock(Clock::Auto);
    let (_l, c, _s) = tcp_pair(7010);
    // Nothing will arrive: the auto clock jumps to the deadline, deterministically.
    let got = select(&[c], &[], &[], Some(30_000_000));
    assert_eq!(
        (got.result, got.read),
        (Ok(0), vec![]),
        "timed out, the set emptied"
    );
}

#[test]
fn a_wait_with_no_limit_ends_when_data_arrives_from_another_thread() {
    let env = env();
    let (_l, c, s) = tcp_pair(7011);
    let net = env.net.clone();
    let sender = env.net.spawn(move || {
        let _enter = net.enter();
        send(c, b"x").unwrap();
    });
    let got = select(&[s], &[], &[], None);
    assert_eq!((got.result, got.read), (Ok(1), vec![s]));
    sender.join().unwrap();
}

#[test]
fn closing_a_socket_in_readfds_during_the_wait_reports_it_readable() {
    let env = env();
    let (_l, _c, s) = tcp_pair(7012);
    let net = env.net.clone();
    let closer = env.net.spawn(move || {
        let _enter = net.enter();
        // Once the main thread waits (or before: then the call sees WSAENOTSOCK at once,
        // which the loop below retries).
        unsafe { sys::closesocket(s) };
    });
    let got = select(&[s], &[], &[s], None);
    closer.join().unwrap();
    match got.result {
        Ok(1) => assert_eq!(got.read, vec![s]),
        Err(code) => assert_eq!(code, WSAENOTSOCK, "closed before the call began"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn closing_a_socket_only_in_exceptfds_during_the_wait_fails_with_wsaenotsock() {
    let env = env();
    let (_l, c, _s) = tcp_pair(7013);
    let net = env.net.clone();
    let closer = env.net.spawn(move || {
        let _enter = net.enter();
        unsafe { sys::closesocket(c) };
    });
    let got = select(&[], &[], &[c], None);
    closer.join().unwrap();
    assert_eq!(got.result, Err(WSAENOTSOCK));
    assert_eq!(got.except, vec![c], "the set is left as it was");
}

#[test]
fn fd_macros_follow_winsock2_h() {
    let mut set = FD_SET::default();
    for h in 0..70usize {
        sys::FD_SET(0x100 + 4 * h, &mut set);
    }
    assert_eq!(set.fd_count, 64, "a full set takes no more");
    sys::FD_CLR(0x100, &mut set);
    assert_eq!((set.fd_count, set.fd_array[0]), (63, 0x104));
    assert!(!sys::FD_ISSET(0x100, &set));
    assert!(sys::FD_ISSET(0x104, &set));
    assert_eq!(unsafe { sys::__WSAFDIsSet(0x104, &mut set) }, 1);
    assert_eq!(unsafe { sys::__WSAFDIsSet(0x104, ptr::null_mut()) }, 0);
    sys::FD_ZERO(&mut set);
    assert_eq!(set.fd_count, 0);
}

#[test]
fn a_failed_non_blocking_connect_is_in_exceptfds_only() {
    let _env = env();
    let c = tcp();
    let mut on = 1u32;
    assert_eq!(unsafe { sys::ioctlsocket(c, sys::FIONBIO, &mut on) }, 0);
    assert_eq!(connect(c, 7014), Err(sys::WSAEWOULDBLOCK), "nobody listens");
    let got = ready_now(&[c], &[c], &[c]);
    assert_eq!(
        (got.result, got.read, got.write, got.except),
        (Ok(1), vec![], vec![], vec![c])
    );
    let _l = listener(7014);
    assert!(
        matches!(connect(c, 7014), Err(sys::WSAEWOULDBLOCK)),
        "a new attempt"
    );
    let got = ready_now(&[c], &[c], &[c]);
    assert_eq!(
        (got.result, got.write, got.except),
        (Ok(1), vec![c], vec![]),
        "now connected"
    );
}
