//! The server API across nodes: a nonce used on one node is refused as a replay on
//! another (431), and `/lbs` lists every live node's WebSocket address.

use crate::cluster::{backends, two_nodes, unique};
use crate::common::{now_secs, SECRET};
use nim_server::Policy;

#[tokio::test]
#[ignore = "needs PostgreSQL and Redis: scripts/test-cluster.sh runs it"]
async fn a_nonce_used_on_one_node_is_a_replay_on_another() {
    let backends = backends();
    let (node_a, node_b) = two_nodes(&backends, Policy::Multi(10)).await;
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
#[ignore = "needs PostgreSQL and Redis: scripts/test-cluster.sh runs it"]
async fn lbs_lists_every_live_node() {
    let backends = backends();
    let (node_a, node_b) = two_nodes(&backends, Policy::Multi(10)).await;

    // A node registers as `run` starts, which a test server does not wait for.
    let deadline = tokio::time::Instant::now() + crate::common::WAIT;
    let reply = loop {
        let reply = node_a.lbs().await;
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
