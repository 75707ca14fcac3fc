//! A scripted session against the real binary at the most verbose log level: server
//! API calls, dev tokens, logins with right and wrong tokens, a kick, a token
//! refresh, a block. Then every line it logged is searched for the app secret, every
//! token that existed, and every signature: none may appear. And config files with
//! a syntax or type error on a line holding a secret: the error names the file, the
//! line and the key, never the secret.

use crate::common::{
    dev_token_at, json_reply, login_reply_at, login_request, now_secs, temp_data, Client,
};
use nim_protocol::{ClientMessage, KickRequest, ServerMessage};
use serde_json::Value;

const SECRET: &str = "app-secret-9f3c1d";

struct Session {
    http: reqwest::Client,
    addr: String,
    /// Every token and checksum that went over the wire.
    secrets: Vec<String>,
}

impl Session {
    async fn api(&mut self, action: &str, form: &[(&str, &str)]) -> Value {
        let nonce = format!("{:032x}", rand::random::<u128>());
        let time = now_secs().to_string();
        let sum = nim_server::api::checksum(SECRET, &nonce, &time);
        self.secrets.push(sum.clone());
        let reply = json_reply(
            self.http
                .post(format!("http://{}/nimserver/user/{action}", self.addr))
                .header("AppKey", "k1")
                .header("Nonce", nonce)
                .header("CurTime", time)
                .header("CheckSum", sum)
                .form(form),
        )
        .await;
        if let Some(token) = reply["info"]["token"].as_str() {
            self.secrets.push(token.to_owned());
        }
        reply
    }

    async fn login(&self, account: &str, token: &str, device: &str) -> (Client, ServerMessage) {
        let mut request = login_request(account, token, device);
        request.app_key = "k1".into();
        request.login_ext = format!("ext-{token}");
        login_reply_at(&format!("ws://{}/ws", self.addr), request).await
    }
}

#[tokio::test]
async fn no_secret_or_token_in_any_log_line() {
    let data = temp_data();
    let log = data.with_extension("log");
    let data_path = data.to_str().unwrap().to_owned();
    let app = format!("k1:{SECRET}");
    let mut running = crate::common::binary::start(
        &[
            "--listen",
            "127.0.0.1:0",
            "--app",
            &app,
            "--data",
            &data_path,
            "--dev",
        ],
        &[("RUST_LOG", "trace"), ("NIM_LOG_FORMAT", "json")],
        &log,
    );
    let mut s = Session {
        http: reqwest::Client::new(),
        addr: running.addr.clone(),
        secrets: vec![SECRET.to_owned()],
    };

    let chosen = "chosen-token-5d8e2a";
    s.secrets.push(chosen.into());
    assert_eq!(
        s.api("create.action", &[("accid", "alice"), ("token", chosen)])
            .await["code"],
        200
    );
    let bob = s.api("create.action", &[("accid", "bob")]).await;
    let bob_token = bob["info"]["token"].as_str().unwrap().to_owned();
    let dev = dev_token_at(&s.http, &s.addr, "k1", "carol").await;
    let carol_token = dev["info"]["token"].as_str().unwrap().to_owned();
    s.secrets.push(carol_token.clone());

    let (mut alice1, ok) = s.login("alice", chosen, "a-1").await;
    assert!(matches!(ok, ServerMessage::LoginOk(_)), "{ok:?}");
    let (mut alice2, _) = s.login("alice", chosen, "a-2").await;
    let wrong = "wrong-guess-77aa41";
    s.secrets.push(wrong.into());
    let (_, refused) = s.login("alice", wrong, "a-3").await;
    assert!(
        matches!(refused, ServerMessage::LoginFailed(_)),
        "{refused:?}"
    );
    let (_carol, ok) = s.login("carol", &carol_token, "c-1").await;
    assert!(matches!(ok, ServerMessage::LoginOk(_)), "{ok:?}");
    let (mut bob1, ok) = s.login("bob", &bob_token, "b-1").await;
    assert!(matches!(ok, ServerMessage::LoginOk(_)), "{ok:?}");

    alice2
        .send(&ClientMessage::Kick(KickRequest {
            id: 2,
            device_ids: vec!["a-1".into()],
            custom: "bye".into(),
        }))
        .await;
    let _ = alice1.recv().await;
    let updated = "updated-token-c0ffee";
    s.secrets.push(updated.into());
    assert_eq!(
        s.api("update.action", &[("accid", "alice"), ("token", updated)])
            .await["code"],
        200
    );
    assert_eq!(
        s.api("refreshToken.action", &[("accid", "bob")]).await["code"],
        200
    );
    assert_eq!(
        s.api("block.action", &[("accid", "bob"), ("needkick", "true")])
            .await["code"],
        200
    );
    let _ = bob1.recv().await;
    let (_, ok) = s.login("alice", updated, "a-4").await;
    assert!(matches!(ok, ServerMessage::LoginOk(_)), "{ok:?}");
    running.terminate();

    let logs = running.logs();
    assert!(logs.lines().count() > 20, "expected verbose logs:\n{logs}");
    assert!(logs.contains("login accepted"), "{logs}");
    for secret in &s.secrets {
        for line in logs.lines() {
            assert!(
                !line.contains(secret.as_str()),
                "{secret:?} was logged: {line}"
            );
        }
    }
    let _ = std::fs::remove_file(&data);
    let _ = std::fs::remove_file(&log);
}

