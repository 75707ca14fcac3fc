//! A strict `application/x-www-form-urlencoded` decoder for the server API.
//!
//! `form_urlencoded` (behind `serde_urlencoded` and axum's `Form`) follows the
//! WHATWG rule of passing a broken escape such as `%ZZ` through literally and of
//! replacing invalid UTF-8 with U+FFFD, so the different tokens `%C3` and `%FE`
//! would both be stored as `"\u{FFFD}"`. A server API call that is not exactly what
//! its sender meant is refused instead, so nothing of it reaches storage.

use std::collections::HashMap;

use super::{Refusal, CODE_BAD_PARAMETER};

/// The fields of a form-encoded `body`: `+` is a space and every `%` starts two hex
/// digits; each name and value must decode to UTF-8. A field given twice keeps its
/// last value, as `serde_urlencoded` does.
pub fn fields(body: &[u8]) -> Result<HashMap<String, String>, Refusal> {
    let mut fields = HashMap::new();
    for pair in body.split(|b| *b == b'&').filter(|pair| !pair.is_empty()) {
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &[][..]),
        };
        fields.insert(decode(name)?, decode(value)?);
    }
    Ok(fields)
}

fn decode(text: &[u8]) -> Result<String, Refusal> {
    let broken = || Refusal::new(CODE_BAD_PARAMETER, "broken percent-encoding in the body");
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.iter();
    while let Some(&byte) = rest.next() {
        bytes.push(match byte {
            b'+' => b' ',
            b'%' => {
                let high = rest.next().and_then(|b| hex(*b)).ok_or_else(broken)?;
                let low = rest.next().and_then(|b| hex(*b)).ok_or_else(broken)?;
                high << 4 | low
            }
            other => other,
        });
    }
    String::from_utf8(bytes)
        .map_err(|_| Refusal::new(CODE_BAD_PARAMETER, "the body is not UTF-8 once decoded"))
}

fn hex(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::fields;

    #[test]
    fn escapes_and_plus_decode() {
        let got = fields(b"accid=a%40b&name=x+y%E8%AE%BE&&flag").unwrap();
        assert_eq!(got["accid"], "a@b");
        assert_eq!(got["name"], "x y设");
        assert_eq!(got["flag"], "");
    }

    #[test]
    fn broken_escapes_and_invalid_utf8_are_refused() {
        for body in [
            &b"token=%ZZ"[..],
            b"token=%4",
            b"token=abc%",
            b"token=%C3",
            b"token=%FE",
            b"na%ZZme=x",
            b"token=\xff",
        ] {
            let refusal = fields(body).unwrap_err();
            assert_eq!(refusal.code, 414, "{body:?}");
        }
    }
}
