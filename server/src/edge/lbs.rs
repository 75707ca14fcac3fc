//! `GET /lbs/webconf.jsp?…&k=APPKEY`: NIM's LBS answer, `{"common":{"link":[…]}}`.
//!
//! The links are the nodes `/lbs` lists (every live node with `--redis`, else this
//! node as the page reached it), written as NIM links: `http://host:port`, or
//! `https://` behind TLS. The SDK derives both transports' URLs from a link. An
//! unknown app key gets 403 without `common`, which the SDK counts as a failed LBS.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;
use tracing::warn;

use super::{cors, origin_refused, with_cors};
use crate::shared::Shared;

/// A nim-wasm WebSocket URL (`ws://host:port/ws`) as a NIM link.
fn nim_link(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next().filter(|h| !h.is_empty())?;
    let scheme = match scheme {
        "wss" | "https" => "https",
        _ => "http",
    };
    Some(format!("{scheme}://{host}"))
}

/// This node as the page reached it: `--public-url`, or its `Host`.
fn own_link(shared: &Shared, headers: &HeaderMap) -> Option<String> {
    if let Some(url) = &shared.config.public_url {
        return nim_link(url);
    }
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let scheme = if shared.config.tls_cert.is_some() {
        "https"
    } else {
        "http"
    };
    Some(format!("{scheme}://{host}"))
}

/// `GET /lbs/webconf.jsp`.
pub(crate) async fn webconf(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let Some(cors) = cors(&shared, &headers) else {
        return origin_refused();
    };
    let key = query.get("k").map(String::as_str).unwrap_or("");
    if shared.config.app(key).is_none() {
        let body = json!({ "code": 403, "desc": "unknown appKey" }).to_string();
        return with_cors(cors, (StatusCode::FORBIDDEN, json_type(), body));
    }
    let links: Vec<String> = match shared.sessions.links().await {
        Ok(Some(urls)) => urls.iter().filter_map(|u| nim_link(u)).collect(),
        Ok(None) => own_link(&shared, &headers).into_iter().collect(),
        Err(err) => {
            warn!(error = %err, "listing the live nodes failed");
            let body = json!({ "code": 500, "desc": "server error" }).to_string();
            return with_cors(cors, (StatusCode::INTERNAL_SERVER_ERROR, json_type(), body));
        }
    };
    with_cors(cors, (json_type(), nim_compat::lbs::answer(&links)))
}

fn json_type() -> [(header::HeaderName, &'static str); 1] {
    [(header::CONTENT_TYPE, "application/json")]
}

#[cfg(test)]
mod tests {
    use super::nim_link;

    #[test]
    fn websocket_urls_become_nim_links() {
        let link = |u: &str| nim_link(u);
        assert_eq!(
            link("ws://10.0.0.5:8080/ws").as_deref(),
            Some("http://10.0.0.5:8080")
        );
        assert_eq!(
            link("wss://edge.example/ws").as_deref(),
            Some("https://edge.example")
        );
        assert_eq!(link("not a url"), None);
        assert_eq!(link("ws:///ws"), None);
    }
}
