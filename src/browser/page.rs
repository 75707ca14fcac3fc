//! The page events that steer reconnects: `online`, `offline`, `pageshow` and
//! `visibilitychange`, listened to only while a session is active.

use super::{get, invoke, listener, Input, Listener, Sink};
use wasm_bindgen::JsValue;
use web_sys::Window;

/// What the page reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageEvent {
    /// `online` (true) or `offline` (false).
    Online(bool),
    /// Visible (`visibilitychange`, `pageshow`) or hidden.
    Visible(bool),
}

/// The events listened to: on the window (`true`) or the document, and the name.
const EVENTS: [(bool, &str); 4] = [
    (true, "online"),
    (true, "offline"),
    (true, "pageshow"),
    (false, "visibilitychange"),
];

/// The installed listener; dropping removes it.
pub struct PageListeners {
    window: Window,
    document: JsValue,
    /// One handler for the four events, which tells them apart by `type`.
    listener: Listener,
}

impl PageListeners {
    /// Listens to the page, reporting to `sink`; `None` outside a window.
    pub fn install(sink: &Sink) -> Option<PageListeners> {
        let window = super::window()?;
        let document = get(&window, "document");
        if document.is_undefined() || document.is_null() {
            return None;
        }
        let page = PageListeners {
            window,
            document,
            listener: listener(sink, 0, |_, event| Input::Page(page_event(&event))),
        };
        page.listen("addEventListener");
        Some(page)
    }

    /// Whether the page is visible now.
    pub fn is_visible(&self) -> bool {
        is_visible(&self.document)
    }

    /// Whether the browser believes it is online now.
    pub fn is_online(&self) -> bool {
        let navigator = get(&self.window, "navigator");
        get(&navigator, "onLine").as_bool().unwrap_or(false)
    }

    /// `addEventListener` or `removeEventListener` for every event of [`EVENTS`].
    fn listen(&self, method: &str) {
        for (on_window, name) in EVENTS {
            let target = if on_window {
                self.window.as_ref()
            } else {
                &self.document
            };
            // On a live window or document, neither throws.
            let _ = invoke(target, method, &name.into(), self.listener.as_ref());
        }
    }
}

/// What the page event `event` reports.
fn page_event(event: &JsValue) -> PageEvent {
    match get(event, "type").as_string().as_deref() {
        Some("online") => PageEvent::Online(true),
        Some("offline") => PageEvent::Online(false),
        Some("pageshow") => PageEvent::Visible(true),
        _ => PageEvent::Visible(super::window().is_some_and(|w| is_visible(&get(&w, "document")))),
    }
}

/// Whether `document.visibilityState` is `"visible"`.
fn is_visible(document: &JsValue) -> bool {
    get(document, "visibilityState").as_string().as_deref() == Some("visible")
}

impl Drop for PageListeners {
    fn drop(&mut self) {
        self.listen("removeEventListener");
    }
}
