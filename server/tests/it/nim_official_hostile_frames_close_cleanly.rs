//! Hostile frames on the official SDK's transports: truncated and garbage binary
//! packets, varints of more than 5 bytes, lengths past the frame, oversized
//! Property maps, frames of the other transport, bad socket.io and JSON. Each
//! closes its own connection with 4400 (1009 for a frame over the size limit), a
//! logged-in device is removed from its account, and the server keeps serving.

use crate::common::TestServer;
use crate::nim_official_client::{login, NimClient, Wire};
use tokio_tungstenite::tungstenite::Message;

/// A login request's header: packetLength 0, sid 2, cid 3, ser 1, tag 0.
const LOGIN_HEADER: [u8; 6] = [0, 2, 3, 1, 0, 0];

fn login_with(body: &[u8]) -> Message {
    Message::binary([&LOGIN_HEADER[..], body].concat())
}

fn binary_cases() -> Vec<(&'static str, Message)> {
    vec![
        ("truncated header", Message::binary(vec![0, 2])),
        ("garbage", Message::binary(vec![0xff; 40])),
        ("empty frame", Message::binary(Vec::new())),
        (
            "varint of 6 bytes",
            Message::binary(vec![0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 2, 3, 1, 0, 0]),
        ),
        (
            "packet length past the frame",
            Message::binary(vec![0xc8, 0x01, 2, 3, 1, 0, 0]),
        ),
        // 100 000 entries announced in a frame of a few bytes.
        ("oversized Property map", login_with(&[0xa0, 0x8d, 0x06])),
        (
            "string length past the frame",
            login_with(&[1, 3, 0x7f, b'x']),
        ),
        (
            "text frame on the binary transport",
            Message::text("3:::{}"),
        ),
    ]
}

fn socketio_cases() -> Vec<(&'static str, Message)> {
    vec![
        ("not a socket.io frame", Message::text("hello")),
        ("unknown socket.io kind", Message::text("9:::")),
        ("broken JSON", Message::text("3:::{\"SID\":2")),
        ("JSON without a command", Message::text("3:::{\"Q\":[]}")),
        (
            "login without its Property",
            Message::text("3:::{\"SID\":2,\"CID\":3,\"SER\":1,\"Q\":[]}"),
        ),
        (
            "binary frame on socket.io",
            Message::binary(vec![0, 2, 3, 1, 0, 0]),
        ),
    ]
}

#[tokio::test]
async fn each_hostile_frame_closes_only_its_connection() {
    let server = TestServer::start().await;
    server.create_account("alice", "t").await;
    let (mut witness, _) =
        NimClient::login(&server, Wire::Binary, login("alice", "t", "witness")).await;
    let cases = [
        (Wire::Binary, binary_cases()),
        (Wire::SocketIo, socketio_cases()),
    ];
    for (wire, cases) in cases {
        for (name, frame) in cases {
            let mut client = NimClient::connect(&server, wire).await;
            client.send_raw(frame).await;
            assert_eq!(client.closed().await, Some(4400), "{name} ({wire:?})");
        }
    }
    // The server still answers the device that was there all along, and new logins.
    witness.request(nim_compat::RequestBody::Heartbeat).await;
    assert_eq!(
        witness.recv().await.body,
        nim_compat::ResponseBody::Heartbeat
    );
    drop(NimClient::login(&server, Wire::SocketIo, login("alice", "t", "after")).await);
}

#[tokio::test]
async fn a_frame_over_the_size_limit_closes_with_1009() {
    let server = TestServer::start().await;
    let mut client = NimClient::connect(&server, Wire::Binary).await;
    client
        .send_raw(Message::binary(vec![0; nim_compat::MAX_FRAME_BYTES + 1]))
        .await;
    assert_eq!(client.closed().await, Some(1009));
}

#[tokio::test]
async fn garbage_after_login_removes_the_device_from_its_account() {
    let server = TestServer::start().await;
    server.create_account("bob", "t").await;
    let (mut wasm, _) = server.login("bob", "t", "wasm-1").await;
    let (mut nim, _) = NimClient::login(&server, Wire::Binary, login("bob", "t", "nim-1")).await;
    assert!(wasm.next_ports().await[0].online);
    nim.send_raw(Message::binary(vec![0xff; 3])).await;
    assert_eq!(nim.closed().await, Some(4400));
    let gone = wasm.next_ports().await;
    assert_eq!(
        (gone[0].device_id.as_str(), gone[0].online),
        ("nim-1", false)
    );
}

#[tokio::test]
async fn requests_out_of_place_get_nim_codes() {
    use nim_compat::{Command, RequestBody, ResponseBody};
    let server = TestServer::start().await;
    server.create_account("carol", "t").await;

    let mut early = NimClient::connect(&server, Wire::Binary).await;
    early.request(RequestBody::Heartbeat).await;
    let refused = ResponseBody::Refused {
        command: Command::HEARTBEAT,
        code: 403,
    };
    assert_eq!(early.recv().await.body, refused, "a request before login");
    assert_eq!(early.closed().await, Some(4400));

    let mut odd = NimClient::connect(&server, Wire::SocketIo).await;
    let unknown_type = nim_compat::Login {
        client_type: 3,
        ..login("carol", "t", "odd")
    };
    odd.request(RequestBody::Login(Box::new(unknown_type)))
        .await;
    let refused = ResponseBody::Refused {
        command: Command::LOGIN,
        code: 414,
    };
    assert_eq!(
        odd.recv().await.body,
        refused,
        "a login of an unknown client type"
    );
    assert_eq!(odd.closed().await, Some(4414));

    let (mut nim, _) = NimClient::login(&server, Wire::Binary, login("carol", "t", "nim-1")).await;
    nim.request(RequestBody::Kick {
        device_ids: Vec::new(),
    })
    .await;
    let refused = ResponseBody::Refused {
        command: Command::KICK,
        code: 414,
    };
    assert_eq!(nim.recv().await.body, refused, "a kick without ids");
    nim.request(RequestBody::Login(Box::new(login("carol", "t", "nim-1"))))
        .await;
    let refused = ResponseBody::Refused {
        command: Command::LOGIN,
        code: 417,
    };
    assert_eq!(
        nim.recv().await.body,
        refused,
        "a second login on one connection"
    );
    nim.request(RequestBody::Heartbeat).await;
    assert_eq!(
        nim.recv().await.body,
        ResponseBody::Heartbeat,
        "the session goes on"
    );
}
