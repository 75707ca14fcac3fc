//! The LBS answer and the socket.io handshake that lead the SDK to a node.

use std::num::NonZeroU32;

use nim_compat::{lbs, socketio};
use serde_json::Value;

/// The SDK's link list from an LBS answer, as its `refreshSocketUrl` builds it:
/// each `common.link` entry pushed to the front, then `link.default` appended.
fn links_as_the_sdk_orders_them(answer: &str) -> Vec<String> {
    let answer: Value = serde_json::from_str(answer).unwrap();
    let common = answer["common"]
        .as_object()
        .expect("common must be an object");
    let mut list: Vec<String> = Vec::new();
    for link in common["link"].as_array().unwrap() {
        list.insert(0, link.as_str().unwrap().to_owned());
    }
    for link in common["link.default"].as_array().unwrap() {
        list.push(link.as_str().unwrap().to_owned());
    }
    list
}

#[test]
fn the_sdk_tries_the_nodes_in_the_order_given() {
    let nodes = ["10.0.0.5:8080", "10.0.0.6:8080", "10.0.0.7:8080"];
    let answer = lbs::answer(&nodes);
    assert_eq!(
        answer,
        r#"{"common":{"link":["10.0.0.7:8080","10.0.0.6:8080","10.0.0.5:8080"],"link.default":[]}}"#
    );
    assert_eq!(links_as_the_sdk_orders_them(&answer), nodes);
}

#[test]
fn a_single_node_is_its_own_list() {
    assert_eq!(
        links_as_the_sdk_orders_them(&lbs::answer(&["127.0.0.1:18765"])),
        ["127.0.0.1:18765"]
    );
}

#[test]
fn the_handshake_offers_the_websocket_transport() {
    let sixty = NonZeroU32::new(60).unwrap();
    assert_eq!(
        socketio::handshake_body("sioyfc3kmjq", sixty, 60),
        "sioyfc3kmjq:60:60:websocket"
    );
}

#[test]
fn the_websocket_path_names_the_session() {
    assert_eq!(
        socketio::session_of_path("/socket.io/1/websocket/sioyfc3kmjq"),
        Some("sioyfc3kmjq")
    );
    assert_eq!(socketio::session_of_path("/socket.io/1/websocket/"), None);
    assert_eq!(
        socketio::session_of_path("/socket.io/1/websocket/a/b"),
        None
    );
    assert_eq!(socketio::session_of_path("/websocket"), None);
}
