//! A server API call whose `Nonce` was already used is rejected (431), and so is one
//! whose `CurTime` is more than 5 minutes away from the server's clock (403).

use crate::common::{now_secs, TestServer, SECRET};

#[tokio::test]
async fn replayed_nonce_is_rejected() {
    let server = TestServer::start().await;
    let time = now_secs();
    let first = server
        .api_signed("create.action", &[("accid", "a1")], "n-42", time, SECRET)
        .await;
    assert_eq!(first["code"], 200, "{first}");

    let replay = server
        .api_signed("create.action", &[("accid", "a2")], "n-42", time, SECRET)
        .await;
    assert_eq!(replay["code"], 431, "{replay}");

    let fresh = server
        .api_signed("create.action", &[("accid", "a2")], "n-43", time, SECRET)
        .await;
    assert_eq!(fresh["code"], 200, "{fresh}");
}

#[tokio::test]
async fn replayed_nonce_is_rejected_after_a_restart() {
    let mut server = TestServer::start().await;
    let time = now_secs();
    let first = server
        .api_signed("create.action", &[("accid", "a1")], "n-1", time, SECRET)
        .await;
    assert_eq!(first["code"], 200, "{first}");
    server.stop().await;

    let mut config = crate::common::config(nim_server::Policy::Multi(10));
    config.data = server.data.clone();
    let again = TestServer::start_with(config).await;
    let replay = again
        .api_signed("create.action", &[("accid", "a2")], "n-1", time, SECRET)
        .await;
    assert_eq!(replay["code"], 431, "{replay}");
}

#[tokio::test]
async fn curtime_older_than_five_minutes_is_rejected() {
    let server = TestServer::start().await;
    let stale = server
        .api_signed(
            "create.action",
            &[("accid", "a1")],
            "n-1",
            now_secs() - 301,
            SECRET,
        )
        .await;
    assert_eq!(stale["code"], 403, "{stale}");
}

#[tokio::test]
async fn curtime_in_the_future_is_rejected() {
    let server = TestServer::start().await;
    let early = server
        .api_signed(
            "create.action",
            &[("accid", "a1")],
            "n-1",
            // 30 s past the 5-minute window: a loaded machine may take a second or more
            // between reading the clock here and the server reading its own.
            now_secs() + 330,
            SECRET,
        )
        .await;
    assert_eq!(early["code"], 403, "{early}");
}

#[tokio::test]
async fn curtime_within_the_window_is_accepted() {
    let server = TestServer::start().await;
    let reply = server
        .api_signed(
            "create.action",
            &[("accid", "a1")],
            "n-1",
            now_secs() - 240,
            SECRET,
        )
        .await;
    assert_eq!(reply["code"], 200, "{reply}");
}
