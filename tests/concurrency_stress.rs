//! Many threads hammering one network through the raw `sys` face: creating, binding,
//! listening, connecting, accepting, naming and closing sockets, their own and each
//! other's, for a bounded number of calls.
//!
//! Proven: no deadlock (parking_lot's deadlock detector polled by a watchdog, which also
//! fails the test if the workers do not finish in time), no handle handed out twice or
//! reused after a close, no name lost or duplicated on the sockets a thread keeps to
//! itself, no name string ever on two sockets, every failure a code the called function
//! documents on Windows, and the table's invariants at the end.
//!
//! Size: `STRESS_THREADS` (default 8) threads × `STRESS_OPS` (default 25,000) calls.

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::Duration;

use winsock_emu::sys::*;
use winsock_emu::{Network, SocketState, TargetName};

/// A small deterministic generator (xorshift64*), one per thread.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn sockaddr(addr: SocketAddr) -> Vec<u8> {
    let name = winsock_emu::PeerTargetName::new(addr, "x").to_bytes();
    name[8..if addr.is_ipv4() { 24 } else { 36 }].to_vec()
}

fn name_bytes(peer: SocketAddr, name: &str) -> Vec<u8> {
    winsock_emu::PeerTargetName::new(peer, name).to_bytes()
}

/// The outcome of an int-returning call: Ok, or the last error.
fn int(rc: i32) -> Result<(), i32> {
    if rc == 0 {
        Ok(())
    } else {
        assert_eq!(rc, SOCKET_ERROR);
        Err(unsafe { WSAGetLastError() })
    }
}

/// What every worker shares: the network, the handles any thread may use, and the record
/// of every handle given out and every handle closed.
struct Shared {
    net: Network,
    pool: Mutex<Vec<SOCKET>>,
    given: Mutex<HashSet<SOCKET>>,
    closed: Mutex<HashSet<SOCKET>>,
}

impl Shared {
    /// Records a new handle; it must never have been given out before.
    fn record(&self, s: SOCKET) {
        assert!(
            self.given.lock().unwrap().insert(s),
            "handle {s:#x} handed out twice"
        );
    }

    fn pick(&self, rng: &mut Rng) -> SOCKET {
        let pool = self.pool.lock().unwrap();
        if pool.is_empty() {
            return 0x2; // never a socket
        }
        pool[rng.below(pool.len() as u64) as usize]
    }
}

/// Asserts `result` is success or one of the codes `call` documents.
fn allowed(call: &str, result: Result<(), i32>, codes: &[i32]) {
    match result {
        Ok(()) => SUCCEEDED.fetch_add(1, Ordering::Relaxed),
        Err(code) => {
            assert!(
                codes.contains(&code),
                "{call} failed with {code}, which it does not document"
            );
            FAILED.fetch_add(1, Ordering::Relaxed)
        }
    };
}

/// Calls on shared handles that succeeded, and that failed with a documented code.
static SUCCEEDED: AtomicUsize = AtomicUsize::new(0);
static FAILED: AtomicUsize = AtomicUsize::new(0);

/// The listening addresses workers connect to.
const SERVICES: [&str; 3] = ["127.0.0.1:7000", "127.0.0.1:7001", "[::1]:7000"];

