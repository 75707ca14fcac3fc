//! Admission limits: open connections in total, and login attempts per IP address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Counts open WebSocket connections against a maximum.
#[derive(Debug)]
pub struct ConnectionSlots {
    open: AtomicUsize,
    max: usize,
}

/// One taken slot; dropping it frees the slot.
#[derive(Debug)]
pub struct ConnectionSlot(Arc<ConnectionSlots>);

impl ConnectionSlots {
    /// Room for `max` connections.
    pub fn new(max: usize) -> Arc<ConnectionSlots> {
        Arc::new(ConnectionSlots {
            open: AtomicUsize::new(0),
            max,
        })
    }

    /// Takes a slot, or `None` when all are taken.
    pub fn try_take(self: &Arc<Self>) -> Option<ConnectionSlot> {
        self.open
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| ConnectionSlot(Arc::clone(self)))
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Fixed-window counter of login attempts per IP address.
#[derive(Debug)]
pub struct LoginAttempts {
    per_window: u32,
    window: Duration,
    seen: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

/// Windows are forgotten in one sweep when the map grows past this many addresses.
const SWEEP_AT: usize = 4096;

impl LoginAttempts {
    /// At most `per_window` attempts per `window` from one address.
    pub fn new(per_window: u32, window: Duration) -> LoginAttempts {
        LoginAttempts {
            per_window,
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one attempt from `ip` at `now`; `false` when it is over the limit.
    pub fn allow(&self, ip: IpAddr, now: Instant) -> bool {
        // Only plain counters live behind this lock; a poisoned one is still usable.
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() >= SWEEP_AT {
            let window = self.window;
            seen.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = seen.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        entry.1 <= self.per_window
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_returned_on_drop() {
        let slots = ConnectionSlots::new(1);
        let first = slots.try_take();
        assert!(first.is_some());
        assert!(slots.try_take().is_none());
        drop(first);
        assert!(slots.try_take().is_some());
    }

    #[test]
    fn attempts_reset_with_the_window() {
        let limit = LoginAttempts::new(2, Duration::from_secs(10));
        let ip: IpAddr = [127, 0, 0, 1].into();
        let t0 = Instant::now();
        assert!(limit.allow(ip, t0));
        assert!(limit.allow(ip, t0));
        assert!(!limit.allow(ip, t0));
        assert!(limit.allow([127, 0, 0, 2].into(), t0));
        assert!(limit.allow(ip, t0 + Duration::from_secs(10)));
    }
}
