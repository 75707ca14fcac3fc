//! Reading the user's options object: every documented key, type-checked, with
//! unknown keys rejected so a typo fails loudly instead of being ignored.
//!
//! The options given so far are kept merged in one plain object of the SDK's own.
//! Each call (`getInstance`, a later `getInstance` for the account, `setOptions`)
//! first reads each key of the caller's object once ([`Options::given`]: a getter
//! is user code) and checks that the key is documented; from then on only the SDK's
//! own objects are read. The values are merged into a copy of the live options,
//! whose values are read into [`OptionValues`] one by one with serde-wasm-bindgen
//! (the callbacks and `defaultLink` directly) and checked ([`Options::merge`]).
//! Nothing changes when a check fails.

use crate::core::text::concat;
use js_sys::{Function, Object};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use super::callbacks::Callbacks;
use super::device_id;
use super::error::{ErrorCode, NimError};
use super::get;
use crate::core::config::{self, SessionConfig};
use crate::core::text::truncate_bytes;
use crate::field_names::field_names;

/// Which call the options come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The first `getInstance` for an account: `appKey`, `account`, `token` required.
    GetInstance,
    /// A later `getInstance` for the same account: merged into the live options.
    MergeInstance,
    /// `setOptions`: `account` cannot change.
    SetOptions,
}

/// Every documented option. `null` leaves one at its default (for a function: none).
/// Numbers stay `f64` here: `core::config` checks their ranges and names the option
/// in its error. The derive names the documented keys (`check_known`); [`read`]
/// reads each value on its own, since the derived reader of the whole struct (its
/// map and sequence forms, its field matching) is larger, and reading key by key
/// names the key of the wrong type without a second pass.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct OptionValues {
    app_key: Option<String>,
    account: Option<String>,
    token: Option<String>,
    auth_type: Option<f64>,
    login_ext: Option<String>,
    custom_tag: Option<String>,
    custom_client_type: Option<f64>,
    need_reconnect: Option<bool>,
    reconnection_attempts: Option<f64>,
    quick_reconnect: Option<bool>,
    heartbeat_interval: Option<f64>,
    skip_connection_on_initialize: Option<bool>,
    socket_url: Option<String>,
    lbs_url: Option<String>,
    device_id: Option<String>,
    is_fixed_device_id: Option<bool>,
    debug: Option<bool>,
    share_connection: Option<bool>,
    shared_worker_url: Option<String>,
}

/// The options read from the merged object itself instead of through serde: the
/// callbacks and `defaultLink` (a string or an array of strings). serde sees a
/// function or a "string or sequence" only through serde-wasm-bindgen's `preserve`,
/// which brings its reader of every kind of JavaScript value (iterables, maps,
/// BigInts) into the package; `BENCHMARKS.md` has the measurement.
const READ_DIRECTLY: [&str; 8] = [
    "defaultLink",
    "onconnect",
    "ondisconnect",
    "onwillreconnect",
    "onloginportschange",
    "onerror",
    "reconnectDelayProvider",
    "logFunc",
];

/// Option `name` of `merged`: a function, or `null` (or absent) for none.
fn function(merged: &Object, name: &str) -> Result<Option<Function>, NimError> {
    let value = get(merged, name);
    if value.is_null() || value.is_undefined() {
        return Ok(None);
    }
    value.dyn_into().map(Some).map_err(|_| wrong_type(name))
}

/// `defaultLink` of `merged`: one address, or an array of them.
fn links(merged: &Object) -> Result<Vec<String>, NimError> {
    let value = get(merged, "defaultLink");
    if value.is_null() || value.is_undefined() {
        return Ok(Vec::new());
    }
    if let Some(one) = value.as_string() {
        return Ok(vec![one]);
    }
    let wrong = || wrong_type("defaultLink");
    let list: js_sys::Array = value.dyn_into().map_err(|_| wrong())?;
    let links = list.iter().map(|link| link.as_string().ok_or_else(wrong));
    links.collect()
}

/// The error for option `name` holding a value of the wrong type.
fn wrong_type(name: &str) -> NimError {
    NimError::new(
        ErrorCode::InvalidOption,
        concat(&["option `", name, "` has a value of the wrong type"]),
    )
}

/// The parsed options of one instance.
pub struct Options {
    /// What the session needs (device id and socket URL resolved).
    pub config: SessionConfig,
    /// The user's functions and `debug`.
    pub callbacks: Callbacks,
    /// The options given so far, merged: the base of the next merge.
    pub merged: Object,
    /// `skipConnectionOnInitialize`.
    pub skip_connection_on_initialize: bool,
    /// Whether the device id is the page's per-tab id (see `tab_id`).
    pub tab_device_id: bool,
    /// `shareConnection`: one session for every tab of the browser profile.
    pub share_connection: bool,
    /// `sharedWorkerUrl`: where that session's worker is loaded from, when set.
    pub shared_worker_url: Option<String>,
}

