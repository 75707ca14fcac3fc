//! A connection that does not log in within the login timeout is closed with 4008.

use std::time::{Duration, Instant};

use crate::common::{config, TestServer};
use nim_protocol::CloseCode;
use nim_server::Policy;

#[tokio::test]
async fn silent_connection_is_closed_after_the_login_timeout() {
    let mut config = config(Policy::Multi(10));
    config.limits.login_timeout = Duration::from_millis(300);
    let server = TestServer::start_with(config).await;

    let started = Instant::now();
    let mut client = server.connect().await;
    assert_eq!(
        client.expect_close().await,
        Some(CloseCode::LOGIN_TIMEOUT.0)
    );
    assert!(started.elapsed() >= Duration::from_millis(250));
}

#[test]
fn the_default_login_timeout_is_five_seconds() {
    assert_eq!(
        nim_server::Limits::default().login_timeout,
        Duration::from_secs(5)
    );
}
