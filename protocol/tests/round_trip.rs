//! Every message survives encode -> JSON -> decode unchanged, and the JSON has the
//! field names that docs/PROTOCOL.md promises.

use nim_protocol::*;
use serde_json::{json, Value};

fn port(device_id: &str, online: bool) -> LoginPort {
    LoginPort {
        device_type: DeviceType::Web,
        os: "Chrome 156".into(),
        mac: String::new(),
        device_id: device_id.into(),
        account: "alice".into(),
        custom_tag: "tab".into(),
        custom_client_type: 3,
        connection_id: "c-17".into(),
        ip: "127.0.0.1".into(),
        time: 1_764_000_000_123,
        online,
    }
}

fn client_round_trip(msg: ClientMessage) -> Value {
    let text = serde_json::to_string(&msg).expect("encode");
    let back: ClientMessage = serde_json::from_str(&text).expect("decode");
    assert_eq!(back, msg);
    serde_json::from_str(&text).expect("json")
}

/// Encodes `msg` and decodes it back both ways: through the derived tagged enum (as
/// the server's tests read it) and through `from_tagged` (as the SDK reads it).
fn server_round_trip(msg: ServerMessage) -> Value {
    let text = serde_json::to_string(&msg).expect("encode");
    let back: ServerMessage = serde_json::from_str(&text).expect("decode");
    assert_eq!(back, msg);
    let value: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(read_tagged(&value), Some(msg));
    value
}

/// What the SDK reads from `value`: `None` for an unknown `t` or a malformed message.
fn read_tagged(value: &Value) -> Option<ServerMessage> {
    let t = value.get("t")?.as_str()?;
    ServerMessage::from_tagged(t, value).ok().flatten()
}

#[test]
fn login_request_round_trips_with_camel_case_fields() {
    let v = client_round_trip(ClientMessage::Login(LoginRequest {
        id: 1,
        v: PROTOCOL_VERSION,
        app_key: "app".into(),
        account: "alice".into(),
        token: "secret".into(),
        auth_type: 1,
        device_id: "d1".into(),
        device_type: DeviceType::Web,
        os: "Linux".into(),
        mac: String::new(),
        custom_tag: "t".into(),
        custom_client_type: 2,
        login_ext: "ext".into(),
        auto: true,
        heartbeat_interval: 30_000,
    }));
    assert_eq!(v["t"], "login");
    assert_eq!(v["appKey"], "app");
    assert_eq!(v["deviceId"], "d1");
    assert_eq!(v["type"], "Web");
    assert_eq!(v["customClientType"], 2);
    assert_eq!(v["heartbeatInterval"], 30_000);
}

#[test]
fn login_request_optional_fields_default_when_missing() {
    let msg: ClientMessage = serde_json::from_value(json!({
        "t": "login", "id": 7, "v": 1, "appKey": "a", "account": "b", "token": "c",
        "deviceId": "d", "type": "iOS", "someFutureField": true
    }))
    .expect("decode");
    let ClientMessage::Login(login) = msg else {
        panic!("not a login: {msg:?}")
    };
    assert_eq!(login.device_type, DeviceType::Ios);
    assert!(!login.auto);
    assert_eq!(login.custom_tag, "");
    assert_eq!(login.custom_client_type, 0);
}

#[test]
fn kick_logout_and_ping_round_trip() {
    let v = client_round_trip(ClientMessage::Kick(KickRequest {
        id: 2,
        device_ids: vec!["d2".into(), "d3".into()],
        custom: "bye".into(),
    }));
    assert_eq!(v["deviceIds"], json!(["d2", "d3"]));
    let v = client_round_trip(ClientMessage::Logout(LogoutRequest { id: 3 }));
    assert_eq!(v, json!({"t": "logout", "id": 3}));
    let v = client_round_trip(ClientMessage::Ping);
    assert_eq!(v, json!({"t": "ping"}));
}

#[test]
fn login_ok_carries_connection_and_ports() {
    let v = server_round_trip(ServerMessage::LoginOk(LoginOk {
        id: 1,
        connection: ConnectionInfo {
            last_login_device_id: "d0".into(),
            custom_tag: "tab".into(),
            connection_id: "c-18".into(),
            ip: "127.0.0.1".into(),
            port: "50123".into(),
            country: String::new(),
        },
        ports: vec![port("d2", true)],
        idle_timeout: 65_000,
    }));
    assert_eq!(v["t"], "loginOk");
    assert_eq!(v["connection"]["lastLoginDeviceId"], "d0");
    assert_eq!(v["connection"]["connectionId"], "c-18");
    assert_eq!(v["ports"][0]["type"], "Web");
    assert_eq!(v["ports"][0]["time"], 1_764_000_000_123u64);
    assert_eq!(v["ports"][0]["online"], true);
    assert_eq!(v["idleTimeout"], 65_000);
}

