//! The driver of one account's [`Session`]: it owns the socket, the timer and the
//! page listeners, performs the session's actions and delivers its events.
//!
//! Every input goes through [`drive`]: borrow the instance, feed the session, drain
//! its actions and timer, release the borrow, and only then call user code from
//! [`dispatch`], which takes the session's events one at a time, each under a
//! borrow that ends before the user code runs. A callback may therefore call any
//! method of the instance; its own events queue behind the ones being delivered.

use crate::core::text::concat;
use std::cell::RefCell;
use std::rc::Rc;

use super::{Input, Listener, Sink};
use js_sys::Promise;
use wasm_bindgen::JsValue;

use super::callbacks::{call, debug, report, Callbacks};
use super::device_id::random_seed;
use super::done::Done;
use super::error::NimError;
use super::lbs::LbsRequest;
use super::options::{Options, Source};
use super::page::{PageEvent, PageListeners};
use super::socket::{Socket, SocketEvent};
use super::to_js;
use crate::core::{Action, Event, KickTicket, RetryTicket, Session, SocketId};
use crate::payload::{DisconnectEvent, KickOutcome, ServerError, WillReconnect};
use gloo_timers::callback::Timeout;
use js_sys::Object;

/// The instance as the closures and the registry hold it.
pub type Shared = Rc<RefCell<Instance>>;

/// Whether the instance may still be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// In use.
    Live,
    /// `destroy()` was called; waiting for the logout to finish.
    Destroying,
    /// Done; every method but `destroy` throws.
    Destroyed,
}

/// One account's SDK instance.
pub struct Instance {
    /// The protocol state machine.
    pub session: Session,
    /// The user's callbacks.
    pub callbacks: Callbacks,
    /// The options given so far, merged: the base of `setOptions` and later
    /// `getInstance` calls.
    pub options: Object,
    /// Whether the instance may still be used.
    pub lifecycle: Lifecycle,
    socket: Option<(SocketId, Socket)>,
    /// Whether the device id is the page's per-tab id (see `tab_id`).
    tab_device_id: bool,
    /// LBS requests in flight; each leaves when it settles, and is aborted once the
    /// session no longer waits for it.
    lbs: Vec<LbsRequest>,
    timer: Option<(u64, Timeout)>,
    page: Option<PageListeners>,
    kicks: Vec<(KickTicket, Done)>,
    disconnects: Vec<Done>,
    destroys: Vec<Done>,
    dispatching: bool,
    /// Where the socket, LBS requests, page listeners and timer report.
    sink: Sink,
}

impl Instance {
    /// A logged-out instance with `options`.
    pub fn create(options: Options) -> Shared {
        Rc::new_cyclic(|this| {
            RefCell::new(Instance {
                session: Session::new(options.config, random_seed()),
                callbacks: options.callbacks,
                options: options.merged,
                lifecycle: Lifecycle::Live,
                socket: None,
                tab_device_id: options.tab_device_id,
                lbs: Vec::new(),
                timer: None,
                page: None,
                kicks: Vec::new(),
                disconnects: Vec::new(),
                destroys: Vec::new(),
                dispatching: false,
                sink: {
                    let this = this.clone();
                    Rc::new(move |input| {
                        if let Some(shared) = this.upgrade() {
                            drive(&shared, input);
                        }
                    })
                },
            })
        })
    }

    /// Starts destroying: silences callbacks and logs out; `done` fires at the end.
    fn begin_destroy(&mut self, now: u64, done: Done) {
        self.destroys.push(done);
        if self.lifecycle == Lifecycle::Live {
            self.lifecycle = Lifecycle::Destroying;
            self.session.disconnect(now);
        }
    }

    /// Replaces the options.
    fn set_options(&mut self, now: u64, options: Options) {
        self.session.set_config(now, options.config);
        self.tab_device_id = options.tab_device_id;
        self.callbacks = options.callbacks;
        self.options = options.merged;
    }

