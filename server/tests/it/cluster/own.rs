//! A Redis and a PostgreSQL of a test's own, on free loopback ports with their data
//! in a temporary folder, started the way `scripts/services.sh` starts them, so a
//! fault test can kill, stop and restart them without touching anyone else's.
//! The tests using it are `#[ignore]`d under a plain `cargo test`;
//! `scripts/test-cluster.sh` installs both and runs them, and without `redis-server` or
//! PostgreSQL's `initdb` they fail.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::unique;

/// A free loopback port (bound, then released).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

fn postgres_bin() -> Option<PathBuf> {
    if let Ok(bin) = std::env::var("PGBIN") {
        return Some(PathBuf::from(bin));
    }
    let mut bins: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    bins.sort();
    bins.pop()
}

fn have(command: &str) -> bool {
    Command::new(command)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Fails the test unless both can be started here.
pub fn require() {
    assert!(
        have("redis-server") && postgres_bin().is_some(),
        "redis-server or PostgreSQL's initdb is not installed: run scripts/test-cluster.sh, \
         which installs both"
    );
}

/// A Redis without persistence: killed, it comes back empty.
pub struct OwnRedis {
    pub port: u16,
    child: Option<Child>,
}

impl OwnRedis {
    pub async fn start() -> OwnRedis {
        let mut redis = OwnRedis {
            port: free_port(),
            child: None,
        };
        redis.restart().await;
        redis
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// SIGKILL: everything in it is lost.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it (again, empty) on its port and waits until it answers.
    pub async fn restart(&mut self) {
        self.kill();
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(std::env::temp_dir())
            .stdout(Stdio::null())
            .spawn()
            .expect("start redis-server");
        self.child = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(self.addr()).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("redis-server did not start on {}", self.port);
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A PostgreSQL cluster in a temporary folder, trust authentication for `nim`.
pub struct OwnPostgres {
    pub port: u16,
    dir: PathBuf,
    bin: PathBuf,
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0")
}

/// PostgreSQL refuses to run as root: as root its tools run as `postgres`.
fn as_postgres(bin: &std::path::Path, tool: &str) -> Command {
    let tool = bin.join(tool);
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(tool);
        command
    } else {
        Command::new(tool)
    }
}

fn run(mut command: Command, what: &str) {
    let out = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl OwnPostgres {
    pub async fn start() -> OwnPostgres {
        let bin = postgres_bin().expect("PostgreSQL installed");
        let dir = std::env::temp_dir().join(unique("nim-own-pg-"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        if is_root() {
            run(
                {
                    let mut c = Command::new("chown");
                    c.args(["-R", "postgres"]).arg(&dir);
                    c
                },
                "chown",
            );
        }
        let postgres = OwnPostgres {
            port: free_port(),
            dir,
            bin,
        };
        let mut initdb = as_postgres(&postgres.bin, "initdb");
        initdb.arg("-D").arg(postgres.dir.join("pg")).args([
            "-U",
            "nim",
            "--auth=trust",
            "-E",
            "UTF8",
        ]);
        blocking(move || run(initdb, "initdb")).await;
        postgres.resume().await;
        postgres
    }

    pub fn url(&self) -> String {
        format!("postgres://nim@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts it (again) on its port, with the data it had.
    pub async fn resume(&self) {
        let mut start = as_postgres(&self.bin, "pg_ctl");
        start
            .arg("-D")
            .arg(self.dir.join("pg"))
            .arg("-l")
            .arg(self.dir.join("pg.log"))
            .args(["-w", "-t", "30", "-o"])
            .arg(format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
                self.port,
                self.dir.display()
            ))
            .arg("start");
        blocking(move || run(start, "pg_ctl start")).await;
    }

    /// Stops it at once, as a crash would (committed data stays on disk).
    pub async fn stop(&self) {
        let mut stop = as_postgres(&self.bin, "pg_ctl");
        stop.arg("-D")
            .arg(self.dir.join("pg"))
            .args(["-m", "immediate", "stop"]);
        blocking(move || run(stop, "pg_ctl stop")).await;
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let mut stop = as_postgres(&self.bin, "pg_ctl");
        stop.arg("-D")
            .arg(self.dir.join("pg"))
            .args(["-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let _ = stop.status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs a child-process step off the runtime's threads, so the in-process nodes
/// keep running meanwhile.
async fn blocking(step: impl FnOnce() + Send + 'static) {
    tokio::task::spawn_blocking(step).await.expect("step");
}
