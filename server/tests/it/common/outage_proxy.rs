//! A TCP proxy that can cut a backend off: while it is down, every connection
//! through it is stalled (nothing relayed, sockets left open, as a dead link or a
//! frozen peer would) and new ones are accepted but never connected; on healing,
//! the stalled connections are cut (closed both sides) and new ones relay again.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A running proxy in front of one upstream.
pub struct OutageProxy {
    /// Where clients connect.
    pub addr: SocketAddr,
    down: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl OutageProxy {
    /// A proxy on a free loopback port in front of `upstream`, relaying.
    pub async fn start(upstream: SocketAddr) -> OutageProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (down, down_rx) = watch::channel(false);
        let task = tokio::spawn(accept(listener, upstream, down_rx));
        OutageProxy { addr, down, task }
    }

    /// Stalls every connection, old and new, until [`OutageProxy::heal`].
    pub fn cut_off(&self) {
        self.down.send_replace(true);
    }

    /// Cuts the stalled connections and relays new ones again.
    pub fn heal(&self) {
        self.down.send_replace(false);
    }
}

impl Drop for OutageProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept(listener: TcpListener, upstream: SocketAddr, down: watch::Receiver<bool>) {
    while let Ok((client, _)) = listener.accept().await {
        let mut down = down.clone();
        tokio::spawn(async move {
            if *down.borrow() {
                let _ = down.wait_for(|down| !*down).await;
                drop(client);
                return;
            }
            if let Ok(server) = TcpStream::connect(upstream).await {
                relay(client, server, down).await;
            }
        });
    }
}

async fn relay(client: TcpStream, server: TcpStream, mut down: watch::Receiver<bool>) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let (mut up, mut back) = (vec![0u8; 8192], vec![0u8; 8192]);
    loop {
        let (n, to_server) = tokio::select! {
            read = client_read.read(&mut up) => (read, true),
            read = server_read.read(&mut back) => (read, false),
            _ = down.wait_for(|down| *down) => break,
        };
        let n = match n {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let written = if to_server {
            server_write.write_all(&up[..n]).await
        } else {
            client_write.write_all(&back[..n]).await
        };
        if written.is_err() {
            return;
        }
    }
    // Stalled until healed, then cut.
    let _ = down.wait_for(|down| !*down).await;
}
