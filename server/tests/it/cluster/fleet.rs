//! A fleet of native devices spread over the nodes of a cluster, each behaving as
//! the SDK does after a fault: on a close or a refusal with a code that is not
//! terminal it logs in again (automatically) on the next node; on a terminal one it
//! stops, as a page would report it. Every device keeps its own list of its
//! account's other devices from `loginOk` and the `loginPorts` pushes, and every
//! code it met is recorded, so a fault test can check what users saw and that,
//! afterwards, every device's list equals the truth.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use nim_protocol::{ClientMessage, LoginPort, ServerMessage};
use tokio::task::JoinHandle;
use tokio::time::{sleep, timeout, Instant};
use tokio_tungstenite::tungstenite::Message;

use crate::common::{login_at, login_request, Client, TestServer};

/// How often a device pings.
const PING_EVERY: Duration = Duration::from_millis(1000);
/// A device that hears nothing for this long drops the connection and logs in again.
const DEAD_AFTER: Duration = Duration::from_secs(6);
/// The longest wait for a login's answer.
const LOGIN_WAIT: Duration = Duration::from_secs(12);

/// Login refusals a page retries.
const RETRYABLE_LOGIN_CODES: &[u16] = &[416, 500];
/// Close codes after which a page logs in again (`None`: no close frame).
const RETRYABLE_CLOSES: &[Option<u16>] = &[None, Some(1006), Some(1012), Some(1013), Some(4003)];

/// What one device knows.
#[derive(Debug, Clone, Default)]
struct View {
    live: bool,
    others: BTreeSet<String>,
}

#[derive(Default)]
struct Shared {
    views: Mutex<HashMap<(String, String), View>>,
    /// Every code met, as "close 1012" or "loginFailed 500", with its count.
    seen: Mutex<BTreeMap<String, usize>>,
    /// The codes that stopped a device.
    terminal: Mutex<Vec<String>>,
    done: AtomicBool,
}

impl Shared {
    fn saw(&self, what: String) {
        *self.seen.lock().unwrap().entry(what).or_default() += 1;
    }

    fn set(&self, key: &(String, String), live: bool, ports: Option<&[LoginPort]>) {
        let mut views = self.views.lock().unwrap();
        let view = views.entry(key.clone()).or_default();
        view.live = live;
        match ports {
            Some(ports) if live => {
                view.others.clear();
                apply(&mut view.others, ports, &key.1);
            }
            _ => view.others.clear(),
        }
    }

    fn push(&self, key: &(String, String), ports: &[LoginPort]) {
        let mut views = self.views.lock().unwrap();
        if let Some(view) = views.get_mut(key) {
            apply(&mut view.others, ports, &key.1);
        }
    }
}

fn apply(others: &mut BTreeSet<String>, ports: &[LoginPort], me: &str) {
    for port in ports.iter().filter(|p| p.device_id != me) {
        if port.online {
            others.insert(port.device_id.clone());
        } else {
            others.remove(&port.device_id);
        }
    }
}

/// The running devices.
pub struct Fleet {
    shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
    urls: Vec<String>,
}

impl Fleet {
    /// `per_account` devices of each account (token `t`), device `i` starting on
    /// node `i % urls.len()`; returns once every one is logged in.
    pub async fn start(urls: Vec<String>, accounts: &[String], per_account: usize) -> Fleet {
        let shared = Arc::new(Shared::default());
        let mut tasks = Vec::new();
        for (a, account) in accounts.iter().enumerate() {
            for n in 0..per_account {
                let key = (account.clone(), format!("dev{n}"));
                shared.set(&key, false, None);
                let first = (a * per_account + n) % urls.len();
                let life = device_life(urls.clone(), first, key, Arc::clone(&shared));
                tasks.push(tokio::spawn(life));
            }
        }
        let fleet = Fleet {
            shared,
            tasks,
            urls,
        };
        fleet
            .converged(Duration::from_secs(20))
            .await
            .unwrap_or_else(|report| panic!("the fleet never logged in: {report}"));
        fleet.shared.seen.lock().unwrap().clear();
        fleet
    }

    /// Waits until every device is logged in and its list equals the truth (the
    /// account's other live devices); the time it took, or what is still wrong.
    pub async fn converged(&self, limit: Duration) -> Result<Duration, String> {
        let started = Instant::now();
        loop {
            let wrong = self.wrong();
            if wrong.is_empty() {
                return Ok(started.elapsed());
            }
            if started.elapsed() > limit {
                return Err(wrong.join("; "));
            }
            sleep(Duration::from_millis(100)).await;
        }
    }

