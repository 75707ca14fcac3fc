//! Login attempts per IP address are limited; the attempt beyond the limit gets
//! `loginFailed` 416, which the SDK retries later.

use std::time::Duration;

use crate::common::{config, login_request, TestServer};
use nim_protocol::{CloseCode, Reconnect};
use nim_server::Policy;

#[tokio::test]
async fn login_rate_limit_gets_416() {
    let mut config = config(Policy::Multi(10));
    config.limits.login_attempts_per_ip = 2;
    config.limits.login_attempt_window = Duration::from_secs(60);
    let server = TestServer::start_with(config).await;
    server.create_account("alice", "t").await;
    server.login("alice", "t", "tab-1").await;
    server.login("alice", "t", "tab-2").await;

    let (mut third, failed) = server
        .login_refused(login_request("alice", "t", "tab-3"))
        .await;
    assert_eq!(failed.code, 416);
    let close = third.expect_close().await.unwrap();
    assert_eq!(close, CloseCode::login_refused(416).0);
    assert_eq!(CloseCode(close).reconnect(), Reconnect::WithBackoff);
}
