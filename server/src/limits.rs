//! The total connection limit.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

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
}