    /// Performs the session's actions, re-arms the timer, and keeps the page
    /// listeners only while the session is active. The session's events wait in
    /// the session for [`dispatch`].
    //
    // `#[inline(never)]` here and on `perform`, `handle` and `deliver`: LLVM inlines
    // a function with one caller whatever its size, and these four all end up in
    // `drive`; kept apart they gzip 160 B smaller (measured; the same attribute on
    // the socket, LBS and page set-up, on `Options::derive` or on the session's
    // methods made the package larger).
    #[inline(never)]
    fn settle(&mut self, now: u64) {
        // Performing an action may feed the session again (a socket that cannot
        // open), which queues more actions: drain until none are left.
        while let Some(action) = self.session.poll_action() {
            self.perform(now, action);
        }
        while let Some(fetch) = self.session.poll_lbs_fetch() {
            let request = LbsRequest::start(fetch.fetch, &fetch.url, &self.sink);
            self.lbs.push(request);
        }
        let waiting_for = self.session.locating();
        for request in &self.lbs {
            if Some(request.fetch) != waiting_for {
                request.abort();
            }
        }
        if !self.session.is_active() {
            self.page = None;
        } else if self.page.is_none() {
            self.page = PageListeners::install(&self.sink);
            if let Some(page) = &self.page {
                self.session
                    .observe_page(page.is_visible(), page.is_online());
            }
        }
        match self.session.poll_timeout() {
            None => self.timer = None,
            Some(timer) if self.timer.as_ref().map(|t| t.0) != Some(timer.at) => {
                let delay = timer.at.saturating_sub(now) + 1;
                let timeout = super::timer::start(delay.min(i32::MAX as u64) as u32, &self.sink);
                self.timer = Some((timer.at, timeout));
            }
            Some(_) => {}
        }
    }

    #[inline(never)]
    fn perform(&mut self, now: u64, action: Action) {
        match action {
            Action::Open { socket, url } => {
                self.socket = None;
                match Socket::open(&url, socket, &self.sink) {
                    Ok(opened) => self.socket = Some((socket, opened)),
                    Err(_) => {
                        let reason = concat(&["cannot open a WebSocket to ", &url]);
                        self.session.handle_close(now, socket, 1006, &reason);
                    }
                }
            }
            Action::Send { socket, message } => {
                let sent = match &self.socket {
                    Some((id, open)) if *id == socket => open.send(&message).is_ok(),
                    _ => true,
                };
                // A socket that refuses a frame is broken: it is closed, and the
                // session handles that as any lost connection. (No user code may
                // run here, under the borrow: `logFunc` could call back in.)
                if !sent {
                    self.socket = None;
                    self.session
                        .handle_close(now, socket, 1006, "could not send a frame");
                }
            }
            Action::Close { socket } => {
                if self.socket.as_ref().is_some_and(|(id, _)| *id == socket) {
                    self.socket = None;
                }
            }
        }
    }

    /// Whether the login, which carries the page's per-tab id, may go on `socket`.
    /// Only once the page has claimed the id: until then the socket's opening is
    /// delivered again when the claim ends (the socket opens meanwhile; only the
    /// login waits). The options are then read again, for the id claimed: a copy
    /// of a tab takes a new one.
    fn tab_id_claimed(&mut self, now: u64, socket: SocketId) -> bool {
        if let Some(claim) = super::tab_id::pending_claim() {
            let again = super::listener(&self.sink, socket.0, super::socket::opened);
            // The derived Promise is not needed: the handler reports the claim.
            let _ = super::then(&claim, &again.into_js_value(), &JsValue::UNDEFINED);
            return false;
        }
        let live = Some(&self.options);
        // The live options passed every check already.
        if let Ok(options) = Options::merge(&Object::new(), live, Source::SetOptions) {
            self.set_options(now, options);
        }
        true
    }

