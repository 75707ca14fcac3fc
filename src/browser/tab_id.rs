//! The tab's own device id, the default one, claimed by this page alone.
//!
//! It is kept in sessionStorage, so that reloads of the tab keep it. But a copy of
//! the tab (the browser's "Duplicate", a window this page opened) starts with a copy
//! of sessionStorage, and two logins with one id replace each other at the server.
//! So the page claims the id while it lives:
//!
//! - With Web Locks, it holds the lock `nim-wasm:deviceId:<id>`, one for the page:
//!   the id is the page's, whichever accounts use it. A page that finds the lock
//!   held is a copy, and takes a new id. The answer is asynchronous: until it comes
//!   ([`pending_claim`]), the logins that carry the id wait. A reload keeps the id:
//!   Chromium releases the old document's locks before the new one runs a script.
//! - Without them (insecure contexts, such as a page on `http://` from a LAN
//!   address; old browsers), the page takes the id out of sessionStorage while it
//!   lives and puts it back on `pagehide`, so that a copy finds none. A page that
//!   crashes never puts it back: the tab's next load is a new device.
//!
//! Without sessionStorage (private modes, sandboxed frames) the id lasts for the page.

use std::cell::RefCell;

use js_sys::Function;
use wasm_bindgen::JsValue;

use super::device_id::{random_id, storage, store, stored, STORAGE_KEY};
use super::{get, invoke, invoke3, Listener};
use crate::core::text::concat;

/// The page's id and its claim.
struct Tab {
    /// Empty until an instance first needs it.
    id: String,
    /// Until the page holds the id: a Promise resolved once it does, and its
    /// `resolve`.
    claim: Option<(JsValue, Function)>,
}

thread_local! {
    static TAB: RefCell<Tab> = const {
        RefCell::new(Tab {
            id: String::new(),
            claim: None,
        })
    };
}

/// The tab's id as it stands, which may change while a claim is pending. The first
/// call reads it and starts the claim.
pub fn current() -> String {
    TAB.with(|tab| {
        let mut tab = tab.borrow_mut();
        if tab.id.is_empty() {
            // Without sessionStorage, `stored` gives a new id, and the page keeps it.
            let storage = storage("sessionStorage").unwrap_or_default();
            tab.id = stored(&storage, STORAGE_KEY);
            if request_lock(&tab.id).is_ok() {
                let (claim, resolve, _) = super::done::pending();
                tab.claim = Some((claim.into(), resolve));
            } else {
                // No Web Locks: the id leaves storage while the page lives.
                // `pagehide` puts it back (a reload, a navigation, a close),
                // `pageshow` takes it out again (a page back from the back-forward
                // cache).
                let key = JsValue::from(STORAGE_KEY);
                let id = JsValue::from(&tab.id);
                let _ = invoke(&storage, "removeItem", &key, &JsValue::UNDEFINED);
                listen(&storage, "pagehide", "setItem", &key, &id);
                listen(&storage, "pageshow", "removeItem", &key, &id);
            }
        }
        tab.id.clone()
    })
}

/// A Promise resolved once the page holds the tab's id; `None` once it does.
pub fn pending_claim() -> Option<JsValue> {
    TAB.with(|tab| Some(tab.borrow().claim.as_ref()?.0.clone()))
}

/// Calls `storage[method](key, id)` on each `event` of the window: the method
/// bound to its arguments, a listener that needs no closure of ours.
fn listen(storage: &JsValue, event: &str, method: &str, key: &JsValue, id: &JsValue) {
    let bound = invoke3(&get(storage, method), "bind", storage, key, id);
    if let (Some(window), Ok(bound)) = (super::window(), bound) {
        let _ = invoke(&window, "addEventListener", &event.into(), &bound);
    }
}

/// `navigator.locks.request('nim-wasm:deviceId:<id>', {ifAvailable: true}, locked)`;
/// fails without Web Locks.
///
/// The callback is handed to JavaScript, as a Promise's handlers are (see
/// [`Listener`]): the lock manager keeps it while the page lives. A request refused
/// (an opaque origin, such as a sandboxed frame's) never calls it: the callback then
/// takes the refusal, and the claim ends with the id unlocked.
fn request_lock(id: &str) -> Result<JsValue, JsValue> {
    let navigator = super::window().map(|w| get(&w, "navigator"));
    let options = js_sys::Object::new();
    super::set(&options, "ifAvailable", &JsValue::TRUE);
    let callback = Listener::new(locked).into_js_value();
    let request = invoke3(
        &get(&navigator.unwrap_or_default(), "locks"),
        "request",
        &concat(&[STORAGE_KEY, ":", id]).into(),
        &options,
        &callback,
    )?;
    Ok(super::then(&request, &JsValue::UNDEFINED, &callback))
}

/// The lock's callback: `lock` is `null` when another page holds it (or the
/// refusal of the request).
fn locked(lock: JsValue) -> JsValue {
    TAB.with(|tab| {
        let mut tab = tab.borrow_mut();
        if lock.is_null() {
            // This page is a copy of the one that holds it: a new id, claimed in turn.
            tab.id = random_id();
            store(
                &storage("sessionStorage").unwrap_or_default(),
                STORAGE_KEY,
                &tab.id,
            );
            let _ = request_lock(&tab.id);
            return JsValue::UNDEFINED;
        }
        if let Some((_, resolve)) = tab.claim.take() {
            // The waiting instances go on from a later microtask, not under this borrow.
            let _ = resolve.call1(&JsValue::UNDEFINED, &JsValue::UNDEFINED);
        }
        // The lock is held until the Promise returned settles: never, while the page
        // lives.
        super::done::pending().0.into()
    })
}
