//! Reading the user's options object: every documented key, type-checked, with
//! unknown keys rejected so a typo fails loudly instead of being ignored.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::callbacks::Callbacks;
use super::device_id;
use super::error::{ErrorCode, NimError};
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
        for key in Object::keys(object).iter() {
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
        let c = &mut self.config;
        let cb = &mut self.callbacks;
        match name {
            "appKey" => c.app_key = string(name, v)?,
            "account" => {
                let account = string("account", v)?;
                match source {
                    Source::GetInstance => c.account = account,
                    Source::MergeInstance if account == c.account => {}
                    _ => {
                        return Err(NimError::new(
                            ErrorCode::UnknownOption,
                            "option `account` cannot change; use another instance",
                        ))
                    }
                }
            }
            "token" => c.token = string(name, v)?,
            "authType" => c.auth_type = config::check_auth_type(number(name, v)?)?,
            "loginExt" => c.login_ext = string(name, v)?,
            "customTag" => c.custom_tag = string(name, v)?,
            "customClientType" => {
                c.custom_client_type = config::check_custom_client_type(number(name, v)?)?
            }
            "needReconnect" => c.need_reconnect = boolean(name, v)?,
            "reconnectionAttempts" => {
                c.reconnection_attempts = config::check_reconnection_attempts(number(name, v)?)?
            }
            "quickReconnect" => c.quick_reconnect = boolean(name, v)?,
            "heartbeatInterval" => {
                c.heartbeat_interval = config::check_heartbeat_interval(number(name, v)?)?
            }
            "skipConnectionOnInitialize" => self.skip_connection_on_initialize = boolean(name, v)?,
            "socketUrl" => self.socket_url = Some(string(name, v)?),
            "lbsUrl" => self.lbs_url = Some(string(name, v)?),
            "defaultLink" => self.default_link = Some(strings(name, v)?),
            "deviceId" => self.device_id = Some(string(name, v)?),
            "isFixedDeviceId" => self.is_fixed_device_id = boolean(name, v)?,
            "debug" => cb.debug = boolean(name, v)?,
            "logFunc" => cb.log_func = function(name, v)?,
            "reconnectDelayProvider" => cb.reconnect_delay_provider = function(name, v)?,
            "onconnect" => cb.onconnect = function(name, v)?,
            "ondisconnect" => cb.ondisconnect = function(name, v)?,
            "onwillreconnect" => cb.onwillreconnect = function(name, v)?,
            "onloginportschange" => cb.onloginportschange = function(name, v)?,
            "onerror" => cb.onerror = function(name, v)?,
            other => {
                return Err(NimError::new(
                    ErrorCode::UnknownOption,
                    ["unknown option `", other, "`"].concat(),
                ))
            }
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
        c.has_delay_provider = self.callbacks.reconnect_delay_provider.is_some();
        Ok(())
    }
}

/// `location.protocol` of the page, such as `"https:"`.
fn page_protocol() -> Option<String> {
    super::window().and_then(|w| w.location().protocol().ok())
}

/// `ws(s)://<this page's host>/ws`.
fn same_origin_socket_url() -> String {
    let host = super::window()
        .and_then(|w| w.location().host().ok())
        .unwrap_or_default();
    let scheme = if page_protocol().as_deref() == Some("https:") {
        "wss"
    } else {
        "ws"
    };
    [scheme, "://", &host, "/ws"].concat()
}

/// The browser's user agent, shortened, as the login's `os`.
fn user_agent() -> String {
    let agent = super::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default();
    truncate_chars(agent, 128)
}

fn wrong_type(name: &str, kind: &str) -> NimError {
    NimError::new(
        ErrorCode::InvalidOption,
        ["option `", name, "` must be ", kind].concat(),
    )
}

fn string(name: &str, v: &JsValue) -> Result<String, NimError> {
    v.as_string().ok_or_else(|| wrong_type(name, "a string"))
}

/// A string, or an array of strings.
fn strings(name: &str, v: &JsValue) -> Result<Vec<String>, NimError> {
    if let Some(one) = v.as_string() {
        return Ok(vec![one]);
    }
    let wrong = || wrong_type(name, "a string or an array of strings");
    if !js_sys::Array::is_array(v) {
        return Err(wrong());
    }
    let array = js_sys::Array::from(v);
    array
        .iter()
        .map(|e| e.as_string().ok_or_else(wrong))
        .collect()
}

fn number(name: &str, v: &JsValue) -> Result<f64, NimError> {
    v.as_f64().ok_or_else(|| wrong_type(name, "a number"))
}

fn boolean(name: &str, v: &JsValue) -> Result<bool, NimError> {
    v.as_bool().ok_or_else(|| wrong_type(name, "a boolean"))
}

/// A function, or `null` to remove one.
fn function(name: &str, v: &JsValue) -> Result<Option<Function>, NimError> {
    if v.is_null() {
        return Ok(None);
    }
    v.dyn_ref::<Function>()
        .cloned()
        .map(Some)
        .ok_or_else(|| wrong_type(name, "a function"))
}
