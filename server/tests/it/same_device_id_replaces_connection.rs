//! A login with a deviceId that is already online replaces that connection: the old
//! one is closed with 4002 (even for an automatic re-login), and the others see the
//! device's new connection.

use crate::cluster::Nodes;
use crate::common::login_request;
use nim_protocol::{CloseCode, LoginRequest, Reconnect, ServerMessage};
use nim_server::Policy;

async fn same_device_id_replaces_connection(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (mut watcher, _) = nodes.a().login(&alice, "t", "phone").await;
    let (mut stale, stale_ok) = nodes.a().login(&alice, "t", "tab-1").await;
    watcher
        .wait_for(|m| matches!(m, ServerMessage::LoginPorts(_)).then_some(()))
        .await;

    let (_fresh, ok) = nodes.b().login(&alice, "t", "tab-1").await;

    let others: Vec<&str> = ok.ports.iter().map(|p| p.device_id.as_str()).collect();
    assert_eq!(others, vec!["phone"]);
    let close = stale.closed().await.unwrap();
    assert_eq!(close, CloseCode::REPLACED.0);
    assert_eq!(CloseCode(close).reconnect(), Reconnect::Never);

    let change = watcher.next_ports().await;
    let states: Vec<(&str, bool, &str)> = change
        .iter()
        .map(|p| (p.device_id.as_str(), p.online, p.connection_id.as_str()))
        .collect();
    // The old connection, by the id its own login was given, goes offline; the
    // new one comes online.
    assert_eq!(
        states,
        vec![
            ("tab-1", false, stale_ok.connection.connection_id.as_str()),
            ("tab-1", true, ok.connection.connection_id.as_str())
        ]
    );
    assert_ne!(
        stale_ok.connection.connection_id,
        ok.connection.connection_id
    );
}
on_both_backends!(same_device_id_replaces_connection, Policy::Multi(10));

async fn an_automatic_relogin_of_the_same_device_replaces_it_under_single(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (mut stale, _) = nodes.a().login(&alice, "t", "tab-1").await;

    nodes
        .b()
        .login_as(LoginRequest {
            auto: true,
            ..login_request(&alice, "t", "tab-1")
        })
        .await;

    assert_eq!(stale.closed().await, Some(CloseCode::REPLACED.0));
}
on_both_backends!(
    an_automatic_relogin_of_the_same_device_replaces_it_under_single,
    Policy::Single
);