    /// Every device not logged in, and every list that differs from the truth.
    fn wrong(&self) -> Vec<String> {
        let views = self.shared.views.lock().unwrap();
        let mut live: HashMap<&str, BTreeSet<String>> = HashMap::new();
        for ((account, device), view) in views.iter() {
            if view.live {
                live.entry(account).or_default().insert(device.clone());
            }
        }
        let mut wrong = Vec::new();
        for ((account, device), view) in views.iter() {
            if !view.live {
                wrong.push(format!("{account}/{device} not logged in"));
                continue;
            }
            let mut truth = live[account.as_str()].clone();
            truth.remove(device);
            if view.others != truth {
                wrong.push(format!(
                    "{account}/{device} lists {:?}, truth {truth:?}",
                    view.others
                ));
            }
        }
        wrong
    }

    /// The devices logged in now.
    pub fn live(&self) -> usize {
        let views = self.shared.views.lock().unwrap();
        views.values().filter(|v| v.live).count()
    }

    /// Every code the devices met since they all logged in, with counts.
    pub fn seen(&self) -> BTreeMap<String, usize> {
        self.shared.seen.lock().unwrap().clone()
    }

    /// The codes that stopped a device (a page would report them as final).
    pub fn terminal(&self) -> Vec<String> {
        self.shared.terminal.lock().unwrap().clone()
    }

    /// The server's truth, asked by a probe login on every node: each account's
    /// devices are exactly the fleet's, each listed once.
    pub async fn check_with_probes(&self, accounts: &[String]) {
        let expected: BTreeMap<&String, Vec<String>> = {
            let views = self.shared.views.lock().unwrap();
            accounts
                .iter()
                .map(|account| {
                    let mut devices: Vec<String> = views
                        .iter()
                        .filter(|((a, _), v)| a == account && v.live)
                        .map(|((_, d), _)| d.clone())
                        .collect();
                    devices.sort();
                    (account, devices)
                })
                .collect()
        };
        for url in &self.urls {
            for (account, devices) in &expected {
                let (probe, ok) = login_at(url, login_request(account, "t", "probe")).await;
                let mut listed: Vec<String> =
                    ok.ports.iter().map(|p| p.device_id.clone()).collect();
                listed.sort();
                assert_eq!(
                    &listed, devices,
                    "{account} as {url} lists it: ghost or missing"
                );
                drop(probe);
            }
        }
    }

