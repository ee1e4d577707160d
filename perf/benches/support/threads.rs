//! Comparison 5: threads calling `WSASetSocketPeerTargetName` on their own sockets of one
//! shared network, and, as a control, each on a network of its own.
use std::sync::Barrier;
use std::time::{Duration, Instant};

use winsock_emu::{Domain, Network, Type};

use super::{name_bytes, peer, set_name};

/// Runs `calls` calls on each of `threads` threads, every thread with its own datagram
/// socket of one shared network that each thread has entered. Returns the wall time from
/// the common start to the last thread's end.
pub fn shared_table(threads: usize, calls: usize) -> Duration {
    let net = Network::new();
    let _startup = net.startup().expect("WSAStartup");
    run(&vec![net; threads], calls)
}

/// The same with each thread on a network of its own: nothing shared but the machine, so
/// the ratio this reaches is the most the machine allows at the time.
pub fn separate_tables(threads: usize, calls: usize) -> Duration {
    let nets: Vec<Network> = (0..threads).map(|_| Network::new()).collect();
    let _startups: Vec<_> = nets
        .iter()
        .map(|net| net.startup().expect("WSAStartup"))
        .collect();
    run(&nets, calls)
}

/// One thread per network in `nets` (a network may repeat), each making `calls` calls on
/// a socket of its own. The wall time runs from the first thread's start to the last
/// thread's end, both read by the workers themselves: the spawning thread may not run
/// again until a worker is done (on two cores, two workers fill the machine), so its own
/// clock would start late.
fn run(nets: &[Network], calls: usize) -> Duration {
    let start = Barrier::new(nets.len() + 1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = nets
            .iter()
            .map(|net| {
                let start = &start;
                scope.spawn(move || {
                    let _enter = net.enter();
                    let socket = net.socket(Domain::IPV4, Type::DGRAM, None).expect("socket");
                    let bytes = name_bytes(peer(1));
                    start.wait();
                    let began = Instant::now();
                    for _ in 0..calls {
                        set_name(socket.as_raw(), &bytes);
                    }
                    (began, Instant::now())
                })
            })
            .collect();
        start.wait();
        let spans: Vec<(Instant, Instant)> = workers
            .into_iter()
            .map(|worker| worker.join().expect("worker"))
            .collect();
        let began = spans.iter().map(|span| span.0).min().expect("a thread");
        let ended = spans.iter().map(|span| span.1).max().expect("a thread");
        ended - began
    })
}
