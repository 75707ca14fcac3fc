//! What the session needs to know to log in and to reconnect, and the rules
//! every option value must follow.

use super::text::concat;
use nim_protocol::{
    MAX_ACCOUNT_BYTES, MAX_APP_KEY_BYTES, MAX_CUSTOM_TAG_CHARS, MAX_DEVICE_ID_BYTES,
    MAX_LOGIN_EXT_BYTES, MAX_TOKEN_BYTES,
};

use super::links::has_scheme;
use super::text::char_count;

/// The default `heartbeatInterval`, in ms.
pub const DEFAULT_HEARTBEAT_MS: u32 = 30_000;
/// The smallest `heartbeatInterval`, in ms.
pub const MIN_HEARTBEAT_MS: u32 = 5_000;
/// The largest `heartbeatInterval`, in ms: nim-server drops a client it has not heard
/// from for at most 130 s (`2 × interval + 5 s`, clamped), so a longer interval would
/// get every idle session closed and reconnected in a loop.
pub const MAX_HEARTBEAT_MS: u32 = 60_000;
/// How long one connect attempt (socket open plus login) may take, in ms.
pub const CONNECT_TIMEOUT_MS: u64 = 10_000;
/// How long a `pong` (or any frame) may take after a `ping` before the peer is dead.
pub const PONG_GRACE_MS: u64 = 10_000;
/// How long a logout waits for the server to close the socket, in ms.
pub const LOGOUT_TIMEOUT_MS: u64 = 3_000;
/// The smallest delay `reconnectDelayProvider` may choose, in ms.
pub const MIN_PROVIDED_DELAY_MS: u64 = 1_000;

/// How the token is obtained (NIM `authType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthType {
    /// 0: the token never changes.
    #[default]
    Static,
    /// 1: the token may change; each retry waits for `onwillreconnect`'s Promise.
    Dynamic,
}

/// Everything the session reads from the user's options.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionConfig {
    /// The pinned WebSocket URL (`socketUrl`, or this origin's `/ws` when neither
    /// `lbsUrl` nor `defaultLink` is set); empty when the addresses come from
    /// [`lbs_url`](Self::lbs_url) and [`default_links`](Self::default_links).
    pub socket_url: String,
    /// `lbsUrl`: where to fetch the addresses at the start of each round.
    pub lbs_url: Option<String>,
    /// `defaultLink`: the addresses used without LBS or when it fails.
    pub default_links: Vec<String>,
    /// Whether the page is on https, so bare `host:port` links get `wss://`.
    pub secure_page: bool,
    /// The app the account belongs to.
    pub app_key: String,
    /// The account (accid).
    pub account: String,
    /// The account's token.
    pub token: String,
    /// Static or dynamic token.
    pub auth_type: AuthType,
    /// App-defined login extension.
    pub login_ext: String,
    /// Tag shown to the other devices.
    pub custom_tag: String,
    /// App-defined client type, 0 when unset.
    pub custom_client_type: u32,
    /// This device's id.
    pub device_id: String,
    /// Operating system / browser description.
    pub os: String,
    /// Whether a broken session is retried at all.
    pub need_reconnect: bool,
    /// How many retries in a row are allowed; `None` is unlimited.
    pub reconnection_attempts: Option<u32>,
    /// Whether `offline` ends the session at once (`offlineListener`).
    pub quick_reconnect: bool,
    /// Ping period in ms.
    pub heartbeat_interval: u32,
    /// Whether the driver must be asked for each retry's delay
    /// (`reconnectDelayProvider`).
    pub has_delay_provider: bool,
}

impl SessionConfig {
    /// NIM's defaults, with no identity and no address: what the options start
    /// from. A constant, so starting from it is a copy rather than code.
    pub const DEFAULTS: SessionConfig = SessionConfig {
        socket_url: String::new(),
        lbs_url: None,
        default_links: Vec::new(),
        secure_page: false,
        app_key: String::new(),
        account: String::new(),
        token: String::new(),
        auth_type: AuthType::Static,
        login_ext: String::new(),
        custom_tag: String::new(),
        custom_client_type: 0,
        device_id: String::new(),
        os: String::new(),
        need_reconnect: true,
        reconnection_attempts: None,
        quick_reconnect: false,
        heartbeat_interval: DEFAULT_HEARTBEAT_MS,
        has_delay_provider: false,
    };

