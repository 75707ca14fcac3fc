//! The app backend's server API, in NIM's `nimserver` shape, plus the development
//! token endpoint.
//!
//! Every `/nimserver/user/*.action` call is a form-encoded POST signed with the
//! headers `AppKey`, `Nonce`, `CurTime` (unix seconds) and `CheckSum` (lowercase hex
//! SHA-1 of `AppSecret + Nonce + CurTime`). Replies are always HTTP 200 with a JSON
//! body whose `code` says what happened (200 done, 414 bad parameter, 403 refused,
//! 404 no such account, 431 replayed nonce, 500 server error), as NIM does.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use sha1::{Digest, Sha1};
use tracing::{info, warn};

use crate::config::App;
use crate::error::Error;
use crate::shared::Shared;
use crate::store::{constant_time_eq, random_token, Created};

pub use crate::api_call::CODE_BAD_PARAMETER;
use crate::api_call::{accid, form, Operation, Refusal, Signature, ACTIONS};
/// Refused: unknown app key, bad checksum, `CurTime` out of range.
pub const CODE_FORBIDDEN: u16 = 403;
/// No such account.
pub const CODE_NO_ACCOUNT: u16 = 404;
/// A `Nonce` that was already used (a replayed request).
pub const CODE_REPLAYED: u16 = 431;
/// The server failed.
pub const CODE_SERVER_ERROR: u16 = 500;

impl From<Error> for Refusal {
    fn from(err: Error) -> Refusal {
        warn!(error = %err, "server API call failed");
        Refusal::new(CODE_SERVER_ERROR, "server error")
    }
}

type Reply = Result<Value, Refusal>;

fn respond(shared: &Shared, reply: Reply) -> Response {
    let body = match reply {
        Ok(mut body) => {
            body["code"] = json!(200);
            shared.metrics.api_call(200);
            body
        }
        Err(Refusal { code, desc }) => {
            shared.metrics.api_call(code);
            json!({ "code": code, "desc": desc })
        }
    };
    Json(body).into_response()
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The lowercase hex `CheckSum` of a call.
pub fn checksum(secret: &str, nonce: &str, cur_time: &str) -> String {
    let mut sha = Sha1::new();
    sha.update(secret.as_bytes());
    sha.update(nonce.as_bytes());
    sha.update(cur_time.as_bytes());
    hex::encode(sha.finalize())
}

/// Checks the signature headers and returns the calling app.
async fn authenticate<'a>(shared: &'a Shared, headers: &HeaderMap) -> Result<&'a App, Refusal> {
    let signature = Signature::from_headers(headers)?;
    let Some(app) = shared.config.app(signature.app_key) else {
        return Err(Refusal::new(CODE_FORBIDDEN, "unknown AppKey"));
    };
    let expected = checksum(&app.secret, signature.nonce, signature.cur_time_text);
    let sum = signature.check_sum.to_ascii_lowercase();
    if !constant_time_eq(expected.as_bytes(), sum.as_bytes()) {
        return Err(Refusal::new(CODE_FORBIDDEN, "bad CheckSum"));
    }
    let now = now_secs();
    let skew = shared.config.limits.curtime_skew.as_secs() as i64;
    if (now - signature.cur_time).abs() > skew {
        return Err(Refusal::new(CODE_FORBIDDEN, "CurTime out of range"));
    }
    if !shared
        .store
        .use_nonce(&app.key, signature.nonce, now)
        .await?
    {
        return Err(Refusal::new(CODE_REPLAYED, "Nonce already used"));
    }
    Ok(app)
}

/// Longest form body read; the longest valid call is far shorter.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// A request body, read whole within the body timeout. Hyper's header timeout
/// does not cover the body, and tower-http's body timeout is reset by every
/// byte, so a body sent one byte at a time would hold the connection for ever.
async fn read_body(shared: &Shared, body: Body) -> Result<Bytes, Response> {
    let deadline = shared.config.limits.http_body_timeout;
    match tokio::time::timeout(deadline, axum::body::to_bytes(body, MAX_FORM_BYTES)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(err)) => {
            let refusal = Refusal::new(CODE_BAD_PARAMETER, format!("body not read: {err}"));
            Err(respond(shared, Err(refusal)))
        }
        Err(_) => {
            let refusal = Refusal::new(CODE_BAD_PARAMETER, "body not sent in time");
            // Closing, rather than waiting for the rest of the body.
            let reply = respond(shared, Err(refusal));
            Err(([(header::CONNECTION, "close")], reply).into_response())
        }
    }
}

