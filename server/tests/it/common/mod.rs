//! Helpers shared by the integration tests: a real server in-process on a free
//! loopback port with its own SQLite file, a WebSocket client speaking the
//! `nim-protocol` types, and a signed server API client.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use nim_protocol::{
    ClientMessage, DeviceType, Kicked, LoginFailed, LoginOk, LoginPort, LoginRequest,
    ServerMessage, PROTOCOL_VERSION,
};
use nim_server::{App, Config, Policy};
use rand::Rng;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub mod binary;
pub mod fault_proxy;
pub mod outage_proxy;

/// The app key every test server knows.
pub const APP: &str = "test-app";
/// Its secret.
pub const SECRET: &str = "test-secret";

/// How long a test waits for something the server should do at once.
pub const WAIT: Duration = Duration::from_secs(5);

/// A fresh database path in the temp dir.
pub fn temp_data() -> PathBuf {
    let n: u64 = rand::thread_rng().gen();
    std::env::temp_dir().join(format!("nim-server-test-{n:016x}.sqlite"))
}

/// A config with the test app under `policy` and a fresh database.
pub fn config(policy: Policy) -> Config {
    let app = App {
        key: APP.into(),
        secret: SECRET.into(),
        policy,
    };
    Config::new(vec![app], temp_data())
}

/// A server running in this process.
pub struct TestServer {
    pub addr: SocketAddr,
    pub data: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), nim_server::Error>>>,
    http: reqwest::Client,
}

impl TestServer {
    /// A server with the test app under the `multi` policy.
    pub async fn start() -> TestServer {
        TestServer::start_with(config(Policy::Multi(10))).await
    }

    /// A server with this configuration.
    pub async fn start_with(config: Config) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let data = config.data.clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(nim_server::run(listener, config, async move {
            let _ = stopped.await;
        }));
        TestServer {
            addr,
            data,
            stop: Some(stop),
            task: Some(task),
            http: reqwest::Client::new(),
        }
    }

    /// Shuts the server down as SIGTERM would and waits until `run` returns.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(10), task)
                .await
                .expect("server stops in time")
                .expect("server task")
                .expect("server ran without error");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// A signed server API call with a fresh nonce and the current time.
    pub async fn api(&self, action: &str, form: &[(&str, &str)]) -> Value {
        let nonce = format!("{:032x}", rand::thread_rng().gen::<u128>());
        self.api_signed(action, form, &nonce, now_secs(), SECRET)
            .await
    }

    /// A server API call with the given nonce, `CurTime` and signing secret.
    pub async fn api_signed(
        &self,
        action: &str,
        form: &[(&str, &str)],
        nonce: &str,
        cur_time: i64,
        secret: &str,
    ) -> Value {
        let cur_time = cur_time.to_string();
        let sum = nim_server::api::checksum(secret, nonce, &cur_time);
        json_reply(
            self.http
                .post(self.url(&format!("/nimserver/user/{action}")))
                .header("AppKey", APP)
                .header("Nonce", nonce)
                .header("CurTime", &cur_time)
                .header("CheckSum", sum)
                .form(form),
        )
        .await
    }

    /// `GET path` and its JSON reply.
    pub async fn get_json(&self, path: &str) -> Value {
        json_reply(self.http.get(self.url(path))).await
    }

    /// `POST path` with this form and its JSON reply.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Value {
        json_reply(self.http.post(self.url(path)).form(form)).await
    }

    /// `GET /lbs` for the test app: the WebSocket addresses of the live nodes.
    pub async fn lbs(&self) -> Value {
        self.get_json(&format!("/lbs?k={APP}")).await
    }

    /// Creates an account with this token through the server API.
    pub async fn create_account(&self, accid: &str, token: &str) {
        let reply = self
            .api("create.action", &[("accid", accid), ("token", token)])
            .await;
        assert_eq!(reply["code"], 200, "create {accid}: {reply}");
    }

    /// Connects a WebSocket client.
    pub async fn connect(&self) -> Client {
        connect_to(&self.ws_url()).await
    }

    /// Connects and logs in as a Web device; panics unless the login succeeds.
    pub async fn login(&self, account: &str, token: &str, device_id: &str) -> (Client, LoginOk) {
        self.login_as(login_request(account, token, device_id))
            .await
    }

    /// Connects and sends this login; panics unless it succeeds.
    pub async fn login_as(&self, request: LoginRequest) -> (Client, LoginOk) {
        login_at(&self.ws_url(), request).await
    }

    /// Connects and sends this login; panics unless it is refused.
    pub async fn login_refused(&self, request: LoginRequest) -> (Client, LoginFailed) {
        match login_reply_at(&self.ws_url(), request).await {
            (client, ServerMessage::LoginFailed(failed)) => (client, failed),
            (_, other) => panic!("expected loginFailed, got {other:?}"),
        }
    }
}

/// Sends a request and decodes its JSON reply.
pub async fn json_reply(request: reqwest::RequestBuilder) -> Value {
    request
        .send()
        .await
        .expect("HTTP request")
        .json()
        .await
        .expect("the reply is JSON")
}

/// `POST /dev/token` on the server at `addr` (`HOST:PORT`, a server in another
/// process, say) for `accid` of `app_key`, and its JSON reply.
pub async fn dev_token_at(http: &reqwest::Client, addr: &str, app_key: &str, accid: &str) -> Value {
    json_reply(
        http.post(format!("http://{addr}/dev/token"))
            .form(&[("appKey", app_key), ("accid", accid)]),
    )
    .await
}

