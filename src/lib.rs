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
//!   is tested natively with simulated time (`tests/core_*.rs`).
//! - [`wire`] turns protocol messages and callback payloads into JavaScript values
//!   and back. It is written against a tiny `Json` trait rather than serde, so the
//!   browser's own `JSON` does the text and the wasm stays small; the native tests
//!   check it against the `nim-protocol` crate's serde output.
//! - `browser` (wasm32 only) is the driver: it owns the WebSocket, the one timer and
//!   the page listeners of each instance, releases them when the session ends, and
//!   exposes the `NIM` class with its TypeScript typings.
//! - `heap` (wasm32) is the global allocator: power-of-two size classes with free
//!   lists, a fraction of dlmalloc's code, since the wasm has a size budget.
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
pub mod wire;

#[cfg(any(target_arch = "wasm32", test))]
mod heap;

#[cfg(target_arch = "wasm32")]
pub mod browser;
