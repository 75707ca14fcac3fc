//! Reading the user's options object: every documented key, type-checked, with
//! unknown keys rejected so a typo fails loudly instead of being ignored.
//!
//! The options given so far are kept merged in one object of the SDK's own; each
//! call (`getInstance`, a later `getInstance` for the account, `setOptions`)
//! checks its keys, merges them into a copy of that object, and derives the whole
//! configuration from the copy. Nothing changes when a check fails.

use crate::core::text::concat;
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::callbacks::Callbacks;
use super::device_id;
use super::error::{ErrorCode, NimError};
use super::get;
use crate::core::config::{self, SessionConfig};
use crate::core::text::truncate_chars;

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

/// The parsed options of one instance.
pub struct Options {
    /// What the session needs (device id and socket URL resolved).
    pub config: SessionConfig,
    /// The user's functions and `debug`; they hold the merged options object.
    pub callbacks: Callbacks,
    /// `skipConnectionOnInitialize`.
    pub skip_connection_on_initialize: bool,
}

impl Options {
    /// Reads `value` over `base` (the live options, kept with the callbacks, for
    /// merges and `setOptions`).
    pub fn parse(
        value: &JsValue,
        base: Option<&Callbacks>,
        source: Source,
    ) -> Result<Self, NimError> {
        if !value.is_object() {
            return Err(NimError::new(
                ErrorCode::InvalidArgument,
                "options must be an object",
            ));
        }
        let object: &Object = value.unchecked_ref();
        let merged = Object::new();
        if let Some(base) = base {
            Object::assign(&merged, base.merged());
        }
        let keys = Object::keys(object);
        for at in 0..keys.length() {
            let key = keys.get(at);
            let name = key.as_string().unwrap_or_default();
            let v = Reflect::get(object, &key).unwrap_or(JsValue::UNDEFINED);
            // An `undefined` value leaves the option as it was.
            if v.is_undefined() {
                continue;
            }
            check_kind(&name, &v)?;
            if name == "account" {
                let same =
                    base.is_some_and(|b| get(b.merged(), "account").as_string() == v.as_string());
                if source == Source::SetOptions || (source == Source::MergeInstance && !same) {
                    return Err(NimError::new(
                        ErrorCode::UnknownOption,
                        "option `account` cannot change; use another instance",
                    ));
                }
            }
            // Setting a property of a plain object of our own cannot fail.
            super::reflect_set(&merged, &key, &v);
        }
        Options::derive(merged)
    }

    /// The options that `merged` holds, with every rule checked.
    fn derive(merged: Object) -> Result<Self, NimError> {
        let m = &merged;
        let text = |key: &str| get(m, key).as_string();
        let flag = |key: &str, default: bool| get(m, key).as_bool().unwrap_or(default);
        let number = |key: &str| get(m, key).as_f64();
        let required = |key: &'static str| {
            let value = text(key).unwrap_or_default();
            config::check_required(key, &value).map(|()| value)
        };
        // Filled in field by field: a broken rule then has only `c` to drop.
        let mut c = SessionConfig::DEFAULTS;
        c.app_key = required("appKey")?;
        c.account = required("account")?;
        c.token = required("token")?;
        c.custom_tag = text("customTag").unwrap_or_default();
        config::check_custom_tag(&c.custom_tag)?;
        if let Some(id) = text("deviceId") {
            config::check_device_id(&id)?;
        }
        c.lbs_url = text("lbsUrl");
        if let Some(url) = &c.lbs_url {
            config::check_lbs_url(url)?;
        }
        c.default_links = strings(&get(m, "defaultLink")).unwrap_or_default();
        config::check_default_link(&c.default_links)?;
        if let Some(n) = number("authType") {
            c.auth_type = config::check_auth_type(n)?;
        }
        if let Some(n) = number("customClientType") {
            c.custom_client_type = config::check_custom_client_type(n)?;
        }
        if let Some(n) = number("reconnectionAttempts") {
            c.reconnection_attempts = config::check_reconnection_attempts(n)?;
        }
        if let Some(n) = number("heartbeatInterval") {
            c.heartbeat_interval = config::check_heartbeat_interval(n)?;
        }
        // `socketUrl` pins one address; without it, LBS and `defaultLink` give them.
        if let Some(url) = text("socketUrl") {
            config::check_socket_url(&url)?;
            c.socket_url = url;
            c.lbs_url = None;
            c.default_links = Vec::new();
        } else if c.lbs_url.is_none() && c.default_links.is_empty() {
            c.socket_url = same_origin_socket_url();
        }
        // Every rule holds: the device id may now be read from or written to storage.
        c.device_id =
            device_id::resolve(text("deviceId").as_deref(), flag("isFixedDeviceId", false));
        c.secure_page = page_protocol().as_deref() == Some("https:");
        c.login_ext = text("loginExt").unwrap_or_default();
        c.os = user_agent();
        c.need_reconnect = flag("needReconnect", true);
        c.quick_reconnect = flag("quickReconnect", false);
        let callbacks = Callbacks::new(merged.clone(), flag("debug", false));
        c.has_delay_provider = callbacks.get("reconnectDelayProvider").is_some();
        let config = c;
        Ok(Options {
            config,
            callbacks,
            skip_connection_on_initialize: flag("skipConnectionOnInitialize", false),
        })
    }
}

