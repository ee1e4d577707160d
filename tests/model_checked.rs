//! Concurrency scenarios explored by the `shuttle` model checker, schedule by schedule: each
//! runs two or three threads through the documented calls many times (random schedules and
//! PCT, which finds bugs of small depth with a known probability), and checks what a
//! linearizable Winsock must give. The library's locks, condition variable, thread-locals and
//! process-wide statics are shuttle's in this build (`src/model/sync.rs`), so every lock, wait
//! and wake-up is a point where the checker may switch threads.
//!
//! Built only with `RUSTFLAGS="--cfg winsock_emu_shuttle"` (`.ci/run`, with its own target
//! directory); a normal build compiles this file to nothing. Every scenario makes its own
//! network inside the execution (a table's locks belong to the execution that made them).
//!
//! | scenario | the race | defect of issue 13 |
//! | --- | --- | --- |
//! | `create_vs_cleanup` | `socket()` against the last `WSACleanup` | 2 |
//! | `connect_vs_listen` | `connect` and `listen` on one socket | 9 |
//! | `close_vs_overlapped_send` | `closesocket` against an overlapped `WSASend` | 8 |
//! | `wait_vs_close_event` | `WSAWaitForMultipleEvents` against `WSACloseEvent` | 5 |
//! | `sendto_vs_disconnect` | `sendto` on a connected datagram socket against `connect` to the zero address | found by the audit |
//! | `close_vs_blocked_recv` | a blocking `recv` on one thread against `closesocket` of its socket on another | the waits of issue 12 (choice `close-interrupts-waits`) |
#![cfg(winsock_emu_shuttle)]

use std::net::SocketAddr;
use std::sync::Arc;

use shuttle::thread;
use winsock_emu::sys::{self, OVERLAPPED, SOCKET, SOCKET_ERROR, WSABUF};
use winsock_emu::{Domain, Network, SocketState, Type};

/// Random schedules per scenario, then PCT runs of depth 3.
const RANDOM: usize = 2000;
const PCT: usize = 1000;

/// Checks `body` under shuttle with random schedules and with PCT.
fn explore(body: impl Fn() + Send + Sync + 'static) {
    let body = Arc::new(body);
    let random = Arc::clone(&body);
    shuttle::check_random(move || random(), RANDOM);
    shuttle::check_pct(move || body(), PCT, 3);
}

/// A fresh network entered on this thread, with `WSAStartup` done through `sys`.
fn started() -> Network {
    let net = Network::new();
    std::mem::forget(net.enter());
    let mut data = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { sys::WSAStartup(0x0202, &mut data) }, 0);
    net
}

/// Runs `f` on a new shuttle thread with `net` entered there.
fn spawn<R: Send + 'static>(
    net: &Network,
    f: impl FnOnce() -> R + Send + 'static,
) -> thread::JoinHandle<R> {
    let net = net.clone();
    thread::spawn(move || {
        let _enter = net.enter();
        f()
    })
}

fn sockaddr(addr: &str) -> Vec<u8> {
    let addr: SocketAddr = addr.parse().unwrap();
    let bytes = winsock_emu::PeerTargetName::new(addr, "x").to_bytes();
    bytes[8..24].to_vec()
}

#[test]
fn create_vs_cleanup() {
    explore(|| {
        let net = started();
        let creator = spawn(&net, || unsafe {
            sys::socket(sys::AF_INET.into(), sys::SOCK_DGRAM, 0)
        });
        assert_eq!(unsafe { sys::WSACleanup() }, 0);
        let _ = creator.join().unwrap();
        assert_eq!(net.startup_count(), 0);
        assert_eq!(
            net.socket_count(),
            0,
            "a socket outlived the last WSACleanup"
        );
    });
}

#[test]
fn connect_vs_listen() {
    explore(|| {
        let net = started();
        let listener = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
        listener.bind("127.0.0.1:80".parse().unwrap()).unwrap();
        listener.listen(5).unwrap();
        let s = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
        s.bind("127.0.0.1:5000".parse().unwrap()).unwrap();
        let raw: SOCKET = s.as_raw();
        let to = sockaddr("127.0.0.1:80");
        let connector = spawn(&net, move || unsafe {
            sys::connect(raw, to.as_ptr().cast(), 16)
        });
        let listened = unsafe { sys::listen(raw, 5) };
        let connected = connector.join().unwrap();
        assert!(
            connected != 0 || listened != 0,
            "connect and listen both succeeded"
        );
        let info = s.info().unwrap();
        let pending = match listener.info().unwrap().state {
            SocketState::Listening { pending, .. } => pending,
            other => panic!("{other:?}"),
        };
        if connected == 0 {
            assert!(matches!(info.state, SocketState::Connected { .. }));
            assert_eq!(pending, 1);
        } else {
            assert!(matches!(info.state, SocketState::Listening { .. }));
            assert_eq!(pending, 0, "a refused connect left its connection queued");
        }
    });
}

