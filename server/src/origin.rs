//! The page origins allowed to open `/ws` (`--allow-origin`).
//!
//! A browser lets any page open a WebSocket to any server and sends that page's
//! origin in the upgrade's `Origin` header. Without a check, a page on any site could
//! drive this server with whatever token it holds (cross-site WebSocket hijacking).
//! With an allow-list, an upgrade whose `Origin` is not on it is refused with HTTP 403
//! before any frame. An upgrade without `Origin` comes from a native client, which
//! could send any value anyway, and is allowed. An empty list allows every origin.

use crate::error::Error;

/// The origins allowed to open `/ws`, normalized (lowercase, no default port, no
/// trailing slash). Empty: every origin.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedOrigins(Vec<String>);

/// `scheme://host[:port]` in lowercase, without the scheme's default port or a
/// trailing slash; `None` when `origin` is not of that shape.
fn normalize(origin: &str) -> Option<String> {
    let lower = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    let (scheme, authority) = lower.split_once("://")?;
    if authority.is_empty() || authority.contains(['/', '?', '#', '@', ' ']) {
        return None;
    }
    let authority = match scheme {
        "https" => authority.strip_suffix(":443").unwrap_or(authority),
        "http" => authority.strip_suffix(":80").unwrap_or(authority),
        _ => return None,
    };
    Some(format!("{scheme}://{authority}"))
}

impl AllowedOrigins {
    /// Every origin may connect.
    pub fn any() -> AllowedOrigins {
        AllowedOrigins(Vec::new())
    }

    /// The allow-list of `origins`, each `http[s]://host[:port]`; empty entries
    /// (a trailing comma in `NIM_ALLOW_ORIGINS`) are skipped.
    pub fn parse<S: AsRef<str>>(origins: &[S]) -> Result<AllowedOrigins, Error> {
        origins
            .iter()
            .filter(|origin| !origin.as_ref().trim().is_empty())
            .map(|origin| {
                normalize(origin.as_ref()).ok_or_else(|| {
                    Error::Config(format!(
                        "--allow-origin wants http[s]://HOST[:PORT], got {:?}",
                        origin.as_ref()
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(AllowedOrigins)
    }

    /// Whether an upgrade with this `Origin` header (or none) may proceed.
    pub fn allows(&self, origin: Option<&str>) -> bool {
        match origin {
            _ if self.0.is_empty() => true,
            None => true,
            Some(origin) => normalize(origin).is_some_and(|o| self.0.contains(&o)),
        }
    }

    /// Whether every origin may connect.
    pub fn is_any(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_list_allows_everyone() {
        let any = AllowedOrigins::any();
        assert!(any.allows(Some("https://evil.example")));
        assert!(any.allows(None));
        assert!(AllowedOrigins::parse(&["", " "]).unwrap().is_any());
    }

    #[test]
    fn listed_origins_match_after_normalizing() {
        let list =
            AllowedOrigins::parse(&["https://App.Example.com/", "http://127.0.0.1:8080"]).unwrap();
        assert!(list.allows(Some("https://app.example.com")));
        assert!(list.allows(Some("https://app.example.com:443")));
        assert!(list.allows(Some("http://127.0.0.1:8080")));
        assert!(!list.allows(Some("http://app.example.com")));
        assert!(!list.allows(Some("https://app.example.com.evil.example")));
        assert!(!list.allows(Some("null")));
        assert!(!list.allows(Some("")));
        assert!(list.allows(None));
    }

    #[test]
    fn malformed_entries_are_a_config_error() {
        for bad in ["app.example.com", "ftp://x", "https://", "https://x/path"] {
            assert!(AllowedOrigins::parse(&[bad]).is_err(), "{bad}");
        }
    }
}
