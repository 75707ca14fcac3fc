//! Reconnect storm: thousands of sessions driven by the SDK's own core
//! (`nim_wasm::core::Session`, built natively), the server killed and restarted.
//!
//! Each session runs in its own task as a thin driver around the core, as the
//! browser layer does: actions open, feed and drop sockets; the one timer is a
//! `sleep_until`; socket events go back in with the time since the run started.
//!
//! ```text
//! start server ─ log every session in ─ SIGKILL server ─ downtime ─ restart on the
//! same address and database ─ wait until every session logged in again ─ settle ─
//! compare the server's view (/metrics) and every session's login ports
//! ```

use std::collections::{HashMap, HashSet};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use nim_protocol::{ClientMessage, ServerMessage};
use nim_wasm::core::{
    Action, DisconnectCode, Event, LoginStatus, Session, SessionConfig, SocketId,
};
use serde::Serialize;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

use crate::device::create_accounts;
use crate::http;
use crate::net::{self, Sources};
use crate::process::{start_nim_server, WorkDir, APP_KEY};
use crate::progress;
use crate::stats::busiest_window;

/// The storm's figures.
#[derive(Debug, Serialize)]
pub struct StormReport {
    /// Sessions driven.
    pub sessions: usize,
    /// Devices per account.
    pub devices_per_account: usize,
    /// Seconds until every session was first logged in (a ramp of `ramp_per_second`).
    pub initial_login_seconds: f64,
    /// Sessions started per second before the kill.
    pub ramp_per_second: usize,
    /// How long the server was down, ms (kill to restarted server's address line).
    pub downtime_ms: f64,
    /// From the restarted server's address line until every session was logged in
    /// again, ms; `None` when not all made it within the time bound.
    pub all_back_after_restart_ms: Option<f64>,
    /// Sessions logged in again by the end.
    pub reconnected: usize,
    /// Connect attempts (sockets opened by the core) from the kill until all were back.
    pub attempts: usize,
    /// The most attempts in any 100 ms window.
    pub busiest_100ms_attempts: usize,
    /// `busiest_100ms_attempts / attempts`.
    pub busiest_100ms_share: f64,
    /// The most attempts in any 100 ms window after the restart.
    pub busiest_100ms_after_restart: usize,
    /// Attempts per 1 s bucket from the kill.
    pub attempts_per_second: Vec<usize>,
    /// `nim_sessions_live` after the storm settled.
    pub sessions_live: f64,
    /// `nim_connections_open` after the storm settled.
    pub connections_open: f64,
    /// Sessions whose login ports listed a device twice, themselves, or a device
    /// that is not online.
    pub sessions_with_ghosts: usize,
    /// Sessions whose login ports missed a live device of their account.
    pub sessions_missing_devices: usize,
    /// The first wrong view found, for diagnosis: the viewer's list, then what the
    /// viewer heard of a missing device (logins, `loginOk` lists and pushes naming
    /// it, in order, ms from the start) and that device's own logins.
    pub first_wrong_view: Option<String>,
    /// Sessions with an open socket that were not logged in when the views were
    /// compared (left out of the comparison).
    pub sessions_not_logged_in: usize,
    /// Sessions that ended for good (a terminal `ondisconnect`), by code.
    pub terminal_disconnects: HashMap<String, usize>,
    /// The restarted server's `nim_logins_total` by result code.
    pub logins_by_code: Vec<(String, f64)>,
}

/// What the sessions report to the run, in ms since the run started.
struct Log {
    started: Instant,
    /// `u64::MAX` until the server is killed.
    killed_at: AtomicU64,
    attempts: Mutex<Vec<u64>>,
    connected: AtomicUsize,
    reconnected: AtomicUsize,
    terminal: Mutex<HashMap<String, usize>>,
}

impl Log {
    fn now(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }
}

