//! `nim-server`: the login server behind nim-wasm pages.
//!
//! It owns accounts and tokens (SQLite or PostgreSQL, `store`), knows every live
//! device of every account (in memory, `sessions`, or shared through Redis,
//! `cluster`), and enforces each app's multi-device policy, which one pure module
//! decides for both (`policy`). Pages talk to it over one WebSocket at `/ws` in the
//! `nim-protocol` messages (`ws`); the app's backend manages accounts over the
//! NIM-shaped server API ([`api`]). Every setting is one field of [`Config`].
//!
//! ```text
//!  TcpListener ──> serve (timeouts, per-IP cap) ──> axum router ──┬─ /ws ─> one task per connection (ws::serve)
//!                                │           ├─ login::admit: limits, Store::check_login,
//!                                │           │  then the registry (policy, kicks, pushes)
//!                                │           └─ loop: frames, its bounded queue, deadline,
//!                                │              shutdown
//!                                ├─ /websocket, /socket.io/1/, /lbs/webconf.jsp ─> edge:
//!                                │     the official NIM Web SDK, same login and registry
//!                                ├─ /nimserver/user/*.action ─> api (Store, Sessions)
//!                                ├─ /healthz, /metrics
//!                                ├─ /dev/token (only --dev)
//!                                └─ /pkg/ and / (static files)
//! ```
//!
//! [`run`] serves until its `shutdown` future completes, then stops accepting,
//! closes every WebSocket with 1012 (service restart: the SDK retries later), waits
//! for the connection tasks to send their final frames, and returns. Tests call it
//! in-process on a listener bound to port 0.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderName, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tower_http::cors::{Any, CorsLayer};
use tower_http::services::ServeDir;
use tracing::info;

pub mod api;
pub mod api_call;
mod cluster;
pub mod config;
mod edge;
mod error;
mod lbs;
mod limiter;
mod limits;
mod login;
mod metrics;
pub mod origin;
mod outbox;
mod policy;
mod registry;
mod serve;
mod sessions;
mod shared;
mod store;
pub mod tls;
mod ws;

pub use config::{App, Config, Limits, Policy};
pub use error::Error;

use shared::Shared;

/// The WebSocket read buffer per connection, in bytes: protocol frames are small,
/// and this buffer is allocated for every connection for its whole life.
const READ_BUFFER_BYTES: usize = 2048;

/// Serves `config` on `listener` until `shutdown` completes, then closes every
/// connection with 1012 and returns once they are closed.
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    run_when_ready(listener, config, shutdown, || {}).await
}

/// [`run`], calling `ready` once the configured backends (PostgreSQL, Redis) have
/// answered, just before serving: until then nothing is served, and a backend that
/// does not answer within `connect_timeout` ends the run with an error.
pub async fn run_when_ready(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
    ready: impl FnOnce(),
) -> Result<(), Error> {
    config.check()?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let (alive_tx, mut alive_rx) = mpsc::channel::<()>(1);
    let close_grace = config.limits.close_grace;
    let tls = config.tls().as_ref().map(tls::acceptor).transpose()?;
    let public_url = config.public_url.clone().unwrap_or_else(|| {
        let scheme = if tls.is_some() { "wss" } else { "ws" };
        let addr = listener
            .local_addr()
            .map_or_else(|_| "?".into(), |a| a.to_string());
        format!("{scheme}://{addr}/ws")
    });
    let shared = Shared::new(config, stop_rx, alive_tx.downgrade(), public_url).await?;
    let shared = Arc::new(shared);
    info!(
        addr = %listener.local_addr()?,
        apps = shared.config.apps.len(),
        dev = shared.config.dev,
        tls = tls.is_some(),
        any_origin = shared.origins.is_any(),
        "serving"
    );
    ready();
    let app = router(Arc::clone(&shared));
    let stop = async move {
        shutdown.await;
        info!("shutting down: closing every connection with 1012");
        // The receivers live in `Shared`, which outlives this send.
        let _ = stop_tx.send(true);
    };
    serve(listener, tls, app, &shared.config.limits, stop).await?;
    drop(alive_tx);
    // Each connection task bounds its own close by `close_grace`; this bound only
    // guards against a bug.
    let _ = tokio::time::timeout(close_grace * 2 + Duration::from_secs(1), alive_rx.recv()).await;
    shared.sessions.leave().await;
    info!("stopped");
    Ok(())
}

/// Serves `app` on `listener`, over TLS when given an acceptor, until `stop`.
async fn serve(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    app: Router,
    limits: &Limits,
    stop: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    match tls {
        None => {
            // Pushes are small frames sent right after others (`kicked`, then the
            // close): without TCP_NODELAY, Nagle holds them for up to 40 ms.
            let listener = listener.tap_io(|tcp| {
                if let Err(err) = tcp.set_nodelay(true) {
                    tracing::debug!(%err, "TCP_NODELAY not set");
                }
            });
            serve::serve(listener, app, limits, stop).await;
        }
        Some(acceptor) => {
            let listener = tls::TlsListener::new(listener, acceptor)?;
            serve::serve(listener, app, limits, stop).await;
        }
    }
    Ok(())
}

/// The HTTP routes for `shared`'s configuration.
fn router(shared: Arc<Shared>) -> Router {
    let config = &shared.config;
    let mut router = Router::new()
        .route("/ws", get(upgrade))
        .route("/healthz", get(api::healthz))
        .route("/metrics", get(api::metrics))
        .route("/lbs", get(lbs::lbs))
        .route("/nimserver/user/{action}", post(api::user_action));
    if config.dev {
        router = router.route("/dev/token", post(api::dev_token));
    }
    if let Some(pkg) = &config.pkg {
        router = router.nest_service("/pkg", ServeDir::new(pkg));
    }
    if let Some(www) = &config.www {
        router = router.fallback_service(ServeDir::new(www));
    }
    let dev = config.dev;
    let edge = edge::router(Arc::clone(&shared));
    let router = router.with_state(shared);
    let router = if dev {
        router.layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
                .allow_headers([
                    HeaderName::from_static("appkey"),
                    HeaderName::from_static("nonce"),
                    HeaderName::from_static("curtime"),
                    HeaderName::from_static("checksum"),
                    axum::http::header::CONTENT_TYPE,
                ]),
        )
    } else {
        router
    };
    router.merge(edge)
}

/// `GET /ws`: upgrades to a WebSocket with buffers sized for small frames, when
/// the page's origin is allowed (403 otherwise).
async fn upgrade(
    ws: WebSocketUpgrade,
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let origin = headers
        .get(header::ORIGIN)
        .map(|o| o.to_str().unwrap_or(""));
    if !shared.origins.allows(origin) {
        info!(%peer, origin = origin.unwrap_or(""), "WebSocket from a page origin not allowed");
        return (StatusCode::FORBIDDEN, "origin not allowed\n").into_response();
    }
    ws.read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(0)
        .max_message_size(nim_protocol::MAX_FRAME_BYTES)
        .max_frame_size(nim_protocol::MAX_FRAME_BYTES)
        .on_upgrade(move |socket| ws::serve(socket, shared, peer))
}
