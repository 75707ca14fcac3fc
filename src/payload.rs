//! The arguments of the user's callbacks and the results of the methods, as serde
//! types: the browser driver hands them to JavaScript with `serde-wasm-bindgen`, and
//! their field names are the ones `docs/API.md` and the TypeScript typings give.
//!
//! `onconnect`'s argument is [`nim_protocol::ConnectionInfo`] and a login port is
//! [`nim_protocol::LoginPort`], serialized as they come from the server.

use nim_protocol::{DeviceType, KickReason};
use serde::Serialize;

use crate::core::{Disconnect, DisconnectCode};

/// `ondisconnect`'s argument. A kick adds `reason`, `custom` and (unless the
/// server kicked) `from`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DisconnectEvent<'a> {
    /// A NIM login code, or the name of what happened.
    pub code: Code,
    /// Human-readable details.
    pub message: &'a str,
    /// How many retries were made before this.
    pub retry_count: u32,
    /// Whether the SDK reconnects by itself.
    pub will_reconnect: bool,
    /// Why the device was kicked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<KickReason>,
    /// The kicker's app-defined text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom: Option<&'a str>,
    /// The kicking device's type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<DeviceType>,
}

/// `ondisconnect`'s `code`: a number for a refused login, else a name.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Code {
    /// A NIM login code (302, 417, ...).
    Login(u16),
    /// `kicked`, `logout`, `alreadyDisconnected`, ...
    Name(&'static str),
}

impl<'a> DisconnectEvent<'a> {
    /// The payload of `d`.
    pub fn new(d: &'a Disconnect) -> Self {
        let code = match d.code {
            DisconnectCode::Login(code) => Code::Login(code),
            DisconnectCode::Kicked(_) => Code::Name("kicked"),
            DisconnectCode::Logout => Code::Name("logout"),
            DisconnectCode::AlreadyDisconnected => Code::Name("alreadyDisconnected"),
            DisconnectCode::AllAttemptsFailed => Code::Name("allAttemptsFailed"),
            DisconnectCode::InitConnectFail => Code::Name("initConnectFail"),
            DisconnectCode::OfflineListener => Code::Name("offlineListener"),
        };
        let reason = match d.code {
            DisconnectCode::Kicked(reason) => Some(reason),
            _ => None,
        };
        DisconnectEvent {
            code,
            message: &d.message,
            retry_count: d.retry_count,
            will_reconnect: d.will_reconnect,
            reason,
            custom: reason.map(|_| d.custom.as_str()),
            from: reason.and(d.from),
        }
    }
}

/// `onwillreconnect`'s argument.
#[derive(Debug, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(rename = "NIMWillReconnectEvent")
)]
#[serde(rename_all = "camelCase")]
pub struct WillReconnect {
    /// 1 for the first retry.
    pub retry_count: u32,
    /// The delay before it, in ms.
    pub duration: u64,
}

/// `onerror`'s argument: an error the server reported outside a request.
#[derive(Debug, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(rename = "NIMServerError")
)]
pub struct ServerError<'a> {
    /// The NIM code.
    pub code: u16,
    /// The server's reason.
    pub message: &'a str,
}

/// What `kick` resolves with (or passes to `done`).
#[derive(Debug, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(rename = "NIMKickResult")
)]
#[serde(rename_all = "camelCase")]
pub struct KickOutcome<'a> {
    /// The ids of the devices that were online and have been kicked.
    pub device_ids: &'a [String],
}

#[cfg(test)]
mod tests {
    use nim_protocol::{ConnectionInfo, LoginPort};
    use serde_json::{json, to_value};

    use super::*;

    #[test]
    fn connection_info_and_login_ports_have_the_documented_fields() {
        let info = ConnectionInfo {
            connection_id: "c-1".into(),
            port: "5555".into(),
            ..ConnectionInfo::default()
        };
        assert_eq!(
            to_value(&info).unwrap(),
            json!({"lastLoginDeviceId": "", "customTag": "", "connectionId": "c-1",
                   "ip": "", "port": "5555", "country": ""})
        );
        let port = LoginPort {
            device_type: DeviceType::Android,
            os: "Android 14".into(),
            mac: "00:11".into(),
            device_id: "dev-2".into(),
            account: "alice".into(),
            custom_tag: "phone".into(),
            custom_client_type: 7,
            connection_id: "c-9".into(),
            ip: "10.0.0.2".into(),
            time: 1_700_000_000_123,
            online: true,
        };
        assert_eq!(
            to_value([port]).unwrap(),
            json!([{"type": "Android", "os": "Android 14", "mac": "00:11", "deviceId": "dev-2",
                    "account": "alice", "customTag": "phone", "customClientType": 7,
                    "connectionId": "c-9", "ip": "10.0.0.2", "time": 1_700_000_000_123u64,
                    "online": true}])
        );
    }

    #[test]
    fn disconnect_events_name_the_code_and_add_the_kick_details() {
        let kicked = Disconnect {
            from: Some(DeviceType::Web),
            custom: "bye".into(),
            ..Disconnect::terminal(
                DisconnectCode::Kicked(KickReason::OtherPlatformKick),
                "kicked",
                0,
            )
        };
        assert_eq!(
            to_value(DisconnectEvent::new(&kicked)).unwrap(),
            json!({"code": "kicked", "message": "kicked", "retryCount": 0,
                   "willReconnect": false, "reason": "otherPlatformKick", "custom": "bye",
                   "from": "Web"})
        );
        let refused = Disconnect::terminal(DisconnectCode::Login(302), "bad token", 2);
        assert_eq!(
            to_value(DisconnectEvent::new(&refused)).unwrap(),
            json!({"code": 302, "message": "bad token", "retryCount": 2,
                   "willReconnect": false})
        );
        for (code, name) in [
            (DisconnectCode::Logout, "logout"),
            (DisconnectCode::AlreadyDisconnected, "alreadyDisconnected"),
            (DisconnectCode::AllAttemptsFailed, "allAttemptsFailed"),
            (DisconnectCode::InitConnectFail, "initConnectFail"),
            (DisconnectCode::OfflineListener, "offlineListener"),
        ] {
            let d = Disconnect::terminal(code, "m", 1);
            assert_eq!(to_value(DisconnectEvent::new(&d)).unwrap()["code"], name);
        }
    }

    #[test]
    fn retries_errors_and_kick_results_have_the_documented_fields() {
        let will = WillReconnect {
            retry_count: 3,
            duration: 1500,
        };
        assert_eq!(
            to_value(will).unwrap(),
            json!({"retryCount": 3, "duration": 1500})
        );
        let error = ServerError {
            code: 500,
            message: "m",
        };
        assert_eq!(
            to_value(error).unwrap(),
            json!({"code": 500, "message": "m"})
        );
        let ids = ["a".to_owned()];
        assert_eq!(
            to_value(KickOutcome { device_ids: &ids }).unwrap(),
            json!({"deviceIds": ["a"]})
        );
    }
}
