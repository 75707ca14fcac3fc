//! A device kicks other devices of its own account: the reply lists the ids really
//! kicked, the kicked device is told who kicked it (`otherPlatformKick`) and closed
//! with 4001, and the remaining devices see it go offline.

use crate::cluster::Nodes;
use crate::common::TestServer;
use nim_protocol::{ClientMessage, CloseCode, DeviceType, KickReason, KickRequest, ServerMessage};
use nim_server::Policy;

fn kick(id: u32, ids: &[&str], custom: &str) -> ClientMessage {
    ClientMessage::Kick(KickRequest {
        id,
        device_ids: ids.iter().map(|s| s.to_string()).collect(),
        custom: custom.into(),
    })
}

fn kick_result(msg: &ServerMessage) -> Option<(u32, Vec<String>)> {
    match msg {
        ServerMessage::KickResult(r) => Some((r.id, r.device_ids.clone())),
        _ => None,
    }
}

async fn kick_other_device(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (mut victim, _) = nodes.a().login(&alice, "t", "tab-1").await;
    let (mut bystander, _) = nodes.a().login(&alice, "t", "tab-2").await;
    let (mut kicker, _) = nodes.b().login(&alice, "t", "tab-3").await;

    kicker
        .send(&kick(5, &["tab-1", "gone-long-ago"], "bye"))
        .await;

    let (id, kicked) = kicker.wait_for(kick_result).await;
    assert_eq!((id, kicked), (5, vec!["tab-1".to_string()]));
    let told = victim.next_kicked().await;
    assert_eq!(told.reason, KickReason::OtherPlatformKick);
    assert_eq!(told.from, Some(DeviceType::Web));
    assert_eq!(told.from_device_id.as_deref(), Some("tab-3"));
    assert_eq!(told.custom, "bye");
    assert_eq!(victim.expect_close().await, Some(CloseCode::KICKED.0));

    for watcher in [&mut bystander, &mut kicker] {
        watcher
            .wait_for(|m| match m {
                ServerMessage::LoginPorts(c)
                    if c.ports.iter().any(|p| p.device_id == "tab-1" && !p.online) =>
                {
                    Some(())
                }
                _ => None,
            })
            .await;
    }
}
on_both_backends!(kick_other_device, Policy::Multi(10));

async fn devices_of_another_account_cannot_be_kicked(nodes: Nodes) {
    let (alice_account, mallory_account) =
        (nodes.account("alice").await, nodes.account("mallory").await);
    let (mut alice, _) = nodes.a().login(&alice_account, "t", "alice-tab").await;
    let (mut mallory, _) = nodes.b().login(&mallory_account, "t", "mallory-tab").await;

    mallory.send(&kick(1, &["alice-tab"], "")).await;

    let (_, kicked) = mallory.wait_for(kick_result).await;
    assert!(kicked.is_empty());
    alice
        .expect_silence(std::time::Duration::from_millis(200))
        .await;
    alice.send(&ClientMessage::Ping).await;
    assert_eq!(alice.recv().await, ServerMessage::Pong);
}
on_both_backends!(
    devices_of_another_account_cannot_be_kicked,
    Policy::Multi(10)
);

async fn a_device_does_not_kick_itself(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (mut me, _) = nodes.b().login(&alice, "t", "tab-1").await;

    me.send(&kick(2, &["tab-1"], "")).await;

    let (_, kicked) = me.wait_for(kick_result).await;
    assert!(kicked.is_empty());
    me.send(&ClientMessage::Ping).await;
    assert_eq!(me.recv().await, ServerMessage::Pong);
}
on_both_backends!(a_device_does_not_kick_itself, Policy::Multi(10));

#[tokio::test]
async fn an_empty_kick_list_is_a_bad_request() {
    let server = TestServer::start().await;
    server.create_account("alice", "t").await;
    let (mut me, _) = server.login("alice", "t", "tab-1").await;

    me.send(&kick(3, &[], "")).await;

    match me.recv().await {
        ServerMessage::Error(e) => assert_eq!((e.id, e.code), (Some(3), 400)),
        other => panic!("expected error, got {other:?}"),
    }
}
