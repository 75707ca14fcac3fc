//! The nim-wasm wire protocol, version 1: the message types that the SDK and
//! `nim-server` exchange over one WebSocket, shared by both so they cannot drift.
//!
//! Every frame is one UTF-8 JSON text frame holding one object. The object's `t`
//! field names the message; the other fields are the message's own (camelCase, as
//! the JavaScript side sees them). Requests from the client carry an `id` chosen by
//! the client; the server echoes it in the one reply to that request. Pushes from the
//! server carry no `id`. Unknown fields are ignored, so either side may add optional
//! fields within version 1. `docs/PROTOCOL.md` is the prose description of this crate.
//!
//! ```text
//! client                                   server
//!   | -- WebSocket upgrade on /ws ---------> |
//!   | -- login {id, v, appKey, ...} -------> |   (within the login timeout)
//!   | <-- loginOk {id, connection, ports} -- |   or loginFailed + close 43xx/44xx
//!   | -- ping ----------------------------> |   every heartbeatInterval
//!   | <-- pong ---------------------------- |
//!   | <-- loginPorts {ports} -------------- |   another device came or went
//!   | -- kick {id, deviceIds} -----------> |
//!   | <-- kickResult {id, deviceIds} ------ |
//!   | -- heartbeat {heartbeatInterval} ---> |   the interval changed
//!   | <-- heartbeatOk {idleTimeout} ------- |
//!   | <-- kicked {reason, from, ...} ------ |   then close 4001
//!   | -- logout {id} ---------------------> |
//!   | <-- logoutOk {id} ------------------- |   then close 1000
//! ```
//!
//! The crate has no I/O and no JSON library: the server encodes with `serde_json`,
//! the SDK with the browser's own `JSON` and `serde-wasm-bindgen`. A field marked
//! `#[serde(default)]` may be absent on the wire; every other field is required.
//!
//! The SDK reads a server message with [`ServerMessage::from_tagged`]: it looks at `t`
//! itself and deserializes the one struct it names, since serde's internally tagged
//! enums first buffer the whole object into a generic value (a second JSON model in
//! the wasm). Both paths accept the same objects; the crate's tests check that.

use serde::{Deserialize, Deserializer, Serialize};

pub mod close;
pub mod code;

pub use close::{CloseCode, Reconnect};

/// The protocol version this crate speaks, sent as `v` in [`LoginRequest`].
pub const PROTOCOL_VERSION: u32 = 1;

/// The largest text frame either side accepts, in bytes.
pub const MAX_FRAME_BYTES: usize = 16 * 1024;

// The length limits of the text fields. A field over its limit gets `loginFailed`
// 400 (a `kick`: `error` 400); the SDK refuses such an option before sending it.
// Limits are in UTF-8 bytes, as the server stores and compares the text, except
// `customTag`, which is shown to people and counted in characters.

/// The longest `appKey` of a login, in bytes.
pub const MAX_APP_KEY_BYTES: usize = 128;
/// The longest `account` of a login, in bytes.
pub const MAX_ACCOUNT_BYTES: usize = 128;
/// The longest `token` of a login, in bytes.
pub const MAX_TOKEN_BYTES: usize = 1024;
/// The longest `deviceId` of a login, and of each id a [`KickRequest`] names, in bytes.
pub const MAX_DEVICE_ID_BYTES: usize = 128;
/// The longest `os` of a login, in bytes.
pub const MAX_OS_BYTES: usize = 128;
/// The longest `mac` of a login, in bytes.
pub const MAX_MAC_BYTES: usize = 128;
/// The longest `loginExt` of a login, in bytes.
pub const MAX_LOGIN_EXT_BYTES: usize = 1024;
/// The longest `customTag` a login may carry, in characters.
pub const MAX_CUSTOM_TAG_CHARS: usize = 32;
/// The most device ids one [`KickRequest`] may name.
pub const MAX_KICK_DEVICE_IDS: usize = 64;
/// The longest `custom` of a [`KickRequest`], in bytes.
pub const MAX_KICK_CUSTOM_BYTES: usize = 1024;

// The SDK counts a kick's ids and `custom` as encoded in the frame
// ([`encoded_len`], never less than their UTF-8 bytes): its kicks then always fit.
const _: () = assert!(
    MAX_KICK_DEVICE_IDS * (MAX_DEVICE_ID_BYTES + 3) + MAX_KICK_CUSTOM_BYTES + 64 <= MAX_FRAME_BYTES
);

