//! The NIM binary websocket decoders (nim-compat): any bytes either fail with a
//! typed error or decode to a request or answer that encodes and decodes back to
//! itself; an answer also survives the trip through the JSON transport. Never a
//! panic. (An encoding may grow past the decoders' frame limit, e.g. a string of
//! control characters escaped in JSON; such trips are not checked.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use nim_compat::{Request, Response, MAX_FRAME_BYTES};

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = Request::decode_binary(data) {
        let bytes = request.encode_binary();
        if bytes.len() <= MAX_FRAME_BYTES {
            let again = Request::decode_binary(&bytes).expect("an encoded request decodes");
            assert_eq!(again, request);
        }
    }
    if let Ok(response) = Response::decode_binary(data) {
        let bytes = response.encode_binary();
        if bytes.len() <= MAX_FRAME_BYTES {
            let again = Response::decode_binary(&bytes).expect("an encoded answer decodes");
            assert_eq!(again, response);
        }
        let json = response.encode_json();
        if json.len() <= MAX_FRAME_BYTES {
            let again = Response::decode_json(&json).expect("an answer encoded as JSON decodes");
            assert_eq!(again, response);
        }
    }
});
