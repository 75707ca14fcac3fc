//! The server's decoder for client frames: any bytes either fail to decode or decode
//! to a `ClientMessage` that encodes and decodes back to itself. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nim_protocol::ClientMessage;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(msg) = serde_json::from_str::<ClientMessage>(text) {
        let again = serde_json::to_string(&msg).expect("a decoded message encodes");
        let back: ClientMessage = serde_json::from_str(&again).expect("and decodes again");
        assert_eq!(back, msg);
    }
});
