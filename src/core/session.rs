//! The connection state machine of one account: login, heartbeat, reconnect,
//! kick and logout, with no I/O and time passed in.
//!
//! ```text
//!            connect()     LBS answered     open             loginOk
//!   Idle ──▶ (Locating) ──────▶ Connecting ──▶ (logging in) ──────▶ Connected
//!    ▲  ▲                        │  │ refused with a terminal code ─▶ Idle
//!    │  │                        │  └ closed / refused / timeout ─┐
//!    │  │ no retry left          ▼                                ▼
//!    │  └──────────────────── Waiting ◀──── closed / dead peer / offline
//!    │   delay elapsed, released,  │                 (from Connected)
//!    │   visible (and online) ─────┘──▶ Connecting
//!    │
//!    │ server closed / timeout          disconnect()
//!    └────────────────────── LoggingOut ◀──────────── Connected
//! ```
//!
//! Kicked, refused with a terminal code, and `disconnect()` from any state lead
//! straight to Idle and never reconnect.
//!
//! Each attempt takes the next address of the current [`Round`]; a round starts
//! (fetching LBS first when `lbsUrl` is set: Locating) at a manual `connect()` and
//! after each backoff. An attempt that fails before its login succeeds moves to the
//! round's next address at once; only a used-up round goes to Waiting.

use super::text::concat;

use nim_protocol::{
    code, code::is_terminal_login_code, ClientMessage, CloseCode, DeviceType, ErrorReply,
    HeartbeatRequest, KickReason, KickRequest, Kicked, LoginOk, LoginRequest, LogoutRequest,
    Reconnect, ServerMessage, PROTOCOL_VERSION,
};

use super::backoff::{Backoff, Jitter};
use super::config::{
    provided_delay, AuthType, SessionConfig, CONNECT_TIMEOUT_MS, LOGOUT_TIMEOUT_MS, PONG_GRACE_MS,
};
use super::event::{
    Action, Disconnect, DisconnectCode, Event, KickTicket, RequestFailure, RetryTicket, SocketId,
};
use super::links::{lbs_request_url, FetchId, LbsFetch, Round, LBS_TIMEOUT_MS};
use super::ports::LoginPorts;
use super::text::decimal;
use nim_protocol::LoginPort;

/// NIM's `getLoginStatus()` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginStatus {
    /// 0: logged out.
    LoggedOut = 0,
    /// 1: logged in.
    LoggedIn = 1,
    /// 2: logging in.
    LoggingIn = 2,
    /// 3: waiting to reconnect.
    WaitingToReconnect = 3,
}

/// Why the session wants to be woken up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerReason {
    /// The connect attempt takes too long.
    ConnectTimeout,
    /// Time to send a `ping`.
    Ping,
    /// Nothing was heard for too long: the peer is dead.
    PeerSilent,
    /// The delay before a retry elapsed.
    Retry,
    /// The server did not close the socket after `logout`.
    LogoutTimeout,
    /// LBS takes too long: use `defaultLink`.
    LbsTimeout,
}

/// The earliest moment the session must be called with `handle_timeout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timer {
    /// When, in ms on the driver's clock.
    pub at: u64,
    /// What for.
    pub reason: TimerReason,
}

/// The attempts since the last manual `connect()`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Run {
    /// Whether a login succeeded in this run (the next loss is a broken session).
    had_session: bool,
    /// Retries spent since the last successful login.
    retries: u32,
}

impl Run {
    /// The run after a logged-in session was lost: no retry spent yet.
    const BROKEN: Run = Run {
        had_session: true,
        retries: 0,
    };
}

#[derive(Debug, Clone, Copy)]
enum State {
    Idle,
    Locating {
        fetch: FetchId,
        deadline: u64,
        run: Run,
    },
    Connecting {
        socket: SocketId,
        /// The `login` request id once the socket opened.
        login: Option<u32>,
        deadline: u64,
        run: Run,
    },
    Connected {
        socket: SocketId,
        /// The server's idle timeout in ms, 0 when it named none.
        idle: u32,
        ping_every: u64,
        last_heard: u64,
        next_ping: u64,
    },
    Waiting {
        run: Run,
        ticket: RetryTicket,
        proposed: u64,
        /// When the retry may start; `None` until its delay is chosen.
        due: Option<u64>,
        /// Whether `onwillreconnect`'s Promise settled (always for a static token).
        released: bool,
    },
    LoggingOut {
        socket: SocketId,
        deadline: u64,
        then_connect: bool,
    },
}

