//! The objects passed to the user's callbacks, with the exact field names of the
//! TypeScript typings.

use nim_protocol::{ConnectionInfo, LoginPort};

use super::decode::kick_reason_name;
use super::Json;
use crate::core::{Disconnect, DisconnectCode};

/// `onconnect`'s argument.
pub fn connect_info<J: Json>(info: &ConnectionInfo) -> J {
    J::object()
        .with("lastLoginDeviceId", J::from_str(&info.last_login_device_id))
        .with("customTag", J::from_str(&info.custom_tag))
        .with("connectionId", J::from_str(&info.connection_id))
        .with("ip", J::from_str(&info.ip))
        .with("port", J::from_str(&info.port))
        .with("country", J::from_str(&info.country))
}

/// `onloginportschange`'s argument and `getLoginPorts()`'s result.
pub fn login_ports<J: Json>(ports: &[LoginPort]) -> J {
    let mut elements = Vec::new();
    for port in ports {
        elements.push(login_port(port));
    }
    J::from_elements(elements)
}

fn login_port<J: Json>(p: &LoginPort) -> J {
    J::object()
        .with("type", J::from_str(p.device_type.as_str()))
        .with("os", J::from_str(&p.os))
        .with("mac", J::from_str(&p.mac))
        .with("deviceId", J::from_str(&p.device_id))
        .with("account", J::from_str(&p.account))
        .with("customTag", J::from_str(&p.custom_tag))
        .with(
            "customClientType",
            J::from_number(p.custom_client_type.into()),
        )
        .with("connectionId", J::from_str(&p.connection_id))
        .with("ip", J::from_str(&p.ip))
        .with("time", J::from_number(p.time as f64))
        .with("online", J::from_bool(p.online))
}

/// `ondisconnect`'s argument.
pub fn disconnect<J: Json>(d: &Disconnect) -> J {
    let name = |name: &str| J::from_str(name);
    let code = match d.code {
        DisconnectCode::Login(code) => J::from_number(code.into()),
        DisconnectCode::Kicked(_) => name("kicked"),
        DisconnectCode::Logout => name("logout"),
        DisconnectCode::AlreadyDisconnected => name("alreadyDisconnected"),
        DisconnectCode::AllAttemptsFailed => name("allAttemptsFailed"),
        DisconnectCode::InitConnectFail => name("initConnectFail"),
        DisconnectCode::OfflineListener => name("offlineListener"),
    };
    let mut payload = J::object()
        .with("code", code)
        .with("message", J::from_str(&d.message))
        .with("retryCount", J::from_number(d.retry_count.into()))
        .with("willReconnect", J::from_bool(d.will_reconnect));
    if let DisconnectCode::Kicked(reason) = d.code {
        payload.set("reason", J::from_str(kick_reason_name(reason)));
        payload.set("custom", J::from_str(&d.custom));
        if let Some(from) = d.from {
            payload.set("from", J::from_str(from.as_str()));
        }
    }
    payload
}

/// `onwillreconnect`'s argument.
pub fn will_reconnect<J: Json>(retry_count: u32, duration: u64) -> J {
    J::object()
        .with("retryCount", J::from_number(retry_count.into()))
        .with("duration", J::from_number(duration as f64))
}

/// `onerror`'s argument.
pub fn server_error<J: Json>(code: u16, message: &str) -> J {
    J::object()
        .with("code", J::from_number(code.into()))
        .with("message", J::from_str(message))
}

/// `kick`'s result.
pub fn kick_result<J: Json>(device_ids: &[String]) -> J {
    J::object().with("deviceIds", super::strings(device_ids))
}
