//! Regression tests for the defects of issue 13 that a second thread (or a second network)
//! exposes: each drives the documented calls the way real code does and checks the one
//! thing the defect broke. The races are also explored schedule by schedule by the model
//! checker (`tests/model_checked.rs`); here they run on real threads, many times, every wait
//! bounded (a barrier and joins, never a timeout that decides the outcome).
mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Barrier};
use std::thread;

use winsock_emu::sys::{self, OVERLAPPED, SOCKET, SOCKET_ERROR, WSABUF};
use winsock_emu::{Domain, Network, SocketState, Type};

/// Runs `a` and `b` at once on two threads, each with `net` entered, `rounds` times; `check`
/// sees both results of each round.
fn race<A, B, RA, RB>(
    rounds: usize,
    setup: impl Fn(&Network) -> (A, B),
    check: impl Fn(&Network, RA, RB),
) where
    A: FnOnce() -> RA + Send + 'static,
    B: FnOnce() -> RB + Send + 'static,
    RA: Send + 'static,
    RB: Send + 'static,
{
    for _ in 0..rounds {
        let net = Network::new();
        let (a, b) = {
            let _enter = net.enter();
            setup(&net)
        };
        let barrier = Arc::new(Barrier::new(2));
        let spawn = |f: Box<dyn FnOnce() + Send>| {
            let net = net.clone();
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                let _enter = net.enter();
                barrier.wait();
                f();
            })
        };
        let (tx_a, rx_a) = std::sync::mpsc::channel();
        let (tx_b, rx_b) = std::sync::mpsc::channel();
        let ta = spawn(Box::new(move || tx_a.send(a()).unwrap()));
        let tb = spawn(Box::new(move || tx_b.send(b()).unwrap()));
        ta.join().unwrap();
        tb.join().unwrap();
        let _enter = net.enter();
        check(&net, rx_a.recv().unwrap(), rx_b.recv().unwrap());
    }
}

fn startup() {
    let mut data = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { sys::WSAStartup(0x0202, &mut data) }, 0);
}

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

/// Rounds of a race: many natively, a few under Miri.
const ROUNDS: usize = if cfg!(miri) { 3 } else { 3000 };

/// A datagram socket bound at `at`, left open for the network's life.
fn datagram_server(net: &Network, at: SocketAddr) {
    let server = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    server.bind(at).unwrap();
    let _ = server.into_raw();
}

/// Defect 2: `socket()` racing the last `WSACleanup` may succeed or fail, but no socket may
/// outlive the cleanup (it used to land in a shard the cleanup had already cleared, and
/// live on into the next `WSAStartup`). One thread creates sockets until the cleanup makes
/// `socket()` fail; the other cleans up.
#[test]
fn a_socket_created_while_the_last_cleanup_runs_does_not_outlive_it() {
    race(
        if cfg!(miri) { 2 } else { 300 },
        |_| {
            startup();
            (
                || loop {
                    let s = unsafe { sys::socket(sys::AF_INET.into(), sys::SOCK_DGRAM, 0) };
                    if s == sys::INVALID_SOCKET {
                        return common::last_error();
                    }
                },
                || unsafe { sys::WSACleanup() },
            )
        },
        |net, error, cleanup| {
            assert_eq!(error, sys::WSANOTINITIALISED);
            assert_eq!(cleanup, 0);
            assert_eq!(net.startup_count(), 0);
            startup();
            assert_eq!(
                net.snapshot().sockets,
                [],
                "a socket outlived the last WSACleanup"
            );
        },
    );
}

