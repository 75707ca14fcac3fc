//! Devices of the official NIM Web SDK's protocol (binary websocket and socket.io)
//! and nim-wasm devices of one account, on one node and across a cluster: each
//! lists the other in its own format, each kicks the other, the device policy and
//! the server API's block count both, and the official device's other requests get
//! the answers the SDK expects.

use crate::cluster::Nodes;
use crate::nim_official_client::{login, NimClient, Wire};
use nim_compat::{Command, KickReason, RequestBody, ResponseBody};
use nim_protocol::{ClientMessage, DeviceType, KickReason as WasmKickReason, KickRequest};
use nim_server::Policy;

/// The kick answer and the offline push the kicker gets, in whichever order.
async fn kick_answer_and_offline(kicker: &mut NimClient) -> (Vec<String>, Vec<String>) {
    let (mut answer, mut offline) = (None, None);
    while answer.is_none() || offline.is_none() {
        match kicker.recv().await.body {
            ResponseBody::Kick { device_ids } => answer = Some(device_ids),
            ResponseBody::PortsChange(change) if !change.online => {
                offline = Some(change.ports.into_iter().map(|p| p.device_id).collect())
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    (answer.unwrap_or_default(), offline.unwrap_or_default())
}

on_both_backends!(
    official_and_wasm_devices_see_and_kick_each_other,
    Policy::Multi(10)
);
async fn official_and_wasm_devices_see_and_kick_each_other(nodes: Nodes) {
    let account = nodes.account("mixed").await;
    let (mut nim, ok) =
        NimClient::login(nodes.a(), Wire::Binary, login(&account, "t", "nim-1")).await;
    assert!(ok.ports.is_empty());
    let (mut wasm, wasm_ok) = nodes.b().login(&account, "t", "wasm-1").await;

    // nim-wasm lists the official device in its own format, with the same time and id.
    let listed = &wasm_ok.ports[0];
    assert_eq!(listed.device_type, DeviceType::Web);
    assert_eq!(listed.device_id, "nim-1");
    assert_eq!(listed.os, "Linux 64-bit");
    assert_eq!(listed.connection_id, ok.res.connection_id);
    assert_eq!(listed.time, ok.res.login_time);
    // The official device hears of nim-wasm as a NIM loginPort.
    let (online, ports) = nim.next_ports().await;
    assert!(online);
    assert_eq!(ports[0].client_type, 16);
    assert_eq!(ports[0].device_id, "wasm-1");
    assert_eq!(ports[0].connection_id, wasm_ok.connection.connection_id);

    nim.request(RequestBody::Kick {
        device_ids: vec!["wasm-1".into()],
    })
    .await;
    let (kicked, offline) = kick_answer_and_offline(&mut nim).await;
    assert_eq!(
        (kicked, offline),
        (vec!["wasm-1".to_owned()], vec!["wasm-1".to_owned()])
    );
    let notice = wasm.next_kicked().await;
    assert_eq!(notice.reason, WasmKickReason::OtherPlatformKick);
    assert_eq!(notice.from, Some(DeviceType::Web));
    assert_eq!(notice.from_device_id.as_deref(), Some("nim-1"));
    assert_eq!(wasm.closed().await, Some(4001));

    let (mut wasm, _) = nodes.b().login(&account, "t", "wasm-2").await;
    let kick = KickRequest {
        id: 7,
        device_ids: vec!["nim-1".into()],
        custom: "bye".into(),
    };
    wasm.send(&ClientMessage::Kick(kick)).await;
    let kicked = loop {
        if let ResponseBody::Kicked(kicked) = nim.recv().await.body {
            break kicked;
        }
    };
    assert_eq!(
        (kicked.reason, kicked.from, kicked.custom.as_str()),
        (KickReason::OtherPlatform, 16, "bye")
    );
    assert_eq!(nim.closed().await, Some(4001));
}

on_both_backends!(
    socketio_device_answers_every_request_and_logs_out,
    Policy::Multi(10)
);
async fn socketio_device_answers_every_request_and_logs_out(nodes: Nodes) {
    let account = nodes.account("sio").await;
    let (mut nim, _) =
        NimClient::login(nodes.a(), Wire::SocketIo, login(&account, "t", "sio-1")).await;
    let (mut wasm, _) = nodes.b().login(&account, "t", "wasm-1").await;
    assert!(nim.next_ports().await.0);

    let ser = nim.request(RequestBody::Heartbeat).await;
    let reply = nim.recv().await;
    assert_eq!((reply.ser, reply.body), (ser, ResponseBody::Heartbeat));
    nim.request(RequestBody::Sync {
        timetags: Default::default(),
    })
    .await;
    assert!(matches!(nim.recv().await.body, ResponseBody::SyncDone { timetag } if timetag > 0));
    nim.request(RequestBody::GetNosCdnHost).await;
    assert_eq!(
        nim.recv().await.body,
        ResponseBody::NosCdnHost { expire: 0 }
    );
    let server_time = Command::new(6, 23);
    nim.request(RequestBody::Unsupported(server_time)).await;
    let refused = ResponseBody::Refused {
        command: server_time,
        code: 997,
    };
    assert_eq!(nim.recv().await.body, refused);

    nim.request(RequestBody::Logout).await;
    assert_eq!(nim.recv().await.body, ResponseBody::Logout);
    assert_eq!(nim.closed().await, Some(1000));
    let gone = wasm.next_ports().await;
    assert_eq!(
        (gone[0].device_id.as_str(), gone[0].online),
        ("sio-1", false)
    );
}

on_both_backends!(single_policy_counts_official_devices, Policy::Single);
async fn single_policy_counts_official_devices(nodes: Nodes) {
    let account = nodes.account("single").await;
    let (mut wasm, _) = nodes.a().login(&account, "t", "wasm-1").await;

    // appLogin 0 is an automatic re-login: it may not displace anyone (417).
    let auto = nim_compat::Login {
        manual: false,
        ..login(&account, "t", "nim-1")
    };
    let mut refused = NimClient::connect(nodes.b(), Wire::Binary).await;
    refused.request(RequestBody::Login(Box::new(auto))).await;
    let reply = refused.recv().await.body;
    assert_eq!(
        reply,
        ResponseBody::Refused {
            command: Command::LOGIN,
            code: 417
        }
    );
    assert_eq!(refused.closed().await, Some(4417));

    let (mut nim, ok) =
        NimClient::login(nodes.b(), Wire::Binary, login(&account, "t", "nim-1")).await;
    assert!(ok.ports.is_empty(), "the displaced device is not listed");
    assert_eq!(
        wasm.next_kicked().await.reason,
        WasmKickReason::SamePlatformKick
    );

    drop(nodes.a().login(&account, "t", "wasm-2").await);
    let kicked = loop {
        if let ResponseBody::Kicked(kicked) = nim.recv().await.body {
            break kicked;
        }
    };
    assert_eq!((kicked.reason, kicked.from), (KickReason::SamePlatform, 16));
}

on_both_backends!(
    block_with_needkick_kicks_official_devices,
    Policy::Multi(10)
);
async fn block_with_needkick_kicks_official_devices(nodes: Nodes) {
    let account = nodes.account("blocked").await;
    let (mut nim, _) =
        NimClient::login(nodes.b(), Wire::SocketIo, login(&account, "t", "nim-1")).await;
    let reply = nodes
        .a()
        .api("block.action", &[("accid", &account), ("needkick", "true")])
        .await;
    assert_eq!(reply["code"], 200, "{reply}");
    let kicked = loop {
        if let ResponseBody::Kicked(kicked) = nim.recv().await.body {
            break kicked;
        }
    };
    assert_eq!((kicked.reason, kicked.from), (KickReason::Server, 32));
    assert_eq!(nim.closed().await, Some(4001));

    let mut again = NimClient::connect(nodes.b(), Wire::Binary).await;
    again
        .request(RequestBody::Login(Box::new(login(&account, "t", "nim-1"))))
        .await;
    let reply = again.recv().await.body;
    assert_eq!(
        reply,
        ResponseBody::Refused {
            command: Command::LOGIN,
            code: 422
        }
    );
}

fn idle_after_400_ms(config: &mut nim_server::Config) {
    config.limits.idle_timeout_min = std::time::Duration::from_millis(400);
    config.limits.idle_timeout_max = std::time::Duration::from_millis(400);
}

on_both_backends!(
    silent_official_device_is_closed_at_the_idle_timeout,
    Policy::Multi(10),
    idle_after_400_ms
);
async fn silent_official_device_is_closed_at_the_idle_timeout(nodes: Nodes) {
    let account = nodes.account("idle").await;
    let (mut alive, _) =
        NimClient::login(nodes.a(), Wire::Binary, login(&account, "t", "alive")).await;
    let (mut silent, _) =
        NimClient::login(nodes.b(), Wire::SocketIo, login(&account, "t", "silent")).await;
    assert!(alive.next_ports().await.0);

    // The live device heartbeats well within the idle timeout until the silent one goes.
    let gone = loop {
        alive.request(RequestBody::Heartbeat).await;
        let reply = alive.recv().await.body;
        if let ResponseBody::PortsChange(change) = reply {
            break change;
        }
        assert_eq!(reply, ResponseBody::Heartbeat);
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    };
    assert!(!gone.online);
    assert_eq!(gone.ports[0].device_id, "silent");
    assert_eq!(silent.closed().await, Some(4003));
}

#[tokio::test]
async fn shutdown_closes_official_devices_with_1012() {
    let mut server = crate::common::TestServer::start().await;
    server.create_account("dave", "t").await;
    let (mut binary, _) =
        NimClient::login(&server, Wire::Binary, login("dave", "t", "nim-1")).await;
    let (mut socketio, _) =
        NimClient::login(&server, Wire::SocketIo, login("dave", "t", "nim-2")).await;
    let ((), binary_code, socketio_code) =
        tokio::join!(server.stop(), binary.closed(), socketio.closed());
    assert_eq!((binary_code, socketio_code), (Some(1012), Some(1012)));
}
