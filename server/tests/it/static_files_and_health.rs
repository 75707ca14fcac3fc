//! The server serves the demo page at `/`, the SDK package at `/pkg/` (wasm as
//! `application/wasm`), and `GET /healthz`.

use crate::common::{config, TestServer};
use nim_server::Policy;

#[tokio::test]
async fn www_pkg_and_healthz_are_served() {
    let root = crate::common::temp_data().with_extension("d");
    let (www, pkg) = (root.join("www"), root.join("pkg"));
    std::fs::create_dir_all(&www).unwrap();
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(www.join("index.html"), "<h1>demo</h1>").unwrap();
    std::fs::write(pkg.join("nim_wasm_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(pkg.join("nim_wasm.js"), "export default 1;").unwrap();
    let mut config = config(Policy::Multi(10));
    config.www = Some(www);
    config.pkg = Some(pkg);
    let server = TestServer::start_with(config).await;
    let http = server.http();

    let index = http.get(server.url("/")).send().await.unwrap();
    assert_eq!(index.status(), 200);
    assert_eq!(index.text().await.unwrap(), "<h1>demo</h1>");

    let wasm = http
        .get(server.url("/pkg/nim_wasm_bg.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");

    let js = http
        .get(server.url("/pkg/nim_wasm.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(js.status(), 200);
    assert!(js.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));

    let health = http.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    let missing = http.get(server.url("/nope.html")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let _ = std::fs::remove_dir_all(root);
}
