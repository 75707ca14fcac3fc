//! The socket.io frames of the specification's appendix, re-encoded byte for byte,
//! and the agreement of the two transports: the same typed requests decode from
//! both, and one typed answer encodes to what each transport's vectors show.

#[path = "vectors/binary.rs"]
mod binary;
#[path = "vectors/socketio.rs"]
mod socketio_frames;

use binary::BINARY;
use nim_compat::socketio::{self, ClientFrame};
use nim_compat::{Request, RequestBody, Response};
use socketio_frames::SOCKET_IO;

fn request_of(text: &str) -> Request {
    match socketio::decode_client(text) {
        Ok(ClientFrame::Request(request)) => request,
        other => panic!("not a request: {other:?}"),
    }
}

fn binary_request(hex: &str) -> Request {
    Request::decode_binary(&hex::decode(hex).unwrap()).unwrap()
}

#[test]
fn every_client_frame_re_encodes_byte_exactly() {
    for vector in SOCKET_IO.iter().filter(|v| v.from_client) {
        let request = request_of(vector.text);
        let again = socketio::Frame::Message(&request.encode_json()).to_text();
        assert_eq!(again, vector.text, "{}", vector.name);
    }
}

#[test]
fn every_server_frame_re_encodes_byte_exactly() {
    for vector in SOCKET_IO.iter().filter(|v| !v.from_client) {
        let frame = socketio::Frame::parse(vector.text).expect(vector.name);
        let socketio::Frame::Message(data) = frame else {
            assert_eq!(vector.text, socketio::CONNECT, "{}", vector.name);
            continue;
        };
        let response = Response::decode_json(data).expect(vector.name);
        assert_eq!(
            socketio::encode_response(&response),
            vector.text,
            "{}",
            vector.name
        );
    }
}

#[test]
fn every_binary_server_frame_encodes_in_json_as_the_spec_decodes_it() {
    for vector in BINARY.iter().filter(|v| !v.from_client) {
        let frame = hex::decode(vector.hex).unwrap();
        let response = Response::decode_binary(&frame).expect(vector.name);
        assert_eq!(
            response,
            Response::decode_json(vector.decoded).unwrap(),
            "{}",
            vector.name
        );
        assert_eq!(response.encode_json(), vector.decoded, "{}", vector.name);
    }
}

#[test]
fn both_transports_decode_the_post_login_requests_alike() {
    let nos = (binary_request(BINARY[2].hex), request_of(SOCKET_IO[3].text));
    assert_eq!(nos.0, nos.1);
    assert_eq!(nos.0.body, RequestBody::GetNosCdnHost);

    let sync = (binary_request(BINARY[4].hex), request_of(SOCKET_IO[5].text));
    assert_eq!(sync.0, sync.1);
    let RequestBody::Sync { timetags } = sync.0.body else {
        panic!("not a sync: {:?}", sync.0);
    };
    assert_eq!(timetags.len(), 21);
    assert!(timetags.values().all(|t| *t == 0));
}

#[test]
fn both_transports_decode_a_login_alike() {
    let binary = binary_request(BINARY[0].hex);
    let json = request_of(SOCKET_IO[1].text);
    let (RequestBody::Login(mut binary), RequestBody::Login(json)) = (binary.body, json.body)
    else {
        panic!("not two logins");
    };
    // Each run of the SDK draws its own device id and session.
    binary.device_id.clone_from(&json.device_id);
    binary.session.clone_from(&json.session);
    assert_eq!(binary, json);
}

#[test]
fn the_connect_frame_comes_first_and_heartbeats_and_disconnects_are_frames_of_their_own() {
    assert_eq!(SOCKET_IO[0].text, socketio::CONNECT);
    assert_eq!(socketio::decode_client("2::"), Ok(ClientFrame::Heartbeat));
    assert_eq!(socketio::decode_client("0::"), Ok(ClientFrame::Disconnect));
    assert_eq!(socketio::decode_client("8::"), Ok(ClientFrame::Ignored(8)));
    assert_eq!(socketio::Frame::Heartbeat.to_text(), socketio::HEARTBEAT);
}
