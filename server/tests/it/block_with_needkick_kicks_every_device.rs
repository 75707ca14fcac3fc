//! `block.action` with `needkick=true` kicks every device of the account with
//! `serverKick`; later logins get 422. Without `needkick` the live devices stay,
//! and later logins get 422 all the same.

use crate::cluster::Nodes;
use crate::common::login_request;
use nim_protocol::{ClientMessage, CloseCode, KickReason, ServerMessage};
use nim_server::Policy;

async fn block_with_needkick_kicks_every_device(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (mut a, _) = nodes.a().login(&alice, "t", "tab-1").await;
    let (mut b, _) = nodes.b().login(&alice, "t", "tab-2").await;

    let reply = nodes
        .b()
        .api("block.action", &[("accid", &alice), ("needkick", "true")])
        .await;
    assert_eq!(reply["code"], 200, "{reply}");

    for device in [&mut a, &mut b] {
        let kicked = device.next_kicked().await;
        assert_eq!(kicked.reason, KickReason::ServerKick);
        assert_eq!((kicked.from, kicked.from_device_id), (None, None));
        assert_eq!(device.expect_close().await, Some(CloseCode::KICKED.0));
    }

    let (_again, failed) = nodes
        .a()
        .login_refused(login_request(&alice, "t", "tab-1"))
        .await;
    assert_eq!(failed.code, 422);
}
on_both_backends!(block_with_needkick_kicks_every_device, Policy::Multi(10));

async fn block_without_needkick_leaves_live_devices_online(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (mut a, _) = nodes.a().login(&alice, "t", "tab-1").await;

    let reply = nodes.b().api("block.action", &[("accid", &alice)]).await;
    assert_eq!(reply["code"], 200, "{reply}");

    a.send(&ClientMessage::Ping).await;
    assert_eq!(a.recv().await, ServerMessage::Pong);

    for (node, device) in [(nodes.a(), "tab-2"), (nodes.b(), "tab-1")] {
        let (_again, failed) = node.login_refused(login_request(&alice, "t", device)).await;
        assert_eq!(failed.code, 422, "a login of {device} after the block");
    }
    a.send(&ClientMessage::Ping).await;
    assert_eq!(a.recv().await, ServerMessage::Pong);
}
on_both_backends!(
    block_without_needkick_leaves_live_devices_online,
    Policy::Multi(10)
);
