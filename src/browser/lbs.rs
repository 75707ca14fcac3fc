//! One LBS request: `fetch(url)` then `response.json()`, with an `AbortController`
//! so the driver can cancel it once the session stopped waiting (the timeout is the
//! core's). `fetch` and the controller are declared here rather than through
//! web-sys features, which would add their glue to the package, and their methods
//! are called through [`invoke`](super::invoke).

use crate::core::text::concat;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::{invoke, listener, then, Input, Listener, Sink};
use crate::core::text::decimal;
use crate::core::FetchId;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (a window's or a worker's). Whatever fails (a malformed URL
    /// included) rejects the Promise; a throw (no `fetch` at all) is caught too.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str, init: &JsValue) -> Result<Promise, JsValue>;

    type AbortController;
    #[wasm_bindgen(constructor)]
    fn new() -> AbortController;
}

/// The addresses of a `code: 200` reply, or what went wrong.
pub type LbsReply = Result<Vec<String>, String>;

/// An LBS request in flight.
///
/// Its handlers belong to JavaScript: the Promises hold them, and the garbage
/// collector frees them (Rust side included, through wasm-bindgen's
/// FinalizationRegistry) once the request settled, also when the instance was
/// dropped in the meantime (they then find no instance to report to).
pub struct LbsRequest {
    /// Which request.
    pub fetch: FetchId,
    controller: AbortController,
}

impl LbsRequest {
    /// Starts `GET url`; `sink` gets the outcome once, after this call returns.
    pub fn start(fetch: FetchId, url: &str, sink: &Sink) -> LbsRequest {
        let controller = AbortController::new();
        // Called with the parsed body, and with anything that failed on the way.
        let read = listener(sink, fetch.0, |id, body| {
            Input::Lbs(FetchId(id), links(&body))
        })
        .into_js_value();
        let failed = listener(sink, fetch.0, |id, error| {
            Input::Lbs(FetchId(id), Err(describe(&error)))
        })
        .into_js_value();
        let failed_fn = failed.clone();
        let response = Listener::new(move |response: JsValue| {
            // `response.json()`: the Promise of the parsed body, a rejected one when
            // the body cannot be read or parsed.
            let undefined = JsValue::UNDEFINED;
            let body = invoke(&response, "json", &undefined, &undefined)
                .unwrap_or_else(|error| Promise::reject(&error).into());
            // The derived Promise is not needed: the handlers report everything.
            let _ = then(&body, &read, &failed_fn);
            JsValue::UNDEFINED
        })
        .into_js_value();
        let init = js_sys::Object::new();
        super::set(&init, "signal", &super::get(&controller, "signal"));
        // The derived Promise is not needed: the handlers report everything.
        // A throw becomes a rejection: the handlers report it after this call returns,
        // as they report everything else.
        let fetched = global_fetch(url, &init).unwrap_or_else(|error| Promise::reject(&error));
        let _ = then(&fetched, &response, &failed);
        LbsRequest { fetch, controller }
    }

    /// Cancels the request; its handlers still run once (with an `AbortError`).
    pub fn abort(&self) {
        let undefined = JsValue::UNDEFINED;
        let _ = invoke(&self.controller, "abort", &undefined, &undefined);
    }
}

/// The `link` list of a `{"code":200,"link":[...]}` body.
fn links(body: &JsValue) -> LbsReply {
    let code = super::get(body, "code").as_f64().unwrap_or(0.0);
    if code != 200.0 {
        return Err(concat(&["LBS answered code ", &decimal(code as u64)]));
    }
    let mut links = Vec::new();
    let list = super::get(body, "link");
    if js_sys::Array::is_array(&list) {
        for link in list.unchecked_ref::<js_sys::Array>().iter() {
            if let Some(link) = link.as_string() {
                links.push(link);
            }
        }
    }
    Ok(links)
}

/// A short text for a rejection (`TypeError: Failed to fetch`, `AbortError`).
fn describe(error: &JsValue) -> String {
    super::get(error, "message")
        .as_string()
        .unwrap_or_else(|| "the request failed".into())
}
