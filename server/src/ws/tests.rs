//! The connection loop over an in-memory socket, on tokio's paused clock: the
//! production timeouts (5 s login, 65 s idle) run in microseconds.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::ws::Message;
use futures_util::{Sink, Stream};
use nim_protocol::{ClientMessage, CloseCode, DeviceType, LoginRequest, ServerMessage};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::config::{App, Config, Policy};
use crate::shared::Shared;

/// The server's end of an in-memory WebSocket.
struct FakeSocket {
    incoming: mpsc::UnboundedReceiver<Message>,
    outgoing: mpsc::UnboundedSender<Message>,
}

impl Stream for FakeSocket {
    type Item = Result<Message, axum::Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.incoming.poll_recv(cx).map(|msg| msg.map(Ok))
    }
}

impl Sink<Message> for FakeSocket {
    type Error = axum::Error;
    fn poll_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }
    fn start_send(self: Pin<&mut Self>, msg: Message) -> Result<(), Self::Error> {
        self.outgoing.send(msg).map_err(axum::Error::new)
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }
}

/// The client's end.
struct Peer {
    to_server: mpsc::UnboundedSender<Message>,
    from_server: mpsc::UnboundedReceiver<Message>,
}

impl Peer {
    fn send(&self, msg: &ClientMessage) {
        let text = serde_json::to_string(msg).unwrap();
        self.to_server.send(Message::Text(text.into())).unwrap();
    }

    async fn recv(&mut self) -> Message {
        self.from_server
            .recv()
            .await
            .expect("the server sent something")
    }

    async fn expect_message(&mut self) -> ServerMessage {
        match self.recv().await {
            Message::Text(text) => serde_json::from_str(text.as_str()).unwrap(),
            other => panic!("expected a message, got {other:?}"),
        }
    }

    async fn expect_close(&mut self) -> u16 {
        match self.recv().await {
            Message::Close(Some(frame)) => frame.code,
            other => panic!("expected a close, got {other:?}"),
        }
    }
}

struct Harness {
    shared: Arc<Shared>,
    data: std::path::PathBuf,
    _stop: watch::Sender<bool>,
    _alive: mpsc::Sender<()>,
}