impl Options {
    /// The options the caller gave: every documented key of `value` whose value is
    /// not `undefined`, each read once (a getter is user code and may answer
    /// differently each time), in a plain object of the SDK's own.
    pub fn given(value: &JsValue) -> Result<Object, NimError> {
        if !value.is_object() {
            return Err(NimError::new(
                ErrorCode::InvalidArgument,
                "options must be an object",
            ));
        }
        let object: &Object = value.unchecked_ref();
        let keys = own_keys(object).map_err(|_| {
            NimError::new(
                ErrorCode::InvalidArgument,
                "options could not be read (its keys threw)",
            )
        })?;
        let given = Object::new();
        for key in keys.iter() {
            let v = js_sys::Reflect::get(object, &key).unwrap_or(JsValue::UNDEFINED);
            // An `undefined` value leaves the option as it was.
            if v.is_undefined() {
                continue;
            }
            let name = key.as_string().unwrap_or_default();
            check_known(&name)?;
            super::set(&given, &name, &v);
        }
        Ok(given)
    }

    /// The options `given` (from [`Options::given`]) over `base`, the live merged
    /// options for merges and `setOptions`.
    pub fn merge(given: &Object, base: Option<&Object>, source: Source) -> Result<Self, NimError> {
        let account = get(given, "account");
        if !account.is_undefined() {
            let same = base.is_some_and(|b| get(b, "account").as_string() == account.as_string());
            if source == Source::SetOptions || (source == Source::MergeInstance && !same) {
                return Err(NimError::new(
                    ErrorCode::UnknownOption,
                    "option `account` cannot change; use another instance",
                ));
            }
        }
        let merged = Object::new();
        if let Some(base) = base {
            Object::assign(&merged, base);
        }
        Object::assign(&merged, given);
        Options::derive(merged)
    }

    /// The options that `merged` holds, with every rule checked.
    fn derive(merged: Object) -> Result<Self, NimError> {
        let o = read(&merged)?;
        let default_links = links(&merged)?;
        let callbacks = Callbacks {
            onconnect: function(&merged, "onconnect")?,
            ondisconnect: function(&merged, "ondisconnect")?,
            onwillreconnect: function(&merged, "onwillreconnect")?,
            onloginportschange: function(&merged, "onloginportschange")?,
            onerror: function(&merged, "onerror")?,
            reconnect_delay_provider: function(&merged, "reconnectDelayProvider")?,
            log_func: function(&merged, "logFunc")?,
            debug: o.debug.unwrap_or(false),
        };
        let mut c = SessionConfig::DEFAULTS;
        c.app_key = o.app_key.unwrap_or_default();
        config::check_app_key(&c.app_key)?;
        c.account = o.account.unwrap_or_default();
        config::check_account(&c.account)?;
        c.token = o.token.unwrap_or_default();
        config::check_token(&c.token)?;
        c.login_ext = o.login_ext.unwrap_or_default();
        config::check_login_ext(&c.login_ext)?;
        c.custom_tag = o.custom_tag.unwrap_or_default();
        config::check_custom_tag(&c.custom_tag)?;
        if let Some(id) = &o.device_id {
            config::check_device_id(id)?;
        }
        c.lbs_url = o.lbs_url;
        if let Some(url) = &c.lbs_url {
            config::check_lbs_url(url)?;
        }
        c.default_links = default_links;
        config::check_default_link(&c.default_links)?;
        if let Some(n) = o.auth_type {
            c.auth_type = config::check_auth_type(n)?;
        }
        if let Some(n) = o.custom_client_type {
            c.custom_client_type = config::check_custom_client_type(n)?;
        }
        if let Some(n) = o.reconnection_attempts {
            c.reconnection_attempts = config::check_reconnection_attempts(n)?;
        }
        if let Some(n) = o.heartbeat_interval {
            c.heartbeat_interval = config::check_heartbeat_interval(n)?;
        }
        // `socketUrl` pins one address; without it, LBS and `defaultLink` give them.
        if let Some(url) = o.socket_url {
            config::check_socket_url(&url)?;
            c.socket_url = url;
            c.lbs_url = None;
            c.default_links = Vec::new();
        } else if c.lbs_url.is_none() && c.default_links.is_empty() {
            c.socket_url = same_origin_socket_url();
        }
        // Where SharedWorker is missing the option falls back to a tab of its own.
        let share_asked = o.share_connection.unwrap_or(false);
        let share_connection = share_asked && get(&super::global(), "SharedWorker").is_function();
        // A function cannot be called across tabs: the shared session's retries
        // could not wait for it.
        if share_asked && callbacks.reconnect_delay_provider.is_some() {
            return Err(NimError::new(
                ErrorCode::InvalidOption,
                "option `reconnectDelayProvider` cannot be combined with `shareConnection`",
            ));
        }
        // Every rule holds: the device id may now be read from or written to storage.
        // A shared session's id is kept in localStorage, one per appKey + account, as
        // every tab of the browser shares it.
        let shared_key = concat(&[device_id::STORAGE_KEY, ":", &c.app_key, "\n", &c.account]);
        let kept = if share_connection {
            Some(shared_key.as_str())
        } else {
            o.is_fixed_device_id
                .unwrap_or(false)
                .then_some(device_id::STORAGE_KEY)
        };
        let (id, tab_device_id) = device_id::resolve(o.device_id.as_deref(), kept);
        c.device_id = id;
        c.secure_page = page_protocol().as_deref() == Some("https:");
        c.os = user_agent();
        c.need_reconnect = o.need_reconnect.unwrap_or(true);
        c.quick_reconnect = o.quick_reconnect.unwrap_or(false);
        c.has_delay_provider = callbacks.reconnect_delay_provider.is_some();
        Ok(Options {
            config: c,
            callbacks,
            merged,
            skip_connection_on_initialize: o.skip_connection_on_initialize.unwrap_or(false),
            tab_device_id,
            share_connection,
            shared_worker_url: o.shared_worker_url,
        })
    }
}

