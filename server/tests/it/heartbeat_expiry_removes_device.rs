//! `ping` gets `pong`; a device that sends nothing for the idle timeout is closed
//! with 4003, not before, and the account's other devices see it go offline; a
//! device that keeps pinging stays, listed online, long after that.

use std::time::{Duration, Instant};

use crate::cluster::Nodes;
use crate::common::{login_request, Client, Event, TestServer};
use nim_protocol::{ClientMessage, CloseCode, ServerMessage};
use nim_server::{Config, Policy};

/// The idle timeout in this story; the live device pings at a fifth of it, so a
/// loaded machine delaying one ping does not expire it.
const IDLE: Duration = Duration::from_millis(1000);
const PING_EVERY: Duration = Duration::from_millis(200);
/// Generous: the expiry may come late on a loaded machine, never early.
const LATE: Duration = Duration::from_secs(5);

fn idle_after_one_second(config: &mut Config) {
    config.limits.idle_timeout_min = IDLE;
    config.limits.idle_timeout_max = IDLE;
}

/// Pings `alive` every [`PING_EVERY`] for `how_long`, or until `stop` accepts a
/// message; each ping must be answered, and the connection never closed.
async fn keep_pinging(
    alive: &mut Client,
    how_long: Duration,
    mut stop: impl FnMut(&ServerMessage) -> bool,
) -> bool {
    let until = tokio::time::Instant::now() + how_long;
    while tokio::time::Instant::now() < until {
        alive.send(&ClientMessage::Ping).await;
        let mut pong = false;
        let next = tokio::time::Instant::now() + PING_EVERY;
        loop {
            let left = next.saturating_duration_since(tokio::time::Instant::now());
            match alive.next_event_within(left).await {
                None => break,
                Some(Event::Closed(code)) => panic!("the pinging device was closed: {code:?}"),
                Some(Event::Message(ServerMessage::Pong)) => pong = true,
                Some(Event::Message(msg)) if stop(&msg) => return true,
                Some(Event::Message(_)) => {}
            }
        }
        assert!(pong, "a ping was not answered within {PING_EVERY:?}");
    }
    false
}

async fn heartbeat_expiry_removes_device(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (mut alive, ok) = nodes.a().login(&alice, "t", "tab-1").await;
    assert_eq!(ok.idle_timeout, IDLE.as_millis() as u32);
    // The server's idle clock for tab-2 starts after this instant.
    let silent_since = Instant::now();
    let (mut silent, _) = nodes.b().login(&alice, "t", "tab-2").await;

    let offline = |msg: &ServerMessage| {
        matches!(msg, ServerMessage::LoginPorts(change)
            if change.ports.iter().any(|p| p.device_id == "tab-2" && !p.online))
    };
    let closed = async {
        let code = silent.closed().await;
        (code, silent_since.elapsed())
    };
    let (told, (code, expired_after)) =
        tokio::join!(keep_pinging(&mut alive, IDLE + LATE, offline), closed);
    assert!(told, "tab-1 was not told that tab-2 went offline");
    assert_eq!(code, Some(CloseCode::IDLE_TIMEOUT.0));
    assert!(
        expired_after >= IDLE,
        "closed after {expired_after:?}, before the idle timeout {IDLE:?}"
    );
    assert!(
        expired_after < IDLE + LATE,
        "closed after {expired_after:?}"
    );

    // The pinging device stays for three more idle timeouts, and is listed.
    keep_pinging(&mut alive, IDLE * 3, |_| false).await;
    let (_probe, ok) = nodes
        .b()
        .login_as(login_request(&alice, "t", "probe"))
        .await;
    let listed: Vec<(&str, bool)> = ok
        .ports
        .iter()
        .map(|p| (p.device_id.as_str(), p.online))
        .collect();
    assert_eq!(listed, [("tab-1", true)]);
}
on_both_backends!(
    heartbeat_expiry_removes_device,
    Policy::Multi(10),
    idle_after_one_second
);

#[tokio::test]
async fn ping_gets_pong() {
    let server = TestServer::start().await;
    server.create_account("alice", "t").await;
    let (mut client, _) = server.login("alice", "t", "tab-1").await;
    client.send(&ClientMessage::Ping).await;
    assert_eq!(client.recv().await, ServerMessage::Pong);
}

#[test]
fn idle_timeout_is_documented_from_the_heartbeat() {
    let limits = nim_server::Limits::default();
    assert_eq!(limits.idle_timeout(30_000), Duration::from_secs(65));
    assert_eq!(limits.idle_timeout(1_000), Duration::from_secs(15));
    assert_eq!(limits.idle_timeout(600_000), Duration::from_secs(130));
}
