//! Server API form bodies whose escapes are broken (`%ZZ`, a lone `%`) or decode to
//! invalid UTF-8 (`%C3`, `%FE`) are refused with 414, whichever field holds them,
//! and nothing of the call is stored: no account, no changed token. Before, `%ZZ`
//! was stored literally and `%C3` and `%FE` both became U+FFFD, one same token.

use crate::common::{now_secs, TestServer, APP, SECRET};
use serde_json::Value;

/// A correctly signed call with this raw form body: its JSON reply.
async fn call(server: &TestServer, action: &str, body: &str) -> Value {
    let nonce = format!("{:032x}", rand::random::<u128>());
    let time = now_secs().to_string();
    let response = server
        .http()
        .post(server.url(&format!("/nimserver/user/{action}")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("AppKey", APP)
        .header("Nonce", &nonce)
        .header("CurTime", &time)
        .header("CheckSum", nim_server::api::checksum(SECRET, &nonce, &time))
        .body(body.to_owned())
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("a JSON reply")
}

fn stored_accounts(server: &TestServer) -> Vec<String> {
    let db = rusqlite::Connection::open(&server.data).unwrap();
    let mut query = db.prepare("SELECT accid FROM accounts").unwrap();
    let rows = query.query_map([], |row| row.get::<_, String>(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

const BROKEN: [&str; 6] = ["%ZZ", "%C3", "%FE", "abc%", "%4", "%E8%AE"];

#[tokio::test]
async fn broken_percent_encoding_gets_414_and_stores_nothing() {
    let server = TestServer::start().await;
    for broken in BROKEN {
        for body in [
            format!("accid=eve&token={broken}"),
            format!("accid=eve&name={broken}"),
            format!("accid=eve{broken}"),
            format!("accid=eve&{broken}=x"),
        ] {
            let reply = call(&server, "create.action", &body).await;
            assert_eq!(reply["code"], 414, "{body}: {reply}");
        }
    }
    assert_eq!(stored_accounts(&server), Vec::<String>::new());

    // A good call goes through, then broken updates leave its token as it was.
    let reply = call(&server, "create.action", "accid=eve&token=t%C3%A9").await;
    assert_eq!(reply["code"], 200, "{reply}");
    assert_eq!(reply["info"]["token"], "té");
    for broken in BROKEN {
        let reply = call(
            &server,
            "update.action",
            &format!("accid=eve&token={broken}"),
        )
        .await;
        assert_eq!(reply["code"], 414, "{broken}: {reply}");
    }
    assert_eq!(stored_accounts(&server), ["eve"]);
    server.login("eve", "té", "d").await;
}
