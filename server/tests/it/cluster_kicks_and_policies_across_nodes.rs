//! Kicks and device policies decided across nodes: a manual login on node B takes
//! the single slot of a device on node A (`samePlatformKick`), an automatic one gets
//! 417 instead; a device kicks one on the other node; block with `needkick` through
//! either node's server API kicks every device wherever it is.

use crate::cluster::{backends, two_nodes, unique};
use crate::common::login_request;
use nim_protocol::{
    ClientMessage, CloseCode, KickReason, KickRequest, LoginRequest, ServerMessage,
};
use nim_server::Policy;

#[tokio::test]
#[ignore = "needs PostgreSQL and Redis: scripts/test-cluster.sh runs it"]
async fn a_manual_login_on_another_node_takes_the_single_slot() {
    let backends = backends();
    let (node_a, node_b) = two_nodes(&backends, Policy::Single).await;
    let alice = unique("alice");
    node_a.create_account(&alice, "t").await;
    let (mut older, _) = node_a.login(&alice, "t", "tab-1").await;

    let (_newer, ok) = node_b.login(&alice, "t", "tab-2").await;

    assert!(ok.ports.is_empty(), "the older device is gone");
    let told = older.next_kicked().await;
    assert_eq!(told.reason, KickReason::SamePlatformKick);
    assert_eq!(told.from_device_id.as_deref(), Some("tab-2"));
    assert_eq!(older.expect_close().await, Some(CloseCode::KICKED.0));

    let (_auto, failed) = node_a
        .login_refused(LoginRequest {
            auto: true,
            ..login_request(&alice, "t", "tab-1")
        })
        .await;
    assert_eq!(failed.code, 417);
}

#[tokio::test]
#[ignore = "needs PostgreSQL and Redis: scripts/test-cluster.sh runs it"]
async fn a_device_kicks_a_device_on_another_node() {
    let backends = backends();
    let (node_a, node_b) = two_nodes(&backends, Policy::Multi(10)).await;
    let alice = unique("alice");
    node_a.create_account(&alice, "t").await;
    let (mut victim, _) = node_a.login(&alice, "t", "tab-1").await;
    let (mut kicker, _) = node_b.login(&alice, "t", "tab-2").await;

    kicker
        .send(&ClientMessage::Kick(KickRequest {
            id: 4,
            device_ids: vec!["tab-1".into(), "nobody".into()],
            custom: "bye".into(),
        }))
        .await;

    let ids = kicker
        .wait_for(|m| match m {
            ServerMessage::KickResult(r) => Some(r.device_ids.clone()),
            _ => None,
        })
        .await;
    assert_eq!(ids, vec!["tab-1".to_string()]);
    let told = victim.next_kicked().await;
    assert_eq!(told.reason, KickReason::OtherPlatformKick);
    assert_eq!(told.from_device_id.as_deref(), Some("tab-2"));
    assert_eq!(told.custom, "bye");
    assert_eq!(victim.expect_close().await, Some(CloseCode::KICKED.0));
    kicker
        .wait_for(|m| match m {
            ServerMessage::LoginPorts(c) if c.ports.iter().any(|p| !p.online) => Some(()),
            _ => None,
        })
        .await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL and Redis: scripts/test-cluster.sh runs it"]
async fn block_with_needkick_on_one_node_kicks_devices_on_every_node() {
    let backends = backends();
    let (node_a, node_b) = two_nodes(&backends, Policy::Multi(10)).await;
    let alice = unique("alice");
    node_a.create_account(&alice, "t").await;
    let (mut on_a, _) = node_a.login(&alice, "t", "tab-1").await;
    let (mut on_b, _) = node_b.login(&alice, "t", "tab-2").await;

    let reply = node_b
        .api("block.action", &[("accid", &alice), ("needkick", "true")])
        .await;
    assert_eq!(reply["code"], 200, "{reply}");

    for device in [&mut on_a, &mut on_b] {
        let told = device.next_kicked().await;
        assert_eq!(told.reason, KickReason::ServerKick);
        assert_eq!(device.expect_close().await, Some(CloseCode::KICKED.0));
    }
    let (_again, failed) = node_a
        .login_refused(login_request(&alice, "t", "tab-1"))
        .await;
    assert_eq!(failed.code, 422);
}
