//! The codec over `serde_json::Value`, checked against the protocol crate's serde
//! output: what the server writes, the SDK reads, and the other way round.

use nim_protocol::{
    ClientMessage, ConnectionInfo, DeviceType, ErrorReply, KickReason, KickRequest, KickResult,
    Kicked, LoginFailed, LoginOk, LoginPort, LoginPortsChange, LoginRequest, LogoutOk,
    LogoutRequest, ServerMessage,
};
use serde_json::{json, Map, Value};

use super::{client_message, payload, server_message, Json};
use crate::core::{Disconnect, DisconnectCode};

impl Json for Value {
    fn field(&self, key: &str) -> Option<Self> {
        self.get(key).filter(|v| !v.is_null()).cloned()
    }
    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }
    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
    fn elements(&self) -> Option<Vec<Self>> {
        self.as_array().cloned()
    }
    fn object() -> Self {
        Value::Object(Map::new())
    }
    fn set(&mut self, key: &str, value: Self) {
        if let Value::Object(map) = self {
            map.insert(key.into(), value);
        }
    }
    fn from_str(value: &str) -> Self {
        Value::String(value.into())
    }
    fn from_number(value: f64) -> Self {
        // Whole numbers as integers, as serde_json writes the protocol's integers.
        if value.fract() == 0.0 && value.abs() < 9.0e15 {
            json!(value as i64)
        } else {
            json!(value)
        }
    }
    fn from_bool(value: bool) -> Self {
        Value::Bool(value)
    }
    fn from_elements(elements: Vec<Self>) -> Self {
        Value::Array(elements)
    }
}

fn port(device_type: DeviceType, online: bool) -> LoginPort {
    LoginPort {
        device_type,
        os: "Android 14".into(),
        mac: "00:11".into(),
        device_id: "dev-2".into(),
        account: "alice".into(),
        custom_tag: "phone".into(),
        custom_client_type: 7,
        connection_id: "c-9".into(),
        ip: "10.0.0.2".into(),
        time: 1_700_000_000_123,
        online,
    }
}

fn server_messages() -> Vec<ServerMessage> {
    let mut all = vec![
        ServerMessage::LoginOk(LoginOk {
            id: 1,
            connection: ConnectionInfo {
                last_login_device_id: "old".into(),
                custom_tag: "t".into(),
                connection_id: "c-1".into(),
                ip: "127.0.0.1".into(),
                port: "5555".into(),
                country: "".into(),
            },
            ports: vec![port(DeviceType::Ios, true)],
            idle_timeout: 90_000,
        }),
        ServerMessage::LoginFailed(LoginFailed {
            id: 2,
            code: 302,
            message: "bad token".into(),
        }),
        ServerMessage::KickResult(KickResult {
            id: 3,
            device_ids: vec!["a".into(), "b".into()],
        }),
        ServerMessage::Kicked(Kicked {
            reason: KickReason::ServerKick,
            from: None,
            from_device_id: None,
            custom: "".into(),
        }),
        ServerMessage::LogoutOk(LogoutOk { id: 4 }),
        ServerMessage::Pong,
        ServerMessage::Error(ErrorReply {
            id: None,
            code: 400,
            message: "bad".into(),
        }),
        ServerMessage::Error(ErrorReply {
            id: Some(5),
            code: 403,
            message: "no".into(),
        }),
    ];
    for device_type in [
        DeviceType::Android,
        DeviceType::Ios,
        DeviceType::Pc,
        DeviceType::WindowsPhone,
        DeviceType::Web,
        DeviceType::Server,
        DeviceType::Mac,
        DeviceType::HarmonyOs,
    ] {
        all.push(ServerMessage::LoginPorts(LoginPortsChange {
            ports: vec![port(device_type, false)],
        }));
    }
    for reason in [
        KickReason::SamePlatformKick,
        KickReason::ServerKick,
        KickReason::OtherPlatformKick,
    ] {
        all.push(ServerMessage::Kicked(Kicked {
            reason,
            from: Some(DeviceType::Pc),
            from_device_id: Some("d".into()),
            custom: "bye".into(),
        }));
    }
    all
}

#[test]
fn reads_every_server_message_as_the_server_writes_it() {
    for message in server_messages() {
        let wire = serde_json::to_value(&message).unwrap();
        assert_eq!(server_message(&wire), Some(message), "{wire}");
    }
}

#[test]
fn writes_every_client_message_as_the_server_reads_it() {
    let messages = [
        ClientMessage::Login(LoginRequest {
            id: 1,
            v: 1,
            app_key: "app".into(),
            account: "alice".into(),
            token: "t".into(),
            auth_type: 1,
            device_id: "d".into(),
            device_type: DeviceType::Web,
            os: "Chrome".into(),
            mac: "".into(),
            custom_tag: "tag".into(),
            custom_client_type: 2,
            login_ext: "ext".into(),
            auto: true,
            heartbeat_interval: 30_000,
        }),
        ClientMessage::Kick(KickRequest {
            id: 2,
            device_ids: vec!["x".into()],
            custom: "c".into(),
        }),
        ClientMessage::Logout(LogoutRequest { id: 3 }),
        ClientMessage::Ping,
    ];
    for message in messages {
        let ours: Value = client_message(&message);
        assert_eq!(ours, serde_json::to_value(&message).unwrap());
        let back: ClientMessage = serde_json::from_value(ours).unwrap();
        assert_eq!(back, message);
    }
}

#[test]
fn unknown_and_malformed_messages_are_none() {
    assert_eq!(server_message(&json!({"t": "future"})), None);
    assert_eq!(
        server_message(&json!({"t": "loginFailed", "id": "x"})),
        None
    );
    assert_eq!(server_message(&json!([1, 2])), None);
}

#[test]
fn payloads_have_the_typed_shapes() {
    let ports = [port(DeviceType::Android, true)];
    assert_eq!(
        payload::login_ports::<Value>(&ports),
        json!([{"type": "Android", "os": "Android 14", "mac": "00:11", "deviceId": "dev-2",
                "account": "alice", "customTag": "phone", "customClientType": 7,
                "connectionId": "c-9", "ip": "10.0.0.2", "time": 1_700_000_000_123u64,
                "online": true}])
    );
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
        payload::disconnect::<Value>(&kicked),
        json!({"code": "kicked", "message": "kicked", "retryCount": 0, "willReconnect": false,
               "reason": "otherPlatformKick", "custom": "bye", "from": "Web"})
    );
    let refused = Disconnect::terminal(DisconnectCode::Login(302), "bad token", 2);
    assert_eq!(
        payload::disconnect::<Value>(&refused),
        json!({"code": 302, "message": "bad token", "retryCount": 2, "willReconnect": false})
    );
    assert_eq!(
        payload::will_reconnect::<Value>(3, 1500),
        json!({"retryCount": 3, "duration": 1500})
    );
}