/// What the page reports about itself.
#[derive(Debug, Clone, Copy)]
struct Page {
    visible: bool,
    online: bool,
}

/// The connection state machine of one account.
#[derive(Debug)]
pub struct Session {
    config: SessionConfig,
    state: State,
    backoff: Backoff,
    jitter: Jitter,
    page: Page,
    ports: LoginPorts,
    round: Round,
    kicks: Vec<(u32, KickTicket)>,
    next_id: u32,
    /// Actions not polled yet, oldest first: a few at a time, so a `Vec` whose
    /// front is removed costs less wasm than a `VecDeque`.
    actions: Vec<Action>,
    /// The LBS request not polled yet. One slot is enough: a newer request makes
    /// an older one stale (its answer would be ignored), and one input starts at
    /// most one.
    fetch: Option<LbsFetch>,
    /// Events not polled yet, oldest first.
    events: Vec<Event>,
}

impl Session {
    /// A logged-out session; `seed` feeds the reconnect jitter.
    pub fn new(config: SessionConfig, seed: u64) -> Self {
        Session {
            config,
            state: State::Idle,
            backoff: Backoff::default(),
            jitter: Jitter::new(seed),
            page: Page {
                visible: true,
                online: true,
            },
            ports: LoginPorts::default(),
            round: Round::default(),
            kicks: Vec::new(),
            next_id: 0,
            actions: Vec::new(),
            fetch: None,
            events: Vec::new(),
        }
    }

    // ---- getters -------------------------------------------------------------

    /// The current options.
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// NIM's login status.
    pub fn status(&self) -> LoginStatus {
        match self.state {
            State::Idle => LoginStatus::LoggedOut,
            State::Locating { .. } | State::Connecting { .. } => LoginStatus::LoggingIn,
            State::Connected { .. } | State::LoggingOut { .. } => LoginStatus::LoggedIn,
            State::Waiting { .. } => LoginStatus::WaitingToReconnect,
        }
    }

    /// Whether a socket is open (logging in, logged in or logging out).
    pub fn is_connected(&self) -> bool {
        matches!(
            self.state,
            State::Connecting { login: Some(_), .. }
                | State::Connected { .. }
                | State::LoggingOut { .. }
        )
    }

    /// Whether the session is doing anything (not logged out): the driver keeps its
    /// page listeners only while this holds.
    pub fn is_active(&self) -> bool {
        !matches!(self.state, State::Idle)
    }

    /// The LBS request the session waits for, if any: the driver cancels others.
    pub fn locating(&self) -> Option<FetchId> {
        match self.state {
            State::Locating { fetch, .. } => Some(fetch),
            _ => None,
        }
    }

    /// The account's other devices online now.
    pub fn login_ports(&self) -> &[LoginPort] {
        self.ports.online()
    }

    // ---- user calls ----------------------------------------------------------

    /// Replaces the options; login-time fields apply at the next login. A new
    /// `heartbeatInterval` applies at once and is told to the server, which derives
    /// its idle timeout from it; until the server answers, pings keep within the
    /// idle timeout it named before.
    pub fn set_config(&mut self, now: u64, config: SessionConfig) {
        let changed = config.heartbeat_interval != self.config.heartbeat_interval;
        self.config = config;
        let heartbeat_interval = self.config.heartbeat_interval;
        let State::Connected {
            socket,
            idle,
            ping_every,
            last_heard,
            next_ping,
            ..
        } = &mut self.state
        else {
            return;
        };
        if !changed {
            return;
        }
        *ping_every = ping_period(heartbeat_interval, *idle);
        *next_ping = now + *ping_every;
        // The peer is silent only once the next ping goes unanswered: a shorter
        // interval must not count the time before the change.
        *last_heard = now;
        let socket = *socket;
        let request = HeartbeatRequest { heartbeat_interval };
        self.send(socket, ClientMessage::Heartbeat(request));
    }

