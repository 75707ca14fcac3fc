//! `update.action` sets a new token and `refreshToken.action` issues a random one;
//! the old token stops working at once.

use crate::common::{login_request, TestServer};
use nim_protocol::{ClientMessage, ServerMessage};

async fn login_code(server: &TestServer, token: &str) -> u16 {
    let mut client = server.connect().await;
    client
        .send(&ClientMessage::Login(login_request(
            "alice", token, "tab-1",
        )))
        .await;
    match client.recv().await {
        ServerMessage::LoginOk(_) => 200,
        ServerMessage::LoginFailed(failed) => failed.code,
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn update_sets_the_token() {
    let server = TestServer::start().await;
    server.create_account("alice", "old").await;
    let reply = server
        .api("update.action", &[("accid", "alice"), ("token", "new")])
        .await;
    assert_eq!(reply["code"], 200, "{reply}");
    assert_eq!(login_code(&server, "old").await, 302);
    assert_eq!(login_code(&server, "new").await, 200);
}

#[tokio::test]
async fn update_without_a_token_is_414() {
    let server = TestServer::start().await;
    server.create_account("alice", "old").await;
    let reply = server.api("update.action", &[("accid", "alice")]).await;
    assert_eq!(reply["code"], 414);
}

#[tokio::test]
async fn refresh_token_issues_a_new_random_token() {
    let server = TestServer::start().await;
    server.create_account("alice", "old").await;
    let reply = server
        .api("refreshToken.action", &[("accid", "alice")])
        .await;
    assert_eq!(reply["code"], 200, "{reply}");
    assert_eq!(reply["info"]["accid"], "alice");
    let token = reply["info"]["token"].as_str().unwrap().to_owned();
    assert_ne!(token, "old");
    assert_eq!(login_code(&server, "old").await, 302);
    assert_eq!(login_code(&server, &token).await, 200);
}
