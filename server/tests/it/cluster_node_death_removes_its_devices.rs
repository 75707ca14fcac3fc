//! A node killed without warning (SIGKILL, while its devices are connected): the
//! survivors sweep it once its lease expires, so its devices disappear from every
//! list within `node_lease + sweep_interval` and the others are told; `/lbs` stops
//! listing it; a node started again does not bring the old sessions back.

use std::time::Instant;

use crate::cluster::{backends, start_node, two_nodes, unique, NodeProcess, LEASE, SWEEP};
use crate::common::{login_at, login_request};
use nim_server::Policy;

#[tokio::test]
#[ignore = "needs PostgreSQL and Redis: scripts/test-cluster.sh runs it"]
async fn a_killed_node_is_swept_and_not_resurrected() {
    let backends = backends();
    let survivor = start_node(&backends, Policy::Multi(10)).await;
    let mut doomed = NodeProcess::start(&backends);
    let alice = unique("alice");
    survivor.create_account(&alice, "t").await;

    let (mut on_doomed, _) =
        login_at(&doomed.ws_url(), login_request(&alice, "t", "tab-dead")).await;
    let (mut watcher, ok) = survivor.login(&alice, "t", "tab-live").await;
    assert_eq!(ok.ports.len(), 1, "the device on the doomed node is listed");
    let lbs = survivor.lbs().await;
    assert_eq!(lbs["link"].as_array().map(Vec::len), Some(2), "{lbs}");

    doomed.kill();
    let killed_at = Instant::now();
    assert_eq!(
        on_doomed.closed().await,
        None,
        "no close frame from a killed node"
    );

    // Swept once its lease expired and a sweep ran: not before two thirds of the
    // lease (it was renewed at most a third of a lease before the kill), and
    // generously within `LEASE + SWEEP` for a loaded machine.
    let bound = (LEASE + SWEEP) * 3;
    let gone = tokio::time::timeout(bound, watcher.next_ports())
        .await
        .unwrap_or_else(|_| panic!("not swept within {bound:?}"));
    let took = killed_at.elapsed();
    assert_eq!(gone.len(), 1);
    assert_eq!(
        (gone[0].device_id.as_str(), gone[0].online),
        ("tab-dead", false)
    );
    assert!(
        took >= LEASE * 2 / 3,
        "swept after {took:?}, while its lease could still run"
    );

    let lbs = survivor.lbs().await;
    assert_eq!(lbs["link"], serde_json::json!([survivor.ws_url()]));

    let restarted = NodeProcess::start(&backends);
    let (_again, ok) = login_at(&restarted.ws_url(), login_request(&alice, "t", "tab-new")).await;
    let listed: Vec<&str> = ok.ports.iter().map(|p| p.device_id.as_str()).collect();
    assert_eq!(listed, ["tab-live"], "the killed node's device stays gone");
}

#[tokio::test]
#[ignore = "needs PostgreSQL and Redis: scripts/test-cluster.sh runs it"]
async fn a_node_that_shuts_down_takes_its_devices_along_at_once() {
    let backends = backends();
    let (survivor, mut leaving) = two_nodes(&backends, Policy::Multi(10)).await;
    let alice = unique("alice");
    survivor.create_account(&alice, "t").await;
    let (_on_leaving, _) = leaving.login(&alice, "t", "tab-1").await;
    let (mut watcher, _) = survivor.login(&alice, "t", "tab-2").await;

    leaving.stop().await;

    let gone = watcher.next_ports().await;
    assert_eq!(
        (gone[0].device_id.as_str(), gone[0].online),
        ("tab-1", false)
    );
}