    /// `connect()`: a manual login, unless one is under way or done.
    pub fn connect(&mut self, now: u64) {
        match &mut self.state {
            State::Idle | State::Waiting { .. } => {
                self.backoff.reset();
                self.round.end();
                self.start_attempt(now, Run::default());
            }
            State::LoggingOut { then_connect, .. } => *then_connect = true,
            State::Locating { .. } | State::Connecting { .. } | State::Connected { .. } => {}
        }
    }

    /// `disconnect()`: log out and stop reconnecting; ends with
    /// [`Event::DisconnectSettled`].
    pub fn disconnect(&mut self, now: u64) {
        match &mut self.state {
            State::Idle => {
                self.emit(Event::Disconnect(Disconnect::terminal(
                    DisconnectCode::AlreadyDisconnected,
                    "not logged in",
                    0,
                )));
                self.emit(Event::DisconnectSettled);
            }
            State::Connecting { socket, .. } => {
                let socket = *socket;
                self.state = State::Idle;
                self.release(socket);
                self.emit(Event::DisconnectSettled);
            }
            State::Locating { .. } | State::Waiting { .. } => {
                self.state = State::Idle;
                self.emit(Event::DisconnectSettled);
            }
            State::Connected { socket, .. } => {
                let socket = *socket;
                let id = self.next_id();
                self.send(socket, ClientMessage::Logout(LogoutRequest { id }));
                self.state = State::LoggingOut {
                    socket,
                    deadline: now + LOGOUT_TIMEOUT_MS,
                    then_connect: false,
                };
            }
            State::LoggingOut { then_connect, .. } => *then_connect = false,
        }
    }

    /// `kick()`: asks the server to kick other devices; ends with
    /// [`Event::KickSettled`] for the returned ticket.
    pub fn kick(&mut self, device_ids: Vec<String>, custom: String) -> KickTicket {
        let ticket = KickTicket(self.next_id());
        match self.state {
            State::Connected { socket, .. } => {
                let id = self.next_id();
                self.kicks.push((id, ticket));
                self.send(
                    socket,
                    ClientMessage::Kick(KickRequest {
                        id,
                        device_ids,
                        custom,
                    }),
                );
            }
            _ => self.emit(Event::KickSettled {
                ticket,
                outcome: Err(RequestFailure::NotLoggedIn),
            }),
        }
        ticket
    }

    // ---- socket events -------------------------------------------------------

    /// The socket opened: send `login`.
    pub fn handle_open(&mut self, _now: u64, opened: SocketId) {
        let State::Connecting {
            socket, login, run, ..
        } = &mut self.state
        else {
            return;
        };
        if *socket != opened || login.is_some() {
            return;
        }
        let (socket, auto) = (*socket, run.had_session);
        let id = self.next_id;
        self.next_id += 1;
        *login = Some(id);
        let request = self.login_request(id, auto);
        self.send(socket, ClientMessage::Login(request));
    }

    /// A frame arrived and was understood.
    pub fn handle_message(&mut self, now: u64, from: SocketId, message: ServerMessage) {
        match &mut self.state {
            State::Connecting {
                socket,
                login: Some(id),
                ..
            } if *socket == from => {
                let (socket, id) = (*socket, *id);
                match message {
                    ServerMessage::LoginOk(ok) if ok.id == id => self.logged_in(now, socket, ok),
                    ServerMessage::LoginFailed(failed) if failed.id == id => {
                        self.login_refused(now, failed.code, failed.message)
                    }
                    ServerMessage::Error(error) if error.id == Some(id) => {
                        self.login_refused(now, error.code, error.message)
                    }
                    _ => {}
                }
            }
            State::Connected {
                socket, last_heard, ..
            } if *socket == from => {
                *last_heard = now;
                let socket = *socket;
                self.handle_session_message(now, socket, message);
            }
            // A reply that arrives before the socket closes still settles its
            // request: the server did what was asked.
            State::LoggingOut { socket, .. } if *socket == from => {
                let _ = self.settle_reply(message);
            }
            _ => {}
        }
    }

