//! `disconnect()` reports `logout` only after the server closed the socket;
//! `kick` settles with the server's answer or fails when the session ends.

use crate::support::{config, Harness};
use nim_protocol::{ClientMessage, ErrorReply, KickResult, LogoutOk, ServerMessage};
use nim_wasm::core::config::LOGOUT_TIMEOUT_MS;
use nim_wasm::core::{Action, DisconnectCode, Event, LoginStatus, RequestFailure};

#[test]
fn logout_is_reported_once_the_socket_closed() {
    let (mut h, socket) = Harness::logged_in(config());
    h.take_events();
    h.session.disconnect(h.now);
    h.drain();
    let Some(ClientMessage::Logout(logout)) = h.sent(socket).last().cloned() else {
        panic!("logout sent")
    };
    h.reply(socket, ServerMessage::LogoutOk(LogoutOk { id: logout.id }));
    assert!(h.events.is_empty(), "nothing before the close");
    h.close(socket, 1000);
    assert_eq!(h.disconnects()[0].code, DisconnectCode::Logout);
    assert_eq!(h.events.last(), Some(&Event::DisconnectSettled));
    assert_eq!(h.session.status(), LoginStatus::LoggedOut);
}

#[test]
fn a_server_that_never_closes_is_given_up_on() {
    let (mut h, socket) = Harness::logged_in(config());
    h.session.disconnect(h.now);
    h.drain();
    h.advance(LOGOUT_TIMEOUT_MS);
    assert!(h.actions.contains(&Action::Close { socket }));
    assert_eq!(h.disconnects()[0].code, DisconnectCode::Logout);
}

#[test]
fn disconnect_when_logged_out_is_already_disconnected() {
    let mut h = Harness::new(config());
    h.session.disconnect(h.now);
    h.drain();
    assert_eq!(h.disconnects()[0].code, DisconnectCode::AlreadyDisconnected);
    assert_eq!(h.events.last(), Some(&Event::DisconnectSettled));
}

#[test]
fn connect_during_logout_logs_in_after_the_close() {
    let (mut h, socket) = Harness::logged_in(config());
    h.session.disconnect(h.now);
    h.session.connect(h.now);
    h.drain();
    assert_eq!(h.opens(), 1, "not while the old session is still open");
    h.close(socket, 1000);
    assert_eq!(h.opens(), 2);
}

fn kick_id(h: &Harness, socket: nim_wasm::core::SocketId) -> u32 {
    match h.sent(socket).last() {
        Some(ClientMessage::Kick(kick)) => kick.id,
        other => panic!("expected kick, got {other:?}"),
    }
}

#[test]
fn kick_settles_with_the_ids_the_server_kicked() {
    let (mut h, socket) = Harness::logged_in(config());
    let ticket = h.session.kick(vec!["a".into(), "b".into()], String::new());
    h.drain();
    let id = kick_id(&h, socket);
    h.reply(
        socket,
        ServerMessage::KickResult(KickResult {
            id,
            device_ids: vec!["a".into()],
        }),
    );
    assert!(h.events.contains(&Event::KickSettled {
        ticket,
        outcome: Ok(vec!["a".into()])
    }));
}

#[test]
fn kick_fails_with_the_server_error_or_when_not_logged_in() {
    let (mut h, socket) = Harness::logged_in(config());
    let ticket = h.session.kick(vec!["a".into()], String::new());
    h.drain();
    let id = kick_id(&h, socket);
    h.reply(
        socket,
        ServerMessage::Error(ErrorReply {
            id: Some(id),
            code: 400,
            message: "bad".into(),
        }),
    );
    assert!(h.events.contains(&Event::KickSettled {
        ticket,
        outcome: Err(RequestFailure::Server {
            code: 400,
            message: "bad".into()
        })
    }));

    let mut idle = Harness::new(config());
    let ticket = idle.session.kick(vec!["a".into()], String::new());
    idle.drain();
    assert_eq!(
        idle.events,
        vec![Event::KickSettled {
            ticket,
            outcome: Err(RequestFailure::NotLoggedIn)
        }]
    );
}

#[test]
fn a_pending_kick_fails_when_the_session_breaks() {
    let (mut h, socket) = Harness::logged_in(config());
    let ticket = h.session.kick(vec!["a".into()], String::new());
    h.close(socket, 1006);
    assert!(h.events.contains(&Event::KickSettled {
        ticket,
        outcome: Err(RequestFailure::Disconnected)
    }));
}

#[test]
fn a_kick_answered_before_the_logout_closed_settles_with_its_answer() {
    let (mut h, socket) = Harness::logged_in(config());
    let ticket = h.session.kick(vec!["a".into()], String::new());
    h.session.disconnect(h.now);
    h.drain();
    let id = kick_id_before_logout(&h, socket);
    let answer = KickResult {
        id,
        device_ids: vec!["a".into()],
    };
    h.reply(socket, ServerMessage::KickResult(answer));
    h.close(socket, 1000);
    assert!(h.events.contains(&Event::KickSettled {
        ticket,
        outcome: Ok(vec!["a".into()])
    }));
    assert_eq!(h.disconnects()[0].code, DisconnectCode::Logout);
}

#[test]
fn a_kick_unanswered_when_the_logout_closed_fails_as_disconnected() {
    let (mut h, socket) = Harness::logged_in(config());
    let ticket = h.session.kick(vec!["a".into()], String::new());
    h.session.disconnect(h.now);
    h.drain();
    h.close(socket, 1000);
    assert!(h.events.contains(&Event::KickSettled {
        ticket,
        outcome: Err(RequestFailure::Disconnected)
    }));
}

/// The id of the `kick` sent just before the `logout`.
fn kick_id_before_logout(h: &Harness, socket: nim_wasm::core::SocketId) -> u32 {
    h.sent(socket)
        .iter()
        .find_map(|m| match m {
            ClientMessage::Kick(kick) => Some(kick.id),
            _ => None,
        })
        .expect("a kick was sent")
}

#[test]
fn server_errors_without_a_request_go_to_onerror() {
    let (mut h, socket) = Harness::logged_in(config());
    h.reply(
        socket,
        ServerMessage::Error(ErrorReply {
            id: None,
            code: 400,
            message: "bad frame".into(),
        }),
    );
    assert!(h.events.contains(&Event::Error {
        code: 400,
        message: "bad frame".into()
    }));
}
