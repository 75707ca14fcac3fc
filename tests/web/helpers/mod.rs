//! Helpers for the browser tests: the test server's address and apps, accounts
//! made through the server API, a recorder for the SDK's callbacks, and a raw
//! protocol client that plays "another device".

pub mod raw_device;
pub mod recorder;
pub mod server_api;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

pub use raw_device::RawDevice;
pub use recorder::Recorder;
pub use server_api::{App, Env};

/// Waits `ms` milliseconds.
pub async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// A fresh account name, unique across runs against the same database.
pub fn unique(prefix: &str) -> String {
    let random = (js_sys::Math::random() * 1e12) as u64;
    format!("{prefix}{random:x}")
}

/// Calls `object[method](...args)`.
pub fn call(object: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(object, &method.into())?.dyn_into()?;
    let array: js_sys::Array = args.iter().collect();
    function.apply(object, &array)
}

/// Awaits a Promise value.
pub async fn settle(promise: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(Promise::from(promise)).await
}

/// `value[key]`.
pub fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// `value[key]` as a string, or "".
pub fn get_str(value: &JsValue, key: &str) -> String {
    get(value, key).as_string().unwrap_or_default()
}

/// A plain object from key/value pairs.
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

/// Sets `object[key] = value`.
pub fn set(object: &JsValue, key: &str, value: JsValue) {
    Reflect::set(object, &key.into(), &value).unwrap();
}

/// `NIM.getInstance(options)`.
pub fn get_instance(options: &JsValue) -> Result<JsValue, JsValue> {
    nim_wasm::browser::Nim::get_instance(options.clone(), JsValue::UNDEFINED)
}

/// Destroys every instance, so each test starts from an empty registry.
pub async fn reset() {
    settle(nim_wasm::browser::Nim::rm_all_instances().into())
        .await
        .unwrap();
}

/// The `code` of a thrown error.
pub fn error_code(error: &JsValue) -> JsValue {
    get(error, "code")
}

/// Dispatches a plain event (`online`, `offline`, ...) on the window.
pub fn fire_window_event(name: &str) {
    let window = web_sys::window().unwrap();
    let event = web_sys::Event::new(name).unwrap();
    window.dispatch_event(&event).unwrap();
}
