//! Deciding a login: the checks in NIM's order, the place in the session registry,
//! and the `loginOk` that describes the connection.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use nim_protocol::{
    code, ConnectionInfo, LoginOk, LoginPort, LoginRequest, MAX_ACCOUNT_BYTES, MAX_APP_KEY_BYTES,
    MAX_CUSTOM_TAG_CHARS, MAX_DEVICE_ID_BYTES, MAX_LOGIN_EXT_BYTES, MAX_MAC_BYTES, MAX_OS_BYTES,
    MAX_TOKEN_BYTES, PROTOCOL_VERSION,
};
use tracing::warn;

use crate::config::App;
use crate::outbox::{self, Inbox};
use crate::policy::{Login, Refusal};
use crate::sessions::Admission;
use crate::shared::Shared;
use crate::store::LoginCheck;

/// Why a login was refused: each carries the NIM code of its `loginFailed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginError {
    /// Too many logins from this address in the window (416).
    TooManyAttempts,
    /// A protocol version this server does not speak (201).
    UnsupportedVersion,
    /// A field missing, too long or malformed (400).
    BadField,
    /// No app with this key (403).
    UnknownApp,
    /// No such account (404).
    NoAccount,
    /// Too many refused tokens for this account in the window (416).
    TooManyFailures,
    /// The token does not match (302).
    BadToken,
    /// The account is blocked (422).
    Blocked,
    /// The policy refused a place (417 or 416).
    Refused(Refusal),
    /// The store or the cluster failed (500); logged where it happened.
    Server,
}

impl LoginError {
    /// The NIM code of the `loginFailed`.
    pub fn code(self) -> u16 {
        match self {
            LoginError::TooManyAttempts | LoginError::TooManyFailures => code::RATE_LIMITED,
            LoginError::UnsupportedVersion => code::UNSUPPORTED_VERSION,
            LoginError::BadField => code::BAD_REQUEST,
            LoginError::UnknownApp => code::FORBIDDEN,
            LoginError::NoAccount => code::NO_ACCOUNT,
            LoginError::BadToken => code::BAD_TOKEN,
            LoginError::Blocked => code::BLOCKED,
            LoginError::Refused(refusal) => refusal.code(),
            LoginError::Server => code::SERVER_ERROR,
        }
    }

    /// The message of the `loginFailed`, also the close frame's reason.
    pub fn message(self) -> &'static str {
        match self {
            LoginError::TooManyAttempts => "too many login attempts",
            LoginError::UnsupportedVersion => "unsupported protocol version",
            LoginError::BadField => "bad login field",
            LoginError::UnknownApp => "unknown app key",
            LoginError::NoAccount => "no such account",
            LoginError::TooManyFailures => "too many failed logins for this account",
            LoginError::BadToken => "bad account or token",
            LoginError::Blocked => "account blocked",
            LoginError::Refused(Refusal::SlotTaken) => "another device took the slot",
            LoginError::Refused(Refusal::TooManyDevices) => "too many devices",
            LoginError::Server => "server error",
        }
    }
}

impl std::fmt::Display for LoginError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message(), self.code())
    }
}

impl std::error::Error for LoginError {}

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
    pub inbox: Inbox,
    /// When the registry admitted it (ms since the epoch), as its other devices see it.
    pub login_time: u64,
}

/// The wall-clock time in ms since the epoch (0 if the clock is before it).
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Checks a login and places the device in the registry: the `loginOk` to send and
/// the session, or why it was refused.
pub(crate) async fn admit(
    shared: &Shared,
    peer: SocketAddr,
    req: LoginRequest,
) -> Result<(LoginOk, Session), LoginError> {
    let app = check_request(shared, peer, &req).await?;
    let last_login_device_id = check_token(shared, app, &req).await?;
    let (port, session, ports) = place(shared, app, peer, &req).await?;
    let idle = session.idle;
    let ok = LoginOk {
        id: req.id,
        connection: ConnectionInfo {
            last_login_device_id,
            custom_tag: port.custom_tag,
            connection_id: port.connection_id,
            ip: port.ip,
            port: peer.port().to_string(),
            country: String::new(),
        },
        ports,
        idle_timeout: u32::try_from(idle.as_millis()).unwrap_or(u32::MAX),
    };
    Ok((ok, session))
}

/// Whether every field is present and within its length.
fn fields_ok(req: &LoginRequest) -> bool {
    !req.device_id.is_empty()
        && req.app_key.len() <= MAX_APP_KEY_BYTES
        && req.account.len() <= MAX_ACCOUNT_BYTES
        && req.token.len() <= MAX_TOKEN_BYTES
        && req.device_id.len() <= MAX_DEVICE_ID_BYTES
        && req.os.len() <= MAX_OS_BYTES
        && req.mac.len() <= MAX_MAC_BYTES
        && req.login_ext.len() <= MAX_LOGIN_EXT_BYTES
        && req.custom_tag.chars().count() <= MAX_CUSTOM_TAG_CHARS
}