    /// Stops every device (their sockets drop).
    pub fn stop(&mut self) {
        self.shared.done.store(true, Ordering::Relaxed);
        for task in self.tasks.drain(..) {
            task.abort();
        }
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `nim_sessions_live` summed over `nodes`.
pub async fn sessions_live(nodes: &[&TestServer]) -> u64 {
    let mut sum = 0;
    for node in nodes {
        let text = node
            .http()
            .get(node.url("/metrics"))
            .send()
            .await
            .expect("GET /metrics")
            .text()
            .await
            .expect("metrics text");
        sum += text
            .lines()
            .find_map(|l| l.strip_prefix("nim_sessions_live "))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .expect("nim_sessions_live in /metrics");
    }
    sum
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// One device: log in on a node, stay (pinging), and after anything that is not
/// terminal log in again on the next node.
async fn device_life(urls: Vec<String>, first: usize, key: (String, String), shared: Arc<Shared>) {
    let mut node = first;
    let mut auto = false;
    while !shared.done.load(Ordering::Relaxed) {
        let url = &urls[node % urls.len()];
        match session(url, &key, auto, &shared).await {
            Ended::Retry => {
                node += 1;
                auto = true;
                sleep(Duration::from_millis(250)).await;
            }
            Ended::Terminal(what) => {
                shared
                    .terminal
                    .lock()
                    .unwrap()
                    .push(format!("{}: {what}", key.1));
                return;
            }
        }
    }
}

enum Ended {
    Retry,
    Terminal(String),
}

/// One connection's life, until it ends.
async fn session(url: &str, key: &(String, String), auto: bool, shared: &Shared) -> Ended {
    let Ok(Ok((mut ws, _))) = timeout(LOGIN_WAIT, tokio_tungstenite::connect_async(url)).await
    else {
        return Ended::Retry;
    };
    let mut request = login_request(&key.0, "t", &key.1);
    request.auto = auto;
    request.heartbeat_interval = 5000;
    if !send(&mut ws, &ClientMessage::Login(request)).await {
        return Ended::Retry;
    }
    match timeout(LOGIN_WAIT, next_message(&mut ws)).await {
        Ok(Ok(ServerMessage::LoginOk(ok))) => shared.set(key, true, Some(&ok.ports)),
        Ok(Ok(ServerMessage::LoginFailed(failed))) => {
            let what = format!("loginFailed {}", failed.code);
            shared.saw(what.clone());
            return if RETRYABLE_LOGIN_CODES.contains(&failed.code) {
                Ended::Retry
            } else {
                Ended::Terminal(what)
            };
        }
        Ok(Ok(other)) => return Ended::Terminal(format!("login answered {other:?}")),
        Ok(Err(code)) => return closed(code, shared),
        Err(_) => {
            shared.saw("no login answer in time".into());
            return Ended::Retry;
        }
    }
    let ended = logged_in(&mut ws, key, shared).await;
    shared.set(key, false, None);
    ended
}

/// The logged-in loop: pushes update the list, pings keep the session.
async fn logged_in(ws: &mut Ws, key: &(String, String), shared: &Shared) -> Ended {
    let mut ping = tokio::time::interval(PING_EVERY);
    let mut heard = Instant::now();
    loop {
        tokio::select! {
            message = next_message(ws) => {
                heard = Instant::now();
                match message {
                    Ok(ServerMessage::LoginPorts(change)) => shared.push(key, &change.ports),
                    Ok(ServerMessage::Kicked(kicked)) => {
                        return Ended::Terminal(format!("kicked {:?}", kicked.reason))
                    }
                    Ok(_) => {}
                    Err(code) => return closed(code, shared),
                }
            }
            _ = ping.tick() => {
                if heard.elapsed() > DEAD_AFTER {
                    shared.saw("silent server".into());
                    return Ended::Retry;
                }
                if !send(ws, &ClientMessage::Ping).await {
                    return Ended::Retry;
                }
            }
        }
    }
}

fn closed(code: Option<u16>, shared: &Shared) -> Ended {
    let what = match code {
        Some(code) => format!("close {code}"),
        None => "closed without a close frame".into(),
    };
    shared.saw(what.clone());
    if RETRYABLE_CLOSES.contains(&code) {
        Ended::Retry
    } else {
        Ended::Terminal(what)
    }
}

async fn send(ws: &mut Ws, msg: &ClientMessage) -> bool {
    let text = serde_json::to_string(msg).expect("encode");
    ws.send(Message::text(text)).await.is_ok()
}

/// The next protocol message, or the close code when the socket ended.
async fn next_message(ws: &mut Ws) -> Result<ServerMessage, Option<u16>> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(text))) => {
                return Ok(serde_json::from_str(text.as_str()).expect("server frame"))
            }
            Some(Ok(Message::Close(frame))) => return Err(frame.map(|f| u16::from(f.code))),
            Some(Ok(_)) => {}
            None | Some(Err(_)) => return Err(None),
        }
    }
}

/// A login's answer, however long the server takes to give it (up to 20 s).
pub async fn login_answer(url: &str, account: &str, device: &str) -> ServerMessage {
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("connect");
    let request = login_request(account, "t", device);
    assert!(send(&mut ws, &ClientMessage::Login(request)).await);
    timeout(Duration::from_secs(20), next_message(&mut ws))
        .await
        .expect("an answer within 20 s")
        .expect("an answer before the close")
}

/// A kick from a device on `from` reaches a device of the same account on `to`.
pub async fn kick_across(from: &str, to: &str, account: &str) {
    KickPair::login(from, to, account).await.kick().await;
}

/// Two devices of one account on two nodes, logged in ahead of a kick.
pub struct KickPair {
    kicker: Client,
    kicked: Client,
}

impl KickPair {
    pub async fn login(from: &str, to: &str, account: &str) -> KickPair {
        let (kicker, _) = login_at(from, login_request(account, "t", "kicker")).await;
        let (kicked, _) = login_at(to, login_request(account, "t", "kicked")).await;
        KickPair { kicker, kicked }
    }

    /// The kicker kicks the other: answered with its id, the other told and closed.
    pub async fn kick(mut self) {
        let kick = nim_protocol::KickRequest {
            id: 7,
            device_ids: vec!["kicked".into()],
            custom: String::new(),
        };
        self.kicker.send(&ClientMessage::Kick(kick)).await;
        let result = self
            .kicker
            .wait_for(|m| match m {
                ServerMessage::KickResult(r) => Some(r.device_ids.clone()),
                _ => None,
            })
            .await;
        assert_eq!(result, ["kicked"], "the kick across nodes is answered");
        self.kicked.next_kicked().await;
        assert_eq!(self.kicked.closed().await, Some(4001));
    }
}

/// `GET /healthz`: the status and the body.
pub async fn health(node: &TestServer) -> (u16, String) {
    let reply = node
        .http()
        .get(node.url("/healthz"))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("GET /healthz");
    let status = reply.status().as_u16();
    (status, reply.text().await.unwrap_or_default())
}