fn worker(id: usize, shared: &Shared, ops: usize) -> usize {
    let _enter = shared.net.enter();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ ((id as u64 + 1) * 0x1000_0000_01b3));
    // Datagram sockets only this thread names or deletes names on: expected names by peer.
    let mut private: BTreeMap<SOCKET, BTreeMap<SocketAddr, String>> = BTreeMap::new();
    let mut serial = 0usize;
    let mut unique = |prefix: &str| {
        serial += 1;
        format!("host/{prefix}-{id}-{serial}")
    };
    for step in 0..ops {
        match rng.below(12) {
            0 | 1 => {
                let (af, ty) = [
                    (AF_INET, SOCK_STREAM),
                    (AF_INET, SOCK_DGRAM),
                    (AF_INET6, SOCK_STREAM),
                ][rng.below(3) as usize];
                let s = unsafe { socket(af.into(), ty, 0) };
                assert_ne!(s, INVALID_SOCKET, "socket failed: {}", unsafe {
                    WSAGetLastError()
                });
                shared.record(s);
                shared.pool.lock().unwrap().push(s);
            }
            2 => {
                let s = shared.pick(&mut rng);
                let addr: SocketAddr = SERVICES[rng.below(3) as usize].parse().unwrap();
                let addr = if rng.below(2) == 0 {
                    SocketAddr::new(addr.ip(), 0)
                } else {
                    addr
                };
                let raw = sockaddr(addr);
                let rc = int(unsafe { bind(s, raw.as_ptr().cast(), raw.len() as i32) });
                allowed(
                    "bind",
                    rc,
                    &[WSAENOTSOCK, WSAEINVAL, WSAEADDRINUSE, WSAEFAULT],
                );
            }
            3 => {
                let s = shared.pick(&mut rng);
                let rc = int(unsafe { listen(s, 4) });
                allowed(
                    "listen",
                    rc,
                    &[WSAENOTSOCK, WSAEINVAL, WSAEISCONN, WSAEOPNOTSUPP],
                );
            }
            4 => {
                let s = shared.pick(&mut rng);
                let raw = sockaddr(SERVICES[rng.below(3) as usize].parse().unwrap());
                let rc = int(unsafe { connect(s, raw.as_ptr().cast(), raw.len() as i32) });
                let codes = [
                    WSAENOTSOCK,
                    WSAEISCONN,
                    WSAEINVAL,
                    WSAECONNREFUSED,
                    WSAEAFNOSUPPORT,
                    WSAENOBUFS,
                ];
                allowed("connect", rc, &codes);
            }
            5 => {
                // A listening socket of the pool, or any handle at all (even a private one,
                // which accept cannot change).
                let s = if rng.below(2) == 0 {
                    shared.pick(&mut rng)
                } else {
                    0x100 + 4 * rng.below(4096) as usize
                };
                let new = unsafe { accept(s, ptr::null_mut(), ptr::null_mut()) };
                if new == INVALID_SOCKET {
                    let code = unsafe { WSAGetLastError() };
                    allowed(
                        "accept",
                        Err(code),
                        &[WSAENOTSOCK, WSAEINVAL, WSAEWOULDBLOCK],
                    );
                } else {
                    allowed("accept", Ok(()), &[]);
                    shared.record(new);
                    shared.pool.lock().unwrap().push(new);
                }
            }
            6 => {
                let s = shared.pick(&mut rng);
                let peer: SocketAddr = format!("192.0.2.{}:500", rng.below(4) + 1).parse().unwrap();
                let bytes = name_bytes(peer, &unique("shared"));
                let rc = int(unsafe {
                    WSASetSocketPeerTargetName(
                        s,
                        bytes.as_ptr().cast(),
                        bytes.len() as u32,
                        ptr::null(),
                        None,
                    )
                });
                allowed(
                    "WSASetSocketPeerTargetName",
                    rc,
                    &[WSAENOTSOCK, WSAEISCONN, WSAEAFNOSUPPORT],
                );
            }
            7 => {
                let s = shared.pick(&mut rng);
                let raw = sockaddr(format!("192.0.2.{}:500", rng.below(4) + 1).parse().unwrap());
                let rc = int(unsafe {
                    WSADeleteSocketPeerTargetName(
                        s,
                        raw.as_ptr().cast(),
                        raw.len() as u32,
                        ptr::null(),
                        None,
                    )
                });
                allowed(
                    "WSADeleteSocketPeerTargetName",
                    rc,
                    &[WSAENOTSOCK, WSAEAFNOSUPPORT],
                );
            }
            8 => {
                let victim = {
                    let mut pool = shared.pool.lock().unwrap();
                    if pool.len() < 4 {
                        continue;
                    }
                    let at = rng.below(pool.len() as u64) as usize;
                    pool.swap_remove(at)
                };
                // Another thread may close the same handle first (it stays in its hands
                // only until the pool lock is released), so WSAENOTSOCK is allowed.
                match int(unsafe { closesocket(victim) }) {
                    Ok(()) => assert!(
                        shared.closed.lock().unwrap().insert(victim),
                        "{victim:#x} closed twice"
                    ),
                    rc => allowed("closesocket", rc, &[WSAENOTSOCK]),
                }
            }
            9 => {
                if private.len() < 4 {
                    let s = unsafe { WSASocketW(AF_INET.into(), SOCK_DGRAM, 0, ptr::null(), 0, 0) };
                    assert_ne!(s, INVALID_SOCKET);
                    shared.record(s);
                    private.insert(s, BTreeMap::new());
                }
            }
            10 => {
                let at = rng.below(4) as usize % private.len().max(1);
                let Some((&s, names)) = private.iter_mut().nth(at) else {
                    continue;
                };
                let peer: SocketAddr = format!("198.51.100.{}:{}", rng.below(8) + 1, 1000 + id)
                    .parse()
                    .unwrap();
                if rng.below(3) == 0 {
                    let raw = sockaddr(peer);
                    let rc = unsafe {
                        WSADeleteSocketPeerTargetName(
                            s,
                            raw.as_ptr().cast(),
                            raw.len() as u32,
                            ptr::null(),
                            None,
                        )
                    };
                    assert_eq!(rc, 0, "deleting a private name");
                    names.remove(&peer);
                } else {
                    let name = unique("private");
                    let bytes = name_bytes(peer, &name);
                    let rc = unsafe {
                        WSASetSocketPeerTargetName(
                            s,
                            bytes.as_ptr().cast(),
                            bytes.len() as u32,
                            ptr::null(),
                            None,
                        )
                    };
                    assert_eq!(rc, 0, "setting a private name: {}", unsafe {
                        WSAGetLastError()
                    });
                    names.insert(peer, name);
                }
            }
            _ => {
                // Another user of Winsock comes and goes; the base startup keeps it running.
                let mut data = WSADATA::default();
                assert_eq!(unsafe { WSAStartup(0x0202, &mut data) }, 0);
                assert_eq!(unsafe { WSACleanup() }, 0);
            }
        }
        if step % 500 == 499 {
            check_private(shared, &private);
        }
    }
    check_private(shared, &private);
    for &s in private.keys() {
        assert_eq!(unsafe { closesocket(s) }, 0);
    }
    ops
}

