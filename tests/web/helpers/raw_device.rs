//! "Another device" of an account: a raw WebSocket client speaking the protocol's
//! JSON directly, as a phone or desktop app would.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use super::recorder::describe;
use super::{get, get_str, object, sleep};

/// A raw protocol connection.
pub struct RawDevice {
    ws: WebSocket,
    inbox: Rc<RefCell<Vec<JsValue>>>,
    closed: Rc<Cell<Option<u16>>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    /// The device id it logged in with.
    pub device_id: String,
}

/// How a raw device logs in.
pub struct Login<'a> {
    pub app_key: &'a str,
    pub account: &'a str,
    pub token: &'a str,
    pub device_id: &'a str,
    pub device_type: &'a str,
    pub auto: bool,
}

impl RawDevice {
    /// Opens a socket to `url` and sends `login`; returns the device and the reply.
    pub async fn login(url: &str, login: Login<'_>) -> (RawDevice, JsValue) {
        let device = RawDevice::open(url, login.device_id).await;
        device.send(&object(&[
            ("t", "login".into()),
            ("id", 1.into()),
            ("v", 1.into()),
            ("appKey", login.app_key.into()),
            ("account", login.account.into()),
            ("token", login.token.into()),
            ("deviceId", login.device_id.into()),
            ("type", login.device_type.into()),
            ("os", "raw test device".into()),
            ("customTag", "raw".into()),
            ("customClientType", 5.into()),
            ("auto", login.auto.into()),
            ("heartbeatInterval", 30_000.into()),
        ]));
        let reply = device.next_of(&["loginOk", "loginFailed"], 5_000).await;
        (device, reply)
    }

    async fn open(url: &str, device_id: &str) -> RawDevice {
        let ws = WebSocket::new(url).unwrap();
        let inbox: Rc<RefCell<Vec<JsValue>>> = Rc::default();
        let closed: Rc<Cell<Option<u16>>> = Rc::default();
        let on_message = {
            let inbox = inbox.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                let text = e.data().as_string().unwrap_or_default();
                inbox.borrow_mut().push(js_sys::JSON::parse(&text).unwrap());
            })
        };
        let on_close = {
            let closed = closed.clone();
            Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| closed.set(Some(e.code())))
        };
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let mut waited = 0;
        while ws.ready_state() == WebSocket::CONNECTING && waited < 5_000 {
            sleep(10).await;
            waited += 10;
        }
        assert_eq!(
            ws.ready_state(),
            WebSocket::OPEN,
            "raw device could not connect to {url}"
        );
        RawDevice {
            ws,
            inbox,
            closed,
            _on_message: on_message,
            _on_close: on_close,
            device_id: device_id.to_owned(),
        }
    }

    /// Sends one protocol message.
    pub fn send(&self, message: &JsValue) {
        let text = js_sys::JSON::stringify(message).unwrap();
        self.ws.send_with_str(&String::from(text)).unwrap();
    }

    /// Waits for the next message whose `t` is one of `types`, and removes it.
    pub async fn next_of(&self, types: &[&str], timeout_ms: u32) -> JsValue {
        let mut waited = 0;
        loop {
            let found = {
                let mut inbox = self.inbox.borrow_mut();
                let at = inbox
                    .iter()
                    .position(|m| types.contains(&get_str(m, "t").as_str()));
                at.map(|at| inbox.remove(at))
            };
            if let Some(message) = found {
                return message;
            }
            if waited >= timeout_ms {
                let inbox: Vec<String> = self.inbox.borrow().iter().map(describe).collect();
                panic!("raw device waited {timeout_ms} ms for {types:?}; inbox {inbox:?}");
            }
            sleep(20).await;
            waited += 20;
        }
    }

    /// Waits for the next message of type `t`.
    pub async fn next(&self, t: &str, timeout_ms: u32) -> JsValue {
        self.next_of(&[t], timeout_ms).await
    }

    /// Closes the socket without logging out (the device just goes away).
    pub fn close(&self) {
        self.ws.close().unwrap();
    }

    /// Waits until the server closed the socket; returns the close code.
    pub async fn closed(&self, timeout_ms: u32) -> u16 {
        let mut waited = 0;
        loop {
            if let Some(code) = self.closed.get() {
                return code;
            }
            assert!(
                waited < timeout_ms,
                "raw device was not closed within {timeout_ms} ms"
            );
            sleep(20).await;
            waited += 20;
        }
    }

    /// The `code` of a `loginFailed` reply, or 200 for `loginOk`.
    pub fn reply_code(reply: &JsValue) -> u32 {
        match get_str(reply, "t").as_str() {
            "loginOk" => 200,
            _ => get(reply, "code").as_f64().unwrap_or(0.0) as u32,
        }
    }
}

impl Drop for RawDevice {
    fn drop(&mut self) {
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}