/// The bytes `text` takes inside a JSON string of a frame, quotes left out:
/// `"` and `\` and control characters take their escapes, the rest its UTF-8.
pub fn encoded_len(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            '"' | '\\' | '\u{8}' | '\u{c}' | '\n' | '\r' | '\t' => 2,
            c if c < ' ' => 6,
            c => c.len_utf8(),
        })
        .sum()
}

/// A message sent by the SDK to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "camelCase")]
pub enum ClientMessage {
    /// Authenticate this connection; must be the first message.
    Login(LoginRequest),
    /// Kick other devices of the same account.
    Kick(KickRequest),
    /// End the session; the server replies `logoutOk` and closes with 1000.
    Logout(LogoutRequest),
    /// Heartbeat; the server replies `pong`.
    Ping,
    /// The client's heartbeat interval changed; the server replies `heartbeatOk`.
    Heartbeat(HeartbeatRequest),
}

/// A message sent by the server to the SDK.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "camelCase")]
pub enum ServerMessage {
    /// The login succeeded.
    LoginOk(LoginOk),
    /// The login was refused; the server closes the socket right after it.
    LoginFailed(LoginFailed),
    /// Push: the account's other devices changed.
    LoginPorts(LoginPortsChange),
    /// The reply to a [`KickRequest`].
    KickResult(KickResult),
    /// Push: this connection was kicked; the server closes it with 4001 right after.
    Kicked(Kicked),
    /// The reply to a [`LogoutRequest`].
    LogoutOk(LogoutOk),
    /// The reply to [`ClientMessage::Ping`].
    Pong,
    /// The reply to a [`HeartbeatRequest`].
    HeartbeatOk(HeartbeatOk),
    /// A request could not be served, or a frame could not be understood.
    Error(ErrorReply),
}

impl ServerMessage {
    /// The message named by `t`, its other fields read from `fields` (the whole
    /// object; `t` itself is ignored there). `Ok(None)` for a `t` this version does not
    /// know.
    pub fn from_tagged<'de, D: Deserializer<'de>>(
        t: &str,
        fields: D,
    ) -> Result<Option<ServerMessage>, D::Error> {
        let message = match t {
            "loginOk" => ServerMessage::LoginOk(LoginOk::deserialize(fields)?),
            "loginFailed" => ServerMessage::LoginFailed(LoginFailed::deserialize(fields)?),
            "loginPorts" => ServerMessage::LoginPorts(LoginPortsChange::deserialize(fields)?),
            "kickResult" => ServerMessage::KickResult(KickResult::deserialize(fields)?),
            "kicked" => ServerMessage::Kicked(Kicked::deserialize(fields)?),
            "logoutOk" => ServerMessage::LogoutOk(LogoutOk::deserialize(fields)?),
            "pong" => ServerMessage::Pong,
            "heartbeatOk" => ServerMessage::HeartbeatOk(HeartbeatOk::deserialize(fields)?),
            "error" => ServerMessage::Error(ErrorReply::deserialize(fields)?),
            _ => return Ok(None),
        };
        Ok(Some(message))
    }
}

/// The kind of device a connection belongs to, as NIM names it.
///
/// Read through [`DeviceType::from_name`] and written through [`DeviceType::as_str`]:
/// serde's derived reader and writer of an enum are each a further copy of the
/// names with their own code, which the SDK's download size pays for
/// (`BENCHMARKS.md`); the names stay those of the `rename`s below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum DeviceType {
    /// An Android phone or tablet.
    Android,
    /// An iPhone or iPad.
    #[serde(rename = "iOS")]
    Ios,
    /// A Windows desktop client.
    #[serde(rename = "PC")]
    Pc,
    /// A Windows Phone.
    WindowsPhone,
    /// A web page (what this SDK always logs in as).
    Web,
    /// A server-side client.
    Server,
    /// A macOS desktop client.
    Mac,
    /// A HarmonyOS device.
    #[serde(rename = "HarmonyOS")]
    HarmonyOs,
}

impl DeviceType {
    /// Whether this is a desktop-class device for the `desktop-mobile` policy.
    pub fn is_desktop(self) -> bool {
        matches!(self, DeviceType::Pc | DeviceType::Web | DeviceType::Mac)
    }

