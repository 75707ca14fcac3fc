//! A hostile or broken client on one connection gets a clear error code or close
//! code for every bad frame, and nobody else notices: the server stays up, and the
//! devices of another account (and of the same account) get no push, no kick and
//! still get their pongs.

use std::time::Duration;

use crate::common::{login_request, Client, TestServer};
use nim_protocol::{
    ClientMessage, CloseCode, KickRequest, LoginRequest, ServerMessage, MAX_FRAME_BYTES,
};

/// Bob's two devices, which must not notice anything, and Mallory, logged in.
struct Scene {
    server: TestServer,
    bob: [Client; 2],
    mallory: Client,
}

async fn scene() -> Scene {
    let server = TestServer::start().await;
    server.create_account("bob", "b").await;
    server.create_account("mallory", "m").await;
    let (mut bob1, _) = server.login("bob", "b", "bob-1").await;
    let (bob0, _) = server.login("bob", "b", "bob-0").await;
    // bob-1 hears that bob-0 came; the scene starts after that push.
    bob1.wait_for(|m| matches!(m, ServerMessage::LoginPorts(_)).then_some(()))
        .await;
    let (mallory, _) = server.login("mallory", "m", "mal-1").await;
    Scene {
        server,
        bob: [bob0, bob1],
        mallory,
    }
}

impl Scene {
    /// Bob's devices heard nothing but the pong to their own ping.
    async fn assert_bystanders_untouched(&mut self) {
        for bob in &mut self.bob {
            bob.send(&ClientMessage::Ping).await;
            assert_eq!(bob.recv().await, ServerMessage::Pong);
            bob.expect_silence(Duration::from_millis(100)).await;
        }
    }
}

fn error_code(msg: ServerMessage) -> (Option<u32>, u16) {
    match msg {
        ServerMessage::Error(e) => (e.id, e.code),
        other => panic!("expected error, got {other:?}"),
    }
}

async fn login_reply(server: &TestServer, request: LoginRequest) -> (ServerMessage, Option<u16>) {
    let mut client = server.connect().await;
    client.send(&ClientMessage::Login(request)).await;
    let reply = client.recv().await;
    let close = match reply {
        ServerMessage::LoginOk(_) => None,
        _ => client.expect_close().await,
    };
    (reply, close)
}

fn failed_code(reply: &ServerMessage) -> u16 {
    match reply {
        ServerMessage::LoginFailed(f) => f.code,
        other => panic!("expected loginFailed, got {other:?}"),
    }
}

#[tokio::test]
async fn kicking_another_accounts_devices_kicks_nobody() {
    let mut s = scene().await;
    let ids = vec!["bob-0".to_owned(), "bob-1".to_owned()];
    s.mallory
        .send(&ClientMessage::Kick(KickRequest {
            id: 7,
            device_ids: ids,
            custom: "gotcha".into(),
        }))
        .await;
    match s.mallory.recv().await {
        ServerMessage::KickResult(r) => {
            assert_eq!(r.id, 7);
            assert!(r.device_ids.is_empty(), "kicked {:?}", r.device_ids);
        }
        other => panic!("expected kickResult, got {other:?}"),
    }
    s.assert_bystanders_untouched().await;
}