    /// A configuration with NIM's defaults for everything but the identity.
    pub fn new(socket_url: &str, app_key: &str, account: &str, token: &str) -> Self {
        SessionConfig {
            socket_url: socket_url.into(),
            app_key: app_key.into(),
            account: account.into(),
            token: token.into(),
            ..SessionConfig::DEFAULTS
        }
    }
}

/// An option value that breaks its rule; `message` names the option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    /// The option's JavaScript name.
    pub option: &'static str,
    /// What is wrong, naming the option.
    pub message: String,
}

impl OptionError {
    /// An error for `option`, with `rule` saying what the value must be.
    pub fn new(option: &'static str, rule: &str) -> Self {
        OptionError {
            option,
            message: concat(&["option `", option, "` ", rule]),
        }
    }
}

// The rules with numbers in them are literals rather than text built from the
// constants at run time, which costs wasm; a test checks that they agree.

/// The rule of `appKey`, with [`MAX_APP_KEY_BYTES`].
const APP_KEY_RULE: &str = "must be a non-empty string of at most 128 bytes (UTF-8)";
/// The rule of `account`, with [`MAX_ACCOUNT_BYTES`].
const ACCOUNT_RULE: &str = "must be a non-empty string of at most 128 bytes (UTF-8)";
/// The rule of `token`, with [`MAX_TOKEN_BYTES`].
const TOKEN_RULE: &str = "must be a non-empty string of at most 1024 bytes (UTF-8)";
/// The rule of `deviceId`, with [`MAX_DEVICE_ID_BYTES`].
const DEVICE_ID_RULE: &str = "must be a non-empty string of at most 128 bytes (UTF-8)";
/// The rule of `loginExt`, with [`MAX_LOGIN_EXT_BYTES`].
const LOGIN_EXT_RULE: &str = "must be a string of at most 1024 bytes (UTF-8)";
/// The rule of `customTag`, with [`MAX_CUSTOM_TAG_CHARS`].
const CUSTOM_TAG_RULE: &str = "must have at most 32 characters";
/// The rule of `heartbeatInterval`, with [`MIN_HEARTBEAT_MS`] and [`MAX_HEARTBEAT_MS`].
const HEARTBEAT_RULE: &str = "must be an integer from 5000 to 60000 (ms)";

/// `value` holds `min` to `max` bytes, as nim-server counts them: an option it
/// would refuse with 400 is refused here, before anything is sent.
fn check_bytes(
    option: &'static str,
    value: &str,
    min: usize,
    max: usize,
    rule: &str,
) -> Result<(), OptionError> {
    if value.len() < min || value.len() > max {
        return Err(OptionError::new(option, rule));
    }
    Ok(())
}

/// `appKey`: 1 to [`MAX_APP_KEY_BYTES`] bytes.
pub fn check_app_key(value: &str) -> Result<(), OptionError> {
    check_bytes("appKey", value, 1, MAX_APP_KEY_BYTES, APP_KEY_RULE)
}

/// `account`: 1 to [`MAX_ACCOUNT_BYTES`] bytes.
pub fn check_account(value: &str) -> Result<(), OptionError> {
    check_bytes("account", value, 1, MAX_ACCOUNT_BYTES, ACCOUNT_RULE)
}

/// `token`: 1 to [`MAX_TOKEN_BYTES`] bytes.
pub fn check_token(value: &str) -> Result<(), OptionError> {
    check_bytes("token", value, 1, MAX_TOKEN_BYTES, TOKEN_RULE)
}

/// `deviceId`: 1 to [`MAX_DEVICE_ID_BYTES`] bytes.
pub fn check_device_id(value: &str) -> Result<(), OptionError> {
    check_bytes("deviceId", value, 1, MAX_DEVICE_ID_BYTES, DEVICE_ID_RULE)
}

/// `loginExt`: at most [`MAX_LOGIN_EXT_BYTES`] bytes.
pub fn check_login_ext(value: &str) -> Result<(), OptionError> {
    check_bytes("loginExt", value, 0, MAX_LOGIN_EXT_BYTES, LOGIN_EXT_RULE)
}

