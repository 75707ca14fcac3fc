//! Under `multi` every kind of device may be online up to the app's limit; the login
//! beyond it kicks the oldest device.

use crate::cluster::Nodes;
use nim_protocol::{CloseCode, KickReason};
use nim_server::Policy;

async fn devices_up_to_the_limit_stay_online(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (_a, _) = nodes.a().login(&alice, "t", "tab-1").await;
    let (_b, _) = nodes.b().login(&alice, "t", "tab-2").await;
    let (_c, ok) = nodes.a().login(&alice, "t", "tab-3").await;
    assert_eq!(ok.ports.len(), 2);
}
on_both_backends!(devices_up_to_the_limit_stay_online, Policy::Multi(3));

async fn the_login_beyond_the_limit_kicks_the_oldest(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (mut oldest, _) = nodes.a().login(&alice, "t", "tab-1").await;
    let (_middle, _) = nodes.b().login(&alice, "t", "tab-2").await;

    let (_newest, ok) = nodes.b().login(&alice, "t", "tab-3").await;

    let others: Vec<&str> = ok.ports.iter().map(|p| p.device_id.as_str()).collect();
    assert_eq!(others, vec!["tab-2"]);
    let kicked = oldest.next_kicked().await;
    assert_eq!(kicked.reason, KickReason::SamePlatformKick);
    assert_eq!(oldest.expect_close().await, Some(CloseCode::KICKED.0));
}
on_both_backends!(
    the_login_beyond_the_limit_kicks_the_oldest,
    Policy::Multi(2)
);

#[test]
fn the_default_multi_limit_is_ten() {
    assert_eq!(
        nim_server::App::parse("k:s:multi").unwrap().policy,
        Policy::Multi(10)
    );
}