/// Connects a WebSocket client to `url` (a server in another process, say).
pub async fn connect_to(url: &str) -> Client {
    let (ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("WebSocket connect");
    Client { ws }
}

/// Connects to `url` and sends this login; panics unless it succeeds.
pub async fn login_at(url: &str, request: LoginRequest) -> (Client, LoginOk) {
    match login_reply_at(url, request).await {
        (client, ServerMessage::LoginOk(ok)) => (client, ok),
        (_, other) => panic!("expected loginOk, got {other:?}"),
    }
}

/// Connects to `url`, sends this login and returns the reply, whatever it is.
pub async fn login_reply_at(url: &str, request: LoginRequest) -> (Client, ServerMessage) {
    let mut client = connect_to(url).await;
    client.send(&ClientMessage::Login(request)).await;
    let reply = client.recv().await;
    (client, reply)
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = std::fs::remove_file(&self.data);
        let _ = std::fs::remove_file(self.data.with_extension("sqlite-wal"));
        let _ = std::fs::remove_file(self.data.with_extension("sqlite-shm"));
    }
}

pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64
}

/// A manual Web login with a 30 s heartbeat.
pub fn login_request(account: &str, token: &str, device_id: &str) -> LoginRequest {
    LoginRequest {
        id: 1,
        v: PROTOCOL_VERSION,
        app_key: APP.into(),
        account: account.into(),
        token: token.into(),
        auth_type: 0,
        device_id: device_id.into(),
        device_type: DeviceType::Web,
        os: "test".into(),
        mac: String::new(),
        custom_tag: String::new(),
        custom_client_type: 0,
        login_ext: String::new(),
        auto: false,
        heartbeat_interval: 30_000,
    }
}

/// What a client saw next.
#[derive(Debug)]
pub enum Event {
    Message(ServerMessage),
    /// The server closed, with this close code (None: no close frame).
    Closed(Option<u16>),
}

/// A test's WebSocket client.
pub struct Client {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Client {
    pub async fn send(&mut self, msg: &ClientMessage) {
        let text = serde_json::to_string(msg).expect("encode");
        self.send_text(&text).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.ws
            .send(Message::text(text))
            .await
            .expect("send text frame");
    }

    pub async fn send_raw(&mut self, msg: Message) {
        self.ws.send(msg).await.expect("send frame");
    }

    /// The next message or close, within [`WAIT`].
    pub async fn next_event(&mut self) -> Event {
        self.next_event_within(WAIT)
            .await
            .expect("the server answered in time")
    }

    /// The next message or close within `limit`, or `None` when nothing came.
    pub async fn next_event_within(&mut self, limit: Duration) -> Option<Event> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .ok()?;
            return Some(match frame {
                None | Some(Err(_)) => Event::Closed(None),
                Some(Ok(Message::Text(text))) => Event::Message(
                    serde_json::from_str(text.as_str())
                        .unwrap_or_else(|e| panic!("bad server frame {text}: {e}")),
                ),
                Some(Ok(Message::Close(frame))) => {
                    // Send the close reply now, as a browser would, so the server
                    // need not wait out its grace time.
                    let _ = self.ws.flush().await;
                    Event::Closed(frame.map(|f| u16::from(f.code)))
                }
                Some(Ok(_)) => continue,
            });
        }
    }

    /// The next message; panics on close.
    pub async fn recv(&mut self) -> ServerMessage {
        match self.next_event().await {
            Event::Message(msg) => msg,
            Event::Closed(code) => panic!("expected a message, the server closed with {code:?}"),
        }
    }

    /// The first message that `pick` accepts, skipping others.
    pub async fn wait_for<T>(&mut self, mut pick: impl FnMut(&ServerMessage) -> Option<T>) -> T {
        loop {
            let msg = self.recv().await;
            if let Some(found) = pick(&msg) {
                return found;
            }
        }
    }

    /// The devices in the next `loginPorts` push, skipping other messages.
    pub async fn next_ports(&mut self) -> Vec<LoginPort> {
        self.wait_for(|m| match m {
            ServerMessage::LoginPorts(change) => Some(change.ports.clone()),
            _ => None,
        })
        .await
    }

    /// The next `kicked` notice, skipping other messages.
    pub async fn next_kicked(&mut self) -> Kicked {
        self.wait_for(|m| match m {
            ServerMessage::Kicked(kicked) => Some(kicked.clone()),
            _ => None,
        })
        .await
    }

    /// The close code that ends the connection, skipping messages before it.
    pub async fn closed(&mut self) -> Option<u16> {
        loop {
            if let Event::Closed(code) = self.next_event().await {
                return code;
            }
        }
    }

    /// The next event must be a close; returns its code.
    pub async fn expect_close(&mut self) -> Option<u16> {
        match self.next_event().await {
            Event::Closed(code) => code,
            Event::Message(msg) => panic!("expected a close, got {msg:?}"),
        }
    }

    /// Asserts that nothing arrives for a short while.
    pub async fn expect_silence(&mut self, limit: Duration) {
        if let Some(event) = self.next_event_within(limit).await {
            panic!("expected nothing, got {event:?}");
        }
    }
}
