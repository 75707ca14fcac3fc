//! One node of three cut off from Redis (a proxy stalls its connections) for
//! four times its lease, while its pages stay connected to it. The others sweep its
//! devices; the node, finding its lease run out, closes its pages with 1012 (they
//! log in again, on the other nodes while it is cut off), and on healing rejoins
//! under a new id: none of its old devices comes back, and no page is left
//! connected to it unseen. Every device's list equals the truth, as a probe login
//! on every node (the healed one too) sees it.

use std::time::Duration;

use crate::cluster::fleet::{self, Fleet};
use crate::cluster::own::{self, OwnPostgres, OwnRedis};
use crate::cluster::{fault_nodes, unique, Backends, FAULT_CODES, FAULT_LEASE};
use crate::common::outage_proxy::OutageProxy;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "starts its own Redis and PostgreSQL: scripts/test-cluster.sh runs it"]
async fn a_node_cut_off_past_its_lease_brings_back_nothing_stale() {
    own::require();
    let redis = OwnRedis::start().await;
    let postgres = OwnPostgres::start().await;
    let proxy = OutageProxy::start(redis.addr()).await;
    let backends = Backends {
        postgres: postgres.url(),
        redis: redis.url(),
        prefix: unique("fault-"),
    };
    let through_proxy = format!("redis://{}/", proxy.addr);
    let nodes = fault_nodes(&backends, &[None, None, Some(through_proxy)]).await;
    let urls: Vec<String> = nodes.iter().map(|n| n.ws_url()).collect();
    let mut accounts = Vec::new();
    for _ in 0..4 {
        let account = unique("acct");
        nodes[0].create_account(&account, "t").await;
        accounts.push(account);
    }
    let fleet = Fleet::start(urls.clone(), &accounts, 3).await;

    proxy.cut_off();
    let cut = tokio::time::Instant::now();
    while !fleet.seen().contains_key("close 1012") {
        assert!(
            cut.elapsed() < FAULT_LEASE * 2 + Duration::from_secs(1),
            "its pages were not closed: {:?}",
            fleet.seen()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!("its pages were closed with 1012 after {:?}", cut.elapsed());
    let moved = fleet
        .converged(FAULT_LEASE * 2)
        .await
        .unwrap_or_else(|wrong| panic!("while cut off: {wrong}"));
    eprintln!("its pages moved and every list was right after {moved:?}");
    tokio::time::sleep_until(cut + FAULT_LEASE * 4).await;
    proxy.heal();
    tokio::time::sleep(FAULT_LEASE).await;

    fleet
        .converged(Duration::from_secs(20))
        .await
        .unwrap_or_else(|wrong| panic!("after healing: {wrong}"));
    assert!(fleet.terminal().is_empty(), "{:?}", fleet.terminal());
    for code in fleet.seen().keys() {
        assert!(FAULT_CODES.contains(&code.as_str()), "a page saw {code}");
    }
    let node_refs: Vec<_> = nodes.iter().collect();
    assert_eq!(fleet::sessions_live(&node_refs).await, fleet.live() as u64);
    fleet.check_with_probes(&accounts).await;
    fleet::kick_across(&urls[2], &urls[0], &accounts[3]).await;
}
