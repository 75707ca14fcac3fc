//! Two nodes sharing PostgreSQL and Redis: an account created through the server
//! API of one node logs in on the other, and its devices on the two nodes see each
//! other come and go with the same payloads as on one node.

use crate::cluster::{backends, two_nodes, unique};
use crate::common::login_request;
use nim_protocol::{ClientMessage, LogoutRequest, ServerMessage};
use nim_server::Policy;

#[tokio::test]
#[ignore = "needs PostgreSQL and Redis: scripts/test-cluster.sh runs it"]
async fn devices_on_two_nodes_see_each_other_log_in_and_out() {
    let backends = backends();
    let (node_a, node_b) = two_nodes(&backends, Policy::Multi(10)).await;
    let alice = unique("alice");
    node_a.create_account(&alice, "t").await;

    let (mut on_a, ok_a) = node_a.login(&alice, "t", "tab-a").await;
    assert!(ok_a.ports.is_empty());
    let (mut on_b, ok_b) = node_b.login(&alice, "t", "tab-b").await;

    assert_eq!(ok_b.ports.len(), 1, "node B lists the device on node A");
    assert_eq!(ok_b.ports[0].device_id, "tab-a");
    assert_eq!(ok_b.ports[0].connection_id, ok_a.connection.connection_id);
    let pushed = on_a.next_ports().await;
    assert_eq!(pushed.len(), 1);
    assert_eq!(pushed[0].device_id, "tab-b");
    assert_eq!(pushed[0].connection_id, ok_b.connection.connection_id);
    assert!(pushed[0].online);

    on_b.send(&ClientMessage::Logout(LogoutRequest { id: 9 }))
        .await;
    let gone = on_a.next_ports().await;
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0].device_id, "tab-b");
    assert!(!gone[0].online);
    assert_eq!(
        ServerMessage::LoginPorts(nim_protocol::LoginPortsChange {
            ports: vec![gone[0].clone()]
        }),
        ServerMessage::LoginPorts(nim_protocol::LoginPortsChange {
            ports: vec![nim_protocol::LoginPort {
                online: false,
                ..pushed[0].clone()
            }]
        }),
        "the offline entry is the online one with online: false"
    );
}

#[tokio::test]
#[ignore = "needs PostgreSQL and Redis: scripts/test-cluster.sh runs it"]
async fn last_login_device_and_tokens_are_shared() {
    let backends = backends();
    let (node_a, node_b) = two_nodes(&backends, Policy::Multi(10)).await;
    let bob = unique("bob");
    node_b.create_account(&bob, "t1").await;

    drop(node_a.login(&bob, "t1", "phone").await);
    let reply = node_a
        .api("update.action", &[("accid", &bob), ("token", "t2")])
        .await;
    assert_eq!(reply["code"], 200, "{reply}");

    let (_old, failed) = node_b.login_refused(login_request(&bob, "t1", "tab")).await;
    assert_eq!(failed.code, 302);
    let (_tab, ok) = node_b.login(&bob, "t2", "tab").await;
    assert_eq!(ok.connection.last_login_device_id, "phone");
}
