//! Under `multi` every kind of device may be online up to the app's limit; the login
//! beyond it kicks the oldest device.

use crate::common::{config, TestServer};
use nim_protocol::{CloseCode, KickReason};
use nim_server::Policy;

#[tokio::test]
async fn devices_up_to_the_limit_stay_online() {
    let server = TestServer::start_with(config(Policy::Multi(3))).await;
    server.create_account("alice", "t").await;
    let (_a, _) = server.login("alice", "t", "tab-1").await;
    let (_b, _) = server.login("alice", "t", "tab-2").await;
    let (_c, ok) = server.login("alice", "t", "tab-3").await;
    assert_eq!(ok.ports.len(), 2);
}

#[tokio::test]
async fn the_login_beyond_the_limit_kicks_the_oldest() {
    let server = TestServer::start_with(config(Policy::Multi(2))).await;
    server.create_account("alice", "t").await;
    let (mut oldest, _) = server.login("alice", "t", "tab-1").await;
    let (_middle, _) = server.login("alice", "t", "tab-2").await;

    let (_newest, ok) = server.login("alice", "t", "tab-3").await;

    let others: Vec<&str> = ok.ports.iter().map(|p| p.device_id.as_str()).collect();
    assert_eq!(others, vec!["tab-2"]);
    let kicked = oldest.next_kicked().await;
    assert_eq!(kicked.reason, KickReason::SamePlatformKick);
    assert_eq!(oldest.expect_close().await, Some(CloseCode::KICKED.0));
}

#[test]
fn the_default_multi_limit_is_ten() {
    assert_eq!(
        nim_server::App::parse("k:s:multi").unwrap().policy,
        Policy::Multi(10)
    );
}
