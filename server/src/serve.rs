//! The accept loop: every HTTP connection, until it becomes a WebSocket or closes,
//! is bounded in time and counted against its IP address.
//!
//! `axum::serve` gives hyper no timer, so a client that sends nothing, half its
//! headers, or a body one byte at a time held its socket (and a file descriptor)
//! forever. Here hyper's header-read timeout closes a connection that has not sent
//! a whole request head in time (also between keep-alive requests, so an idle
//! connection goes too), the handlers that read a body bound the time to read it
//! whole (`api`), and each IP address may hold only so many connections in that phase: one client's
//! silent sockets cannot exhaust the process's file descriptors. Once upgraded, a
//! WebSocket is bounded by the login timeout and `max_connections` instead.
//!
//! Only HTTP/1.1 is served: WebSockets need it, TLS offers only `http/1.1` by
//! ALPN, and sniffing for HTTP/2 would wait for a silent client's first bytes
//! with no timeout at all.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::pin;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::serve::Listener;
use axum::Router;
use futures_util::FutureExt;
use hyper::body::Incoming;
use hyper::server::conn::http1::Builder;
use hyper::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::watch;
use tower::ServiceExt;
use tracing::debug;

use crate::config::Limits;

/// Serves `router` on `listener` until `stop` completes, then lets each open
/// HTTP connection finish its request and waits for them.
pub async fn serve<L>(
    mut listener: L,
    router: Router,
    limits: &Limits,
    stop: impl Future<Output = ()> + Send + 'static,
) where
    L: Listener<Addr = SocketAddr>,
{
    let per_ip = PerIp::new(limits.max_http_connections_per_ip);
    let mut builder = Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.http_header_timeout);
    let (closing, closing_rx) = watch::channel(false);
    let mut stop = pin!(stop);
    loop {
        let (io, peer) = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut stop => break,
        };
        let Some(slot) = per_ip.take(peer.ip()) else {
            debug!(%peer, "too many HTTP connections from this address: closed");
            continue;
        };
        let router = router.clone().map_request(move |req: Request<Incoming>| {
            let mut req = req.map(Body::new);
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        });
        let builder = builder.clone();
        let mut closing = closing_rx.clone();
        tokio::spawn(async move {
            let io = TokioIo::new(io);
            let service = TowerToHyperService::new(router);
            let mut conn = pin!(builder.serve_connection(io, service).with_upgrades());
            let result = tokio::select! {
                result = conn.as_mut() => result,
                () = closing.wait_for(|closing| *closing).map(|_| ()) => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(err) = result {
                debug!(%peer, %err, "HTTP connection ended");
            }
            drop(slot);
        });
    }
    drop(listener);
    drop(closing_rx);
    let _ = closing.send(true);
    closing.closed().await;
}

/// How many connections each IP address holds in the HTTP phase.
#[derive(Clone)]
struct PerIp {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
    cap: usize,
}

/// One counted connection; dropping it frees its place.
struct Slot {
    per_ip: PerIp,
    ip: IpAddr,
}

impl PerIp {
    fn new(cap: usize) -> PerIp {
        PerIp {
            open: Arc::default(),
            cap,
        }
    }

    /// A place for one more connection from `ip`, unless it holds the cap already.
    fn take(&self, ip: IpAddr) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(ip).or_insert(0);
        if *count >= self.cap {
            return None;
        }
        *count += 1;
        Some(Slot {
            per_ip: self.clone(),
            ip,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.per_ip.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}
