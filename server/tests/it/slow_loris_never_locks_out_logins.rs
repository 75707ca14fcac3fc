//! A client holding many silent or slow HTTP connections (slow-loris): silent,
//! half a request head, a body one byte at a time, idle after a request. Each such
//! connection is closed once its timeout has passed (and not before), an address
//! holds at most `max_http_connections_per_ip` of them (more are closed at once),
//! and other clients log in and get `/healthz` all along.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::common::{config, TestServer};
use nim_server::Policy;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const CAP: usize = 16;
const HEADER_TIMEOUT: Duration = Duration::from_millis(1000);
const BODY_TIMEOUT: Duration = Duration::from_millis(1500);
/// Generous: a loaded machine may be slow to run the timer, never early.
const UPPER: Duration = Duration::from_secs(10);

#[derive(Clone, Copy, Debug)]
enum Loris {
    /// Connects and sends nothing.
    Silent,
    /// Sends part of a WebSocket upgrade request's head, then nothing.
    HalfHead,
    /// Sends a whole head announcing a body, then one body byte at a time.
    SlowBody,
    /// Sends a whole request, reads the answer, then stays idle.
    IdleAfterRequest,
}

const ALL: [Loris; 4] = [
    Loris::Silent,
    Loris::HalfHead,
    Loris::SlowBody,
    Loris::IdleAfterRequest,
];

async fn connect_from(source: &str, server: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(format!("{source}:0").parse().unwrap()).unwrap();
    socket.connect(server).await.unwrap()
}

/// Plays `loris` from `source` until the server closes the connection; how long
/// that took from the connect, and how long from the moment its timeout started.
async fn hold(source: &'static str, server: SocketAddr, loris: Loris) -> (Duration, Duration) {
    let mut stream = connect_from(source, server).await;
    let connected = Instant::now();
    let mut timed_from = connected;
    match loris {
        Loris::Silent => {}
        Loris::HalfHead => {
            let head = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n";
            let _ = stream.write_all(head.as_bytes()).await;
        }
        Loris::SlowBody => {
            let head = "POST /nimserver/user/create.action HTTP/1.1\r\nHost: x\r\n\
                        Content-Type: application/x-www-form-urlencoded\r\n\
                        Content-Length: 1000\r\n\r\n";
            let _ = stream.write_all(head.as_bytes()).await;
            timed_from = Instant::now();
            return trickle(stream, connected, timed_from).await;
        }
        Loris::IdleAfterRequest => {
            let request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
            let _ = stream.write_all(request.as_bytes()).await;
            let mut answer = [0; 256];
            let n = stream.read(&mut answer).await.unwrap_or(0);
            if n > 0 {
                timed_from = Instant::now();
            }
        }
    }
    let mut sink = [0; 256];
    let end = tokio::time::timeout(UPPER * 2, async {
        while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
    });
    let _ = end.await;
    (connected.elapsed(), timed_from.elapsed())
}

/// Writes one body byte every 100 ms until the server closes the connection.
async fn trickle(
    mut stream: TcpStream,
    connected: Instant,
    timed_from: Instant,
) -> (Duration, Duration) {
    let (mut read, mut write) = stream.split();
    let mut sink = [0; 256];
    let closed = async { while matches!(read.read(&mut sink).await, Ok(n) if n > 0) {} };
    let drip = async {
        while write.write_all(b"a").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        std::future::pending::<()>().await;
    };
    let _ = tokio::time::timeout(UPPER * 2, async {
        tokio::select! {
            () = closed => {}
            () = drip => {}
        }
    })
    .await;
    (connected.elapsed(), timed_from.elapsed())
}

async fn server() -> TestServer {
    let mut config = config(Policy::Multi(10));
    config.limits.max_http_connections_per_ip = CAP;
    config.limits.http_header_timeout = HEADER_TIMEOUT;
    config.limits.http_body_timeout = BODY_TIMEOUT;
    TestServer::start_with(config).await
}

#[tokio::test]
async fn each_slow_connection_is_closed_after_its_timeout_not_before() {
    let server = server().await;
    let held = ALL.map(|loris| tokio::spawn(hold("127.0.0.3", server.addr, loris)));
    for (loris, task) in ALL.into_iter().zip(held) {
        let (_, waited) = task.await.unwrap();
        let timeout = match loris {
            Loris::SlowBody => BODY_TIMEOUT,
            _ => HEADER_TIMEOUT,
        };
        assert!(
            waited >= timeout.mul_f32(0.9),
            "{loris:?} closed after {waited:?}, before its timeout"
        );
        assert!(waited < UPPER, "{loris:?} still open after {waited:?}");
    }
}

#[tokio::test]
async fn one_clients_silent_sockets_never_stop_others_from_logging_in() {
    let server = server().await;
    for i in 0..20 {
        server.create_account(&format!("user-{i}"), "t").await;
    }
    // Four times the cap from one address, every kind at once.
    let lorises: Vec<_> = (0..4 * CAP)
        .map(|i| tokio::spawn(hold("127.0.0.2", server.addr, ALL[i % ALL.len()])))
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;

    let mut logged_in = Vec::new();
    for i in 0..20 {
        let started = Instant::now();
        let account = format!("user-{i}");
        let login = server.login(&account, "t", "d");
        let (client, _) = tokio::time::timeout(Duration::from_secs(3), login)
            .await
            .unwrap_or_else(|_| panic!("login {i} not answered within 3 s"));
        assert!(started.elapsed() < Duration::from_secs(3));
        logged_in.push(client);
        let health = server.http().get(server.url("/healthz")).send().await;
        assert_eq!(health.unwrap().status().as_u16(), 200);
    }

    let mut at_once = 0;
    let mut after_timeout = 0;
    for task in lorises {
        let (lived, _) = task.await.unwrap();
        assert!(lived < UPPER * 2, "a connection lived {lived:?}");
        if lived < HEADER_TIMEOUT.mul_f32(0.9) {
            at_once += 1;
        } else {
            after_timeout += 1;
        }
    }
    assert_eq!(
        (at_once, after_timeout),
        (3 * CAP, CAP),
        "connections closed at once (over the cap) and after their timeout"
    );
}
