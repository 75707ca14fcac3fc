//! Failed logins per account: a token guesser spread over many addresses (so past
//! the per-IP limit) still gets only a few guesses per account per window.
//!
//! Only refused tokens (302) count, so a device that reconnects often is never held
//! back by its own successful logins. Once an account's failures in the window
//! reach the limit, its logins are refused with 416 before the token is even
//! checked, until the window ends; a success does not reset the count, or a guesser
//! could wait for the owner to log in and go on.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Windows are forgotten in one sweep when the map grows past this many accounts.
const SWEEP_AT: usize = 4096;

/// Fixed-window counter of refused tokens per (app key, account).
#[derive(Debug)]
pub struct LoginFailures {
    per_window: u32,
    window: Duration,
    seen: Mutex<HashMap<(String, String), (Instant, u32)>>,
}

impl LoginFailures {
    /// At most `per_window` refused tokens per account per `window`.
    pub fn new(per_window: u32, window: Duration) -> LoginFailures {
        LoginFailures {
            per_window,
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), (Instant, u32)>> {
        // Only plain counters live behind this lock; a poisoned one is still usable.
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether the account has used up its failures for the window at `now`.
    pub fn exhausted(&self, app: &str, account: &str, now: Instant) -> bool {
        let seen = self.lock();
        seen.get(&(app.to_owned(), account.to_owned()))
            .is_some_and(|(start, n)| {
                now.duration_since(*start) < self.window && *n >= self.per_window
            })
    }

    /// Counts one refused token for the account at `now`.
    pub fn record(&self, app: &str, account: &str, now: Instant) {
        let mut seen = self.lock();
        if seen.len() >= SWEEP_AT {
            let window = self.window;
            seen.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = seen
            .entry((app.to_owned(), account.to_owned()))
            .or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_exhaust_one_account_until_the_window_ends() {
        let failures = LoginFailures::new(2, Duration::from_secs(10));
        let t0 = Instant::now();
        assert!(!failures.exhausted("app", "alice", t0));
        failures.record("app", "alice", t0);
        assert!(!failures.exhausted("app", "alice", t0));
        failures.record("app", "alice", t0);
        assert!(failures.exhausted("app", "alice", t0));
        assert!(!failures.exhausted("app", "bob", t0));
        assert!(!failures.exhausted("other", "alice", t0));
        assert!(!failures.exhausted("app", "alice", t0 + Duration::from_secs(10)));
    }
}
