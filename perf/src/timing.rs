//! Medians of batched timings, taken in alternation: enough for ratios, small enough to
//! finish in seconds, and fair on a shared machine.
//!
//! A workload is a closure that runs its unit of work `n` times. Workloads compared with
//! each other are timed in rounds, one batch of each per round, so a burst of load from
//! elsewhere on the machine falls on all of them alike instead of on whichever ran then.
use std::time::{Duration, Instant};

/// How long one batch should take, once calibrated: short against the scheduler's time
/// slices, so that on a machine shared with other work most batches run uninterrupted and
/// the median is theirs.
const BATCH: Duration = Duration::from_micros(200);
/// Rounds per measurement (odd, so the median is one of them).
const ROUNDS: usize = 101;

/// A workload to time: its unit of work run `n` times, and the most units one batch may
/// hold (kernel TCP connections leave TIME_WAIT entries, so their total stays bounded).
pub struct Workload<'a> {
    pub run: &'a mut dyn FnMut(usize),
    pub max_batch: usize,
}

impl<'a> Workload<'a> {
    /// A workload whose batches are sized by time alone.
    pub fn new(run: &'a mut dyn FnMut(usize)) -> Self {
        Workload {
            run,
            max_batch: usize::MAX,
        }
    }

    /// A workload whose batches hold at most `max_batch` units.
    pub fn bounded(run: &'a mut dyn FnMut(usize), max_batch: usize) -> Self {
        Workload { run, max_batch }
    }
}

/// The units that fit in [`BATCH`], found by running single units for a millisecond.
fn calibrate(run: &mut dyn FnMut(usize), max_batch: usize) -> usize {
    let began = Instant::now();
    let mut units = 0u64;
    while began.elapsed() < Duration::from_millis(1) && (units as usize) < max_batch {
        run(1);
        units += 1;
    }
    let per_unit = began.elapsed().as_secs_f64() / units as f64;
    ((BATCH.as_secs_f64() / per_unit) as usize).clamp(1, max_batch)
}

/// The median nanoseconds per unit of each workload, timed in alternating rounds.
pub fn interleaved(workloads: &mut [Workload<'_>]) -> Vec<f64> {
    let batches: Vec<usize> = workloads
        .iter_mut()
        .map(|workload| calibrate(workload.run, workload.max_batch))
        .collect();
    let mut times = vec![Vec::with_capacity(ROUNDS); workloads.len()];
    for _ in 0..ROUNDS {
        for ((workload, &batch), times) in workloads.iter_mut().zip(&batches).zip(&mut times) {
            let start = Instant::now();
            (workload.run)(batch);
            times.push(start.elapsed().as_secs_f64() * 1e9 / batch as f64);
        }
    }
    times.iter_mut().map(|times| median(times)).collect()
}

/// The median of `values` (sorted in place).
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
