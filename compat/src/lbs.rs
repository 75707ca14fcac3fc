//! The LBS answer: the JSON body of `GET /lbs/webconf.jsp?id=…&k=APPKEY`, which
//! tells the SDK which links to connect to.
//!
//! The SDK pushes each `common.link[i]` to the *front* of its link list, then
//! appends `common["link.default"]`, then its own default link, and tries the list
//! from the head, dropping each entry as it tries it \[seen + code\]. A link is
//! `host:port` without a scheme; the SDK adds `http(s)://` per its `secure` option.
//! `common` must be an object, or the SDK counts the answer as a failed LBS \[code\].

use serde::Serialize;

/// The path the SDK requests by default (`lbsUrl` points at it).
pub const LBS_PATH: &str = "/lbs/webconf.jsp";

#[derive(Serialize)]
struct Answer<'a> {
    common: Common<'a>,
}

#[derive(Serialize)]
struct Common<'a> {
    link: Vec<&'a str>,
    #[serde(rename = "link.default")]
    link_default: [&'a str; 0],
}

/// The LBS answer listing `links` (`host:port`), which the SDK will try in the
/// given order: they are written reversed, since the SDK reverses them again.
pub fn answer(links: &[impl AsRef<str>]) -> String {
    let answer = Answer {
        common: Common {
            link: links.iter().rev().map(AsRef::as_ref).collect(),
            link_default: [],
        },
    };
    // Strings in arrays always serialize.
    serde_json::to_string(&answer).expect("the LBS answer always serializes")
}
