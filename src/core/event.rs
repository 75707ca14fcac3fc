//! What the session tells the driver: actions to perform on the socket, and
//! events for the user's callbacks and pending requests.

use nim_protocol::{ClientMessage, ConnectionInfo, DeviceType, KickReason, LoginPort};

/// Identifies one WebSocket the session asked for; events of older sockets are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SocketId(pub u32);

/// Identifies one pending retry, so a late answer for an older one is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryTicket(pub u32);

/// Identifies one `kick` call until its [`Event::KickSettled`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KickTicket(pub u32);

/// Something the driver must do to the outside world, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Open a WebSocket to `url`; report its events with `socket`.
    Open {
        /// The new socket's id.
        socket: SocketId,
        /// Where to connect.
        url: String,
    },
    /// Send one message as a JSON text frame.
    Send {
        /// The socket to send on.
        socket: SocketId,
        /// The message.
        message: ClientMessage,
    },
    /// Close the socket and stop reporting its events: the session is done with it.
    Close {
        /// The socket to drop.
        socket: SocketId,
    },
}

/// Why the session ended for good, or (only `offlineListener`) paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisconnectCode {
    /// A refused login (201, 302, 317, 400, 403, 404, 417, 422), or a connection
    /// the server closed for what this client sent (400, 413).
    Login(u16),
    /// `'kicked'`, with the reason.
    Kicked(KickReason),
    /// `'logout'`: `disconnect()` or `destroy()` finished.
    Logout,
    /// `'alreadyDisconnected'`: `disconnect()` while logged out.
    AlreadyDisconnected,
    /// `'allAttemptsFailed'`: the session broke and no retry is left.
    AllAttemptsFailed,
    /// `'initConnectFail'`: a connect attempt failed and no retry is left.
    InitConnectFail,
    /// `'offlineListener'`: the browser went offline; a retry follows.
    OfflineListener,
}

/// The payload of `ondisconnect`.
#[derive(Debug, Clone, PartialEq)]
pub struct Disconnect {
    /// What happened.
    pub code: DisconnectCode,
    /// Human-readable details.
    pub message: String,
    /// How many retries were made before this.
    pub retry_count: u32,
    /// Whether the SDK will reconnect by itself.
    pub will_reconnect: bool,
    /// For kicks: the kicking device's type.
    pub from: Option<DeviceType>,
    /// For kicks: the kicker's app-defined text.
    pub custom: String,
}

impl Disconnect {
    /// A disconnect after which the SDK does nothing more by itself.
    pub fn terminal(code: DisconnectCode, message: impl Into<String>, retry_count: u32) -> Self {
        Disconnect {
            code,
            message: message.into(),
            retry_count,
            will_reconnect: false,
            from: None,
            custom: String::new(),
        }
    }
}

/// Why a request (`kick`) failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestFailure {
    /// There was no live session to send it on.
    NotLoggedIn,
    /// The session ended before the server answered.
    Disconnected,
    /// The server refused it with a code from `nim_protocol::code`.
    Server {
        /// The NIM code.
        code: u16,
        /// The server's reason.
        message: String,
    },
}

/// Something to tell the user or a pending request, after the session's borrow ends.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `onconnect`: a login succeeded.
    Connect(ConnectionInfo),
    /// `onloginportschange`: other devices came or went.
    LoginPortsChange(Vec<LoginPort>),
    /// Ask `reconnectDelayProvider(proposed)` and answer with
    /// `Session::handle_retry_delay`.
    RetryDelayNeeded {
        /// Which retry.
        ticket: RetryTicket,
        /// The SDK's own delay in ms.
        proposed: u64,
    },
    /// `onwillreconnect({retryCount, duration})`; when `gated`, answer with
    /// `Session::handle_retry_released` once its Promise settled.
    WillReconnect {
        /// Which retry.
        ticket: RetryTicket,
        /// 1 for the first retry.
        retry_count: u32,
        /// The delay before it, in ms.
        duration: u64,
        /// Whether the retry waits for the driver's release (`authType: 1`).
        gated: bool,
    },
    /// `ondisconnect`.
    Disconnect(Disconnect),
    /// `onerror`: the server reported an error that is not a disconnect.
    Error {
        /// The NIM code.
        code: u16,
        /// The server's reason.
        message: String,
    },
    /// A `kick` finished.
    KickSettled {
        /// Which call.
        ticket: KickTicket,
        /// The ids the server kicked, or why not.
        outcome: Result<Vec<String>, RequestFailure>,
    },
    /// Every pending `disconnect()` finished.
    DisconnectSettled,
    /// A line for the debug log.
    Log(String),
}
