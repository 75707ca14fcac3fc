//! Refused tokens are counted per account: a guesser that spreads its attempts over
//! many addresses (so no per-IP limit fires) still gets only a few guesses at one
//! account per window, after which even the right token gets 416 until the window
//! ends. Other accounts are not affected.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::common::{config, login_request, TestServer};
use nim_protocol::{ClientMessage, ServerMessage};
use nim_server::Policy;
use tokio::net::TcpSocket;

/// Logs in from the loopback address `127.0.0.<host>` and returns the reply code
/// (200 for loginOk).
async fn attempt_from(server: &TestServer, host: u8, account: &str, token: &str) -> u16 {
    let socket = TcpSocket::new_v4().unwrap();
    socket
        .bind(SocketAddr::from(([127, 0, 0, host], 0)))
        .unwrap();
    let tcp = socket.connect(server.addr).await.unwrap();
    let (mut ws, _) = tokio_tungstenite::client_async(server.ws_url(), tcp)
        .await
        .unwrap();
    use futures_util::{SinkExt, StreamExt};
    let login = ClientMessage::Login(login_request(account, token, &format!("d{host}")));
    let text = serde_json::to_string(&login).unwrap();
    ws.send(text.into()).await.unwrap();
    let frame = tokio::time::timeout(crate::common::WAIT, ws.next())
        .await
        .unwrap();
    let text = frame.unwrap().unwrap().into_text().unwrap();
    match serde_json::from_str(text.as_str()).unwrap() {
        ServerMessage::LoginOk(_) => 200,
        ServerMessage::LoginFailed(f) => f.code,
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn guesses_from_many_addresses_exhaust_the_account_not_the_addresses() {
    let mut config = config(Policy::Multi(10));
    config.limits.login_attempts_per_ip = 2;
    config.limits.login_failures_per_account = 3;
    config.limits.login_attempt_window = Duration::from_secs(60);
    let server = TestServer::start_with(config).await;
    server.create_account("alice", "right").await;
    server.create_account("bob", "bobs").await;

    // Three guesses from three addresses: each refused as a bad token.
    for host in 2..5 {
        assert_eq!(attempt_from(&server, host, "alice", "guess").await, 302);
    }
    // The fourth guess, from a fresh address, is not even checked...
    assert_eq!(attempt_from(&server, 5, "alice", "guess").await, 416);
    // ...and neither is the right token, until the window ends.
    assert_eq!(attempt_from(&server, 6, "alice", "right").await, 416);
    // Another account is not affected.
    assert_eq!(attempt_from(&server, 7, "bob", "bobs").await, 200);
}

#[tokio::test]
async fn the_account_opens_again_when_the_window_ends() {
    const WINDOW: Duration = Duration::from_secs(2);
    let mut config = config(Policy::Multi(10));
    config.limits.login_failures_per_account = 2;
    config.limits.login_attempt_window = WINDOW;
    let server = TestServer::start_with(config).await;
    server.create_account("alice", "right").await;
    // The window starts with the first refused token, after this instant.
    let first_guess = Instant::now();
    assert_eq!(attempt_from(&server, 2, "alice", "x").await, 302);
    assert_eq!(attempt_from(&server, 3, "alice", "y").await, 302);
    assert_eq!(attempt_from(&server, 4, "alice", "right").await, 416);
    // The right token, again and again, until it is let in: not before the window
    // ends, and (generously, for a loaded machine) soon after.
    let opened = loop {
        match attempt_from(&server, 5, "alice", "right").await {
            200 => break first_guess.elapsed(),
            416 => {}
            other => panic!("unexpected {other}"),
        }
        let waited = first_guess.elapsed();
        assert!(waited < WINDOW * 5, "still 416 after {waited:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        opened >= WINDOW,
        "let in after {opened:?}, before the window of {WINDOW:?} ended"
    );
}

#[tokio::test]
async fn successful_logins_never_count() {
    let mut config = config(Policy::Multi(20));
    config.limits.login_failures_per_account = 2;
    let server = TestServer::start_with(config).await;
    server.create_account("alice", "right").await;
    for host in 2..12 {
        assert_eq!(attempt_from(&server, host, "alice", "right").await, 200);
    }
}
