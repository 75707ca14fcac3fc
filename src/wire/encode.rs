//! Writing the client's messages.

use nim_protocol::ClientMessage;

use super::Json;

/// The JSON of one client message.
pub fn client_message<J: Json>(message: &ClientMessage) -> J {
    let tagged = |t: &str| J::object().with("t", J::from_str(t));
    match message {
        ClientMessage::Login(l) => tagged("login")
            .with("id", J::from_number(l.id.into()))
            .with("v", J::from_number(l.v.into()))
            .with("appKey", J::from_str(&l.app_key))
            .with("account", J::from_str(&l.account))
            .with("token", J::from_str(&l.token))
            .with("authType", J::from_number(l.auth_type.into()))
            .with("deviceId", J::from_str(&l.device_id))
            .with("type", J::from_str(l.device_type.as_str()))
            .with("os", J::from_str(&l.os))
            .with("mac", J::from_str(&l.mac))
            .with("customTag", J::from_str(&l.custom_tag))
            .with(
                "customClientType",
                J::from_number(l.custom_client_type.into()),
            )
            .with("loginExt", J::from_str(&l.login_ext))
            .with("auto", J::from_bool(l.auto))
            .with(
                "heartbeatInterval",
                J::from_number(l.heartbeat_interval.into()),
            ),
        ClientMessage::Kick(k) => tagged("kick")
            .with("id", J::from_number(k.id.into()))
            .with("deviceIds", super::strings(&k.device_ids))
            .with("custom", J::from_str(&k.custom)),
        ClientMessage::Logout(l) => tagged("logout").with("id", J::from_number(l.id.into())),
        ClientMessage::Ping => tagged("ping"),
    }
}
