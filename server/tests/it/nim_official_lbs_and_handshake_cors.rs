//! The official SDK's HTTP requests: `GET /lbs/webconf.jsp?…&k=APPKEY` lists this
//! node as a NIM link, and `GET /socket.io/1/` hands out a session; both are
//! cross-origin requests with credentials from the app's page, so the page's
//! origin is echoed with `Access-Control-Allow-Credentials: true`, and an origin
//! outside `--allow-origin` gets 403 there and on both WebSocket paths.

use crate::common::{config, TestServer, APP};
use nim_server::Policy;
use reqwest::header::{HeaderMap, ORIGIN};
use serde_json::{json, Value};

const PAGE: &str = "http://app.example:8080";

async fn get(server: &TestServer, path: &str, origin: &str) -> (u16, HeaderMap, String) {
    let reply = (server
        .http()
        .get(server.url(path))
        .header(ORIGIN, origin)
        .send()
        .await)
        .expect("request");
    let status = reply.status().as_u16();
    let headers = reply.headers().clone();
    (status, headers, reply.text().await.expect("body"))
}

fn assert_credentialed_cors(headers: &HeaderMap) {
    assert_eq!(headers["access-control-allow-origin"], PAGE);
    assert_eq!(headers["access-control-allow-credentials"], "true");
}

#[tokio::test]
async fn lbs_lists_this_node_as_a_nim_link() {
    let server = TestServer::start().await;
    let lbs =
        format!("/lbs/webconf.jsp?id=alice&sv=92112&pv=1&networkType=0&hostEnv=BROWSER&k={APP}");
    let (status, headers, body) = get(&server, &lbs, PAGE).await;
    assert_eq!(status, 200);
    assert_credentialed_cors(&headers);
    let body: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        body["common"]["link"],
        json!([format!("http://{}", server.addr)])
    );
    assert_eq!(body["common"]["link.default"], json!([]));

    let (status, _, body) = get(&server, "/lbs/webconf.jsp?k=nope", PAGE).await;
    assert_eq!(status, 403);
    let body: Value = serde_json::from_str(&body).expect("JSON");
    assert!(
        body.get("common").is_none(),
        "the SDK counts it as a failed LBS"
    );
}

#[tokio::test]
async fn socketio_handshake_hands_out_a_session_with_a_heartbeat_timeout() {
    let server = TestServer::start().await;
    let (status, headers, body) = get(&server, "/socket.io/1/?t=1796597270267", PAGE).await;
    assert_eq!(status, 200);
    assert_credentialed_cors(&headers);
    let parts: Vec<&str> = body.split(':').collect();
    assert_eq!(parts.len(), 4, "{body}");
    assert!(parts[0].starts_with("sio") && parts[0].len() > 3, "{body}");
    assert!(parts[1].parse::<u32>().expect("seconds") > 0);
    assert_eq!(parts[3], "websocket");
}

#[tokio::test]
async fn origins_outside_the_allow_list_are_refused() {
    let mut config = config(Policy::Multi(10));
    config.allow_origins = vec![PAGE.into()];
    let server = TestServer::start_with(config).await;
    let lbs = format!("/lbs/webconf.jsp?k={APP}");
    for path in [lbs.as_str(), "/socket.io/1/?t=1"] {
        let (status, headers, _) = get(&server, path, PAGE).await;
        assert_eq!(status, 200, "{path}");
        assert_credentialed_cors(&headers);
        let (status, headers, _) = get(&server, path, "https://evil.example").await;
        assert_eq!(status, 403, "{path}");
        assert!(headers.get("access-control-allow-origin").is_none());
    }
    for path in ["/websocket", "/socket.io/1/websocket/sio1"] {
        let mut request =
            tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
                format!("ws://{}{path}", server.addr),
            )
            .expect("request");
        request
            .headers_mut()
            .insert(ORIGIN, "https://evil.example".parse().expect("header"));
        let refused = tokio_tungstenite::connect_async(request).await;
        assert!(refused.is_err(), "{path} refused a foreign origin");
    }
}

/// The nodes `GET /lbs/webconf.jsp` on `server` lists, once `expected` many are live.
async fn nim_links(server: &TestServer, expected: usize) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + crate::common::WAIT;
    loop {
        let (_, _, body) = get(server, &format!("/lbs/webconf.jsp?k={APP}"), PAGE).await;
        let body: Value = serde_json::from_str(&body).expect("JSON");
        let mut links: Vec<String> = (body["common"]["link"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|l| l.as_str().map(str::to_owned))
            .collect();
        if links.len() == expected || tokio::time::Instant::now() > deadline {
            links.sort();
            return links;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

on_both_backends!(lbs_lists_every_live_node_as_a_nim_link, Policy::Multi(10));
async fn lbs_lists_every_live_node_as_a_nim_link(nodes: crate::cluster::Nodes) {
    let mut expected: Vec<String> = [nodes.a(), nodes.b()]
        .iter()
        .map(|node| format!("http://{}", node.addr))
        .collect();
    expected.sort();
    expected.dedup();
    assert_eq!(nim_links(nodes.b(), expected.len()).await, expected);
}
