//! Each connect attempt has a timeout; `disconnect()` while connecting aborts it
//! without `ondisconnect`.

use crate::support::{config, Harness};
use nim_wasm::core::config::CONNECT_TIMEOUT_MS;
use nim_wasm::core::{Action, Event, LoginStatus};

#[test]
fn an_attempt_that_hangs_times_out_and_retries() {
    let mut h = Harness::new(config());
    h.session.connect(h.now);
    h.drain();
    let (socket, _) = h.open();
    h.advance(CONNECT_TIMEOUT_MS - 1);
    assert_eq!(h.session.status(), LoginStatus::LoggingIn);
    h.advance(1);
    assert!(h.actions.contains(&Action::Close { socket }));
    assert_eq!(h.session.status(), LoginStatus::WaitingToReconnect);
    assert_eq!(h.will_reconnects().len(), 1);
}

#[test]
fn a_socket_that_never_opens_times_out_too() {
    let mut h = Harness::new(config());
    h.session.connect(h.now);
    h.drain();
    h.advance(CONNECT_TIMEOUT_MS);
    assert_eq!(h.session.status(), LoginStatus::WaitingToReconnect);
}

#[test]
fn disconnect_while_connecting_aborts_quietly() {
    let mut h = Harness::new(config());
    h.session.connect(h.now);
    h.drain();
    let (socket, _) = h.open();
    h.session.disconnect(h.now);
    h.drain();
    assert!(h.actions.contains(&Action::Close { socket }));
    assert!(
        h.disconnects().is_empty(),
        "no ondisconnect for an aborted login"
    );
    assert!(h.events.contains(&Event::DisconnectSettled));
    assert_eq!(h.session.status(), LoginStatus::LoggedOut);
    h.advance(60_000);
    assert_eq!(h.opens(), 1);
}

#[test]
fn disconnect_while_waiting_stops_the_retries() {
    let (mut h, socket) = Harness::logged_in(config());
    h.close(socket, 1006);
    h.session.disconnect(h.now);
    h.drain();
    h.advance(60_000);
    assert_eq!(h.opens(), 1);
    assert!(h.events.contains(&Event::DisconnectSettled));
}

#[test]
fn late_events_of_an_abandoned_socket_are_ignored() {
    let mut h = Harness::new(config());
    h.session.connect(h.now);
    h.drain();
    let (old, id) = h.open();
    h.advance(CONNECT_TIMEOUT_MS);
    h.reply(old, crate::support::login_ok(id, vec![]));
    assert_eq!(h.session.status(), LoginStatus::WaitingToReconnect);
}
