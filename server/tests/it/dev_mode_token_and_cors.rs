//! With `--dev`, browser tests on another origin can call the server (CORS) and get
//! tokens from `POST /dev/token`; without it neither exists.

use crate::common::{config, TestServer};
use nim_server::Policy;

async fn dev_server() -> TestServer {
    let mut config = config(Policy::Multi(10));
    config.dev = true;
    TestServer::start_with(config).await
}

async fn dev_token(server: &TestServer, accid: &str) -> serde_json::Value {
    server
        .post_form(
            "/dev/token",
            &[("appKey", crate::common::APP), ("accid", accid)],
        )
        .await
}

#[tokio::test]
async fn dev_token_creates_then_refreshes_the_account() {
    let server = dev_server().await;
    let first = dev_token(&server, "carol").await;
    assert_eq!(first["code"], 200, "{first}");
    assert_eq!(first["info"]["accid"], "carol");
    let token = first["info"]["token"].as_str().unwrap().to_owned();
    server.login("carol", &token, "tab-1").await;

    let second = dev_token(&server, "carol").await;
    let fresh = second["info"]["token"].as_str().unwrap().to_owned();
    assert_ne!(fresh, token);
    server.login("carol", &fresh, "tab-2").await;
}

#[tokio::test]
async fn dev_token_for_an_unknown_app_is_403() {
    let server = dev_server().await;
    let reply = server
        .post_form("/dev/token", &[("appKey", "nope"), ("accid", "carol")])
        .await;
    assert_eq!(reply["code"], 403);
}

#[tokio::test]
async fn dev_mode_allows_any_origin_with_the_signature_headers() {
    let server = dev_server().await;
    let preflight = server
        .http()
        .request(
            reqwest::Method::OPTIONS,
            server.url("/nimserver/user/create.action"),
        )
        .header("Origin", "http://127.0.0.1:9999")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "appkey,nonce,curtime,checksum,content-type",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    let headers = preflight.headers();
    assert_eq!(headers["access-control-allow-origin"], "*");
    let allowed = headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    for name in ["appkey", "nonce", "curtime", "checksum", "content-type"] {
        assert!(allowed.contains(name), "{name} missing in {allowed}");
    }
}

#[tokio::test]
async fn without_dev_there_is_no_dev_token_and_no_cors() {
    let server = TestServer::start().await;
    let reply = server
        .http()
        .post(server.url("/dev/token"))
        .header("Origin", "http://127.0.0.1:9999")
        .form(&[("appKey", crate::common::APP), ("accid", "carol")])
        .send()
        .await
        .unwrap();
    assert!(reply.status().is_client_error());
    assert!(reply.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn dev_mode_lifts_the_per_ip_login_limit() {
    let mut config = config(Policy::Multi(10));
    config.dev = true;
    config.limits.login_attempts_per_ip = 1;
    let server = TestServer::start_with(config).await;
    server.create_account("carol", "t").await;
    for tab in ["tab-1", "tab-2", "tab-3"] {
        server.login("carol", "t", tab).await;
    }
}
