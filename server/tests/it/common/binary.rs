//! The real `nim-server` binary as a child process: started with flags, its address
//! read from its first stdout line, stopped with SIGTERM or SIGKILL.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_nim-server");

/// A running `nim-server` process.
pub struct Running {
    child: Child,
    /// `HOST:PORT` from the "listening on" line.
    pub addr: String,
    /// Where its stderr (the logs) goes.
    pub log: PathBuf,
}

/// Starts the binary with `args` and `env`, logs to `log`; waits for its address.
pub fn start(args: &[&str], env: &[(&str, &str)], log: &Path) -> Running {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("NIM_APPS")
        .env_remove("NIM_DEV")
        .env_remove("NIM_LISTEN")
        .env_remove("NIM_DATA")
        .env_remove("NIM_CONFIG")
        .env_remove("NIM_ALLOW_ORIGINS")
        .env_remove("NIM_TLS_CERT")
        .env_remove("NIM_TLS_KEY");
    for (key, value) in env {
        cmd.env(key, value);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).expect("log file"))
        .spawn()
        .expect("nim-server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped stdout"))
        .read_line(&mut line)
        .expect("read the first line");
    let addr = line
        .trim()
        .strip_prefix("nim-server listening on ")
        .and_then(|url| url.split_once("://"))
        .map(|(_, addr)| addr.to_owned())
        .unwrap_or_else(|| {
            let _ = child.kill();
            let logs = std::fs::read_to_string(log).unwrap_or_default();
            panic!("unexpected first line {line:?}; logs:\n{logs}")
        });
    Running {
        child,
        addr,
        log: log.to_owned(),
    }
}

impl Running {
    /// SIGKILL: no shutdown code runs at all.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits (at most 10 s) for a clean exit.
    pub fn terminate(&mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                assert!(status.success(), "exit status {status}");
                return;
            }
            assert!(Instant::now() < deadline, "nim-server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Its resident set size, in bytes.
    pub fn resident_bytes(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the process status");
        let line = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .expect("a VmRSS line");
        let kib: u64 = line
            .split_whitespace()
            .nth(1)
            .and_then(|n| n.parse().ok())
            .expect("VmRSS in kB");
        kib * 1024
    }

    /// Everything it logged so far.
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
