//! The side-by-side comparisons of `docs/performance.md`, as divan benchmarks:
//! `cargo bench --bench compare` (add a filter such as `scale` to run one group).
//!
//! Comparison 6 (memory) is `benches/memory.rs`, with divan's allocation profiler as its
//! global allocator; comparison 3 (turmoil) is `perf/benches/peer_simulator.rs`, in the
//! comparison package that keeps turmoil out of this crate. The ratios themselves come from
//! the report: `cargo run --release -p winsock-emu-perf`. All of them measure the workloads
//! of `benches/support`.
mod support;

use std::hint::black_box;

use divan::Bencher;

fn main() {
    divan::main();
}

/// Comparison 1: `WSASetSocketPeerTargetName` through `sys` against the least work it
/// could do.
mod floor {
    use super::*;
    use crate::support::floor::Floor;
    use crate::support::{name_bytes, peer, SetName};

    #[divan::bench]
    fn least_work(bencher: Bencher) {
        let mut floor = Floor::default();
        let bytes = name_bytes(peer(1));
        bencher.bench_local(|| floor.set(black_box(&bytes)));
    }

    #[divan::bench]
    fn sys_call(bencher: Bencher) {
        let mut call = SetName::new();
        bencher.bench_local(|| call.run());
    }
}

/// Comparison 2: lifecycles in the emulator against real loopback sockets.
mod lifecycle {
    use super::*;
    use crate::support::kernel::{KernelDatagramLife, KernelStreamLife};
    use crate::support::{DatagramLife, StreamLife};

    #[divan::bench]
    fn datagram_emulated(bencher: Bencher) {
        let mut life = DatagramLife::new();
        bencher.bench_local(|| life.run());
    }

    #[divan::bench]
    fn datagram_kernel(bencher: Bencher) {
        let mut life = KernelDatagramLife::new();
        bencher.bench_local(|| life.run());
    }

    #[divan::bench]
    fn stream_emulated(bencher: Bencher) {
        let mut life = StreamLife::new();
        bencher.bench_local(|| life.run());
    }

    /// Few samples: every connection leaves a TIME_WAIT entry behind.
    #[divan::bench(sample_count = 20, sample_size = 50)]
    fn stream_kernel(bencher: Bencher) {
        let mut life = KernelStreamLife::new();
        bencher.bench_local(|| life.run());
    }
}

/// Comparison 4: the cost of one call as the table and one socket's names grow.
mod scale {
    use super::*;
    use crate::support::{ManyNames, ManySockets};

    #[divan::bench(args = [10, 10_000, 1_000_000], sample_count = 50)]
    fn live_sockets(bencher: Bencher, live: usize) {
        let mut calls = ManySockets::new(live);
        bencher.bench_local(|| calls.run());
    }

    #[divan::bench(args = [10, 1_000, 100_000], sample_count = 50)]
    fn names_on_one_socket(bencher: Bencher, names: usize) {
        let mut calls = ManyNames::new(names);
        bencher.bench_local(|| calls.run());
    }
}

/// Comparison 5: one and two threads, each on its own socket of the process-wide network.
mod threads {
    use std::sync::OnceLock;

    use super::*;
    use crate::support::{name_bytes, peer, set_name};
    use winsock_emu::sys::SOCKET;
    use winsock_emu::{Domain, Network, Startup, Type};

    /// `WSAStartup` on the process-wide network, once for the whole run.
    fn started() -> &'static Startup {
        static STARTUP: OnceLock<Startup> = OnceLock::new();
        STARTUP.get_or_init(|| Network::global().startup().expect("WSAStartup"))
    }

    thread_local! {
        /// This thread's own socket of the process-wide network.
        static SOCKET_OF_THREAD: SOCKET = {
            started();
            Network::global().socket(Domain::IPV4, Type::DGRAM, None).expect("socket").into_raw()
        };
    }

    #[divan::bench(threads = [1, 2])]
    fn set_name_on_own_socket(bencher: Bencher) {
        started();
        let bytes = name_bytes(peer(1));
        bencher.bench(|| SOCKET_OF_THREAD.with(|&socket| set_name(socket, &bytes)));
    }
}

/// Comparison 8: a blocking ping-pong of 64-byte messages between two threads, over an
/// emulated TCP connection and over real loopback TCP (`std::net`).
mod ping_pong {
    use super::*;
    use crate::support::ping_pong::{EmulatedPingPong, KernelPingPong};

    #[divan::bench]
    fn emulated(bencher: Bencher) {
        let mut pair = EmulatedPingPong::new();
        bencher.bench_local(|| pair.run());
    }

    #[divan::bench]
    fn kernel(bencher: Bencher) {
        let mut pair = KernelPingPong::new();
        bencher.bench_local(|| pair.run());
    }
}
