//! The login response lists the account's other live devices, and every other
//! device is told at once when a device comes online or goes offline.

use crate::common::TestServer;
use nim_protocol::{ClientMessage, CloseCode, LogoutRequest, ServerMessage};

#[tokio::test]
async fn second_device_sees_the_first_and_the_first_is_told() {
    let server = TestServer::start().await;
    server.create_account("alice", "t").await;
    let (mut first, first_ok) = server.login("alice", "t", "tab-1").await;

    let (_second, second_ok) = server.login("alice", "t", "tab-2").await;

    assert_eq!(second_ok.ports.len(), 1);
    let seen = &second_ok.ports[0];
    assert_eq!(seen.device_id, "tab-1");
    assert_eq!(seen.account, "alice");
    assert_eq!(seen.connection_id, first_ok.connection.connection_id);
    assert!(seen.online);
    assert!(seen.time > 0);

    let pushed = first.next_ports().await;
    assert_eq!(pushed.len(), 1);
    assert_eq!(pushed[0].device_id, "tab-2");
    assert_eq!(pushed[0].connection_id, second_ok.connection.connection_id);
    assert!(pushed[0].online);
}

#[tokio::test]
async fn logout_answers_closes_1000_and_tells_the_others() {
    let server = TestServer::start().await;
    server.create_account("alice", "t").await;
    let (mut first, _) = server.login("alice", "t", "tab-1").await;
    let (mut second, _) = server.login("alice", "t", "tab-2").await;
    first.next_ports().await;

    second
        .send(&ClientMessage::Logout(LogoutRequest { id: 7 }))
        .await;
    match second.recv().await {
        ServerMessage::LogoutOk(ok) => assert_eq!(ok.id, 7),
        other => panic!("expected logoutOk, got {other:?}"),
    }
    assert_eq!(second.expect_close().await, Some(CloseCode::NORMAL.0));

    let gone = first.next_ports().await;
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0].device_id, "tab-2");
    assert!(!gone[0].online);
}

#[tokio::test]
async fn a_closed_socket_goes_offline_for_the_others() {
    let server = TestServer::start().await;
    server.create_account("alice", "t").await;
    let (mut first, _) = server.login("alice", "t", "tab-1").await;
    let (second, _) = server.login("alice", "t", "tab-2").await;
    first.next_ports().await;

    drop(second);

    let gone = first.next_ports().await;
    assert_eq!(
        (gone[0].device_id.as_str(), gone[0].online),
        ("tab-2", false)
    );
}

#[tokio::test]
async fn other_accounts_are_not_told() {
    let server = TestServer::start().await;
    server.create_account("alice", "t").await;
    server.create_account("bob", "t").await;
    let (mut alice, _) = server.login("alice", "t", "tab-1").await;

    let (_bob, bob_ok) = server.login("bob", "t", "tab-2").await;

    assert!(bob_ok.ports.is_empty());
    alice
        .expect_silence(std::time::Duration::from_millis(200))
        .await;
}