/// Options of one storm.
pub struct Storm<'a> {
    /// The `nim-server` binary.
    pub server_bin: &'a Path,
    /// Where the database and logs go.
    pub work: &'a Path,
    /// Source addresses.
    pub sources: Arc<Sources>,
    /// Sessions to drive.
    pub sessions: usize,
    /// Devices per account.
    pub devices_per_account: usize,
    /// Sessions started per second at first.
    pub ramp_per_second: usize,
    /// How long the server stays down, ms.
    pub downtime_ms: u64,
    /// The longest wait for the sessions to come back, s.
    pub limit_seconds: u64,
}

impl Storm<'_> {
    /// Runs the storm.
    pub async fn run(self) -> io::Result<StormReport> {
        let dir = WorkDir::new(self.work, "storm")?;
        let per = self.devices_per_account;
        let server = start_nim_server(self.server_bin, &dir.path, "127.0.0.1:0", per).await?;
        let addr = server.addr;
        let accounts = create_accounts(addr, "storm", self.sessions.div_ceil(per), 64).await?;
        let log = Arc::new(Log {
            started: Instant::now(),
            killed_at: AtomicU64::new(u64::MAX),
            attempts: Mutex::new(Vec::new()),
            connected: AtomicUsize::new(0),
            reconnected: AtomicUsize::new(0),
            terminal: Mutex::new(HashMap::new()),
        });
        let (stop_tx, stop_rx) = watch::channel(false);

        // Log everyone in, at a steady ramp.
        let bar = progress::bar(self.sessions as u64, "storm login");
        let gap = Duration::from_secs(1) / self.ramp_per_second.max(1) as u32;
        let mut ticker = tokio::time::interval(gap);
        let mut tasks = Vec::with_capacity(self.sessions);
        for i in 0..self.sessions {
            ticker.tick().await;
            let account = &accounts[i / per];
            let mut config = SessionConfig::new(
                &format!("ws://{addr}/ws"),
                APP_KEY,
                &account.name,
                &account.token,
            );
            config.device_id = format!("storm-device-{i}");
            config.os = "nim-bench".into();
            let session = Session::new(config, 0x5eed_0000 + i as u64);
            let driver = Driver {
                server: addr,
                source: self.sources.next(),
                log: Arc::clone(&log),
                stop: stop_rx.clone(),
            };
            tasks.push(tokio::spawn(driver.drive(session)));
            bar.set_position(log.connected.load(Ordering::Relaxed) as u64);
        }
        let initial_deadline = Instant::now() + Duration::from_secs(self.limit_seconds);
        while log.connected.load(Ordering::Relaxed) < self.sessions {
            if Instant::now() > initial_deadline {
                return Err(io::Error::other(format!(
                    "only {} of {} sessions logged in",
                    log.connected.load(Ordering::Relaxed),
                    self.sessions
                )));
            }
            bar.set_position(log.connected.load(Ordering::Relaxed) as u64);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bar.finish();
        let initial_login_seconds = log.started.elapsed().as_secs_f64();
        tokio::time::sleep(Duration::from_secs(1)).await;

        // Kill, wait, restart on the same address and database.
        let killed = log.now();
        log.killed_at.store(killed, Ordering::Relaxed);
        server.kill().await?;
        tokio::time::sleep(Duration::from_millis(self.downtime_ms)).await;
        let server = start_nim_server(self.server_bin, &dir.path, &addr.to_string(), per).await?;
        let restarted = log.now();

        let bar = progress::bar(self.sessions as u64, "storm back");
        let deadline = Instant::now() + Duration::from_secs(self.limit_seconds);
        let mut all_back = None;
        while Instant::now() < deadline {
            let back = log.reconnected.load(Ordering::Relaxed);
            bar.set_position(back as u64);
            if back == self.sessions {
                all_back = Some(log.now());
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        bar.finish();
        let end = all_back.unwrap_or_else(|| log.now());
        // Late duplicates would show up in this time.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let metrics = server.metrics().await?;

        let _ = stop_tx.send(true);
        let mut sessions = Vec::with_capacity(tasks.len());
        let mut histories = Vec::with_capacity(tasks.len());
        // Every stopped session's sockets stay open until all have stopped: a
        // socket closed by one that stopped first would otherwise reach the views
        // of those still running as a device going offline.
        let mut held = Vec::with_capacity(tasks.len());
        for task in tasks {
            let (session, history, sockets) = task.await.map_err(io::Error::other)?;
            sessions.push(session);
            histories.push(history);
            held.push(sockets);
        }
        drop(held);
        server.stop().await?;

        let attempts: Vec<u64> = lock(&log.attempts)
            .iter()
            .copied()
            .filter(|t| (killed..=end).contains(t))
            .collect();
        let after_restart: Vec<u64> = attempts
            .iter()
            .copied()
            .filter(|t| *t >= restarted)
            .collect();
        let busiest = busiest_window(&attempts, 100);
        let mut per_second = vec![0; ((end - killed) / 1000 + 1) as usize];
        for t in &attempts {
            per_second[((t - killed) / 1000) as usize] += 1;
        }
        let (ghosts, missing, first_wrong_view) = check_ports(&sessions, &histories, per);
        let sessions_not_logged_in = sessions
            .iter()
            .filter(|s| s.is_connected() && s.status() != LoginStatus::LoggedIn)
            .count();
        let report = StormReport {
            sessions: self.sessions,
            devices_per_account: per,
            initial_login_seconds,
            ramp_per_second: self.ramp_per_second,
            downtime_ms: (restarted - killed) as f64,
            all_back_after_restart_ms: all_back.map(|t| (t - restarted) as f64),
            reconnected: log.reconnected.load(Ordering::Relaxed),
            attempts: attempts.len(),
            busiest_100ms_attempts: busiest,
            busiest_100ms_share: busiest as f64 / attempts.len().max(1) as f64,
            busiest_100ms_after_restart: busiest_window(&after_restart, 100),
            attempts_per_second: per_second,
            sessions_live: http::metric(&metrics, "nim_sessions_live").unwrap_or(f64::NAN),
            connections_open: http::metric(&metrics, "nim_connections_open").unwrap_or(f64::NAN),
            sessions_with_ghosts: ghosts,
            sessions_missing_devices: missing,
            first_wrong_view,
            sessions_not_logged_in,
            terminal_disconnects: lock(&log.terminal).clone(),
            logins_by_code: http::labelled(&metrics, "nim_logins_total"),
        };
        eprintln!(
            "storm: all {} back {:?} ms after the restart; busiest 100 ms held {:.1} % of {} attempts",
            report.sessions,
            report.all_back_after_restart_ms,
            report.busiest_100ms_share * 100.0,
            report.attempts
        );
        Ok(report)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// Counts sessions whose view of their account's other devices is wrong: a device
/// listed twice, itself, or one not logged in (ghosts), or a logged-in one missing;
/// and describes the first wrong view. Only logged-in sessions count, as viewers
/// and as devices expected in the others' views.
fn check_ports(
    sessions: &[Session],
    histories: &[Vec<String>],
    per_account: usize,
) -> (usize, usize, Option<String>) {
    let logged_in = |s: &Session| s.status() == LoginStatus::LoggedIn;
    let live: Vec<usize> = (0..sessions.len())
        .filter(|&i| logged_in(&sessions[i]))
        .collect();
    let online: HashSet<&str> = live
        .iter()
        .map(|&i| sessions[i].config().device_id.as_str())
        .collect();
    let mut by_account: HashMap<&str, Vec<&str>> = HashMap::new();
    for &i in &live {
        let config = sessions[i].config();
        by_account
            .entry(config.account.as_str())
            .or_default()
            .push(config.device_id.as_str());
    }
    let (mut ghosts, mut missing, mut first) = (0, 0, None);
    for &i in &live {
        let s = &sessions[i];
        let me = s.config().device_id.as_str();
        let ids: Vec<&str> = s
            .login_ports()
            .iter()
            .map(|p| p.device_id.as_str())
            .collect();
        let unique: HashSet<&str> = ids.iter().copied().collect();
        let ghost = unique.len() != ids.len()
            || unique.contains(me)
            || !unique.iter().all(|id| online.contains(id));
        let others = &by_account[s.config().account.as_str()];
        let short = unique.len() < (others.len() - 1).min(per_account - 1);
        ghosts += usize::from(ghost);
        missing += usize::from(short);
        if (ghost || short) && first.is_none() {
            let mut view = format!(
                "{me} of {} ({} live) lists {ids:?}",
                s.config().account,
                others.len()
            );
            let absent = others.iter().find(|id| **id != me && !unique.contains(*id));
            if let Some(absent) = absent {
                let heard: Vec<&String> = histories[i]
                    .iter()
                    .filter(|line| {
                        line.contains(&format!(" {absent}/")) || line.contains(" login ")
                    })
                    .collect();
                view += &format!("; heard of {absent}: {heard:?}");
                let at = sessions
                    .iter()
                    .position(|other| other.config().device_id == *absent);
                if let Some(at) = at {
                    let own: Vec<&String> = histories[at]
                        .iter()
                        .filter(|line| line.contains(" login "))
                        .collect();
                    view += &format!("; {absent} itself: {own:?}");
                }
            }
            first = Some(view);
        }
    }
    (ghosts, missing, first)
}

/// A stopped session's sockets (their senders) and the receiver of their events,
/// which keep them open while held.
type Held = (
    HashMap<SocketId, mpsc::UnboundedSender<ClientMessage>>,
    mpsc::UnboundedReceiver<(SocketId, SocketEvent)>,
);

/// A socket's news for its session.
enum SocketEvent {
    Opened,
    Message(ServerMessage),
    Unreadable(String),
    Closed(u16, String),
}

/// The native driver of one session: the browser driver's job, over tokio.
struct Driver {
    server: SocketAddr,
    source: IpAddr,
    log: Arc<Log>,
    stop: watch::Receiver<bool>,
}

impl Driver {
    /// Connects `session` and drives it until the run stops; returns it for
    /// inspection, with what it heard of its account's devices (see
    /// [`StormReport::first_wrong_view`]) and its sockets, still open.
    async fn drive(mut self, mut session: Session) -> (Session, Vec<String>, Held) {
        let mut history = Vec::new();
        let (events_tx, mut events) = mpsc::unbounded_channel();
        let mut sockets: HashMap<SocketId, mpsc::UnboundedSender<ClientMessage>> = HashMap::new();
        let mut back_after_kill = false;
        session.connect(self.log.now());
        loop {
            while let Some(action) = session.poll_action() {
                match action {
                    Action::Open { socket, .. } => {
                        lock(&self.log.attempts).push(self.log.now());
                        let (tx, rx) = mpsc::unbounded_channel();
                        sockets.insert(socket, tx);
                        let (server, source, events) =
                            (self.server, self.source, events_tx.clone());
                        tokio::spawn(run_socket(socket, server, source, rx, events));
                    }
                    Action::Send { socket, message } => {
                        if let Some(tx) = sockets.get(&socket) {
                            let _ = tx.send(message);
                        }
                    }
                    Action::Close { socket } => {
                        sockets.remove(&socket);
                    }
                }
            }
            let timer = session.poll_timeout();
            let mut answers = Vec::new();
            while let Some(event) = session.poll_event() {
                match event {
                    Event::LoginPortsChange(ports) => {
                        let mut line = format!("{} ports", self.log.now());
                        for p in &ports {
                            let state = if p.online { "on" } else { "off" };
                            line += &format!(" {}/{}/{state}", p.device_id, p.connection_id);
                        }
                        history.push(line);
                    }
                    Event::Connect(info) => {
                        let now = self.log.now();
                        history.push(format!("{now} login {}", info.connection_id));
                        if now < self.log.killed_at.load(Ordering::Relaxed) {
                            self.log.connected.fetch_add(1, Ordering::Relaxed);
                        } else if !back_after_kill {
                            back_after_kill = true;
                            self.log.reconnected.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Event::RetryDelayNeeded { ticket, .. } => answers.push((ticket, false)),
                    Event::WillReconnect {
                        ticket,
                        gated: true,
                        ..
                    } => answers.push((ticket, true)),
                    Event::Disconnect(d) if !d.will_reconnect => {
                        *lock(&self.log.terminal)
                            .entry(code_name(d.code))
                            .or_default() += 1;
                    }
                    _ => {}
                }
            }
            if !answers.is_empty() {
                let now = self.log.now();
                for (ticket, release) in answers {
                    if release {
                        session.handle_retry_released(now, ticket);
                    } else {
                        session.handle_retry_delay(now, ticket, None);
                    }
                }
                continue;
            }
            let sleep = async {
                match timer {
                    Some(timer) => {
                        let at = self.log.started + Duration::from_millis(timer.at);
                        tokio::time::sleep_until(at.into()).await
                    }
                    None => std::future::pending().await,
                }
            };
            // Stop first: once the run stops, no session may take in the news of
            // the others' teardown, so the views are compared as they were.
            tokio::select! {
                biased;
                _ = self.stop.wait_for(|stop| *stop) => return (session, history, (sockets, events)),
                Some((socket, event)) = events.recv() => {
                    let now = self.log.now();
                    match event {
                        SocketEvent::Opened => session.handle_open(now, socket),
                        SocketEvent::Message(m) => session.handle_message(now, socket, m),
                        SocketEvent::Unreadable(d) => session.handle_unreadable(now, socket, &d),
                        SocketEvent::Closed(code, reason) => {
                            sockets.remove(&socket);
                            session.handle_close(now, socket, code, &reason);
                        }
                    }
                }
                _ = sleep => session.handle_timeout(self.log.now()),
            }
        }
    }
}

fn code_name(code: DisconnectCode) -> String {
    match code {
        DisconnectCode::Login(c) => c.to_string(),
        other => format!("{other:?}"),
    }
}

/// One WebSocket of a session: connects, then relays frames both ways until the
/// session drops its sender (close) or the socket ends (report the close code;
/// 1006 when there was no close frame, as a browser reports it).
async fn run_socket(
    id: SocketId,
    server: SocketAddr,
    source: IpAddr,
    mut outgoing: mpsc::UnboundedReceiver<ClientMessage>,
    events: mpsc::UnboundedSender<(SocketId, SocketEvent)>,
) {
    let closed = |code: u16, reason: String| (id, SocketEvent::Closed(code, reason));
    let mut ws = match net::open(server, source).await {
        Ok(ws) => ws,
        Err(err) => {
            let _ = events.send(closed(1006, err.to_string()));
            return;
        }
    };
    let _ = events.send((id, SocketEvent::Opened));
    loop {
        tokio::select! {
            message = outgoing.recv() => match message {
                Some(message) => {
                    // Serialising the protocol's own types cannot fail.
                    let text = serde_json::to_string(&message).expect("serialisable message");
                    if ws.send(Message::text(text)).await.is_err() {
                        let _ = events.send(closed(1006, "send failed".into()));
                        return;
                    }
                }
                None => {
                    let _ = ws.close(None).await;
                    return;
                }
            },
            frame = ws.next() => {
                let event = match frame {
                    Some(Ok(Message::Text(text))) => match serde_json::from_str(&text) {
                        Ok(message) => SocketEvent::Message(message),
                        Err(err) => SocketEvent::Unreadable(err.to_string()),
                    },
                    Some(Ok(Message::Close(frame))) => {
                        let (code, reason) = frame
                            .map(|f| (u16::from(f.code), f.reason.to_string()))
                            .unwrap_or((1005, String::new()));
                        // Sends the close reply tungstenite queued.
                        let _ = ws.flush().await;
                        let _ = events.send(closed(code, reason));
                        return;
                    }
                    Some(Ok(_)) => continue,
                    Some(Err(err)) => {
                        let _ = events.send(closed(1006, err.to_string()));
                        return;
                    }
                    None => {
                        let _ = events.send(closed(1006, "connection lost".into()));
                        return;
                    }
                };
                if events.send((id, event)).is_err() {
                    return;
                }
            }
        }
    }
}