/// Defect 9: `connect` and `listen` on one socket: at most one succeeds, and the socket ends
/// as the one that succeeded says.
#[test]
fn connect_and_listen_on_one_socket_never_both_succeed() {
    race(
        ROUNDS,
        |net| {
            startup();
            let listener = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
            listener.bind(addr("127.0.0.1:80")).unwrap();
            listener.listen(200).unwrap();
            let s = net
                .socket(Domain::IPV4, Type::STREAM, None)
                .unwrap()
                .into_raw();
            let _ = listener.into_raw();
            let bound = common::sockaddr(addr("127.0.0.1:5000"));
            assert_eq!(unsafe { sys::bind(s, bound.as_ptr().cast(), 16) }, 0);
            let to = common::sockaddr(addr("127.0.0.1:80"));
            (
                move || unsafe { sys::connect(s, to.as_ptr().cast(), 16) },
                move || unsafe { sys::listen(s, 5) },
            )
        },
        |net, connected, listened| {
            assert!(
                connected != 0 || listened != 0,
                "connect and listen both succeeded"
            );
            let snapshot = net.snapshot();
            let state = &snapshot.sockets[1].state;
            if connected == 0 {
                assert!(matches!(state, SocketState::Connected { .. }), "{state:?}");
            } else if listened == 0 {
                assert!(matches!(state, SocketState::Listening { .. }), "{state:?}");
                // The refused connect left nothing in the listener's backlog.
                assert!(matches!(
                    snapshot.sockets[0].state,
                    SocketState::Listening { pending: 0, .. }
                ));
            }
        },
    );
}

/// Defect 8: an overlapped `WSASend` racing `closesocket` either sends and reports success,
/// or fails and sends nothing (it used to report `WSAENOTSOCK` for bytes the peer got).
#[test]
fn an_overlapped_send_racing_close_reports_what_it_did() {
    race(
        ROUNDS,
        |net| {
            startup();
            datagram_server(net, addr("127.0.0.1:53"));
            let client = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
            client.connect(addr("127.0.0.1:53")).unwrap();
            let s = client.into_raw();
            (
                move || {
                    let data = *b"ping";
                    let buf = WSABUF {
                        len: 4,
                        buf: data.as_ptr().cast_mut(),
                    };
                    let mut overlapped: OVERLAPPED = unsafe { std::mem::zeroed() };
                    let mut sent = 0u32;
                    let rc =
                        unsafe { sys::WSASend(s, &buf, 1, &mut sent, 0, &mut overlapped, None) };
                    (rc, common::last_error(), overlapped.Internal)
                },
                move || unsafe { sys::closesocket(s) },
            )
        },
        |net, (sent, error, internal), closed| {
            assert_eq!(closed, 0);
            let waiting = net.snapshot().sockets[0].waiting;
            if sent == SOCKET_ERROR {
                assert_eq!(error, sys::WSAENOTSOCK);
                assert_eq!(waiting, 0, "WSAENOTSOCK, yet the datagram was delivered");
            } else {
                assert_eq!(waiting, 1);
                assert_eq!(internal, 0, "the OVERLAPPED reports the completed send");
            }
        },
    );
}

/// Minor: a snapshot is one instant of the table, also against calls that take one shard
/// lock: names set on socket `a`, then on socket `b` (read after `a`'s shard), are never
/// seen on `b` and not on `a`.
#[test]
fn a_snapshot_is_one_instant_of_the_table() {
    let env = common::env();
    let net = env.net.clone();
    let a = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let b = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let rounds: u16 = if cfg!(miri) { 20 } else { 2000 };
    let (ha, hb) = (a.as_raw(), b.as_raw());
    let writer = {
        let net = net.clone();
        thread::spawn(move || {
            let a = winsock_emu::Socket::from_raw(&net, ha);
            let b = winsock_emu::Socket::from_raw(&net, hb);
            for port in 1..=rounds {
                let peer = SocketAddr::from(([192, 0, 2, 1], port));
                a.set_peer_target_name(peer, "host/a").unwrap();
                b.set_peer_target_name(peer, "host/b").unwrap();
            }
            let _ = (a.into_raw(), b.into_raw());
        })
    };
    loop {
        let snapshot = net.snapshot();
        let names = |handle: SOCKET| {
            snapshot
                .sockets
                .iter()
                .find(|info| info.handle == handle)
                .unwrap()
                .names
                .len()
        };
        let (on_a, on_b) = (names(ha), names(hb));
        assert!(on_b <= on_a, "b has {on_b} names, a only {on_a}");
        if on_b == usize::from(rounds) {
            break;
        }
    }
    writer.join().unwrap();
}

