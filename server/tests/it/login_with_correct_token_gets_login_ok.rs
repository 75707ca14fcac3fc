//! An account created through the server API logs in over /ws and gets `loginOk`
//! with a connection id and the connection's details.

use crate::common::TestServer;

#[tokio::test]
async fn login_with_correct_token_gets_login_ok() {
    let server = TestServer::start().await;
    server.create_account("alice", "alice-token").await;

    let (_client, ok) = server.login("alice", "alice-token", "tab-1").await;

    assert_eq!(ok.id, 1);
    assert!(!ok.connection.connection_id.is_empty());
    assert_eq!(ok.connection.ip, "127.0.0.1");
    assert!(ok.connection.port.parse::<u16>().is_ok());
    assert_eq!(ok.connection.last_login_device_id, "");
    assert!(ok.ports.is_empty(), "no other device is online");
    assert_eq!(ok.idle_timeout, 65_000, "2 * 30 s heartbeat + 5 s");
}

#[tokio::test]
async fn the_next_login_reports_the_previous_device() {
    let server = TestServer::start().await;
    server.create_account("alice", "alice-token").await;
    let (first, _) = server.login("alice", "alice-token", "tab-1").await;
    drop(first);

    let (_client, ok) = server.login("alice", "alice-token", "tab-2").await;

    assert_eq!(ok.connection.last_login_device_id, "tab-1");
}

#[tokio::test]
async fn connection_ids_differ_per_connection() {
    let server = TestServer::start().await;
    server.create_account("alice", "alice-token").await;
    let (_a, first) = server.login("alice", "alice-token", "tab-1").await;
    let (_b, second) = server.login("alice", "alice-token", "tab-2").await;

    assert_ne!(
        first.connection.connection_id,
        second.connection.connection_id
    );
}
