//! The login response lists the account's other live devices, and every other
//! device is told at once when a device comes online or goes offline.

use crate::cluster::Nodes;
use nim_protocol::{ClientMessage, CloseCode, LogoutRequest, ServerMessage};
use nim_server::Policy;

async fn second_device_sees_the_first_and_the_first_is_told(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (mut first, first_ok) = nodes.a().login(&alice, "t", "tab-1").await;

    let (_second, second_ok) = nodes.b().login(&alice, "t", "tab-2").await;

    assert_eq!(second_ok.ports.len(), 1);
    let seen = &second_ok.ports[0];
    assert_eq!(seen.device_id, "tab-1");
    assert_eq!(seen.account, alice);
    assert_eq!(seen.connection_id, first_ok.connection.connection_id);
    assert!(seen.online);
    assert!(seen.time > 0);

    let pushed = first.next_ports().await;
    assert_eq!(pushed.len(), 1);
    assert_eq!(pushed[0].device_id, "tab-2");
    assert_eq!(pushed[0].connection_id, second_ok.connection.connection_id);
    assert!(pushed[0].online);
}
on_both_backends!(
    second_device_sees_the_first_and_the_first_is_told,
    Policy::Multi(10)
);

async fn logout_answers_closes_1000_and_tells_the_others(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (mut first, _) = nodes.a().login(&alice, "t", "tab-1").await;
    let (mut second, _) = nodes.b().login(&alice, "t", "tab-2").await;
    first.next_ports().await;

    second
        .send(&ClientMessage::Logout(LogoutRequest { id: 7 }))
        .await;
    match second.recv().await {
        ServerMessage::LogoutOk(ok) => assert_eq!(ok.id, 7),
        other => panic!("expected logoutOk, got {other:?}"),
    }
    assert_eq!(second.expect_close().await, Some(CloseCode::NORMAL.0));

    let gone = first.next_ports().await;
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0].device_id, "tab-2");
    assert!(!gone[0].online);
}
on_both_backends!(
    logout_answers_closes_1000_and_tells_the_others,
    Policy::Multi(10)
);

async fn a_closed_socket_goes_offline_for_the_others(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (mut first, _) = nodes.a().login(&alice, "t", "tab-1").await;
    let (second, _) = nodes.b().login(&alice, "t", "tab-2").await;
    first.next_ports().await;

    drop(second);

    let gone = first.next_ports().await;
    assert_eq!(
        (gone[0].device_id.as_str(), gone[0].online),
        ("tab-2", false)
    );
}
on_both_backends!(
    a_closed_socket_goes_offline_for_the_others,
    Policy::Multi(10)
);

async fn other_accounts_are_not_told(nodes: Nodes) {
    let (alice_account, bob_account) = (nodes.account("alice").await, nodes.account("bob").await);
    let (mut alice, _) = nodes.a().login(&alice_account, "t", "tab-1").await;

    let (_bob, bob_ok) = nodes.b().login(&bob_account, "t", "tab-2").await;

    assert!(bob_ok.ports.is_empty());
    alice
        .expect_silence(std::time::Duration::from_millis(200))
        .await;
}
on_both_backends!(other_accounts_are_not_told, Policy::Multi(10));
