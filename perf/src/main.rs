//! The performance report of winsock-emu: every comparison of `docs/performance.md` in one
//! run, one `ratio <what>: <number>` line each, followed by the medians it came from.
//!
//! `cargo run --release -p winsock-emu-perf` (from the repository root). The workloads are
//! those of the divan benches (`perf/benches/support`), shared by path with them.
#[path = "../benches/support/mod.rs"]
mod support;

mod counting;
mod timing;
mod turmoil_side;

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use support::floor::Floor;
use support::kernel::{KernelDatagramLife, KernelStreamLife};
use support::{DatagramLife, DatagramRoundTrip, Env, ManyNames, ManySockets, SetName, StreamLife};
use timing::{interleaved, median, Workload};
use winsock_emu::{Domain, Type};

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

/// How many ratios missed their target in this run.
static MISSED: AtomicUsize = AtomicUsize::new(0);

/// Whether `value` meets the target written in `what` as `(target <op> <number>)`, with
/// `<op>` one of `<=`, `>=`, `<`, `>`; `None` when `what` states no target.
fn meets_target(what: &str, value: f64) -> Option<bool> {
    let (_, rest) = what.split_once("(target ")?;
    let (condition, _) = rest.split_once(')')?;
    let (op, number) = condition.split_once(' ')?;
    let bound: f64 = number.replace(',', "").parse().ok()?;
    match op {
        "<=" => Some(value <= bound),
        ">=" => Some(value >= bound),
        "<" => Some(value < bound),
        ">" => Some(value > bound),
        _ => None,
    }
}

/// Prints a comparison's ratio line, marked `MISSED` (and counted) when the ratio misses
/// the target its description states.
fn ratio(what: &str, value: f64) {
    if meets_target(what, value) == Some(false) {
        MISSED.fetch_add(1, Ordering::Relaxed);
        println!("ratio {what}: {value:.2} MISSED");
    } else {
        println!("ratio {what}: {value:.2}");
    }
}

/// Prints the medians a ratio came from.
fn medians(pairs: &[(&str, f64)]) {
    let text: Vec<String> = pairs
        .iter()
        .map(|(what, ns)| format!("{what} {ns:.1} ns"))
        .collect();
    println!("  median: {}", text.join("; "));
}

/// `n` runs of `run`.
fn repeat(mut run: impl FnMut()) -> impl FnMut(usize) {
    move |n| (0..n).for_each(|_| run())
}

fn floor() {
    let mut floor = Floor::default();
    let bytes = support::name_bytes(support::peer(1));
    let mut least = repeat(|| floor.set(black_box(&bytes)).expect("floor"));
    let mut call = SetName::new();
    let mut ours = |n| call.runs(n);
    let [least, ours] = interleaved(&mut [Workload::new(&mut least), Workload::new(&mut ours)])[..]
    else {
        unreachable!()
    };
    ratio(
        "1 sys WSASetSocketPeerTargetName / floor (target <= 2)",
        ours / least,
    );
    medians(&[("floor", least), ("sys call", ours)]);
}

fn kernel() {
    let mut ours = DatagramLife::new();
    let mut ours = repeat(|| ours.run());
    let mut kernel = KernelDatagramLife::new();
    let mut kernel = repeat(|| kernel.run());
    let [ours_datagram, kernel_datagram] =
        interleaved(&mut [Workload::new(&mut ours), Workload::new(&mut kernel)])[..]
    else {
        unreachable!()
    };
    ratio(
        "2a loopback UDP life / emulated datagram life (target >= 20)",
        kernel_datagram / ours_datagram,
    );
    medians(&[
        (
            "emulated socket+name+connect+send+echo+recv+close",
            ours_datagram,
        ),
        (
            "std::net bind+connect+send+echo+recv+close",
            kernel_datagram,
        ),
    ]);

    let mut ours = StreamLife::new();
    let mut ours = repeat(|| ours.run());
    let mut kernel = KernelStreamLife::new();
    let mut kernel = repeat(|| kernel.run());
    // At most 6 connections a round, about 600 in all: each leaves a TIME_WAIT entry.
    let [ours_stream, kernel_stream] =
        interleaved(&mut [Workload::new(&mut ours), Workload::bounded(&mut kernel, 6)])[..]
    else {
        unreachable!()
    };
    ratio(
        "2b loopback TCP connection / emulated stream connection (target >= 20)",
        kernel_stream / ours_stream,
    );
    medians(&[
        (
            "emulated socket+name+connect+accept+send/recv each way+close x2",
            ours_stream,
        ),
        (
            "std::net connect+accept+write/read each way+close x2",
            kernel_stream,
        ),
    ]);
}

