//! `ping` gets `pong`; a device that sends nothing for the idle timeout is closed
//! with 4003 and the account's other devices see it go offline.

use std::time::Duration;

use crate::cluster::Nodes;
use crate::common::TestServer;
use nim_protocol::{ClientMessage, CloseCode, ServerMessage};
use nim_server::{Config, Policy};

fn idle_after_400_ms(config: &mut Config) {
    config.limits.idle_timeout_min = Duration::from_millis(400);
    config.limits.idle_timeout_max = Duration::from_millis(400);
}

async fn heartbeat_expiry_removes_device(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (mut alive, ok) = nodes.a().login(&alice, "t", "tab-1").await;
    assert_eq!(ok.idle_timeout, 400);
    let (mut silent, _) = nodes.b().login(&alice, "t", "tab-2").await;

    // The live device pings well within its idle timeout while the other is silent.
    let watch = async {
        loop {
            alive.send(&ClientMessage::Ping).await;
            let deadline = tokio::time::Instant::now() + Duration::from_millis(150);
            while let Some(crate::common::Event::Message(msg)) = alive
                .next_event_within(deadline - tokio::time::Instant::now())
                .await
            {
                if let ServerMessage::LoginPorts(change) = msg {
                    if change
                        .ports
                        .iter()
                        .any(|p| p.device_id == "tab-2" && !p.online)
                    {
                        return;
                    }
                }
            }
        }
    };
    let closed = async { silent.closed().await };
    let (_, code) = tokio::time::timeout(Duration::from_secs(5), async {
        tokio::join!(watch, closed)
    })
    .await
    .expect("the silent device expires in time");
    assert_eq!(code, Some(CloseCode::IDLE_TIMEOUT.0));
}
on_both_backends!(
    heartbeat_expiry_removes_device,
    Policy::Multi(10),
    idle_after_400_ms
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