    /// A frame arrived that could not be read; it still proves the peer alive.
    pub fn handle_unreadable(&mut self, now: u64, from: SocketId, detail: &str) {
        if let State::Connected {
            socket, last_heard, ..
        } = &mut self.state
        {
            if *socket == from {
                *last_heard = now;
            }
        }
        self.log(&["ignored an unreadable frame: ", detail]);
    }

    /// The socket closed (or failed to open) with a WebSocket close code.
    pub fn handle_close(&mut self, now: u64, closed: SocketId, code: u16, reason: &str) {
        // The attempt's run while logging in, `None` for a logged-in session.
        let (socket, attempt) = match self.state {
            State::Connecting { socket, run, .. } => (socket, Some(run)),
            State::Connected { socket, .. } => (socket, None),
            State::LoggingOut {
                socket,
                then_connect,
                ..
            } => {
                if socket == closed {
                    self.state = State::Idle;
                    self.release(socket);
                    self.logged_out(now, then_connect);
                }
                return;
            }
            _ => return,
        };
        if socket != closed {
            return;
        }
        self.state = State::Idle;
        self.release(socket);
        let retry_count = attempt.map_or(0, |run| run.retries);
        if let Some(disconnect) = ending_for_close(code, reason, retry_count) {
            self.end(disconnect);
            return;
        }
        let what = match attempt {
            Some(_) => "connect attempt closed with ",
            None => "session closed with ",
        };
        self.log(&[what, &decimal(code.into()), " ", reason]);
        match attempt {
            Some(run) => self.attempt_failed(now, run),
            None => self.session_broke(now),
        }
    }

    // ---- page events ---------------------------------------------------------

    /// Records the page's state when the driver starts listening; changes nothing else.
    pub fn observe_page(&mut self, visible: bool, online: bool) {
        self.page = Page { visible, online };
    }

    /// The page became visible (`visibilitychange`, `pageshow`) or hidden.
    pub fn handle_visibility(&mut self, now: u64, visible: bool) {
        self.page.visible = visible;
        if visible {
            self.retry_now(now);
        }
    }

    /// The browser went `online` or `offline`.
    pub fn handle_online(&mut self, now: u64, online: bool) {
        self.page.online = online;
        if online {
            self.retry_now(now);
            return;
        }
        if !self.config.quick_reconnect {
            return;
        }
        // The attempt's run while logging in, `None` for a logged-in session.
        let (socket, attempt) = match self.state {
            State::Connecting { socket, run, .. } => (socket, Some(run)),
            State::Connected { socket, .. } => (socket, None),
            _ => return,
        };
        self.state = State::Idle;
        self.release(socket);
        let run = match attempt {
            Some(run) => run,
            None => {
                self.fail_requests();
                if self.may_retry(Run::BROKEN) {
                    self.emit(Event::Disconnect(Disconnect {
                        will_reconnect: true,
                        ..Disconnect::terminal(
                            DisconnectCode::OfflineListener,
                            "the browser went offline",
                            0,
                        )
                    }));
                }
                Run::BROKEN
            }
        };
        self.retry(now, run);
    }

    // ---- the driver's answers --------------------------------------------------

    /// `reconnectDelayProvider` returned `provided` (or nothing usable) for `ticket`.
    pub fn handle_retry_delay(&mut self, now: u64, for_ticket: RetryTicket, provided: Option<f64>) {
        if let State::Waiting {
            ticket,
            proposed,
            due: None,
            ..
        } = self.state
        {
            if ticket == for_ticket {
                self.plan_retry(now, provided_delay(provided, proposed));
            }
        }
    }

    /// `onwillreconnect`'s Promise for `ticket` settled: the retry may start.
    pub fn handle_retry_released(&mut self, now: u64, for_ticket: RetryTicket) {
        if let State::Waiting {
            ticket, released, ..
        } = &mut self.state
        {
            if *ticket == for_ticket {
                *released = true;
                self.try_retry(now);
            }
        }
    }