/// The checks before the token, in NIM's order: the address's attempts, the
/// version, the fields, the app, the account, the account's refused tokens.
async fn check_request<'a>(
    shared: &'a Shared,
    peer: SocketAddr,
    req: &LoginRequest,
) -> Result<&'a App, LoginError> {
    if !shared.limiter.attempt(peer.ip()).await {
        return Err(LoginError::TooManyAttempts);
    }
    if req.v != PROTOCOL_VERSION {
        return Err(LoginError::UnsupportedVersion);
    }
    if !fields_ok(req) {
        return Err(LoginError::BadField);
    }
    let app = shared
        .config
        .app(&req.app_key)
        .ok_or(LoginError::UnknownApp)?;
    if req.account.is_empty() {
        return Err(LoginError::NoAccount);
    }
    if shared
        .limiter
        .failures_exhausted(&app.key, &req.account)
        .await
    {
        return Err(LoginError::TooManyFailures);
    }
    Ok(app)
}

/// Checks the token: the account's previous login device, or the refusal. A
/// refused token counts against the account.
async fn check_token(shared: &Shared, app: &App, req: &LoginRequest) -> Result<String, LoginError> {
    match shared
        .store
        .check_login(&app.key, &req.account, &req.token)
        .await
    {
        Ok(LoginCheck::Accepted {
            last_login_device_id,
        }) => Ok(last_login_device_id),
        Ok(LoginCheck::NoAccount) => Err(LoginError::NoAccount),
        Ok(LoginCheck::BadToken) => {
            shared.limiter.record_failure(&app.key, &req.account).await;
            Err(LoginError::BadToken)
        }
        Ok(LoginCheck::Blocked) => Err(LoginError::Blocked),
        Err(err) => {
            warn!(error = %err, "login check failed");
            Err(LoginError::Server)
        }
    }
}

/// The device as the account's other devices will see it.
fn login_port(shared: &Shared, conn: u64, peer: SocketAddr, req: &LoginRequest) -> LoginPort {
    LoginPort {
        device_type: req.device_type,
        os: req.os.clone(),
        mac: req.mac.clone(),
        device_id: req.device_id.clone(),
        account: req.account.clone(),
        custom_tag: req.custom_tag.clone(),
        custom_client_type: req.custom_client_type,
        connection_id: format!("{}{conn:06}", shared.connection_prefix),
        ip: peer.ip().to_string(),
        time: 0,
        online: true,
    }
}

/// Places the device in the registry and records the login: the device, its
/// session and the account's other live devices.
async fn place(
    shared: &Shared,
    app: &App,
    peer: SocketAddr,
    req: &LoginRequest,
) -> Result<(LoginPort, Session, Vec<LoginPort>), LoginError> {
    let conn = shared.next_connection();
    let port = login_port(shared, conn, peer, req);
    let (outbox, inbox) = outbox::queue(shared.config.limits.outbox_capacity);
    let admission = Admission {
        app: app.key.clone(),
        conn,
        login: Login {
            port: port.clone(),
            policy: app.policy,
            auto: req.auto,
            max_per_account: shared.config.limits.max_connections_per_account,
        },
        outbox,
    };
    let login_time = now_ms();
    let ports = match shared.sessions.admit(admission, login_time).await {
        Ok(Ok(ports)) => ports,
        Ok(Err(refusal)) => return Err(LoginError::Refused(refusal)),
        Err(err) => {
            warn!(error = %err, "placing the device failed");
            return Err(LoginError::Server);
        }
    };
    record(shared, &app.key, &port, conn).await?;
    let session = Session {
        app: app.key.clone(),
        account: port.account.clone(),
        conn,
        idle: shared.config.limits.idle_timeout(req.heartbeat_interval),
        inbox,
        login_time,
    };
    Ok((port, session, ports))
}

/// Records the login as the account's last; a block that raced with it either
/// kicked the device just admitted (it blocks before it kicks) or is seen here, and
/// the device is removed again.
async fn record(shared: &Shared, app: &str, port: &LoginPort, conn: u64) -> Result<(), LoginError> {
    let refusal = match shared
        .store
        .record_login(app, &port.account, &port.device_id)
        .await
    {
        Ok(true) => return Ok(()),
        Ok(false) => LoginError::Blocked,
        Err(err) => {
            warn!(error = %err, "recording the login failed");
            LoginError::Server
        }
    };
    shared.sessions.remove(app, &port.account, conn).await;
    Err(refusal)
}
