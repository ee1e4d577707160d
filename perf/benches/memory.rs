//! Comparison 6 of `docs/performance.md` as divan benchmarks: what an idle socket and a
//! stored peer target name allocate. `cargo bench -p winsock-emu-perf --bench memory`.
//!
//! divan's allocation profiler counts every allocation and its bytes per iteration, so each
//! bench's `alloc` and `dealloc` rows show what one more socket or one more name costs:
//! its own boxes, and its share of the table's growth. (The report,
//! `cargo run --release -p winsock-emu-perf -- memory`, measures the bytes still live
//! afterwards instead, with a counting allocator, and gives the ratio to the target.) The
//! profiler is the global allocator of this bench binary only, so the timing benches of
//! `perf/benches/compare.rs` run without it.
mod support;

use std::net::SocketAddr;

use divan::{AllocProfiler, Bencher};
use support::{peer, Env, NAME};
use winsock_emu::{Domain, Type};

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

fn main() {
    divan::main();
}

/// One more idle datagram socket in a table of many: created, never closed, so the bytes
/// it allocates stay with it (`socket()` through the safe API, handle kept).
#[divan::bench(sample_count = 20, sample_size = 1_000)]
fn idle_socket(bencher: Bencher) {
    let env = Env::new();
    bencher.bench_local(|| env.datagram());
}

/// One more peer target name (21 UTF-16 units: `host/peer.contoso.com`) on a datagram
/// socket that already holds many, each for a new peer.
#[divan::bench(sample_count = 20, sample_size = 1_000)]
fn stored_name(bencher: Bencher) {
    let env = Env::new();
    let socket = env
        .net
        .socket(Domain::IPV4, Type::DGRAM, None)
        .expect("socket");
    let mut next = 0;
    bencher.bench_local(|| {
        next += 1;
        let to: SocketAddr = peer(next);
        socket.set_peer_target_name(to, NAME).expect("set name");
    });
}
