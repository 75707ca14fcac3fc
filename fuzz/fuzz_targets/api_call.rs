//! The server API's request parsing (`nim_server::api_call::parse`): any action,
//! signature headers and form body give a call or a typed refusal, never a panic.
//! Input: the first byte picks the action; then four lines are the `AppKey`, `Nonce`,
//! `CurTime` and `CheckSum` headers (a line that is not a valid header value leaves
//! that header out); the rest is the form-encoded body.
#![no_main]

use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use nim_server::api_call::{parse, Operation, ACTIONS};

const HEADERS: [&str; 4] = ["AppKey", "Nonce", "CurTime", "CheckSum"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let action = ACTIONS[usize::from(pick) % ACTIONS.len()];
    let mut parts = rest.splitn(HEADERS.len() + 1, |b| *b == b'\n');
    let mut headers = HeaderMap::new();
    for name in HEADERS {
        if let Some(Ok(value)) = parts.next().map(HeaderValue::from_bytes) {
            headers.insert(name, value);
        }
    }
    let body = parts.next().unwrap_or_default();
    match parse(action, &headers, body) {
        Ok((accid, operation)) => {
            // What the parser let through keeps the documented rules.
            assert!(!accid.is_empty() && accid.len() <= 128);
            assert!(accid
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '.' | '-')));
            if let Operation::Update { token } = &operation {
                assert!(!token.is_empty() && token.len() <= 128);
            }
        }
        Err(refusal) => assert!(matches!(refusal.code, 404 | 414), "{refusal:?}"),
    }
});