/// The names on this thread's private sockets are exactly those it set and did not delete.
fn check_private(shared: &Shared, private: &BTreeMap<SOCKET, BTreeMap<SocketAddr, String>>) {
    for (&s, expected) in private {
        let info = winsock_emu::Socket::from_raw(&shared.net, s);
        let result = info.info();
        info.into_raw();
        let info = result.expect("a private socket was closed by someone else");
        let actual: BTreeMap<SocketAddr, String> = info
            .names
            .iter()
            .map(|n| {
                (
                    n.peer.expect("datagram names have peers"),
                    n.name.to_string(),
                )
            })
            .collect();
        assert_eq!(
            &actual, expected,
            "names lost or duplicated on private socket {s:#x}"
        );
    }
}

#[test]
fn threads_hammering_one_table_keep_every_promise() {
    let threads = env_or("STRESS_THREADS", 8);
    let ops = env_or("STRESS_OPS", 25_000);
    let net = Network::new();
    let _startup = net.startup().unwrap();
    let shared = Arc::new(Shared {
        net: net.clone(),
        pool: Mutex::default(),
        given: Mutex::default(),
        closed: Mutex::default(),
    });

    // The watchdog: parking_lot's deadlock detector, polled until the workers are done.
    let done = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let done = Arc::clone(&done);
        thread::spawn(move || {
            while !done.load(Ordering::Acquire) {
                thread::sleep(Duration::from_millis(50));
                let deadlocks = parking_lot::deadlock::check_deadlock();
                assert!(
                    deadlocks.is_empty(),
                    "{} deadlock cycle(s) among the table's locks",
                    deadlocks.len()
                );
            }
        })
    };

    let (finished, results) = mpsc::channel();
    for id in 0..threads {
        let shared = Arc::clone(&shared);
        let finished = finished.clone();
        thread::spawn(move || {
            let outcome =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| worker(id, &shared, ops)));
            let _ = finished.send(outcome.map_err(|panic| {
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or(panic.downcast_ref::<&str>().map(|s| s.to_string()))
            }));
        });
    }
    let mut total = 0;
    for _ in 0..threads {
        match results.recv_timeout(Duration::from_secs(120)) {
            Ok(Ok(n)) => total += n,
            Ok(Err(message)) => panic!("a worker failed: {}", message.unwrap_or_default()),
            Err(_) => panic!("workers did not finish within 120 s: a deadlock or livelock"),
        }
    }
    done.store(true, Ordering::Release);
    watchdog
        .join()
        .expect("the deadlock watchdog found a deadlock");
    assert_eq!(total, threads * ops);

    let snap = net.snapshot();
    let closed = shared.closed.lock().unwrap();
    let given = shared.given.lock().unwrap();
    let mut names = HashSet::new();
    for s in &snap.sockets {
        assert!(
            given.contains(&s.handle),
            "{:#x} was never handed out",
            s.handle
        );
        assert!(
            !closed.contains(&s.handle),
            "closed handle {:#x} is alive again",
            s.handle
        );
        for n in &s.names {
            assert!(
                names.insert(n.name.clone()),
                "name {} is on two sockets",
                n.name
            );
        }
        if let SocketState::Listening { backlog, pending } = s.state {
            assert!(pending <= backlog);
        }
    }
    assert!(!names.contains(&TargetName::from("")));
    assert_eq!(snap.startups, 1);
    assert!(given.len() > threads, "the workers created sockets");
    let (ok, failed) = (
        SUCCEEDED.load(Ordering::Relaxed),
        FAILED.load(Ordering::Relaxed),
    );
    eprintln!("{threads} threads x {ops} calls: {} handles, {} closed, shared calls {ok} ok / {failed} refused", given.len(), closed.len());
    assert!(
        ok > 0 && failed > 0,
        "the shared calls both succeeded and failed"
    );
    // Everything still open closes cleanly, once.
    let _enter = net.enter();
    for s in &snap.sockets {
        assert_eq!(unsafe { closesocket(s.handle) }, 0);
        assert_eq!(int(unsafe { closesocket(s.handle) }), Err(WSAENOTSOCK));
    }
    assert_eq!(net.socket_count(), 0);
}
