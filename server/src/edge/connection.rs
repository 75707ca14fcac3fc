//! One official SDK connection, from upgrade to close, on either [`Wire`].
//!
//! It is the `/ws` connection's twin: the same admission (`login::admit`), the same
//! registry calls for kick, logout and close, the same queue of pushes, deadlines
//! and shutdown. Only the frames differ: requests are decoded by `nim-compat`, and
//! the registry's pushes are translated (`translate`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::Message;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use nim_compat::{Request, RequestBody, Response, ResponseBody};
use nim_protocol::{code, CloseCode, MAX_KICK_DEVICE_IDS};
use tokio::sync::watch;
use tokio::time::{sleep_until, Instant, Interval};
use tracing::{debug, info};

use super::translate;
use super::wire::{Incoming, Wire};
use crate::login::{self, Session};
use crate::outbox::{Command, Incoming as Queued};
use crate::shared::Shared;
use crate::ws;

/// NIM's "bad parameter" code, for a kick without ids or a login of an unknown type.
const BAD_PARAM: u16 = 414;
/// NIM's "duplicate operation" code, for a second login on one connection.
const DUPLICATE: u16 = 417;
/// How often socket.io's heartbeat is sent: well within the timeout the handshake
/// announces ([`super::SOCKETIO_HEARTBEAT_TIMEOUT_SECS`]), as socket.io 0.9 servers do.
const KEEPALIVE_EVERY: Duration = Duration::from_secs(25);

