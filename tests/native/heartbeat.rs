//! Pings every `heartbeatInterval`; a peer that stays silent is dead and the
//! session reconnects.

use crate::support::{config, Harness};
use nim_protocol::{ClientMessage, HeartbeatOk, HeartbeatRequest, ServerMessage};
use nim_wasm::core::config::PONG_GRACE_MS;
use nim_wasm::core::{Action, LoginStatus};

fn pings(h: &Harness, socket: nim_wasm::core::SocketId) -> usize {
    h.sent(socket)
        .iter()
        .filter(|m| matches!(m, ClientMessage::Ping))
        .count()
}

#[test]
fn pings_every_interval_while_pongs_come_back() {
    let mut cfg = config();
    cfg.heartbeat_interval = 5_000;
    let (mut h, socket) = Harness::logged_in(cfg);
    for n in 1..=10 {
        h.advance(5_000);
        assert_eq!(pings(&h, socket), n);
        h.reply(socket, ServerMessage::Pong);
    }
    assert_eq!(h.session.status(), LoginStatus::LoggedIn);
}

#[test]
fn a_silent_peer_is_dead_and_the_session_reconnects() {
    let mut cfg = config();
    cfg.heartbeat_interval = 5_000;
    let (mut h, socket) = Harness::logged_in(cfg);
    h.advance(5_000 + PONG_GRACE_MS - 1);
    assert_eq!(h.session.status(), LoginStatus::LoggedIn);
    h.advance(1);
    assert!(
        h.actions.contains(&Action::Close { socket }),
        "the dead socket is dropped"
    );
    assert_eq!(h.session.status(), LoginStatus::WaitingToReconnect);
    assert_eq!(h.will_reconnects().len(), 1);
}

#[test]
fn the_server_idle_timeout_shortens_the_ping_period() {
    let (mut h, _) = Harness::new(config()).connect_with_idle_timeout(20_000);
    h.advance(10_000);
    let socket = h.last_opened().unwrap();
    assert_eq!(
        pings(&h, socket),
        1,
        "ping at half the server's idle timeout"
    );
}

#[test]
fn a_new_interval_is_told_to_the_server_and_pings_follow_its_idle_timeout() {
    let mut cfg = config();
    cfg.heartbeat_interval = 5_000;
    let (mut h, _) = Harness::new(cfg.clone()).connect_with_idle_timeout(15_000);
    let socket = h.last_opened().unwrap();
    cfg.heartbeat_interval = 60_000;
    h.session.set_config(h.now, cfg.clone());
    h.drain();
    let told = HeartbeatRequest {
        heartbeat_interval: 60_000,
    };
    assert_eq!(h.sent(socket).last(), Some(&ClientMessage::Heartbeat(told)));
    // Until the server answers, its old idle timeout still holds.
    h.advance(7_500);
    assert_eq!(pings(&h, socket), 1);
    h.reply(
        socket,
        ServerMessage::HeartbeatOk(HeartbeatOk {
            idle_timeout: 125_000,
        }),
    );
    h.advance(59_000);
    assert_eq!(pings(&h, socket), 1, "no ping before the new interval");
    h.reply(socket, ServerMessage::Pong);
    h.advance(1_000);
    assert_eq!(pings(&h, socket), 2);
    assert_eq!(h.session.status(), LoginStatus::LoggedIn);
    h.session.set_config(h.now, cfg);
    h.drain();
    let told = h
        .sent(socket)
        .iter()
        .filter(|m| matches!(m, ClientMessage::Heartbeat(_)))
        .count();
    assert_eq!(told, 1, "an unchanged interval is not told again");
}

trait IdleTimeout {
    fn connect_with_idle_timeout(self, idle: u32) -> (Harness, ());
}

impl IdleTimeout for Harness {
    fn connect_with_idle_timeout(mut self, idle: u32) -> (Harness, ()) {
        self.session.connect(self.now);
        self.drain();
        let (socket, id) = self.open();
        let ServerMessage::LoginOk(mut ok) = crate::support::login_ok(id, vec![]) else {
            unreachable!()
        };
        ok.idle_timeout = idle;
        self.reply(socket, ServerMessage::LoginOk(ok));
        (self, ())
    }
}

#[test]
fn a_new_heartbeat_interval_applies_at_once() {
    let (mut h, socket) = Harness::logged_in(config());
    h.advance(10_000);
    assert_eq!(pings(&h, socket), 0, "the default interval is 30 s");
    let mut cfg = config();
    cfg.heartbeat_interval = 5_000;
    h.session.set_config(h.now, cfg);
    h.advance(4_999);
    assert_eq!(pings(&h, socket), 0);
    h.advance(1);
    assert_eq!(
        pings(&h, socket),
        1,
        "5 s after the change, not 30 s after login"
    );
    h.reply(socket, ServerMessage::Pong);
    h.advance(5_000);
    assert_eq!(pings(&h, socket), 2);
    assert_eq!(h.session.status(), LoginStatus::LoggedIn);
}
