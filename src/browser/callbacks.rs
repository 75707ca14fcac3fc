//! The user's callbacks, and the one place that calls them: a throwing callback
//! is caught and reported under its name, never propagated into the SDK.

use crate::core::text::concat;
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::get;

/// The functions the user passed in the options.
///
/// They live in a plain object of the SDK's own, keyed by option name
/// (`onconnect`, `logFunc`, ...), so one path sets, looks up and calls every one of
/// them. Clones share the object; [`Callbacks::fork`] gives an independent copy.
#[derive(Debug, Clone)]
pub struct Callbacks {
    functions: Object,
    /// Whether debug lines are logged (`debug`).
    pub debug: bool,
}

impl Default for Callbacks {
    fn default() -> Self {
        Callbacks {
            functions: Object::new(),
            debug: false,
        }
    }
}

impl Callbacks {
    /// A copy whose changes do not show in `self`, for options being parsed over
    /// the live ones (a rejected `setOptions` must leave them as they were).
    pub fn fork(&self) -> Callbacks {
        Callbacks {
            functions: Object::assign(&Object::new(), &self.functions),
            debug: self.debug,
        }
    }

    /// Sets the option `name` to `function`; `None` removes it.
    pub fn set(&self, name: &str, function: Option<&Function>) {
        let key = JsValue::from_str(name);
        // Setting or deleting a property of a plain object of our own cannot fail.
        let _ = match function {
            Some(function) => Reflect::set(&self.functions, &key, function),
            None => Reflect::delete_property(&self.functions, &key),
        };
    }

    /// The function of option `name`, if set.
    pub fn get(&self, name: &str) -> Option<Function> {
        get(&self.functions, name).dyn_into().ok()
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
