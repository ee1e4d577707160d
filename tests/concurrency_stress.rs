//! Many threads hammering one network through the raw `sys` face: creating, binding,
//! listening, connecting, accepting, naming and closing sockets, their own and each
//! other's, and moving data: datagrams between each other's sockets (some of them secured,
//! so first datagrams negotiate), stream and connected sends, receives, and closes of
//! sockets that exchanged datagrams (whose peers must forget them), for a bounded number
//! of calls.
//!
//! Proven: no deadlock (parking_lot's deadlock detector polled by a watchdog, which also
//! fails the test if the workers do not finish in time), no handle handed out twice or
//! reused after a close, no name lost or duplicated on the sockets a thread keeps to
//! itself, no name string ever on two sockets, every failure a code the called function
//! documents on Windows, every byte received part of a record some thread sent, intact and
//! in the sender's order, a closed datagram socket forgotten by the sockets it exchanged
//! with, and the table's invariants at the end.
//!
//! Size: `STRESS_THREADS` (default 8) threads × `STRESS_OPS` (default 25,000) calls.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::Duration;

use winsock_emu::sys::*;
use winsock_emu::{Error, Network, SocketState, TargetName};

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

/// Makes `s` non-blocking: these workers poll, and a blocked call could wait for a thread
/// that never acts on its socket (the blocking calls are hammered in `blocking_*` below).
fn nonblocking(s: SOCKET) {
    let mut on = 1u32;
    assert_eq!(unsafe { ioctlsocket(s, FIONBIO, &mut on) }, 0);
}

/// What every worker shares: the network, the handles any thread may use, and the record
/// of every handle given out and every handle closed.
struct Shared {
    net: Network,
    /// The addresses of the threads' private datagram sockets now open.
    mailboxes: Mutex<Vec<SocketAddr>>,
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
/// Records received, by any thread on any socket.
static RECORDS: AtomicUsize = AtomicUsize::new(0);

/// The listening addresses workers connect to (and datagram sockets bind and send to).
const SERVICES: [&str; 3] = ["127.0.0.1:7000", "127.0.0.1:7001", "[::1]:7000"];

/// How many private datagram sockets a thread keeps at most.
const PRIVATE_SLOTS: u64 = 4;

/// Where thread `id` binds its private datagram socket `slot`: an address only it binds.
fn private_addr(id: usize, slot: u64) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, id as u8 + 2], 7200 + slot as u16))
}

/// One of this thread's datagram sockets: where it is bound, and the names it holds.
struct Private {
    at: SocketAddr,
    names: BTreeMap<SocketAddr, String>,
}

/// What every send carries: the sending thread, its complement (so a torn or mixed record
/// shows), and the thread's serial, which grows with every send.
fn record(id: usize, serial: u64) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..4].copy_from_slice(&(id as u32).to_le_bytes());
    out[4..8].copy_from_slice(&(!(id as u32)).to_le_bytes());
    out[8..].copy_from_slice(&serial.to_le_bytes());
    out
}

/// Checks that received bytes are whole, intact records, and that each sender's records
/// reach this thread on socket `s` in the order they were sent (queues are first in,
/// first out, and this thread's receives follow one another).
fn check_records(bytes: &[u8], s: SOCKET, last: &mut HashMap<(SOCKET, u32), u64>) {
    assert_eq!(bytes.len() % 16, 0, "a torn record on {s:#x}");
    RECORDS.fetch_add(bytes.len() / 16, Ordering::Relaxed);
    for chunk in bytes.chunks_exact(16) {
        let word = |at: usize| u32::from_le_bytes(chunk[at..at + 4].try_into().unwrap());
        let (id, check) = (word(0), word(4));
        assert_eq!(check, !id, "a corrupted record on {s:#x}: {chunk:?}");
        let serial = u64::from_le_bytes(chunk[8..].try_into().unwrap());
        if let Some(before) = last.insert((s, id), serial) {
            assert!(before < serial, "thread {id}'s records reordered on {s:#x}");
        }
    }
}

/// Where a datagram goes: mostly a thread's private socket now open (or just closed), else
/// a service address (of either family, for a pool socket).
fn destination(rng: &mut Rng, shared: &Shared, v4_only: bool) -> SocketAddr {
    if rng.below(3) != 0 {
        let mailboxes = shared.mailboxes.lock().unwrap();
        if !mailboxes.is_empty() {
            return mailboxes[rng.below(mailboxes.len() as u64) as usize];
        }
    }
    let services = if v4_only { 2 } else { 3 };
    SERVICES[rng.below(services) as usize].parse().unwrap()
}

