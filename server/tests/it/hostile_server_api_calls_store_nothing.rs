//! Bad server API calls get a NIM-style `code` and store nothing: bad or missing
//! signature headers, garbage `CurTime`, missing, malformed or oversized parameters,
//! injection-like `accid`s. The account table is read straight from SQLite at the
//! end to show that only the good calls left anything behind.

use crate::common::{now_secs, TestServer, APP, SECRET};
use serde_json::Value;

/// A call with these exact headers and this raw body; the HTTP status and JSON body.
async fn raw_call(
    server: &TestServer,
    action: &str,
    headers: &[(&str, String)],
    body: String,
) -> (u16, Value) {
    let mut request = server
        .http()
        .post(server.url(&format!("/nimserver/user/{action}")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Request headers as (name, value).
type Headers = Vec<(&'static str, String)>;

/// Correct signature headers with a fresh nonce.
fn signed() -> Headers {
    let nonce = format!("{:032x}", rand::random::<u128>());
    let time = now_secs().to_string();
    let sum = nim_server::api::checksum(SECRET, &nonce, &time);
    vec![
        ("AppKey", APP.to_owned()),
        ("Nonce", nonce),
        ("CurTime", time),
        ("CheckSum", sum),
    ]
}

fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every (app, accid) in the database.
fn stored_accounts(server: &TestServer) -> Vec<String> {
    let db = rusqlite::Connection::open(&server.data).unwrap();
    let mut query = db
        .prepare("SELECT accid FROM accounts ORDER BY accid")
        .unwrap();
    let rows = query.query_map([], |row| row.get::<_, String>(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

#[tokio::test]
async fn bad_signatures_are_refused_and_store_nothing() {
    let server = TestServer::start().await;
    let body = || form(&[("accid", "victim")]);
    let mut cases: Vec<(&str, Headers, u16)> = Vec::new();
    for missing in ["AppKey", "Nonce", "CurTime", "CheckSum"] {
        let headers = signed()
            .into_iter()
            .filter(|(n, _)| *n != missing)
            .collect();
        cases.push(("a missing header", headers, 414));
    }
    let mut bad_sum = signed();
    bad_sum[3].1 = "0".repeat(40);
    cases.push(("a wrong CheckSum", bad_sum, 403));
    let mut other_app = signed();
    other_app[0].1 = "no-such-app".into();
    cases.push(("an unknown AppKey", other_app, 403));
    for time in ["yesterday", "1e9", "", "99999999999999999999999", "-5"] {
        let mut headers = signed();
        headers[2].1 = time.into();
        let sum = nim_server::api::checksum(SECRET, &headers[1].1, time);
        headers[3].1 = sum;
        let code = if time == "-5" { 403 } else { 414 };
        cases.push(("a garbage CurTime", headers, code));
    }
    let mut long_nonce = signed();
    long_nonce[1].1 = "n".repeat(129);
    cases.push(("a 129-byte Nonce", long_nonce, 414));
    for (what, headers, code) in cases {
        let (status, reply) = raw_call(&server, "create.action", &headers, body()).await;
        assert_eq!(
            (status, reply["code"].as_u64()),
            (200, Some(code.into())),
            "{what}: {reply}"
        );
        assert!(reply["desc"].is_string(), "{what}: {reply}");
    }
    assert!(stored_accounts(&server).is_empty());
}

#[tokio::test]
async fn bad_parameters_get_414_and_store_nothing() {
    let server = TestServer::start().await;
    let long_name = "名".repeat(65);
    let bodies: Vec<(&str, String)> = vec![
        ("no accid", form(&[("token", "t")])),
        ("an empty accid", form(&[("accid", "")])),
        ("a 129-byte accid", form(&[("accid", &"a".repeat(129))])),
        (
            "a 129-byte token",
            form(&[("accid", "v1"), ("token", &"t".repeat(129))]),
        ),
        ("an empty token", form(&[("accid", "v2"), ("token", "")])),
        (
            "a 65-character name",
            form(&[("accid", "v3"), ("name", &long_name)]),
        ),
        (
            "SQL in accid",
            form(&[("accid", "x'); DROP TABLE accounts; --")]),
        ),
        ("a quote in accid", form(&[("accid", "o'brien")])),
        ("a space in accid", form(&[("accid", "a b")])),
        ("a path in accid", form(&[("accid", "../../etc/passwd")])),
        ("a NUL in accid", form(&[("accid", "a\u{0}b")])),
        (
            "HTML in accid",
            form(&[("accid", "<script>alert(1)</script>")]),
        ),
        ("non-ASCII accid", form(&[("accid", "аlice")])),
        ("broken percent-encoding", "accid=%zz%".to_owned()),
        (
            "a 3 MiB body",
            form(&[("accid", "big"), ("name", &"n".repeat(3 << 20))]),
        ),
    ];
    for (what, body) in bodies {
        let (_, reply) = raw_call(&server, "create.action", &signed(), body).await;
        assert_eq!(reply["code"], 414, "{what}: {reply}");
    }
    let (_, reply) = raw_call(
        &server,
        "block.action",
        &signed(),
        form(&[("accid", "v1"), ("needkick", "yes please")]),
    )
    .await;
    assert!(reply["code"] == 414 || reply["code"] == 404, "{reply}");
    assert!(
        stored_accounts(&server).is_empty(),
        "{:?}",
        stored_accounts(&server)
    );

    // The server still works, and the legal characters are all accepted.
    server.create_account("ok_user.name-1@app", "t").await;
    assert_eq!(stored_accounts(&server), vec!["ok_user.name-1@app"]);
}

#[tokio::test]
async fn a_json_body_or_a_wrong_method_is_refused() {
    let server = TestServer::start().await;
    let response = server
        .http()
        .post(server.url("/nimserver/user/create.action"))
        .headers(
            signed()
                .into_iter()
                .map(|(n, v)| (n.parse().unwrap(), v.parse().unwrap()))
                .collect(),
        )
        .header("Content-Type", "application/json")
        .body(r#"{"accid":"json"}"#)
        .send()
        .await
        .unwrap();
    let reply: Value = response.json().await.unwrap();
    assert_eq!(reply["code"], 414, "{reply}");
    let get = server
        .http()
        .get(server.url("/nimserver/user/create.action"))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status().as_u16(), 405);
    let (status, reply) = raw_call(&server, "drop.action", &signed(), String::new()).await;
    assert_eq!((status, reply["code"].as_u64()), (404, Some(404)));
    assert!(stored_accounts(&server).is_empty());
}

#[tokio::test]
async fn refused_updates_leave_the_old_token_working() {
    let server = TestServer::start().await;
    server.create_account("alice", "old").await;
    for body in [
        form(&[("accid", "alice"), ("token", &"t".repeat(129))]),
        form(&[("accid", "alice"), ("token", "")]),
        form(&[("accid", "alice")]),
    ] {
        let (_, reply) = raw_call(&server, "update.action", &signed(), body).await;
        assert_eq!(reply["code"], 414, "{reply}");
    }
    let mut bad_sum = signed();
    bad_sum[3].1 = "f".repeat(40);
    let (_, reply) = raw_call(
        &server,
        "update.action",
        &bad_sum,
        form(&[("accid", "alice"), ("token", "new")]),
    )
    .await;
    assert_eq!(reply["code"], 403, "{reply}");
    server.login("alice", "old", "tab-1").await;
}
