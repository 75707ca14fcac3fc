//! A client that stops reading is closed with 4009 once its queue is full, while
//! its account's other devices log in and out: the server's memory stays flat, the
//! other devices get every push on time, and the slow client, when it reads again,
//! finds the pushes it missed and then the close with 4009.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use nim_protocol::{ClientMessage, LoginRequest, LogoutRequest};
use tokio::net::TcpSocket;
use tokio_tungstenite::tungstenite::Message;

use crate::common::binary::{self, Running};
use crate::common::{dev_token_at, login_at, login_request, temp_data, Client};

/// The queue bound given to the server here; the default is larger.
const QUEUE: usize = 32;
/// How late a push to a reading device may be on this shared test machine.
const ON_TIME: Duration = Duration::from_secs(1);
/// Allowed growth of the server's resident set while the churn goes on.
const FLAT_BYTES: u64 = 1024 * 1024;

/// A login whose `loginPorts` entry is as large as the fields allow, so each push
/// fills the slow client's buffers quickly.
fn big_login(account: &str, token: &str, device_id: &str) -> LoginRequest {
    LoginRequest {
        os: "o".repeat(128),
        mac: "m".repeat(128),
        custom_tag: "t".repeat(32),
        ..login_request(account, token, device_id)
    }
}

/// Logs a device in over a socket with a small receive buffer, and returns the raw
/// WebSocket, which the test then stops reading.
async fn slow_client(
    addr: &str,
    request: LoginRequest,
) -> tokio_tungstenite::WebSocketStream<tokio::net::TcpStream> {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let tcp = socket
        .connect(addr.parse::<SocketAddr>().unwrap())
        .await
        .unwrap();
    let (mut ws, _) = tokio_tungstenite::client_async(format!("ws://{addr}/ws"), tcp)
        .await
        .unwrap();
    let login = serde_json::to_string(&ClientMessage::Login(request)).unwrap();
    ws.send(Message::text(login)).await.unwrap();
    match ws.next().await {
        Some(Ok(Message::Text(text))) => assert!(text.contains("loginOk"), "{text}"),
        other => panic!("expected loginOk, got {other:?}"),
    }
    ws
}

/// A device that reads every push, noting whether the slow one went offline.
struct Watcher {
    client: Client,
    slow_gone: bool,
}

impl Watcher {
    /// Waits for the push that shows `device` online or offline.
    async fn seen(&mut self, device: &str, online: bool) {
        let within = tokio::time::timeout(ON_TIME, async {
            loop {
                let ports = self.client.next_ports().await;
                self.slow_gone |= ports.iter().any(|p| p.device_id == "slow" && !p.online);
                if ports
                    .iter()
                    .any(|p| p.device_id == device && p.online == online)
                {
                    return;
                }
            }
        })
        .await;
        assert!(
            within.is_ok(),
            "{device} online={online} not pushed within {ON_TIME:?}"
        );
    }

    /// One more device logs in and out.
    async fn churn(&mut self, url: &str, request: LoginRequest) {
        let (mut churn, _) = login_at(url, request).await;
        self.seen("churn", true).await;
        churn
            .send(&ClientMessage::Logout(LogoutRequest { id: 2 }))
            .await;
        self.seen("churn", false).await;
    }
}

fn start_server() -> Running {
    let data = temp_data();
    let config = data.with_extension("toml");
    std::fs::write(
        &config,
        format!("[limits]\noutbox_capacity = {QUEUE}\nclose_grace_ms = 20000\n"),
    )
    .unwrap();
    let log = data.with_extension("log");
    let data = data.to_str().unwrap().to_owned();
    let config = config.to_str().unwrap().to_owned();
    binary::start(
        &[
            "--listen",
            "127.0.0.1:0",
            "--app",
            "k:s",
            "--dev",
            "--data",
            &data,
            "--config",
            &config,
        ],
        &[("RUST_LOG", "warn")],
        &log,
    )
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_client_that_stops_reading_is_closed_with_4009_and_costs_nothing_more() {
    let server = start_server();
    let (addr, url) = (server.addr.clone(), format!("ws://{}/ws", server.addr));
    let http = reqwest::Client::new();
    let reply = dev_token_at(&http, &addr, "k", "alice").await;
    let token = reply["info"]["token"].as_str().unwrap().to_owned();
    let login = |device: &str| LoginRequest {
        app_key: "k".into(),
        ..big_login("alice", &token, device)
    };
    let (client, _) = login_at(&url, login("watcher")).await;
    let mut watcher = Watcher {
        client,
        slow_gone: false,
    };
    let mut slow = slow_client(&addr, login("slow")).await;
    watcher.seen("slow", true).await;

    let mut baseline = None;
    let mut cycles = 0;
    while !watcher.slow_gone {
        watcher.churn(&url, login("churn")).await;
        cycles += 1;
        if cycles == 20 {
            baseline = Some(server.resident_bytes());
        }
        assert!(cycles < 20_000, "the slow client is still listed");
    }
    for _ in 0..1000 {
        watcher.churn(&url, login("churn")).await;
    }
    let baseline = baseline.expect("the queue held out for 20 cycles");
    let grown = server.resident_bytes().saturating_sub(baseline);
    assert!(
        grown < FLAT_BYTES,
        "the server grew by {grown} bytes after {cycles} cycles"
    );

    // Reading again, the slow client finds what was sent before the overflow, then
    // the close.
    let code = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(Ok(msg)) = slow.next().await {
            if let Message::Close(frame) = msg {
                return frame.map(|f| u16::from(f.code));
            }
        }
        None
    })
    .await
    .expect("the close frame arrives");
    assert_eq!(code, Some(4009));
}
