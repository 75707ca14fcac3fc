//! Scale: many authenticated idle sessions over several nodes on one PostgreSQL and
//! one Redis, the devices held by several load-generator processes
//! ([`crate::scale_worker`], each with its own block of source addresses
//! `127.0.W.1..8`), so no process nears the open-file limit. Then, with everyone
//! resident: each node's RSS per session, Redis `used_memory` per session,
//! `nim_sessions_live` summed against the truth; then one node is killed (SIGKILL)
//! and the run measures how long until its devices are logged in elsewhere, how
//! long until every list is right, and the ghost and missing entries left (after
//! the dead node's lease and sweep); last, with everyone resident again on the
//! survivors, fan-out and kick latency across nodes.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use nim_protocol::{ClientMessage, KickRequest, ServerMessage};
use serde::Serialize;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;

use crate::device::{create_accounts, Device};
use crate::fanout::{self, ms, FanoutReport};
use crate::http;
use crate::net::Sources;
use crate::postgres::Database;
use crate::process::{start_node, Backend, ServerProcess, WorkDir};
use crate::resp::Redis;
use crate::scale_worker::Status;
use crate::stats::Summary;

/// What the phase needs.
pub struct Settings<'a> {
    pub server_bin: &'a Path,
    /// This program, to start the workers.
    pub load_bin: &'a Path,
    pub work: &'a Path,
    pub postgres: String,
    pub redis: String,
    pub nodes: usize,
    pub sessions: usize,
    pub workers: usize,
    pub rounds: usize,
    /// The longest the whole phase may take.
    pub limit: Duration,
}

/// The phase's figures.
#[derive(Debug, Serialize)]
pub struct ScaleReport {
    pub nodes: usize,
    pub workers: usize,
    pub sessions: usize,
    pub devices_per_account: usize,
    /// From starting the workers (account creation included) until every device
    /// was logged in, s.
    pub login_all_secs: f64,
    pub rss_kib_per_node: Vec<u64>,
    pub sessions_per_node: Vec<u64>,
    /// Each node's RSS growth over its empty start, per session it holds.
    pub rss_bytes_per_session: Vec<f64>,
    pub redis_used_memory: u64,
    /// Growth of `used_memory` over the empty start, per session.
    pub redis_bytes_per_session: f64,
    pub sessions_live_sum: u64,
    pub truth: usize,
    pub fanout: FanoutReport,
    pub kick_round_trip_ms: Option<Summary>,
    pub kick_victim_ms: Option<Summary>,
    pub killed_node_sessions: u64,
    /// SIGKILL until the last device's new login, ms.
    pub relogin_all_ms: Option<f64>,
    /// SIGKILL until the last change to any list, once all were right, ms.
    pub lists_right_ms: Option<f64>,
    pub ghosts: usize,
    pub missing: usize,
    pub sessions_live_sum_after: u64,
    pub truth_after: usize,
    pub failed_logins: u64,
}

impl ScaleReport {
    /// What went wrong: devices not back, ghost or missing entries, the gauges
    /// not adding up to the truth.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.relogin_all_ms.is_none() {
            problems.push("the killed node's devices were not all back in time".to_owned());
        }
        if self.ghosts + self.missing > 0 {
            problems.push(format!(
                "{} ghost, {} missing list entries",
                self.ghosts, self.missing
            ));
        }
        if self.sessions_live_sum != self.truth as u64 {
            problems.push(format!(
                "nim_sessions_live {} for {} sessions",
                self.sessions_live_sum, self.truth
            ));
        }
        if self.sessions_live_sum_after != self.truth_after as u64 {
            problems.push(format!(
                "after the kill: nim_sessions_live {} for {} sessions",
                self.sessions_live_sum_after, self.truth_after
            ));
        }
        problems
    }
}

const PER_ACCOUNT: usize = 10;
/// Sessions one node may hold: the 20,000 open files of a process, less its
/// listener, backend connections and files.
const MAX_SESSIONS_PER_NODE: usize = 19_000;

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// A worker process and the latest status it printed.
struct WorkerProcess {
    child: Child,
    status: watch::Receiver<Status>,
}

impl WorkerProcess {
    fn start(
        settings: &Settings,
        nodes: &[SocketAddr],
        w: usize,
        accounts: usize,
    ) -> io::Result<Self> {
        let list: Vec<String> = nodes.iter().map(|n| n.to_string()).collect();
        let mut child = Command::new(settings.load_bin)
            .arg("scale-worker")
            .args(["--nodes", &list.join(",")])
            .args(["--prefix", &format!("scale{w}")])
            .args(["--accounts", &accounts.to_string()])
            .args(["--devices", &PER_ACCOUNT.to_string()])
            .args(["--source-block", &(w + 1).to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        // `Stdio::piped()` above guarantees the handle.
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let (tx, status) = watch::channel(Status::default());
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Ok(status) = serde_json::from_str::<Status>(&line) {
                    let _ = tx.send(status);
                }
            }
        });
        Ok(WorkerProcess { child, status })
    }
}

