//! Which address each connect attempt uses: `socketUrl` pinned, or a round of
//! addresses from LBS (`lbsUrl`) or `defaultLink`, tried in order.
//!
//! ```text
//!   round starts ──▶ socketUrl set ───────────────────────────▶ [socketUrl]
//!        │          lbsUrl set: fetch  ─ code 200, links ─────▶ [LBS links]
//!        │                      └─ error / empty / timeout ──▶ [defaultLink]
//!        └────────▶ neither ─────────────────────────────────▶ [defaultLink]
//!
//!   [a, b, c]: a fails before login ─▶ b at once ─▶ c at once ─▶ used up:
//!              backoff, then a new round (LBS is fetched again)
//! ```
//!
//! The session owns one [`Round`] and starts a new one at every manual `connect()`
//! and after every backoff; a login ends the round, so the next loss starts over.

use super::text::concat;

/// How long the LBS may take to answer before `defaultLink` is used, in ms.
pub const LBS_TIMEOUT_MS: u64 = 5_000;

/// Identifies one LBS request, so a late answer to an older one is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FetchId(pub u32);

/// An LBS request the driver must make (`GET url`), answered with
/// `Session::handle_lbs_reply`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LbsFetch {
    /// Which request.
    pub fetch: FetchId,
    /// `lbsUrl` with `k=<appKey>` added.
    pub url: String,
}

/// The addresses of the current round not tried yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Round {
    /// Last first, so that the next one is popped off the end.
    untried: Vec<String>,
}

impl Round {
    /// Starts a round over `links`, each as a WebSocket URL ([`normalize_link`]).
    pub fn start(&mut self, links: &[String], secure: bool) {
        self.untried.clear();
        for link in links.iter().rev() {
            self.untried.push(normalize_link(link, secure));
        }
    }

    /// Ends the round: the next attempt starts a new one.
    pub fn end(&mut self) {
        self.untried.clear();
    }

    /// Whether an address of this round is left to try.
    pub fn has_next(&self) -> bool {
        !self.untried.is_empty()
    }

    /// The next address of this round, if any is left.
    pub fn next_link(&mut self) -> Option<String> {
        self.untried.pop()
    }
}

/// `lbs_url` with `k=<app_key>` appended (after `?`, or `&` when it has a query).
pub fn lbs_request_url(lbs_url: &str, app_key: &str) -> String {
    let glue = if contains(lbs_url, b"?") { "&" } else { "?" };
    concat(&[lbs_url, glue, "k=", &encode_uri_component(app_key)])
}

/// A link as a WebSocket URL: one with a scheme is used as given; a bare
/// `host:port` gets `ws://` (`wss://` when `secure`) and the path `/ws`.
pub fn normalize_link(link: &str, secure: bool) -> String {
    if has_scheme(link) {
        return link.to_owned();
    }
    let scheme = if secure { "wss://" } else { "ws://" };
    let path = if contains(link, b"/") { "" } else { "/ws" };
    concat(&[scheme, link, path])
}

/// Whether `link` has a `scheme://`.
pub fn has_scheme(link: &str) -> bool {
    contains(link, b"://")
}

/// Whether `text` contains the non-empty `pattern`. Compares bytes: `str::contains`
/// with a `&str` pattern brings string-slicing panics and their formatting into the
/// wasm, and one function for every search here costs less than one closure each.
fn contains(text: &str, pattern: &[u8]) -> bool {
    let text = text.as_bytes();
    let mut at = 0;
    while at + pattern.len() <= text.len() {
        if text[at..at + pattern.len()] == *pattern {
            return true;
        }
        at += 1;
    }
    false
}

/// JavaScript's `encodeURIComponent`: UTF-8 bytes outside the unreserved set as `%XX`.
pub fn encode_uri_component(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        // A `match` rather than a search of b"-_.!~*'()", which brings `memchr`.
        let unreserved = matches!(
            byte,
            b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'
        );
        if byte.is_ascii_alphanumeric() || unreserved {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 15)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_key_is_added_to_the_query() {
        assert_eq!(
            lbs_request_url("https://h/lbs", "a b&c"),
            "https://h/lbs?k=a%20b%26c"
        );
        assert_eq!(
            lbs_request_url("http://h/lbs?v=2", "é"),
            "http://h/lbs?v=2&k=%C3%A9"
        );
    }

    #[test]
    fn bare_links_get_a_scheme_and_path() {
        assert_eq!(normalize_link("h:1", false), "ws://h:1/ws");
        assert_eq!(normalize_link("h:1", true), "wss://h:1/ws");
        assert_eq!(normalize_link("h:1/im", true), "wss://h:1/im");
        assert_eq!(normalize_link("ws://h:1/x", true), "ws://h:1/x");
    }

    #[test]
    fn a_round_hands_out_each_link_once() {
        let mut round = Round::default();
        round.start(&["a:1".into(), "wss://b/ws".into()], true);
        assert_eq!(round.next_link().as_deref(), Some("wss://a:1/ws"));
        assert!(round.has_next());
        assert_eq!(round.next_link().as_deref(), Some("wss://b/ws"));
        assert!(!round.has_next());
        assert_eq!(round.next_link(), None);
    }
}