#[test]
fn pushes_and_replies_round_trip() {
    let v = server_round_trip(ServerMessage::LoginFailed(LoginFailed {
        id: 1,
        code: code::BAD_TOKEN,
        message: "bad token".into(),
    }));
    assert_eq!(v["code"], 302);
    let v = server_round_trip(ServerMessage::LoginPorts(LoginPortsChange {
        ports: vec![port("d2", false)],
    }));
    assert_eq!(v["t"], "loginPorts");
    assert_eq!(v["ports"][0]["online"], false);
    let v = server_round_trip(ServerMessage::KickResult(KickResult {
        id: 4,
        device_ids: vec!["d2".into()],
    }));
    assert_eq!(v, json!({"t": "kickResult", "id": 4, "deviceIds": ["d2"]}));
    let v = server_round_trip(ServerMessage::Kicked(Kicked {
        reason: KickReason::OtherPlatformKick,
        from: Some(DeviceType::Web),
        from_device_id: Some("d1".into()),
        custom: String::new(),
    }));
    assert_eq!(v["reason"], "otherPlatformKick");
    assert_eq!(v["from"], "Web");
    let v = server_round_trip(ServerMessage::Kicked(Kicked {
        reason: KickReason::ServerKick,
        from: None,
        from_device_id: None,
        custom: String::new(),
    }));
    assert!(v.get("from").is_none());
    server_round_trip(ServerMessage::LogoutOk(LogoutOk { id: 5 }));
    server_round_trip(ServerMessage::Pong);
    let v = server_round_trip(ServerMessage::Error(ErrorReply {
        id: None,
        code: code::BAD_REQUEST,
        message: "invalid JSON".into(),
    }));
    assert_eq!(
        v,
        json!({"t": "error", "code": 400, "message": "invalid JSON"})
    );
}

#[test]
fn server_messages_read_with_only_their_required_fields() {
    let port = json!({"type": "Web", "deviceId": "d2", "connectionId": "c-2",
        "time": 5, "online": true});
    let read = read_tagged(&json!({"t": "loginOk", "id": 1,
        "connection": {"connectionId": "c-1"}, "ports": [port]}));
    let Some(ServerMessage::LoginOk(ok)) = read else {
        panic!("loginOk: {read:?}")
    };
    assert_eq!(ok.idle_timeout, 0);
    assert_eq!(ok.connection.connection_id, "c-1");
    assert_eq!(ok.connection.ip, "");
    let port = &ok.ports[0];
    assert_eq!((port.os.as_str(), port.custom_client_type), ("", 0));
    let read = read_tagged(&json!({"t": "loginFailed", "id": 1, "code": 302}));
    assert!(matches!(read, Some(ServerMessage::LoginFailed(f)) if f.message.is_empty()));
    let read = read_tagged(&json!({"t": "kicked", "reason": "serverKick"}));
    assert!(matches!(read, Some(ServerMessage::Kicked(k)) if k.from.is_none()));
    let read = read_tagged(&json!({"t": "error", "code": 400}));
    assert!(matches!(read, Some(ServerMessage::Error(e)) if e.id.is_none()));
}

