//! A hand-written latency recorder: every sample is kept, sorted once, and read by nearest rank.
//! At the sizes a benchmark produces (tens of thousands of samples) this is exact and cheap.

use std::fmt;
use std::time::Duration;

/// The latencies of one kind of request.
#[derive(Debug, Clone, Default)]
pub struct Latencies {
    samples: Vec<Duration>,
}

impl Latencies {
    pub fn with_capacity(n: usize) -> Self {
        Self {
            samples: Vec::with_capacity(n),
        }
    }

    pub fn record(&mut self, d: Duration) {
        self.samples.push(d);
    }

    pub fn merge(&mut self, other: Latencies) {
        self.samples.extend(other.samples);
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Sorts the samples and summarises them.
    pub fn summary(mut self) -> Summary {
        self.samples.sort_unstable();
        let n = self.samples.len();
        let total: Duration = self.samples.iter().sum();
        Summary {
            n,
            p50: percentile(&self.samples, 50.0),
            p99: percentile(&self.samples, 99.0),
            max: self.samples.last().copied().unwrap_or_default(),
            mean: match u32::try_from(n) {
                Ok(n) if n > 0 => total / n,
                _ => Duration::ZERO,
            },
        }
    }
}

/// The nearest-rank percentile of sorted samples: the smallest sample such that at least `p`
/// percent of the samples are less than or equal to it. Zero when there is none.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let n = sorted.len();
    // The rank is at least 1 and at most n; the float is small and positive, the cast exact.
    let rank = ((p / 100.0) * n as f64).ceil() as usize;
    sorted[rank.clamp(1, n) - 1]
}

/// What a set of latencies comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub n: usize,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
    pub mean: Duration,
}

/// Milliseconds with one decimal below 100 ms, none above.
pub fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1000.0;
    if v < 100.0 {
        format!("{v:.1}ms")
    } else {
        format!("{v:.0}ms")
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "n={} p50={} p99={} mean={} max={}",
            self.n,
            ms(self.p50),
            ms(self.p99),
            ms(self.mean),
            ms(self.max)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn millis(v: &[u64]) -> Latencies {
        let mut l = Latencies::default();
        for &m in v {
            l.record(Duration::from_millis(m));
        }
        l
    }

    #[test]
    fn nearest_rank() {
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&sorted, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&sorted, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&sorted, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&sorted, 0.0), Duration::from_millis(1));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }

    #[test]
    fn small_sets_take_the_upper_sample() {
        let s = millis(&[30, 10, 20]).summary();
        assert_eq!(s.n, 3);
        assert_eq!(s.p50, Duration::from_millis(20));
        assert_eq!(s.p99, Duration::from_millis(30));
        assert_eq!(s.max, Duration::from_millis(30));
        assert_eq!(s.mean, Duration::from_millis(20));
    }

    #[test]
    fn merge_keeps_every_sample() {
        let mut a = millis(&[5, 1]);
        a.merge(millis(&[3]));
        assert_eq!(a.len(), 3);
        let s = a.summary();
        assert_eq!(s.p50, Duration::from_millis(3));
        assert_eq!(s.max, Duration::from_millis(5));
    }

    #[test]
    fn empty_summary_is_zero() {
        let s = Latencies::default().summary();
        assert_eq!(s.n, 0);
        assert_eq!(s.max, Duration::ZERO);
        assert_eq!(s.mean, Duration::ZERO);
    }

    #[test]
    fn display_in_milliseconds() {
        assert_eq!(ms(Duration::from_micros(1_300)), "1.3ms");
        assert_eq!(ms(Duration::from_millis(250)), "250ms");
    }
}
