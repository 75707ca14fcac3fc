//! Reconnect backoff: exponential, capped, then full jitter.
//!
//! ```text
//! ceiling(n) = min(cap, base * 2^(n-1))      n = 1, 2, 3, ...
//! delay(n)   = uniform(floor ..= ceiling(n))
//! ```
//!
//! The cap comes first and the jitter after it, so once a fleet of clients has
//! reached the cap their retries are spread evenly over `floor..=cap` instead of
//! arriving in lockstep (9.x used +-1 % jitter). The small floor keeps a client
//! from retrying in a busy loop; the draw starts at the floor rather than being
//! raised to it, so no share of the fleet piles up on the floor itself.

/// The first retry's ceiling, in ms.
pub const BASE_DELAY_MS: u64 = 1_000;
/// The largest ceiling, in ms.
pub const MAX_DELAY_MS: u64 = 16_000;
/// The smallest delay ever returned, in ms.
pub const MIN_DELAY_MS: u64 = 250;

/// The exponential, capped, fully jittered delay before each retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    base: u64,
    cap: u64,
    retries: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::new(BASE_DELAY_MS, MAX_DELAY_MS)
    }
}

impl Backoff {
    /// A backoff whose first ceiling is `base` ms, doubling up to `cap` ms.
    pub fn new(base: u64, cap: u64) -> Self {
        Backoff {
            base,
            cap,
            retries: 0,
        }
    }

    /// Forgets all earlier retries (after a successful login or a manual connect).
    pub fn reset(&mut self) {
        self.retries = 0;
    }

    /// How many delays were handed out since the last reset.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The ceiling of the next delay, before jitter.
    pub fn next_ceiling(&self) -> u64 {
        // Doubling by addition until the cap: a saturating multiply of u64s would
        // pull a 128-bit multiplication into the wasm.
        let mut ceiling = self.base;
        for _ in 0..self.retries.min(32) {
            if ceiling >= self.cap {
                break;
            }
            ceiling = ceiling.saturating_add(ceiling);
        }
        ceiling.min(self.cap)
    }

    /// The next delay in ms; `unit` is a uniform random number in `[0, 1)`.
    pub fn next_delay(&mut self, unit: f64) -> u64 {
        let ceiling = self.next_ceiling();
        self.retries = self.retries.saturating_add(1);
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let floor = MIN_DELAY_MS.min(ceiling);
        // Truncation is the point: the draw maps [0, 1) onto floor..=ceiling.
        let drawn = floor + (unit * (ceiling - floor + 1) as f64) as u64;
        drawn.min(ceiling)
    }
}

/// A small deterministic random source (SplitMix64) for the jitter.
///
/// The driver seeds it from the platform's randomness; tests seed it with a constant.
#[derive(Debug, Clone)]
pub struct Jitter {
    state: u64,
}

impl Jitter {
    /// A source that starts from `seed`.
    pub fn new(seed: u64) -> Self {
        Jitter { state: seed }
    }

    /// The next uniform number in `[0, 1)`.
    pub fn next_unit(&mut self) -> f64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_double_then_stop_at_the_cap() {
        let mut backoff = Backoff::new(1_000, 16_000);
        let ceilings: Vec<u64> = (0..7)
            .map(|_| {
                let c = backoff.next_ceiling();
                backoff.next_delay(0.5);
                c
            })
            .collect();
        assert_eq!(
            ceilings,
            [1_000, 2_000, 4_000, 8_000, 16_000, 16_000, 16_000]
        );
    }

    #[test]
    fn full_jitter_spans_zero_to_the_ceiling_with_a_floor() {
        let mut backoff = Backoff::new(1_000, 16_000);
        for _ in 0..10 {
            backoff.next_delay(0.0);
        }
        assert_eq!(backoff.clone().next_delay(0.0), MIN_DELAY_MS);
        assert_eq!(backoff.clone().next_delay(0.999_999_999), 16_000);
        assert_eq!(backoff.clone().next_delay(0.5), 250 + 15_751 / 2);
    }

    #[test]
    fn reset_starts_over() {
        let mut backoff = Backoff::default();
        backoff.next_delay(0.5);
        backoff.next_delay(0.5);
        backoff.reset();
        assert_eq!(backoff.next_ceiling(), BASE_DELAY_MS);
        assert_eq!(backoff.retries(), 0);
    }

    #[test]
    fn jitter_spreads_a_fleet() {
        let delays: Vec<u64> = (0..100u64)
            .map(|seed| {
                let mut jitter = Jitter::new(seed);
                let mut backoff = Backoff::default();
                for _ in 0..5 {
                    backoff.next_delay(jitter.next_unit());
                }
                backoff.next_delay(jitter.next_unit())
            })
            .collect();
        let early = delays.iter().filter(|d| **d < 8_000).count();
        assert!((30..=70).contains(&early), "{early} of 100 retried early");
    }
}