    /// The LBS request `for_fetch` answered: the addresses of a `code: 200` reply, or
    /// what went wrong. No addresses or an error mean `defaultLink`.
    pub fn handle_lbs_reply(
        &mut self,
        now: u64,
        for_fetch: FetchId,
        reply: Result<Vec<String>, String>,
    ) {
        let State::Locating { fetch, run, .. } = self.state else {
            return;
        };
        if fetch != for_fetch {
            return;
        }
        let secure = self.config.secure_page;
        match reply {
            Ok(links) if !links.is_empty() => self.round.start(&links, secure),
            Ok(_) => {
                self.log(&["LBS listed no address: using defaultLink"]);
                self.round.start(&self.config.default_links, secure);
            }
            Err(error) => {
                self.log(&["LBS failed (", &error, "): using defaultLink"]);
                self.round.start(&self.config.default_links, secure);
            }
        }
        self.enter_round(now, run);
    }

    /// A timer armed from [`Session::poll_timeout`] fired (early or late is fine).
    pub fn handle_timeout(&mut self, now: u64) {
        match self.state {
            State::Connecting {
                socket,
                deadline,
                run,
                ..
            } if now >= deadline => {
                self.state = State::Idle;
                self.release(socket);
                self.log(&["connect attempt timed out"]);
                self.attempt_failed(now, run);
            }
            State::Locating { deadline, run, .. } if now >= deadline => {
                self.state = State::Idle;
                self.log(&["LBS did not answer in time: using defaultLink"]);
                let secure = self.config.secure_page;
                self.round.start(&self.config.default_links, secure);
                self.enter_round(now, run);
            }
            State::Connected {
                socket,
                ping_every,
                last_heard,
                ..
            } if now >= last_heard + ping_every + PONG_GRACE_MS => {
                self.state = State::Idle;
                self.release(socket);
                self.log(&["heard nothing from the server: connection dead"]);
                self.session_broke(now);
            }
            State::Connected {
                socket,
                idle,
                ping_every,
                last_heard,
                next_ping,
            } if now >= next_ping => {
                self.send(socket, ClientMessage::Ping);
                self.state = State::Connected {
                    socket,
                    idle,
                    ping_every,
                    last_heard,
                    next_ping: now + ping_every,
                };
            }
            State::LoggingOut {
                socket,
                deadline,
                then_connect,
            } if now >= deadline => {
                self.state = State::Idle;
                self.release(socket);
                self.logged_out(now, then_connect);
            }
            _ => self.try_retry(now),
        }
    }

    // ---- outputs ---------------------------------------------------------------

    /// The next thing to do to the socket; drain before [`Session::poll_event`].
    pub fn poll_action(&mut self) -> Option<Action> {
        take_first(&mut self.actions)
    }

    /// The next LBS request to make; drain with [`Session::poll_action`].
    pub fn poll_lbs_fetch(&mut self) -> Option<LbsFetch> {
        self.fetch.take()
    }

    /// The next event for the user or a pending request.
    pub fn poll_event(&mut self) -> Option<Event> {
        take_first(&mut self.events)
    }

    /// When to call [`Session::handle_timeout`] next, if ever.
    pub fn poll_timeout(&self) -> Option<Timer> {
        let timer = |at, reason| Some(Timer { at, reason });
        match self.state {
            State::Idle => None,
            State::Locating { deadline, .. } => timer(deadline, TimerReason::LbsTimeout),
            State::Connecting { deadline, .. } => timer(deadline, TimerReason::ConnectTimeout),
            State::Connected {
                ping_every,
                last_heard,
                next_ping,
                ..
            } => {
                let silent = last_heard + ping_every + PONG_GRACE_MS;
                if silent <= next_ping {
                    timer(silent, TimerReason::PeerSilent)
                } else {
                    timer(next_ping, TimerReason::Ping)
                }
            }
            State::Waiting {
                due: Some(due),
                released: true,
                ..
            } if self.page_allows_retry() => timer(due, TimerReason::Retry),
            State::Waiting { .. } => None,
            State::LoggingOut { deadline, .. } => timer(deadline, TimerReason::LogoutTimeout),
        }
    }

    // ---- transitions -----------------------------------------------------------

