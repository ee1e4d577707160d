//! Comparison 5: threads calling `WSASetSocketPeerTargetName` on their own sockets of one
//! shared network.
use std::sync::Barrier;
use std::time::{Duration, Instant};

use winsock_emu::Network;

use super::{name_bytes, peer, set_name, Env};

/// Runs `calls` calls on each of `threads` threads, every thread with its own datagram
/// socket of one shared, started network that each thread has entered. Returns the wall
/// time from the common start to the last thread's end.
pub fn shared_table(threads: usize, calls: usize) -> Duration {
    let env = Env::new();
    let net: &Network = &env.net;
    let start = Barrier::new(threads + 1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let start = &start;
                scope.spawn(move || {
                    let _enter = net.enter();
                    let socket = net
                        .socket(winsock_emu::Domain::IPV4, winsock_emu::Type::DGRAM, None)
                        .expect("socket");
                    let bytes = name_bytes(peer(1));
                    start.wait();
                    for _ in 0..calls {
                        set_name(socket.as_raw(), &bytes);
                    }
                    Instant::now()
                })
            })
            .collect();
        start.wait();
        let began = Instant::now();
        let ended = workers
            .into_iter()
            .map(|worker| worker.join().expect("worker"))
            .max()
            .expect("a thread");
        ended - began
    })
}
