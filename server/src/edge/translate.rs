//! Between the official SDK's messages (`nim-compat`) and the session core's
//! (`nim-protocol`): a NIM login becomes a [`LoginRequest`] for `login::admit`, and
//! what the registry tells a connection becomes NIM packets.
//!
//! The registry encodes each push once, as a `nim-protocol` frame, for every device
//! of the account and for other nodes through Redis; an edge connection reads that
//! frame back here rather than the registry learning a second format.

use nim_compat::{
    ClientType, KickReason as NimKickReason, Kicked as NimKicked, Login, LoginOk as NimLoginOk,
    LoginPort as NimPort, LoginRes, PortsChange, Response, ResponseBody,
};
use nim_protocol::{
    DeviceType, KickReason, Kicked, LoginOk, LoginPort, LoginRequest, ServerMessage,
    PROTOCOL_VERSION,
};

/// The session core's device type of a NIM client type.
pub fn device_type(client: ClientType) -> DeviceType {
    match client {
        ClientType::Android => DeviceType::Android,
        ClientType::Ios => DeviceType::Ios,
        ClientType::Pc => DeviceType::Pc,
        ClientType::WindowsPhone => DeviceType::WindowsPhone,
        ClientType::Web => DeviceType::Web,
        ClientType::Server => DeviceType::Server,
        ClientType::Mac => DeviceType::Mac,
        ClientType::HarmonyOs => DeviceType::HarmonyOs,
    }
}

/// The NIM client type of a session core's device type.
pub fn client_type(device: DeviceType) -> ClientType {
    match device {
        DeviceType::Android => ClientType::Android,
        DeviceType::Ios => ClientType::Ios,
        DeviceType::Pc => ClientType::Pc,
        DeviceType::WindowsPhone => ClientType::WindowsPhone,
        DeviceType::Web => ClientType::Web,
        DeviceType::Server => ClientType::Server,
        DeviceType::Mac => ClientType::Mac,
        DeviceType::HarmonyOs => ClientType::HarmonyOs,
    }
}

