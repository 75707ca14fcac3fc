//! With `--tls-cert` and `--tls-key` the server speaks TLS itself, so a page on
//! https can log in over `wss://`. The certificate here is self-signed, made by the
//! test with rcgen, and trusted by the test's own rustls client.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::common::{config, login_request, TestServer, WAIT};
use futures_util::{SinkExt, StreamExt};
use nim_protocol::{ClientMessage, ServerMessage};
use nim_server::tls::TlsFiles;
use nim_server::Policy;
use tokio::net::TcpStream;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;
use tokio_tungstenite::tungstenite::Message;

/// A self-signed certificate for `localhost`: its PEM files and its DER for the
/// client's trust store.
struct SelfSigned {
    files: TlsFiles,
    der: CertificateDer<'static>,
}

impl SelfSigned {
    fn new() -> SelfSigned {
        let made = rcgen::generate_simple_self_signed(vec!["localhost".into()])
            .expect("rcgen makes a certificate");
        let base = crate::common::temp_data();
        let files = TlsFiles {
            cert: base.with_extension("cert.pem"),
            key: base.with_extension("key.pem"),
        };
        std::fs::write(&files.cert, made.cert.pem()).unwrap();
        std::fs::write(&files.key, made.key_pair.serialize_pem()).unwrap();
        SelfSigned {
            files,
            der: made.cert.der().clone(),
        }
    }

    fn connector(&self) -> TlsConnector {
        let mut roots = RootCertStore::empty();
        roots.add(self.der.clone()).expect("a valid certificate");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        TlsConnector::from(Arc::new(config))
    }
}

impl Drop for SelfSigned {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.files.cert);
        let _ = std::fs::remove_file(&self.files.key);
    }
}

/// A server over TLS whose database already holds alice (token "t"), created
/// through a plain server on the same file first.
async fn tls_server(cert: &SelfSigned) -> TestServer {
    let mut plain = TestServer::start().await;
    plain.create_account("alice", "t").await;
    plain.stop().await;
    let mut config = config(Policy::Multi(10));
    config.data = plain.data.clone();
    config.tls_cert = Some(cert.files.cert.clone());
    config.tls_key = Some(cert.files.key.clone());
    // The plain server is stopped; forgetting it keeps its Drop from deleting the
    // database the TLS server now uses (which deletes it in turn).
    std::mem::forget(plain);
    TestServer::start_with(config).await
}

/// Logs in over wss:// and returns the reply to the login.
async fn wss_login(server: &TestServer, cert: &SelfSigned, device: &str) -> ServerMessage {
    let tcp = TcpStream::connect(server.addr).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let tls = cert
        .connector()
        .connect(name, tcp)
        .await
        .expect("TLS handshake");
    let url = format!("wss://localhost:{}/ws", server.addr.port());
    let (mut ws, _) = tokio_tungstenite::client_async(url, tls)
        .await
        .expect("WebSocket upgrade over TLS");
    let login = ClientMessage::Login(login_request("alice", "t", device));
    let text = serde_json::to_string(&login).unwrap();
    ws.send(Message::text(text)).await.unwrap();
    let reply = match tokio::time::timeout(WAIT, ws.next()).await {
        Ok(Some(Ok(Message::Text(text)))) => serde_json::from_str(text.as_str()).unwrap(),
        other => panic!("expected a reply, got {other:?}"),
    };
    ws.send(Message::text(r#"{"t":"ping"}"#)).await.unwrap();
    match tokio::time::timeout(WAIT, ws.next()).await {
        Ok(Some(Ok(Message::Text(text)))) => assert!(text.contains("pong"), "{text}"),
        other => panic!("expected pong, got {other:?}"),
    }
    reply
}

#[tokio::test]
async fn a_page_on_https_logs_in_over_wss() {
    let cert = SelfSigned::new();
    let server = tls_server(&cert).await;
    let reply = wss_login(&server, &cert, "tab-1").await;
    assert!(matches!(reply, ServerMessage::LoginOk(_)), "{reply:?}");
}

#[tokio::test]
async fn plain_ws_to_the_tls_port_fails_and_the_server_stays_up() {
    let cert = SelfSigned::new();
    let server = tls_server(&cert).await;
    let plain = tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(server.ws_url())).await;
    assert!(
        matches!(plain, Ok(Err(_))),
        "plain ws:// must not work against TLS"
    );
    let reply = wss_login(&server, &cert, "tab-1").await;
    assert!(matches!(reply, ServerMessage::LoginOk(_)), "{reply:?}");
}

#[tokio::test]
async fn a_client_that_never_finishes_its_handshake_holds_up_nobody() {
    let cert = SelfSigned::new();
    let server = tls_server(&cert).await;
    let mut stalled = Vec::new();
    for _ in 0..20 {
        stalled.push(TcpStream::connect(server.addr).await.unwrap());
    }
    let reply = tokio::time::timeout(Duration::from_secs(3), wss_login(&server, &cert, "tab-1"))
        .await
        .expect("a good client gets through while 20 handshakes stall");
    assert!(matches!(reply, ServerMessage::LoginOk(_)), "{reply:?}");
}

#[tokio::test]
async fn the_binary_serves_tls_from_its_flags_and_refuses_a_missing_key() {
    let cert = SelfSigned::new();
    let data = crate::common::temp_data();
    let log = data.with_extension("log");
    let path = |p: &PathBuf| p.to_str().unwrap().to_owned();
    let (cert_path, key_path, data_path) =
        (path(&cert.files.cert), path(&cert.files.key), path(&data));
    let mut running = crate::common::binary::start(
        &[
            "--listen",
            "127.0.0.1:0",
            "--app",
            "k1:s1",
            "--data",
            &data_path,
            "--tls-cert",
            &cert_path,
            "--tls-key",
            &key_path,
        ],
        &[],
        &log,
    );
    let tcp = TcpStream::connect(&running.addr).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let mut tls = cert
        .connector()
        .connect(name, tcp)
        .await
        .expect("TLS handshake");
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    let _ = tls.read_to_string(&mut answer).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    running.terminate();

    let missing = std::process::Command::new(crate::common::binary::BIN)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--app",
            "k1:s1",
            "--data",
            &data_path,
        ])
        .args([
            "--tls-cert",
            &cert_path,
            "--tls-key",
            "/nonexistent/key.pem",
        ])
        .env_remove("NIM_APPS")
        .output()
        .unwrap();
    assert!(!missing.status.success());
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.contains("--tls-key"), "{stderr}");
    assert!(
        missing.stdout.is_empty(),
        "no 'listening' line before failing"
    );
    for p in [&data, &log] {
        let _ = std::fs::remove_file(p);
    }
}