/// A file whose line `line` (1-based) holds `key` with a broken value.
struct BrokenConfig {
    text: String,
    line: usize,
    key: &'static str,
}

fn broken_configs() -> Vec<BrokenConfig> {
    let head = "listen = \"127.0.0.1:0\"\n[[apps]]\nkey = \"k1\"\n";
    let broken = |key, value: &str, tail: &str| BrokenConfig {
        text: format!("{head}{key} = {value}\n{tail}"),
        line: 4,
        key,
    };
    vec![
        // An unterminated string: a syntax error on the secret's line.
        broken("secret", &format!("\"{SECRET}"), ""),
        // Unquoted: also a syntax error.
        broken("secret", SECRET, ""),
        // A database URL with a password, unquoted.
        BrokenConfig {
            text: format!("{head}secret = \"s\"\n\ndatabase = {PG_URL}\n"),
            line: 6,
            key: "database",
        },
        // A well-formed file whose secret has the wrong type, then an array.
        broken("secret", &format!("[\"{SECRET}\"]"), ""),
        BrokenConfig {
            text: format!("redis = {{ url = \"{REDIS_URL}\" }}\n"),
            line: 1,
            key: "redis",
        },
    ]
}

const PG_URL: &str = "postgres://nim:pg-password-4b7e@db.example:5432/nim";
const REDIS_URL: &str = "redis://:redis-password-e1a9@cache.example:6379/0";

#[test]
fn config_errors_name_the_file_line_and_key_but_no_secret() {
    for (i, config) in broken_configs().into_iter().enumerate() {
        let path = temp_data().with_extension(format!("{i}.toml"));
        std::fs::write(&path, &config.text).unwrap();
        let out = std::process::Command::new(crate::common::binary::BIN)
            .arg("--config")
            .arg(&path)
            .env_remove("NIM_APPS")
            .env_remove("NIM_CONFIG")
            .env("RUST_LOG", "trace")
            .output()
            .unwrap();
        let _ = std::fs::remove_file(&path);
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.status.success(), "{}: started\n{printed}", config.text);
        for secret in [SECRET, "pg-password-4b7e", "redis-password-e1a9"] {
            assert!(
                !printed.contains(secret),
                "{secret:?} printed for\n{}\n{printed}",
                config.text
            );
        }
        let place = format!("{}:{}:", path.display(), config.line);
        assert!(printed.contains(&place), "no {place} in {printed}");
        let key = format!("`{}`", config.key);
        assert!(printed.contains(&key), "no key {key} in {printed}");
    }
}
