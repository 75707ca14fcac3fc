//! A soak: a few hundred native clients over a few dozen accounts log in, log out,
//! kick each other and ping, all through a proxy that cuts, stalls and delays their
//! connections at random. Then the faults stop and the system quiesces, and:
//!
//! - every client that was not kicked is logged in again by itself;
//! - every live device's own list of the account's devices equals the server's
//!   truth (read by a probe login per account) and the live set: no ghosts;
//! - no kicked device is listed anywhere (none came back by itself);
//! - the server's live-session gauge equals the number of live clients;
//! - the server answers every request exactly once: no connection ever gets a
//!   second login reply, more pongs than pings, or a `kickResult` for a kick it
//!   did not send or that was answered already; and when a `logoutOk` arrives,
//!   every ping and kick sent before the logout on that connection has had its one
//!   answer (replies come in order, so none can still be on its way);
//! - nothing panicked, in the server or in the clients.

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::fault_proxy::{FaultProxy, Faults};
use crate::common::{config, login_request, TestServer};
use futures_util::{SinkExt, StreamExt};
use nim_protocol::{ClientMessage, KickRequest, LoginPort, LogoutRequest, ServerMessage};
use nim_server::Policy;
use rand::Rng;
use tokio::time::{sleep, timeout, Instant};
use tokio_tungstenite::tungstenite::Message;

const ACCOUNTS: usize = 36;
const DEVICES_PER_ACCOUNT: usize = 8;
const CHAOS: Duration = Duration::from_secs(20);
const QUIESCE_LIMIT: Duration = Duration::from_secs(25);
const HEARTBEAT: Duration = Duration::from_millis(500);
/// A client that hears nothing for this long drops the connection and logs in again.
const CLIENT_DEAD_AFTER: Duration = Duration::from_millis(2500);

static PANICS: AtomicUsize = AtomicUsize::new(0);
/// Requests whose one answer was seen before their connection's `logoutOk`.
static ANSWERED_ONCE: AtomicUsize = AtomicUsize::new(0);

/// The requests of one connection and their answers.
#[derive(Debug, Default)]
struct Asked {
    pings: usize,
    pongs: usize,
    /// Ids of the kicks not answered yet.
    kicks: BTreeSet<u32>,
    kicks_sent: usize,
}

/// The id of every logout; kick ids start above it, so an answer names its request.
const LOGOUT_ID: u32 = 3;
const FIRST_KICK_ID: u32 = 100;

impl Asked {
    fn pong(&mut self, me: &str) {
        self.pongs += 1;
        assert!(
            self.pongs <= self.pings,
            "{me}: {} pongs for {} pings",
            self.pongs,
            self.pings
        );
    }

    fn kick_result(&mut self, me: &str, id: u32) {
        assert!(
            self.kicks.remove(&id),
            "{me}: kickResult {id} answers no open kick"
        );
    }

    fn next_kick_id(&self) -> u32 {
        FIRST_KICK_ID + self.kicks_sent as u32
    }

    /// At `logoutOk`: every earlier request was answered.
    fn all_answered(&self, me: &str) {
        assert_eq!(
            self.pongs, self.pings,
            "{me}: pings not answered before logoutOk"
        );
        assert!(
            self.kicks.is_empty(),
            "{me}: kicks {:?} not answered before logoutOk",
            self.kicks
        );
        ANSWERED_ONCE.fetch_add(self.pings + self.kicks_sent + 1, Ordering::Relaxed);
    }
}

/// What a client last knew, shared with the test's checks.
#[derive(Debug, Clone, Default)]
struct View {
    /// Logged in, with a pong heard within `CLIENT_DEAD_AFTER`.
    live: bool,
    /// Got `kicked`; never logs in again.
    kicked: bool,
    /// The account's other devices as this client knows them.
    others: BTreeSet<String>,
    last_heard: Option<Instant>,
    logins: u32,
}

type Views = Arc<Mutex<HashMap<String, View>>>;

/// A random duration in `ms` milliseconds (the thread-local RNG never crosses an await).
fn millis(ms: std::ops::Range<u64>) -> Duration {
    Duration::from_millis(rand::thread_rng().gen_range(ms))
}

fn account(i: usize) -> String {
    format!("soak{i}")
}

fn device(account: usize, n: usize) -> String {
    format!("s{account}-d{n}")
}