    /// Connects to the round's next address, starting a new round when it is used up.
    fn start_attempt(&mut self, now: u64, run: Run) {
        if let Some(url) = self.round.next_link() {
            self.open(now, run, url);
        } else if !self.config.socket_url.is_empty() {
            let pinned = std::slice::from_ref(&self.config.socket_url);
            self.round.start(pinned, self.config.secure_page);
            self.enter_round(now, run);
        } else if let Some(lbs_url) = &self.config.lbs_url {
            let url = lbs_request_url(lbs_url, &self.config.app_key);
            let fetch = FetchId(self.next_id());
            self.fetch = Some(LbsFetch { fetch, url });
            self.state = State::Locating {
                fetch,
                deadline: now + LBS_TIMEOUT_MS,
                run,
            };
        } else {
            self.round
                .start(&self.config.default_links, self.config.secure_page);
            self.enter_round(now, run);
        }
    }

    /// Tries the first address of the round just started.
    fn enter_round(&mut self, now: u64, run: Run) {
        match self.round.next_link() {
            Some(url) => self.open(now, run, url),
            None => {
                self.log(&["no address to connect to (set socketUrl or defaultLink)"]);
                self.retry(now, run);
            }
        }
    }

    /// A connect attempt failed before its login: the round's next address at
    /// once, or the backoff when the round is used up.
    fn attempt_failed(&mut self, now: u64, run: Run) {
        if self.round.has_next() {
            self.start_attempt(now, run);
        } else {
            self.retry(now, run);
        }
    }

    fn open(&mut self, now: u64, run: Run, url: String) {
        let socket = SocketId(self.next_id());
        self.actions.push(Action::Open { socket, url });
        self.state = State::Connecting {
            socket,
            login: None,
            deadline: now + CONNECT_TIMEOUT_MS,
            run,
        };
    }

    /// The login on `socket` succeeded.
    fn logged_in(&mut self, now: u64, socket: SocketId, ok: LoginOk) {
        self.backoff.reset();
        self.round.end();
        let ping_every = ping_period(self.config.heartbeat_interval, ok.idle_timeout);
        self.state = State::Connected {
            socket,
            idle: ok.idle_timeout,
            ping_every,
            last_heard: now,
            next_ping: now + ping_every,
        };
        let changes = self.ports.replace(ok.ports);
        if !changes.is_empty() {
            self.emit(Event::LoginPortsChange(changes));
        }
        self.emit(Event::Connect(ok.connection));
    }

    fn login_refused(&mut self, now: u64, code: u16, message: String) {
        let State::Connecting { socket, run, .. } = self.state else {
            return;
        };
        self.state = State::Idle;
        self.release(socket);
        if is_terminal_login_code(code) {
            self.end(Disconnect::terminal(
                DisconnectCode::Login(code),
                message,
                run.retries,
            ));
        } else {
            self.log(&["login refused with ", &decimal(code.into()), ": ", &message]);
            self.attempt_failed(now, run);
        }
    }

    /// A message on the logged-in `socket`.
    fn handle_session_message(&mut self, now: u64, socket: SocketId, message: ServerMessage) {
        let Some(message) = self.settle_reply(message) else {
            return;
        };
        match message {
            ServerMessage::LoginPorts(change) => {
                self.ports.apply(&change.ports);
                self.emit(Event::LoginPortsChange(change.ports));
            }
            ServerMessage::Kicked(kicked) => self.kicked(socket, kicked),
            ServerMessage::Error(error) => self.emit(Event::Error {
                code: error.code,
                message: error.message,
            }),
            ServerMessage::HeartbeatOk(ok) => self.idle_timeout_changed(now, ok.idle_timeout),
            ServerMessage::Pong
            | ServerMessage::KickResult(_)
            | ServerMessage::LoginOk(_)
            | ServerMessage::LoginFailed(_)
            | ServerMessage::LogoutOk(_) => {}
        }
    }

    /// Settles the request `message` answers; gives back any other message.
    fn settle_reply(&mut self, message: ServerMessage) -> Option<ServerMessage> {
        match message {
            ServerMessage::KickResult(result) => {
                self.settle_kick(result.id, Ok(result.device_ids));
            }
            ServerMessage::Error(ErrorReply {
                id: Some(id),
                code,
                message,
            }) if self.kicks.iter().any(|(k, _)| *k == id) => {
                self.settle_kick(id, Err(RequestFailure::Server { code, message }));
            }
            other => return Some(other),
        }
        None
    }

