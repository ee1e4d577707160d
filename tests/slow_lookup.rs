//! A lookup that takes time on the network clock (`Fault::slow_lookup`), through `sys`:
//! a blocking `getaddrinfo` waits until the test's clock passes the delay, an auto clock
//! jumps to it, a lookup nothing can end is a stall with a diagnosis, and the trace marks
//! each slowed lookup. Every wait is bounded (the test clock and the stall limit).

mod common;

use std::ffi::CStr;
use std::ptr;
use std::time::Duration;

use winsock_emu::sys::*;
use winsock_emu::testing::{Call, Clock, Fault};
use winsock_emu::Network;

const NAME: &CStr = c"server.contoso.com";

/// `getaddrinfo(NAME, "443")`: the code, and the number of results (the list freed).
fn lookup() -> (i32, usize) {
    let mut list: *mut ADDRINFOA = ptr::null_mut();
    // SAFETY: valid NUL-terminated strings, no hints, a valid out pointer.
    unsafe {
        let rc = getaddrinfo(
            NAME.as_ptr().cast(),
            c"443".as_ptr().cast(),
            ptr::null(),
            &mut list,
        );
        if rc != 0 {
            return (rc, 0);
        }
        let mut count = 0;
        let mut node = list;
        while !node.is_null() {
            count += 1;
            node = (*node).ai_next;
        }
        freeaddrinfo(list);
        (rc, count)
    }
}

fn slow_network(clock: Clock) -> common::Env {
    let env = common::env();
    env.net.set_clock(clock);
    env.net
        .add_host("server.contoso.com", ["192.0.2.10".parse().unwrap()]);
    env
}

#[test]
fn a_blocking_lookup_waits_until_the_test_clock_passes_its_delay() {
    for _ in 0..3 {
        let env = slow_network(Clock::Manual);
        let net = &env.net;
        let _slow = net.inject(Fault::slow_lookup(
            "server.contoso.com",
            Duration::from_secs(5),
        ));
        net.start_trace();
        let resolver = net.spawn(lookup);
        assert!(net.wait_until_blocked(1), "the lookup waits");
        net.advance(Duration::from_secs(4));
        assert!(net.wait_until_blocked(1), "4 s are not enough");
        net.advance(Duration::from_secs(1));
        assert_eq!(resolver.join().unwrap(), (0, 1));
        // Another name is not slowed.
        // SAFETY: as in `lookup`.
        let mut list: *mut ADDRINFOA = ptr::null_mut();
        unsafe {
            assert_eq!(
                getaddrinfo(
                    c"localhost".as_ptr().cast(),
                    ptr::null(),
                    ptr::null(),
                    &mut list
                ),
                0
            );
            freeaddrinfo(list);
        }
        let trace = net.stop_trace();
        let lookups: Vec<_> = trace.calls(Call::GetAddrInfo).collect();
        assert_eq!(lookups.len(), 2);
        assert!(lookups[0].injected, "the slowed lookup is marked");
        assert_eq!(lookups[0].result.as_deref(), Ok("192.0.2.10:443"));
        assert!(!lookups[1].injected);
    }
}

#[test]
fn an_auto_clock_jumps_to_the_end_of_the_delay() {
    let env = slow_network(Clock::Auto);
    let _slow = env.net.inject(Fault::slow_lookup(
        "server.contoso.com",
        Duration::from_secs(30),
    ));
    let start = env.net.now();
    assert_eq!(lookup(), (0, 1));
    assert!(env.net.now() - start >= Duration::from_secs(30));
}

#[test]
fn threads_wait_on_their_own_delays_and_a_removed_fault_slows_no_more() {
    let env = slow_network(Clock::Manual);
    let net = &env.net;
    let slow = net.inject(Fault::slow_lookup(
        "server.contoso.com",
        Duration::from_secs(2),
    ));
    let waiters: Vec<_> = (0..3).map(|_| net.spawn(lookup)).collect();
    assert!(net.wait_until_blocked(3));
    net.advance(Duration::from_secs(2));
    for waiter in waiters {
        assert_eq!(waiter.join().unwrap(), (0, 1));
    }
    assert!(slow.remove());
    assert_eq!(lookup(), (0, 1), "no clock move needed");
}

#[test]
fn a_slowed_lookup_nothing_can_end_is_a_stall_with_a_diagnosis() {
    let net = Network::new();
    let _enter = net.enter();
    let _wsa = net.startup().unwrap();
    net.set_clock(Clock::Manual);
    net.set_stall_limit(Duration::from_secs(5));
    net.add_host("server.contoso.com", ["192.0.2.10".parse().unwrap()]);
    let _slow = net.inject(Fault::slow_lookup(
        "server.contoso.com",
        Duration::from_secs(60),
    ));
    // The only thread waits on a test clock nobody moves: a deadlock, found at once.
    assert_eq!(lookup(), (WSAENETDOWN, 0));
    let stalls = net.stalls();
    assert_eq!(stalls.len(), 1);
    assert!(stalls[0].is_deadlock());
    assert_eq!(stalls[0].call(), "getaddrinfo");
    assert!(stalls[0].to_string().contains("slowed name lookup"));
}