fn worker(id: usize, shared: &Shared, ops: usize) -> usize {
    let _enter = shared.net.enter();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ ((id as u64 + 1) * 0x1000_0000_01b3));
    // Datagram sockets only this thread binds, names, deletes names on and closes: where
    // each is bound, and its expected names by peer.
    let mut private: BTreeMap<SOCKET, Private> = BTreeMap::new();
    // The serial of this thread's next record, and the last serial seen from each sender
    // on each socket.
    let mut sent = 0u64;
    let mut last = HashMap::new();
    let mut serial = 0usize;
    let mut unique = |prefix: &str| {
        serial += 1;
        format!("host/{prefix}-{id}-{serial}")
    };
    for step in 0..ops {
        match rng.below(20) {
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
                nonblocking(s);
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
                    // A non-blocking connect's usual answer (`nonblocking-connect`).
                    WSAEWOULDBLOCK,
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
                let used: Vec<SocketAddr> = private.values().map(|p| p.at).collect();
                let free = (0..PRIVATE_SLOTS)
                    .map(|slot| private_addr(id, slot))
                    .find(|at| !used.contains(at));
                if let Some(at) = free {
                    let s = unsafe { WSASocketW(AF_INET.into(), SOCK_DGRAM, 0, ptr::null(), 0, 0) };
                    assert_ne!(s, INVALID_SOCKET);
                    nonblocking(s);
                    shared.record(s);
                    if rng.below(2) == 0 {
                        // Secured: its first datagram to each peer negotiates.
                        let rc =
                            unsafe { WSASetSocketSecurity(s, ptr::null(), 0, ptr::null(), None) };
                        assert_eq!(rc, 0, "securing a private socket");
                    }
                    let raw = sockaddr(at);
                    let rc = int(unsafe { bind(s, raw.as_ptr().cast(), raw.len() as i32) });
                    assert_eq!(rc, Ok(()), "binding a private socket at {at}");
                    let names = BTreeMap::new();
                    private.insert(s, Private { at, names });
                    shared.mailboxes.lock().unwrap().push(at);
                }
            }
            10 => {
                let at = rng.below(4) as usize % private.len().max(1);
                let Some((&s, Private { names, .. })) = private.iter_mut().nth(at) else {
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
            11 => {
                // Another user of Winsock comes and goes; the base startup keeps it running.
                let mut data = WSADATA::default();
                assert_eq!(unsafe { WSAStartup(0x0202, &mut data) }, 0);
                assert_eq!(unsafe { WSACleanup() }, 0);
            }
            12..=14 => {
                // A datagram from one of this thread's private sockets (which must go: it is
                // bound, of the right family, and no name stands in its negotiation's way),
                // or from a pool socket of any kind and state.
                sent += 1;
                let data = record(id, sent);
                let mine = private
                    .keys()
                    .nth(rng.below(PRIVATE_SLOTS) as usize)
                    .copied();
                let (s, to) = match mine {
                    Some(s) if rng.below(2) == 0 => (s, destination(&mut rng, shared, true)),
                    _ => (shared.pick(&mut rng), destination(&mut rng, shared, false)),
                };
                let raw = sockaddr(to);
                let rc = unsafe {
                    sendto(
                        s,
                        data.as_ptr(),
                        16,
                        0,
                        raw.as_ptr().cast(),
                        raw.len() as i32,
                    )
                };
                if Some(s) == mine {
                    assert_eq!(rc, 16, "a private datagram to {to}: {}", unsafe {
                        WSAGetLastError()
                    });
                } else {
                    let codes = [WSAENOTSOCK, WSAENOTCONN, WSAEAFNOSUPPORT, WSAECONNRESET];
                    allowed("sendto", sent_whole(rc), &codes);
                }
            }
            15..=17 => {
                // Receives on a private socket (only ever datagrams or port-unreachable
                // notifications, or nothing yet: up to four, while there are some), or one
                // on a pool socket of any kind.
                let mine = private
                    .keys()
                    .nth(rng.below(PRIVATE_SLOTS) as usize)
                    .copied();
                match mine {
                    Some(s) if rng.below(2) == 0 => {
                        for _ in 0..4 {
                            match receive(s, &mut last) {
                                Ok((n, from_len)) => assert!(
                                    n == 16 && from_len == 16,
                                    "a private datagram: {n} bytes from {from_len}"
                                ),
                                // A datagram it sent found nobody (a mailbox just
                                // closed, or a service nobody bound): reported once, and
                                // the queue goes on behind it (`udp-port-unreachable`).
                                Err(WSAECONNRESET) => {}
                                Err(code) => {
                                    assert_eq!(code, WSAEWOULDBLOCK);
                                    break;
                                }
                            }
                        }
                    }
                    _ => {
                        let s = shared.pick(&mut rng);
                        let codes = [
                            WSAENOTSOCK,
                            WSAEINVAL,
                            WSAEWOULDBLOCK,
                            WSAENOTCONN,
                            WSAECONNRESET,
                        ];
                        allowed("recvfrom", receive(s, &mut last).map(drop), &codes);
                    }
                }
            }
            18 => {
                // A send on a pool socket: a connected stream's bytes, a connected datagram
                // socket's datagram, or a refusal.
                sent += 1;
                let data = record(id, sent);
                let s = shared.pick(&mut rng);
                let rc = unsafe { send(s, data.as_ptr(), 16, 0) };
                let codes = [WSAENOTSOCK, WSAENOTCONN, WSAECONNRESET];
                allowed("send", sent_whole(rc), &codes);
            }
            _ => {
                // One of this thread's private sockets, which has likely exchanged datagrams,
                // closes: its other private sockets (which only this thread sends from, and
                // only it sends to from that address) forget it at once, whatever other
                // threads are doing. A query for its address may still find a datagram that
                // found nobody there (WSAECONNRESET), never an exchange.
                let Some((&s, _)) = private.iter().nth(rng.below(4 * PRIVATE_SLOTS) as usize)
                else {
                    continue;
                };
                let gone = private.remove(&s).expect("just found").at;
                shared.mailboxes.lock().unwrap().retain(|&at| at != gone);
                assert_eq!(unsafe { closesocket(s) }, 0, "closing a private socket");
                assert!(shared.closed.lock().unwrap().insert(s));
                let template = winsock_emu::SecurityQueryTemplate {
                    peer: Some(gone),
                    ..Default::default()
                };
                for &other in private.keys() {
                    let socket = winsock_emu::Socket::from_raw(&shared.net, other);
                    let answer = socket.query_security_with(template);
                    socket.into_raw();
                    assert!(
                        matches!(answer, Err(Error::NotConnected | Error::ConnectionReset)),
                        "{other:#x} still knows the closed {gone}: {answer:?}"
                    );
                }
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

/// `recvfrom` on `s` into 64 bytes, checking the records received: the count and the
/// sender's address length, or the error.
fn receive(s: SOCKET, last: &mut HashMap<(SOCKET, u32), u64>) -> Result<(usize, i32), i32> {
    let mut buf = [0u8; 64];
    let mut from = [0u8; 128];
    let mut from_len = 128;
    let from_ptr = from.as_mut_ptr().cast();
    let n = moved(unsafe { recvfrom(s, buf.as_mut_ptr(), 64, 0, from_ptr, &mut from_len) })?;
    check_records(&buf[..n], s, last);
    Ok((n, from_len))
}

/// A count-returning call's outcome: the count, or the last error.
fn moved(rc: i32) -> Result<usize, i32> {
    usize::try_from(rc).map_err(|_| {
        assert_eq!(rc, SOCKET_ERROR, "a negative count");
        unsafe { WSAGetLastError() }
    })
}

/// A send's outcome, which moves the whole record or nothing.
fn sent_whole(rc: i32) -> Result<(), i32> {
    let n = moved(rc)?;
    assert_eq!(n, 16, "a partial send");
    Ok(())
}

/// The names on this thread's private sockets are exactly those it set and did not delete.
fn check_private(shared: &Shared, private: &BTreeMap<SOCKET, Private>) {
    for (
        &s,
        Private {
            names: expected, ..
        },
    ) in private
    {
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
        mailboxes: Mutex::default(),
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
    let records = RECORDS.load(Ordering::Relaxed);
    eprintln!("{threads} threads x {ops} calls: {} handles, {} closed, shared calls {ok} ok / {failed} refused, {records} records received", given.len(), closed.len());
    assert!(
        ok > 0 && failed > 0,
        "the shared calls both succeeded and failed"
    );
    assert!(records > 0, "the threads exchanged data");
    // Everything still open closes cleanly, once.
    let _enter = net.enter();
    for s in &snap.sockets {
        assert_eq!(unsafe { closesocket(s.handle) }, 0);
        assert_eq!(int(unsafe { closesocket(s.handle) }), Err(WSAENOTSOCK));
    }
    assert_eq!(net.socket_count(), 0);
}

/// Polls parking_lot's deadlock detector until `done` is set; panics on a cycle.
fn deadlock_watchdog(done: Arc<AtomicBool>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        while !done.load(Ordering::Acquire) {
            thread::sleep(Duration::from_millis(50));
            let deadlocks = parking_lot::deadlock::check_deadlock();
            assert!(
                deadlocks.is_empty(),
                "{} deadlock cycle(s)",
                deadlocks.len()
            );
        }
    })
}

/// Blocking calls across threads: pairs of threads stream numbered bytes to each other
/// through small buffers (so senders wait for room and receivers for data, over and over),
/// while a UDP pair ping-pongs with blocking `recvfrom`s and an acceptor takes connections
/// another thread makes. Proven: every byte arrives, in order (no lost wake-up would leave
/// a thread waiting: the stall limit would end it with WSAENETDOWN and fail the test), no
/// stall, no lock cycle under parking_lot's detector.
#[test]
fn blocking_calls_across_threads_lose_no_byte_and_no_wake_up() {
    let pairs = env_or("STRESS_THREADS", 8) / 2;
    let bytes = env_or("STRESS_OPS", 25_000) * 8;
    let net = Network::new();
    let _startup = net.startup().unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let watchdog = deadlock_watchdog(Arc::clone(&done));
    let mut workers = Vec::new();
    for pair in 0..pairs {
        let at = format!("127.0.0.1:{}", 7600 + pair);
        let (listener, client) = {
            let _enter = net.enter();
            let listener = net
                .socket(winsock_emu::Domain::IPV4, winsock_emu::Type::STREAM, None)
                .unwrap();
            listener.bind(at.parse().unwrap()).unwrap();
            listener.listen(1).unwrap();
            let client = net
                .socket(winsock_emu::Domain::IPV4, winsock_emu::Type::STREAM, None)
                .unwrap();
            client.connect(at.parse().unwrap()).unwrap();
            (listener, client)
        };
        let (server, _) = listener.accept().unwrap();
        server.set_recv_buffer_size(64).unwrap();
        client.set_send_buffer_size(0).unwrap();
        workers.push(net.spawn(move || {
            // The writer: sizes 1..=700, each byte its position mod 251.
            let mut sent = 0usize;
            let mut rng = Rng(pair as u64 + 1);
            while sent < bytes {
                let len = (1 + rng.below(700) as usize).min(bytes - sent);
                let chunk: Vec<u8> = (sent..sent + len).map(|i| (i % 251) as u8).collect();
                assert_eq!(client.send(&chunk), Ok(len));
                sent += len;
            }
            client.shutdown(std::net::Shutdown::Write).unwrap();
            sent
        }));
        workers.push(net.spawn(move || {
            let mut got = 0usize;
            let mut buf = [0u8; 512];
            loop {
                let n = server.recv(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                for (i, &b) in buf[..n].iter().enumerate() {
                    assert_eq!(b, ((got + i) % 251) as u8, "byte {} out of order", got + i);
                }
                got += n;
            }
            got
        }));
    }
    // A UDP ping-pong: each side waits in a blocking recvfrom for the other's datagram.
    let rounds = 2_000;
    let (ping, pong) = {
        let _enter = net.enter();
        let ping = net
            .socket(winsock_emu::Domain::IPV4, winsock_emu::Type::DGRAM, None)
            .unwrap();
        ping.bind("127.0.0.1:7700".parse().unwrap()).unwrap();
        let pong = net
            .socket(winsock_emu::Domain::IPV4, winsock_emu::Type::DGRAM, None)
            .unwrap();
        pong.bind("127.0.0.1:7701".parse().unwrap()).unwrap();
        (ping, pong)
    };
    workers.push(net.spawn(move || {
        let mut buf = [0u8; 8];
        for round in 0..rounds {
            let n = ping.send_to(
                &(round as u64).to_le_bytes(),
                "127.0.0.1:7701".parse().unwrap(),
            );
            assert_eq!(n, Ok(8));
            let (n, _) = ping.recv_from(&mut buf).unwrap();
            assert_eq!((n, u64::from_le_bytes(buf)), (8, round as u64));
        }
        rounds
    }));
    workers.push(net.spawn(move || {
        let mut buf = [0u8; 8];
        for _ in 0..rounds {
            let (n, from) = pong.recv_from(&mut buf).unwrap();
            assert_eq!(pong.send_to(&buf[..n], from), Ok(8));
        }
        rounds
    }));
    let moved: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    done.store(true, Ordering::Release);
    watchdog
        .join()
        .expect("the deadlock watchdog found a deadlock");
    assert_eq!(moved, pairs * 2 * bytes + 2 * rounds);
    assert!(net.stalls().is_empty(), "{:?}", net.stalls());
}
