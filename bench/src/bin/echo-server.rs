//! `echo-server`: the baseline for logins per second. A bare WebSocket echo at
//! `/ws` on the same library as `nim-server` (axum 0.8 on tungstenite 0.29) with
//! the same buffer and frame settings, and nothing else. Prints
//! `echo-server listening on http://ADDR`, stops on SIGTERM or ctrl-c.

use std::net::SocketAddr;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use clap::Parser;
use futures_util::StreamExt;
use tokio::net::TcpListener;

/// A bare WebSocket echo server at /ws, the benchmarks' baseline.
#[derive(Debug, Parser)]
struct Cli {
    /// Loopback address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let cli = Cli::parse();
    nim_bench::net::check_loopback(cli.listen)?;
    let listener = TcpListener::bind(cli.listen).await?;
    println!("echo-server listening on http://{}", listener.local_addr()?);
    let app = Router::new().route("/ws", get(upgrade));
    axum::serve(listener, app)
        .with_graceful_shutdown(stopped())
        .await
}

/// `GET /ws` with `nim-server`'s settings.
async fn upgrade(ws: WebSocketUpgrade) -> Response {
    ws.read_buffer_size(2048)
        .write_buffer_size(0)
        .max_message_size(nim_protocol::MAX_FRAME_BYTES)
        .max_frame_size(nim_protocol::MAX_FRAME_BYTES)
        .on_upgrade(echo)
}

/// Sends every data frame back until the socket ends.
async fn echo(mut socket: WebSocket) {
    while let Some(Ok(message)) = socket.next().await {
        match message {
            Message::Text(_) | Message::Binary(_) => {
                if socket.send(message).await.is_err() {
                    return;
                }
            }
            // Reading on lets tungstenite send its close reply, as nim-server does.
            Message::Close(_) | Message::Ping(_) | Message::Pong(_) => {}
        }
    }
}

/// Completes on SIGTERM or ctrl-c.
async fn stopped() {
    use tokio::signal::unix::{signal, SignalKind};
    // Installing a handler fails only when signals are unavailable: then run on.
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(_) => std::future::pending().await,
    }
}
