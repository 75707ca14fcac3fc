//! One WebSocket connection, from upgrade to close: the login, then the logged-in
//! loop of heartbeats, kicks, logout and the registry's pushes.
//!
//! The loop owns the socket and waits on four things at once: the socket, the
//! connection's [`Command`] queue (pushes and kicks from other connections, and
//! its overflow: a client that does not read is closed with 4009), its deadline
//! (login timeout, then idle timeout), and server shutdown. It is generic
//! over the socket so that it needs nothing but a `Stream + Sink` of messages.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use nim_protocol::{
    code, ClientMessage, CloseCode, ErrorReply, HeartbeatOk, KickRequest, KickResult, LoginFailed,
    LoginRequest, LogoutOk, ServerMessage, MAX_DEVICE_ID_BYTES, MAX_KICK_CUSTOM_BYTES,
    MAX_KICK_DEVICE_IDS,
};
use tokio::sync::{mpsc, watch};
use tokio::time::{sleep_until, timeout, Instant};
use tracing::{debug, info};

use crate::limits::ConnectionSlot;
use crate::login::{self, Session};
use crate::outbox::{encode, Command, Incoming};
use crate::shared::Shared;

/// Why the loop ended, and how to close.
enum Ending {
    /// Close with this code after the final frames were sent.
    Close(CloseCode, &'static str),
    /// The peer closed or vanished (how, for the log); only finish its close
    /// handshake.
    PeerGone(&'static str),
}

/// What handling one frame asks the loop to do next.
enum Next {
    Continue,
    LoggedIn(Session),
    End(Ending),
}

fn error_frame(id: Option<u32>, code: u16, message: impl Into<String>) -> Utf8Bytes {
    encode(&ServerMessage::Error(ErrorReply {
        id,
        code,
        message: message.into(),
    }))
}

/// The `id` of a frame that did not parse as a [`ClientMessage`], if it has one.
fn request_id(text: &str) -> Option<u32> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    u32::try_from(value.get("id")?.as_u64()?).ok()
}

/// Whether a socket error was a frame over the size limit.
pub(crate) fn is_too_big(err: axum::Error) -> bool {
    err.into_inner()
        .downcast_ref::<tungstenite::Error>()
        .is_some_and(|e| matches!(e, tungstenite::Error::Capacity(_)))
}

/// Serves one upgraded WebSocket until it closes.
pub async fn serve<S>(mut socket: S, shared: Arc<Shared>, peer: SocketAddr)
where
    S: Stream<Item = Result<Message, axum::Error>> + Sink<Message, Error = axum::Error> + Unpin,
{
    let Some(_place) = open(&mut socket, &shared).await else {
        return;
    };
    shared.metrics.connection_opened();
    shared.metrics.protocol_connection(crate::metrics::NIM_WASM);
    let mut conn = Connection {
        shared: &shared,
        peer,
        session: None,
        deadline: Instant::now() + shared.config.limits.login_timeout,
    };
    let ending = conn.run(&mut socket).await;
    conn.end(&mut socket, ending).await;
    shared.metrics.connection_closed();
}

/// Takes a place for a new connection: it keeps the server's shutdown waiting, and
/// holds one of the connection slots. Without one (shutting down, too many
/// connections) the socket is closed and `None` returned.
pub(crate) async fn open<S>(
    socket: &mut S,
    shared: &Shared,
) -> Option<(mpsc::Sender<()>, ConnectionSlot)>
where
    S: Stream<Item = Result<Message, axum::Error>> + Sink<Message, Error = axum::Error> + Unpin,
{
    let Some(alive) = shared.tracker.upgrade() else {
        close(socket, shared, CloseCode::SERVICE_RESTART, "shutting down").await;
        return None;
    };
    let Some(slot) = shared.slots.try_take() else {
        shared.metrics.connection_refused();
        close(
            socket,
            shared,
            CloseCode::TRY_AGAIN_LATER,
            "too many connections",
        )
        .await;
        return None;
    };
    Some((alive, slot))
}

/// Removes connection `conn` of `account` from the registry, which tells the
/// account's other devices. A client that went away on its own (`gone`: no logout,
/// no close of the server's) stays listed for `reconnect_grace` first: a page that
/// reloads, or a shared worker that restarts, logs in again with the same device id
/// within it, and that login replaces the old connection with one push to the
/// other devices, instead of an offline push and an online one.
pub(crate) async fn remove(shared: &Arc<Shared>, app: &str, account: &str, conn: u64, gone: bool) {
    let grace = shared.config.limits.reconnect_grace;
    if !gone || grace.is_zero() {
        shared.sessions.remove(app, account, conn).await;
        return;
    }
    let (shared, app, account) = (Arc::clone(shared), app.to_owned(), account.to_owned());
    // Not the connection's task, which ends now (its socket and slot go with it).
    // At shutdown the task dies with the runtime: the process's sessions go with it
    // (in memory), or the node leaves the cluster, which removes them.
    tokio::spawn(async move {
        tokio::time::sleep(grace).await;
        shared.sessions.remove(&app, &account, conn).await;
    });
}

/// Sends a close frame and waits briefly for the peer's.
pub(crate) async fn close<S>(socket: &mut S, shared: &Shared, code: CloseCode, reason: &'static str)
where
    S: Stream<Item = Result<Message, axum::Error>> + Sink<Message, Error = axum::Error> + Unpin,
{
    let frame = CloseFrame {
        code: code.0,
        reason: Utf8Bytes::from_static(reason),
    };
    // Bounded: a client that does not read would hold the close frame forever.
    let grace = shared.config.limits.close_grace;
    if let Ok(Ok(())) = timeout(grace, socket.send(Message::Close(Some(frame)))).await {
        drain(socket, shared).await;
    }
}

/// Reads until the peer's close frame or the end of the stream, within the grace time.
pub(crate) async fn drain<S>(socket: &mut S, shared: &Shared)
where
    S: Stream<Item = Result<Message, axum::Error>> + Unpin,
{
    let _ = timeout(shared.config.limits.close_grace, async {
        while let Some(Ok(msg)) = socket.next().await {
            if matches!(msg, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}

struct Connection<'a> {
    shared: &'a Arc<Shared>,
    peer: SocketAddr,
    session: Option<Session>,
    /// Login timeout before login, then the idle timeout from the last frame heard.
    deadline: Instant,
}

impl Connection<'_> {
    /// Removes the device (if it is still listed) and closes the way `ending` says.
    async fn end<S>(&mut self, socket: &mut S, ending: Ending)
    where
        S: Stream<Item = Result<Message, axum::Error>> + Sink<Message, Error = axum::Error> + Unpin,
    {
        let (shared, peer) = (self.shared, self.peer);
        if let Some(session) = &self.session {
            let gone = matches!(ending, Ending::PeerGone(_));
            remove(shared, &session.app, &session.account, session.conn, gone).await;
        }
        let (conn, account) = match &self.session {
            Some(session) => (session.conn, session.account.as_str()),
            None => (0, ""),
        };
        match ending {
            Ending::Close(code, reason) => {
                debug!(%peer, conn, %account, code = code.0, reason, "connection ended");
                close(socket, shared, code, reason).await
            }
            Ending::PeerGone(how) => {
                debug!(%peer, conn, %account, how, "connection ended by the peer");
                drain(socket, shared).await
            }
        }
    }

    async fn run<S>(&mut self, socket: &mut S) -> Ending
    where
        S: Stream<Item = Result<Message, axum::Error>> + Sink<Message, Error = axum::Error> + Unpin,
    {
        let mut shutdown = self.shared.shutdown.clone();
        loop {
            let step = self.next_step(socket, &mut shutdown).await;
            let next = match step {
                Step::Shutdown => {
                    self.flush_inbox(socket).await;
                    Next::End(Ending::Close(CloseCode::SERVICE_RESTART, "server restart"))
                }
                Step::Deadline if self.session.is_some() => {
                    Next::End(Ending::Close(CloseCode::IDLE_TIMEOUT, "idle timeout"))
                }
                Step::Deadline => {
                    Next::End(Ending::Close(CloseCode::LOGIN_TIMEOUT, "login timeout"))
                }
                Step::Overflow => Next::End(slow_reader()),
                Step::Command(command) => self.on_command(socket, command).await,
                Step::Frame(frame) => self.on_frame(socket, frame).await,
            };
            match next {
                Next::Continue => {}
                Next::End(ending) => return ending,
                Next::LoggedIn(session) => {
                    self.deadline = Instant::now() + session.idle;
                    self.session = Some(session);
                }
            }
        }
    }

    /// Waits for whatever comes first: shutdown, a command or an overflow of the
    /// queue, the deadline, a frame.
    async fn next_step<S>(&mut self, socket: &mut S, shutdown: &mut watch::Receiver<bool>) -> Step
    where
        S: Stream<Item = Result<Message, axum::Error>> + Unpin,
    {
        let deadline = self.deadline;
        let Some(session) = self.session.as_mut() else {
            return tokio::select! {
                biased;
                _ = shutdown.wait_for(|stop| *stop) => Step::Shutdown,
                _ = sleep_until(deadline) => Step::Deadline,
                frame = socket.next() => Step::Frame(frame),
            };
        };
        tokio::select! {
            biased;
            _ = shutdown.wait_for(|stop| *stop) => Step::Shutdown,
            incoming = session.inbox.next() => match incoming {
                Incoming::Command(command) => Step::Command(Some(command)),
                Incoming::Overflow => Step::Overflow,
                Incoming::Closed => Step::Command(None),
            },
            _ = sleep_until(deadline) => Step::Deadline,
            frame = socket.next() => Step::Frame(frame),
        }
    }

    /// Carries out a command from the registry. A send that waits on a client that
    /// does not read gives way when its queue overflows.
    async fn on_command<S>(&mut self, socket: &mut S, command: Option<Command>) -> Next
    where
        S: Sink<Message, Error = axum::Error> + Unpin,
    {
        let (frame, then_close) = match command {
            Some(Command::Send(frame)) => (frame, None),
            Some(Command::SendThenClose(frame, code)) => (frame, Some(code)),
            Some(Command::Close(code)) => return Next::End(Ending::Close(code, "")),
            // The registry never drops a device without a command; were it to, the
            // connection would have no place left, as if replaced.
            None => return Next::End(Ending::Close(CloseCode::REPLACED, "")),
        };
        let Some(session) = self.session.as_ref() else {
            return Next::Continue;
        };
        let overflow = session.inbox.overflow();
        let sent = tokio::select! {
            sent = socket.send(Message::Text(frame)) => sent,
            _ = overflow.notified() => return Next::End(slow_reader()),
        };
        match (sent, then_close) {
            (Err(_), _) => Next::End(Ending::PeerGone("a push could not be sent")),
            (Ok(()), Some(code)) => Next::End(Ending::Close(code, "")),
            (Ok(()), None) => Next::Continue,
        }
    }

    /// Handles what the socket gave: a message, an error or the end.
    async fn on_frame<S>(
        &mut self,
        socket: &mut S,
        frame: Option<Result<Message, axum::Error>>,
    ) -> Next
    where
        S: Sink<Message, Error = axum::Error> + Unpin,
    {
        match frame {
            None => Next::End(Ending::PeerGone("the stream ended")),
            Some(Err(err)) => Next::End(if is_too_big(err) {
                Ending::Close(CloseCode::TOO_BIG, "frame too large")
            } else {
                Ending::PeerGone("reading failed")
            }),
            Some(Ok(msg)) => {
                if let Some(session) = &self.session {
                    self.deadline = Instant::now() + session.idle;
                }
                self.on_message(socket, msg).await
            }
        }
    }

    /// Sends the pushes already queued, so nothing acknowledged is lost at shutdown.
    async fn flush_inbox<S>(&mut self, socket: &mut S)
    where
        S: Sink<Message, Error = axum::Error> + Unpin,
    {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        while let Some(Command::Send(frame)) = session.inbox.try_recv() {
            if socket.feed(Message::Text(frame)).await.is_err() {
                return;
            }
        }
        let _ = socket.flush().await;
    }

    async fn on_message<S>(&mut self, socket: &mut S, msg: Message) -> Next
    where
        S: Sink<Message, Error = axum::Error> + Unpin,
    {
        let text = match msg {
            Message::Text(text) => text,
            Message::Binary(_) => {
                return Next::End(Ending::Close(
                    CloseCode::UNSUPPORTED_DATA,
                    "binary frames are not used",
                ))
            }
            Message::Ping(_) | Message::Pong(_) => return Next::Continue,
            Message::Close(_) => return Next::End(Ending::PeerGone("close frame")),
        };
        if text.len() > nim_protocol::MAX_FRAME_BYTES {
            return Next::End(Ending::Close(CloseCode::TOO_BIG, "frame too large"));
        }
        let (reply, next) = match serde_json::from_str::<ClientMessage>(text.as_str()) {
            Ok(request) => self.on_request(&text, request).await,
            Err(err) => {
                let reply = error_frame(request_id(&text), code::BAD_REQUEST, err.to_string());
                let next = match self.session {
                    None => Next::End(Ending::Close(CloseCode::PROTOCOL_ERROR, "bad frame")),
                    Some(_) => Next::Continue,
                };
                (reply, next)
            }
        };
        if socket.send(Message::Text(reply)).await.is_err() {
            // A device admitted just now is listed already: the connection's end
            // must remove it, like any other.
            if let Next::LoggedIn(session) = next {
                self.session = Some(session);
            }
            return Next::End(Ending::PeerGone("a reply could not be sent"));
        }
        next
    }

    /// Answers one request: the reply frame and what follows.
    async fn on_request(&mut self, text: &str, request: ClientMessage) -> (Utf8Bytes, Next) {
        match (&self.session, request) {
            (None, ClientMessage::Login(login)) => self.login(login).await,
            (None, _) => (
                error_frame(request_id(text), code::NOT_LOGGED_IN, "log in first"),
                Next::End(Ending::Close(CloseCode::PROTOCOL_ERROR, "log in first")),
            ),
            (Some(_), ClientMessage::Login(login)) => (
                error_frame(Some(login.id), code::ALREADY_LOGGED_IN, "already logged in"),
                Next::Continue,
            ),
            (Some(_), ClientMessage::Ping) => (encode(&ServerMessage::Pong), Next::Continue),
            (Some(_), ClientMessage::Heartbeat(heartbeat)) => {
                (self.heartbeat(heartbeat.heartbeat_interval), Next::Continue)
            }
            (Some(session), ClientMessage::Kick(kick)) => (
                kick_devices(self.shared, session, kick).await,
                Next::Continue,
            ),
            (Some(_), ClientMessage::Logout(logout)) => self.logout(logout.id).await,
        }
    }

    /// The client's heartbeat interval changed: the idle timeout follows it from now
    /// on, as it would at login, so a longer interval never drops a live session.
    fn heartbeat(&mut self, interval_ms: u32) -> Utf8Bytes {
        let idle = self.shared.config.limits.idle_timeout(interval_ms);
        if let Some(session) = self.session.as_mut() {
            session.idle = idle;
        }
        self.deadline = Instant::now() + idle;
        let idle_timeout = u32::try_from(idle.as_millis()).unwrap_or(u32::MAX);
        encode(&ServerMessage::HeartbeatOk(HeartbeatOk { idle_timeout }))
    }

    /// Logs out: removed from the registry at once, so the connection's end need
    /// not remove it again (with Redis sessions that would be one more round trip).
    async fn logout(&mut self, id: u32) -> (Utf8Bytes, Next) {
        if let Some(session) = self.session.take() {
            self.shared
                .sessions
                .remove(&session.app, &session.account, session.conn)
                .await;
            info!(app = %session.app, account = %session.account, "logout");
        }
        (
            encode(&ServerMessage::LogoutOk(LogoutOk { id })),
            Next::End(Ending::Close(CloseCode::NORMAL, "logout")),
        )
    }

    /// Decides a login: the reply frame, and the session or the close that follows.
    async fn login(&mut self, req: LoginRequest) -> (Utf8Bytes, Next) {
        let id = req.id;
        let (app, account) = (req.app_key.clone(), req.account.clone());
        let started = std::time::Instant::now();
        let result = login::admit(self.shared, self.peer, req).await;
        let code = result.as_ref().map_or_else(|e| e.code(), |_| code::OK);
        self.shared.metrics.login(code, started.elapsed());
        self.shared
            .metrics
            .protocol_login(crate::metrics::NIM_WASM, code);
        match result {
            Ok((ok, session)) => {
                info!(%app, %account, peer = %self.peer, conn = session.conn, "login accepted");
                (encode(&ServerMessage::LoginOk(ok)), Next::LoggedIn(session))
            }
            Err(refused) => {
                info!(%app, %account, peer = %self.peer, code, "login refused");
                let failed = LoginFailed {
                    id,
                    code,
                    message: refused.message().to_owned(),
                };
                (
                    encode(&ServerMessage::LoginFailed(failed)),
                    Next::End(Ending::Close(
                        CloseCode::login_refused(code),
                        refused.message(),
                    )),
                )
            }
        }
    }
}

/// Kicks devices of the session's own account: the `kickResult`, or an error reply.
async fn kick_devices(shared: &Shared, session: &Session, kick: KickRequest) -> Utf8Bytes {
    if kick.device_ids.is_empty() || kick.device_ids.len() > MAX_KICK_DEVICE_IDS {
        let message = format!("deviceIds must hold 1 to {MAX_KICK_DEVICE_IDS} ids");
        return error_frame(Some(kick.id), code::BAD_REQUEST, message);
    }
    if kick
        .device_ids
        .iter()
        .any(|id| id.len() > MAX_DEVICE_ID_BYTES)
    {
        let message = format!("each device id must have at most {MAX_DEVICE_ID_BYTES} bytes");
        return error_frame(Some(kick.id), code::BAD_REQUEST, message);
    }
    if kick.custom.len() > MAX_KICK_CUSTOM_BYTES {
        let message = format!("custom must have at most {MAX_KICK_CUSTOM_BYTES} bytes");
        return error_frame(Some(kick.id), code::BAD_REQUEST, message);
    }
    let started = std::time::Instant::now();
    let kicked = shared
        .sessions
        .kick(
            &session.app,
            &session.account,
            session.conn,
            &kick.device_ids,
            &kick.custom,
        )
        .await;
    shared.metrics.kick_latency(started.elapsed());
    match kicked {
        Ok(kicked) => {
            info!(app = %session.app, account = %session.account, kicked = kicked.len(), "kick");
            let result = KickResult {
                id: kick.id,
                device_ids: kicked,
            };
            encode(&ServerMessage::KickResult(result))
        }
        Err(err) => {
            tracing::warn!(error = %err, "kick failed");
            error_frame(Some(kick.id), code::SERVER_ERROR, "server error")
        }
    }
}

/// The end of a connection whose client did not read its queue.
fn slow_reader() -> Ending {
    Ending::Close(CloseCode::SLOW_READER, "too slow: queue full")
}

/// What woke the loop.
enum Step {
    Shutdown,
    Deadline,
    Overflow,
    Command(Option<Command>),
    Frame(Option<Result<Message, axum::Error>>),
}

#[cfg(test)]
mod tests;
