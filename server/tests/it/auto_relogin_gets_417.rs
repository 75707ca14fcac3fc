//! An automatic re-login that would kick another device is refused with 417
//! instead, so two devices never kick each other in a loop.

use crate::common::{config, login_request, TestServer};
use nim_protocol::{CloseCode, LoginRequest, Reconnect};
use nim_server::Policy;

#[tokio::test]
async fn auto_relogin_gets_417() {
    let server = TestServer::start_with(config(Policy::Single)).await;
    server.create_account("alice", "t").await;
    let (mut holder, _) = server.login("alice", "t", "tab-2").await;

    let (mut retry, failed) = server
        .login_refused(LoginRequest {
            auto: true,
            ..login_request("alice", "t", "tab-1")
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

#[tokio::test]
async fn auto_relogin_into_a_free_slot_is_accepted() {
    let server = TestServer::start_with(config(Policy::Single)).await;
    server.create_account("alice", "t").await;
    server
        .login_as(LoginRequest {
            auto: true,
            ..login_request("alice", "t", "tab-1")
        })
        .await;
}
