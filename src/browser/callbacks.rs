//! The user's callbacks, and the one place that calls them: a throwing callback
//! is caught and reported under its name, never propagated into the SDK.

use crate::core::text::concat;
use js_sys::Function;
use wasm_bindgen::JsValue;

/// The functions the user passed in the options, and `debug`.
#[derive(Debug, Clone, Default)]
pub struct Callbacks {
    /// `onconnect(info)`.
    pub onconnect: Option<Function>,
    /// `ondisconnect(event)`.
    pub ondisconnect: Option<Function>,
    /// `onwillreconnect({retryCount, duration})`.
    pub onwillreconnect: Option<Function>,
    /// `onloginportschange(ports)`.
    pub onloginportschange: Option<Function>,
    /// `onerror({code, message})`.
    pub onerror: Option<Function>,
    /// `reconnectDelayProvider(proposed)`.
    pub reconnect_delay_provider: Option<Function>,
    /// `logFunc(level, message, detail)`.
    pub log_func: Option<Function>,
    /// Whether debug lines are logged.
    pub debug: bool,
}

/// Calls `function` (option `name`) with `arg` if set; a throw is reported and
/// yields `None`.
pub fn call(
    callbacks: &Callbacks,
    function: Option<&Function>,
    name: &str,
    arg: &JsValue,
) -> Option<JsValue> {
    let function = function?;
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
/// "nim-wasm: " + message, undefined)`, else `console.error` or `console.log`.
fn log(callbacks: &Callbacks, error: bool, message: &str, detail: &JsValue) {
    let message = JsValue::from_str(&concat(&["nim-wasm: ", message]));
    let level = JsValue::from_str(if error { "error" } else { "debug" });
    log_line(callbacks, &level, &message, detail);
}

/// `logFunc(level, message, detail)`, else `console.error` (level `"error"`) or
/// `console.log`: a line of this instance, or of a shared session's worker.
pub fn log_line(callbacks: &Callbacks, level: &JsValue, message: &JsValue, detail: &JsValue) {
    if let Some(log) = &callbacks.log_func {
        // `detail` is `undefined` on a debug line, as an argument left out reads.
        if log
            .call3(&JsValue::UNDEFINED, level, message, detail)
            .is_ok()
        {
            return;
        }
    }
    if level.as_string().as_deref() == Some("error") {
        web_sys::console::error_2(message, detail);
    } else {
        web_sys::console::log_1(message);
    }
}
