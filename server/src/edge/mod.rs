//! The NIM-compatible edge: the official NIM Web SDK (`@yxim/nim-web-sdk` 9.x) logs
//! in to nim-server beside nim-wasm devices, on the same listener.
//!
//! ```text
//!  GET /websocket                      binary NIM packets (browser default)
//!  GET /socket.io/1/                   socket.io 0.9 handshake (Node build,
//!  GET /socket.io/1/websocket/{sid}      or binaryWebsocket: false), NIM JSON packets
//!  GET /lbs/webconf.jsp?…&k=APPKEY     NIM's LBS answer: this node, or every live node
//! ```
//!
//! App keys, accounts, tokens, device policies and blocks are nim-server's own: a
//! NIM login is admitted by the same `login::admit` as `/ws`, and kicks, logouts and
//! closes go through the same registry, so one account's official and nim-wasm
//! devices see and kick each other under one policy, on one node or across a
//! cluster. `nim-compat` does the decoding and encoding; `connection` is the
//! connection loop; `translate` maps between the two protocols' messages.
//!
//! The handshake and the LBS are cross-origin requests from the app's page, the
//! handshake with credentials: an allowed origin is echoed with
//! `Access-Control-Allow-Credentials: true` (any origin when `--allow-origin` is
//! not set), any other gets 403. These routes sit outside `--dev`'s `*` CORS
//! layer, which a credentialed request may not see.

mod connection;
mod lbs;
mod translate;
mod wire;

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tracing::info;

use crate::shared::Shared;
use wire::Wire;

/// The socket.io heartbeat timeout the handshake announces: the client closes the
/// transport when it hears nothing for this long, and the server's heartbeat
/// comes well within it.
// 60 is not zero, checked when the constant is evaluated at compile time.
const SOCKETIO_HEARTBEAT_TIMEOUT_SECS: NonZeroU32 = NonZeroU32::new(60).expect("not zero");
/// The socket.io close timeout the handshake announces (unused by the SDK).
const SOCKETIO_CLOSE_TIMEOUT_SECS: u32 = 60;
/// The WebSocket read buffer per connection, in bytes, as for `/ws`.
const READ_BUFFER_BYTES: usize = 2048;

/// The edge's routes, with their own CORS handling.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/websocket", get(binary))
        .route(nim_compat::socketio::HANDSHAKE_PATH, get(handshake))
        .route("/socket.io/1/websocket/{session}", get(socketio))
        .route(nim_compat::lbs::LBS_PATH, get(lbs::webconf))
        .with_state(shared)
}

/// The CORS headers for a request from `headers`' origin, or `None` when that
/// origin is not allowed. A request without an origin (not from a page) needs none.
fn cors(shared: &Shared, headers: &HeaderMap) -> Option<Vec<(header::HeaderName, HeaderValue)>> {
    let origin = headers.get(header::ORIGIN);
    let text = origin.map(|o| o.to_str().unwrap_or(""));
    if !shared.origins.allows(text) {
        return None;
    }
    Some(match origin {
        Some(origin) => vec![
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone()),
            (
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            ),
            (header::VARY, HeaderValue::from_static("Origin")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        None => vec![(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
    })
}

/// Adds `cors` headers to `body`.
fn with_cors(cors: Vec<(header::HeaderName, HeaderValue)>, body: impl IntoResponse) -> Response {
    let mut response = body.into_response();
    response.headers_mut().extend(cors);
    response
}

fn origin_refused() -> Response {
    (StatusCode::FORBIDDEN, "origin not allowed\n").into_response()
}

/// `GET /socket.io/1/`: a session id and the heartbeat timeout. The session holds no
/// state until the WebSocket opens, so any id the handshake gave is accepted there.
async fn handshake(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let Some(cors) = cors(&shared, &headers) else {
        return origin_refused();
    };
    let session = format!("sio{:016x}", rand::random::<u64>());
    let body = nim_compat::socketio::handshake_body(
        &session,
        SOCKETIO_HEARTBEAT_TIMEOUT_SECS,
        SOCKETIO_CLOSE_TIMEOUT_SECS,
    );
    with_cors(cors, ([(header::CONTENT_TYPE, "text/plain")], body))
}

/// Upgrades to a WebSocket speaking `wire`, when the page's origin is allowed.
fn upgrade(
    ws: WebSocketUpgrade,
    shared: Arc<Shared>,
    peer: SocketAddr,
    headers: &HeaderMap,
    wire: Wire,
) -> Response {
    if cors(&shared, headers).is_none() {
        info!(%peer, protocol = wire.label(), "official SDK WebSocket from a page origin not allowed");
        return origin_refused();
    }
    ws.read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(0)
        .max_message_size(nim_compat::MAX_FRAME_BYTES)
        .max_frame_size(nim_compat::MAX_FRAME_BYTES)
        .on_upgrade(move |socket| connection::serve(socket, shared, peer, wire))
}

/// `GET /websocket`: the binary transport.
async fn binary(
    ws: WebSocketUpgrade,
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    upgrade(ws, shared, peer, &headers, Wire::Binary)
}

/// `GET /socket.io/1/websocket/{session}`: the socket.io transport.
async fn socketio(
    ws: WebSocketUpgrade,
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(_session): Path<String>,
    headers: HeaderMap,
) -> Response {
    upgrade(ws, shared, peer, &headers, Wire::SocketIo)
}
