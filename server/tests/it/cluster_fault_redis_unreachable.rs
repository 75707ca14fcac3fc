//! Redis unreachable for 10 s behind a proxy that stalls every connection and cuts
//! them when it heals, longer than the nodes' lease. Logins meanwhile are refused
//! with 500, `/healthz` answers 503 naming Redis, the nodes close their pages with
//! 1012 once their lease has run out, and nothing waits in the nodes' memory:
//! pushes are decided in Redis or not at all. After it heals every device's list
//! equals the truth, on every node, and kicks work across nodes again. An outage
//! shorter than the lease leaves the pages connected, and a device that left during
//! it is removed once Redis answers again.

use std::time::Duration;

use crate::cluster::fleet::{self, Fleet};
use crate::cluster::own::{self, OwnPostgres, OwnRedis};
use crate::cluster::{fault_nodes, node_config, unique, Backends, FAULT_CODES};
use crate::common::outage_proxy::OutageProxy;
use crate::common::TestServer;
use nim_protocol::ServerMessage;
use nim_server::Policy;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "starts its own Redis and PostgreSQL: scripts/test-cluster.sh runs it"]
async fn redis_unreachable_for_ten_seconds_loses_no_device() {
    own::require();
    let redis = OwnRedis::start().await;
    let postgres = OwnPostgres::start().await;
    let proxy = OutageProxy::start(redis.addr()).await;
    let backends = Backends {
        postgres: postgres.url(),
        redis: format!("redis://{}/", proxy.addr),
        prefix: unique("fault-"),
    };
    let nodes = fault_nodes(&backends, &[None, None, None]).await;
    let urls: Vec<String> = nodes.iter().map(|n| n.ws_url()).collect();
    let mut accounts = Vec::new();
    for _ in 0..4 {
        let account = unique("acct");
        nodes[0].create_account(&account, "t").await;
        accounts.push(account);
    }
    let fleet = Fleet::start(urls.clone(), &accounts, 3).await;

    proxy.cut_off();
    let outage = tokio::time::Instant::now();
    match fleet::login_answer(&urls[1], &accounts[0], "during").await {
        ServerMessage::LoginFailed(failed) => assert_eq!(failed.code, 500),
        other => panic!("a login without Redis: {other:?}"),
    }
    let (status, body) = fleet::health(&nodes[0]).await;
    assert_eq!((status, body.as_str()), (503, "unavailable: redis\n"));
    tokio::time::sleep_until(outage + Duration::from_secs(10)).await;
    proxy.heal();

    let took = fleet
        .converged(Duration::from_secs(30))
        .await
        .unwrap_or_else(|wrong| panic!("not converged: {wrong}; seen {:?}", fleet.seen()));
    eprintln!("converged {took:?} after healing; seen: {:?}", fleet.seen());
    assert!(fleet.terminal().is_empty(), "{:?}", fleet.terminal());
    for code in fleet.seen().keys() {
        assert!(FAULT_CODES.contains(&code.as_str()), "a page saw {code}");
    }
    let node_refs: Vec<_> = nodes.iter().collect();
    assert_eq!(fleet::sessions_live(&node_refs).await, fleet.live() as u64);
    fleet.check_with_probes(&accounts).await;
    for node in &nodes {
        assert_eq!(fleet::health(node).await.0, 200);
    }
    fleet::kick_across(&urls[2], &urls[0], &accounts[1]).await;
}

/// A Redis outage shorter than the lease: the pages stay connected, and a device
/// that left meanwhile (its removal failed) is removed once Redis answers, so it is
/// not listed for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "starts its own Redis and PostgreSQL: scripts/test-cluster.sh runs it"]
async fn a_device_that_left_during_a_short_outage_is_removed_after_it() {
    own::require();
    let redis = OwnRedis::start().await;
    let postgres = OwnPostgres::start().await;
    let proxy = OutageProxy::start(redis.addr()).await;
    let backends = Backends {
        postgres: postgres.url(),
        redis: format!("redis://{}/", proxy.addr),
        prefix: unique("fault-"),
    };
    let mut config = node_config(&backends, Policy::Multi(10));
    config.cluster.node_lease = Duration::from_secs(10);
    let (a, b) = (
        TestServer::start_with(config.clone()).await,
        TestServer::start_with(config).await,
    );
    let alice = unique("alice");
    a.create_account(&alice, "t").await;
    let (mut stays, _) = a.login(&alice, "t", "stays").await;
    let (leaves, _) = b.login(&alice, "t", "leaves").await;
    assert_eq!(stays.next_ports().await[0].device_id, "leaves");

    proxy.cut_off();
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(leaves);
    tokio::time::sleep(Duration::from_secs(3)).await;
    proxy.heal();

    let gone = tokio::time::timeout(Duration::from_secs(15), stays.next_ports())
        .await
        .expect("told within 15 s of healing");
    assert_eq!(
        (gone[0].device_id.as_str(), gone[0].online),
        ("leaves", false)
    );
    let (_probe, ok) = a.login(&alice, "t", "probe").await;
    let listed: Vec<&str> = ok.ports.iter().map(|p| p.device_id.as_str()).collect();
    assert_eq!(listed, ["stays"], "no ghost of the device that left");
}
