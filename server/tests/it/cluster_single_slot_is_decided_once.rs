//! Many automatic logins race for one empty single-device slot through two nodes
//! at once: exactly one is admitted, every other gets 417. No two nodes admit two
//! devices into one slot.

use crate::cluster::{backends, two_nodes, unique};
use crate::common::login_request;
use nim_protocol::{ClientMessage, LoginRequest, ServerMessage};
use nim_server::Policy;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL and Redis: scripts/test-cluster.sh runs it"]
async fn racing_logins_on_two_nodes_fill_a_single_slot_once() {
    let backends = backends();
    let (node_a, node_b) = two_nodes(&backends, Policy::Single).await;
    let alice = unique("alice");
    node_a.create_account(&alice, "t").await;

    let mut clients = Vec::new();
    for i in 0..12 {
        let node = if i % 2 == 0 { &node_a } else { &node_b };
        clients.push(node.connect().await);
    }
    let logins = clients.iter_mut().enumerate().map(|(i, client)| {
        let request = LoginRequest {
            auto: true,
            ..login_request(&alice, "t", &format!("tab-{i}"))
        };
        async move {
            client.send(&ClientMessage::Login(request)).await;
            client.recv().await
        }
    });
    let answers = futures_util::future::join_all(logins).await;

    let admitted = answers
        .iter()
        .filter(|m| matches!(m, ServerMessage::LoginOk(_)))
        .count();
    let refused = answers
        .iter()
        .filter(|m| matches!(m, ServerMessage::LoginFailed(f) if f.code == 417))
        .count();
    assert_eq!((admitted, refused), (1, 11), "{answers:?}");
}
