//! `authType: 1`: each retry waits until the driver releases it (the Promise
//! returned by `onwillreconnect` settled), and logs in with the token set meanwhile.

use crate::support::{config, Harness};
use nim_protocol::ClientMessage;
use nim_wasm::core::{AuthType, Event, LoginStatus};

#[test]
fn the_retry_waits_for_the_promise_and_uses_the_new_token() {
    let mut cfg = config();
    cfg.auth_type = AuthType::Dynamic;
    let (mut h, socket) = Harness::logged_in(cfg.clone());
    h.close(socket, 1006);
    let Some(Event::WillReconnect { ticket, gated, .. }) = h
        .events
        .iter()
        .find(|e| matches!(e, Event::WillReconnect { .. }))
        .cloned()
    else {
        panic!("onwillreconnect first")
    };
    assert!(gated);

    h.advance(10 * 60_000);
    assert_eq!(
        h.opens(),
        1,
        "the delay elapsed but the Promise has not settled"
    );
    assert_eq!(h.session.status(), LoginStatus::WaitingToReconnect);

    cfg.token = "t1".into();
    h.session.set_config(h.now, cfg);
    h.session.handle_retry_released(h.now, ticket);
    h.drain();
    assert_eq!(h.opens(), 2, "released after the delay: retry at once");
    let (socket, _) = h.open();
    let ClientMessage::Login(login) = &h.sent(socket)[0] else {
        panic!()
    };
    assert_eq!(login.token, "t1");
    assert_eq!(login.auth_type, 1);
}

#[test]
fn a_release_before_the_delay_still_waits_for_it() {
    let mut cfg = config();
    cfg.auth_type = AuthType::Dynamic;
    let (mut h, socket) = Harness::logged_in(cfg);
    h.close(socket, 1006);
    let (ticket, duration) = h
        .events
        .iter()
        .find_map(|e| match e {
            Event::WillReconnect {
                ticket, duration, ..
            } => Some((*ticket, *duration)),
            _ => None,
        })
        .unwrap();
    h.session.handle_retry_released(h.now, ticket);
    h.drain();
    assert_eq!(h.opens(), 1);
    h.advance(duration);
    assert_eq!(h.opens(), 2);
}

#[test]
fn a_static_token_is_never_gated() {
    let (mut h, socket) = Harness::logged_in(config());
    h.close(socket, 1006);
    assert!(h
        .events
        .iter()
        .any(|e| matches!(e, Event::WillReconnect { gated: false, .. })));
}