    /// The server now closes the connection after `idle_timeout` ms of silence.
    fn idle_timeout_changed(&mut self, now: u64, idle_timeout: u32) {
        let heartbeat_interval = self.config.heartbeat_interval;
        if let State::Connected {
            idle,
            ping_every,
            next_ping,
            ..
        } = &mut self.state
        {
            *idle = idle_timeout;
            *ping_every = ping_period(heartbeat_interval, idle_timeout);
            *next_ping = now + *ping_every;
        }
    }

    /// The server kicked the session on `socket`.
    fn kicked(&mut self, socket: SocketId, kicked: Kicked) {
        self.release(socket);
        let message = match kicked.reason {
            KickReason::SamePlatformKick => "a newer login took this device's place",
            KickReason::ServerKick => "kicked by the server",
            KickReason::OtherPlatformKick => "kicked by another device of this account",
        };
        self.end(Disconnect {
            from: kicked.from,
            custom: kicked.custom,
            ..Disconnect::terminal(DisconnectCode::Kicked(kicked.reason), message, 0)
        });
    }

    /// A logged-in session was lost without anyone asking for it.
    fn session_broke(&mut self, now: u64) {
        self.fail_requests();
        self.retry(now, Run::BROKEN);
    }

    fn may_retry(&self, run: Run) -> bool {
        self.config.need_reconnect
            && self
                .config
                .reconnection_attempts
                .is_none_or(|max| run.retries < max)
    }

    /// Schedules the next attempt of `run`, or gives up when no retry is left.
    fn retry(&mut self, now: u64, mut run: Run) {
        if !self.may_retry(run) {
            let (code, message) = if run.had_session {
                (
                    DisconnectCode::AllAttemptsFailed,
                    "the connection was lost and no retry is left",
                )
            } else {
                (
                    DisconnectCode::InitConnectFail,
                    "could not connect and no retry is left",
                )
            };
            self.end(Disconnect::terminal(code, message, run.retries));
            return;
        }
        run.retries += 1;
        let ticket = RetryTicket(self.next_id());
        let proposed = self.backoff.next_delay(self.jitter.next_unit());
        self.state = State::Waiting {
            run,
            ticket,
            proposed,
            due: None,
            released: self.config.auth_type == AuthType::Static,
        };
        if self.config.has_delay_provider {
            self.emit(Event::RetryDelayNeeded { ticket, proposed });
        } else {
            self.plan_retry(now, proposed);
        }
    }

    fn plan_retry(&mut self, now: u64, delay: u64) {
        let State::Waiting {
            run,
            ticket,
            due,
            released,
            ..
        } = &mut self.state
        else {
            return;
        };
        *due = Some(now + delay);
        let event = Event::WillReconnect {
            ticket: *ticket,
            retry_count: run.retries,
            duration: delay,
            gated: !*released,
        };
        self.emit(event);
    }

    /// `online`, `visibilitychange`, `pageshow`: a waiting retry starts at once.
    fn retry_now(&mut self, now: u64) {
        if let State::Waiting { due: Some(due), .. } = &mut self.state {
            *due = (*due).min(now);
        }
        self.try_retry(now);
    }

    /// Starts the waiting retry if its delay elapsed, it was released and the page
    /// allows it; hidden (or, with `quickReconnect`, offline) pages spend no attempts.
    fn try_retry(&mut self, now: u64) {
        let allowed = self.page_allows_retry();
        if let State::Waiting {
            run,
            due: Some(due),
            released: true,
            ..
        } = self.state
        {
            if due <= now && allowed {
                self.start_attempt(now, run);
            }
        }
    }

    fn page_allows_retry(&self) -> bool {
        self.page.visible && (self.page.online || !self.config.quick_reconnect)
    }

    fn logged_out(&mut self, now: u64, then_connect: bool) {
        self.end(Disconnect::terminal(
            DisconnectCode::Logout,
            "logged out",
            0,
        ));
        self.emit(Event::DisconnectSettled);
        if then_connect {
            self.connect(now);
        }
    }

    /// The session is over for good.
    fn end(&mut self, disconnect: Disconnect) {
        self.state = State::Idle;
        self.fail_requests();
        self.emit(Event::Disconnect(disconnect));
    }