/// `POST /nimserver/user/{action}`.
pub(crate) async fn user_action(
    State(shared): State<Arc<Shared>>,
    Path(action): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !ACTIONS.contains(&action.as_str()) {
        let body = json!({ "code": 404, "desc": "no such action" });
        return (StatusCode::NOT_FOUND, Json(body)).into_response();
    }
    let body = match read_body(&shared, body).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let reply = async {
        let app = authenticate(&shared, &headers).await?;
        let fields = form(&headers, &body)?;
        let (accid, operation) = Operation::parse(&action, &fields)?;
        let result = perform(&shared, app, &accid, operation).await;
        let code = result.as_ref().map_or_else(|r| r.code, |_| 200);
        info!(app = %app.key, %accid, %action, code, "server API call");
        result
    }
    .await;
    respond(&shared, reply)
}

async fn perform(shared: &Shared, app: &App, accid: &str, operation: Operation) -> Reply {
    let no_account = || Refusal::new(CODE_NO_ACCOUNT, "accid not register");
    match operation {
        Operation::Create { token, name } => {
            let token = token.unwrap_or_else(random_token);
            match shared.store.create(&app.key, accid, &name, &token).await? {
                Created::Created => {
                    Ok(json!({ "info": { "token": token, "accid": accid, "name": name } }))
                }
                Created::AlreadyExists => Err(Refusal::new(CODE_BAD_PARAMETER, "already register")),
            }
        }
        Operation::Update { token } => {
            if !shared.store.set_token(&app.key, accid, &token).await? {
                return Err(no_account());
            }
            Ok(json!({}))
        }
        Operation::RefreshToken => {
            let token = random_token();
            if !shared.store.set_token(&app.key, accid, &token).await? {
                return Err(no_account());
            }
            Ok(json!({ "info": { "token": token, "accid": accid } }))
        }
        Operation::Block { needkick } => {
            if !shared.store.set_blocked(&app.key, accid, true).await? {
                return Err(no_account());
            }
            if needkick {
                let kicked = shared.sessions.kick_all(&app.key, accid).await?;
                info!(app = %app.key, %accid, kicked, "blocked account kicked");
            }
            Ok(json!({}))
        }
        Operation::Unblock => {
            if !shared.store.set_blocked(&app.key, accid, false).await? {
                return Err(no_account());
            }
            Ok(json!({}))
        }
    }
}

/// `POST /dev/token` (only with `--dev`): form `appKey`, `accid`. Creates the account
/// when it is missing, otherwise gives it a new token; replies with the token.
pub(crate) async fn dev_token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let body = match read_body(&shared, body).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let reply = async {
        let fields = form(&headers, &body)?;
        let key = fields.get("appKey").map(String::as_str).unwrap_or("");
        let Some(app) = shared.config.app(key) else {
            return Err(Refusal::new(CODE_FORBIDDEN, "unknown appKey"));
        };
        let accid = accid(&fields, "accid")?;
        let token = random_token();
        if shared.store.create(&app.key, &accid, "", &token).await? == Created::AlreadyExists
            && !shared.store.set_token(&app.key, &accid, &token).await?
        {
            return Err(Refusal::new(CODE_SERVER_ERROR, "account vanished"));
        }
        info!(app = %app.key, %accid, "dev token issued");
        Ok(json!({ "info": { "accid": accid, "token": token } }))
    }
    .await;
    respond(&shared, reply)
}

/// How long `/healthz` waits for each backend.
const HEALTH_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// `GET /healthz`: 200 `ok` when every configured backend answers, else 503 naming
/// the ones that do not.
pub(crate) async fn healthz(State(shared): State<Arc<Shared>>) -> Response {
    let (database, sessions) = tokio::join!(
        shared.store.reachable(HEALTH_WAIT),
        shared.sessions.reachable(HEALTH_WAIT)
    );
    let down: Vec<&str> = [(database, "postgres"), (sessions, "redis")]
        .into_iter()
        .filter(|(up, _)| !up)
        .map(|(_, name)| name)
        .collect();
    if down.is_empty() {
        return "ok\n".into_response();
    }
    let body = format!("unavailable: {}\n", down.join(", "));
    (StatusCode::SERVICE_UNAVAILABLE, body).into_response()
}

/// `GET /metrics`.
pub(crate) async fn metrics(State(shared): State<Arc<Shared>>) -> Response {
    (
        [("content-type", "text/plain; version=0.0.4; charset=utf-8")],
        shared.metrics.render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn checksum_is_lowercase_hex_sha1_of_secret_nonce_curtime() {
        // sha1("abc") is a published test vector.
        assert_eq!(
            super::checksum("a", "b", "c"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }
}
