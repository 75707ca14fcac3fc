//! The real binary is killed with SIGKILL while accounts are being created and
//! devices are logged in and pinging. Started again on the same database: every
//! account whose creation was acknowledged logs in with its token, every device
//! comes back (as an automatic re-login), and no account lists a device twice.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{login_request, now_secs, temp_data};
use futures_util::{SinkExt, StreamExt};
use nim_protocol::{ClientMessage, LoginRequest, ServerMessage};
use tokio_tungstenite::tungstenite::Message;

const SECRET: &str = "s1";
/// Accounts whose creation was acknowledged before the kill (docs/RELIABILITY.md).
const ACKNOWLEDGED_BEFORE_KILL: usize = 500;

fn start(data: &str, config: &str, log: &std::path::Path) -> crate::common::binary::Running {
    crate::common::binary::start(
        &[
            "--listen",
            "127.0.0.1:0",
            "--app",
            "k1:s1",
            "--data",
            data,
            "--config",
            config,
        ],
        &[],
        log,
    )
}

async fn create(http: &reqwest::Client, addr: &str, accid: &str, token: &str) -> bool {
    let nonce = format!("{:032x}", rand::random::<u128>());
    let time = now_secs().to_string();
    let reply = http
        .post(format!("http://{addr}/nimserver/user/create.action"))
        .header("AppKey", "k1")
        .header("Nonce", &nonce)
        .header("CurTime", &time)
        .header("CheckSum", nim_server::api::checksum(SECRET, &nonce, &time))
        .form(&[("accid", accid), ("token", token)])
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    match reply {
        Ok(reply) => reply
            .json::<serde_json::Value>()
            .await
            .is_ok_and(|v| v["code"] == 200),
        Err(_) => false,
    }
}

fn request(account: &str, token: &str, device: &str, auto: bool) -> LoginRequest {
    let mut request = login_request(account, token, device);
    request.app_key = "k1".into();
    request.auto = auto;
    request
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Logs in and returns the socket and the reply.
async fn login(addr: &str, request: LoginRequest) -> (Ws, ServerMessage) {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws"))
        .await
        .expect("connect");
    let text = serde_json::to_string(&ClientMessage::Login(request)).unwrap();
    ws.send(Message::text(text)).await.unwrap();
    loop {
        match tokio::time::timeout(crate::common::WAIT, ws.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                let reply = serde_json::from_str(text.as_str()).unwrap();
                return (ws, reply);
            }
            Ok(Some(Ok(_))) => continue,
            other => panic!("no login reply: {other:?}"),
        }
    }
}

/// Logs in the four devices of each of the ten `live` accounts; `auto` for the
/// re-logins after the restart.
async fn log_in_live_devices(addr: &str, auto: bool) -> Vec<Ws> {
    let mut devices = Vec::new();
    for a in 0..10 {
        for d in 0..4 {
            let device = format!("l{a}-{d}");
            let (ws, reply) = login(addr, request(&format!("live{a}"), "t", &device, auto)).await;
            assert!(matches!(reply, ServerMessage::LoginOk(_)), "{reply:?}");
            devices.push(ws);
        }
    }
    devices
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_load_loses_nothing_acknowledged() {
    let data = temp_data();
    let log = data.with_extension("log");
    let config = data.with_extension("toml");
    std::fs::write(&config, "[limits]\nlogin_attempts_per_ip = 100000\n").unwrap();
    let (data_s, config_s) = (data.to_str().unwrap(), config.to_str().unwrap());
    let mut running = start(data_s, config_s, &log);
    let http = reqwest::Client::new();

    // Ten accounts with four live devices each, pinging.
    for a in 0..10 {
        assert!(create(&http, &running.addr, &format!("live{a}"), "t").await);
    }
    let devices = log_in_live_devices(&running.addr, false).await;
    let pinging: Vec<_> = devices
        .into_iter()
        .map(|mut ws| {
            tokio::spawn(async move {
                while ws.send(Message::text(r#"{"t":"ping"}"#)).await.is_ok() {
                    if ws.next().await.is_none() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        })
        .collect();

    // Eight writers creating accounts as fast as they can; the acknowledged ones noted.
    let acked = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let (http, addr, acked) = (http.clone(), running.addr.clone(), Arc::clone(&acked));
            tokio::spawn(async move {
                for n in 0.. {
                    let (accid, token) = (format!("w{w}-{n}"), format!("tok-{w}-{n}"));
                    if !create(&http, &addr, &accid, &token).await {
                        break;
                    }
                    acked.lock().unwrap().push((accid, token));
                }
            })
        })
        .collect();
    // The kill comes once the figure docs/RELIABILITY.md states is acknowledged,
    // with the writers still writing.
    let load = async {
        while acked.lock().unwrap().len() < ACKNOWLEDGED_BEFORE_KILL {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(120), load)
        .await
        .unwrap_or_else(|_| {
            let n = acked.lock().unwrap().len();
            panic!("only {n} accounts acknowledged in 120 s")
        });
    running.kill();
    for task in writers.into_iter().chain(pinging) {
        let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= ACKNOWLEDGED_BEFORE_KILL, "{}", acked.len());

    let running = start(data_s, config_s, &log);
    // Every acknowledged account logs in with its token.
    for (accid, token) in &acked {
        let (_, reply) = login(&running.addr, request(accid, token, "check", false)).await;
        assert!(
            matches!(reply, ServerMessage::LoginOk(_)),
            "{accid}: {reply:?}"
        );
    }
    // Every device comes back by itself (an automatic re-login), once.
    let _back = log_in_live_devices(&running.addr, true).await;
    for a in 0..10 {
        let (_probe, reply) = login(
            &running.addr,
            request(&format!("live{a}"), "t", "probe", true),
        )
        .await;
        let ServerMessage::LoginOk(ok) = reply else {
            panic!("probe: {reply:?}");
        };
        let ids: Vec<String> = ok.ports.iter().map(|p| p.device_id.clone()).collect();
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(ids.len(), unique.len(), "duplicate devices: {ids:?}");
        let expected: BTreeSet<String> = (0..4).map(|d| format!("l{a}-{d}")).collect();
        assert_eq!(ids.into_iter().collect::<BTreeSet<_>>(), expected);
    }
    println!(
        "{} accounts acknowledged before SIGKILL, all log in after restart",
        acked.len()
    );
    drop(running);
    for suffix in ["", "-wal", "-shm"] {
        let mut path = data.clone().into_os_string();
        path.push(suffix);
        let _ = std::fs::remove_file(path);
    }
    let _ = std::fs::remove_file(&log);
    let _ = std::fs::remove_file(&config);
}
