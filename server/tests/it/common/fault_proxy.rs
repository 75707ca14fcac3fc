//! A fault-injecting TCP proxy for soak tests: every connection through it is relayed
//! chunk by chunk to the server, and while faults are on each chunk may be delayed,
//! or the connection cut (both sides closed) or stalled (nothing relayed any more,
//! sockets left open, as a dead NAT or a frozen peer would). `calm()` stops new faults
//! and cuts the stalled connections, so the system can quiesce.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Fault probabilities per relayed chunk, while faults are on.
#[derive(Debug, Clone, Copy)]
pub struct Faults {
    /// Close both sides.
    pub cut: f64,
    /// Stop relaying, keep both sides open.
    pub stall: f64,
    /// Hold the chunk back for up to `max_delay`.
    pub delay: f64,
    /// The longest delay.
    pub max_delay: Duration,
}

/// What the proxy did, for the test's report.
#[derive(Debug, Default)]
pub struct FaultCounts {
    pub connections: AtomicU64,
    pub cuts: AtomicU64,
    pub stalls: AtomicU64,
    pub delays: AtomicU64,
}

/// A running proxy.
pub struct FaultProxy {
    /// Where clients connect.
    pub addr: SocketAddr,
    /// What it did so far.
    pub counts: Arc<FaultCounts>,
    calm: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl FaultProxy {
    /// A proxy on a free loopback port in front of `upstream`, faults on.
    pub async fn start(upstream: SocketAddr, faults: Faults) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (calm, calm_rx) = watch::channel(false);
        let counts = Arc::new(FaultCounts::default());
        let task = tokio::spawn(accept(
            listener,
            upstream,
            faults,
            calm_rx,
            Arc::clone(&counts),
        ));
        FaultProxy {
            addr,
            counts,
            calm,
            task,
        }
    }

    /// No new faults; stalled connections are cut.
    pub fn calm(&self) {
        let _ = self.calm.send(true);
    }

    /// A one-line summary of the faults injected.
    pub fn summary(&self) -> String {
        let c = &self.counts;
        format!(
            "{} connections, {} cut, {} stalled, {} chunks delayed",
            c.connections.load(Ordering::Relaxed),
            c.cuts.load(Ordering::Relaxed),
            c.stalls.load(Ordering::Relaxed),
            c.delays.load(Ordering::Relaxed)
        )
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept(
    listener: TcpListener,
    upstream: SocketAddr,
    faults: Faults,
    calm: watch::Receiver<bool>,
    counts: Arc<FaultCounts>,
) {
    while let Ok((client, _)) = listener.accept().await {
        counts.connections.fetch_add(1, Ordering::Relaxed);
        let (calm, counts) = (calm.clone(), Arc::clone(&counts));
        tokio::spawn(async move {
            if let Ok(server) = TcpStream::connect(upstream).await {
                relay(client, server, faults, calm, counts).await;
            }
        });
    }
}

enum Fault {
    Cut,
    Stall,
    Delay(Duration),
}

fn roll(faults: &Faults) -> Option<Fault> {
    let mut rng = rand::thread_rng();
    let x: f64 = rng.gen();
    if x < faults.cut {
        Some(Fault::Cut)
    } else if x < faults.cut + faults.stall {
        Some(Fault::Stall)
    } else if x < faults.cut + faults.stall + faults.delay {
        Some(Fault::Delay(faults.max_delay.mul_f64(rng.gen())))
    } else {
        None
    }
}

async fn relay(
    client: TcpStream,
    server: TcpStream,
    faults: Faults,
    mut calm: watch::Receiver<bool>,
    counts: Arc<FaultCounts>,
) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let (mut up, mut down) = (vec![0u8; 8192], vec![0u8; 8192]);
    loop {
        let (n, to_server) = tokio::select! {
            read = client_read.read(&mut up) => (read, true),
            read = server_read.read(&mut down) => (read, false),
        };
        let n = match n {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if !*calm.borrow() {
            match roll(&faults) {
                Some(Fault::Cut) => {
                    counts.cuts.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                Some(Fault::Stall) => {
                    counts.stalls.fetch_add(1, Ordering::Relaxed);
                    let _ = calm.wait_for(|calm| *calm).await;
                    return;
                }
                Some(Fault::Delay(delay)) => {
                    counts.delays.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(delay).await;
                }
                None => {}
            }
        }
        let written = if to_server {
            server_write.write_all(&up[..n]).await
        } else {
            client_write.write_all(&down[..n]).await
        };
        if written.is_err() {
            return;
        }
    }
}
