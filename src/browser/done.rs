//! How an asynchronous method reports back: the user's `done` callback, or a
//! Promise when `done` was omitted.

use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;

use super::callbacks::{report, Callbacks};

/// One pending completion.
#[derive(Debug)]
pub enum Done {
    /// `done(err)` / `done(null, result)`.
    Callback(Function),
    /// The Promise returned to the caller.
    Promise {
        /// Settles it with a value.
        resolve: Function,
        /// Settles it with an error.
        reject: Function,
    },
}

impl Done {
    /// A completion for `done`, and what the method returns: `undefined` with a
    /// `done`, else the Promise.
    pub fn new(done: Option<Function>) -> (Done, JsValue) {
        if let Some(done) = done {
            return (Done::Callback(done), JsValue::UNDEFINED);
        }
        let mut parts = None;
        let promise = Promise::new(&mut |resolve, reject| parts = Some((resolve, reject)));
        // The executor runs synchronously inside `new Promise`, so `parts` is set.
        let Some((resolve, reject)) = parts else {
            wasm_bindgen::throw_str("nim-wasm: the Promise executor did not run")
        };
        (Done::Promise { resolve, reject }, promise.into())
    }

    /// Completes with `value`.
    pub fn succeed(self, callbacks: &Callbacks, value: &JsValue) {
        self.finish(callbacks, false, value);
    }

    /// Fails with `error`.
    pub fn fail(self, callbacks: &Callbacks, error: &JsValue) {
        self.finish(callbacks, true, error);
    }

    /// `done(error)` or `done(null, value)`; `reject(error)` or `resolve(value)`.
    fn finish(self, callbacks: &Callbacks, failed: bool, value: &JsValue) {
        let result = match self {
            Done::Callback(done) if failed => done.call1(&JsValue::UNDEFINED, value),
            Done::Callback(done) => done.call2(&JsValue::UNDEFINED, &JsValue::NULL, value),
            Done::Promise { resolve, reject } => {
                (if failed { reject } else { resolve }).call1(&JsValue::UNDEFINED, value)
            }
        };
        if let Err(thrown) = result {
            report(callbacks, "done threw", &thrown);
        }
    }
}