/// `customTag`: at most [`MAX_CUSTOM_TAG_CHARS`] characters.
pub fn check_custom_tag(value: &str) -> Result<(), OptionError> {
    if char_count(value) > MAX_CUSTOM_TAG_CHARS {
        return Err(OptionError::new("customTag", CUSTOM_TAG_RULE));
    }
    Ok(())
}

/// `customClientType`: an integer > 0.
pub fn check_custom_client_type(value: f64) -> Result<u32, OptionError> {
    match whole(value) {
        Some(v) if v > 0 => Ok(v),
        _ => Err(OptionError::new(
            "customClientType",
            "must be an integer greater than 0",
        )),
    }
}

/// `heartbeatInterval`: an integer number of ms, from [`MIN_HEARTBEAT_MS`] to
/// [`MAX_HEARTBEAT_MS`].
pub fn check_heartbeat_interval(value: f64) -> Result<u32, OptionError> {
    match whole(value) {
        Some(v) if (MIN_HEARTBEAT_MS..=MAX_HEARTBEAT_MS).contains(&v) => Ok(v),
        _ => Err(OptionError::new("heartbeatInterval", HEARTBEAT_RULE)),
    }
}

/// `reconnectionAttempts`: an integer >= 0, or `Infinity` (unlimited).
pub fn check_reconnection_attempts(value: f64) -> Result<Option<u32>, OptionError> {
    if value == f64::INFINITY {
        return Ok(None);
    }
    match whole(value) {
        Some(v) => Ok(Some(v)),
        None => Err(OptionError::new(
            "reconnectionAttempts",
            "must be an integer of at least 0, or Infinity",
        )),
    }
}

/// `authType`: 0 or 1.
pub fn check_auth_type(value: f64) -> Result<AuthType, OptionError> {
    match whole(value) {
        Some(0) => Ok(AuthType::Static),
        Some(1) => Ok(AuthType::Dynamic),
        _ => Err(OptionError::new("authType", "must be 0 or 1")),
    }
}

/// `socketUrl`: a `ws:` or `wss:` URL.
pub fn check_socket_url(value: &str) -> Result<(), OptionError> {
    if is_ws_url(value) {
        return Ok(());
    }
    Err(OptionError::new(
        "socketUrl",
        "must be a ws:// or wss:// URL",
    ))
}

/// Whether `value` starts with `ws://` or `wss://`.
fn is_ws_url(value: &str) -> bool {
    value.starts_with("ws://") || value.starts_with("wss://")
}

/// `lbsUrl`: an `http:` or `https:` URL.
pub fn check_lbs_url(value: &str) -> Result<(), OptionError> {
    if value.starts_with("http://") || value.starts_with("https://") {
        return Ok(());
    }
    Err(OptionError::new(
        "lbsUrl",
        "must be an http:// or https:// URL",
    ))
}

/// `defaultLink`: each entry a bare `host:port` or a `ws:`/`wss:` URL.
pub fn check_default_link(links: &[String]) -> Result<(), OptionError> {
    for link in links {
        let mut bad = link.is_empty() || (has_scheme(link) && !is_ws_url(link));
        for byte in link.bytes() {
            bad |= byte.is_ascii_whitespace();
        }
        if bad {
            return Err(OptionError::new(
                "defaultLink",
                "must be a host:port or a ws:// or wss:// URL, or an array of them",
            ));
        }
    }
    Ok(())
}

/// The delay `reconnectDelayProvider` returned, or the SDK's own when it returned
/// no usable number; never below [`MIN_PROVIDED_DELAY_MS`].
pub fn provided_delay(provided: Option<f64>, proposed: u64) -> u64 {
    match provided {
        Some(ms) if ms.is_finite() && ms >= 0.0 => (ms as u64).max(MIN_PROVIDED_DELAY_MS),
        _ => proposed.max(MIN_PROVIDED_DELAY_MS),
    }
}