/// The options `merged` holds; a value of the wrong type is an `invalidOption`
/// naming the first such option.
fn read(merged: &Object) -> Result<OptionValues, NimError> {
    Ok(OptionValues {
        app_key: value(merged, "appKey")?,
        account: value(merged, "account")?,
        token: value(merged, "token")?,
        auth_type: value(merged, "authType")?,
        login_ext: value(merged, "loginExt")?,
        custom_tag: value(merged, "customTag")?,
        custom_client_type: value(merged, "customClientType")?,
        need_reconnect: value(merged, "needReconnect")?,
        reconnection_attempts: value(merged, "reconnectionAttempts")?,
        quick_reconnect: value(merged, "quickReconnect")?,
        heartbeat_interval: value(merged, "heartbeatInterval")?,
        skip_connection_on_initialize: value(merged, "skipConnectionOnInitialize")?,
        socket_url: value(merged, "socketUrl")?,
        lbs_url: value(merged, "lbsUrl")?,
        device_id: value(merged, "deviceId")?,
        is_fixed_device_id: value(merged, "isFixedDeviceId")?,
        debug: value(merged, "debug")?,
        share_connection: value(merged, "shareConnection")?,
        shared_worker_url: value(merged, "sharedWorkerUrl")?,
    })
}

/// Option `key` of `merged`, `None` when absent or `null`.
fn value<T: DeserializeOwned>(merged: &Object, key: &str) -> Result<Option<T>, NimError> {
    serde_wasm_bindgen::from_value(get(merged, key)).map_err(|_| wrong_type(key))
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `Object.keys(object)`, which a Proxy's `ownKeys` trap can make throw.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    pub(super) fn own_keys(object: &Object) -> Result<js_sys::Array, JsValue>;
}

/// Checks that option `name` is documented.
fn check_known(name: &str) -> Result<(), NimError> {
    if field_names::<OptionValues>().contains(&name) || READ_DIRECTLY.contains(&name) {
        return Ok(());
    }
    Err(NimError::new(
        ErrorCode::UnknownOption,
        concat(&["unknown option `", name, "`"]),
    ))
}

/// `location.protocol` of the page, such as `"https:"`.
fn page_protocol() -> Option<String> {
    location("protocol")
}

/// `location[key]` of the page, as a string: the window's location, or in the
/// worker of a shared session the worker's, which has the page's origin.
fn location(key: &str) -> Option<String> {
    let location = get(&super::global(), "location");
    get(&location, key).as_string()
}

/// `ws(s)://<this page's host>/ws`.
fn same_origin_socket_url() -> String {
    let host = location("host").unwrap_or_default();
    let scheme = if page_protocol().as_deref() == Some("https:") {
        "wss"
    } else {
        "ws"
    };
    concat(&[scheme, "://", &host, "/ws"])
}

/// The browser's user agent, cut to what the server accepts, as the login's `os`.
fn user_agent() -> String {
    let navigator = get(&super::global(), "navigator");
    let agent = get(&navigator, "userAgent").as_string().unwrap_or_default();
    truncate_bytes(agent, nim_protocol::MAX_OS_BYTES)
}