#[tokio::test]
async fn huge_device_id_arrays_get_400_or_1009() {
    let mut s = scene().await;
    // 65 ids: one over the protocol's limit.
    let ids: Vec<String> = (0..65).map(|i| format!("bob-{i}")).collect();
    s.mallory
        .send(&ClientMessage::Kick(KickRequest {
            id: 1,
            device_ids: ids,
            custom: String::new(),
        }))
        .await;
    assert_eq!(error_code(s.mallory.recv().await), (Some(1), 400));
    // 3000 one-letter ids still fit in a frame: 400, the session goes on.
    let many = vec!["\"a\""; 3000].join(",");
    s.mallory
        .send_text(&format!(r#"{{"t":"kick","id":2,"deviceIds":[{many}]}}"#))
        .await;
    assert_eq!(error_code(s.mallory.recv().await), (Some(2), 400));
    // One id over its byte limit, or a `custom` over its own: 400 as well.
    for (id, device_ids, custom) in [
        (4, vec!["设".repeat(43)], String::new()),
        (5, vec!["bob-0".to_owned()], "😀".repeat(256) + "a"),
    ] {
        s.mallory
            .send(&ClientMessage::Kick(KickRequest {
                id,
                device_ids,
                custom,
            }))
            .await;
        assert_eq!(error_code(s.mallory.recv().await), (Some(id), 400));
    }
    s.mallory.send(&ClientMessage::Ping).await;
    assert_eq!(s.mallory.recv().await, ServerMessage::Pong);
    // 10 000 ids do not fit in 16 KiB: close 1009.
    let too_many = vec!["\"a\""; 10_000].join(",");
    s.mallory
        .send_text(&format!(
            r#"{{"t":"kick","id":3,"deviceIds":[{too_many}]}}"#
        ))
        .await;
    assert_eq!(s.mallory.closed().await, Some(CloseCode::TOO_BIG.0));
    s.assert_bystanders_untouched().await;
}

#[tokio::test]
async fn over_long_login_fields_get_400_and_close_4400() {
    let mut s = scene().await;
    let long = |n: usize| "x".repeat(n);
    type Change = Box<dyn Fn(&mut LoginRequest)>;
    let cases: Vec<(&str, Change)> = vec![
        (
            "deviceId 129 bytes",
            Box::new(move |r| r.device_id = long(129)),
        ),
        ("empty deviceId", Box::new(|r| r.device_id = String::new())),
        ("account 4 KiB", Box::new(move |r| r.account = long(4096))),
        ("token 1025 bytes", Box::new(move |r| r.token = long(1025))),
        ("os 129 bytes", Box::new(move |r| r.os = long(129))),
        ("mac 129 bytes", Box::new(move |r| r.mac = long(129))),
        (
            "loginExt 1025 bytes",
            Box::new(move |r| r.login_ext = long(1025)),
        ),
        (
            "customTag 33 emoji",
            Box::new(|r| r.custom_tag = "😀".repeat(33)),
        ),
    ];
    for (what, change) in cases {
        let mut request = login_request("mallory", "m", "mal-2");
        change(&mut request);
        let (reply, close) = login_reply(&s.server, request).await;
        assert_eq!(failed_code(&reply), 400, "{what}");
        assert_eq!(close, Some(CloseCode::PROTOCOL_ERROR.0), "{what}");
    }
    // At the limits exactly, the login goes through.
    let mut request = login_request("mallory", "m", &"d".repeat(128));
    request.custom_tag = "😀".repeat(32);
    let (reply, _) = login_reply(&s.server, request).await;
    assert!(matches!(reply, ServerMessage::LoginOk(_)), "{reply:?}");
    s.assert_bystanders_untouched().await;
}

#[tokio::test]
async fn odd_unicode_is_carried_intact_or_refused_never_mangled() {
    let mut s = scene().await;
    // Right-to-left override, zero-width joiner, combining marks, a NUL and a
    // character outside the BMP: legal JSON strings, passed through byte for byte.
    let odd = "\u{202e}evil\u{200d}e\u{301}\u{0}𝔘";
    let mut request = login_request("mallory", "m", odd);
    request.custom_tag = odd.into();
    // Kept open, so that Mallory hears of it only once.
    let (_odd_device, _) = s.server.login_as(request).await;
    let port = s
        .mallory
        .wait_for(|m| match m {
            ServerMessage::LoginPorts(c) => c.ports.first().cloned(),
            _ => None,
        })
        .await;
    assert_eq!(
        (port.device_id.as_str(), port.custom_tag.as_str()),
        (odd, odd)
    );
    // A lone surrogate is not valid UTF-16 in JSON: 400, the session goes on.
    s.mallory
        .send_text(r#"{"t":"kick","id":5,"deviceIds":["\ud800"]}"#)
        .await;
    assert_eq!(error_code(s.mallory.recv().await).1, 400);
    s.mallory.send(&ClientMessage::Ping).await;
    assert_eq!(s.mallory.recv().await, ServerMessage::Pong);
    s.assert_bystanders_untouched().await;
}

#[tokio::test]
async fn malformed_numbers_and_deep_nesting_get_400() {
    let mut s = scene().await;
    let deep = format!("{}{}", "[".repeat(6000), "]".repeat(6000));
    assert!(deep.len() < MAX_FRAME_BYTES);
    for junk in [
        r#"{"t":"kick","id":4294967296,"deviceIds":["a"]}"#,
        r#"{"t":"kick","id":-1,"deviceIds":["a"]}"#,
        r#"{"t":"kick","id":1e999,"deviceIds":["a"]}"#,
        r#"{"t":"kick","id":1.5,"deviceIds":["a"]}"#,
        r#"{"t":"kick","id":1,"deviceIds":[1,2,3]}"#,
        r#"{"t":"kick","id":1,"deviceIds":null}"#,
        r#"{"t":"kick"}"#,
        r#"{"t":null}"#,
        r#"{"t":"ping"} trailing"#,
        deep.as_str(),
    ] {
        s.mallory.send_text(junk).await;
        let (_, code) = error_code(s.mallory.recv().await);
        assert_eq!(code, 400, "{junk:.60}");
    }
    s.mallory.send(&ClientMessage::Ping).await;
    assert_eq!(s.mallory.recv().await, ServerMessage::Pong);
    s.assert_bystanders_untouched().await;
}

#[tokio::test]
async fn a_flood_of_pings_is_answered_in_order() {
    let mut s = scene().await;
    for _ in 0..500 {
        s.mallory.send(&ClientMessage::Ping).await;
    }
    for _ in 0..500 {
        assert_eq!(s.mallory.recv().await, ServerMessage::Pong);
    }
    s.assert_bystanders_untouched().await;
}

#[tokio::test]
async fn injection_like_accounts_are_just_unknown_accounts() {
    let mut s = scene().await;
    for account in [
        "bob' OR '1'='1",
        "bob\"; DROP TABLE accounts; --",
        "bob%",
        "*",
        "../bob",
    ] {
        let (reply, close) = login_reply(&s.server, login_request(account, "b", "x")).await;
        assert_eq!(failed_code(&reply), 404, "{account}");
        assert_eq!(close, Some(CloseCode::login_refused(404).0));
    }
    // The table is still there, and bob's token still works.
    let (reply, _) = login_reply(&s.server, login_request("bob", "b", "bob-2")).await;
    assert!(matches!(reply, ServerMessage::LoginOk(_)), "{reply:?}");
    for bob in &mut s.bob {
        let change = bob.next_ports().await;
        assert_eq!(change[0].device_id, "bob-2");
    }
}
