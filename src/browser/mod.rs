//! The browser driver around [`crate::core::Session`]: WebSocket, timers, page
//! listeners, the JavaScript `NIM` class and its TypeScript typings.

mod callbacks;
mod device_id;
mod done;
mod error;
mod instance;
mod json;
mod nim;
mod options;
mod page;
mod socket;
mod typings;

pub use error::{ErrorCode, NimError};
pub use nim::Nim;

/// A JavaScript event handler owned by Rust; one closure type for every handler
/// keeps the wasm small.
type Listener = wasm_bindgen::closure::Closure<dyn FnMut(wasm_bindgen::JsValue)>;