/// Defect 3: a thread's impersonation belongs to the socket of the network it was made on;
/// a later network (perhaps at the same address, with the same handles) never sees it.
#[test]
fn an_impersonation_never_leaks_into_a_later_network() {
    for _ in 0..if cfg!(miri) { 2 } else { 20 } {
        let net = Network::new();
        let _startup = net.startup().unwrap();
        let (_listener, _client, accepted) =
            common::secure::secured_connection(&net, "127.0.0.1:443");
        accepted.impersonate_peer().unwrap();
        assert!(accepted.query_security().unwrap().is_impersonated());
        drop((_listener, _client, accepted, _startup));
        drop(net);
        let later = Network::new();
        let _startup = later.startup().unwrap();
        let (_listener, _client, accepted) =
            common::secure::secured_connection(&later, "127.0.0.1:443");
        assert!(
            !accepted.query_security().unwrap().is_impersonated(),
            "a connection never impersonated reports SOCKET_INFO_CONNECTION_IMPERSONATED"
        );
        winsock_emu::revert_impersonation();
    }
}

/// Defect 5: `WSACloseEvent` wakes a thread waiting on that event, whose wait fails with
/// `WSA_INVALID_HANDLE` (it used to sleep until some unrelated event woke it). The waiter
/// waits on the closed event and a second one; if closing the first has not woken it within
/// the watchdog's 20 s (a woken wait ends within microseconds), the test fails, signalling
/// the second event so that the waiter still ends.
#[test]
fn closing_an_event_wakes_the_thread_waiting_on_it() {
    let env = common::env();
    for _ in 0..if cfg!(miri) { 1 } else { 3 } {
        let closed = unsafe { sys::WSACreateEvent() };
        let other = unsafe { sys::WSACreateEvent() };
        assert_ne!(closed, sys::WSA_INVALID_EVENT);
        let (ready_tx, ready) = std::sync::mpsc::channel();
        let (done_tx, done) = std::sync::mpsc::channel();
        let net = env.net.clone();
        let waiter = thread::spawn(move || {
            let _enter = net.enter();
            ready_tx.send(()).unwrap();
            let events = [closed as sys::HANDLE, other as sys::HANDLE];
            let rc = unsafe {
                sys::WSAWaitForMultipleEvents(2, events.as_ptr(), 0, sys::WSA_INFINITE, 0)
            };
            done_tx.send((rc, common::last_error())).unwrap();
        });
        ready.recv().unwrap();
        // Give the waiter the chance to be asleep in the wait (whether it is or not, the
        // outcome must be the same).
        for _ in 0..100 {
            thread::yield_now();
        }
        assert_ne!(unsafe { sys::WSACloseEvent(closed) }, 0);
        let outcome = done.recv_timeout(std::time::Duration::from_secs(20));
        if outcome.is_err() {
            assert_ne!(unsafe { sys::WSASetEvent(other) }, 0);
        }
        waiter.join().unwrap();
        assert_ne!(unsafe { sys::WSACloseEvent(other) }, 0);
        let (rc, error) = outcome.expect("WSACloseEvent did not wake the thread waiting on it");
        assert_eq!(rc, sys::WSA_WAIT_FAILED);
        assert_eq!(error, sys::WSA_INVALID_HANDLE);
    }
}