fn sum(workers: &[WorkerProcess], f: impl Fn(&Status) -> u64) -> u64 {
    workers.iter().map(|w| f(&w.status.borrow())).sum()
}

/// Runs the phase.
pub async fn run(settings: &Settings<'_>) -> io::Result<ScaleReport> {
    let deadline = Instant::now() + settings.limit;
    // After the kill the survivors hold every session, each in one process under
    // the open-file limit.
    let survivors = settings.nodes.saturating_sub(1).max(1);
    if settings.sessions.div_ceil(survivors) > MAX_SESSIONS_PER_NODE {
        return Err(io::Error::other(format!(
            "{} sessions on {survivors} surviving nodes would exceed {MAX_SESSIONS_PER_NODE} per node",
            settings.sessions
        )));
    }
    let database = Database::create(&settings.postgres)?;
    let prefix = format!("scale{}", std::process::id());
    let backend = Backend {
        postgres: Some(database.url.clone()),
        redis: Some((settings.redis.clone(), prefix)),
    };
    let mut dirs = Vec::new();
    let mut nodes = Vec::new();
    for n in 0..settings.nodes {
        let dir = WorkDir::new(settings.work, &format!("scale-node{n}"))?;
        nodes.push(
            start_node(
                settings.server_bin,
                &dir.path,
                "127.0.0.1:0",
                PER_ACCOUNT,
                &backend,
            )
            .await?,
        );
        dirs.push(dir);
    }
    let addrs: Vec<SocketAddr> = nodes.iter().map(|n| n.addr).collect();
    let (rss_empty, _) = resident(&nodes).await?;
    let mut redis = Redis::connect(&settings.redis).await?;
    let memory_empty = info_field(&redis.call(&["INFO", "memory"]).await?, "used_memory");
    let accounts = settings.sessions / PER_ACCOUNT;
    let started = Instant::now();
    let mut workers = Vec::new();
    for w in 0..settings.workers {
        let share = accounts / settings.workers + usize::from(w < accounts % settings.workers);
        workers.push(WorkerProcess::start(settings, &addrs, w, share)?);
    }
    let total = accounts * PER_ACCOUNT;
    wait(
        &workers,
        deadline,
        |s| s.ready_at > 0,
        "every device logged in",
    )
    .await?;
    let login_all_secs = started.elapsed().as_secs_f64();
    eprintln!("scale: {total} sessions logged in in {login_all_secs:.1} s");
    wait(
        &workers,
        deadline,
        |s| s.live == s.devices && s.ghosts + s.missing == 0,
        "lists right",
    )
    .await?;

    let (rss, live) = resident(&nodes).await?;
    let used_memory = info_field(&redis.call(&["INFO", "memory"]).await?, "used_memory");

    let victim = nodes.len() - 1;
    let killed_node_sessions = live[victim];
    let killed = nodes.remove(victim);
    let killed_at = now_ms();
    killed.kill().await?;
    // Each device notices, waits its retry delay and logs in again.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let settled = wait(
        &workers,
        deadline,
        |s| s.live == s.devices && s.ghosts + s.missing == 0,
        "recovered after the kill",
    )
    .await;
    let relogin = workers
        .iter()
        .map(|w| w.status.borrow().last_login_at)
        .max()
        .unwrap_or(0);
    let right = workers
        .iter()
        .map(|w| w.status.borrow().last_change_at)
        .max()
        .unwrap_or(0);
    // The dead node's lease and a sweep: nothing may change the lists after that.
    tokio::time::sleep(Duration::from_secs(12)).await;
    let (_, live_after) = resident(&nodes).await?;
    // Latencies with everyone resident again, on the surviving nodes.
    let addrs: Vec<SocketAddr> = nodes.iter().map(|n| n.addr).collect();
    let sources = Sources::new(8);
    let fanout = fanout::measure(&addrs, &sources, settings.rounds, PER_ACCOUNT).await?;
    let (kick_round_trip_ms, kick_victim_ms) = kicks(&addrs, &sources, settings.rounds).await?;
    let report = ScaleReport {
        nodes: settings.nodes,
        workers: settings.workers,
        sessions: total,
        devices_per_account: PER_ACCOUNT,
        login_all_secs,
        rss_bytes_per_session: (0..rss.len())
            .map(|n| (rss[n] - rss_empty[n].min(rss[n])) as f64 * 1024.0 / live[n].max(1) as f64)
            .collect(),
        rss_kib_per_node: rss,
        sessions_live_sum: live.iter().sum(),
        sessions_per_node: live,
        redis_used_memory: used_memory,
        redis_bytes_per_session: used_memory.saturating_sub(memory_empty) as f64 / total as f64,
        truth: total,
        fanout,
        kick_round_trip_ms,
        kick_victim_ms,
        killed_node_sessions,
        relogin_all_ms: settled
            .is_ok()
            .then(|| relogin.saturating_sub(killed_at) as f64),
        lists_right_ms: settled
            .is_ok()
            .then(|| right.saturating_sub(killed_at) as f64),
        ghosts: sum(&workers, |s| s.ghosts as u64) as usize,
        missing: sum(&workers, |s| s.missing as u64) as usize,
        sessions_live_sum_after: live_after.iter().sum(),
        truth_after: sum(&workers, |s| s.live as u64) as usize,
        failed_logins: sum(&workers, |s| s.failures),
    };
    eprintln!("scale: {report:?}");
    for mut worker in workers {
        drop(worker.child.stdin.take());
        let _ = tokio::time::timeout(Duration::from_secs(5), worker.child.wait()).await;
    }
    for node in nodes {
        node.stop().await?;
    }
    drop(database);
    Ok(report)
}

