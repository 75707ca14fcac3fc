//! Reading a server API call from its request: the signature headers and the form
//! fields, checked for shape only. Pure (no store, no clock), so the fuzz target
//! `fuzz/fuzz_targets/api_call.rs` drives exactly what [`crate::api`] runs.

use std::collections::HashMap;

use axum::http::{header, HeaderMap};

mod form;

/// Parameter error (missing or malformed field or header).
pub const CODE_BAD_PARAMETER: u16 = 414;

/// Longest accepted `accid`, token and nonce, in bytes.
const MAX_ACCID_BYTES: usize = 128;
const MAX_TOKEN_BYTES: usize = 128;
const MAX_NONCE_BYTES: usize = 128;
/// Longest accepted `name`, in characters.
const MAX_NAME_CHARS: usize = 64;

/// A refused call: its NIM code and description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The NIM code of the reply.
    pub code: u16,
    /// The reply's `desc`.
    pub desc: String,
}

impl Refusal {
    /// A refusal with `code` and `desc`.
    pub fn new(code: u16, desc: impl Into<String>) -> Refusal {
        Refusal {
            code,
            desc: desc.into(),
        }
    }
}

/// The signature headers of a call, before they are checked against the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature<'a> {
    /// `AppKey`.
    pub app_key: &'a str,
    /// `Nonce`.
    pub nonce: &'a str,
    /// `CurTime` as sent (the checksum covers the text).
    pub cur_time_text: &'a str,
    /// `CurTime` as unix seconds.
    pub cur_time: i64,
    /// `CheckSum`.
    pub check_sum: &'a str,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, Refusal> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| Refusal::new(CODE_BAD_PARAMETER, format!("missing header {name}")))
}

impl<'a> Signature<'a> {
    /// Reads the four signature headers.
    pub fn from_headers(headers: &'a HeaderMap) -> Result<Signature<'a>, Refusal> {
        let app_key = header(headers, "AppKey")?;
        let nonce = header(headers, "Nonce")?;
        let cur_time_text = header(headers, "CurTime")?;
        let check_sum = header(headers, "CheckSum")?;
        if nonce.len() > MAX_NONCE_BYTES {
            return Err(Refusal::new(CODE_BAD_PARAMETER, "Nonce too long"));
        }
        let cur_time = cur_time_text
            .parse()
            .map_err(|_| Refusal::new(CODE_BAD_PARAMETER, "CurTime must be unix seconds"))?;
        Ok(Signature {
            app_key,
            nonce,
            cur_time_text,
            cur_time,
            check_sum,
        })
    }
}

/// What a call asks for, with its fields checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// `create.action`: a new account, with the given token or a random one.
    Create {
        /// The token to set, or `None` for a random one.
        token: Option<String>,
        /// The display name.
        name: String,
    },
    /// `update.action`: set the token.
    Update {
        /// The new token.
        token: String,
    },
    /// `refreshToken.action`: a new random token.
    RefreshToken,
    /// `block.action`, kicking every device when `needkick`.
    Block {
        /// Whether to kick the account's devices too.
        needkick: bool,
    },
    /// `unblock.action`.
    Unblock,
}

/// The server API's actions, as they appear in `/nimserver/user/{action}`.
pub const ACTIONS: [&str; 5] = [
    "create.action",
    "update.action",
    "refreshToken.action",
    "block.action",
    "unblock.action",
];

/// Reads the `accid` form field: NIM's rule, letters, digits, `_`, `@`, `.`, `-`.
pub fn accid(fields: &HashMap<String, String>, name: &str) -> Result<String, Refusal> {
    let accid = fields.get(name).map(String::as_str).unwrap_or("");
    // Quotes, spaces, slashes and control characters never reach storage, logs or
    // other devices.
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '.' | '-');
    if accid.is_empty() || accid.len() > MAX_ACCID_BYTES || !accid.chars().all(allowed) {
        return Err(Refusal::new(CODE_BAD_PARAMETER, format!("bad {name}")));
    }
    Ok(accid.to_owned())
}

fn token(fields: &HashMap<String, String>) -> Result<Option<String>, Refusal> {
    match fields.get("token") {
        None => Ok(None),
        Some(token) if token.is_empty() || token.len() > MAX_TOKEN_BYTES => {
            Err(Refusal::new(CODE_BAD_PARAMETER, "bad token"))
        }
        Some(token) => Ok(Some(token.clone())),
    }
}

impl Operation {
    /// Reads the account and operation of `action` from its form `fields`.
    pub fn parse(
        action: &str,
        fields: &HashMap<String, String>,
    ) -> Result<(String, Operation), Refusal> {
        let accid = accid(fields, "accid")?;
        let operation = match action {
            "create.action" => {
                let token = token(fields)?;
                let name = fields.get("name").cloned().unwrap_or_default();
                if name.chars().count() > MAX_NAME_CHARS {
                    return Err(Refusal::new(CODE_BAD_PARAMETER, "name too long"));
                }
                Operation::Create { token, name }
            }
            "update.action" => Operation::Update {
                token: token(fields)?
                    .ok_or_else(|| Refusal::new(CODE_BAD_PARAMETER, "bad token"))?,
            },
            "refreshToken.action" => Operation::RefreshToken,
            "block.action" => Operation::Block {
                needkick: match fields.get("needkick").map(String::as_str) {
                    None | Some("false") => false,
                    Some("true") => true,
                    Some(_) => return Err(Refusal::new(CODE_BAD_PARAMETER, "bad needkick")),
                },
            },
            "unblock.action" => Operation::Unblock,
            _ => return Err(Refusal::new(404, "no such action")),
        };
        Ok((accid, operation))
    }
}

/// The fields of a form-encoded body: refused unless the `Content-Type` says
/// `application/x-www-form-urlencoded` and every escape decodes to UTF-8.
pub fn form(headers: &HeaderMap, body: &[u8]) -> Result<HashMap<String, String>, Refusal> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = content_type.split(';').next().unwrap_or("").trim();
    if !mime.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(Refusal::new(
            CODE_BAD_PARAMETER,
            "body must be form-encoded",
        ));
    }
    form::fields(body)
}

/// Reads a whole call: signature headers, a form-encoded body, and the action's
/// fields, in the steps the HTTP handler runs after [`form`]'s `Content-Type` check.
pub fn parse(
    action: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(String, Operation), Refusal> {
    Signature::from_headers(headers)?;
    let fields = form::fields(body)?;
    Operation::parse(action, &fields)
}