    /// Whether this is a mobile-class device for the `desktop-mobile` policy.
    pub fn is_mobile(self) -> bool {
        matches!(
            self,
            DeviceType::Android
                | DeviceType::Ios
                | DeviceType::WindowsPhone
                | DeviceType::HarmonyOs
        )
    }

    /// Every device type.
    pub const ALL: [DeviceType; 8] = [
        DeviceType::Android,
        DeviceType::Ios,
        DeviceType::Pc,
        DeviceType::WindowsPhone,
        DeviceType::Web,
        DeviceType::Server,
        DeviceType::Mac,
        DeviceType::HarmonyOs,
    ];

    /// The device type that NIM names `name`.
    pub fn from_name(name: &str) -> Option<DeviceType> {
        DeviceType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The name NIM uses on the wire and in payloads.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceType::Android => "Android",
            DeviceType::Ios => "iOS",
            DeviceType::Pc => "PC",
            DeviceType::WindowsPhone => "WindowsPhone",
            DeviceType::Web => "Web",
            DeviceType::Server => "Server",
            DeviceType::Mac => "Mac",
            DeviceType::HarmonyOs => "HarmonyOS",
        }
    }
}

impl From<DeviceType> for &'static str {
    fn from(t: DeviceType) -> Self {
        t.as_str()
    }
}

impl TryFrom<String> for DeviceType {
    type Error = &'static str;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        DeviceType::from_name(&name).ok_or("unknown device type")
    }
}

/// `login`: authenticate the connection as one device of one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginRequest {
    /// Request id, echoed in the reply.
    pub id: u32,
    /// Protocol version, [`PROTOCOL_VERSION`].
    pub v: u32,
    /// The app the account belongs to.
    pub app_key: String,
    /// The account (NIM `accid`).
    pub account: String,
    /// The account's current token.
    pub token: String,
    /// 0 static token, 1 dynamic token (the same check on the server in v1).
    #[serde(default)]
    pub auth_type: u8,
    /// Stable id of this device (browser tab), chosen by the client.
    pub device_id: String,
    /// The device's kind.
    #[serde(rename = "type")]
    pub device_type: DeviceType,
    /// Free-form operating system / browser description.
    #[serde(default)]
    pub os: String,
    /// Hardware address where the client knows one; empty for web pages.
    #[serde(default)]
    pub mac: String,
    /// App-defined tag shown to the account's other devices (at most 32 chars).
    #[serde(default)]
    pub custom_tag: String,
    /// App-defined client type (> 0), 0 when unset.
    #[serde(default)]
    pub custom_client_type: u32,
    /// App-defined login extension, passed through to the app backend.
    #[serde(default)]
    pub login_ext: String,
    /// `true` for an automatic re-login after a broken session, `false` when a
    /// person asked to log in. An automatic login never kicks another device.
    #[serde(default)]
    pub auto: bool,
    /// How often the client sends `ping`, in ms; the server derives its idle
    /// timeout from it (see [`LoginOk::idle_timeout`]).
    #[serde(default)]
    pub heartbeat_interval: u32,
}

/// `loginOk`: the login succeeded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginOk {
    /// Request id of the `login`.
    pub id: u32,
    /// This connection's details: the SDK's `onconnect` payload.
    pub connection: ConnectionInfo,
    /// The account's other live devices (never this connection).
    pub ports: Vec<LoginPort>,
    /// The server closes the connection (4003) when it hears nothing for this many ms.
    #[serde(default)]
    pub idle_timeout: u32,
}

/// The details of an accepted connection, as NIM's `onconnect` gives them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionInfo {
    /// The device id of the account's previous login, or empty.
    #[serde(default)]
    pub last_login_device_id: String,
    /// This connection's `customTag`.
    #[serde(default)]
    pub custom_tag: String,
    /// Server-assigned id of this connection.
    pub connection_id: String,
    /// The client's IP address as the server sees it.
    #[serde(default)]
    pub ip: String,
    /// The client's source port as the server sees it.
    #[serde(default)]
    pub port: String,
    /// Country code of `ip`, or empty when unknown.
    #[serde(default)]
    pub country: String,
}

/// `loginFailed`: the login was refused with a NIM code; see [`code`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginFailed {
    /// Request id of the `login`.
    pub id: u32,
    /// NIM login code: 302, 403, 404, 416, 417, 422, ...
    pub code: u16,
    /// Human-readable reason.
    #[serde(default)]
    pub message: String,
}