    fn fail_requests(&mut self) {
        self.ports.clear();
        let kicks = std::mem::take(&mut self.kicks);
        for &(_, ticket) in &kicks {
            self.emit(Event::KickSettled {
                ticket,
                outcome: Err(RequestFailure::Disconnected),
            });
        }
    }

    fn settle_kick(&mut self, id: u32, outcome: Result<Vec<String>, RequestFailure>) {
        if let Some(at) = self.kicks.iter().position(|(k, _)| *k == id) {
            let (_, ticket) = self.kicks.remove(at);
            self.emit(Event::KickSettled { ticket, outcome });
        }
    }

    // ---- helpers ---------------------------------------------------------------

    fn login_request(&self, id: u32, auto: bool) -> LoginRequest {
        let c = &self.config;
        LoginRequest {
            id,
            v: PROTOCOL_VERSION,
            app_key: c.app_key.clone(),
            account: c.account.clone(),
            token: c.token.clone(),
            auth_type: match c.auth_type {
                AuthType::Static => 0,
                AuthType::Dynamic => 1,
            },
            device_id: c.device_id.clone(),
            device_type: DeviceType::Web,
            os: c.os.clone(),
            mac: String::new(),
            custom_tag: c.custom_tag.clone(),
            custom_client_type: c.custom_client_type,
            login_ext: c.login_ext.clone(),
            auto,
            heartbeat_interval: c.heartbeat_interval,
        }
    }

    fn next_id(&mut self) -> u32 {
        self.next_id = self.next_id.wrapping_add(1);
        self.next_id
    }

    fn send(&mut self, socket: SocketId, message: ClientMessage) {
        self.actions.push(Action::Send { socket, message });
    }

    fn release(&mut self, socket: SocketId) {
        self.actions.push(Action::Close { socket });
    }

    fn emit(&mut self, event: Event) {
        self.events.push(event);
    }

    /// A line for the debug log: `parts` joined.
    fn log(&mut self, parts: &[&str]) {
        self.emit(Event::Log(concat(parts)));
    }
}

/// How often to ping: every `heartbeat_interval` ms, and well within the server's
/// `idle` timeout (0: none named), since the server closes a connection it did
/// not hear from for that long.
fn ping_period(heartbeat_interval: u32, idle: u32) -> u64 {
    let wanted = u64::from(heartbeat_interval);
    if idle == 0 {
        wanted
    } else {
        wanted.min(u64::from(idle) / 2).max(1_000)
    }
}

/// The first element of `queue`, removed.
fn take_first<T>(queue: &mut Vec<T>) -> Option<T> {
    if queue.is_empty() {
        None
    } else {
        Some(queue.remove(0))
    }
}

/// The final `ondisconnect` a close code calls for, after `retry_count` retries, or
/// `None` when it is worth a retry.
fn ending_for_close(code: u16, reason: &str, retry_count: u32) -> Option<Disconnect> {
    let close = CloseCode(code);
    if close.reconnect() == Reconnect::WithBackoff {
        return None;
    }
    let (code, message) = match close {
        CloseCode::KICKED => (
            DisconnectCode::Kicked(KickReason::ServerKick),
            "kicked by the server".to_owned(),
        ),
        CloseCode::REPLACED => (
            DisconnectCode::Kicked(KickReason::SamePlatformKick),
            "a newer connection with the same deviceId replaced this one".to_owned(),
        ),
        _ => match close.refused_login_code() {
            Some(login) => (
                DisconnectCode::Login(login),
                concat(&["login refused: ", reason]),
            ),
            None => (
                // The server refused what this client sent: a binary frame, one too
                // big; that is no lost session.
                match close {
                    CloseCode::UNSUPPORTED_DATA => DisconnectCode::Login(code::BAD_REQUEST),
                    CloseCode::TOO_BIG => DisconnectCode::Login(code::TOO_LARGE),
                    _ => DisconnectCode::AllAttemptsFailed,
                },
                concat(&[
                    "the server closed the connection for good (",
                    &decimal(code.into()),
                    " ",
                    reason,
                    ")",
                ]),
            ),
        },
    };
    Some(Disconnect::terminal(code, message, retry_count))
}
