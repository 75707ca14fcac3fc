//! nim-wasm: the connection layer of the NIM Web SDK (login, heartbeat, reconnect,
//! multi-device, kick) in Rust and WebAssembly, as the JavaScript class `NIM`.
//!
//! # Design: one protocol core, thin edges
//!
//! - [`core`] holds one [`Session`](crate::core::Session) per account: a state machine with no I/O
//!   and no clock. User calls, socket events, decoded messages, page events and timer
//!   expiry go in with the current time; actions (open a socket, send a message,
//!   close a socket), the next timer deadline and events (callbacks, settled
//!   requests) come out. Reconnect backoff is its own small machine
//!   ([`Backoff`](crate::core::Backoff): exponential, capped, then full jitter). The core builds and
//!   is tested natively with simulated time (`tests/native/`).
//! - [`payload`] holds the arguments of the user's callbacks as serde types; the
//!   wire messages are the `nim-protocol` crate's. In the browser,
//!   serde-wasm-bindgen turns both into JavaScript values and back, and the
//!   browser's own `JSON` does the text.
//! - `browser` (wasm32 only) is the driver: it owns the WebSocket, the one timer and
//!   the page listeners of each instance, releases them when the session ends, and
//!   exposes the `NIM` class with its TypeScript typings.
//!
//! # The run loop
//!
//! Every input in the browser goes through one function (`browser::instance::drive`):
//!
//! ```text
//! JS call / socket event / timer / page event  (one `Input`)
//!   └─ borrow the instance ─ session.handle_*(now, ...) or a user call
//!        ├─ while let Some(action) = session.poll_action()  → open / send / close
//!        └─ session.poll_timeout()                          → (re)arm the one timer
//!   └─ release the borrow, then, one event at a time:
//!        borrow ─ session.poll_event() ─ release ─ user callback, `done`, Promise
//! ```
//!
//! User code runs only after the borrow is released, so a callback may call any
//! method of the instance (its events queue behind the ones being delivered), and
//! a callback that throws is reported through `logFunc` or the console.

pub mod core;
pub mod payload;

#[cfg(any(target_arch = "wasm32", test))]
mod field_names;

#[cfg(target_arch = "wasm32")]
pub mod browser;
