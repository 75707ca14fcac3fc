//! `block.action` with `needkick=true` kicks every device of the account with
//! `serverKick`; later logins get 422.

use crate::common::{login_request, TestServer};
use nim_protocol::{ClientMessage, CloseCode, KickReason, ServerMessage};

#[tokio::test]
async fn block_with_needkick_kicks_every_device() {
    let server = TestServer::start().await;
    server.create_account("alice", "t").await;
    let (mut a, _) = server.login("alice", "t", "tab-1").await;
    let (mut b, _) = server.login("alice", "t", "tab-2").await;

    let reply = server
        .api("block.action", &[("accid", "alice"), ("needkick", "true")])
        .await;
    assert_eq!(reply["code"], 200, "{reply}");

    for device in [&mut a, &mut b] {
        let kicked = device.next_kicked().await;
        assert_eq!(kicked.reason, KickReason::ServerKick);
        assert_eq!((kicked.from, kicked.from_device_id), (None, None));
        assert_eq!(device.expect_close().await, Some(CloseCode::KICKED.0));
    }

    let (_again, failed) = server
        .login_refused(login_request("alice", "t", "tab-1"))
        .await;
    assert_eq!(failed.code, 422);
}

#[tokio::test]
async fn block_without_needkick_leaves_live_devices_online() {
    let server = TestServer::start().await;
    server.create_account("alice", "t").await;
    let (mut a, _) = server.login("alice", "t", "tab-1").await;

    let reply = server.api("block.action", &[("accid", "alice")]).await;
    assert_eq!(reply["code"], 200, "{reply}");

    a.send(&ClientMessage::Ping).await;
    assert_eq!(a.recv().await, ServerMessage::Pong);
}
