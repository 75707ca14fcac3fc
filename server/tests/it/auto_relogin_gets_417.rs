//! An automatic re-login that would kick another device is refused with 417
//! instead, so two devices never kick each other in a loop.

use crate::cluster::Nodes;
use crate::common::login_request;
use nim_protocol::{CloseCode, LoginRequest, Reconnect};
use nim_server::Policy;

async fn auto_relogin_gets_417(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (mut holder, _) = nodes.a().login(&alice, "t", "tab-2").await;

    let (mut retry, failed) = nodes
        .b()
        .login_refused(LoginRequest {
            auto: true,
            ..login_request(&alice, "t", "tab-1")
        })
        .await;
    assert_eq!(failed.code, 417);
    let close = retry.expect_close().await.unwrap();
    assert_eq!(close, CloseCode::login_refused(417).0);
    assert_eq!(CloseCode(close).reconnect(), Reconnect::Never);
    holder
        .expect_silence(std::time::Duration::from_millis(200))
        .await;
}
on_both_backends!(auto_relogin_gets_417, Policy::Single);

async fn auto_relogin_into_a_free_slot_is_accepted(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    nodes
        .b()
        .login_as(LoginRequest {
            auto: true,
            ..login_request(&alice, "t", "tab-1")
        })
        .await;
}
on_both_backends!(auto_relogin_into_a_free_slot_is_accepted, Policy::Single);
