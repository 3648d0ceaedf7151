//! Summaries of timed samples: p50, p95, p99 and max, by nearest rank.

use std::time::{Duration, Instant};

/// The figures of one per-operation measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub samples: usize,
    pub p50_us: f64,
    pub p95_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
}

impl Summary {
    /// Summarises samples (an empty list gives zeros and no samples).
    pub fn of(samples: &[Duration]) -> Summary {
        let mut us: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e6).collect();
        us.sort_by(f64::total_cmp);
        Summary {
            samples: us.len(),
            p50_us: rank(&us, 0.50),
            p95_us: rank(&us, 0.95),
            p99_us: rank(&us, 0.99),
            max_us: us.last().copied().unwrap_or(0.0),
        }
    }
}

/// The nearest-rank percentile of sorted values: the smallest value with at
/// least `q` of the samples at or below it.
fn rank(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let n = sorted.len();
    let i = ((q * n as f64).ceil() as usize).clamp(1, n) - 1;
    sorted[i]
}

/// Times `f`, returning its result and how long it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// The median of a few values (cold start runs).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let d: Vec<Duration> = (1..=100).map(Duration::from_micros).collect();
        let s = Summary::of(&d);
        assert_eq!(s.samples, 100);
        assert_eq!(s.p50_us.round(), 50.0);
        assert_eq!(s.p95_us.round(), 95.0);
        assert_eq!(s.p99_us.round(), 99.0);
        assert_eq!(s.max_us.round(), 100.0);
        assert_eq!(Summary::of(&[]).samples, 0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
