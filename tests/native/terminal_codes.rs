//! Terminal login codes end the session at once and never retry; others retry.

use crate::support::{config, Harness};
use nim_protocol::{code, LoginFailed, ServerMessage};
use nim_wasm::core::{DisconnectCode, LoginStatus};

fn refuse(code: u16) -> Harness {
    let mut h = Harness::new(config());
    h.session.connect(h.now);
    h.drain();
    let (socket, id) = h.open();
    h.reply(
        socket,
        ServerMessage::LoginFailed(LoginFailed {
            id,
            code,
            message: "no".into(),
        }),
    );
    h
}

#[test]
fn terminal_codes_never_retry() {
    for code in [201, 302, 317, 400, 403, 404, 417, 422] {
        let mut h = refuse(code);
        h.advance(10 * 60_000);
        let disconnects = h.disconnects();
        assert_eq!(disconnects.len(), 1, "code {code}");
        assert_eq!(disconnects[0].code, DisconnectCode::Login(code));
        assert!(!disconnects[0].will_reconnect);
        assert_eq!(h.opens(), 1, "code {code} must not retry");
        assert!(h.will_reconnects().is_empty());
        assert_eq!(h.session.status(), LoginStatus::LoggedOut);
    }
}

#[test]
fn rate_limited_and_server_errors_retry() {
    for code in [code::RATE_LIMITED, code::SERVER_ERROR] {
        let mut h = refuse(code);
        assert_eq!(h.session.status(), LoginStatus::WaitingToReconnect);
        h.advance(2_000);
        assert_eq!(h.opens(), 2, "code {code} retries");
        assert!(h.disconnects().is_empty());
    }
}

#[test]
fn a_refusing_close_without_a_message_is_terminal_too() {
    let mut h = Harness::new(config());
    h.session.connect(h.now);
    h.drain();
    let (socket, _) = h.open();
    h.close(socket, 4302);
    assert_eq!(h.disconnects()[0].code, DisconnectCode::Login(302));
    h.advance(60_000);
    assert_eq!(h.opens(), 1);
}
