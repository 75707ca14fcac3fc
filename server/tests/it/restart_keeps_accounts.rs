//! Accounts, tokens and blocks acknowledged by the server API survive a restart.

use crate::common::{config, login_request, TestServer};
use nim_protocol::{ClientMessage, ServerMessage};
use nim_server::Policy;

#[tokio::test]
async fn restart_keeps_accounts() {
    let mut server = TestServer::start().await;
    server.create_account("alice", "a-token").await;
    server.create_account("bob", "b-token").await;
    server.api("block.action", &[("accid", "bob")]).await;
    let (mut client, _) = server.login("alice", "a-token", "tab-1").await;
    let (_, closed) = tokio::join!(server.stop(), client.closed());
    assert_eq!(closed, Some(nim_protocol::CloseCode::SERVICE_RESTART.0));

    let mut config = config(Policy::Multi(10));
    config.data = server.data.clone();
    let server = TestServer::start_with(config).await;

    let (_client, ok) = server.login("alice", "a-token", "tab-2").await;
    assert_eq!(ok.connection.last_login_device_id, "tab-1");

    let mut bob = server.connect().await;
    bob.send(&ClientMessage::Login(login_request(
        "bob", "b-token", "tab-1",
    )))
    .await;
    match bob.recv().await {
        ServerMessage::LoginFailed(failed) => assert_eq!(failed.code, 422),
        other => panic!("expected 422, got {other:?}"),
    }
}