#[test]
fn server_messages_missing_a_required_field_are_refused() {
    for bad in [
        json!({"t": "loginOk", "id": 1, "ports": []}),
        json!({"t": "loginOk", "id": 1, "connection": {}, "ports": []}),
        json!({"t": "loginOk", "id": 1, "connection": {"connectionId": "c"},
            "ports": [{"type": "Web", "deviceId": "d", "time": 1, "online": true}]}),
        json!({"t": "loginOk", "id": 1, "connection": {"connectionId": "c"},
            "ports": [{"type": "Fridge", "deviceId": "d", "connectionId": "c",
                "time": 1, "online": true}]}),
        json!({"t": "loginFailed", "id": 1}),
        json!({"t": "loginFailed", "id": 1, "code": 70000}),
        json!({"t": "loginPorts"}),
        json!({"t": "kickResult", "id": 1}),
        json!({"t": "kickResult", "id": 1.5, "deviceIds": []}),
        json!({"t": "kicked"}),
        json!({"t": "kicked", "reason": "bored"}),
        json!({"t": "logoutOk"}),
        json!({"t": "logoutOk", "id": -1}),
        json!({"t": "error", "message": "no code"}),
        json!({"t": "fly"}),
    ] {
        assert_eq!(read_tagged(&bad), None, "{bad}");
        assert!(
            serde_json::from_value::<ServerMessage>(bad.clone()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn every_device_type_uses_the_nim_name() {
    let named = [
        (DeviceType::Android, "Android"),
        (DeviceType::Ios, "iOS"),
        (DeviceType::Pc, "PC"),
        (DeviceType::WindowsPhone, "WindowsPhone"),
        (DeviceType::Web, "Web"),
        (DeviceType::Server, "Server"),
        (DeviceType::Mac, "Mac"),
        (DeviceType::HarmonyOs, "HarmonyOS"),
    ];
    assert_eq!(DeviceType::ALL, named.map(|(ty, _)| ty));
    for (ty, name) in named {
        assert_eq!(serde_json::to_value(ty).expect("encode"), json!(name));
        assert_eq!(ty.as_str(), name);
        assert_eq!(
            serde_json::from_value::<DeviceType>(json!(name)).expect("decode"),
            ty
        );
    }
    assert!(serde_json::from_value::<DeviceType>(json!("web")).is_err());
    assert!(serde_json::from_value::<DeviceType>(json!(1)).is_err());
}

#[test]
fn every_kick_reason_reads_back_from_its_name() {
    let named = [
        (KickReason::SamePlatformKick, "samePlatformKick"),
        (KickReason::ServerKick, "serverKick"),
        (KickReason::OtherPlatformKick, "otherPlatformKick"),
    ];
    assert_eq!(KickReason::ALL, named.map(|(reason, _)| reason));
    for (reason, name) in named {
        assert_eq!(serde_json::to_value(reason).expect("encode"), json!(name));
        assert_eq!(reason.as_str(), name);
        assert_eq!(
            serde_json::from_value::<KickReason>(json!(name)).expect("decode"),
            reason
        );
    }
    assert!(serde_json::from_value::<KickReason>(json!("ServerKick")).is_err());
}

#[test]
fn unknown_message_type_is_a_decode_error() {
    assert!(serde_json::from_str::<ClientMessage>(r#"{"t":"fly","id":1}"#).is_err());
    assert!(
        serde_json::from_str::<ClientMessage>(r#"{"t":"kick","id":"x","deviceIds":[]}"#).is_err()
    );
}

#[test]
fn close_codes_say_whether_to_reconnect() {
    assert_eq!(CloseCode::KICKED.reconnect(), Reconnect::Never);
    assert_eq!(CloseCode::NORMAL.reconnect(), Reconnect::Never);
    assert_eq!(CloseCode::REPLACED.reconnect(), Reconnect::Never);
    assert_eq!(CloseCode::login_refused(302).reconnect(), Reconnect::Never);
    assert_eq!(CloseCode::login_refused(417).reconnect(), Reconnect::Never);
    assert_eq!(
        CloseCode::login_refused(416).reconnect(),
        Reconnect::WithBackoff
    );
    assert_eq!(
        CloseCode::SERVICE_RESTART.reconnect(),
        Reconnect::WithBackoff
    );
    assert_eq!(CloseCode::ABNORMAL.reconnect(), Reconnect::WithBackoff);
    assert_eq!(CloseCode::IDLE_TIMEOUT.reconnect(), Reconnect::WithBackoff);
    assert_eq!(CloseCode(4422).refused_login_code(), Some(422));
    assert_eq!(CloseCode::KICKED.refused_login_code(), None);
}

#[test]
fn heartbeat_change_and_its_reply_round_trip() {
    let v = client_round_trip(ClientMessage::Heartbeat(HeartbeatRequest {
        heartbeat_interval: 60_000,
    }));
    assert_eq!(v, json!({"t": "heartbeat", "heartbeatInterval": 60000}));
    let v = server_round_trip(ServerMessage::HeartbeatOk(HeartbeatOk {
        idle_timeout: 125_000,
    }));
    assert_eq!(v, json!({"t": "heartbeatOk", "idleTimeout": 125000}));
}

#[test]
fn encoded_len_is_the_length_inside_the_frame() {
    for text in [
        "",
        "plain",
        "quote\" and \\",
        "\n\t\r\u{8}\u{c}",
        "\u{1}\u{1f}\u{7f}",
        "é中😀",
    ] {
        let quoted = serde_json::to_string(text).expect("encode");
        assert_eq!(encoded_len(text), quoted.len() - 2, "{text:?}");
    }
}

#[test]
fn the_largest_kick_fits_in_a_frame() {
    let id = "\"".repeat(MAX_DEVICE_ID_BYTES / 2);
    let kick = ClientMessage::Kick(KickRequest {
        id: u32::MAX,
        device_ids: vec![id; MAX_KICK_DEVICE_IDS],
        custom: "\u{1}".repeat(MAX_KICK_CUSTOM_BYTES / 6),
    });
    assert!(serde_json::to_string(&kick).expect("encode").len() <= MAX_FRAME_BYTES);
}
