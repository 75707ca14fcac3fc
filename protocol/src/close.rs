//! WebSocket close codes used by `nim-server`, and what the SDK does after each.

/// A WebSocket close code as the protocol uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseCode(pub u16);

/// What a client should do after its connection closed with a given code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reconnect {
    /// The close was asked for (logout) or final (kicked, refused): never reconnect.
    Never,
    /// A transient failure: reconnect with backoff.
    WithBackoff,
}

impl CloseCode {
    /// Normal close after `logoutOk`.
    pub const NORMAL: CloseCode = CloseCode(1000);
    /// The server is going away (shutdown); retry later.
    pub const GOING_AWAY: CloseCode = CloseCode(1001);
    /// The peer sent a frame type the protocol does not use (binary).
    pub const UNSUPPORTED_DATA: CloseCode = CloseCode(1003);
    /// Closed without a close frame (network loss, crash); set by the browser.
    pub const ABNORMAL: CloseCode = CloseCode(1006);
    /// A frame exceeded [`crate::MAX_FRAME_BYTES`].
    pub const TOO_BIG: CloseCode = CloseCode(1009);
    /// The server is restarting; retry later.
    pub const SERVICE_RESTART: CloseCode = CloseCode(1012);
    /// The server is overloaded; retry later.
    pub const TRY_AGAIN_LATER: CloseCode = CloseCode(1013);
    /// This connection was kicked (a `kicked` message precedes it).
    pub const KICKED: CloseCode = CloseCode(4001);
    /// A newer connection with the same deviceId replaced this one.
    pub const REPLACED: CloseCode = CloseCode(4002);
    /// The server heard nothing within the idle timeout.
    pub const IDLE_TIMEOUT: CloseCode = CloseCode(4003);
    /// No `login` arrived within the login timeout.
    pub const LOGIN_TIMEOUT: CloseCode = CloseCode(4008);
    /// The client read too slowly: its queue of pushes overflowed.
    pub const SLOW_READER: CloseCode = CloseCode(4009);
    /// The peer broke the protocol (bad frames before login, second login, ...).
    pub const PROTOCOL_ERROR: CloseCode = CloseCode(4400);

    /// The close code that follows a `loginFailed` with NIM `code`: 4000 + code.
    pub fn login_refused(code: u16) -> CloseCode {
        CloseCode(4000 + code)
    }

    /// The NIM login code of a `login_refused` close code, if it is one.
    pub fn refused_login_code(self) -> Option<u16> {
        (4100..4600).contains(&self.0).then(|| self.0 - 4000)
    }

    /// What a client does after this close.
    pub fn reconnect(self) -> Reconnect {
        match self {
            CloseCode::NORMAL | CloseCode::KICKED | CloseCode::REPLACED => Reconnect::Never,
            CloseCode::PROTOCOL_ERROR | CloseCode::UNSUPPORTED_DATA | CloseCode::TOO_BIG => {
                Reconnect::Never
            }
            other => match other.refused_login_code() {
                Some(code) if crate::code::is_terminal_login_code(code) => Reconnect::Never,
                _ => Reconnect::WithBackoff,
            },
        }
    }
}
