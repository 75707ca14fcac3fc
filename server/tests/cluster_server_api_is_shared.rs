//! The server API across nodes: a nonce used on one node is refused as a replay on
//! another (431), and `/lbs` lists every live node's WebSocket address.

mod cluster;
mod common;

use cluster::{backends, node_config, unique};
use common::{now_secs, TestServer, SECRET};
use nim_server::Policy;
use serde_json::Value;

#[tokio::test]
async fn a_nonce_used_on_one_node_is_a_replay_on_another() {
    let Some(backends) = backends() else { return };
    let node_a = TestServer::start_with(node_config(&backends, Policy::Multi(10))).await;
    let node_b = TestServer::start_with(node_config(&backends, Policy::Multi(10))).await;
    let nonce = unique("nonce-");
    let (alice, bob) = (unique("alice"), unique("bob"));

    let first = node_a
        .api_signed(
            "create.action",
            &[("accid", &alice)],
            &nonce,
            now_secs(),
            SECRET,
        )
        .await;
    let replay = node_b
        .api_signed(
            "create.action",
            &[("accid", &bob)],
            &nonce,
            now_secs(),
            SECRET,
        )
        .await;

    assert_eq!(first["code"], 200, "{first}");
    assert_eq!(replay["code"], 431, "{replay}");
}

#[tokio::test]
async fn lbs_lists_every_live_node() {
    let Some(backends) = backends() else { return };
    let node_a = TestServer::start_with(node_config(&backends, Policy::Multi(10))).await;
    let node_b = TestServer::start_with(node_config(&backends, Policy::Multi(10))).await;

    // A node registers as `run` starts, which a test server does not wait for.
    let deadline = tokio::time::Instant::now() + common::WAIT;
    let reply = loop {
        let reply: Value = node_a
            .http()
            .get(node_a.url(&format!("/lbs?k={}", common::APP)))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if reply["link"].as_array().map(Vec::len) == Some(2)
            || tokio::time::Instant::now() > deadline
        {
            break reply;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };

    assert_eq!(reply["code"], 200, "{reply}");
    let mut links: Vec<String> = reply["link"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_owned())
        .collect();
    links.sort();
    let mut expected = vec![node_a.ws_url(), node_b.ws_url()];
    expected.sort();
    assert_eq!(links, expected);
}