/// The session core's login for a NIM login; `None` for a client type or auth
/// type nim-server does not know (the SDK gets 414, bad parameter).
///
/// The SDK does not send its heartbeat interval: 0 gives the default idle timeout.
pub fn login_request(login: &Login) -> Option<LoginRequest> {
    let client = ClientType::from_number(login.client_type)?;
    Some(LoginRequest {
        id: 0,
        v: PROTOCOL_VERSION,
        app_key: login.app_key.clone(),
        account: login.account.clone(),
        token: login.token.clone(),
        auth_type: u8::try_from(login.auth_type.unwrap_or(0)).ok()?,
        device_id: login.device_id.clone(),
        device_type: device_type(client),
        os: login.os.clone(),
        mac: String::new(),
        custom_tag: login.custom_tag.clone().unwrap_or_default(),
        custom_client_type: login.custom_client_type.unwrap_or(0),
        login_ext: login.login_ext.clone().unwrap_or_default(),
        auto: !login.manual,
        heartbeat_interval: 0,
    })
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// One of the account's devices as a NIM `loginPort`.
pub fn port(port: &LoginPort) -> NimPort {
    NimPort {
        client_type: client_type(port.device_type).number(),
        os: port.os.clone(),
        mac: non_empty(&port.mac),
        device_id: port.device_id.clone(),
        account: port.account.clone(),
        device_info: None,
        custom_tag: port.custom_tag.clone(),
        custom_client_type: (port.custom_client_type > 0).then_some(port.custom_client_type),
        connection_id: port.connection_id.clone(),
        ip: port.ip.clone(),
        time: port.time,
    }
}

/// The NIM login answer for an admitted login, stamped with its `login_time`.
pub fn login_ok(ok: &LoginOk, login_time: u64) -> NimLoginOk {
    let connection = &ok.connection;
    let res = LoginRes {
        last_login_device_id: non_empty(&connection.last_login_device_id),
        custom_tag: non_empty(&connection.custom_tag),
        connection_id: connection.connection_id.clone(),
        ip: connection.ip.clone(),
        port: connection.port.clone(),
        country: connection.country.clone(),
        login_time,
        has_xm_push: None,
    };
    NimLoginOk::new(res, ok.ports.iter().map(port).collect())
}

/// A `kicked` as NIM's 2_5. A kick without a kicking device came from the app's
/// server (`block` with `needkick`), so its `from` is the Server client type.
pub fn kicked(kicked: &Kicked) -> NimKicked {
    let reason = match kicked.reason {
        KickReason::SamePlatformKick => NimKickReason::SamePlatform,
        KickReason::ServerKick => NimKickReason::Server,
        KickReason::OtherPlatformKick => NimKickReason::OtherPlatform,
    };
    NimKicked {
        from: client_type(kicked.from.unwrap_or(DeviceType::Server)).number(),
        reason,
        custom: kicked.custom.clone(),
        custom_client_type: 0,
    }
}

/// The NIM pushes for a registry push: a `loginPorts` change becomes one 2_7 for the
/// devices that went offline and one for those that came online (NIM gives one
/// state per push), in that order; a `kicked` becomes 2_5. Replies to requests
/// never come this way, so anything else has no NIM form.
pub fn pushes(message: &ServerMessage) -> Vec<Response> {
    match message {
        ServerMessage::LoginPorts(change) => [false, true]
            .into_iter()
            .filter_map(|online| {
                let ports: Vec<NimPort> = (change.ports.iter())
                    .filter(|p| p.online == online)
                    .map(port)
                    .collect();
                (!ports.is_empty()).then(|| {
                    Response::push(ResponseBody::PortsChange(PortsChange { online, ports }))
                })
            })
            .collect(),
        ServerMessage::Kicked(k) => vec![Response::push(ResponseBody::Kicked(kicked(k)))],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nim_protocol::{ConnectionInfo, LoginPortsChange};

    fn web_port(device_id: &str, online: bool) -> LoginPort {
        LoginPort {
            device_type: DeviceType::Web,
            os: "Linux 64-bit".into(),
            mac: String::new(),
            device_id: device_id.into(),
            account: "alice".into(),
            custom_tag: "tag".into(),
            custom_client_type: 0,
            connection_id: "17000001".into(),
            ip: "127.0.0.1".into(),
            time: 1_796_597_279_451,
            online,
        }
    }

    #[test]
    fn every_client_type_maps_both_ways_by_name() {
        for client in ClientType::ALL {
            let device = device_type(client);
            assert_eq!(client_type(device), client);
            let name = serde_json::to_value(device).unwrap();
            assert_eq!(name, client.name());
        }
    }

    #[test]
    fn a_manual_web_login_becomes_a_session_core_login() {
        let login = Login {
            client_type: 16,
            manual: true,
            app_key: "key".into(),
            account: "alice".into(),
            token: "tok".into(),
            device_id: "d1".into(),
            os: "Linux 64-bit".into(),
            ..Default::default()
        };
        let req = login_request(&login).unwrap();
        assert_eq!(req.device_type, DeviceType::Web);
        assert!(!req.auto);
        assert_eq!((req.app_key.as_str(), req.token.as_str()), ("key", "tok"));
        let auto = Login {
            manual: false,
            ..login.clone()
        };
        assert!(login_request(&auto).unwrap().auto);
        let unknown = Login {
            client_type: 3,
            ..login
        };
        assert_eq!(login_request(&unknown), None);
    }

    #[test]
    fn login_ok_carries_the_login_time_and_the_other_devices() {
        let ok = LoginOk {
            id: 0,
            connection: ConnectionInfo {
                connection_id: "17000002".into(),
                ip: "127.0.0.1".into(),
                port: "40934".into(),
                ..Default::default()
            },
            ports: vec![web_port("d1", true)],
            idle_timeout: 65_000,
        };
        let nim = login_ok(&ok, 42);
        assert_eq!(nim.res.login_time, 42);
        assert_eq!(nim.res.last_login_device_id, None);
        assert_eq!(nim.ports.len(), 1);
        assert_eq!(nim.ports[0].client_type, 16);
        assert_eq!(nim.ports[0].time, 1_796_597_279_451);
    }

    #[test]
    fn a_mixed_ports_change_becomes_offline_then_online() {
        let change = ServerMessage::LoginPorts(LoginPortsChange {
            ports: vec![web_port("old", false), web_port("new", true)],
        });
        let pushes = pushes(&change);
        let states: Vec<(bool, String)> = pushes
            .iter()
            .map(|r| match &r.body {
                ResponseBody::PortsChange(c) => (c.online, c.ports[0].device_id.clone()),
                other => panic!("not a ports change: {other:?}"),
            })
            .collect();
        assert_eq!(states, [(false, "old".into()), (true, "new".into())]);
    }

    #[test]
    fn a_server_kick_comes_from_the_server_client_type() {
        let server = Kicked {
            reason: KickReason::ServerKick,
            from: None,
            from_device_id: None,
            custom: String::new(),
        };
        let nim = kicked(&server);
        assert_eq!((nim.from, nim.reason.index()), (32, 2));
    }
}