/// Waits until `done` holds for every worker's status, or fails at `deadline`.
async fn wait(
    workers: &[WorkerProcess],
    deadline: Instant,
    done: impl Fn(&Status) -> bool,
    what: &str,
) -> io::Result<()> {
    loop {
        if workers.iter().all(|w| done(&w.status.borrow())) {
            return Ok(());
        }
        if Instant::now() > deadline {
            let live = sum(workers, |s| s.live as u64);
            let wrong = sum(workers, |s| (s.ghosts + s.missing) as u64);
            return Err(io::Error::other(format!(
                "{what}: not reached in time ({live} live, {wrong} list entries wrong)"
            )));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Each node's RSS (KiB) and `nim_sessions_live`.
async fn resident(nodes: &[ServerProcess]) -> io::Result<(Vec<u64>, Vec<u64>)> {
    let (mut rss, mut live) = (Vec::new(), Vec::new());
    for node in nodes {
        rss.push(node.rss_kib()?);
        let metrics = node.metrics().await?;
        live.push(http::metric(&metrics, "nim_sessions_live").unwrap_or(0.0) as u64);
    }
    Ok((rss, live))
}

fn info_field(info: &str, name: &str) -> u64 {
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// `rounds` kicks, kicker on the first node, each victim on another node.
async fn kicks(
    nodes: &[SocketAddr],
    sources: &Sources,
    rounds: usize,
) -> io::Result<(Option<Summary>, Option<Summary>)> {
    let account = create_accounts(nodes[0], "scale-kick", 1, 1)
        .await?
        .remove(0);
    let (mut kicker, _) = Device::login(nodes[0], sources.next(), &account, "kicker").await?;
    let (mut round_trip, mut victim_ms) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let victim_id = format!("victim-{round}");
        let node = nodes[1 + round % (nodes.len() - 1)];
        let (mut victim, _) = Device::login(node, sources.next(), &account, &victim_id).await?;
        loop {
            if let ServerMessage::LoginPorts(change) = kicker.recv().await? {
                if change
                    .ports
                    .iter()
                    .any(|p| p.device_id == victim_id && p.online)
                {
                    break;
                }
            }
        }
        let victim_task = tokio::spawn(async move {
            loop {
                match victim.recv().await {
                    Ok(ServerMessage::Kicked(_)) => break Some(Instant::now()),
                    Ok(_) => {}
                    Err(_) => break None,
                }
            }
        });
        let t0 = Instant::now();
        let id = round as u32 + 2;
        let kick = KickRequest {
            id,
            device_ids: vec![victim_id],
            custom: String::new(),
        };
        kicker.send(&ClientMessage::Kick(kick)).await?;
        loop {
            match kicker.recv().await? {
                ServerMessage::KickResult(result) if result.id == id => break,
                _ => {}
            }
        }
        round_trip.push(ms(t0.elapsed()));
        if let Ok(Some(at)) = victim_task.await {
            victim_ms.push(ms(at - t0));
        }
    }
    kicker.close().await;
    Ok((Summary::of(&round_trip), Summary::of(&victim_ms)))
}
