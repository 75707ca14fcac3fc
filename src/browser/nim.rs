//! The `NIM` class seen from JavaScript, and the per-account instance registry.

use crate::core::text::concat;
use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;

use super::done::Done;
use super::error::{ErrorCode, NimError};
use super::instance::{drive, Instance, Lifecycle, Shared};
use super::options::{Options, Source};
use super::remote::{Remote, RemoteRef};
use super::Input;
use nim_protocol::{encoded_len, MAX_DEVICE_ID_BYTES, MAX_KICK_CUSTOM_BYTES, MAX_KICK_DEVICE_IDS};

/// An instance: the session itself, or under `shareConnection` a proxy of the
/// session a SharedWorker runs for every tab.
#[derive(Clone)]
enum Inner {
    Local(Shared),
    Remote(RemoteRef),
}

/// A live instance: its account, the JS object handed out, and the instance.
struct Registered {
    account: String,
    object: JsValue,
    inner: Inner,
}

impl Inner {
    /// Whether `self` and `other` are the same instance.
    fn is(&self, other: &Inner) -> bool {
        match (self, other) {
            (Inner::Local(a), Inner::Local(b)) => Rc::ptr_eq(a, b),
            (Inner::Remote(a), Inner::Remote(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }

    fn lifecycle(&self) -> Lifecycle {
        match self {
            Inner::Local(shared) => shared.borrow().lifecycle,
            Inner::Remote(remote) => remote.borrow().lifecycle,
        }
    }

    /// The live options, the base of a merge.
    fn options(&self) -> js_sys::Object {
        match self {
            Inner::Local(shared) => shared.borrow().options.clone(),
            Inner::Remote(remote) => remote.borrow().options.clone(),
        }
    }

    /// The callbacks, for a `done` that throws.
    fn callbacks(&self) -> super::callbacks::Callbacks {
        match self {
            Inner::Local(shared) => shared.borrow().callbacks.clone(),
            Inner::Remote(remote) => remote.borrow().callbacks.clone(),
        }
    }

    /// `connect()`, with the options of a later `getInstance` when given.
    fn connect(&self, options: Option<Options>) {
        match self {
            Inner::Local(shared) => drive(shared, Input::Connect(options)),
            Inner::Remote(remote) => {
                let mut remote = remote.borrow_mut();
                if let Some(options) = options {
                    remote.set_options(options);
                }
                remote.post_message("connect");
            }
        }
    }

    /// Starts destroying; `done` fires at the end.
    fn destroy(&self, done: Done) {
        match self {
            Inner::Local(shared) => drive(shared, Input::Destroy(done)),
            Inner::Remote(remote) => remote.borrow_mut().destroy(done),
        }
    }
}

thread_local! {
    /// One instance per account, as `NIM.getInstance` hands them out.
    static REGISTRY: RefCell<Vec<Registered>> = const { RefCell::new(Vec::new()) };
}

fn find(account: &str) -> Option<(JsValue, Inner)> {
    REGISTRY.with(|r| {
        r.borrow()
            .iter()
            .find(|e| e.account == account)
            .map(|e| (e.object.clone(), e.inner.clone()))
    })
}

fn unregister(inner: &Inner) {
    REGISTRY.with(|r| {
        let mut registry = r.borrow_mut();
        if let Some(at) = registry.iter().position(|e| e.inner.is(inner)) {
            registry.swap_remove(at);
        }
    });
}

/// The JS class `NIM`: `NIM.getInstance` and `NIM.rmAllInstances`, and the class
/// of every instance. Its methods take `&self` only, so a callback may call any of
/// them while another runs.
#[wasm_bindgen(js_name = NIM, skip_typescript)]
pub struct Nim {
    inner: Inner,
}

#[wasm_bindgen(js_class = NIM)]
impl Nim {
    /// `NIM.getInstance(options)`: the account's instance, created and connected
    /// on first use; later calls merge `options` into it and call `connect()`.
    #[wasm_bindgen(js_name = getInstance, skip_typescript)]
    pub fn get_instance(options: JsValue, share: JsValue) -> Result<JsValue, JsValue> {
        // Read first, with nothing borrowed: a getter of `options` is user code, and
        // may call into any instance.
        let given = Options::given(&options)?;
        let account = super::get(&given, "account")
            .as_string()
            .unwrap_or_default();
        if let Some((object, inner)) = find(&account) {
            let merged = Options::merge(&given, Some(&inner.options()), Source::MergeInstance)?;
            inner.connect(Some(merged));
            return Ok(object);
        }
        let parsed = Options::merge(&given, None, Source::GetInstance)?;
        let connect = !parsed.skip_connection_on_initialize;
        // `share` (face.js) is there where SharedWorker is: elsewhere the option
        // falls back to an instance of this tab's own.
        let inner = if parsed.share_connection && share.is_object() {
            Inner::Remote(Remote::create(parsed, share))
        } else {
            Inner::Local(Instance::create(parsed))
        };
        let object = JsValue::from(Nim {
            inner: inner.clone(),
        });
        REGISTRY.with(|r| {
            r.borrow_mut().push(Registered {
                account,
                object: object.clone(),
                inner: inner.clone(),
            })
        });
        if let Inner::Local(shared) = &inner {
            if connect {
                drive(shared, Input::Connect(None));
            }
        }
        Ok(object)
    }

    /// `NIM.rmAllInstances()`: destroys every instance; the Promise resolves with
    /// `undefined` when all are gone.
    #[wasm_bindgen(js_name = rmAllInstances, skip_typescript)]
    pub fn rm_all_instances() -> js_sys::Promise {
        let all = REGISTRY.with(|r| std::mem::take(&mut *r.borrow_mut()));
        let promises = Array::new();
        for (at, Registered { inner, .. }) in (0..).zip(all) {
            let (done, promise) = Done::new(None);
            inner.destroy(done);
            // `Array::set`, whose import serde-wasm-bindgen's arrays already bring.
            promises.set(at, promise);
        }
        let (gone, resolve, reject) = super::done::pending();
        // `Promise.all` resolves with an array; ours resolves with `undefined`.
        let resolve = resolve.bind1(&JsValue::NULL, &JsValue::UNDEFINED);
        super::then(&js_sys::Promise::all(&promises), &resolve, &reject);
        gone
    }
}

#[wasm_bindgen(js_class = NIM)]
impl Nim {
    /// `connect()`: logs in unless logged in or logging in.
    #[wasm_bindgen(skip_typescript)]
    pub fn connect(&self) -> Result<(), JsValue> {
        self.live()?;
        self.inner.connect(None);
        Ok(())
    }

    /// `disconnect({done})`: logs out; `done` (or the Promise) fires once the
    /// socket is really closed.
    #[wasm_bindgen(skip_typescript)]
    pub fn disconnect(&self, options: JsValue) -> Result<JsValue, JsValue> {
        self.live()?;
        let (done, returned) = Done::new(done_option(&options, "disconnect")?);
        match &self.inner {
            Inner::Local(shared) => drive(shared, Input::Disconnect(done)),
            Inner::Remote(remote) => remote.borrow_mut().request_message("disconnect", done),
        }
        Ok(returned)
    }

    /// `destroy({done})`: see [`destroy`]. Callable again after `destroy`.
    #[wasm_bindgen(skip_typescript)]
    pub fn destroy(&self, options: JsValue) -> Result<JsValue, JsValue> {
        destroy(&self.inner, &options)
    }

    /// `setOptions(options)`: applies every documented key; rejects unknown keys
    /// and `account`.
    #[wasm_bindgen(js_name = setOptions, skip_typescript)]
    pub fn set_options(&self, options: JsValue) -> Result<(), JsValue> {
        self.live()?;
        // Read first, with nothing borrowed: a getter of `options` is user code.
        let given = Options::given(&options)?;
        let parsed = Options::merge(&given, Some(&self.inner.options()), Source::SetOptions)?;
        match &self.inner {
            Inner::Local(shared) => drive(shared, Input::SetOptions(parsed)),
            Inner::Remote(remote) => remote.borrow_mut().set_options(parsed),
        }
        Ok(())
    }

    /// `kick({deviceIds, custom, done})`: kicks other devices of this account.
    #[wasm_bindgen(skip_typescript)]
    pub fn kick(&self, options: JsValue) -> Result<JsValue, JsValue> {
        self.live()?;
        let (device_ids, custom) = kick_arguments(&options)?;
        let (done, returned) = Done::new(done_option(&options, "kick")?);
        match &self.inner {
            Inner::Local(shared) => drive(shared, Input::Kick(device_ids, custom, done)),
            Inner::Remote(remote) => remote.borrow_mut().kick(device_ids, custom, done),
        }
        Ok(returned)
    }

    /// `getLoginStatus()`: 0 logged out, 1 logged in, 2 logging in, 3 waiting to
    /// reconnect.
    #[wasm_bindgen(js_name = getLoginStatus, skip_typescript)]
    pub fn get_login_status(&self) -> Result<u8, JsValue> {
        self.live()?;
        Ok(match &self.inner {
            Inner::Local(shared) => shared.borrow().session.status() as u8,
            Inner::Remote(remote) => remote.borrow().status(),
        })
    }

    /// `isConnected()`: whether the socket is open.
    #[wasm_bindgen(js_name = isConnected, skip_typescript)]
    pub fn is_connected(&self) -> Result<bool, JsValue> {
        self.live()?;
        Ok(match &self.inner {
            Inner::Local(shared) => shared.borrow().session.is_connected(),
            Inner::Remote(remote) => remote.borrow().is_connected(),
        })
    }

    /// `getLoginPorts()`: the account's other devices online now.
    #[wasm_bindgen(js_name = getLoginPorts, skip_typescript)]
    pub fn get_login_ports(&self) -> Result<JsValue, JsValue> {
        self.live()?;
        Ok(match &self.inner {
            Inner::Local(shared) => super::to_js(shared.borrow().session.login_ports()),
            Inner::Remote(remote) => remote.borrow().login_ports(),
        })
    }

    /// The page of a shared session's tabs, for its worker (not part of the API):
    /// `visible` when any tab is, and the browser's connectivity.
    #[wasm_bindgen(js_name = __page, skip_typescript)]
    pub fn page(&self, visible: bool, online: bool) {
        use super::page::PageEvent;
        if let Inner::Local(shared) = &self.inner {
            drive(shared, Input::Page(PageEvent::Visible(visible)));
            drive(shared, Input::Page(PageEvent::Online(online)));
        }
    }
}

/// `free()`, or the garbage collector once the registry let go of the object:
/// destroys the instance as `destroy()` without `done` does, so the account is not
/// left logged in behind an object nobody can reach.
impl Drop for Nim {
    fn drop(&mut self) {
        if self.inner.lifecycle() == Lifecycle::Live {
            unregister(&self.inner);
            let (done, _) = Done::new(None);
            self.inner.destroy(done);
        }
    }
}

impl Nim {
    /// Only `destroy` may be called after `destroy`.
    fn live(&self) -> Result<(), JsValue> {
        if let Inner::Remote(remote) = &self.inner {
            if let Some(refused) = &remote.borrow().refused {
                return Err(refused.clone());
            }
        }
        if self.inner.lifecycle() == Lifecycle::Live {
            return Ok(());
        }
        Err(NimError::new(
            ErrorCode::Destroyed,
            "this NIM instance was destroyed; call NIM.getInstance for a new one",
        )
        .into())
    }
}

/// `destroy({done})`: logs out, silences the callbacks and leaves the registry;
/// every call's `done` fires, later calls of other methods throw.
fn destroy(inner: &Inner, options: &JsValue) -> Result<JsValue, JsValue> {
    let (done, returned) = Done::new(done_option(options, "destroy")?);
    if inner.lifecycle() == Lifecycle::Destroyed {
        done.succeed(&inner.callbacks(), &JsValue::UNDEFINED);
        return Ok(returned);
    }
    unregister(inner);
    inner.destroy(done);
    Ok(returned)
}

/// The `done` of `{done}`, if any.
fn done_option(options: &JsValue, method: &str) -> Result<Option<Function>, NimError> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    let done = super::get(options, "done");
    if done.is_undefined() || done.is_null() {
        return Ok(None);
    }
    if done.is_function() {
        return Ok(Some(done.unchecked_into()));
    }
    Err(NimError::new(
        ErrorCode::InvalidArgument,
        concat(&["`", method, "({done})`: `done` must be a function"]),
    ))
}

// The messages of `kick_arguments` spell the limits out.
const _: () = assert!(
    MAX_KICK_DEVICE_IDS == 64 && MAX_DEVICE_ID_BYTES == 128 && MAX_KICK_CUSTOM_BYTES == 1024
);

/// `deviceIds` (1 to 64 non-empty strings of at most 128 bytes each) and `custom`
/// (at most 1024 bytes) of a `kick` call, counted as encoded in the frame: a kick
/// within them always fits in one frame, so the server never closes the kicker's
/// session over it.
fn kick_arguments(options: &JsValue) -> Result<(Vec<String>, String), NimError> {
    let invalid = |message: &str| NimError::new(ErrorCode::InvalidArgument, message);
    if !options.is_object() {
        return Err(invalid("`kick(options)`: options must be an object"));
    }
    let ids = super::get(options, "deviceIds");
    let ids: Array = ids
        .dyn_into()
        .map_err(|_| invalid("`kick`: `deviceIds` must be an array of device ids"))?;
    let count = ids.length() as usize;
    if count == 0 || count > MAX_KICK_DEVICE_IDS {
        return Err(invalid("`kick`: `deviceIds` must hold 1 to 64 device ids"));
    }
    let mut device_ids = Vec::new();
    for id in ids.iter() {
        match id.as_string() {
            Some(id) if !id.is_empty() && encoded_len(&id) <= MAX_DEVICE_ID_BYTES => {
                device_ids.push(id)
            }
            _ => {
                return Err(invalid(
                    "`kick`: every entry of `deviceIds` must be a non-empty string of at most 128 bytes",
                ))
            }
        }
    }
    let custom = super::get(options, "custom");
    let custom = match custom.as_string() {
        Some(custom) if encoded_len(&custom) <= MAX_KICK_CUSTOM_BYTES => custom,
        Some(_) => return Err(invalid("`kick`: `custom` must be at most 1024 bytes")),
        None if custom.is_undefined() => String::new(),
        None => return Err(invalid("`kick`: `custom` must be a string")),
    };
    Ok((device_ids, custom))
}
