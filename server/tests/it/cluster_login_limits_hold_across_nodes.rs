//! The login limits are counted in Redis, so they hold across nodes: attempts from
//! one address spread over two nodes reach the per-IP limit once, and refused
//! tokens on one node exhaust the account on the other.

use std::time::Duration;

use crate::cluster::{backends, node_config, unique};
use crate::common::{login_reply_at, login_request, TestServer};
use nim_protocol::ServerMessage;
use nim_server::Policy;

/// The NIM code of the answer to a login on `server` (200 for loginOk).
async fn code(server: &TestServer, account: &str, token: &str, device: &str) -> u16 {
    match login_reply_at(&server.ws_url(), login_request(account, token, device)).await {
        (_, ServerMessage::LoginOk(_)) => 200,
        (_, ServerMessage::LoginFailed(failed)) => failed.code,
        (_, other) => panic!("expected a login answer, got {other:?}"),
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL and Redis: scripts/test-cluster.sh runs it"]
async fn attempts_from_one_address_are_counted_once_across_nodes() {
    let backends = backends();
    let mut config = node_config(&backends, Policy::Multi(10));
    config.limits.login_attempts_per_ip = 3;
    config.limits.login_attempt_window = Duration::from_secs(60);
    let node_a = TestServer::start_with(config.clone()).await;
    let node_b = TestServer::start_with(config).await;
    let alice = unique("alice");
    node_a.create_account(&alice, "t").await;

    assert_eq!(code(&node_a, &alice, "t", "tab-1").await, 200);
    assert_eq!(code(&node_b, &alice, "t", "tab-2").await, 200);
    assert_eq!(code(&node_a, &alice, "t", "tab-3").await, 200);
    assert_eq!(code(&node_b, &alice, "t", "tab-4").await, 416);
    assert_eq!(code(&node_a, &alice, "t", "tab-5").await, 416);
}

#[tokio::test]
#[ignore = "needs PostgreSQL and Redis: scripts/test-cluster.sh runs it"]
async fn refused_tokens_on_one_node_exhaust_the_account_on_the_other() {
    let backends = backends();
    let mut config = node_config(&backends, Policy::Multi(10));
    config.limits.login_failures_per_account = 2;
    config.limits.login_attempt_window = Duration::from_secs(60);
    let node_a = TestServer::start_with(config.clone()).await;
    let node_b = TestServer::start_with(config).await;
    let (alice, bob) = (unique("alice"), unique("bob"));
    node_a.create_account(&alice, "right").await;
    node_a.create_account(&bob, "bobs").await;

    assert_eq!(code(&node_a, &alice, "guess-1", "d1").await, 302);
    assert_eq!(code(&node_a, &alice, "guess-2", "d2").await, 302);
    assert_eq!(code(&node_b, &alice, "right", "d3").await, 416);
    assert_eq!(code(&node_b, &bob, "bobs", "d4").await, 200);
}
