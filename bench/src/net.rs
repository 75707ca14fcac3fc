//! Loopback WebSocket connections from several source addresses.
//!
//! One source address has about 28 000 ephemeral ports toward one server port, so
//! the generator spreads its connections over `127.0.0.1`, `127.0.0.2`, ... (all
//! of `127.0.0.0/8` is loopback on Linux). It never connects anywhere but loopback.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::WebSocketStream;

/// A client WebSocket over plain TCP.
pub type Ws = WebSocketStream<TcpStream>;

/// Hands out source addresses `127.0.0.1 ..= 127.0.0.N` in turn.
#[derive(Debug)]
pub struct Sources {
    count: usize,
    next: AtomicUsize,
}

impl Sources {
    /// `count` loopback source addresses (at least 1, at most 254).
    pub fn new(count: usize) -> Self {
        Sources {
            count: count.clamp(1, 254),
            next: AtomicUsize::new(0),
        }
    }

    /// The next source address.
    pub fn next(&self) -> IpAddr {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.count;
        IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1 + i as u8))
    }
}

/// Client buffers sized like the server's: protocol frames are small.
fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0)
}

/// Fails unless `addr` is a loopback address: the generator must never load a
/// real network.
pub fn check_loopback(addr: SocketAddr) -> io::Result<()> {
    if addr.ip().is_loopback() {
        Ok(())
    } else {
        Err(io::Error::other(format!("{addr} is not loopback")))
    }
}

/// Opens a WebSocket to `ws://server/ws` from `source`.
pub async fn open(server: SocketAddr, source: IpAddr) -> io::Result<Ws> {
    check_loopback(server)?;
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(source, 0))?;
    let stream = socket.connect(server).await?;
    stream.set_nodelay(true)?;
    let url = format!("ws://{server}/ws");
    let (ws, _) = tokio_tungstenite::client_async_with_config(url, stream, Some(config()))
        .await
        .map_err(io::Error::other)?;
    Ok(ws)
}
