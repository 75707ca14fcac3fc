//! Reading the user's options object: every documented key, type-checked, with
//! unknown keys rejected so a typo fails loudly instead of being ignored.

use crate::core::text::concat;
use js_sys::{Function, Object, Reflect};
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
#[derive(Debug, Clone)]
pub struct Options {
    /// What the session needs (device id and socket URL resolved).
    pub config: SessionConfig,
    /// The user's functions.
    pub callbacks: Callbacks,
    /// `skipConnectionOnInitialize`.
    pub skip_connection_on_initialize: bool,
    /// `deviceId` as given.
    pub device_id: Option<String>,
    /// `isFixedDeviceId`.
    pub is_fixed_device_id: bool,
    /// `socketUrl` as given.
    pub socket_url: Option<String>,
    /// `lbsUrl` as given.
    pub lbs_url: Option<String>,
    /// `defaultLink` as given (a string becomes a list of one).
    pub default_link: Option<Vec<String>>,
}

impl Options {
    fn empty() -> Self {
        Options {
            config: SessionConfig::new("", "", "", ""),
            callbacks: Callbacks::default(),
            skip_connection_on_initialize: false,
            device_id: None,
            is_fixed_device_id: false,
            socket_url: None,
            lbs_url: None,
            default_link: None,
        }
    }

    /// Reads `value` over `base` (the live options, for merges and `setOptions`).
    pub fn parse(
        value: &JsValue,
        base: Option<&Options>,
        source: Source,
    ) -> Result<Self, NimError> {
        let object: &Object = value
            .dyn_ref()
            .filter(|_| !value.is_null())
            .ok_or_else(|| {
                NimError::new(ErrorCode::InvalidArgument, "options must be an object")
            })?;
        let mut o = base.cloned().unwrap_or_else(Options::empty);
        o.callbacks = o.callbacks.fork();
        let keys = Object::keys(object);
        for at in 0..keys.length() {
            let key = keys.get(at);
            let name = key.as_string().unwrap_or_default();
            let v = Reflect::get(object, &key).unwrap_or(JsValue::UNDEFINED);
            if v.is_undefined() {
                continue;
            }
            o.apply(&name, &v, source)?;
        }
        o.check()?;
        Ok(o)
    }

    fn apply(&mut self, name: &str, v: &JsValue, source: Source) -> Result<(), NimError> {
        let Some(at) = OPTIONS.iter().position(|(known, _)| *known == name) else {
            return Err(NimError::new(
                ErrorCode::UnknownOption,
                concat(&["unknown option `", name, "`"]),
            ));
        };
        let Value {
            text,
            number,
            flag,
            function,
            list,
        } = Value::read(name, OPTIONS[at].1, v)?;
        let c = &mut self.config;
        let cb = &mut self.callbacks;
        // The arms follow the order of `OPTIONS`.
        match at {
            0 => c.app_key = text,
            1 => match source {
                Source::GetInstance => c.account = text,
                Source::MergeInstance if text == c.account => {}
                _ => {
                    return Err(NimError::new(
                        ErrorCode::UnknownOption,
                        "option `account` cannot change; use another instance",
                    ))
                }
            },
            2 => c.token = text,
            3 => c.auth_type = config::check_auth_type(number)?,
            4 => c.login_ext = text,
            5 => c.custom_tag = text,
            6 => c.custom_client_type = config::check_custom_client_type(number)?,
            7 => c.need_reconnect = flag,
            8 => c.reconnection_attempts = config::check_reconnection_attempts(number)?,
            9 => c.quick_reconnect = flag,
            10 => c.heartbeat_interval = config::check_heartbeat_interval(number)?,
            11 => self.skip_connection_on_initialize = flag,
            12 => self.socket_url = Some(text),
            13 => self.lbs_url = Some(text),
            14 => self.default_link = Some(list),
            15 => self.device_id = Some(text),
            16 => self.is_fixed_device_id = flag,
            17 => cb.debug = flag,
            // `logFunc`, `reconnectDelayProvider` and the `on*` callbacks.
            _ => cb.set(name, function.as_ref()),
        }
        Ok(())
    }

    /// Checks the rules that span keys and fills in what is derived.
    fn check(&mut self) -> Result<(), NimError> {
        let c = &mut self.config;
        config::check_required("appKey", &c.app_key)?;
        config::check_required("account", &c.account)?;
        config::check_required("token", &c.token)?;
        config::check_custom_tag(&c.custom_tag)?;
        if let Some(id) = &self.device_id {
            config::check_device_id(id)?;
        }
        if let Some(url) = &self.lbs_url {
            config::check_lbs_url(url)?;
        }
        let default_links = self.default_link.clone().unwrap_or_default();
        config::check_default_link(&default_links)?;
        // `socketUrl` pins one address; without it, LBS and `defaultLink` give them.
        let (socket_url, lbs_url, default_links) = match &self.socket_url {
            Some(url) => {
                config::check_socket_url(url)?;
                (url.clone(), None, Vec::new())
            }
            None if self.lbs_url.is_some() || !default_links.is_empty() => {
                (String::new(), self.lbs_url.clone(), default_links)
            }
            None => (same_origin_socket_url(), None, Vec::new()),
        };
        c.socket_url = socket_url;
        c.lbs_url = lbs_url;
        c.default_links = default_links;
        c.secure_page = page_protocol().as_deref() == Some("https:");
        c.device_id = device_id::resolve(self.device_id.as_deref(), self.is_fixed_device_id);
        c.os = user_agent();
        c.has_delay_provider = self.callbacks.get("reconnectDelayProvider").is_some();
        Ok(())
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

/// Every documented option and its kind, in the order of [`Options::apply`]'s arms.
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

/// One option's value, type-checked; only the field of its [`Kind`] is set.
#[derive(Default)]
struct Value {
    text: String,
    number: f64,
    flag: bool,
    function: Option<Function>,
    list: Vec<String>,
}

impl Value {
    fn read(name: &str, kind: Kind, v: &JsValue) -> Result<Value, NimError> {
        let mut value = Value::default();
        let read = match kind {
            Kind::Text => v.as_string().map(|text| value.text = text),
            Kind::Number => v.as_f64().map(|number| value.number = number),
            Kind::Flag => v.as_bool().map(|flag| value.flag = flag),
            Kind::Function if v.is_null() => Some(()),
            Kind::Function => v
                .dyn_ref::<Function>()
                .map(|function| value.function = Some(function.clone())),
            Kind::List => strings(v).map(|list| value.list = list),
        };
        read.map(|()| value).ok_or_else(|| {
            let expected = match kind {
                Kind::Text => "a string",
                Kind::Number => "a number",
                Kind::Flag => "a boolean",
                Kind::Function => "a function",
                Kind::List => "a string or an array of strings",
            };
            NimError::new(
                ErrorCode::InvalidOption,
                concat(&["option `", name, "` must be ", expected]),
            )
        })
    }
}

/// A string, or an array of strings.
fn strings(v: &JsValue) -> Option<Vec<String>> {
    if let Some(one) = v.as_string() {
        return Some(vec![one]);
    }
    if !js_sys::Array::is_array(v) {
        return None;
    }
    let array: &js_sys::Array = v.unchecked_ref();
    let mut list = Vec::new();
    for at in 0..array.length() {
        list.push(array.get(at).as_string()?);
    }
    Some(list)
}