/// Defect 7: a socket that sends to many addresses nobody bound keeps a record of one of
/// them (the last), not of every one; that one still answers queries with `WSAECONNRESET`
/// (choice `udp-port-unreachable`).
#[test]
fn datagrams_to_unbound_ports_leave_a_bounded_record() {
    let env = common::env();
    let s = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let count: u16 = if cfg!(miri) { 20 } else { 5000 };
    for port in 1..=count {
        let to = SocketAddr::from(([127, 0, 0, 1], 10_000 + port));
        assert_eq!(s.send_to(b"x", to), Ok(1));
    }
    let info = s.info().unwrap();
    assert_eq!(info.links.len(), 1, "{} records kept", info.links.len());
    let last = SocketAddr::from(([127, 0, 0, 1], 10_000 + count));
    assert_eq!(info.links[0].peer, Some(last));
    let template = winsock_emu::SecurityQueryTemplate {
        peer: Some(last),
        ..Default::default()
    };
    assert_eq!(
        s.query_security_with(template).unwrap_err(),
        winsock_emu::Error::ConnectionReset
    );
}

/// Found by the audit (issue 13's check-then-act class): `sendto` on a connected datagram
/// socket released the topology lock before sending to the peer, so a `connect` to the zero
/// address (disconnecting it) in between made it fail with `WSAENOTCONN`, which neither order
/// gives: before the disconnect it goes to the peer, after it to `to`.
#[test]
fn sendto_racing_a_datagram_disconnect_always_sends() {
    race(
        ROUNDS,
        |net| {
            startup();
            for port in [53, 54] {
                let server = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
                server
                    .bind(SocketAddr::from(([127, 0, 0, 1], port)))
                    .unwrap();
                let _ = server.into_raw();
            }
            let client = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
            client.connect(addr("127.0.0.1:53")).unwrap();
            let s = client.into_raw();
            let to = common::sockaddr(addr("127.0.0.1:54"));
            let zero = common::sockaddr(addr("0.0.0.0:0"));
            (
                move || {
                    let rc = unsafe { sys::sendto(s, b"x".as_ptr(), 1, 0, to.as_ptr().cast(), 16) };
                    (rc, common::last_error())
                },
                move || unsafe { sys::connect(s, zero.as_ptr().cast(), 16) },
            )
        },
        |_, (sent, error), disconnected| {
            assert_eq!(disconnected, 0);
            assert_eq!(sent, 1, "sendto failed with {error}");
        },
    );
}

/// Found by the audit: `WSASetSocketSecurity` on an unbound datagram socket racing its first
/// `sendto` could succeed after the send had read the socket (no settings) and before it
/// settled a plain exchange. Settings are refused once the socket is bound (`WSAEINVAL`), so
/// when both calls succeed the settings came first and the exchange must be secured.
#[test]
fn security_settings_never_arrive_half_way_through_a_first_datagram() {
    race(
        ROUNDS,
        |net| {
            startup();
            datagram_server(net, addr("127.0.0.1:53"));
            let s = net
                .socket(Domain::IPV4, Type::DGRAM, None)
                .unwrap()
                .into_raw();
            let first = net.clone();
            let second = net.clone();
            (
                move || {
                    let socket = winsock_emu::Socket::from_raw(&first, s);
                    let set = socket.set_security(Some(common::secure::encrypting()));
                    let _ = socket.into_raw();
                    (s, set)
                },
                move || {
                    let socket = winsock_emu::Socket::from_raw(&second, s);
                    let sent = socket.send_to(b"x", addr("127.0.0.1:53"));
                    let _ = socket.into_raw();
                    sent
                },
            )
        },
        |net, (s, set), sent| {
            assert_eq!(sent, Ok(1));
            if set.is_ok() {
                let socket = winsock_emu::Socket::from_raw(net, s);
                let template = winsock_emu::SecurityQueryTemplate {
                    peer: Some(addr("127.0.0.1:53")),
                    ..Default::default()
                };
                let info = socket.query_security_with(template).unwrap();
                let _ = socket.into_raw();
                assert!(
                    info.is_secured(),
                    "settings applied, yet the first datagram went plain"
                );
            }
        },
    );
}
