//! `--allow-origin` lists the page origins that may open `/ws`: a browser upgrade
//! from any other origin gets HTTP 403 before a single frame, a native client
//! without `Origin` is let in, and without a list every origin is.

use crate::common::{config, login_request, TestServer};
use nim_protocol::{ClientMessage, ServerMessage};
use nim_server::Policy;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Error as WsError;

/// The HTTP status of a WebSocket upgrade sent with this `Origin` (101 when it
/// was upgraded).
async fn upgrade_status(server: &TestServer, origin: Option<&str>) -> u16 {
    let mut request = server.ws_url().into_client_request().unwrap();
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("Origin", origin.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((_, response)) => response.status().as_u16(),
        Err(WsError::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("unexpected upgrade error {other}"),
    }
}

async fn server_allowing(origins: &[&str]) -> TestServer {
    let mut config = config(Policy::Multi(10));
    config.allow_origins = origins.iter().map(|o| o.to_string()).collect();
    let server = TestServer::start_with(config).await;
    server.create_account("alice", "t").await;
    server
}

#[tokio::test]
async fn a_page_from_an_unlisted_origin_gets_403() {
    let server = server_allowing(&["https://app.example"]).await;
    assert_eq!(
        upgrade_status(&server, Some("https://evil.example")).await,
        403
    );
    assert_eq!(
        upgrade_status(&server, Some("https://app.example.evil.example")).await,
        403
    );
    assert_eq!(
        upgrade_status(&server, Some("http://app.example")).await,
        403
    );
    assert_eq!(upgrade_status(&server, Some("null")).await, 403);
}

#[tokio::test]
async fn a_page_from_a_listed_origin_logs_in() {
    let server = server_allowing(&["https://app.example", "http://127.0.0.1:5173"]).await;
    assert_eq!(
        upgrade_status(&server, Some("https://app.example")).await,
        101
    );
    assert_eq!(
        upgrade_status(&server, Some("https://APP.example:443")).await,
        101
    );
    assert_eq!(
        upgrade_status(&server, Some("http://127.0.0.1:5173")).await,
        101
    );
    let (_client, ok) = server.login("alice", "t", "tab-1").await;
    assert!(ok.ports.is_empty());
}

#[tokio::test]
async fn a_native_client_without_origin_is_let_in() {
    let server = server_allowing(&["https://app.example"]).await;
    assert_eq!(upgrade_status(&server, None).await, 101);
    let mut client = server.connect().await;
    client
        .send(&ClientMessage::Login(login_request("alice", "t", "tab-1")))
        .await;
    assert!(matches!(client.recv().await, ServerMessage::LoginOk(_)));
}

#[tokio::test]
async fn without_a_list_every_origin_is_allowed() {
    let server = TestServer::start().await;
    assert_eq!(
        upgrade_status(&server, Some("https://anything.example")).await,
        101
    );
}

#[test]
fn the_binary_refuses_a_malformed_origin() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_nim-server"))
        .args(["--listen", "127.0.0.1:0", "--app", "k:s", "--data"])
        .arg(crate::common::temp_data())
        .args(["--allow-origin", "app.example"])
        .env_remove("NIM_APPS")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--allow-origin"), "{stderr}");
}
