//! NIM result codes carried in `loginFailed.code` and `error.code`.

/// Success.
pub const OK: u16 = 200;
/// The client's protocol version is not supported (terminal).
pub const UNSUPPORTED_VERSION: u16 = 201;
/// Bad account or token (terminal).
pub const BAD_TOKEN: u16 = 302;
/// The account was deleted or disabled by the app (terminal).
pub const ACCOUNT_DISABLED: u16 = 317;
/// A frame or request was malformed, or a field too long (terminal for a login: the
/// same login would be refused again).
pub const BAD_REQUEST: u16 = 400;
/// A request that needs a login arrived before one.
pub const NOT_LOGGED_IN: u16 = 401;
/// Unknown app key, or not allowed (terminal).
pub const FORBIDDEN: u16 = 403;
/// No such account (terminal).
pub const NO_ACCOUNT: u16 = 404;
/// A second `login` on a connection that is already logged in.
pub const ALREADY_LOGGED_IN: u16 = 409;
/// A frame larger than [`crate::MAX_FRAME_BYTES`].
pub const TOO_LARGE: u16 = 413;
/// Too many login attempts or connections; retry later.
pub const RATE_LIMITED: u16 = 416;
/// An automatic re-login was refused because another device took the slot (terminal).
pub const SLOT_TAKEN: u16 = 417;
/// The account is blocked (terminal).
pub const BLOCKED: u16 = 422;
/// The server failed; retry later.
pub const SERVER_ERROR: u16 = 500;

/// Login codes after which the SDK never retries on its own.
pub const TERMINAL_LOGIN_CODES: [u16; 8] = [
    UNSUPPORTED_VERSION,
    BAD_TOKEN,
    ACCOUNT_DISABLED,
    BAD_REQUEST,
    FORBIDDEN,
    NO_ACCOUNT,
    SLOT_TAKEN,
    BLOCKED,
];

/// Whether a login refused with `code` must not be retried automatically.
pub fn is_terminal_login_code(code: u16) -> bool {
    TERMINAL_LOGIN_CODES.contains(&code)
}
