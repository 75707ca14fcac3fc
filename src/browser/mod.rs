//! The browser driver around [`crate::core::Session`]: WebSocket, timers, page
//! listeners, the JavaScript `NIM` class and its TypeScript typings.

mod callbacks;
mod device_id;
mod done;
mod error;
mod instance;
mod lbs;
mod nim;
mod options;
mod page;
mod remote;
mod socket;
mod tab_id;
mod timer;
mod typings;

use js_sys::Reflect;
use wasm_bindgen::JsValue;

pub use error::{ErrorCode, NimError};

// SAFETY: the package runs on single-threaded wasm32 (no atomics, no shared
// memory), which is what `AssumeSingleThreaded` requires.
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
pub use nim::Nim;

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `window`; absent outside a window (in a worker).
    #[wasm_bindgen(thread_local_v2, js_name = window)]
    static WINDOW: Option<web_sys::Window>;
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `globalThis`: the window, or the worker's global scope.
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL: JsValue;
}

/// `globalThis`.
fn global() -> JsValue {
    GLOBAL.with(Clone::clone)
}

/// The page's `window`, if there is one. One accessor, where `web_sys::window()`
/// probes four globals and adds an `instanceof` check to the JS glue.
fn window() -> Option<web_sys::Window> {
    WINDOW.with(Clone::clone)
}

/// `target[key]`; `undefined` when `target` is not an object or the getter throws.
///
/// Page and socket properties are read and written through `Reflect` rather than
/// web-sys's typed getters and setters: each of those is one more import, with its
/// own function in the JS glue (a string getter's is about 150 bytes).
fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `promise.then(resolve, reject)` with the handlers as plain values (functions,
/// closures, `undefined`), through [`invoke`]; `promise` is always a Promise of the
/// SDK's own, never a user's thenable. The derived Promise is returned.
fn then(promise: &JsValue, resolve: &JsValue, reject: &JsValue) -> JsValue {
    invoke(promise, "then", resolve, reject).unwrap_or(JsValue::UNDEFINED)
}

/// `target[name](a, b)`: a method call through [`invoke3`]. The DOM methods called
/// this way ignore a trailing `undefined`.
fn invoke(target: &JsValue, name: &str, a: &JsValue, b: &JsValue) -> Result<JsValue, JsValue> {
    invoke3(target, name, a, b, &JsValue::UNDEFINED)
}

/// `target[name](a, b, c)`: a method call through the function call `logFunc`
/// already uses, rather than one more import in the JS glue per method. Fails when
/// `target` has no such method or the method throws.
fn invoke3(
    target: &JsValue,
    name: &str,
    a: &JsValue,
    b: &JsValue,
    c: &JsValue,
) -> Result<JsValue, JsValue> {
    use wasm_bindgen::JsCast;
    let method = get(target, name);
    if !method.is_function() {
        return Err(JsValue::UNDEFINED);
    }
    method
        .unchecked_ref::<js_sys::Function>()
        .call3(target, a, b, c)
}

/// `target[key] = value`, on an object of the SDK's own (plain objects, an
/// `Error`, a `WebSocket`), whose properties take any value; a throw (a frozen
/// object) leaves the property as it was.
fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `JSON.stringify` of a message serde-wasm-bindgen built.
    #[wasm_bindgen(catch, js_namespace = JSON)]
    fn stringify(value: &JsValue) -> Result<JsValue, JsValue>;
}

/// `value` as a JavaScript value, through serde-wasm-bindgen: plain objects,
/// arrays, strings, numbers and booleans. The SDK's payloads hold nothing it
/// refuses (a `u64` stays below 2^53), so a refusal gives `undefined`.
fn to_js<T: serde::Serialize + ?Sized>(value: &T) -> JsValue {
    serde_wasm_bindgen::to_value(value).unwrap_or(JsValue::UNDEFINED)
}

/// A JavaScript handler made in Rust. The driver owns those of the socket and the
/// page, and drops them (detached first) when it is done with them; a Promise's
/// handlers are handed to JavaScript (`into_js_value`), whose garbage collector frees
/// them with the Promise, since a Promise cannot be detached from. (The timer is a
/// gloo-timers `Timeout`, which owns its own closure.) It returns a value, since a
/// Web Lock's callback must (see `tab_id`); every other handler returns `undefined`.
type Listener = wasm_bindgen::closure::Closure<dyn Fn(JsValue) -> JsValue>;

/// One input to an instance: a method call, or what the browser or a user
/// callback reported. Every input goes through `instance::drive`.
enum Input {
    /// `connect()`; from a later `getInstance`, with the options merged into the
    /// live ones.
    Connect(Option<options::Options>),
    /// `disconnect()`, with its completion.
    Disconnect(done::Done),
    /// `destroy()`, with its completion.
    Destroy(done::Done),
    /// `setOptions()`, already merged into the live options.
    SetOptions(options::Options),
    /// `kick()`: the device ids, `custom`, and the completion.
    Kick(Vec<String>, String, done::Done),
    /// `reconnectDelayProvider` answered (`None` when it gave no number).
    RetryDelay(crate::core::RetryTicket, Option<f64>),
    /// `onwillreconnect` returned, or the Promise it returned settled.
    RetryReleased(crate::core::RetryTicket),
    /// An event of the socket opened for this attempt.
    Socket(crate::core::SocketId, socket::SocketEvent),
    /// The outcome of an LBS request.
    Lbs(crate::core::FetchId, lbs::LbsReply),
    /// A page event.
    Page(page::PageEvent),
    /// The instance's timer fired.
    Timer,
}

/// Where an instance's socket, LBS requests, page listeners and timer report: one
/// closure per instance, which feeds the input to it.
type Sink = std::rc::Rc<dyn Fn(Input)>;

/// A handler that reports `read(id, its argument)` to `sink`. Every socket, LBS
/// and page handler is one of these: a single closure type, since each one
/// adds its own glue to the wasm.
fn listener(sink: &Sink, id: u32, read: fn(u32, JsValue) -> Input) -> Listener {
    let sink = sink.clone();
    Listener::new(move |value| {
        sink(read(id, value));
        JsValue::UNDEFINED
    })
}
