//! Ready means ready: `nim-server listening on …` is printed (and `/healthz`
//! served) only once PostgreSQL and Redis answered. A backend that accepts the
//! connection but never answers makes the server give up after the `[cluster]`
//! table's `connect_timeout_ms`, exit non-zero and say which backend it was,
//! without printing the URL's password.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::cluster::unique;
use crate::common::{APP, SECRET};

/// Runs the binary against a backend that never answers; its exit, stdout and
/// stderr, and how long it ran.
fn start_against_silence(
    flag: &str,
    url_of: impl Fn(u16) -> String,
) -> (bool, String, String, Duration) {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let config = std::env::temp_dir().join(format!("{}.toml", unique("nim-silent-")));
    std::fs::write(&config, "[cluster]\nconnect_timeout_ms = 1500\n").expect("write config");
    let data = crate::common::temp_data();
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_nim-server"))
        .args(["--listen", "127.0.0.1:0"])
        .args(["--app", &format!("{APP}:{SECRET}")])
        .arg("--data")
        .arg(&data)
        .args([flag, &url_of(port)])
        .arg("--config")
        .arg(&config)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nim-server");
    // Accepted, then never answered.
    let held = silent.accept().ok();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "still running after 20 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let ran = started.elapsed();
    drop(held);
    let (mut out, mut err) = (String::new(), String::new());
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("stdout");
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    let _ = std::fs::remove_file(&config);
    let _ = std::fs::remove_file(&data);
    (status.success(), out, err, ran)
}

#[test]
fn a_postgres_that_never_answers_ends_the_start_with_a_clear_message() {
    let (ok, out, err, ran) = start_against_silence("--database", |port| {
        format!("postgres://nim:hunter2@127.0.0.1:{port}/nim")
    });
    assert!(!ok, "exit status must be non-zero");
    assert_eq!(out, "", "no listening line before the backends answered");
    assert!(
        err.contains("PostgreSQL (--database) did not answer within 1500 ms"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "the password leaked: {err}");
    assert!(
        ran >= Duration::from_millis(1400) && ran < Duration::from_secs(10),
        "{ran:?}"
    );
}

#[test]
fn a_redis_that_never_answers_ends_the_start_with_a_clear_message() {
    let (ok, out, err, ran) = start_against_silence("--redis", |port| {
        format!("redis://:hunter2@127.0.0.1:{port}/")
    });
    assert!(!ok, "exit status must be non-zero");
    assert_eq!(out, "", "no listening line before the backends answered");
    assert!(
        err.contains("Redis (--redis) did not answer within 1500 ms"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "the password leaked: {err}");
    assert!(
        ran >= Duration::from_millis(1400) && ran < Duration::from_secs(10),
        "{ran:?}"
    );
}
