//! The servers under test, as child processes: `nim-server` (`--profile server` build) with a
//! configuration sized for the load, and the `echo-server` baseline.

use std::fs;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::http;

/// The app every benchmark logs in to.
pub const APP_KEY: &str = "bench";

/// A server child process that printed `... listening on http://ADDR`.
pub struct ServerProcess {
    child: Child,
    /// The address it listens on.
    pub addr: SocketAddr,
}

impl ServerProcess {
    /// Starts `program` with `args`, its stderr going to `log`, and waits for its
    /// address line (at most 30 s).
    pub async fn start(program: &Path, args: &[String], log: &Path) -> io::Result<Self> {
        let mut child = Command::new(program)
            .args(args)
            // `NIM_BENCH_SERVER_LOG` (a `RUST_LOG` filter) to diagnose a run.
            .env(
                "RUST_LOG",
                std::env::var("NIM_BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(fs::File::create(log)?)
            .kill_on_drop(true)
            .spawn()?;
        // `Stdio::piped()` above guarantees the handle.
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let found = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await? {
                if let Some(addr) = line.split("listening on http://").nth(1) {
                    return addr.trim().parse::<SocketAddr>().map_err(io::Error::other);
                }
            }
            Err(io::Error::other("exited before printing its address"))
        })
        .await
        .map_err(|_| io::Error::other("printed no address within 30 s"))?;
        let addr = found.map_err(|e| {
            io::Error::other(format!("{}: {e}; see {}", program.display(), log.display()))
        })?;
        // Keep reading stdout so the child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(ServerProcess { child, addr })
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }

    /// Resident set size now, in KiB (`VmRSS` of `/proc/PID/status`).
    pub fn rss_kib(&self) -> io::Result<u64> {
        let status = fs::read_to_string(format!("/proc/{}/status", self.pid()))?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| io::Error::other("no VmRSS"))
    }

    /// `GET /metrics`.
    pub async fn metrics(&self) -> io::Result<String> {
        Ok(http::request(self.addr, "GET", "/metrics", None).await?.1)
    }

    /// Kills the process at once (SIGKILL), as a crash would, and reaps it.
    pub async fn kill(mut self) -> io::Result<()> {
        self.child.kill().await
    }

    /// Asks the process to shut down (SIGTERM) and waits up to 10 s before killing it.
    pub async fn stop(mut self) -> io::Result<()> {
        if let Some(pid) = self.child.id() {
            // SAFETY: kill(2) with a pid we own and a valid signal number.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
        }
        if tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .is_err()
        {
            self.child.kill().await?;
        }
        Ok(())
    }
}

/// A scratch folder for one benchmark's database, config and logs, removed on drop.
pub struct WorkDir {
    /// Its path.
    pub path: PathBuf,
}

impl WorkDir {
    /// A fresh folder named after `name` under `parent` (tmpfs, so SQLite's fsyncs
    /// measure the server and not the disk).
    pub fn new(parent: &Path, name: &str) -> io::Result<Self> {
        let path = parent.join(format!("nim-bench-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path)?;
        Ok(WorkDir { path })
    }
}

impl Drop for WorkDir {
    /// Kept when `NIM_BENCH_KEEP` is set, for the servers' logs.
    fn drop(&mut self) {
        if std::env::var_os("NIM_BENCH_KEEP").is_some() {
            eprintln!("kept {}", self.path.display());
            return;
        }
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// Where a node keeps accounts and live devices.
#[derive(Debug, Clone, Default)]
pub struct Backend {
    /// PostgreSQL for accounts (`database`); `None`: SQLite in the node's folder.
    pub postgres: Option<String>,
    /// Redis for live devices (`redis`) and the key prefix; `None`: in memory.
    pub redis: Option<(String, String)>,
}

/// Starts `nim-server` in `dir` on `listen` (port 0 for any) in development mode
/// (no per-IP login limit), one `multi` app of `max_devices`, and connection
/// limits high enough for any load on this machine.
pub async fn start_nim_server(
    bin: &Path,
    dir: &Path,
    listen: &str,
    max_devices: usize,
) -> io::Result<ServerProcess> {
    start_node(bin, dir, listen, max_devices, &Backend::default()).await
}

/// [`start_nim_server`] on `backend`: with Redis, one node of a cluster (the
/// default lease and sweep timings).
pub async fn start_node(
    bin: &Path,
    dir: &Path,
    listen: &str,
    max_devices: usize,
    backend: &Backend,
) -> io::Result<ServerProcess> {
    let mut shared = String::new();
    if let Some(url) = &backend.postgres {
        shared.push_str(&format!("database = \"{url}\"\n"));
    }
    if let Some((url, prefix)) = &backend.redis {
        shared.push_str(&format!("redis = \"{url}\"\nredis_prefix = \"{prefix}\"\n"));
    }
    let config = dir.join("nim.toml");
    fs::write(
        &config,
        format!(
            "listen = \"{listen}\"\ndata = \"{data}\"\ndev = true\n{shared}\n\
             [[apps]]\nkey = \"{APP_KEY}\"\nsecret = \"bench-secret\"\npolicy = \"multi\"\n\
             max_devices = {max_devices}\n\n\
             [limits]\nmax_connections = 1000000\nmax_connections_per_account = {per_account}\n\
             max_http_connections_per_ip = 1000000\n",
            data = dir.join("nim.sqlite").display(),
            per_account = max_devices.max(20),
        ),
    )?;
    let args = vec!["--config".to_owned(), config.display().to_string()];
    ServerProcess::start(bin, &args, &dir.join("nim-server.log")).await
}

/// Starts the `echo-server` baseline on a free loopback port.
pub async fn start_echo_server(bin: &Path, dir: &Path) -> io::Result<ServerProcess> {
    let args = vec!["--listen".to_owned(), "127.0.0.1:0".to_owned()];
    ServerProcess::start(bin, &args, &dir.join("echo-server.log")).await
}
