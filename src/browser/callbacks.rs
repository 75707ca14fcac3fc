//! The user's callbacks, and the one place that calls them: a throwing callback
//! is caught and reported under its name, never propagated into the SDK.

use crate::core::text::concat;
use js_sys::Function;
use wasm_bindgen::JsValue;

/// The functions the user passed in the options.
#[derive(Debug, Clone, Default)]
pub struct Callbacks {
    /// `onconnect(info)`.
    pub onconnect: Option<Function>,
    /// `ondisconnect(err)`.
    pub ondisconnect: Option<Function>,
    /// `onwillreconnect({retryCount, duration})`.
    pub onwillreconnect: Option<Function>,
    /// `onloginportschange(ports)`.
    pub onloginportschange: Option<Function>,
    /// `onerror(err)`.
    pub onerror: Option<Function>,
    /// `reconnectDelayProvider(delayMs)`.
    pub reconnect_delay_provider: Option<Function>,
    /// `logFunc(level, message, detail?)`.
    pub log_func: Option<Function>,
    /// Whether debug lines are logged.
    pub debug: bool,
}

/// Calls `function(arg)` if set; a throw is reported as `name` and yields `None`.
pub fn call(
    callbacks: &Callbacks,
    name: &str,
    function: &Option<Function>,
    arg: &JsValue,
) -> Option<JsValue> {
    let function = function.as_ref()?;
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
    let message = JsValue::from_str(&concat(&["nim-wasm: ", message]));
    if let Some(log) = &callbacks.log_func {
        if log
            .call3(&JsValue::UNDEFINED, &"error".into(), &message, detail)
            .is_ok()
        {
            return;
        }
    }
    web_sys::console::error_2(&message, detail);
}

/// Logs a debug line when `debug` is on, through `logFunc` or `console.log`.
pub fn debug(callbacks: &Callbacks, line: &str) {
    if !callbacks.debug {
        return;
    }
    let line = JsValue::from_str(&concat(&["nim-wasm: ", line]));
    if let Some(log) = &callbacks.log_func {
        if log
            .call2(&JsValue::UNDEFINED, &"debug".into(), &line)
            .is_ok()
        {
            return;
        }
    }
    web_sys::console::log_1(&line);
}
