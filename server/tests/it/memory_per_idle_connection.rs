//! The design budget: an idle, logged-in connection costs the server process less
//! than 16 KiB of memory. Measured on the real binary: the growth of its resident
//! set while a few hundred more devices log in and idle.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::common::{dev_token_at, login_at, login_request, temp_data, Client};

const BUDGET_BYTES: u64 = 16 * 1024;

fn resident_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

/// Gets a development token for `account` and logs a device in with it.
async fn log_in(http: &reqwest::Client, addr: &str, account: &str) -> Client {
    let reply = dev_token_at(http, addr, "k", account).await;
    let token = reply["info"]["token"].as_str().unwrap();
    let mut request = login_request(account, token, "tab");
    request.app_key = "k".into();
    login_at(&format!("ws://{addr}/ws"), request).await.0
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn memory_per_idle_connection_is_under_16_kib() {
    let data = temp_data();
    let config = data.with_extension("toml");
    std::fs::write(&config, "[limits]\nlogin_attempts_per_ip = 100000\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_nim-server"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--app",
            "k:s",
            "--dev",
            "--config",
        ])
        .arg(&config)
        .arg("--data")
        .arg(&data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line.trim().rsplit('/').next().unwrap().to_owned();
    let http = reqwest::Client::new();

    let mut sockets = Vec::new();
    for i in 0..100 {
        sockets.push(log_in(&http, &addr, &format!("warm-{i}")).await);
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let before = resident_bytes(child.id());
    let more = 400;
    for i in 0..more {
        sockets.push(log_in(&http, &addr, &format!("user-{i}")).await);
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let after = resident_bytes(child.id());
    let per_connection = after.saturating_sub(before) / more;
    println!("resident growth per idle connection: {per_connection} bytes");

    let _ = child.kill();
    let _ = child.wait();
    for path in [&data, &config] {
        let _ = std::fs::remove_file(path);
    }
    assert!(
        per_connection < BUDGET_BYTES,
        "{per_connection} bytes per idle connection"
    );
}