/// `value` as a `u32` when it is a whole number in range.
fn whole(value: f64) -> Option<u32> {
    // NaN fails every comparison; the infinities are out of range.
    if value >= 0.0 && value <= u32::MAX as f64 && value == value.trunc() {
        Some(value as u32)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::text::decimal;

    #[test]
    fn messages_name_the_option() {
        let err = check_heartbeat_interval(1000.0).unwrap_err();
        assert_eq!(err.option, "heartbeatInterval");
        assert!(err.message.contains("heartbeatInterval"));
    }

    #[test]
    fn byte_rules_as_text_match_the_constants() {
        let rule = |min: &str, max: usize| {
            concat(&[
                "must be a ",
                min,
                "string of at most ",
                &decimal(max as u64),
                " bytes (UTF-8)",
            ])
        };
        assert_eq!(APP_KEY_RULE, rule("non-empty ", MAX_APP_KEY_BYTES));
        assert_eq!(ACCOUNT_RULE, rule("non-empty ", MAX_ACCOUNT_BYTES));
        assert_eq!(TOKEN_RULE, rule("non-empty ", MAX_TOKEN_BYTES));
        assert_eq!(DEVICE_ID_RULE, rule("non-empty ", MAX_DEVICE_ID_BYTES));
        assert_eq!(LOGIN_EXT_RULE, rule("", MAX_LOGIN_EXT_BYTES));
    }

    #[test]
    fn text_limits_count_bytes() {
        // 42 three-byte characters: 126 bytes; one more is over.
        let cjk = "设".repeat(42);
        assert!(check_account(&cjk).is_ok());
        assert!(check_account(&(cjk.clone() + "设")).is_err());
        assert!(check_account("").is_err());
        assert!(check_device_id(&(cjk.clone() + "ab")).is_ok());
        assert!(check_device_id(&"设".repeat(64)).is_err());
        assert!(check_device_id("").is_err());
        let emoji = "😀".repeat(256);
        assert!(check_token(&emoji).is_ok());
        assert!(check_token(&(emoji.clone() + "a")).is_err());
        assert!(check_login_ext("").is_ok());
        assert!(check_login_ext(&emoji).is_ok());
        assert_eq!(
            check_login_ext(&(emoji + "a")).unwrap_err().option,
            "loginExt"
        );
    }

    #[test]
    fn rules_as_text_match_the_constants() {
        let tag = concat(&[
            "must have at most ",
            &decimal(MAX_CUSTOM_TAG_CHARS as u64),
            " characters",
        ]);
        assert_eq!(CUSTOM_TAG_RULE, tag);
        let heartbeat = concat(&[
            "must be an integer from ",
            &decimal(MIN_HEARTBEAT_MS.into()),
            " to ",
            &decimal(MAX_HEARTBEAT_MS.into()),
            " (ms)",
        ]);
        assert_eq!(HEARTBEAT_RULE, heartbeat);
    }

    #[test]
    fn numeric_rules() {
        assert_eq!(check_heartbeat_interval(5000.0), Ok(5000));
        assert_eq!(check_heartbeat_interval(60_000.0), Ok(60_000));
        assert!(check_heartbeat_interval(60_001.0).is_err());
        assert!(check_heartbeat_interval(5000.5).is_err());
        assert_eq!(check_reconnection_attempts(f64::INFINITY), Ok(None));
        assert_eq!(check_reconnection_attempts(0.0), Ok(Some(0)));
        assert!(check_reconnection_attempts(-1.0).is_err());
        assert!(check_custom_client_type(0.0).is_err());
        assert_eq!(check_auth_type(1.0), Ok(AuthType::Dynamic));
        assert!(check_auth_type(2.0).is_err());
        assert!(check_custom_tag(&"x".repeat(33)).is_err());
        assert!(check_custom_tag(&"é".repeat(32)).is_ok());
    }

    #[test]
    fn address_rules() {
        assert!(check_lbs_url("https://h/lbs").is_ok());
        assert_eq!(check_lbs_url("ws://h/lbs").unwrap_err().option, "lbsUrl");
        assert!(check_default_link(&["h:1".into(), "wss://h/ws".into()]).is_ok());
        for bad in ["", "http://h/ws", "h 1"] {
            let err = check_default_link(&[bad.into()]).unwrap_err();
            assert!(err.message.contains("defaultLink"));
        }
    }

    #[test]
    fn provided_delays_are_clamped() {
        assert_eq!(provided_delay(Some(10.0), 4_000), 1_000);
        assert_eq!(provided_delay(Some(2_500.0), 4_000), 2_500);
        assert_eq!(provided_delay(Some(f64::NAN), 4_000), 4_000);
        assert_eq!(provided_delay(None, 300), 1_000);
    }
}