fn apply(others: &mut BTreeSet<String>, ports: &[LoginPort], me: &str) {
    for port in ports {
        if port.device_id == me {
            continue;
        }
        if port.online {
            others.insert(port.device_id.clone());
        } else {
            others.remove(&port.device_id);
        }
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn send(ws: &mut Ws, msg: &ClientMessage) -> bool {
    let text = serde_json::to_string(msg).expect("encode");
    ws.send(Message::text(text)).await.is_ok()
}

/// One device's life: log in (again), ping, sometimes log out or kick, until the
/// test ends or it is kicked.
async fn device_life(
    proxy: SocketAddr,
    acc: usize,
    n: usize,
    views: Views,
    chaos: Arc<AtomicBool>,
    done: Arc<AtomicBool>,
) {
    let me = device(acc, n);
    let url = format!("ws://{proxy}/ws");
    let mut auto = false;
    while !done.load(Ordering::Relaxed) {
        let connected = timeout(
            Duration::from_secs(2),
            tokio_tungstenite::connect_async(&url),
        )
        .await;
        let Ok(Ok((mut ws, _))) = connected else {
            sleep(millis(50..300)).await;
            continue;
        };
        let mut request = login_request(&account(acc), "t", &me);
        request.auto = auto;
        request.heartbeat_interval = HEARTBEAT.as_millis() as u32;
        if !send(&mut ws, &ClientMessage::Login(request)).await {
            continue;
        }
        let reply = match timeout(CLIENT_DEAD_AFTER, ws.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                serde_json::from_str::<ServerMessage>(&text).expect("server frame")
            }
            _ => {
                auto = true;
                continue;
            }
        };
        match reply {
            ServerMessage::LoginOk(ok) => {
                let mut views = views.lock().unwrap();
                let view = views.entry(me.clone()).or_default();
                view.others.clear();
                apply(&mut view.others, &ok.ports, &me);
                view.live = true;
                view.last_heard = Some(Instant::now());
                view.logins += 1;
            }
            ServerMessage::LoginFailed(f) if f.code == 416 => {
                sleep(Duration::from_millis(200)).await;
                continue;
            }
            other => panic!("{me}: unexpected login reply {other:?}"),
        }
        // Logged in: the session loop.
        let mut ping = tokio::time::interval(HEARTBEAT);
        let mut last_heard = Instant::now();
        let mut next_action = Instant::now() + millis(1000..4000);
        let mut asked = Asked::default();
        // Nothing is sent after a logout, so its reply closes the account.
        let mut logging_out = false;
        let ended = loop {
            tokio::select! {
                frame = ws.next() => {
                    let text = match frame {
                        Some(Ok(Message::Text(text))) => text,
                        Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break "closed",
                        Some(Ok(_)) => continue,
                    };
                    last_heard = Instant::now();
                    let msg: ServerMessage = serde_json::from_str(&text).expect("server frame");
                    let mut views = views.lock().unwrap();
                    let view = views.get_mut(&me).expect("my view");
                    view.last_heard = Some(last_heard);
                    match msg {
                        ServerMessage::LoginPorts(change) => apply(&mut view.others, &change.ports, &me),
                        ServerMessage::Kicked(_) => {
                            view.kicked = true;
                            view.live = false;
                            return;
                        }
                        ServerMessage::Pong => asked.pong(&me),
                        ServerMessage::KickResult(result) => asked.kick_result(&me, result.id),
                        ServerMessage::LogoutOk(ok) => {
                            assert_eq!(ok.id, LOGOUT_ID, "{me}: logoutOk for another request");
                            asked.all_answered(&me);
                            break "logout";
                        }
                        ServerMessage::LoginOk(_) | ServerMessage::LoginFailed(_) => {
                            panic!("{me}: a second answer to its login: {msg:?}")
                        }
                        _ => {}
                    }
                }
                _ = ping.tick() => {
                    if last_heard.elapsed() > CLIENT_DEAD_AFTER {
                        break "silent";
                    }
                    if logging_out {
                        continue;
                    }
                    if !send(&mut ws, &ClientMessage::Ping).await {
                        break "send failed";
                    }
                    asked.pings += 1;
                }
                _ = tokio::time::sleep_until(next_action), if chaos.load(Ordering::Relaxed) && !logging_out => {
                    next_action = Instant::now() + millis(1000..4000);
                    let roll: f64 = rand::random();
                    if roll < 0.08 {
                        logging_out = send(&mut ws, &ClientMessage::Logout(LogoutRequest { id: LOGOUT_ID })).await;
                    } else if roll < 0.11 {
                        let target = {
                            let views = views.lock().unwrap();
                            views[&me].others.iter().next().cloned()
                        };
                        if let Some(target) = target {
                            let id = asked.next_kick_id();
                            let kick = KickRequest { id, device_ids: vec![target], custom: String::new() };
                            if send(&mut ws, &ClientMessage::Kick(kick)).await {
                                asked.kicks.insert(id);
                                asked.kicks_sent += 1;
                            }
                        }
                    }
                }
            }
        };
        {
            let mut views = views.lock().unwrap();
            let view = views.get_mut(&me).expect("my view");
            view.live = false;
            view.others.clear();
        }
        // After a logout the next login is manual; after a broken session, automatic.
        auto = ended != "logout";
        let pause = if auto { 50..400 } else { 200..1000 };
        sleep(millis(pause)).await;
    }
}

/// The server's truth for an account: the devices a probe login is told about.
async fn truth(server: &TestServer, acc: usize) -> BTreeSet<String> {
    let mut probe = login_request(&account(acc), "t", &format!("probe-{acc}"));
    probe.auto = true;
    let (mut client, ok) = server.login_as(probe).await;
    client
        .send(&ClientMessage::Logout(LogoutRequest { id: 9 }))
        .await;
    let _ = client.closed().await;
    ok.ports.into_iter().map(|p| p.device_id).collect()
}

/// Everything that does not hold yet, empty when the system has converged.
async fn check(server: &TestServer, views: &Views) -> Vec<String> {
    let mut problems = Vec::new();
    let snapshot = views.lock().unwrap().clone();
    for acc in 0..ACCOUNTS {
        let ids: Vec<String> = (0..DEVICES_PER_ACCOUNT).map(|n| device(acc, n)).collect();
        let live: BTreeSet<String> = ids
            .iter()
            .filter(|id| {
                snapshot.get(*id).is_some_and(|v| {
                    v.live
                        && v.last_heard
                            .is_some_and(|t| t.elapsed() < CLIENT_DEAD_AFTER)
                })
            })
            .cloned()
            .collect();
        for id in &ids {
            let view = snapshot.get(id).cloned().unwrap_or_default();
            if !view.kicked && !live.contains(id) {
                problems.push(format!("{id} (not kicked) is not logged in again"));
            }
            if view.live {
                let mut seen = view.others.clone();
                seen.retain(|d| !d.starts_with("probe-"));
                seen.insert(id.clone());
                if seen != live {
                    problems.push(format!("{id} sees {seen:?}, live are {live:?}"));
                }
            }
        }
        let truth = truth(server, acc).await;
        if truth != live {
            problems.push(format!(
                "account {acc}: server lists {truth:?}, live are {live:?}"
            ));
        }
        for id in &truth {
            if snapshot.get(id).is_some_and(|v| v.kicked) {
                problems.push(format!("{id} was kicked but is listed again"));
            }
        }
    }
    problems
}

async fn sessions_live(server: &TestServer) -> u64 {
    let text = server
        .http()
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("nim_sessions_live "))
        .and_then(|v| v.trim().parse().ok())
        .expect("nim_sessions_live in /metrics")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_through_faulty_proxy() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::Relaxed);
        default_hook(info);
    }));
    let mut config = config(Policy::Multi(10));
    config.limits.login_attempts_per_ip = u32::MAX;
    config.limits.idle_timeout_min = Duration::from_millis(2000);
    config.limits.idle_timeout_max = Duration::from_millis(2000);
    config.limits.login_timeout = Duration::from_millis(2000);
    config.limits.close_grace = Duration::from_millis(300);
    let server = TestServer::start_with(config).await;
    for acc in 0..ACCOUNTS {
        server.create_account(&account(acc), "t").await;
    }
    let faults = Faults {
        cut: 0.004,
        stall: 0.002,
        delay: 0.05,
        max_delay: Duration::from_millis(300),
    };
    let proxy = FaultProxy::start(server.addr, faults).await;
    let views: Views = Arc::default();
    let chaos = Arc::new(AtomicBool::new(true));
    let done = Arc::new(AtomicBool::new(false));
    let mut lives = Vec::new();
    for acc in 0..ACCOUNTS {
        for n in 0..DEVICES_PER_ACCOUNT {
            let (views, chaos, done) = (Arc::clone(&views), Arc::clone(&chaos), Arc::clone(&done));
            lives.push(tokio::spawn(device_life(
                proxy.addr, acc, n, views, chaos, done,
            )));
        }
    }
    sleep(CHAOS).await;
    chaos.store(false, Ordering::Relaxed);
    proxy.calm();
    let started = Instant::now();
    let mut problems;
    loop {
        sleep(Duration::from_millis(1000)).await;
        problems = check(&server, &views).await;
        let live_clients = views.lock().unwrap().values().filter(|v| v.live).count() as u64;
        let gauge = sessions_live(&server).await;
        if gauge != live_clients {
            problems.push(format!(
                "nim_sessions_live {gauge}, live clients {live_clients}"
            ));
        }
        if problems.is_empty() || started.elapsed() > QUIESCE_LIMIT {
            break;
        }
    }
    done.store(true, Ordering::Relaxed);
    for life in lives {
        life.abort();
    }
    let snapshot = views.lock().unwrap().clone();
    let kicked = snapshot.values().filter(|v| v.kicked).count();
    let logins: u32 = snapshot.values().map(|v| v.logins).sum();
    let answered = ANSWERED_ONCE.load(Ordering::Relaxed);
    println!(
        "soak: {} devices, {logins} logins, {kicked} kicked, {answered} requests seen \
         answered exactly once before a logoutOk; proxy: {}; quiesced in {:?}",
        ACCOUNTS * DEVICES_PER_ACCOUNT,
        proxy.summary(),
        started.elapsed()
    );
    assert!(
        problems.is_empty(),
        "after quiescing:\n{}",
        problems.join("\n")
    );
    assert!(
        proxy.counts.cuts.load(Ordering::Relaxed) > 0,
        "the proxy cut nothing"
    );
    assert!(
        proxy.counts.stalls.load(Ordering::Relaxed) > 0,
        "the proxy stalled nothing"
    );
    assert!(kicked > 0, "nobody was kicked");
    assert!(answered > 0, "no logout checked its connection's answers");
    assert_eq!(PANICS.load(Ordering::Relaxed), 0, "something panicked");
}