async fn harness() -> Harness {
    let data = std::env::temp_dir().join(format!(
        "nim-ws-unit-{}.sqlite",
        crate::store::random_token()
    ));
    let app = App {
        key: "app".into(),
        secret: "secret".into(),
        policy: Policy::Multi(10),
    };
    let (stop, stopped) = watch::channel(false);
    let (alive, _) = mpsc::channel(1);
    let config = Config::new(vec![app], data.clone());
    let url = "ws://127.0.0.1:0/ws".to_owned();
    let shared = Shared::new(config, stopped, alive.downgrade(), url)
        .await
        .unwrap();
    shared.store.create("app", "alice", "", "t").await.unwrap();
    Harness {
        shared: Arc::new(shared),
        data,
        _stop: stop,
        _alive: alive,
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.data.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

fn connect(harness: &Harness) -> Peer {
    let (to_server, incoming) = mpsc::unbounded_channel();
    let (outgoing, from_server) = mpsc::unbounded_channel();
    let socket = FakeSocket { incoming, outgoing };
    let peer = "127.0.0.1:40000".parse().unwrap();
    tokio::spawn(super::serve(socket, Arc::clone(&harness.shared), peer));
    Peer {
        to_server,
        from_server,
    }
}

fn login(heartbeat_interval: u32) -> ClientMessage {
    login_as("tab", heartbeat_interval)
}

fn login_as(device_id: &str, heartbeat_interval: u32) -> ClientMessage {
    ClientMessage::Login(LoginRequest {
        id: 1,
        v: nim_protocol::PROTOCOL_VERSION,
        app_key: "app".into(),
        account: "alice".into(),
        token: "t".into(),
        auth_type: 0,
        device_id: device_id.into(),
        device_type: DeviceType::Web,
        os: String::new(),
        mac: String::new(),
        custom_tag: String::new(),
        custom_client_type: 0,
        login_ext: String::new(),
        auto: false,
        heartbeat_interval,
    })
}

#[tokio::test(start_paused = true)]
async fn no_login_within_five_seconds_closes_4008() {
    let harness = harness().await;
    let start = Instant::now();
    let mut peer = connect(&harness);

    assert_eq!(peer.expect_close().await, CloseCode::LOGIN_TIMEOUT.0);
    assert_eq!(start.elapsed().as_secs(), 5);
}

#[tokio::test(start_paused = true)]
async fn a_silent_device_is_closed_after_65_seconds_with_the_default_heartbeat() {
    let harness = harness().await;
    let mut peer = connect(&harness);
    peer.send(&login(30_000));
    let ServerMessage::LoginOk(ok) = peer.expect_message().await else {
        panic!("expected loginOk");
    };
    assert_eq!(ok.idle_timeout, 65_000);
    let logged_in = Instant::now();

    assert_eq!(peer.expect_close().await, CloseCode::IDLE_TIMEOUT.0);
    assert_eq!(logged_in.elapsed().as_secs(), 65);
}

#[tokio::test(start_paused = true)]
async fn pings_every_30_seconds_keep_a_device_online_for_hours() {
    let harness = harness().await;
    let mut peer = connect(&harness);
    peer.send(&login(30_000));
    assert!(matches!(
        peer.expect_message().await,
        ServerMessage::LoginOk(_)
    ));

    for _ in 0..240 {
        tokio::time::sleep(Duration::from_secs(30)).await;
        peer.send(&ClientMessage::Ping);
        assert_eq!(peer.expect_message().await, ServerMessage::Pong);
    }
}

#[tokio::test(start_paused = true)]
async fn a_device_whose_login_reply_cannot_be_sent_is_not_listed() {
    let harness = harness().await;
    // The first device's socket breaks before its `loginOk` goes out: the server
    // has placed the device by then, and must take it out again.
    let Peer {
        to_server: _keep_open,
        from_server,
    } = {
        let peer = connect(&harness);
        peer.send(&login_as("first", 30_000));
        peer
    };
    drop(from_server);
    // The device of a client gone without a logout stays listed for the grace.
    let grace = crate::config::Limits::default().reconnect_grace;
    tokio::time::sleep(grace + Duration::from_secs(1)).await;

    let mut second = connect(&harness);
    second.send(&login_as("second", 30_000));
    let ServerMessage::LoginOk(ok) = second.expect_message().await else {
        panic!("expected loginOk");
    };
    let listed: Vec<&str> = ok.ports.iter().map(|p| p.device_id.as_str()).collect();
    assert_eq!(
        listed,
        Vec::<&str>::new(),
        "the broken device is still listed"
    );
}

/// Logs `device_id` in and returns its peer once its `loginOk` arrived.
async fn logged_in(harness: &Harness, device_id: &str) -> Peer {
    let mut peer = connect(harness);
    peer.send(&login_as(device_id, 30_000));
    assert!(matches!(
        peer.expect_message().await,
        ServerMessage::LoginOk(_)
    ));
    peer
}

/// The next `loginPorts` push of `peer`: each entry's device id and `online`.
async fn next_push(peer: &mut Peer) -> Vec<(String, bool)> {
    loop {
        if let ServerMessage::LoginPorts(change) = peer.expect_message().await {
            return change
                .ports
                .into_iter()
                .map(|p| (p.device_id, p.online))
                .collect();
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_client_back_within_the_grace_is_one_push_and_one_that_stays_away_goes_offline_after_it()
{
    let harness = harness().await;
    let grace = crate::config::Limits::default().reconnect_grace;
    let mut watcher = logged_in(&harness, "watcher").await;
    // A page whose socket vanished (no logout), and that logs in again at once with
    // its device id, as after a reload or a shared worker's restart: one push that
    // replaces the old connection.
    let gone = logged_in(&harness, "tab").await;
    assert_eq!(next_push(&mut watcher).await, [("tab".to_owned(), true)]);
    drop(gone);
    tokio::time::sleep(grace / 3).await;
    let back = logged_in(&harness, "tab").await;
    assert_eq!(
        next_push(&mut watcher).await,
        [("tab".to_owned(), false), ("tab".to_owned(), true)],
        "one push: the old connection out, the new one in"
    );
    // A page that stays away is reported offline once the grace ran out, not before.
    drop(back);
    tokio::time::sleep(grace - Duration::from_millis(100)).await;
    assert!(
        watcher.from_server.try_recv().is_err(),
        "nothing within the grace"
    );
    assert_eq!(next_push(&mut watcher).await, [("tab".to_owned(), false)]);
}