/// One device of an account, as NIM's `onloginportschange` gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginPort {
    /// The device's kind.
    #[serde(rename = "type")]
    pub device_type: DeviceType,
    /// The device's operating system description.
    #[serde(default)]
    pub os: String,
    /// The device's hardware address, or empty.
    #[serde(default)]
    pub mac: String,
    /// The device's id.
    pub device_id: String,
    /// The account the device is logged in as.
    #[serde(default)]
    pub account: String,
    /// The device's `customTag`.
    #[serde(default)]
    pub custom_tag: String,
    /// The device's `customClientType`, 0 when unset.
    #[serde(default)]
    pub custom_client_type: u32,
    /// Server-assigned id of the device's connection.
    pub connection_id: String,
    /// The device's IP address.
    #[serde(default)]
    pub ip: String,
    /// Login time, ms since the Unix epoch.
    pub time: u64,
    /// `false` when this entry reports that the device just went offline.
    pub online: bool,
}

/// `loginPorts`: push of the devices of the account that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginPortsChange {
    /// The devices that came online (`online: true`) or went offline (`online: false`).
    pub ports: Vec<LoginPort>,
}

/// `kick`: kick other devices of the same account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KickRequest {
    /// Request id, echoed in the reply.
    pub id: u32,
    /// The devices to kick (1 to [`MAX_KICK_DEVICE_IDS`], each at most
    /// [`MAX_DEVICE_ID_BYTES`]).
    pub device_ids: Vec<String>,
    /// App-defined text passed to the kicked devices (at most
    /// [`MAX_KICK_CUSTOM_BYTES`]).
    #[serde(default)]
    pub custom: String,
}

/// `kickResult`: the devices that were actually kicked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KickResult {
    /// Request id of the `kick`.
    pub id: u32,
    /// The ids of the devices that were online and have been kicked.
    pub device_ids: Vec<String>,
}

/// Why a connection was kicked.
///
/// Read through [`KickReason::from_name`] and written through [`KickReason::as_str`],
/// for the reason given at [`DeviceType`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "String", into = "&'static str")]
pub enum KickReason {
    /// A newer manual login took this device's slot under the app's device policy.
    SamePlatformKick,
    /// The app backend kicked the account (e.g. `block.action` with `needkick`).
    ServerKick,
    /// Another device of the account called `kick`.
    OtherPlatformKick,
}

impl KickReason {
    /// Every reason.
    pub const ALL: [KickReason; 3] = [
        KickReason::SamePlatformKick,
        KickReason::ServerKick,
        KickReason::OtherPlatformKick,
    ];

    /// The reason that the wire names `name`.
    pub fn from_name(name: &str) -> Option<KickReason> {
        KickReason::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// The name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            KickReason::SamePlatformKick => "samePlatformKick",
            KickReason::ServerKick => "serverKick",
            KickReason::OtherPlatformKick => "otherPlatformKick",
        }
    }
}

impl From<KickReason> for &'static str {
    fn from(reason: KickReason) -> Self {
        reason.as_str()
    }
}

impl TryFrom<String> for KickReason {
    type Error = &'static str;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        KickReason::from_name(&name).ok_or("unknown kick reason")
    }
}

/// `kicked`: this connection is being kicked; a close with 4001 follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Kicked {
    /// Why.
    pub reason: KickReason,
    /// The kicking device's type, absent for `serverKick`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DeviceType>,
    /// The kicking device's id, absent for `serverKick`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_device_id: Option<String>,
    /// App-defined text from the kicker.
    #[serde(default)]
    pub custom: String,
}

/// `heartbeat`: the client now sends `ping` every `heartbeatInterval` ms; the
/// server derives a new idle timeout from it, as at login.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeartbeatRequest {
    /// The new interval, in ms.
    pub heartbeat_interval: u32,
}

/// `heartbeatOk`: the idle timeout that applies from now on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeartbeatOk {
    /// As [`LoginOk::idle_timeout`].
    pub idle_timeout: u32,
}

/// `logout`: end the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoutRequest {
    /// Request id, echoed in the reply.
    pub id: u32,
}

/// `logoutOk`: the session ended; a close with 1000 follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoutOk {
    /// Request id of the `logout`.
    pub id: u32,
}

/// `error`: a request failed or a frame was not understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorReply {
    /// The id of the failed request, absent when the frame had none readable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// A code from [`code`].
    pub code: u16,
    /// Human-readable reason.
    #[serde(default)]
    pub message: String,
}
