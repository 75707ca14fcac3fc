//! The tab's own device id, the default one, used by this page alone.
//!
//! It is kept in sessionStorage, so that reloads of the tab keep it. But a copy of
//! the tab (the browser's "Duplicate", a window this page opened) starts with a copy
//! of sessionStorage, and two logins with one id replace each other at the server.
//! So the page takes the id out of sessionStorage while it lives, and puts it back
//! on `pagehide`: a copy finds none, and takes a new id. A page that crashes never
//! puts it back: the tab's next load is a new device.
//!
//! Without sessionStorage (private modes, sandboxed frames) the id lasts for the page.

use std::cell::RefCell;

use wasm_bindgen::JsValue;

use super::device_id::{storage, stored, STORAGE_KEY};
use super::{get, invoke, invoke3};

thread_local! {
    /// The page's id; empty until an instance first needs it.
    static TAB_ID: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The tab's id. The first call reads it, and takes it out of sessionStorage until
/// the page hides.
pub fn current() -> String {
    TAB_ID.with(|id| {
        let mut id = id.borrow_mut();
        if id.is_empty() {
            // Without sessionStorage, `stored` gives a new id, and the page keeps it.
            let storage = storage("sessionStorage").unwrap_or_default();
            *id = stored(&storage);
            // `pagehide` puts it back (a reload, a navigation, a close), `pageshow`
            // takes it out again (a page back from the back-forward cache).
            let key = JsValue::from(STORAGE_KEY);
            let value = JsValue::from(&*id);
            let _ = invoke(&storage, "removeItem", &key, &JsValue::UNDEFINED);
            listen(&storage, "pagehide", "setItem", &key, &value);
            listen(&storage, "pageshow", "removeItem", &key, &value);
        }
        id.clone()
    })
}

/// Calls `storage[method](key, id)` on each `event` of the window: the method
/// bound to its arguments, a listener that needs no closure of ours.
fn listen(storage: &JsValue, event: &str, method: &str, key: &JsValue, id: &JsValue) {
    let bound = invoke3(&get(storage, method), "bind", storage, key, id);
    if let (Some(window), Ok(bound)) = (super::window(), bound) {
        let _ = invoke(&window, "addEventListener", &event.into(), &bound);
    }
}
