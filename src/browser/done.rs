//! How an asynchronous method reports back: the user's `done` callback, or a
//! Promise when `done` was omitted.

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;

use super::callbacks::{report, Callbacks};

/// One pending completion: the function to call on success and the one to call
/// on failure, each with the result or the error as its one argument.
///
/// For a `done` callback they are `done` bound to `null` (so `done(null, result)`)
/// and `done` itself (`done(error)`); for a Promise, its `resolve` and `reject`.
#[derive(Debug)]
pub struct Done {
    succeed: Function,
    fail: Function,
}

impl Done {
    /// A completion for `done`, and what the method returns: `undefined` with a
    /// `done`, else the Promise.
    pub fn new(done: Option<Function>) -> (Done, JsValue) {
        if let Some(done) = done {
            let succeed = done
                .bind1(&JsValue::UNDEFINED, &JsValue::NULL)
                .unchecked_into();
            return (
                Done {
                    succeed,
                    fail: done,
                },
                JsValue::UNDEFINED,
            );
        }
        let (promise, resolve, reject) = pending();
        let done = Done {
            succeed: resolve,
            fail: reject,
        };
        (done, promise.into())
    }

    /// Completes with `value`.
    pub fn succeed(self, callbacks: &Callbacks, value: &JsValue) {
        finish(callbacks, &self.succeed, value);
    }

    /// Fails with `error`.
    pub fn fail(self, callbacks: &Callbacks, error: &JsValue) {
        finish(callbacks, &self.fail, error);
    }
}

/// Calls `settle(value)`; a `done` that throws is reported.
fn finish(callbacks: &Callbacks, settle: &Function, value: &JsValue) {
    if let Err(thrown) = settle.call1(&JsValue::UNDEFINED, value) {
        report(callbacks, "done threw", &thrown);
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
    // `new Promise` runs the executor before it returns, so both are there. Read
    // with `Reflect.get`, whose import every property read already uses.
    let settle = |at| super::get(&holder, at).unchecked_into::<Function>();
    (promise, settle("1"), settle("2"))
}
