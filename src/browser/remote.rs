//! A tab's instance under `shareConnection: true`: a proxy over the MessagePort of
//! the account's SharedWorker (`nim_worker.js`, from `src/browser/worker.js`), which
//! runs the one session every tab of the browser profile shares. The options are
//! checked here, as for a local instance; the callbacks and `done`s stay in the tab;
//! the session's state (`getLoginStatus`, `isConnected`, `getLoginPorts`) is
//! mirrored from every message of the worker, so those methods stay synchronous.
//!
//! `worker.js` states the messages both sides exchange. The tab holds a Web Lock of
//! its own while it is attached, which the worker waits for to learn that the tab is
//! gone (closed or crashed), and waits for the worker's lock to learn that the
//! worker is gone, and then starts it again and attaches anew.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use js_sys::{Function, Object};
use wasm_bindgen::{JsCast, JsError, JsValue};

use super::callbacks::{self, call, Callbacks};
use super::done::Done;
use super::error::{ErrorCode, NimError};
use super::instance::Lifecycle;
use super::options::Options;
use super::page::PageListeners;
use super::{get, invoke, set, Listener, Sink};
use crate::core::text::concat;

/// The proxy as its JS object and its handlers hold it.
pub type RemoteRef = Rc<RefCell<Remote>>;

/// One tab's view of a shared session.
pub struct Remote {
    /// The user's callbacks, this tab's own.
    pub callbacks: Callbacks,
    /// The options given so far, merged: the base of the next merge.
    pub options: Object,
    /// Whether the instance may still be used.
    pub lifecycle: Lifecycle,
    /// Why the worker turned this tab away (an explicit `deviceId` other than the
    /// shared session's): every later call fails with it.
    pub refused: Option<JsValue>,
    status: u8,
    connected: bool,
    ports: JsValue,
    /// `face.js`'s helpers: `worker(name, url)` and `lock(name, granted)`.
    share: JsValue,
    /// The worker's name (the sharing key) and its URL override.
    name: JsValue,
    url: JsValue,
    port: JsValue,
    /// Messages waiting for the attach (sent once this tab's lock is held).
    queue: Option<Vec<Object>>,
    pending: Vec<(u32, Done)>,
    next: u32,
    /// The attach message, sent again to a restarted worker.
    attach: Object,
    /// Releases this tab's lock (set while held).
    release: JsValue,
    /// Whether the worker's lock is waited for.
    watching: bool,
    /// The port's, the locks' and the page's handlers; dropped with the proxy.
    handlers: Vec<Listener>,
    page: Option<PageListeners>,
}

/// A plain message `{t}`.
fn message(t: &str) -> Object {
    let m = Object::new();
    set(&m, "t", &t.into());
    m
}

/// The options to send: every one but the functions, which cannot be cloned into
/// the worker, and `deviceId` as resolved here. (Without `socketUrl`, the worker's
/// default address is this page's: the worker has the page's origin.)
fn plain(options: &Options) -> Object {
    let plain = Object::new();
    // The merged options are an object of the SDK's own: its keys never throw.
    for key in super::options::own_keys(&options.merged)
        .unwrap_or_default()
        .iter()
    {
        let value = js_sys::Reflect::get(&options.merged, &key).unwrap_or_default();
        if !value.is_function() {
            let _ = js_sys::Reflect::set(&plain, &key, &value);
        }
    }
    set(
        &plain,
        "deviceId",
        &options.config.device_id.as_str().into(),
    );
    plain
}

