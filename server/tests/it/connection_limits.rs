//! Limits on live devices per account (416) and on open connections in all (1013).

use crate::common::{config, login_request, TestServer};
use nim_protocol::{ClientMessage, CloseCode, ServerMessage};
use nim_server::Policy;

#[tokio::test]
async fn devices_beyond_the_account_limit_get_416() {
    let mut config = config(Policy::Multi(10));
    config.limits.max_connections_per_account = 2;
    let server = TestServer::start_with(config).await;
    server.create_account("alice", "t").await;
    let (_a, _) = server.login("alice", "t", "tab-1").await;
    let (_b, _) = server.login("alice", "t", "tab-2").await;

    let (_third, failed) = server
        .login_refused(login_request("alice", "t", "tab-3"))
        .await;
    assert_eq!(failed.code, 416);
    // Replacing a live device does not count against the limit.
    server.login("alice", "t", "tab-2").await;
}

#[tokio::test]
async fn connections_beyond_the_total_limit_are_closed_1013() {
    let mut config = config(Policy::Multi(10));
    config.limits.max_connections = 1;
    let server = TestServer::start_with(config).await;
    server.create_account("alice", "t").await;
    let (first, _) = server.login("alice", "t", "tab-1").await;

    let mut second = server.connect().await;
    assert_eq!(
        second.expect_close().await,
        Some(CloseCode::TRY_AGAIN_LATER.0)
    );

    drop(first);
    // The slot frees once the first connection's task has ended.
    let deadline = tokio::time::Instant::now() + crate::common::WAIT;
    loop {
        let mut next = server.connect().await;
        next.send(&ClientMessage::Login(login_request("alice", "t", "tab-2")))
            .await;
        match next.next_event().await {
            crate::common::Event::Message(ServerMessage::LoginOk(_)) => break,
            other => assert!(
                tokio::time::Instant::now() < deadline,
                "no slot freed: {other:?}"
            ),
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
