//! Redis killed (SIGKILL, no persistence) and started again empty while devices
//! are logged in on three nodes. No node crashes; logins during the outage are
//! refused with 500 (retried by pages), never a terminal code; when each node finds
//! its lease gone it closes its connections with 1012, and the pages log in again
//! once Redis answers. Afterwards every device's list equals the truth (also as a
//! probe login on every node sees it), `nim_sessions_live` adds up, `/healthz`
//! says ok, and kicks work across nodes again.

use std::time::{Duration, Instant};

use crate::cluster::fleet::{self, Fleet};
use crate::cluster::own::{self, OwnPostgres, OwnRedis};
use crate::cluster::{fault_nodes, unique, Backends, FAULT_CODES};
use nim_protocol::ServerMessage;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "starts its own Redis and PostgreSQL: scripts/test-cluster.sh runs it"]
async fn redis_restarted_empty_loses_no_device() {
    own::require();
    let mut redis = OwnRedis::start().await;
    let postgres = OwnPostgres::start().await;
    let backends = Backends {
        postgres: postgres.url(),
        redis: redis.url(),
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

    redis.kill();
    let answer = fleet::login_answer(&urls[1], &accounts[0], "during").await;
    match answer {
        ServerMessage::LoginFailed(failed) => assert_eq!(failed.code, 500),
        other => panic!("a login without Redis: {other:?}"),
    }
    let (status, body) = fleet::health(&nodes[2]).await;
    assert_eq!((status, body.as_str()), (503, "unavailable: redis\n"));
    tokio::time::sleep(Duration::from_secs(2)).await;
    redis.restart().await;
    let back = Instant::now();

    let took = fleet
        .converged(Duration::from_secs(30))
        .await
        .unwrap_or_else(|wrong| panic!("not converged: {wrong}; seen {:?}", fleet.seen()));
    eprintln!(
        "converged {took:?} after Redis came back; seen: {:?}",
        fleet.seen()
    );
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
    fleet::kick_across(&urls[0], &urls[2], &accounts[1]).await;
    eprintln!("whole recovery {:?}", back.elapsed());
}
