//! `POST /nimserver/user/create.action` in NIM's shape: signed headers, a form body,
//! and JSON replies with a `code`.

use crate::common::{json_reply, now_secs, TestServer, SECRET};

#[tokio::test]
async fn create_returns_the_given_token() {
    let server = TestServer::start().await;
    let reply = server
        .api(
            "create.action",
            &[("accid", "alice"), ("token", "t-1"), ("name", "Alice")],
        )
        .await;
    assert_eq!(reply["code"], 200, "{reply}");
    assert_eq!(reply["info"]["accid"], "alice");
    assert_eq!(reply["info"]["token"], "t-1");
    assert_eq!(reply["info"]["name"], "Alice");
}

#[tokio::test]
async fn create_without_token_issues_one_that_logs_in() {
    let server = TestServer::start().await;
    let reply = server.api("create.action", &[("accid", "bob")]).await;
    assert_eq!(reply["code"], 200, "{reply}");
    let token = reply["info"]["token"].as_str().expect("a token").to_owned();
    assert_eq!(token.len(), 32);

    server.login("bob", &token, "tab-1").await;
}

#[tokio::test]
async fn duplicate_accid_is_414_already_register() {
    let server = TestServer::start().await;
    server.create_account("alice", "t-1").await;
    let reply = server
        .api("create.action", &[("accid", "alice"), ("token", "t-2")])
        .await;
    assert_eq!(reply["code"], 414);
    assert_eq!(reply["desc"], "already register");
    server.login("alice", "t-1", "tab-1").await;
}

#[tokio::test]
async fn missing_accid_is_414() {
    let server = TestServer::start().await;
    let reply = server.api("create.action", &[("token", "t")]).await;
    assert_eq!(reply["code"], 414);
}

#[tokio::test]
async fn bad_checksum_is_403() {
    let server = TestServer::start().await;
    let reply = server
        .api_signed(
            "create.action",
            &[("accid", "alice")],
            "n-1",
            now_secs(),
            "not-the-secret",
        )
        .await;
    assert_eq!(reply["code"], 403);
}

#[tokio::test]
async fn unknown_app_key_is_403() {
    let server = TestServer::start().await;
    let cur_time = now_secs().to_string();
    let reply = json_reply(
        server
            .http()
            .post(server.url("/nimserver/user/create.action"))
            .header("AppKey", "no-such-app")
            .header("Nonce", "n-1")
            .header("CurTime", &cur_time)
            .header(
                "CheckSum",
                nim_server::api::checksum(SECRET, "n-1", &cur_time),
            )
            .form(&[("accid", "alice")]),
    )
    .await;
    assert_eq!(reply["code"], 403);
}

#[tokio::test]
async fn missing_headers_are_414() {
    let server = TestServer::start().await;
    let reply = server
        .post_form("/nimserver/user/create.action", &[("accid", "alice")])
        .await;
    assert_eq!(reply["code"], 414);
}
