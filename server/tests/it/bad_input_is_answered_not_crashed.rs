//! Frames the protocol does not allow are answered with `error` 400 (or closed)
//! and never bring the server down.

use crate::common::{login_request, TestServer};
use nim_protocol::{ClientMessage, CloseCode, LogoutRequest, ServerMessage, MAX_FRAME_BYTES};
use tokio_tungstenite::tungstenite::Message;

async fn logged_in(server: &TestServer) -> crate::common::Client {
    server.create_account("alice", "t").await;
    server.login("alice", "t", "tab-1").await.0
}

fn error_code(msg: ServerMessage) -> (Option<u32>, u16) {
    match msg {
        ServerMessage::Error(e) => (e.id, e.code),
        other => panic!("expected error, got {other:?}"),
    }
}

#[tokio::test]
async fn invalid_json_after_login_gets_400_and_the_session_goes_on() {
    let server = TestServer::start().await;
    let mut client = logged_in(&server).await;
    client.send_text("{not json").await;
    assert_eq!(error_code(client.recv().await), (None, 400));
    client.send(&ClientMessage::Ping).await;
    assert_eq!(client.recv().await, ServerMessage::Pong);
}

#[tokio::test]
async fn unknown_message_type_gets_400_with_its_id() {
    let server = TestServer::start().await;
    let mut client = logged_in(&server).await;
    client.send_text(r#"{"t":"teleport","id":9}"#).await;
    assert_eq!(error_code(client.recv().await), (Some(9), 400));
}

#[tokio::test]
async fn wrong_field_types_get_400() {
    let server = TestServer::start().await;
    let mut client = logged_in(&server).await;
    client
        .send_text(r#"{"t":"kick","id":4,"deviceIds":"tab-2"}"#)
        .await;
    assert_eq!(error_code(client.recv().await), (Some(4), 400));
}

#[tokio::test]
async fn garbage_before_login_gets_400_and_close_4400() {
    let server = TestServer::start().await;
    let mut client = server.connect().await;
    client.send_text("[1,2,3]").await;
    assert_eq!(error_code(client.recv().await).1, 400);
    assert_eq!(
        client.expect_close().await,
        Some(CloseCode::PROTOCOL_ERROR.0)
    );
}

#[tokio::test]
async fn a_request_before_login_closes_4400() {
    let server = TestServer::start().await;
    let mut client = server.connect().await;
    client
        .send(&ClientMessage::Logout(LogoutRequest { id: 2 }))
        .await;
    assert_eq!(error_code(client.recv().await), (Some(2), 401));
    assert_eq!(
        client.expect_close().await,
        Some(CloseCode::PROTOCOL_ERROR.0)
    );
}

#[tokio::test]
async fn a_second_login_gets_409() {
    let server = TestServer::start().await;
    let mut client = logged_in(&server).await;
    let mut again = login_request("alice", "t", "tab-1");
    again.id = 2;
    client.send(&ClientMessage::Login(again)).await;
    assert_eq!(error_code(client.recv().await), (Some(2), 409));
    client.send(&ClientMessage::Ping).await;
    assert_eq!(client.recv().await, ServerMessage::Pong);
}

#[tokio::test]
async fn a_binary_frame_closes_1003() {
    let server = TestServer::start().await;
    let mut client = logged_in(&server).await;
    client.send_raw(Message::binary(vec![1, 2, 3])).await;
    assert_eq!(client.closed().await, Some(CloseCode::UNSUPPORTED_DATA.0));
}

#[tokio::test]
async fn an_oversized_frame_closes_1009() {
    let server = TestServer::start().await;
    let mut client = logged_in(&server).await;
    let big = format!(r#"{{"t":"ping","pad":"{}"}}"#, "x".repeat(MAX_FRAME_BYTES));
    client.send_text(&big).await;
    assert_eq!(client.closed().await, Some(CloseCode::TOO_BIG.0));
}

#[tokio::test]
async fn an_overlong_custom_tag_is_refused_with_400() {
    let server = TestServer::start().await;
    server.create_account("alice", "t").await;
    let mut request = login_request("alice", "t", "tab-1");
    request.custom_tag = "x".repeat(33);
    let (mut client, failed) = server.login_refused(request).await;
    assert_eq!(failed.code, 400);
    assert_eq!(
        client.expect_close().await,
        Some(CloseCode::PROTOCOL_ERROR.0)
    );
}

#[tokio::test]
async fn the_server_survives_a_burst_of_bad_frames() {
    let server = TestServer::start().await;
    for junk in ["", "null", "{}", r#"{"t":5}"#, "\u{0}", r#"{"t":"login"}"#] {
        let mut client = server.connect().await;
        client.send_text(junk).await;
        assert_eq!(client.closed().await, Some(CloseCode::PROTOCOL_ERROR.0));
    }
    logged_in(&server).await;
}
