//! Every login refusal carries NIM's code and closes with 4000 + code: 403 unknown
//! app, 404 no account, 422 blocked, 201 unsupported protocol version.

use crate::common::{login_request, TestServer};
use nim_protocol::{CloseCode, LoginRequest};

async fn refused_with(server: &TestServer, request: LoginRequest) -> u16 {
    let (mut client, failed) = server.login_refused(request).await;
    let close = client.expect_close().await;
    assert_eq!(close, Some(CloseCode::login_refused(failed.code).0));
    failed.code
}

#[tokio::test]
async fn unknown_app_key_gets_403() {
    let server = TestServer::start().await;
    server.create_account("alice", "t").await;
    let mut request = login_request("alice", "t", "tab-1");
    request.app_key = "no-such-app".into();
    assert_eq!(refused_with(&server, request).await, 403);
}

#[tokio::test]
async fn unknown_account_gets_404() {
    let server = TestServer::start().await;
    let request = login_request("nobody", "t", "tab-1");
    assert_eq!(refused_with(&server, request).await, 404);
}

#[tokio::test]
async fn blocked_account_gets_422_until_unblocked() {
    let server = TestServer::start().await;
    server.create_account("alice", "t").await;
    let reply = server.api("block.action", &[("accid", "alice")]).await;
    assert_eq!(reply["code"], 200, "{reply}");

    let request = login_request("alice", "t", "tab-1");
    assert_eq!(refused_with(&server, request).await, 422);

    let reply = server.api("unblock.action", &[("accid", "alice")]).await;
    assert_eq!(reply["code"], 200, "{reply}");
    server.login("alice", "t", "tab-1").await;
}

#[tokio::test]
async fn blocked_account_with_a_wrong_token_still_gets_302() {
    let server = TestServer::start().await;
    server.create_account("alice", "t").await;
    server.api("block.action", &[("accid", "alice")]).await;
    let request = login_request("alice", "wrong", "tab-1");
    assert_eq!(refused_with(&server, request).await, 302);
}

#[tokio::test]
async fn unsupported_protocol_version_gets_201() {
    let server = TestServer::start().await;
    server.create_account("alice", "t").await;
    let mut request = login_request("alice", "t", "tab-1");
    request.v = 99;
    assert_eq!(refused_with(&server, request).await, 201);
}

#[tokio::test]
async fn actions_on_a_missing_account_get_404() {
    let server = TestServer::start().await;
    for action in [
        "update.action",
        "refreshToken.action",
        "block.action",
        "unblock.action",
    ] {
        let reply = server
            .api(action, &[("accid", "ghost"), ("token", "t")])
            .await;
        assert_eq!(reply["code"], 404, "{action}: {reply}");
    }
}
