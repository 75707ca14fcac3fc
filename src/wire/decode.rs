//! Reading the server's messages.

use nim_protocol::{
    ConnectionInfo, DeviceType, ErrorReply, KickReason, KickResult, Kicked, LoginFailed, LoginOk,
    LoginPort, LoginPortsChange, LogoutOk, ServerMessage,
};

use super::Json;

/// Every device type, to read one back from its name.
const DEVICE_TYPES: [DeviceType; 8] = [
    DeviceType::Android,
    DeviceType::Ios,
    DeviceType::Pc,
    DeviceType::WindowsPhone,
    DeviceType::Web,
    DeviceType::Server,
    DeviceType::Mac,
    DeviceType::HarmonyOs,
];

/// The name of a kick reason on the wire and in payloads.
pub fn kick_reason_name(reason: KickReason) -> &'static str {
    match reason {
        KickReason::SamePlatformKick => "samePlatformKick",
        KickReason::ServerKick => "serverKick",
        KickReason::OtherPlatformKick => "otherPlatformKick",
    }
}

/// Reads one server message; `None` for an unknown `t` or a malformed one.
pub fn server_message<J: Json>(v: &J) -> Option<ServerMessage> {
    let message = match text(v, "t")?.as_str() {
        "loginOk" => {
            let id = u32_field(v, "id")?;
            let connection = connection_info(&v.field("connection")?)?;
            ServerMessage::LoginOk(LoginOk {
                id,
                ports: ports(v)?,
                connection,
                idle_timeout: u32_field(v, "idleTimeout").unwrap_or(0),
            })
        }
        "loginFailed" => ServerMessage::LoginFailed(LoginFailed {
            id: u32_field(v, "id")?,
            code: u16_field(v, "code")?,
            message: string_or_empty(v, "message"),
        }),
        "loginPorts" => ServerMessage::LoginPorts(LoginPortsChange { ports: ports(v)? }),
        "kickResult" => ServerMessage::KickResult(KickResult {
            id: u32_field(v, "id")?,
            device_ids: strings(&v.field("deviceIds")?)?,
        }),
        "kicked" => ServerMessage::Kicked(Kicked {
            reason: kick_reason(&text(v, "reason")?)?,
            from: match v.field("from") {
                Some(from) => Some(device_type(&from.string()?)?),
                None => None,
            },
            from_device_id: text(v, "fromDeviceId"),
            custom: string_or_empty(v, "custom"),
        }),
        "logoutOk" => ServerMessage::LogoutOk(LogoutOk {
            id: u32_field(v, "id")?,
        }),
        "pong" => ServerMessage::Pong,
        "error" => ServerMessage::Error(ErrorReply {
            id: u32_field(v, "id"),
            code: u16_field(v, "code")?,
            message: string_or_empty(v, "message"),
        }),
        _ => return None,
    };
    Some(message)
}

fn connection_info<J: Json>(v: &J) -> Option<ConnectionInfo> {
    let connection_id = text(v, "connectionId")?;
    Some(ConnectionInfo {
        last_login_device_id: string_or_empty(v, "lastLoginDeviceId"),
        custom_tag: string_or_empty(v, "customTag"),
        connection_id,
        ip: string_or_empty(v, "ip"),
        port: string_or_empty(v, "port"),
        country: string_or_empty(v, "country"),
    })
}

fn ports<J: Json>(v: &J) -> Option<Vec<LoginPort>> {
    let mut ports = Vec::new();
    for port in v.field("ports")?.elements()? {
        ports.push(login_port(&port)?);
    }
    Some(ports)
}

fn login_port<J: Json>(v: &J) -> Option<LoginPort> {
    // The required fields first: a missing one then has less to drop.
    let device_type = device_type(&text(v, "type")?)?;
    let time = whole(v, "time", u64::MAX as f64)? as u64;
    let online = v.field("online")?.boolean()?;
    let device_id = text(v, "deviceId")?;
    let connection_id = text(v, "connectionId")?;
    Some(LoginPort {
        device_type,
        os: string_or_empty(v, "os"),
        mac: string_or_empty(v, "mac"),
        device_id,
        account: string_or_empty(v, "account"),
        custom_tag: string_or_empty(v, "customTag"),
        custom_client_type: u32_field(v, "customClientType").unwrap_or(0),
        connection_id,
        ip: string_or_empty(v, "ip"),
        time,
        online,
    })
}

fn device_type(name: &str) -> Option<DeviceType> {
    DEVICE_TYPES.into_iter().find(|t| t.as_str() == name)
}

fn kick_reason(name: &str) -> Option<KickReason> {
    [
        KickReason::SamePlatformKick,
        KickReason::ServerKick,
        KickReason::OtherPlatformKick,
    ]
    .into_iter()
    .find(|r| kick_reason_name(*r) == name)
}

/// An array of strings; `None` when `v` is not one.
pub fn strings<J: Json>(v: &J) -> Option<Vec<String>> {
    let mut strings = Vec::new();
    for s in v.elements()? {
        strings.push(s.string()?);
    }
    Some(strings)
}

/// Member `key` as a string.
fn text<J: Json>(v: &J, key: &str) -> Option<String> {
    v.field(key)?.string()
}

fn string_or_empty<J: Json>(v: &J, key: &str) -> String {
    text(v, key).unwrap_or_default()
}

/// Member `key` as a whole number from 0 to `max`.
fn whole<J: Json>(v: &J, key: &str, max: f64) -> Option<f64> {
    let n = v.field(key)?.number()?;
    (n.fract() == 0.0 && (0.0..=max).contains(&n)).then_some(n)
}

fn u32_field<J: Json>(v: &J, key: &str) -> Option<u32> {
    whole(v, key, u32::MAX as f64).map(|n| n as u32)
}

fn u16_field<J: Json>(v: &J, key: &str) -> Option<u16> {
    whole(v, key, u16::MAX as f64).map(|n| n as u16)
}
