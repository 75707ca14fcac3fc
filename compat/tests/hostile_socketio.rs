//! Malformed socket.io frames and NIM JSON packets: each gets its own typed error,
//! none panics.

use nim_compat::socketio::{self, ClientFrame};
use nim_compat::{
    Command, DecodeError, FieldType, Request, RequestBody, MAX_FRAME_BYTES, MAX_LIST_LEN,
    MAX_PROPERTY_ENTRIES,
};

fn decode(text: &str) -> Result<ClientFrame, DecodeError> {
    socketio::decode_client(text)
}

fn json_error(text: &str) -> bool {
    matches!(decode(text), Err(DecodeError::Json(_)))
}

#[test]
fn frames_that_are_not_socket_io_are_refused() {
    for text in ["", "3", "3:", "9::", "x::", "33:::{}", "-1::"] {
        assert_eq!(decode(text), Err(DecodeError::SocketIo), "{text:?}");
    }
}

#[test]
fn a_message_that_is_not_a_nim_json_request_is_refused() {
    assert!(json_error("3:::"));
    assert!(json_error("3:::{"));
    assert!(json_error("3:::[]"));
    assert!(json_error(r#"3:::{"CID":3,"SER":1}"#), "no SID");
    assert!(
        json_error(r#"3:::{"SID":256,"CID":3,"SER":1}"#),
        "SID past a byte"
    );
    assert!(
        json_error(r#"3:::{"SID":2,"CID":3,"SER":65536}"#),
        "SER past 16 bits"
    );
    assert!(
        json_error(r#"3:::{"SID":2,"CID":3,"SER":1,"Q":{}}"#),
        "Q not a list"
    );
}

#[test]
fn deep_nesting_is_refused_without_exhausting_the_stack() {
    let deep = format!(
        r#"3:::{{"SID":2,"CID":8,"SER":1,"Q":[{{"t":"StrArray","v":{}}}]}}"#,
        "[".repeat(5000)
    );
    assert!(json_error(&deep));
}

#[test]
fn a_parameter_of_an_unknown_or_wrong_type_is_refused() {
    assert_eq!(
        decode(r#"3:::{"SID":2,"CID":8,"SER":1,"Q":[{"t":"Blob","v":[]}]}"#),
        Err(DecodeError::UnknownFieldType("Blob".into()))
    );
    assert_eq!(
        decode(r#"3:::{"SID":2,"CID":8,"SER":1,"Q":[{"t":"Property","v":{}}]}"#),
        Err(DecodeError::FieldType {
            index: 0,
            expected: FieldType::StrArray
        })
    );
    assert_eq!(
        decode(r#"3:::{"SID":2,"CID":8,"SER":1,"Q":[{"t":"StrArray","v":["a",7]}]}"#),
        Err(DecodeError::FieldType {
            index: 0,
            expected: FieldType::StrArray
        })
    );
}

#[test]
fn more_parameters_than_the_command_defines_are_refused() {
    assert_eq!(
        decode(r#"3:::{"SID":2,"CID":6,"SER":5,"Q":[{"t":"String","v":""}]}"#),
        Err(DecodeError::TooManyFields { count: 1, max: 0 })
    );
}

#[test]
fn a_property_tag_that_is_not_a_number_is_refused() {
    assert_eq!(
        decode(r#"3:::{"SID":2,"CID":3,"SER":1,"Q":[{"t":"Property","v":{"x":"1"}}]}"#),
        Err(DecodeError::PropertyTag("x".into()))
    );
}

#[test]
fn a_property_value_that_must_be_a_number_and_is_not_is_refused() {
    assert_eq!(
        decode(r#"3:::{"SID":2,"CID":3,"SER":1,"Q":[{"t":"Property","v":{"41":"web"}}]}"#),
        Err(DecodeError::PropertyValue { tag: 41 })
    );
    assert_eq!(
        decode(r#"3:::{"SID":5,"CID":1,"SER":3,"Q":[{"t":"Property","v":{"1":-1}}]}"#),
        Err(DecodeError::PropertyValue { tag: 1 })
    );
}

#[test]
fn oversized_maps_and_lists_are_refused() {
    let entries: Vec<String> = (0..=MAX_PROPERTY_ENTRIES)
        .map(|tag| format!(r#""{tag}":0"#))
        .collect();
    let map = format!(
        r#"3:::{{"SID":5,"CID":1,"SER":3,"Q":[{{"t":"Property","v":{{{}}}}}]}}"#,
        entries.join(",")
    );
    assert_eq!(
        decode(&map),
        Err(DecodeError::PropertyTooLarge {
            count: MAX_PROPERTY_ENTRIES + 1,
            max: MAX_PROPERTY_ENTRIES
        })
    );
    let ids = vec![r#""d""#; MAX_LIST_LEN + 1].join(",");
    let list = format!(r#"3:::{{"SID":2,"CID":8,"SER":4,"Q":[{{"t":"StrArray","v":[{ids}]}}]}}"#);
    assert_eq!(
        decode(&list),
        Err(DecodeError::ListTooLong {
            count: MAX_LIST_LEN + 1,
            max: MAX_LIST_LEN
        })
    );
}

#[test]
fn a_frame_above_the_limit_is_refused_unread() {
    let text = format!("3:::{}", " ".repeat(MAX_FRAME_BYTES));
    assert!(matches!(
        decode(&text),
        Err(DecodeError::FrameTooLarge { .. })
    ));
}

#[test]
fn null_values_are_skipped_and_nested_values_kept_as_text() {
    let text = r#"3:::{"SID":2,"CID":3,"SER":1,"Q":[{"t":"Property","v":{"19":"alice","38":null,"116":{"a":[1]}}}]}"#;
    let Ok(ClientFrame::Request(Request {
        body: RequestBody::Login(login),
        ..
    })) = decode(text)
    else {
        panic!("not a login");
    };
    assert_eq!(login.account, "alice");
    assert_eq!(login.custom_tag, None);
    assert_eq!(login.login_ext.as_deref(), Some(r#"{"a":[1]}"#));
}

#[test]
fn a_request_outside_the_scope_is_answered_with_its_ids() {
    // 6_23 getServerTime, whatever its parameters.
    let text = r#"3:::{"SID":6,"CID":23,"SER":7,"Q":[{"t":"Whatever","v":{"deep":[1,2]}}]}"#;
    let Ok(ClientFrame::Request(request)) = decode(text) else {
        panic!("not a request");
    };
    assert_eq!(request.body, RequestBody::Unsupported(Command::new(6, 23)));
    assert_eq!(
        socketio::encode_response(&request.unsupported()),
        r#"3:::{"sid":6,"cid":23,"ser":7,"code":997,"r":[]}"#
    );
}
