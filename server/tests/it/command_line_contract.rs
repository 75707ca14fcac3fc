//! The `nim-server` binary keeps the command-line contract that scripts rely on:
//! flags and their environment variables, the "listening on" line with the real
//! port, a clean exit 0 on SIGTERM, and no token in the logs.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{dev_token_at, json_reply, login_reply_at, login_request, now_secs, temp_data};
use nim_protocol::ServerMessage;

const BIN: &str = env!("CARGO_BIN_EXE_nim-server");

/// Starts the binary and returns it with its address from the first stdout line.
fn spawn(cmd: &mut Command, log: &std::path::Path) -> (Child, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .expect("nim-server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("nim-server listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    assert!(!addr.ends_with(":0"), "the real port is printed: {addr}");
    (child, addr)
}

fn terminate(mut child: Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            return;
        }
        assert!(
            Instant::now() < deadline,
            "nim-server did not exit on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Logs in to app `k1` at `addr` and returns the reply.
async fn login(addr: &str, account: &str, token: &str) -> ServerMessage {
    let mut request = login_request(account, token, "tab-1");
    request.app_key = "k1".into();
    login_reply_at(&format!("ws://{addr}/ws"), request).await.1
}

#[test]
fn help_explains_every_flag() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for word in [
        "--listen",
        "--app",
        "--www",
        "--pkg",
        "--data",
        "--dev",
        "--config",
        "NIM_LISTEN",
        "NIM_APPS",
        "NIM_WWW",
        "NIM_PKG",
        "NIM_DATA",
        "NIM_DEV",
    ] {
        assert!(help.contains(word), "--help lacks {word}:\n{help}");
    }
}

#[tokio::test]
async fn flags_start_a_server_that_exits_cleanly_on_sigterm() {
    let data = temp_data();
    let log = data.with_extension("log");
    let (child, addr) = spawn(
        Command::new(BIN)
            .args(["--listen", "127.0.0.1:0", "--app", "k1:s1", "--data"])
            .arg(&data)
            .env_remove("NIM_APPS")
            .env_remove("NIM_DEV"),
        &log,
    );

    let token = "very-secret-token-4711";
    let cur_time = now_secs().to_string();
    let reply = json_reply(
        reqwest::Client::new()
            .post(format!("http://{addr}/nimserver/user/create.action"))
            .header("AppKey", "k1")
            .header("Nonce", "nonce-1")
            .header("CurTime", &cur_time)
            .header(
                "CheckSum",
                nim_server::api::checksum("s1", "nonce-1", &cur_time),
            )
            .form(&[("accid", "alice"), ("token", token)]),
    )
    .await;
    assert_eq!(reply["code"], 200, "{reply}");
    assert!(matches!(
        login(&addr, "alice", token).await,
        ServerMessage::LoginOk(_)
    ));
    assert!(matches!(
        login(&addr, "alice", "wrong-token-0815").await,
        ServerMessage::LoginFailed(_)
    ));

    terminate(child);
    let logs = std::fs::read_to_string(&log).unwrap();
    assert!(logs.contains("login accepted"), "logs:\n{logs}");
    assert!(!logs.contains(token), "a token was logged:\n{logs}");
    assert!(
        !logs.contains("wrong-token-0815"),
        "a token was logged:\n{logs}"
    );
    assert!(!logs.contains("s1\""), "the secret was logged:\n{logs}");
    let _ = std::fs::remove_file(&data);
    let _ = std::fs::remove_file(&log);
}

#[tokio::test]
async fn environment_variables_configure_the_server() {
    let data = temp_data();
    let log = data.with_extension("log");
    let (child, addr) = spawn(
        Command::new(BIN)
            .env("NIM_LISTEN", "127.0.0.1:0")
            .env("NIM_APPS", "k0:s0,k1:s1:single")
            .env("NIM_DATA", &data)
            .env("NIM_DEV", "1"),
        &log,
    );
    let reply = dev_token_at(&reqwest::Client::new(), &addr, "k1", "dave").await;
    assert_eq!(reply["code"], 200, "{reply}");
    let token = reply["info"]["token"].as_str().unwrap();
    assert!(matches!(
        login(&addr, "dave", token).await,
        ServerMessage::LoginOk(_)
    ));
    terminate(child);
    assert!(data.exists(), "NIM_DATA names the database");
    let _ = std::fs::remove_file(&data);
    let _ = std::fs::remove_file(&log);
}

#[tokio::test]
async fn a_config_file_gives_apps_and_limits() {
    let data = temp_data();
    let log = data.with_extension("log");
    let config = data.with_extension("toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:0\"\ndev = true\ndata = {:?}\n\
             [[apps]]\nkey = \"k1\"\nsecret = \"s1\"\npolicy = \"multi\"\nmax_devices = 3\n\
             [limits]\nlogin_timeout_ms = 2000\n",
            data.to_str().unwrap()
        ),
    )
    .unwrap();
    let (child, addr) = spawn(
        Command::new(BIN)
            .arg("--config")
            .arg(&config)
            .env_remove("NIM_APPS")
            .env_remove("NIM_LISTEN")
            .env_remove("NIM_DATA"),
        &log,
    );
    let reply = dev_token_at(&reqwest::Client::new(), &addr, "k1", "erin").await;
    assert_eq!(reply["code"], 200, "{reply}");
    terminate(child);
    for path in [&data, &log, &config] {
        let _ = std::fs::remove_file(path);
    }
}