/// `location.protocol` of the page, such as `"https:"`.
fn page_protocol() -> Option<String> {
    location("protocol")
}

/// `location[key]` of the page, as a string.
fn location(key: &str) -> Option<String> {
    let window = super::window()?;
    let location = get(&window, "location");
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

/// The browser's user agent, shortened, as the login's `os`.
fn user_agent() -> String {
    let agent = super::window()
        .and_then(|w| get(&get(&w, "navigator"), "userAgent").as_string())
        .unwrap_or_default();
    truncate_chars(agent, 128)
}

/// What an option's value must be.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Number,
    Flag,
    /// A function, or `null` to remove one.
    Function,
    /// A string, or an array of strings.
    List,
}

/// Every documented option and its kind.
const OPTIONS: [(&str, Kind); 25] = [
    ("appKey", Kind::Text),
    ("account", Kind::Text),
    ("token", Kind::Text),
    ("authType", Kind::Number),
    ("loginExt", Kind::Text),
    ("customTag", Kind::Text),
    ("customClientType", Kind::Number),
    ("needReconnect", Kind::Flag),
    ("reconnectionAttempts", Kind::Number),
    ("quickReconnect", Kind::Flag),
    ("heartbeatInterval", Kind::Number),
    ("skipConnectionOnInitialize", Kind::Flag),
    ("socketUrl", Kind::Text),
    ("lbsUrl", Kind::Text),
    ("defaultLink", Kind::List),
    ("deviceId", Kind::Text),
    ("isFixedDeviceId", Kind::Flag),
    ("debug", Kind::Flag),
    ("logFunc", Kind::Function),
    ("reconnectDelayProvider", Kind::Function),
    ("onconnect", Kind::Function),
    ("ondisconnect", Kind::Function),
    ("onwillreconnect", Kind::Function),
    ("onloginportschange", Kind::Function),
    ("onerror", Kind::Function),
];

/// Checks that option `name` is documented and `v` is of its kind.
fn check_kind(name: &str, v: &JsValue) -> Result<(), NimError> {
    let mut kind = None;
    for (known, k) in OPTIONS {
        if known == name {
            kind = Some(k);
        }
    }
    let Some(kind) = kind else {
        return Err(NimError::new(
            ErrorCode::UnknownOption,
            concat(&["unknown option `", name, "`"]),
        ));
    };
    let (ok, expected) = match kind {
        Kind::Text => (v.is_string(), "a string"),
        Kind::Number => (v.as_f64().is_some(), "a number"),
        Kind::Flag => (v.as_bool().is_some(), "a boolean"),
        Kind::Function => (v.is_null() || v.is_function(), "a function"),
        Kind::List => (strings(v).is_some(), "a string or an array of strings"),
    };
    if ok {
        return Ok(());
    }
    Err(NimError::new(
        ErrorCode::InvalidOption,
        concat(&["option `", name, "` must be ", expected]),
    ))
}

/// A string, or an array of strings.
fn strings(v: &JsValue) -> Option<Vec<String>> {
    match v.as_string() {
        Some(one) => Some(vec![one]),
        None => crate::wire::read_strings(v),
    }
}