fn turmoil() {
    // turmoil runs inside its own simulation, so the two sides cannot alternate.
    let mut ours = DatagramRoundTrip::new();
    let mut ours = repeat(|| ours.run());
    let [ours_round_trip] = interleaved(&mut [Workload::new(&mut ours)])[..] else {
        unreachable!()
    };
    let theirs = turmoil_side::round_trip_ns();
    ratio(
        "3 turmoil UDP round trip / emulated datagram round trip (target > 1)",
        theirs / ours_round_trip,
    );
    medians(&[
        ("emulated sendto+echo+recvfrom", ours_round_trip),
        ("turmoil send_to+echo+recv_from", theirs),
    ]);
    let life = turmoil_side::datagram_life_ns();
    println!("  median: turmoil bind+connect+close (a socket's life, no data) {life:.1} ns");
}

fn scale() {
    let mut sockets: Vec<ManySockets> = [10, 10_000, 1_000_000].map(ManySockets::new).into();
    let mut runs: Vec<_> = sockets
        .iter_mut()
        .map(|calls| move |n| calls.runs(n))
        .collect();
    let mut workloads: Vec<Workload<'_>> = runs.iter_mut().map(|run| Workload::new(run)).collect();
    let by_sockets = interleaved(&mut workloads);
    drop(workloads);
    drop(runs);
    drop(sockets);
    ratio(
        "4a call with 1,000,000 sockets / with 10 (target <= 1.5)",
        by_sockets[2] / by_sockets[0],
    );
    medians(&[
        ("10 sockets", by_sockets[0]),
        ("10,000", by_sockets[1]),
        ("1,000,000", by_sockets[2]),
    ]);

    let mut names: Vec<ManyNames> = [10, 1_000, 100_000].map(ManyNames::new).into();
    let mut runs: Vec<_> = names
        .iter_mut()
        .map(|calls| move |n| calls.runs(n))
        .collect();
    let mut workloads: Vec<Workload<'_>> = runs.iter_mut().map(|run| Workload::new(run)).collect();
    let by_names = interleaved(&mut workloads);
    ratio(
        "4b call with 100,000 names on the socket / with 10 (target <= 1.5)",
        by_names[2] / by_names[0],
    );
    medians(&[
        ("10 names", by_names[0]),
        ("1,000", by_names[1]),
        ("100,000", by_names[2]),
    ]);
}

fn threads() {
    const CALLS: usize = 100_000;
    const ROUNDS: usize = 21;
    let (mut one, mut two, mut apart) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        one.push(support::threads::shared_table(1, CALLS).as_secs_f64());
        two.push(support::threads::shared_table(2, CALLS).as_secs_f64());
        apart.push(support::threads::separate_tables(2, CALLS).as_secs_f64());
    }
    // The fastest round of each: on a machine whose second core is not always there (a
    // VM's vCPU, other work), a round where both threads ran at once shows what the
    // design allows; one thread's fastest round is its figure too, so the two compare
    // like with like. The medians follow, to show how often the machine got there.
    let best = |times: &[f64]| times.iter().copied().fold(f64::INFINITY, f64::min);
    let (best_one, best_two, best_apart) = (best(&one), best(&two), best(&apart));
    // Two threads make twice the calls: throughput ratio = (2 * CALLS / two) / (CALLS / one).
    ratio(
        "5 two threads / one thread on one network, calls per second, fastest of 21 rounds (target >= 1.6)",
        2.0 * best_one / best_two,
    );
    let per_call = |wall: f64| wall * 1e9 / CALLS as f64;
    println!(
        "  fastest: 1 thread, per call {:.1} ns; 2 threads on one network, wall per call pair {:.1} ns; 2 threads on two networks (control) {:.1} ns",
        per_call(best_one),
        per_call(best_two),
        per_call(best_apart)
    );
    println!(
        "  control: two threads on separate networks reach {:.2}x; one shared network reaches {:.2} of that",
        2.0 * best_one / best_apart,
        best_apart / best_two
    );
    let (one, two, apart) = (median(&mut one), median(&mut two), median(&mut apart));
    println!(
        "  medians: two threads on one network {:.2}x, on two networks {:.2}x",
        2.0 * one / two,
        2.0 * one / apart
    );
}

