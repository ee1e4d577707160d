//! The workloads every comparison measures, written once: the divan benches in `benches/`
//! and the report in `perf/` both call these, so a figure in the report and the bench of
//! the same name measure the same code.
//!
//! Each workload is a fixture (built once, outside the timing) with a method that does one
//! unit of work: one call, one socket's life, one connection. Only the public API is used:
//! [`winsock_emu::sys`], [`Network`] and [`winsock_emu::Socket`].
#![allow(dead_code)] // each bench binary uses only the workloads of its comparison

pub mod floor;
pub mod kernel;
pub mod ping_pong;
pub mod threads;

use std::hint::black_box;
use std::net::SocketAddr;
use std::ptr;

use winsock_emu::sys::{self, SOCKET, SOCKET_PEER_TARGET_NAME};
use winsock_emu::{Domain, EnterGuard, Network, PeerTargetName, Protocol, Startup, Type};

/// The name every workload sets: a typical SPN.
pub const NAME: &str = "host/peer.contoso.com";

/// The `i`-th distinct datagram peer: 10.x.y.z, port 500.
pub fn peer(i: usize) -> SocketAddr {
    let [_, a, b, c] = u32::try_from(i).expect("peer index fits u32").to_be_bytes();
    SocketAddr::from(([10, a, b, c], 500))
}

/// A `SOCKET_PEER_TARGET_NAME` for `peer` and [`NAME`], as a C caller lays it out.
pub fn name_bytes(peer: SocketAddr) -> Vec<u8> {
    PeerTargetName::new(peer, NAME).to_bytes()
}

/// An isolated network, started and entered on this thread, as each test of a user's
/// suite would have it.
pub struct Env {
    pub net: Network,
    _startup: Startup,
    _enter: EnterGuard,
}

impl Env {
    /// A fresh network with `WSAStartup(2.2)` done, current for `sys` on this thread.
    pub fn new() -> Env {
        let net = Network::new();
        let enter = net.enter();
        let startup = net.startup().expect("WSAStartup");
        Env {
            net,
            _startup: startup,
            _enter: enter,
        }
    }

    /// A new datagram socket whose handle the caller owns (it lives as long as the network).
    pub fn datagram(&self) -> SOCKET {
        self.net
            .socket(Domain::IPV4, Type::DGRAM, Protocol::UDP)
            .expect("socket")
            .into_raw()
    }
}

/// `WSASetSocketPeerTargetName` through `sys`, panicking on failure.
pub fn set_name(socket: SOCKET, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).expect("name fits u32");
    let name = black_box(bytes).as_ptr().cast::<SOCKET_PEER_TARGET_NAME>();
    // SAFETY: `name` points at `len` readable bytes.
    let rc = unsafe { sys::WSASetSocketPeerTargetName(socket, name, len, ptr::null(), None) };
    assert_eq!(rc, 0, "WSASetSocketPeerTargetName failed: {}", unsafe {
        sys::WSAGetLastError()
    });
}

/// Comparison 1, our side: one `WSASetSocketPeerTargetName` on a live datagram socket,
/// replacing the name it holds for one peer.
pub struct SetName {
    pub env: Env,
    socket: SOCKET,
    bytes: Vec<u8>,
}

impl SetName {
    pub fn new() -> SetName {
        let env = Env::new();
        let socket = env.datagram();
        SetName {
            env,
            socket,
            bytes: name_bytes(peer(1)),
        }
    }

    /// `n` runs with this workload's network entered, so it can be timed alternately
    /// with workloads of other networks.
    pub fn runs(&mut self, n: usize) {
        let _enter = self.env.net.enter();
        for _ in 0..n {
            self.run();
        }
    }

    pub fn run(&mut self) {
        set_name(self.socket, &self.bytes);
    }
}

/// The datagram every data-carrying workload sends, and the buffer it is read into.
const PING: &[u8] = b"ping";

/// Comparison 2, our side: a datagram socket's life, with one exchange with an echo peer.
pub struct DatagramLife {
    env: Env,
    echo: winsock_emu::Socket,
    peer: SocketAddr,
}

impl DatagramLife {
    pub fn new() -> DatagramLife {
        let env = Env::new();
        let (echo, peer) = echo_peer(&env);
        DatagramLife { env, echo, peer }
    }

    /// `socket`, `WSASetSocketPeerTargetName`, `connect`, `send`, the peer's `recvfrom`
    /// and `sendto` back, `recv`, `closesocket`.
    pub fn run(&mut self) {
        let socket = self
            .env
            .net
            .socket(Domain::IPV4, Type::DGRAM, Protocol::UDP)
            .expect("socket");
        socket
            .set_peer_target_name(self.peer, NAME)
            .expect("set name");
        socket.connect(self.peer).expect("connect");
        socket.send(PING).expect("send");
        echo_once(&self.echo);
        let mut buf = [0u8; 16];
        black_box(socket.recv(&mut buf).expect("recv"));
        socket.close().expect("close");
    }
}

/// A datagram socket bound at 127.0.0.1:5000 of `env`'s network, to play the echo peer.
fn echo_peer(env: &Env) -> (winsock_emu::Socket, SocketAddr) {
    let echo = env
        .net
        .socket(Domain::IPV4, Type::DGRAM, Protocol::UDP)
        .expect("socket");
    let peer = echo.bind("127.0.0.1:5000".parse().unwrap()).expect("bind");
    (echo, peer)
}

