//! The instance's one timer: a gloo-timers [`Timeout`], owned by the instance;
//! dropping it cancels the call.

use gloo_timers::callback::Timeout;

use super::{Input, Sink};

/// Reports [`Input::Timer`] to `sink` once, after `ms` milliseconds, unless the
/// returned `Timeout` is dropped first.
pub fn start(ms: u32, sink: &Sink) -> Timeout {
    let sink = sink.clone();
    Timeout::new(ms, move || sink(Input::Timer))
}
