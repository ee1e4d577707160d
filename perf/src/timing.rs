//! Medians of batched timings: enough for ratios, small enough to finish in seconds.
use std::time::{Duration, Instant};

/// How long one sample should take, once calibrated.
const SAMPLE: Duration = Duration::from_millis(3);
/// Samples per measurement (odd, so the median is one of them).
const SAMPLES: usize = 31;

/// The median time of one `run`, in nanoseconds: `run` is first timed until it has taken
/// a millisecond, to size batches of about [`SAMPLE`]; then [`SAMPLES`] batches are timed.
pub fn median_ns(mut run: impl FnMut()) -> f64 {
    let began = Instant::now();
    let mut calibration = 0u64;
    while began.elapsed() < Duration::from_millis(1) {
        run();
        calibration += 1;
    }
    let per_iteration = began.elapsed().as_secs_f64() / calibration as f64;
    let batch = ((SAMPLE.as_secs_f64() / per_iteration) as usize).max(1);
    fixed_ns(run, batch, SAMPLES)
}

/// The median time of one `run` over `samples` batches of `batch` runs: for workloads
/// whose total count must stay bounded (kernel TCP connections leave TIME_WAIT entries).
pub fn fixed_ns(mut run: impl FnMut(), batch: usize, samples: usize) -> f64 {
    let mut times: Vec<f64> = (0..samples)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                run();
            }
            start.elapsed().as_secs_f64() * 1e9 / batch as f64
        })
        .collect();
    median(&mut times)
}

/// The median of `values` (sorted in place).
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
