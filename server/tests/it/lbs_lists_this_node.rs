//! `GET /lbs?k=APPKEY` on one node lists the node itself, as the page reached it;
//! an unknown key gets 403. Any origin may read it.

use crate::common::{TestServer, APP};
use serde_json::Value;

#[tokio::test]
async fn lbs_lists_this_node() {
    let server = TestServer::start().await;

    let reply = server
        .http()
        .get(server.url(&format!("/lbs?k={APP}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        reply.headers()["access-control-allow-origin"]
            .to_str()
            .unwrap(),
        "*"
    );
    let body: Value = reply.json().await.unwrap();
    assert_eq!(body["code"], 200, "{body}");
    assert_eq!(body["link"], serde_json::json!([server.ws_url()]));

    let unknown = server.get_json("/lbs?k=nope").await;
    assert_eq!(unknown["code"], 403);
}
