//! Records every SDK callback in order, so tests can wait for them and inspect
//! their payloads.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

use super::{object, sleep, App, Env};

type Log = Rc<RefCell<Vec<(String, JsValue)>>>;

/// The callbacks of one SDK instance, recording into one log.
pub struct Recorder {
    log: Log,
    closures: Vec<Closure<dyn FnMut(JsValue, JsValue) -> JsValue>>,
}

impl Recorder {
    pub fn new() -> Self {
        Recorder {
            log: Rc::default(),
            closures: Vec::new(),
        }
    }

    /// A function that records its first argument under `name` (for `logFunc`, the
    /// level is recorded as `log:<level>` with the message).
    pub fn callback(&mut self, name: &str) -> JsValue {
        let log = self.log.clone();
        let name = name.to_owned();
        let closure = Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(
            move |first: JsValue, second: JsValue| {
                if name == "logFunc" {
                    let level = first.as_string().unwrap_or_default();
                    log.borrow_mut().push((format!("log:{level}"), second));
                } else {
                    log.borrow_mut().push((name.clone(), first));
                }
                JsValue::UNDEFINED
            },
        );
        let function = closure.as_ref().clone();
        self.closures.push(closure);
        function
    }

    /// Keeps `closure` alive as long as the recorder, and returns it as a function.
    pub fn keep(&mut self, closure: Closure<dyn FnMut(JsValue, JsValue) -> JsValue>) -> JsValue {
        let function = closure.as_ref().clone();
        self.closures.push(closure);
        function
    }

    /// A handle to the log, for closures made by the test.
    pub fn log_handle(&self) -> impl Fn(&str, JsValue) + 'static {
        let log = self.log.clone();
        move |name, value| log.borrow_mut().push((name.to_owned(), value))
    }

    /// Options for `account` on `app` with every callback recorded.
    pub fn options(&mut self, env: &Env, app: &App, account: &str, token: &str) -> JsValue {
        object(&[
            ("appKey", app.key.as_str().into()),
            ("account", account.into()),
            ("token", token.into()),
            ("socketUrl", env.ws.as_str().into()),
            ("onconnect", self.callback("onconnect")),
            ("ondisconnect", self.callback("ondisconnect")),
            ("onwillreconnect", self.callback("onwillreconnect")),
            ("onloginportschange", self.callback("onloginportschange")),
            ("onerror", self.callback("onerror")),
            ("logFunc", self.callback("logFunc")),
        ])
    }

    /// Every payload recorded under `name`.
    pub fn events(&self, name: &str) -> Vec<JsValue> {
        self.log
            .borrow()
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// How often `name` was recorded.
    pub fn count(&self, name: &str) -> usize {
        self.events(name).len()
    }

    /// The names recorded so far, in order.
    pub fn names(&self) -> Vec<String> {
        self.log.borrow().iter().map(|(n, _)| n.clone()).collect()
    }

    /// Waits until `name` was recorded `n` times and returns the n-th payload.
    pub async fn wait_nth(&self, name: &str, n: usize, timeout_ms: u32) -> JsValue {
        let mut waited = 0;
        loop {
            if let Some(value) = self.events(name).get(n - 1) {
                return value.clone();
            }
            if waited >= timeout_ms {
                panic!(
                    "waited {timeout_ms} ms for {name} #{n}; got {:?}",
                    self.log
                        .borrow()
                        .iter()
                        .map(|(n, v)| format!("{n}: {}", describe(v)))
                        .collect::<Vec<_>>()
                );
            }
            sleep(20).await;
            waited += 20;
        }
    }

    /// Waits for the first `name`.
    pub async fn wait(&self, name: &str, timeout_ms: u32) -> JsValue {
        self.wait_nth(name, 1, timeout_ms).await
    }
}

/// A short JSON-ish description of a value for failure messages.
pub fn describe(value: &JsValue) -> String {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}
