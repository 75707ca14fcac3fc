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

/// The installed listeners; dropping removes them.
pub struct PageListeners {
    window: Window,
    document: JsValue,
    listeners: Vec<(bool, &'static str, Listener)>,
}

impl PageListeners {
    /// Listens to the page, reporting to `sink`; `None` outside a window.
    pub fn install(sink: &Sink) -> Option<PageListeners> {
        let window = super::window()?;
        let document = get(&window, "document");
        if document.is_undefined() || document.is_null() {
            return None;
        }
        let mut page = PageListeners {
            window,
            document,
            listeners: Vec::new(),
        };
        // One closure type for the four listeners keeps the wasm small.
        let page_listener = |which: u32| {
            listener(sink, which, |which, _| {
                Input::Page(match which {
                    0 => PageEvent::Online(true),
                    1 => PageEvent::Online(false),
                    2 => PageEvent::Visible(true),
                    _ => PageEvent::Visible(
                        super::window().is_some_and(|w| is_visible(&get(&w, "document"))),
                    ),
                })
            })
        };
        page.add(true, "online", page_listener(0));
        page.add(true, "offline", page_listener(1));
        page.add(true, "pageshow", page_listener(2));
        page.add(false, "visibilitychange", page_listener(3));
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

    fn target(&self, on_window: bool) -> &JsValue {
        if on_window {
            self.window.as_ref()
        } else {
            &self.document
        }
    }

    /// `addEventListener` or `removeEventListener` on the window or the document.
    fn listen(&self, method: &str, on_window: bool, name: &str, listener: &Listener) {
        // On a live window or document, neither throws.
        let _ = invoke(
            self.target(on_window),
            method,
            &name.into(),
            listener.as_ref(),
        );
    }

    fn add(&mut self, on_window: bool, name: &'static str, listener: Listener) {
        self.listen("addEventListener", on_window, name, &listener);
        self.listeners.push((on_window, name, listener));
    }
}

/// Whether `document.visibilityState` is `"visible"`.
fn is_visible(document: &JsValue) -> bool {
    get(document, "visibilityState").as_string().as_deref() == Some("visible")
}

impl Drop for PageListeners {
    fn drop(&mut self) {
        for (on_window, name, listener) in std::mem::take(&mut self.listeners) {
            self.listen("removeEventListener", on_window, name, &listener);
        }
    }
}
