//! Order statistics of latency samples.

use serde::Serialize;

/// The summary of a set of samples (milliseconds unless the caller says otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// How many samples.
    pub count: usize,
    /// The median (nearest rank).
    pub p50: f64,
    /// The 99th percentile (nearest rank).
    pub p99: f64,
    /// The arithmetic mean.
    pub mean: f64,
    /// The largest sample.
    pub max: f64,
}

impl Summary {
    /// Summarises `samples`; `None` when there are none.
    pub fn of(samples: &[f64]) -> Option<Summary> {
        if samples.is_empty() {
            return None;
        }
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        Some(Summary {
            count: sorted.len(),
            p50: nearest_rank(&sorted, 50.0),
            p99: nearest_rank(&sorted, 99.0),
            mean: sorted.iter().sum::<f64>() / sorted.len() as f64,
            max: sorted[sorted.len() - 1],
        })
    }
}

/// The `p`-th percentile of sorted, non-empty `sorted` by the nearest-rank method.
fn nearest_rank(sorted: &[f64], p: f64) -> f64 {
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The most of `times` (ms, any order) that fall in any window `[t, t + width)`.
pub fn busiest_window(times: &[u64], width: u64) -> usize {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    let mut start = 0;
    let mut best = 0;
    for end in 0..sorted.len() {
        while sorted[end] - sorted[start] >= width {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let samples: Vec<f64> = (1..=200).map(f64::from).collect();
        let s = Summary::of(&samples).expect("200 samples");
        assert_eq!((s.p50, s.p99, s.max, s.count), (100.0, 198.0, 200.0, 200));
        assert_eq!(Summary::of(&[7.0]).map(|s| s.p99), Some(7.0));
        assert_eq!(Summary::of(&[]), None);
    }

    #[test]
    fn the_busiest_window_counts_a_burst_once() {
        let times = [400, 0, 10, 99, 100, 150, 199, 210];
        assert_eq!(busiest_window(&times, 100), 3);
        assert_eq!(busiest_window(&[5, 5, 5, 5, 105], 100), 4);
        assert_eq!(busiest_window(&[], 100), 0);
    }
}
