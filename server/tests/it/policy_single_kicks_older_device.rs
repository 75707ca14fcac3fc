//! Under the `single` policy a manual login kicks the account's older device with
//! `samePlatformKick`, then closes it with 4001.

use crate::cluster::Nodes;
use nim_protocol::{CloseCode, DeviceType, KickReason, ServerMessage};
use nim_server::Policy;

async fn policy_single_kicks_older_device(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (mut older, _) = nodes.a().login(&alice, "t", "tab-1").await;

    let (_newer, ok) = nodes.b().login(&alice, "t", "tab-2").await;

    assert!(ok.ports.is_empty(), "the older device is gone");
    match older.recv().await {
        ServerMessage::Kicked(kicked) => {
            assert_eq!(kicked.reason, KickReason::SamePlatformKick);
            assert_eq!(kicked.from, Some(DeviceType::Web));
            assert_eq!(kicked.from_device_id.as_deref(), Some("tab-2"));
        }
        other => panic!("expected kicked, got {other:?}"),
    }
    assert_eq!(older.expect_close().await, Some(CloseCode::KICKED.0));
}
on_both_backends!(policy_single_kicks_older_device, Policy::Single);

async fn single_also_kicks_a_device_of_another_kind(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (mut phone, _) = nodes
        .a()
        .login_as(nim_protocol::LoginRequest {
            device_type: DeviceType::Android,
            ..crate::common::login_request(&alice, "t", "phone")
        })
        .await;

    nodes.b().login(&alice, "t", "tab-1").await;

    assert!(matches!(phone.recv().await, ServerMessage::Kicked(_)));
    assert_eq!(phone.expect_close().await, Some(CloseCode::KICKED.0));
}
on_both_backends!(single_also_kicks_a_device_of_another_kind, Policy::Single);
