//! Redis unreachable for 10 s behind a proxy that stalls every connection and cuts
//! them when it heals, longer than the nodes' lease. Logins meanwhile are refused
//! with 500, `/healthz` answers 503 naming Redis, the nodes close their pages with
//! 1012 once their lease has run out, and nothing waits in the nodes' memory:
//! pushes are decided in Redis or not at all. After it heals every device's list
//! equals the truth, on every node, and kicks work across nodes again.

use std::time::Duration;

use crate::cluster::fleet::{self, Fleet};
use crate::cluster::own::{self, OwnPostgres, OwnRedis};
use crate::cluster::{fault_nodes, unique, Backends, FAULT_CODES};
use crate::common::outage_proxy::OutageProxy;
use nim_protocol::ServerMessage;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_unreachable_for_ten_seconds_loses_no_device() {
    if !own::available() {
        return;
    }
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
