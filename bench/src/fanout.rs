//! Fan-out: an account with ten devices; one of them logs in or out, and the
//! clock runs until all nine others have the `loginPorts` push. [`measure`] does
//! it against several nodes too (the `cluster` phase), watchers spread over them.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use nim_protocol::{ClientMessage, LogoutRequest, ServerMessage};
use serde::Serialize;
use tokio::sync::mpsc;

use crate::device::{create_accounts, login_request, Device};
use crate::net::Sources;
use crate::process::{start_nim_server, WorkDir};
use crate::progress;
use crate::stats::Summary;

/// How long one round may wait for its pushes before it counts as lost.
const ROUND_LIMIT: Duration = Duration::from_secs(10);

/// Fan-out latencies.
#[derive(Debug, Serialize)]
pub struct FanoutReport {
    /// Devices of the account, the mover included.
    pub devices: usize,
    /// From the mover's `login` frame until every other device has its push, ms.
    pub login_ms: Option<Summary>,
    /// From the mover's `logout` frame until every other device has its push, ms.
    pub logout_ms: Option<Summary>,
    /// Rounds whose pushes did not all arrive within 10 s.
    pub lost_rounds: usize,
}

/// A `loginPorts` entry seen by watcher `watcher`.
struct Seen {
    watcher: usize,
    device_id: String,
    online: bool,
    at: Instant,
}

/// Runs `rounds` login/logout rounds of one mover against `devices - 1` watchers.
pub async fn run(
    server_bin: &Path,
    work: &Path,
    sources: Arc<Sources>,
    rounds: usize,
    devices: usize,
) -> io::Result<FanoutReport> {
    let dir = WorkDir::new(work, "fanout")?;
    let server = start_nim_server(server_bin, &dir.path, "127.0.0.1:0", devices).await?;
    let report = measure(&[server.addr], &sources, rounds, devices).await?;
    server.stop().await?;
    eprintln!("fan-out: {report:?}");
    Ok(report)
}

/// The rounds of [`run`] against running `nodes` (each with a `multi` app of at
/// least `devices`): the mover logs in on the first node, watcher `w` is on
/// `nodes[w % len]`, so with several nodes most pushes cross nodes.
pub async fn measure(
    nodes: &[SocketAddr],
    sources: &Sources,
    rounds: usize,
    devices: usize,
) -> io::Result<FanoutReport> {
    let account = create_accounts(nodes[0], "fanout", 1, 1).await?.remove(0);
    let watchers = devices - 1;
    let (tx, mut seen) = mpsc::unbounded_channel();
    for watcher in 0..watchers {
        let id = format!("watcher-{watcher}");
        let node = nodes[watcher % nodes.len()];
        let (mut device, _) = Device::login(node, sources.next(), &account, &id).await?;
        let tx = tx.clone();
        tokio::spawn(async move {
            while let Ok(message) = device.recv().await {
                let ServerMessage::LoginPorts(change) = message else {
                    continue;
                };
                for port in change.ports {
                    let at = Instant::now();
                    let (device_id, online) = (port.device_id, port.online);
                    let _ = tx.send(Seen {
                        watcher,
                        device_id,
                        online,
                        at,
                    });
                }
            }
        });
    }
    let (mut login_ms, mut logout_ms, mut lost_rounds) = (Vec::new(), Vec::new(), 0);
    let bar = progress::bar(rounds as u64, "fan-out");
    for round in 0..rounds {
        let mover_id = format!("mover-{round}");
        let mut mover = Device::open(nodes[0], sources.next()).await?;
        let t0 = Instant::now();
        mover
            .send(&login_request(&account, &mover_id, false))
            .await?;
        match all_saw(&mut seen, watchers, &mover_id, true).await {
            Some(last) => login_ms.push(ms(last - t0)),
            None => lost_rounds += 1,
        }
        let t1 = Instant::now();
        mover
            .send(&ClientMessage::Logout(LogoutRequest { id: 2 }))
            .await?;
        match all_saw(&mut seen, watchers, &mover_id, false).await {
            Some(last) => logout_ms.push(ms(last - t1)),
            None => lost_rounds += 1,
        }
        mover.closed().await;
        bar.inc(1);
    }
    bar.finish();
    Ok(FanoutReport {
        devices,
        login_ms: Summary::of(&login_ms),
        logout_ms: Summary::of(&logout_ms),
        lost_rounds,
    })
}

/// Waits until each of `watchers` saw `device_id` with `online`; the time of the last.
async fn all_saw(
    seen: &mut mpsc::UnboundedReceiver<Seen>,
    watchers: usize,
    device_id: &str,
    online: bool,
) -> Option<Instant> {
    let mut got = vec![false; watchers];
    let mut last = None;
    let deadline = tokio::time::Instant::now() + ROUND_LIMIT;
    while got.iter().any(|g| !g) {
        let entry = tokio::time::timeout_at(deadline, seen.recv())
            .await
            .ok()??;
        if entry.device_id == device_id && entry.online == online && !got[entry.watcher] {
            got[entry.watcher] = true;
            last = Some(entry.at);
        }
    }
    last
}

/// A duration in ms.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