/// How a connection ends.
enum Ending {
    /// Close with this code after the final frames were sent.
    Close(CloseCode, &'static str),
    /// The peer closed or vanished; only finish its close handshake.
    PeerGone(&'static str),
}

/// What handling one frame asks the loop to do next.
enum Next {
    Continue,
    LoggedIn(Session),
    End(Ending),
}

/// What woke the loop.
enum Step {
    Shutdown,
    Deadline,
    Keepalive,
    Overflow,
    Command(Option<Command>),
    Frame(Option<Result<Message, axum::Error>>),
}

/// Serves one upgraded WebSocket of the official SDK until it closes.
pub async fn serve<S>(mut socket: S, shared: Arc<Shared>, peer: SocketAddr, wire: Wire)
where
    S: Stream<Item = Result<Message, axum::Error>> + Sink<Message, Error = axum::Error> + Unpin,
{
    let Some(_place) = ws::open(&mut socket, &shared).await else {
        return;
    };
    shared.metrics.connection_opened();
    shared.metrics.protocol_connection(wire.label());
    let mut conn = Edge {
        shared: &shared,
        peer,
        wire,
        session: None,
        deadline: Instant::now() + shared.config.limits.login_timeout,
    };
    let greeted = match wire.greeting() {
        Some(greeting) => socket.send(greeting).await.is_ok(),
        None => true,
    };
    let ending = if greeted {
        conn.run(&mut socket).await
    } else {
        Ending::PeerGone("the greeting could not be sent")
    };
    conn.end(&mut socket, ending).await;
    shared.metrics.connection_closed();
}

/// Waits for the next tick of `keepalive`, or forever without one.
async fn tick(keepalive: &mut Option<Interval>) {
    match keepalive {
        Some(interval) => {
            interval.tick().await;
        }
        None => std::future::pending().await,
    }
}

struct Edge<'a> {
    shared: &'a Arc<Shared>,
    peer: SocketAddr,
    wire: Wire,
    session: Option<Session>,
    /// Login timeout before login, then the idle timeout from the last frame heard.
    deadline: Instant,
}

impl Edge<'_> {
    async fn run<S>(&mut self, socket: &mut S) -> Ending
    where
        S: Stream<Item = Result<Message, axum::Error>> + Sink<Message, Error = axum::Error> + Unpin,
    {
        let mut shutdown = self.shared.shutdown.clone();
        let mut keepalive = self
            .wire
            .keepalive()
            .map(|_| tokio::time::interval_at(Instant::now() + KEEPALIVE_EVERY, KEEPALIVE_EVERY));
        loop {
            let next = match self.next_step(socket, &mut shutdown, &mut keepalive).await {
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
                Step::Keepalive => {
                    let keepalive = self.wire.keepalive().into_iter().collect();
                    self.send_all(socket, keepalive).await
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

    /// Waits for whatever comes first.
    async fn next_step<S>(
        &mut self,
        socket: &mut S,
        shutdown: &mut watch::Receiver<bool>,
        keepalive: &mut Option<Interval>,
    ) -> Step
    where
        S: Stream<Item = Result<Message, axum::Error>> + Unpin,
    {
        let deadline = self.deadline;
        let Some(session) = self.session.as_mut() else {
            return tokio::select! {
                biased;
                _ = shutdown.wait_for(|stop| *stop) => Step::Shutdown,
                _ = sleep_until(deadline) => Step::Deadline,
                _ = tick(keepalive) => Step::Keepalive,
                frame = socket.next() => Step::Frame(frame),
            };
        };
        tokio::select! {
            biased;
            _ = shutdown.wait_for(|stop| *stop) => Step::Shutdown,
            incoming = session.inbox.next() => match incoming {
                Queued::Command(command) => Step::Command(Some(command)),
                Queued::Overflow => Step::Overflow,
                Queued::Closed => Step::Command(None),
            },
            _ = sleep_until(deadline) => Step::Deadline,
            _ = tick(keepalive) => Step::Keepalive,
            frame = socket.next() => Step::Frame(frame),
        }
    }

    /// Sends `messages`; a client that does not read gives way when its queue
    /// overflows.
    async fn send_all<S>(&self, socket: &mut S, messages: Vec<Message>) -> Next
    where
        S: Sink<Message, Error = axum::Error> + Unpin,
    {
        let overflow = self.session.as_ref().map(|s| s.inbox.overflow());
        let send = async {
            for message in messages {
                socket.feed(message).await?;
            }
            socket.flush().await
        };
        let sent = match overflow {
            Some(overflow) => tokio::select! {
                sent = send => sent,
                _ = overflow.notified() => return Next::End(slow_reader()),
            },
            None => send.await,
        };
        match sent {
            Ok(()) => Next::Continue,
            Err(_) => Next::End(Ending::PeerGone("a frame could not be sent")),
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
        let mut frames = Vec::new();
        while let Some(Command::Send(frame)) = session.inbox.try_recv() {
            frames.extend(self.wire.translate(&frame));
        }
        for frame in frames {
            if socket.feed(frame).await.is_err() {
                return;
            }
        }
        let _ = socket.flush().await;
    }

    /// Carries out a command from the registry, in NIM's frames.
    async fn on_command<S>(&mut self, socket: &mut S, command: Option<Command>) -> Next
    where
        S: Sink<Message, Error = axum::Error> + Unpin,
    {
        let (frame, then_close) = match command {
            Some(Command::Send(frame)) => (frame, None),
            Some(Command::SendThenClose(frame, code)) => (frame, Some(code)),
            Some(Command::Close(code)) => return Next::End(Ending::Close(code, "")),
            None => return Next::End(Ending::Close(CloseCode::REPLACED, "")),
        };
        let frames = self.wire.translate(&frame);
        let next = self.send_all(socket, frames).await;
        match (next, then_close) {
            (Next::Continue, Some(code)) => Next::End(Ending::Close(code, "")),
            (next, _) => next,
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
        let message = match frame {
            None => return Next::End(Ending::PeerGone("the stream ended")),
            Some(Err(err)) => {
                return Next::End(if ws::is_too_big(err) {
                    Ending::Close(CloseCode::TOO_BIG, "frame too large")
                } else {
                    Ending::PeerGone("reading failed")
                })
            }
            Some(Ok(message)) => message,
        };
        if let Some(session) = &self.session {
            self.deadline = Instant::now() + session.idle;
        }
        match message {
            Message::Ping(_) | Message::Pong(_) => return Next::Continue,
            Message::Close(_) => return Next::End(Ending::PeerGone("close frame")),
            Message::Text(_) | Message::Binary(_) => {}
        }
        match self.wire.decode(&message) {
            Ok(Some(Incoming::Request(request))) => self.on_request(socket, request).await,
            Ok(Some(Incoming::Alive) | None) => Next::Continue,
            Ok(Some(Incoming::Disconnect)) => self.logout(),
            Err(err) => {
                info!(peer = %self.peer, %err, "unreadable frame from the official SDK");
                Next::End(Ending::Close(CloseCode::PROTOCOL_ERROR, "bad frame"))
            }
        }
    }

    /// Answers one request and sends the answer.
    async fn on_request<S>(&mut self, socket: &mut S, request: Request) -> Next
    where
        S: Sink<Message, Error = axum::Error> + Unpin,
    {
        let (reply, next) = self.answer(&request).await;
        if socket.send(self.wire.encode(&reply)).await.is_err() {
            // A device admitted just now is listed already: the end removes it.
            if let Next::LoggedIn(session) = next {
                self.session = Some(session);
            }
            return Next::End(Ending::PeerGone("a reply could not be sent"));
        }
        next
    }

    /// The answer to one request and what follows.
    async fn answer(&mut self, request: &Request) -> (Response, Next) {
        let Some(session) = &self.session else {
            return match &request.body {
                RequestBody::Login(login) => self.login(request, login).await,
                _ => (
                    request.refuse(code::FORBIDDEN),
                    Next::End(Ending::Close(CloseCode::PROTOCOL_ERROR, "log in first")),
                ),
            };
        };
        let reply = match &request.body {
            RequestBody::Login(_) => request.refuse(DUPLICATE),
            RequestBody::Heartbeat => request.answer(ResponseBody::Heartbeat),
            RequestBody::Kick { device_ids } => {
                kick(self.shared, session, request, device_ids).await
            }
            RequestBody::Logout => return (request.answer(ResponseBody::Logout), self.logout()),
            RequestBody::Sync { .. } => request.answer(ResponseBody::SyncDone {
                timetag: login::now_ms(),
            }),
            RequestBody::GetNosCdnHost => request.answer(ResponseBody::NosCdnHost { expire: 0 }),
            RequestBody::Unsupported(_) => request.unsupported(),
        };
        (reply, Next::Continue)
    }

    /// Decides a login through the session core.
    async fn login(&mut self, request: &Request, login: &nim_compat::Login) -> (Response, Next) {
        let Some(req) = translate::login_request(login) else {
            let end = Ending::Close(CloseCode::login_refused(BAD_PARAM), "unknown client type");
            return (request.refuse(BAD_PARAM), Next::End(end));
        };
        let (app, account) = (req.app_key.clone(), req.account.clone());
        let started = std::time::Instant::now();
        let result = login::admit(self.shared, self.peer, req).await;
        let code = result.as_ref().map_or_else(|e| e.code(), |_| code::OK);
        self.shared.metrics.login(code, started.elapsed());
        self.shared.metrics.protocol_login(self.wire.label(), code);
        let protocol = self.wire.label();
        match result {
            Ok((ok, session)) => {
                info!(%app, %account, peer = %self.peer, conn = session.conn, protocol, "login accepted");
                let ok = translate::login_ok(&ok, session.login_time);
                let reply = request.answer(ResponseBody::LoginOk(Box::new(ok)));
                (reply, Next::LoggedIn(session))
            }
            Err(refused) => {
                info!(%app, %account, peer = %self.peer, code, protocol, "login refused");
                let end = Ending::Close(CloseCode::login_refused(code), refused.message());
                (request.refuse(code), Next::End(end))
            }
        }
    }

    /// Leaves the account; the connection's end removes the device from the registry.
    fn logout(&mut self) -> Next {
        if let Some(session) = &self.session {
            info!(app = %session.app, account = %session.account, protocol = self.wire.label(), "logout");
        }
        Next::End(Ending::Close(CloseCode::NORMAL, "logout"))
    }

    /// Removes the device (if it is still listed) and closes the way `ending` says.
    async fn end<S>(&mut self, socket: &mut S, ending: Ending)
    where
        S: Stream<Item = Result<Message, axum::Error>> + Sink<Message, Error = axum::Error> + Unpin,
    {
        if let Some(session) = self.session.take() {
            let gone = matches!(ending, Ending::PeerGone(_));
            ws::remove(
                self.shared,
                &session.app,
                &session.account,
                session.conn,
                gone,
            )
            .await;
        }
        match ending {
            Ending::Close(code, reason) => {
                debug!(peer = %self.peer, code = code.0, reason, "official SDK connection ended");
                ws::close(socket, self.shared, code, reason).await
            }
            Ending::PeerGone(how) => {
                debug!(peer = %self.peer, how, "official SDK connection ended by the peer");
                ws::drain(socket, self.shared).await
            }
        }
    }
}

/// Kicks devices of the session's own account: NIM's kick answer with the ids kicked.
async fn kick(shared: &Shared, session: &Session, request: &Request, ids: &[String]) -> Response {
    if ids.is_empty() || ids.len() > MAX_KICK_DEVICE_IDS {
        return request.refuse(BAD_PARAM);
    }
    let started = std::time::Instant::now();
    let kicked = (shared.sessions)
        .kick(&session.app, &session.account, session.conn, ids, "")
        .await;
    shared.metrics.kick_latency(started.elapsed());
    match kicked {
        Ok(device_ids) => {
            info!(app = %session.app, account = %session.account, kicked = device_ids.len(), "kick");
            request.answer(ResponseBody::Kick { device_ids })
        }
        Err(err) => {
            tracing::warn!(error = %err, "kick failed");
            request.refuse(code::SERVER_ERROR)
        }
    }
}

/// The end of a connection whose client did not read its queue.
fn slow_reader() -> Ending {
    Ending::Close(CloseCode::SLOW_READER, "too slow: queue full")
}
