//! The socket.io 0.9 framing and NIM JSON decoders (nim-compat): any text either
//! fails with a typed error or decodes to a frame, request or answer that encodes
//! and decodes back to itself; an answer also survives the trip through the binary
//! transport. Never a panic. (An encoding may grow past the decoders' frame limit;
//! such trips are not checked.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use nim_compat::socketio::{self, Frame};
use nim_compat::{Request, Response, MAX_FRAME_BYTES};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = socketio::decode_client(text);
    let Ok(frame) = Frame::parse(text) else {
        return;
    };
    assert_eq!(Frame::parse(&frame.to_text()), Ok(frame));
    let (Frame::Message(json) | Frame::Json(json)) = frame else {
        return;
    };
    if let Ok(request) = Request::decode_json(json) {
        let text = request.encode_json();
        if text.len() <= MAX_FRAME_BYTES {
            let again = Request::decode_json(&text).expect("an encoded request decodes");
            assert_eq!(again, request);
        }
    }
    if let Ok(response) = Response::decode_json(json) {
        let text = response.encode_json();
        if text.len() <= MAX_FRAME_BYTES {
            let again = Response::decode_json(&text).expect("an encoded answer decodes");
            assert_eq!(again, response);
        }
        let bytes = response.encode_binary();
        if bytes.len() <= MAX_FRAME_BYTES {
            let again =
                Response::decode_binary(&bytes).expect("an answer encoded as binary decodes");
            assert_eq!(again, response);
        }
    }
});