/// Live bytes added per item when `make` is called `count` times on a fresh network.
fn bytes_per(count: usize, make: impl Fn(&Env, usize)) -> f64 {
    let env = Env::new();
    make(&env, 0);
    let before = counting::live_bytes();
    for i in 1..=count {
        make(&env, i);
    }
    (counting::live_bytes() - before) as f64 / count as f64
}

fn memory() {
    counting::start();
    let idle_counts = [1_000, 10_000, 100_000];
    let idle: Vec<f64> = idle_counts
        .iter()
        .map(|&count| {
            bytes_per(count, |env, _| {
                let _ = env
                    .net
                    .socket(Domain::IPV4, Type::DGRAM, None)
                    .expect("socket")
                    .into_raw();
            })
        })
        .collect();
    let worst = idle.iter().copied().fold(0.0, f64::max);
    ratio(
        "6a bytes per idle socket, worst of 1k/10k/100k sockets / 256 (target < 1)",
        worst / 256.0,
    );
    println!(
        "  bytes per idle socket: {:.1} (1,000 sockets), {:.1} (10,000), {:.1} (100,000)",
        idle[0], idle[1], idle[2]
    );

    let env = Env::new();
    let socket = env
        .net
        .socket(Domain::IPV4, Type::DGRAM, None)
        .expect("socket");
    let name_bytes = (support::NAME.encode_utf16().count() * 2) as f64;
    let before = counting::live_bytes();
    const NAMES: usize = 10_000;
    for i in 0..NAMES {
        socket
            .set_peer_target_name(support::peer(i), support::NAME)
            .expect("set name");
    }
    let per_name = (counting::live_bytes() - before) as f64 / NAMES as f64;
    ratio(
        "6b bytes per stored name beyond its UTF-16 units / 256",
        (per_name - name_bytes) / 256.0,
    );
    println!("  bytes per stored name: {per_name:.1} ({name_bytes} of them the name's UTF-16 units; 10,000 names on one socket)");
    counting::stop();
}

/// Not part of the report: each workload of comparison 1 and the datagram life of 2a run a
/// fixed 10,000 times, untimed, for `valgrind --tool=callgrind` (instruction counts per
/// call = inclusive count / 10,000).
fn profile() {
    const RUNS: usize = 10_000;
    let mut floor = Floor::default();
    let bytes = support::name_bytes(support::peer(1));
    (0..RUNS).for_each(|_| floor.set(black_box(&bytes)).expect("floor"));
    let mut call = SetName::new();
    (0..RUNS).for_each(|_| call.run());
    let mut life = DatagramLife::new();
    (0..RUNS).for_each(|_| life.run());
}

fn main() {
    let began = Instant::now();
    println!(
        "winsock-emu performance report ({} cores available)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    // Arguments pick sections by name (`floor kernel turmoil scale threads memory`; `profile`
    // for callgrind); none: every section of the report.
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    let sections: [(&str, fn()); 6] = [
        ("floor", floor),
        ("kernel", kernel),
        ("turmoil", turmoil),
        ("scale", scale),
        ("threads", threads),
        ("memory", memory),
    ];
    for (name, section) in sections {
        if wanted.is_empty() || wanted.iter().any(|w| w == name) {
            section();
        }
    }
    if wanted.iter().any(|w| w == "profile") {
        profile();
    }
    match MISSED.load(Ordering::Relaxed) {
        0 => println!("every target met"),
        missed => println!("targets MISSED: {missed} (the lines marked MISSED)"),
    }
    println!("report took {:.1} s", began.elapsed().as_secs_f64());
}

#[cfg(test)]
mod tests {
    use super::meets_target;

    #[test]
    fn a_target_is_read_from_the_description() {
        assert_eq!(meets_target("1 x / floor (target <= 2)", 2.0), Some(true));
        assert_eq!(meets_target("1 x / floor (target <= 2)", 2.1), Some(false));
        assert_eq!(meets_target("2a x (target >= 20)", 19.9), Some(false));
        assert_eq!(meets_target("3 x (target > 1)", 1.0), Some(false));
        assert_eq!(meets_target("6a x / 256 (target < 1)", 0.5), Some(true));
        assert_eq!(meets_target("4a x (target <= 1.5)", 1.5), Some(true));
        assert_eq!(meets_target("6b bytes per stored name / 256", 9.0), None);
    }
}
