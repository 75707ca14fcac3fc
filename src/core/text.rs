//! Small text helpers that keep `core::fmt` out of the wasm: its formatting
//! machinery costs several KB, and the SDK only ever needs to glue strings and
//! write whole numbers.

/// `n` in decimal.
pub fn decimal(n: u64) -> String {
    // Digits are written from the right; u64::MAX has 20.
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut text = String::new();
    for digit in &digits[at..] {
        text.push(char::from(*digit));
    }
    text
}

/// `parts` joined; `[..].concat()` would add a generic join of about 1 KB to the wasm.
pub fn concat(parts: &[&str]) -> String {
    let mut text = String::new();
    for part in parts {
        text.push_str(part);
    }
    text
}

/// The number of characters (Unicode scalar values) in `s`.
pub fn char_count(s: &str) -> usize {
    let mut count = 0;
    for byte in s.bytes() {
        count += usize::from(starts_char(byte));
    }
    count
}

/// `s` cut to its first `max` characters.
pub fn truncate_chars(mut s: String, max: usize) -> String {
    let mut seen = 0;
    for at in 0..s.len() {
        if starts_char(s.as_bytes()[at]) {
            if seen == max {
                s.truncate(at);
                break;
            }
            seen += 1;
        }
    }
    s
}

/// `s` cut to at most `max` bytes, on a character boundary.
pub fn truncate_bytes(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut at = max;
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        s.truncate(at);
    }
    s
}

/// Whether `byte` starts a character: every character has exactly one byte that is
/// not a continuation byte. (`chars` and `char_indices` decode each character, and
/// cost more wasm; plain loops over this test cost less than iterator adapters.)
fn starts_char(byte: u8) -> bool {
    byte & 0xC0 != 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        for n in [0, 7, 10, 302, 4_302, 1_700_000_000_123, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn parts_are_joined() {
        assert_eq!(concat(&["a", "", "bc"]), "abc");
        assert_eq!(concat(&[]), "");
    }

    #[test]
    fn characters_are_counted_and_cut_whole() {
        assert_eq!(char_count("héllo ✓"), 7);
        assert_eq!(truncate_chars("héllo".into(), 2), "hé");
        assert_eq!(truncate_chars("abc".into(), 5), "abc");
        assert_eq!(truncate_bytes("héllo".into(), 2), "h");
        assert_eq!(truncate_bytes("héllo".into(), 3), "hé");
        assert_eq!(truncate_bytes("设😀".into(), 6), "设");
        assert_eq!(truncate_bytes("abc".into(), 5), "abc");
    }
}