#[test]
fn close_vs_overlapped_send() {
    explore(|| {
        let net = started();
        let server = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
        server.bind("127.0.0.1:53".parse().unwrap()).unwrap();
        let client = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
        client.connect("127.0.0.1:53".parse().unwrap()).unwrap();
        let s = client.into_raw();
        let sender = spawn(&net, move || {
            let data = *b"ping";
            let buf = WSABUF {
                len: 4,
                buf: data.as_ptr().cast_mut(),
            };
            let mut overlapped = OVERLAPPED::default();
            let mut sent = 0u32;
            let rc = unsafe { sys::WSASend(s, &buf, 1, &mut sent, 0, &mut overlapped, None) };
            (rc, unsafe { sys::WSAGetLastError() }, overlapped.Internal)
        });
        assert_eq!(unsafe { sys::closesocket(s) }, 0);
        let (rc, error, internal) = sender.join().unwrap();
        let waiting = server.info().unwrap().waiting;
        if rc == SOCKET_ERROR {
            assert_eq!(error, sys::WSAENOTSOCK);
            assert_eq!(waiting, 0, "WSAENOTSOCK, yet the datagram was delivered");
        } else {
            assert_eq!((waiting, internal), (1, 0));
        }
    });
}

#[test]
fn wait_vs_close_event() {
    explore(|| {
        let _net = started();
        let event = unsafe { sys::WSACreateEvent() };
        let waiter = spawn(&_net, move || {
            let events = [event as sys::HANDLE];
            let rc = unsafe {
                sys::WSAWaitForMultipleEvents(1, events.as_ptr(), 0, sys::WSA_INFINITE, 0)
            };
            (rc, unsafe { sys::WSAGetLastError() })
        });
        assert_ne!(unsafe { sys::WSACloseEvent(event) }, 0);
        // With the close not waking the waiter, shuttle finds the schedule where it sleeps
        // on, and reports the deadlock.
        let (rc, error) = waiter.join().unwrap();
        assert_eq!((rc, error), (sys::WSA_WAIT_FAILED, sys::WSA_INVALID_HANDLE));
    });
}

#[test]
fn sendto_vs_disconnect() {
    explore(|| {
        let net = started();
        let servers: Vec<_> = [53, 54]
            .map(|port| {
                let server = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
                server
                    .bind(SocketAddr::from(([127, 0, 0, 1], port)))
                    .unwrap();
                server
            })
            .into();
        let client = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
        client.connect("127.0.0.1:53".parse().unwrap()).unwrap();
        let s = client.as_raw();
        let to = sockaddr("127.0.0.1:54");
        let sender = spawn(&net, move || {
            let rc = unsafe { sys::sendto(s, b"x".as_ptr(), 1, 0, to.as_ptr().cast(), 16) };
            (rc, unsafe { sys::WSAGetLastError() })
        });
        let zero = sockaddr("0.0.0.0:0");
        assert_eq!(unsafe { sys::connect(s, zero.as_ptr().cast(), 16) }, 0);
        let (rc, error) = sender.join().unwrap();
        assert_eq!(rc, 1, "sendto failed with {error}");
        let waiting: usize = servers.iter().map(|s| s.info().unwrap().waiting).sum();
        assert_eq!(waiting, 1);
    });
}

#[test]
fn close_vs_blocked_recv() {
    // Twice per execution: once racing the close against the receive as it starts (shuttle
    // chooses where it lands: before the receive, or between its first look and its wait),
    // once closing only when the receive is asleep in its wait, the schedule a race rarely
    // reaches and the one a missing wake-up hangs.
    explore(|| {
        for wait_until_asleep in [false, true] {
            close_during_recv(wait_until_asleep);
        }
    });
}

/// One round of [`close_vs_blocked_recv`].
fn close_during_recv(wait_until_asleep: bool) {
    let net = started();
    let listener = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    listener.bind("127.0.0.1:80".parse().unwrap()).unwrap();
    listener.listen(5).unwrap();
    let client = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    client.connect("127.0.0.1:80".parse().unwrap()).unwrap();
    let (accepted, _) = listener.accept().unwrap();
    let s = accepted.into_raw();
    let receiver = spawn(&net, move || {
        let mut buf = [0u8; 4];
        let rc = unsafe { sys::recv(s, buf.as_mut_ptr(), 4, 0) };
        (rc, unsafe { sys::WSAGetLastError() })
    });
    if wait_until_asleep {
        assert!(net.wait_until_blocked(1), "the receive never waited");
    }
    assert_eq!(unsafe { sys::closesocket(s) }, 0);
    // A close that did not wake the blocked receive leaves it asleep: shuttle finds that
    // schedule and reports the deadlock.
    let (rc, error) = receiver.join().unwrap();
    assert_eq!(rc, SOCKET_ERROR, "recv on a closed socket returned {rc}");
    if wait_until_asleep {
        assert_eq!(
            error,
            sys::WSAEINTR,
            "the close did not interrupt the receive"
        );
    } else {
        assert!(
            error == sys::WSAEINTR || error == sys::WSAENOTSOCK,
            "recv ended with {error}, not WSAEINTR (woken by the close) or WSAENOTSOCK \
             (closed before it started)"
        );
    }
    // The client sees the close as the stream's end.
    let mut buf = [0u8; 1];
    assert_eq!(client.recv(&mut buf).unwrap(), 0);
}
