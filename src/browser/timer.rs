//! The instance's one timer: a `setTimeout` owned by Rust and cleared on drop.

use js_sys::Function;
use wasm_bindgen::prelude::*;

use super::{listener, Input, Listener, Sink};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: u32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// A pending `setTimeout`; dropping it cancels the call.
pub struct Timer {
    id: JsValue,
    /// The handler, kept alive until the timer fires or is dropped; the same closure
    /// type as every other handler keeps the wasm small.
    _handler: Listener,
}

impl Timer {
    /// Reports [`Input::Timer`] to `sink` once, after `ms` milliseconds.
    pub fn new(ms: u32, sink: &Sink) -> Timer {
        let handler = listener(sink, 0, |_, _| Input::Timer);
        let id = set_timeout(handler.as_ref().unchecked_ref(), ms);
        Timer {
            id,
            _handler: handler,
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}
