//! An account created through the server API logs in over /ws and gets `loginOk`
//! with a connection id and the connection's details.

use crate::cluster::Nodes;
use nim_server::Policy;

async fn login_with_correct_token_gets_login_ok(nodes: Nodes) {
    let alice = nodes.account("alice").await;

    let (_client, ok) = nodes.b().login(&alice, "t", "tab-1").await;

    assert_eq!(ok.id, 1);
    assert!(!ok.connection.connection_id.is_empty());
    assert_eq!(ok.connection.ip, "127.0.0.1");
    assert!(ok.connection.port.parse::<u16>().is_ok());
    assert_eq!(ok.connection.last_login_device_id, "");
    assert!(ok.ports.is_empty(), "no other device is online");
    assert_eq!(ok.idle_timeout, 65_000, "2 * 30 s heartbeat + 5 s");
}
on_both_backends!(login_with_correct_token_gets_login_ok, Policy::Multi(10));

async fn the_next_login_reports_the_previous_device(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (first, _) = nodes.a().login(&alice, "t", "tab-1").await;
    drop(first);

    let (_client, ok) = nodes.b().login(&alice, "t", "tab-2").await;

    assert_eq!(ok.connection.last_login_device_id, "tab-1");
}
on_both_backends!(
    the_next_login_reports_the_previous_device,
    Policy::Multi(10)
);

async fn connection_ids_differ_per_connection(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (_a, first) = nodes.a().login(&alice, "t", "tab-1").await;
    let (_b, second) = nodes.b().login(&alice, "t", "tab-2").await;

    assert_ne!(
        first.connection.connection_id,
        second.connection.connection_id
    );
}
on_both_backends!(connection_ids_differ_per_connection, Policy::Multi(10));
