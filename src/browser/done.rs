//! How an asynchronous method reports back: the user's `done` callback, or a
//! Promise when `done` was omitted.

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;

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
        let (promise, resolve, reject) = pending();
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

#[wasm_bindgen]
extern "C" {
    /// `new Promise(executor)`.
    #[wasm_bindgen(js_name = Promise)]
    type PromiseClass;
    #[wasm_bindgen(constructor, js_class = "Promise")]
    fn new(executor: &JsValue) -> PromiseClass;
}

/// A pending Promise and the functions that settle it.
///
/// The executor is `holder.push` bound to an array of our own, so `new Promise`
/// leaves `[undefined, resolve, reject]` in it (`bind1` also binds a first
/// argument): no Rust closure, whose JS glue would cost more than this function.
pub fn pending() -> (Promise, Function, Function) {
    let holder = Array::new();
    let push: Function = super::get(&holder, "push").unchecked_into();
    let promise = PromiseClass::new(&push.bind1(&holder, &JsValue::UNDEFINED)).unchecked_into();
    // `new Promise` runs the executor before it returns, so both are there.
    let settle = |at| holder.get(at).unchecked_into::<Function>();
    (promise, settle(1), settle(2))
}