impl Remote {
    /// Starts the proxy of `options` (`shareConnection: true`) and its worker.
    pub fn create(options: Options, share: JsValue) -> RemoteRef {
        let name = concat(&[
            "nim-wasm\n",
            &options.config.app_key,
            "\n",
            &options.config.account,
        ]);
        let attach = message("attach");
        let explicit = get(&options.merged, "deviceId").is_string();
        set(&attach, "explicit", &explicit.into());
        set(
            &attach,
            "connect",
            &(!options.skip_connection_on_initialize).into(),
        );
        set(&attach, "options", &plain(&options));
        let remote = Rc::new(RefCell::new(Remote {
            callbacks: options.callbacks,
            options: options.merged,
            lifecycle: Lifecycle::Live,
            refused: None,
            status: if options.skip_connection_on_initialize {
                0
            } else {
                2
            },
            connected: false,
            ports: js_sys::Array::new().into(),
            share,
            name: name.into(),
            url: options
                .shared_worker_url
                .map_or(JsValue::UNDEFINED, JsValue::from),
            port: JsValue::UNDEFINED,
            queue: Some(Vec::new()),
            pending: Vec::new(),
            next: 0,
            attach,
            release: JsValue::UNDEFINED,
            watching: false,
            handlers: Vec::new(),
            page: None,
        }));
        let weak = Rc::downgrade(&remote);
        let sink: Sink = Rc::new(move |_| {
            if let Some(remote) = weak.upgrade() {
                remote.borrow_mut().send_page();
            }
        });
        let page = PageListeners::install(&sink);
        let lock = concat(&["nim-wasm:tab:", &super::device_id::random_id()]);
        {
            let mut this = remote.borrow_mut();
            this.page = page;
            set(&this.attach, "lock", &lock.as_str().into());
            this.start(&remote);
        }
        // Attaches once this tab's lock is held, so the worker cannot take the
        // lock first and believe the tab gone; at once without Web Locks.
        let held = handler(&remote, |remote, release| {
            let mut this = remote.borrow_mut();
            this.release = release;
            this.attached();
        });
        let locked = remote.borrow().lock(&lock, &held);
        remote.borrow_mut().handlers.push(held);
        if !locked {
            remote.borrow_mut().attached();
        }
        let (refused, callbacks) = {
            let this = remote.borrow();
            (this.refused.clone(), this.callbacks.clone())
        };
        if let Some(error) = refused {
            callbacks::report(
                &callbacks,
                "the shared connection's worker cannot start",
                &error,
            );
        }
        remote
    }

    /// `share.lock(name, granted)`: whether Web Locks exist (else nothing happens).
    fn lock(&self, name: &str, granted: &Listener) -> bool {
        invoke(&self.share, "lock", &name.into(), granted.as_ref())
            .ok()
            .and_then(|locked| locked.as_bool())
            .unwrap_or(false)
    }

    /// Starts the worker (again) and listens to its port.
    fn start(&mut self, this: &RemoteRef) {
        // `new SharedWorker` throws for a `sharedWorkerUrl` of another origin.
        let Ok(worker) = invoke(&self.share, "worker", &self.name, &self.url) else {
            self.status = 0;
            let error = NimError::new(
                ErrorCode::InvalidOption,
                "option `sharedWorkerUrl`: the shared connection's worker cannot start there",
            );
            self.refused = Some(error.to_js());
            return;
        };
        let port = get(&worker, "port");
        let listener = handler(this, receive);
        set(&port, "onmessage", listener.as_ref());
        // A worker that cannot load (a wrong `sharedWorkerUrl`) is reported.
        let failed = handler(this, |remote, event| {
            let callbacks = remote.borrow().callbacks.clone();
            callbacks::report(
                &callbacks,
                "the shared connection's worker failed to load",
                &event,
            );
        });
        set(&worker, "onerror", failed.as_ref());
        self.handlers.push(listener);
        self.handlers.push(failed);
        self.port = port;
    }

    /// Sends the attach with this page's state, then every message that waited.
    fn attached(&mut self) {
        self.set_page(&self.attach.clone());
        self.post_now(&self.attach.clone());
        for m in self.queue.take().unwrap_or_default() {
            self.post_now(&m);
        }
    }

    /// Posts `m`, or queues it until the attach.
    fn post(&mut self, m: Object) {
        match &mut self.queue {
            Some(queue) => queue.push(m),
            None => self.post_now(&m),
        }
    }

    fn post_now(&self, m: &Object) {
        let _ = invoke(&self.port, "postMessage", m, &JsValue::UNDEFINED);
    }

    /// `visible` and `online` of this page into `m`.
    fn set_page(&self, m: &Object) {
        let (visible, online) = match &self.page {
            Some(page) => (page.is_visible(), page.is_online()),
            None => (true, true),
        };
        set(m, "visible", &visible.into());
        set(m, "online", &online.into());
    }

    /// Tells the worker this page's visibility and connectivity.
    fn send_page(&mut self) {
        let m = message("page");
        self.set_page(&m);
        self.post(m);
    }

    /// Posts `m` with a new request id, completed by `done`.
    fn request(&mut self, m: Object, done: Done) {
        self.next += 1;
        set(&m, "id", &self.next.into());
        self.pending.push((self.next, done));
        self.post(m);
    }

