//! PostgreSQL down for 10 s, then back on the same port. Meanwhile logins get 500
//! and server API calls answer code 500, never 302 (a database failure is not a bad
//! token); `/healthz` answers 503 naming PostgreSQL; the live sessions see nothing
//! (no close, no refusal) and kicks across nodes work. Once it is back, logins and
//! the server API work with no restart, and every account whose creation or token
//! change was acknowledged before logs in with its token.

use std::time::Duration;

use crate::cluster::fleet::{self, Fleet, KickPair};
use crate::cluster::own::{self, OwnPostgres, OwnRedis};
use crate::cluster::{fault_nodes, unique, Backends};
use crate::common::login_request;
use nim_protocol::ServerMessage;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "starts its own Redis and PostgreSQL: scripts/test-cluster.sh runs it"]
async fn postgres_down_for_ten_seconds_loses_nothing_acknowledged() {
    own::require();
    let redis = OwnRedis::start().await;
    let postgres = OwnPostgres::start().await;
    let backends = Backends {
        postgres: postgres.url(),
        redis: redis.url(),
        prefix: unique("fault-"),
    };
    let nodes = fault_nodes(&backends, &[None, None]).await;
    let urls: Vec<String> = nodes.iter().map(|n| n.ws_url()).collect();
    let mut accounts = Vec::new();
    for _ in 0..3 {
        let account = unique("acct");
        nodes[0].create_account(&account, "t").await;
        accounts.push(account);
    }
    let mut acknowledged = Vec::new();
    for i in 0..20 {
        let account = unique("ack");
        let token = format!("tok{i}");
        let reply = nodes[i % 2]
            .api("create.action", &[("accid", &account), ("token", &token)])
            .await;
        assert_eq!(reply["code"], 200, "{reply}");
        acknowledged.push((account, token));
    }
    let fleet = Fleet::start(urls.clone(), &accounts, 3).await;
    let kicking = unique("kicking");
    nodes[0].create_account(&kicking, "t").await;
    let pair = KickPair::login(&urls[0], &urls[1], &kicking).await;

    postgres.stop().await;
    let outage = tokio::time::Instant::now();
    match fleet::login_answer(&urls[1], &accounts[0], "during").await {
        ServerMessage::LoginFailed(failed) => assert_eq!(failed.code, 500),
        other => panic!("a login without PostgreSQL: {other:?}"),
    }
    let reply = nodes[0]
        .api("refreshToken.action", &[("accid", &accounts[0])])
        .await;
    assert_eq!(reply["code"], 500, "{reply}");
    let (status, body) = fleet::health(&nodes[1]).await;
    assert_eq!((status, body.as_str()), (503, "unavailable: postgres\n"));
    pair.kick().await;
    tokio::time::sleep_until(outage + Duration::from_secs(10)).await;
    postgres.resume().await;

    assert!(
        fleet.seen().is_empty(),
        "live sessions saw {:?}",
        fleet.seen()
    );
    fleet
        .converged(Duration::from_secs(5))
        .await
        .expect("lists stay right");
    let mut answer = fleet::login_answer(&urls[0], &accounts[0], "after").await;
    for _ in 0..20 {
        if matches!(answer, ServerMessage::LoginOk(_)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        answer = fleet::login_answer(&urls[0], &accounts[0], "after").await;
    }
    assert!(matches!(answer, ServerMessage::LoginOk(_)), "{answer:?}");
    for (i, (account, token)) in acknowledged.iter().enumerate() {
        let (_client, ok) = nodes[i % 2]
            .login_as(login_request(account, token, "check"))
            .await;
        assert!(ok.ports.is_empty());
    }
    let reply = nodes[1]
        .api("create.action", &[("accid", &unique("new"))])
        .await;
    assert_eq!(reply["code"], 200, "{reply}");
    for node in &nodes {
        assert_eq!(fleet::health(node).await.0, 200);
    }
}
