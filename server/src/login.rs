//! Deciding a login: the checks in NIM's order, the place in the session registry,
//! and the `loginOk` that describes the connection.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use nim_protocol::{
    code, ConnectionInfo, LoginOk, LoginPort, LoginRequest, MAX_CUSTOM_TAG_CHARS, PROTOCOL_VERSION,
};
use tokio::sync::mpsc;
use tracing::warn;

use crate::sessions::{Admission, Admitted, Command};
use crate::store::LoginCheck;
use crate::Shared;

/// Longest accepted `account`, `deviceId`, `os` and `mac`, in bytes.
const MAX_FIELD_BYTES: usize = 128;
/// Longest accepted `token` and `loginExt`, in bytes.
const MAX_LONG_FIELD_BYTES: usize = 1024;

/// A logged-in connection's place in the registry.
pub(crate) struct Session {
    /// The app key.
    pub app: String,
    /// The account.
    pub account: String,
    /// The connection's registry id.
    pub conn: u64,
    /// Close with 4003 after hearing nothing for this long.
    pub idle: Duration,
    /// Pushes and kicks from the registry.
    pub inbox: mpsc::UnboundedReceiver<Command>,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Checks a login and places the device in the registry: the `loginOk` to send and
/// the session, or the NIM code and message of the refusal.
pub(crate) async fn admit(
    shared: &Shared,
    peer: SocketAddr,
    req: LoginRequest,
) -> Result<(LoginOk, Session), (u16, &'static str)> {
    if !shared
        .login_attempts
        .allow(peer.ip(), std::time::Instant::now())
    {
        return Err((code::RATE_LIMITED, "too many login attempts"));
    }
    if req.v != PROTOCOL_VERSION {
        return Err((code::UNSUPPORTED_VERSION, "unsupported protocol version"));
    }
    if req.device_id.is_empty()
        || [&req.account, &req.device_id, &req.os, &req.mac]
            .iter()
            .any(|field| field.len() > MAX_FIELD_BYTES)
        || req.token.len() > MAX_LONG_FIELD_BYTES
        || req.login_ext.len() > MAX_LONG_FIELD_BYTES
        || req.custom_tag.chars().count() > MAX_CUSTOM_TAG_CHARS
    {
        return Err((code::BAD_REQUEST, "bad login field"));
    }
    let Some(app) = shared.config.app(&req.app_key) else {
        return Err((code::FORBIDDEN, "unknown app key"));
    };
    if req.account.is_empty() {
        return Err((code::NO_ACCOUNT, "no such account"));
    }
    let now = std::time::Instant::now();
    if shared.login_failures.exhausted(&app.key, &req.account, now) {
        return Err((
            code::RATE_LIMITED,
            "too many failed logins for this account",
        ));
    }
    let check = shared
        .store
        .check_login(&app.key, &req.account, &req.token)
        .await;
    let last_login_device_id = match check {
        Ok(LoginCheck::Accepted {
            last_login_device_id,
        }) => last_login_device_id,
        Ok(LoginCheck::NoAccount) => return Err((code::NO_ACCOUNT, "no such account")),
        Ok(LoginCheck::BadToken) => {
            shared.login_failures.record(&app.key, &req.account, now);
            return Err((code::BAD_TOKEN, "bad account or token"));
        }
        Ok(LoginCheck::Blocked) => return Err((code::BLOCKED, "account blocked")),
        Err(err) => {
            warn!(error = %err, "login check failed");
            return Err((code::SERVER_ERROR, "server error"));
        }
    };

    let conn = shared.next_connection();
    let connection_id = format!("{}{conn:06}", shared.connection_prefix);
    let port = LoginPort {
        device_type: req.device_type,
        os: req.os,
        mac: req.mac,
        device_id: req.device_id,
        account: req.account,
        custom_tag: req.custom_tag,
        custom_client_type: req.custom_client_type,
        connection_id: connection_id.clone(),
        ip: peer.ip().to_string(),
        time: now_ms(),
        online: true,
    };
    let (outbox, inbox) = mpsc::unbounded_channel();
    let admission = Admission {
        app: app.key.clone(),
        policy: app.policy,
        conn,
        port: port.clone(),
        auto: req.auto,
        max_per_account: shared.config.limits.max_connections_per_account,
        outbox,
    };
    let ports = match shared.sessions.admit(admission).await {
        Ok(Admitted::Accepted(ports)) => ports,
        Err(err) => {
            warn!(error = %err, "placing the device failed");
            return Err((code::SERVER_ERROR, "server error"));
        }
        Ok(Admitted::Refused(code::SLOT_TAKEN)) => {
            return Err((code::SLOT_TAKEN, "another device took the slot"))
        }
        Ok(Admitted::Refused(code)) => return Err((code, "too many devices")),
    };
    // A block that raced with this login either kicked the device just admitted
    // (it blocks before it kicks) or is seen here.
    let refusal = match shared
        .store
        .record_login(&app.key, &port.account, &port.device_id)
        .await
    {
        Ok(true) => None,
        Ok(false) => Some((code::BLOCKED, "account blocked")),
        Err(err) => {
            warn!(error = %err, "recording the login failed");
            Some((code::SERVER_ERROR, "server error"))
        }
    };
    if let Some(refusal) = refusal {
        shared.sessions.remove(&app.key, &port.account, conn).await;
        return Err(refusal);
    }
    let idle = shared.config.limits.idle_timeout(req.heartbeat_interval);
    let ok = LoginOk {
        id: req.id,
        connection: ConnectionInfo {
            last_login_device_id,
            custom_tag: port.custom_tag,
            connection_id,
            ip: port.ip,
            port: peer.port().to_string(),
            country: String::new(),
        },
        ports,
        idle_timeout: u32::try_from(idle.as_millis()).unwrap_or(u32::MAX),
    };
    let session = Session {
        app: app.key.clone(),
        account: port.account,
        conn,
        idle,
        inbox,
    };
    Ok((ok, session))
}
