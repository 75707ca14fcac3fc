//! Idle authenticated sessions: the server's resident memory per logged-in device
//! that does nothing, at growing numbers of devices.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::Semaphore;

use crate::device::{create_accounts, Account, Device};
use crate::net::Sources;
use crate::process::{start_nim_server, WorkDir};
use crate::{http, progress};

/// One step: the server's memory with `sessions` idle devices.
#[derive(Debug, Serialize)]
pub struct IdleStep {
    /// Logged-in devices held.
    pub sessions: usize,
    /// The server's RSS, KiB.
    pub rss_kib: u64,
    /// `(rss - rss before any login) / sessions`, bytes.
    pub bytes_per_session: f64,
    /// `nim_sessions_live` as the server reports it.
    pub sessions_live: f64,
    /// Seconds the logins of this step took.
    pub login_seconds: f64,
}

/// The result of the idle phase.
#[derive(Debug, Serialize)]
pub struct IdleReport {
    /// Devices per account.
    pub devices_per_account: usize,
    /// The server's RSS with its accounts created and no one logged in, KiB.
    pub baseline_rss_kib: u64,
    /// The steps reached, in order.
    pub steps: Vec<IdleStep>,
}

/// Logs in devices (`devices_per_account` per account, accounts filled in turn)
/// until each of `steps` is reached, holding them all, and reads the server's RSS
/// at each step.
pub async fn run(
    server_bin: &Path,
    work: &Path,
    sources: Arc<Sources>,
    steps: &[usize],
    devices_per_account: usize,
) -> io::Result<IdleReport> {
    let dir = WorkDir::new(work, "idle")?;
    let server =
        start_nim_server(server_bin, &dir.path, "127.0.0.1:0", devices_per_account).await?;
    let most = steps.iter().copied().max().unwrap_or(0);
    let accounts = Arc::new(
        create_accounts(server.addr, "idle", most.div_ceil(devices_per_account), 64).await?,
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let baseline = server.rss_kib()?;
    let mut held: Vec<Device> = Vec::with_capacity(most);
    let mut report = IdleReport {
        devices_per_account,
        baseline_rss_kib: baseline,
        steps: Vec::new(),
    };
    for &step in steps {
        let started = Instant::now();
        let bar = progress::bar((step - held.len()) as u64, &format!("idle {step}"));
        let from = held.len();
        held.extend(
            log_in(
                server.addr,
                &sources,
                &accounts,
                from..step,
                devices_per_account,
                &bar,
            )
            .await?,
        );
        bar.finish();
        let login_seconds = started.elapsed().as_secs_f64();
        // Let the pushes of the last logins drain before reading the memory.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let rss_kib = server.rss_kib()?;
        let metrics = server.metrics().await?;
        let line = IdleStep {
            sessions: step,
            rss_kib,
            bytes_per_session: (rss_kib.saturating_sub(baseline) * 1024) as f64 / step as f64,
            sessions_live: http::metric(&metrics, "nim_sessions_live").unwrap_or(f64::NAN),
            login_seconds,
        };
        eprintln!(
            "idle: {} sessions, server RSS {} KiB, {:.0} bytes per session",
            line.sessions, line.rss_kib, line.bytes_per_session
        );
        report.steps.push(line);
    }
    drop(held);
    server.stop().await?;
    Ok(report)
}

/// Logs in the devices numbered `range` (device `i` is device `i % per_account`
/// of account `i / per_account`), 256 at a time.
async fn log_in(
    server: SocketAddr,
    sources: &Arc<Sources>,
    accounts: &Arc<Vec<Account>>,
    range: std::ops::Range<usize>,
    per_account: usize,
    bar: &indicatif::ProgressBar,
) -> io::Result<Vec<Device>> {
    let gate = Arc::new(Semaphore::new(256));
    let mut tasks = Vec::with_capacity(range.len());
    for i in range {
        // The semaphore is never closed.
        let permit = Arc::clone(&gate)
            .acquire_owned()
            .await
            .expect("open semaphore");
        let (sources, accounts, bar) = (Arc::clone(sources), Arc::clone(accounts), bar.clone());
        tasks.push(tokio::spawn(async move {
            let account = &accounts[i / per_account];
            let device_id = format!("idle-device-{i}");
            let result = Device::login(server, sources.next(), account, &device_id).await;
            drop(permit);
            bar.inc(1);
            result.map(|(device, _)| device)
        }));
    }
    let mut devices = Vec::with_capacity(tasks.len());
    for task in tasks {
        devices.push(task.await.map_err(io::Error::other)??);
    }
    Ok(devices)
}