/// The echo peer's turn: one datagram in, the same datagram back to its sender.
fn echo_once(echo: &winsock_emu::Socket) {
    let mut buf = [0u8; 16];
    let (len, from) = echo.recv_from(&mut buf).expect("echo recvfrom");
    echo.send_to(&buf[..len], from).expect("echo sendto");
}

/// Comparison 3, our side: one datagram to an echo peer and its answer back, on sockets
/// that stay up (the round trip turmoil's side measures).
pub struct DatagramRoundTrip {
    _env: Env,
    client: winsock_emu::Socket,
    echo: winsock_emu::Socket,
    peer: SocketAddr,
}

impl DatagramRoundTrip {
    pub fn new() -> DatagramRoundTrip {
        let env = Env::new();
        let (echo, peer) = echo_peer(&env);
        let client = env
            .net
            .socket(Domain::IPV4, Type::DGRAM, Protocol::UDP)
            .expect("socket");
        client.set_peer_target_name(peer, NAME).expect("set name");
        DatagramRoundTrip {
            _env: env,
            client,
            echo,
            peer,
        }
    }

    /// `sendto`, the peer's `recvfrom` and `sendto` back, `recvfrom`.
    pub fn run(&mut self) {
        self.client.send_to(PING, self.peer).expect("sendto");
        echo_once(&self.echo);
        let mut buf = [0u8; 16];
        black_box(self.client.recv_from(&mut buf).expect("recvfrom"));
    }
}

/// Comparison 2, our side: one stream connection, with a listener that stays up.
pub struct StreamLife {
    env: Env,
    listener: winsock_emu::Socket,
    addr: SocketAddr,
}

impl StreamLife {
    pub fn new() -> StreamLife {
        let env = Env::new();
        let listener = env
            .net
            .socket(Domain::IPV4, Type::STREAM, Protocol::TCP)
            .expect("socket");
        let addr = listener.bind("127.0.0.1:0".parse().unwrap()).expect("bind");
        listener.listen(16).expect("listen");
        StreamLife {
            env,
            listener,
            addr,
        }
    }

    /// `socket`, `WSASetSocketPeerTargetName`, `connect`, `accept`, a `send` and `recv`
    /// each way, `closesocket` on both ends.
    pub fn run(&mut self) {
        let client = self
            .env
            .net
            .socket(Domain::IPV4, Type::STREAM, Protocol::TCP)
            .expect("socket");
        client
            .set_peer_target_name(self.addr, NAME)
            .expect("set name");
        client.connect(self.addr).expect("connect");
        let (accepted, _) = self.listener.accept().expect("accept");
        let mut buf = [0u8; 16];
        client.send(PING).expect("send");
        let len = accepted.recv(&mut buf).expect("recv");
        accepted.send(&buf[..len]).expect("send back");
        black_box(client.recv(&mut buf).expect("recv back"));
        accepted.close().expect("close accepted");
        client.close().expect("close client");
    }
}

/// Comparison 4: `WSASetSocketPeerTargetName` with `live` sockets in the table, cycling
/// over [`CYCLE`] of them spread evenly across the table.
pub struct ManySockets {
    env: Env,
    targets: Vec<SOCKET>,
    bytes: Vec<u8>,
    next: usize,
}

/// How many sockets or peers a scale workload cycles over: the smallest size measured, so
/// that every size touches the same number of entries and the comparison shows how the
/// cost of finding one grows with the table (a linear scan would show at once), not how
/// far a spread-out working set falls out of caches that other processes share.
const CYCLE: usize = 10;

impl ManySockets {
    pub fn new(live: usize) -> ManySockets {
        let env = Env::new();
        let all: Vec<SOCKET> = (0..live).map(|_| env.datagram()).collect();
        let step = (live / CYCLE).max(1);
        let targets = all.iter().copied().step_by(step).take(CYCLE).collect();
        ManySockets {
            env,
            targets,
            bytes: name_bytes(peer(1)),
            next: 0,
        }
    }

    /// `n` runs with this workload's network entered, so it can be timed alternately
    /// with workloads of other networks.
    pub fn runs(&mut self, n: usize) {
        let _enter = self.env.net.enter();
        for _ in 0..n {
            self.run();
        }
    }

    pub fn run(&mut self) {
        set_name(self.targets[self.next], &self.bytes);
        self.next = (self.next + 1) % self.targets.len();
    }
}

/// Comparison 4: `WSASetSocketPeerTargetName` on one datagram socket that holds `names`
/// peer names, replacing the names of [`CYCLE`] of those peers, spread evenly, in turn.
pub struct ManyNames {
    env: Env,
    socket: SOCKET,
    calls: Vec<Vec<u8>>,
    next: usize,
}

impl ManyNames {
    pub fn new(names: usize) -> ManyNames {
        let env = Env::new();
        let socket = env.datagram();
        let held = winsock_emu::Socket::from_raw(&env.net, socket);
        for i in 0..names {
            held.set_peer_target_name(peer(i), NAME).expect("set name");
        }
        let _ = held.into_raw();
        let step = (names / CYCLE).max(1);
        let calls = (0..names)
            .step_by(step)
            .take(CYCLE)
            .map(|i| name_bytes(peer(i)))
            .collect();
        ManyNames {
            env,
            socket,
            calls,
            next: 0,
        }
    }

    /// `n` runs with this workload's network entered, so it can be timed alternately
    /// with workloads of other networks.
    pub fn runs(&mut self, n: usize) {
        let _enter = self.env.net.enter();
        for _ in 0..n {
            self.run();
        }
    }

    pub fn run(&mut self) {
        set_name(self.socket, &self.calls[self.next]);
        self.next = (self.next + 1) % self.calls.len();
    }
}
