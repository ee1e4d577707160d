//! Comparison 3 of `docs/performance.md` as divan benchmarks: a UDP echo round trip in the
//! emulator and in turmoil's simulated network. `cargo bench -p winsock-emu-perf --bench peer_simulator`.
//!
//! This bench lives in the comparison package, not the crate, so that turmoil and tokio
//! never enter the crate's dependency graph. The ratio itself comes from the report
//! (`cargo run --release -p winsock-emu-perf -- turmoil`).
mod support;
// The report's own files: the bench uses the echo host's simulation from `turmoil_side`,
// which needs `timing`'s median; the rest of them is the report's.
#[allow(dead_code)]
#[path = "../src/timing.rs"]
mod timing;
#[allow(dead_code)]
#[path = "../src/turmoil_side.rs"]
mod turmoil_side;

use std::net::SocketAddr;

use divan::counter::ItemsCount;
use divan::Bencher;
use turmoil::net::UdpSocket;
use turmoil_side::{sim_with_echo_host, PORT};

fn main() {
    divan::main();
}

/// Ours: `sendto`, the echo socket's `recvfrom` and `sendto` back, `recvfrom`.
#[divan::bench]
fn emulated_round_trip(bencher: Bencher) {
    let mut round_trip = support::DatagramRoundTrip::new();
    bencher.bench_local(|| round_trip.run());
}

/// turmoil's: one simulation of this many round trips per iteration, so that building the
/// simulation is a small share of each; divan divides by the count.
const ROUND_TRIPS: usize = 1_000;

/// `count` round trips to the echo host in a client of a fresh simulation.
fn round_trips(count: usize) {
    let mut sim = sim_with_echo_host();
    sim.client("client", async move {
        let server = SocketAddr::new(turmoil::lookup("server"), PORT);
        let socket = UdpSocket::bind("0.0.0.0:0").await?;
        let mut buf = [0u8; 64];
        for _ in 0..count {
            socket.send_to(b"ping", server).await?;
            socket.recv_from(&mut buf).await?;
        }
        Ok(())
    });
    sim.run().expect("simulation");
}

/// turmoil: `send_to` to an echo host and `recv_from` of its answer, inside a simulation.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn turmoil_round_trip(bencher: Bencher) {
    bencher
        .counter(ItemsCount::new(ROUND_TRIPS))
        .bench_local(|| round_trips(ROUND_TRIPS));
}
