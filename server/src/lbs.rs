//! `GET /lbs?k=APPKEY`: where pages should connect (NIM's "LBS" idea).
//!
//! The reply lists WebSocket URLs in the order to try them:
//! `{"code":200,"link":["ws://10.0.0.5:8080/ws", …]}`. With `--redis` these are the
//! live nodes (each registers its `--public-url`), least loaded first and shuffled
//! among equals; on one node, the node itself, as the page reached it. An unknown
//! key gets `{"code":403,…}`, a Redis failure `{"code":500,…}`. Any origin may read
//! it (pages often live elsewhere than the server).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use tracing::warn;

use crate::shared::Shared;

/// The URL of this node as a page reached it: its `Host`, with `wss` behind TLS.
fn own_link(shared: &Shared, headers: &HeaderMap) -> Option<String> {
    if let Some(url) = &shared.config.public_url {
        return Some(url.clone());
    }
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let scheme = if shared.config.tls_cert.is_some() {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{host}/ws"))
}

/// `GET /lbs?k=APPKEY`.
pub(crate) async fn lbs(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let key = query.get("k").map(String::as_str).unwrap_or("");
    let body = if shared.config.app(key).is_none() {
        json!({ "code": 403, "desc": "unknown appKey" })
    } else {
        match shared.sessions.links().await {
            Ok(Some(links)) => json!({ "code": 200, "link": links }),
            Ok(None) => {
                json!({ "code": 200, "link": own_link(&shared, &headers).into_iter().collect::<Vec<_>>() })
            }
            Err(err) => {
                warn!(error = %err, "listing the live nodes failed");
                json!({ "code": 500, "desc": "server error" })
            }
        }
    };
    (
        [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Json(body),
    )
        .into_response()
}