    /// Feeds one input to the session.
    #[inline(never)]
    fn handle(&mut self, now: u64, input: Input) {
        match input {
            Input::Connect(options) => {
                if let Some(options) = options {
                    self.set_options(now, options);
                }
                self.session.connect(now);
            }
            Input::Disconnect(done) => {
                self.disconnects.push(done);
                self.session.disconnect(now);
            }
            Input::Destroy(done) => self.begin_destroy(now, done),
            Input::SetOptions(options) => self.set_options(now, options),
            Input::Kick(device_ids, custom, done) => {
                let ticket = self.session.kick(device_ids, custom);
                self.kicks.push((ticket, done));
            }
            Input::RetryDelay(ticket, provided) => {
                self.session.handle_retry_delay(now, ticket, provided)
            }
            Input::RetryReleased(ticket) => self.session.handle_retry_released(now, ticket),
            Input::Socket(socket, SocketEvent::Open) => {
                if !self.tab_device_id || self.tab_id_claimed(now, socket) {
                    self.session.handle_open(now, socket)
                }
            }
            Input::Socket(socket, SocketEvent::Message(message)) => {
                self.session.handle_message(now, socket, message)
            }
            Input::Socket(socket, SocketEvent::Unreadable(detail)) => {
                self.session.handle_unreadable(now, socket, &detail)
            }
            Input::Socket(socket, SocketEvent::Close { code, reason }) => {
                self.session.handle_close(now, socket, code, &reason)
            }
            Input::Lbs(fetch, reply) => {
                if let Some(at) = self.lbs.iter().position(|r| r.fetch == fetch) {
                    self.lbs.swap_remove(at);
                }
                self.session.handle_lbs_reply(now, fetch, reply);
            }
            Input::Page(PageEvent::Online(online)) => self.session.handle_online(now, online),
            Input::Page(PageEvent::Visible(visible)) => {
                self.session.handle_visibility(now, visible)
            }
            Input::Timer => {
                self.timer = None;
                self.session.handle_timeout(now);
            }
        }
    }

    /// Everything waiting for the end of a disconnect, `disconnect`'s first;
    /// completes a destroy.
    fn disconnect_settled(&mut self) -> Vec<Done> {
        let mut dones = std::mem::take(&mut self.disconnects);
        if self.lifecycle == Lifecycle::Destroying {
            self.lifecycle = Lifecycle::Destroyed;
            self.socket = None;
            self.timer = None;
            self.page = None;
            // Nothing of the user's stays reachable from the wasm: a callback that
            // refers to the instance would otherwise keep it alive for good.
            self.callbacks = Callbacks::default();
            self.options = Object::new();
            dones.append(&mut self.destroys);
        }
        dones
    }
}

