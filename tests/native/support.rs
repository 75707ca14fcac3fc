//! A simulated clock and a fake server around one `Session`, for the core tests.

use nim_protocol::{ClientMessage, ConnectionInfo, DeviceType, LoginOk, LoginPort, ServerMessage};
use nim_wasm::core::{Action, Event, LbsFetch, Session, SessionConfig, SocketId};

/// One session, the time it lives at, and everything it said so far.
pub struct Harness {
    pub session: Session,
    pub now: u64,
    pub actions: Vec<Action>,
    pub fetches: Vec<LbsFetch>,
    pub events: Vec<Event>,
}

pub fn config() -> SessionConfig {
    let mut config = SessionConfig::new("ws://server/ws", "app", "alice", "t0");
    config.device_id = "dev-1".into();
    config
}

impl Harness {
    pub fn new(config: SessionConfig) -> Self {
        Harness::with_seed(config, 7)
    }

    /// A harness whose session draws its reconnect jitter from `seed`.
    pub fn with_seed(config: SessionConfig, seed: u64) -> Self {
        Harness {
            session: Session::new(config, seed),
            now: 1_000_000,
            actions: Vec::new(),
            fetches: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Collects what the session produced since the last call.
    pub fn drain(&mut self) {
        while let Some(action) = self.session.poll_action() {
            self.actions.push(action);
        }
        while let Some(fetch) = self.session.poll_lbs_fetch() {
            self.fetches.push(fetch);
        }
        while let Some(event) = self.session.poll_event() {
            self.events.push(event);
        }
    }

    /// Lets `ms` of simulated time pass, firing every timer on the way.
    pub fn advance(&mut self, ms: u64) {
        let end = self.now + ms;
        while let Some(timer) = self.session.poll_timeout() {
            if timer.at > end {
                break;
            }
            self.now = self.now.max(timer.at);
            self.session.handle_timeout(self.now);
            self.drain();
        }
        self.now = end;
    }

    /// Fires timers one by one until the session opens a new socket.
    pub fn next_attempt(&mut self) -> SocketId {
        let before = self.opens();
        while self.opens() == before {
            let timer = self.session.poll_timeout().expect("a retry is scheduled");
            self.now = self.now.max(timer.at);
            self.session.handle_timeout(self.now);
            self.drain();
        }
        self.last_opened().expect("an Open action")
    }

    /// The URLs of every `Open`, in order.
    pub fn opened_urls(&self) -> Vec<String> {
        self.actions
            .iter()
            .filter_map(|a| match a {
                Action::Open { url, .. } => Some(url.clone()),
                _ => None,
            })
            .collect()
    }

    /// The socket of the most recent `Open`.
    pub fn last_opened(&self) -> Option<SocketId> {
        self.actions.iter().rev().find_map(|a| match a {
            Action::Open { socket, .. } => Some(*socket),
            _ => None,
        })
    }

    pub fn opens(&self) -> usize {
        self.actions
            .iter()
            .filter(|a| matches!(a, Action::Open { .. }))
            .count()
    }

    /// The messages sent on `socket`.
    pub fn sent(&self, socket: SocketId) -> Vec<ClientMessage> {
        self.actions
            .iter()
            .filter_map(|a| match a {
                Action::Send { socket: s, message } if *s == socket => Some(message.clone()),
                _ => None,
            })
            .collect()
    }

    /// Opens the pending socket and returns the `login` id it sent.
    pub fn open(&mut self) -> (SocketId, u32) {
        let socket = self.last_opened().expect("an Open action");
        self.session.handle_open(self.now, socket);
        self.drain();
        let id = match self.sent(socket).last() {
            Some(ClientMessage::Login(login)) => login.id,
            other => panic!("expected login, got {other:?}"),
        };
        (socket, id)
    }

    pub fn reply(&mut self, socket: SocketId, message: ServerMessage) {
        self.session.handle_message(self.now, socket, message);
        self.drain();
    }

    pub fn close(&mut self, socket: SocketId, code: u16) {
        self.session.handle_close(self.now, socket, code, "test");
        self.drain();
    }

    /// Connects and logs in with no other devices online.
    pub fn logged_in(config: SessionConfig) -> (Harness, SocketId) {
        let mut h = Harness::new(config);
        h.session.connect(h.now);
        h.drain();
        let socket = h.accept(vec![]);
        (h, socket)
    }

    /// Opens the pending socket and accepts its login with `ports` online.
    pub fn accept(&mut self, ports: Vec<LoginPort>) -> SocketId {
        let (socket, id) = self.open();
        self.reply(socket, login_ok(id, ports));
        socket
    }

    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// `(retry_count, duration)` of every `onwillreconnect` so far.
    pub fn will_reconnects(&self) -> Vec<(u32, u64)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::WillReconnect {
                    retry_count,
                    duration,
                    ..
                } => Some((*retry_count, *duration)),
                _ => None,
            })
            .collect()
    }

    pub fn disconnects(&self) -> Vec<nim_wasm::core::Disconnect> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Disconnect(d) => Some(d.clone()),
                _ => None,
            })
            .collect()
    }
}

pub fn login_ok(id: u32, ports: Vec<LoginPort>) -> ServerMessage {
    ServerMessage::LoginOk(LoginOk {
        id,
        connection: ConnectionInfo {
            connection_id: "c1".into(),
            ..ConnectionInfo::default()
        },
        ports,
        idle_timeout: 0,
    })
}

pub fn port(device_id: &str, online: bool) -> LoginPort {
    LoginPort {
        device_type: DeviceType::Android,
        os: "android".into(),
        mac: String::new(),
        device_id: device_id.into(),
        account: "alice".into(),
        custom_tag: String::new(),
        custom_client_type: 0,
        connection_id: format!("conn-{device_id}"),
        ip: "10.0.0.1".into(),
        time: 1,
        online,
    }
}