    /// The options after a merge (`setOptions`, a later `getInstance`): the
    /// callbacks are this tab's; the rest goes to the shared session.
    pub fn set_options(&mut self, options: Options) {
        let m = message("options");
        set(&m, "options", &plain(&options));
        self.callbacks = options.callbacks;
        self.options = options.merged;
        self.post(m);
    }

    /// Posts `{t}`.
    pub fn post_message(&mut self, t: &str) {
        self.post(message(t));
    }

    /// Posts `{t, id}`, completed by `done`.
    pub fn request_message(&mut self, t: &str, done: Done) {
        self.request(message(t), done);
    }

    /// `kick()` on the shared socket; only this tab's `done` settles.
    pub fn kick(&mut self, device_ids: Vec<String>, custom: String, done: Done) {
        let m = message("kick");
        let ids: js_sys::Array = device_ids.iter().map(|id| JsValue::from_str(id)).collect();
        set(&m, "deviceIds", &ids);
        set(&m, "custom", &custom.into());
        self.request(m, done);
    }

    /// `getLoginStatus()`.
    pub fn status(&self) -> u8 {
        self.status
    }

    /// `isConnected()`.
    pub fn is_connected(&self) -> bool {
        self.connected
    }

    /// `getLoginPorts()`: a copy, so the caller cannot change the mirror.
    pub fn login_ports(&self) -> JsValue {
        js_sys::Array::from(&self.ports).into()
    }
}

/// A handler calling `f(remote, argument)` while the proxy lives.
fn handler(remote: &RemoteRef, f: fn(&RemoteRef, JsValue)) -> Listener {
    let weak: Weak<RefCell<Remote>> = Rc::downgrade(remote);
    Listener::new(move |value| {
        if let Some(remote) = weak.upgrade() {
            f(&remote, value);
        }
        JsValue::UNDEFINED
    })
}

/// A message of the worker: the state it carries first, then what it says. User
/// code runs with nothing borrowed.
fn receive(remote: &RemoteRef, event: JsValue) {
    let data = get(&event, "data");
    let state = get(&data, "state");
    let (callbacks, done) = {
        let mut this = remote.borrow_mut();
        if this.lifecycle == Lifecycle::Destroyed {
            return;
        }
        if state.is_object() {
            this.status = get(&state, "status").as_f64().unwrap_or(0.0) as u8;
            this.connected = get(&state, "connected").is_truthy();
            this.ports = get(&state, "ports");
        }
        let id = get(&data, "id").as_f64();
        let done = id.and_then(|id| {
            let at = this.pending.iter().position(|(i, _)| f64::from(*i) == id)?;
            Some(this.pending.swap_remove(at).1)
        });
        (this.callbacks.clone(), done)
    };
    let silent = remote.borrow().lifecycle != Lifecycle::Live;
    match get(&data, "t").as_string().as_deref() {
        Some("done") => {
            if let Some(done) = done {
                let error = get(&data, "error");
                if error.is_object() {
                    done.fail(&callbacks, &error_from(&error));
                } else {
                    done.succeed(&callbacks, &get(&data, "value"));
                }
            }
            // The last `destroy` answered: this tab's lock may go.
            let mut this = remote.borrow_mut();
            if this.lifecycle == Lifecycle::Destroying && this.pending.is_empty() {
                this.finish();
            }
        }
        Some("event") if !silent => {
            let name = get(&data, "name").as_string().unwrap_or_default();
            let function = match name.as_str() {
                "onconnect" => &callbacks.onconnect,
                "ondisconnect" => &callbacks.ondisconnect,
                "onwillreconnect" => &callbacks.onwillreconnect,
                "onloginportschange" => &callbacks.onloginportschange,
                _ => &callbacks.onerror,
            };
            let returned = call(&callbacks, function.as_ref(), &name, &get(&data, "arg"));
            if get(&data, "ask").is_truthy() {
                answer(remote, returned);
            }
        }
        Some("log") if !silent => {
            let level = get(&data, "level");
            if level.as_string().as_deref() != Some("debug") || callbacks.debug {
                callbacks::log_line(
                    &callbacks,
                    &level,
                    &get(&data, "message"),
                    &get(&data, "detail"),
                );
            }
        }
        Some("refused") => {
            let error = error_from(&get(&data, "error"));
            callbacks::report(&callbacks, "the shared connection refused this tab", &error);
            let pending = {
                let mut this = remote.borrow_mut();
                this.refused = Some(error.clone());
                this.status = 0;
                std::mem::take(&mut this.pending)
            };
            for (_, done) in pending {
                done.fail(&callbacks, &error);
            }
        }
        _ => {}
    }
    // The worker answered: wait for its lock, which is free once it is gone.
    watch(remote);
}

