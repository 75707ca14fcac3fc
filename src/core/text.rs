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
    digits.iter().rev().map(|d| char::from(*d)).collect()
}

/// The number of characters (Unicode scalar values) in `s`.
pub fn char_count(s: &str) -> usize {
    // Every character has exactly one byte that is not a continuation byte.
    s.bytes().filter(|b| b & 0xC0 != 0x80).count()
}

/// `s` cut to its first `max` characters.
pub fn truncate_chars(mut s: String, max: usize) -> String {
    if let Some((at, _)) = s.char_indices().nth(max) {
        s.truncate(at);
    }
    s
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
    fn characters_are_counted_and_cut_whole() {
        assert_eq!(char_count("héllo ✓"), 7);
        assert_eq!(truncate_chars("héllo".into(), 2), "hé");
        assert_eq!(truncate_chars("abc".into(), 5), "abc");
    }
}
