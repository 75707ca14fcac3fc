//! The SDK's decoder for server frames: a JSON value, then `t`, then the one struct
//! `ServerMessage::from_tagged` names (the SDK gets the value from the browser's
//! `JSON.parse` and reads it with serde-wasm-bindgen; here serde_json stands in for
//! both). Any bytes either fail to decode or decode to a message that round-trips,
//! and for objects the derived tagged enum agrees. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nim_protocol::ServerMessage;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let t = value.get("t").and_then(Value::as_str).unwrap_or_default();
    let read = ServerMessage::from_tagged(t, &value).ok().flatten();
    // The derived enum also reads arrays (`["pong"]`); frames are objects.
    if value.is_object() {
        let derived = serde_json::from_value::<ServerMessage>(value.clone()).ok();
        assert_eq!(read, derived, "both readings agree on {value}");
    }
    if let Some(msg) = read {
        let again = serde_json::to_value(&msg).expect("a decoded message encodes");
        let t = again["t"].as_str().expect("with its t");
        let back = ServerMessage::from_tagged(t, &again).expect("and decodes again");
        assert_eq!(back, Some(msg));
    }
});