/// `{code, message}` from the worker as an `Error` with `code`.
fn error_from(plain: &JsValue) -> JsValue {
    let message = get(plain, "message").as_string().unwrap_or_default();
    let error = JsValue::from(JsError::new(&message));
    set(&error, "code", &get(plain, "code"));
    error
}

/// Tells the worker once `returned` (what `onwillreconnect` gave, maybe a Promise)
/// settled, so the shared session's gated retry goes on.
fn answer(remote: &RemoteRef, returned: Option<JsValue>) {
    let weak = Rc::downgrade(remote);
    let answered = Listener::new(move |_| {
        if let Some(remote) = weak.upgrade() {
            remote.borrow_mut().post(message("answer"));
        }
        JsValue::UNDEFINED
    })
    .into_js_value();
    let returned = returned.unwrap_or_default();
    // `Promise.resolve` of a value or of the user's Promise; a rejection answers too.
    let _ = super::then(&js_sys::Promise::resolve(&returned), &answered, &answered);
}

/// Waits for the worker's lock (once per worker): granted when the worker is gone,
/// then starts it again and attaches anew, logging in unless logged out.
fn watch(remote: &RemoteRef) {
    let lock = {
        let this = remote.borrow();
        if this.watching || this.lifecycle != Lifecycle::Live {
            return;
        }
        concat(&[
            "nim-wasm:worker:",
            &this.name.as_string().unwrap_or_default(),
        ])
    };
    let gone = handler(remote, worker_gone);
    let mut this = remote.borrow_mut();
    if this.lock(&lock, &gone) {
        this.watching = true;
        this.handlers.push(gone);
    }
}

/// The worker is gone (its lock was granted; `release` lets it go at once). The
/// requests it left unanswered end: a `destroy` succeeds (the session ended with
/// the worker), the others fail with `'disconnected'`. A live tab starts the worker
/// again and attaches anew, logging in unless it was logged out; the old worker's
/// handlers stay with the proxy, a few closures per restart.
fn worker_gone(remote: &RemoteRef, release: JsValue) {
    let _ = release
        .dyn_ref::<Function>()
        .map(|f| f.call0(&JsValue::NULL));
    let (pending, callbacks, destroying) = {
        let mut this = remote.borrow_mut();
        this.watching = false;
        let destroying = this.lifecycle == Lifecycle::Destroying;
        if destroying {
            this.finish();
        } else if this.lifecycle == Lifecycle::Live && this.refused.is_none() {
            let connect = this.status != 0;
            set(&this.attach, "connect", &connect.into());
            this.queue = Some(Vec::new());
            this.start(remote);
            this.attached();
        }
        (
            std::mem::take(&mut this.pending),
            this.callbacks.clone(),
            destroying,
        )
    };
    let lost = NimError::new(
        ErrorCode::Disconnected,
        "the shared connection's worker is gone",
    )
    .to_js();
    for (_, done) in pending {
        if destroying {
            done.succeed(&callbacks, &JsValue::UNDEFINED);
        } else {
            done.fail(&callbacks, &lost);
        }
    }
}

impl Remote {
    /// The end of `destroy`: the handlers go, and this tab's lock with them.
    fn finish(&mut self) {
        self.lifecycle = Lifecycle::Destroyed;
        if let Some(release) = self.release.dyn_ref::<Function>() {
            let _ = release.call0(&JsValue::NULL);
        }
        set(&self.port, "onmessage", &JsValue::NULL);
        self.page = None;
        self.callbacks = Callbacks::default();
        self.options = Object::new();
    }

    /// `destroy({done})`: detaches this tab; the worker logs out when it was the
    /// last, before it answers.
    pub fn destroy(&mut self, done: Done) {
        self.lifecycle = Lifecycle::Destroying;
        self.request(message("detach"), done);
    }
}
