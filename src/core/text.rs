//! Small text helpers that keep `core::fmt` out of the wasm: its formatting
//! machinery costs several KB, and the SDK only ever needs to glue strings and
//! write whole numbers.

/// `n` in decimal.
pub fn decimal(n: u64) -> String {
    let mut digits = Vec::new();
    let mut rest = n;
    loop {
        digits.push(b'0' + (rest % 10) as u8);
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut text = String::new();
    for digit in digits.iter().rev() {
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
    starts(s).count()
}

/// `s` cut to its first `max` characters.
pub fn truncate_chars(mut s: String, max: usize) -> String {
    let cut = starts(&s).nth(max);
    if let Some(at) = cut {
        s.truncate(at);
    }
    s
}

/// The byte offset of each character of `s`: every character has exactly one byte
/// that is not a continuation byte. (`char_indices` decodes each character, and
/// costs more wasm.)
fn starts(s: &str) -> impl Iterator<Item = usize> + '_ {
    s.bytes()
        .enumerate()
        .filter(|(_, b)| b & 0xC0 != 0x80)
        .map(|(at, _)| at)
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
    }
}
