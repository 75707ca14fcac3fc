//! The user's callbacks, and the one place that calls them: a throwing callback
//! is caught and reported under its name, never propagated into the SDK.

use crate::core::text::concat;
use js_sys::{Function, Object};
use wasm_bindgen::{JsCast, JsValue};

use super::get;

/// The functions the user passed in the options, and `debug`.
///
/// The functions stay in the object of merged options (see `options.rs`), keyed by
/// option name (`onconnect`, `logFunc`, ...): one path looks up and calls every one
/// of them, and a `null` there removes one. The object is never changed once
/// parsed, so clones may share it.
#[derive(Debug, Clone)]
pub struct Callbacks {
    merged: Object,
    /// Whether debug lines are logged (`debug`).
    pub debug: bool,
}

impl Callbacks {
    /// The callbacks of the merged options `merged`.
    pub fn new(merged: Object, debug: bool) -> Callbacks {
        Callbacks { merged, debug }
    }

    /// The merged options object.
    pub fn merged(&self) -> &Object {
        &self.merged
    }

    /// The function of option `name`, if set.
    pub fn get(&self, name: &str) -> Option<Function> {
        let value = get(&self.merged, name);
        value.is_function().then(|| value.unchecked_into())
    }
}

/// Calls the option `name` with `arg` if set; a throw is reported and yields `None`.
pub fn call(callbacks: &Callbacks, name: &str, arg: &JsValue) -> Option<JsValue> {
    let function = callbacks.get(name)?;
    match function.call1(&JsValue::UNDEFINED, arg) {
        Ok(result) => Some(result),
        Err(thrown) => {
            report(callbacks, &concat(&[name, " threw"]), &thrown);
            None
        }
    }
}

/// Reports an error through `logFunc`, else `console.error`.
pub fn report(callbacks: &Callbacks, message: &str, detail: &JsValue) {
    log(callbacks, true, message, detail);
}

/// Logs a debug line when `debug` is on, through `logFunc` or `console.log`.
pub fn debug(callbacks: &Callbacks, line: &str) {
    if callbacks.debug {
        log(callbacks, false, line, &JsValue::UNDEFINED);
    }
}

/// `logFunc("error", "nim-wasm: " + message, detail)` or `logFunc("debug",
/// "nim-wasm: " + message)`, else `console.error` or `console.log`.
fn log(callbacks: &Callbacks, error: bool, message: &str, detail: &JsValue) {
    let message = JsValue::from_str(&concat(&["nim-wasm: ", message]));
    let level = JsValue::from_str(if error { "error" } else { "debug" });
    if let Some(log) = callbacks.get("logFunc") {
        let logged = if error {
            log.call3(&JsValue::UNDEFINED, &level, &message, detail)
        } else {
            log.call2(&JsValue::UNDEFINED, &level, &message)
        };
        if logged.is_ok() {
            return;
        }
    }
    if error {
        web_sys::console::error_2(&message, detail);
    } else {
        web_sys::console::log_1(&message);
    }
}