/// The driver's clock: ms since the page loaded, monotonic.
fn now_ms() -> u64 {
    performance_now() as u64
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The global `performance.now()` (a window's or a worker's). Every engine that
    /// runs the package has it (see `device_id::random_bytes`).
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// Feeds one input to the instance, performs what follows, then calls user code.
pub fn drive(shared: &Shared, input: Input) {
    {
        // Never borrowed here already: user code only runs from `dispatch`, after
        // this borrow ends, and browser events are never delivered synchronously.
        let mut this = shared.borrow_mut();
        let now = now_ms();
        this.handle(now, input);
        this.settle(now);
    }
    dispatch(shared);
}

/// Delivers the session's events, one at a time, with no borrow held during user
/// code; a nested call (from a callback) leaves its events to the running loop.
fn dispatch(shared: &Shared) {
    {
        let mut this = shared.borrow_mut();
        if this.dispatching {
            return;
        }
        this.dispatching = true;
    }
    loop {
        let next = {
            let mut this = shared.borrow_mut();
            let event = this.session.poll_event();
            if event.is_none() {
                this.dispatching = false;
            }
            let silent = this.lifecycle != Lifecycle::Live;
            event.map(|e| (e, this.callbacks.clone(), silent))
        };
        let Some((event, callbacks, silent)) = next else {
            return;
        };
        deliver(shared, event, &callbacks, silent);
    }
}

/// Calls the user code for one event; `silent` after `destroy()`.
#[inline(never)]
fn deliver(shared: &Shared, event: Event, cb: &Callbacks, silent: bool) {
    let user = |function: &Option<js_sys::Function>, name: &str, arg: &JsValue| {
        if silent {
            None
        } else {
            call(cb, function.as_ref(), name, arg)
        }
    };
    match event {
        Event::Connect(info) => {
            user(&cb.onconnect, "onconnect", &to_js(&info));
        }
        Event::LoginPortsChange(ports) => {
            // As a slice, the same serializer instance as `getLoginPorts`.
            let arg = to_js(ports.as_slice());
            user(&cb.onloginportschange, "onloginportschange", &arg);
        }
        Event::RetryDelayNeeded { ticket, proposed } => {
            let delay = JsValue::from(proposed as f64);
            let provider = &cb.reconnect_delay_provider;
            let provided = user(provider, "reconnectDelayProvider", &delay);
            drive(
                shared,
                Input::RetryDelay(ticket, provided.and_then(|v| v.as_f64())),
            );
        }
        Event::WillReconnect {
            ticket,
            retry_count,
            duration,
            gated,
        } => {
            let arg = to_js(&WillReconnect {
                retry_count,
                duration,
            });
            let returned = user(&cb.onwillreconnect, "onwillreconnect", &arg);
            if gated {
                release_retry_after(shared, ticket, returned);
            }
        }
        Event::Disconnect(disconnect) => {
            let arg = to_js(&DisconnectEvent::new(&disconnect));
            user(&cb.ondisconnect, "ondisconnect", &arg);
        }
        Event::Error { code, message } => {
            let arg = to_js(&ServerError {
                code,
                message: &message,
            });
            user(&cb.onerror, "onerror", &arg);
        }
        Event::KickSettled { ticket, outcome } => {
            let done = {
                let mut this = shared.borrow_mut();
                let at = this.kicks.iter().position(|(t, _)| *t == ticket);
                at.map(|at| this.kicks.swap_remove(at).1)
            };
            if let Some(done) = done {
                match outcome {
                    Ok(ids) => done.succeed(cb, &to_js(&KickOutcome { device_ids: &ids })),
                    Err(failure) => done.fail(cb, &NimError::from(failure).to_js()),
                }
            }
        }
        Event::DisconnectSettled => {
            let dones = shared.borrow_mut().disconnect_settled();
            for done in dones {
                done.succeed(cb, &JsValue::UNDEFINED);
            }
        }
        Event::Log(line) => debug(cb, &line),
    }
}

/// Releases a gated retry once `returned` (the value of `onwillreconnect`) settled,
/// at once when it is not a Promise.
fn release_retry_after(shared: &Shared, ticket: RetryTicket, returned: Option<JsValue>) {
    let thenable = returned.filter(|v| super::get(v, "then").is_function());
    let Some(thenable) = thenable else {
        drive(shared, Input::RetryReleased(ticket));
        return;
    };
    // The handlers belong to JavaScript from here on: the Promise holds them, and
    // the garbage collector frees them (Rust side included, through wasm-bindgen's
    // FinalizationRegistry) with it, whether it settles or not, and after the
    // instance is gone too.
    let handler = |rejected: bool| {
        let weak = Rc::downgrade(shared);
        Listener::new(move |value: JsValue| {
            if let Some(shared) = weak.upgrade() {
                released(&shared, ticket, rejected.then_some(value));
            }
            JsValue::UNDEFINED
        })
        .into_js_value()
    };
    // No borrow here: `Promise.resolve` reads `then` at once, and a getter there is
    // user code that may call back into the instance.
    // The derived Promise is not needed: the handlers report everything.
    let _ = super::then(
        &Promise::resolve(&thenable),
        &handler(false),
        &handler(true),
    );
}

/// `onwillreconnect`'s Promise settled (with `rejection` when it failed).
fn released(shared: &Shared, ticket: RetryTicket, rejection: Option<JsValue>) {
    let callbacks = shared.borrow().callbacks.clone();
    if let Some(error) = rejection {
        report(
            &callbacks,
            "onwillreconnect's Promise rejected; retrying anyway",
            &error,
        );
    }
    drive(shared, Input::RetryReleased(ticket));
}
