//! `GET /metrics` reports connections, logins by result code, kicks and pushes in
//! the Prometheus text format, with histograms of login, kick and push fan-out
//! times.

use crate::common::{config, login_request, TestServer};
use nim_protocol::{ClientMessage, ServerMessage};
use nim_server::Policy;

#[tokio::test]
async fn metrics_count_logins_kicks_and_pushes() {
    let server = TestServer::start_with(config(Policy::Single)).await;
    server.create_account("alice", "t").await;
    let (mut first, _) = server.login("alice", "t", "tab-1").await;
    let (_second, _) = server.login("alice", "t", "tab-2").await;
    first.closed().await;
    let mut bad = server.connect().await;
    bad.send(&ClientMessage::Login(login_request("alice", "nope", "x")))
        .await;
    assert!(matches!(bad.recv().await, ServerMessage::LoginFailed(_)));

    let response = server
        .http()
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap();
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = response.text().await.unwrap();
    for line in [
        "nim_logins_total{code=\"200\"} 2",
        "nim_logins_total{code=\"302\"} 1",
        "nim_kicks_total{reason=\"samePlatformKick\"} 1",
        "nim_sessions_live 1",
        "nim_api_calls_total{code=\"200\"} 1",
        "# TYPE nim_connections_open gauge",
        "# TYPE nim_pushes_total counter",
        "# TYPE nim_login_seconds histogram",
        "nim_login_seconds_count{code=\"200\"} 2",
        "# TYPE nim_kick_seconds histogram",
        "# TYPE nim_push_fanout_seconds histogram",
        "nim_push_fanout_seconds_count ",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
}
