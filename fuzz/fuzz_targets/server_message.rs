//! The decoder for server frames (what a native client or a test reads): any bytes
//! either fail to decode or round-trip. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nim_protocol::ServerMessage;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(msg) = serde_json::from_str::<ServerMessage>(text) {
        let again = serde_json::to_string(&msg).expect("a decoded message encodes");
        let back: ServerMessage = serde_json::from_str(&again).expect("and decodes again");
        assert_eq!(back, msg);
    }
});
