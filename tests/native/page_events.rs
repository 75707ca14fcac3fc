//! Hidden tabs spend no attempts; `online` and visibility retry at once; `offline`
//! with `quickReconnect` ends the session with the non-terminal `offlineListener`.

use crate::support::{config, Harness};
use nim_wasm::core::{DisconnectCode, LoginStatus};

#[test]
fn a_hidden_tab_waits_and_a_visible_one_retries_at_once() {
    let (mut h, socket) = Harness::logged_in(config());
    h.session.handle_visibility(h.now, false);
    h.close(socket, 1006);
    h.advance(10 * 60_000);
    assert_eq!(h.opens(), 1, "no attempt while hidden");
    assert_eq!(h.will_reconnects().len(), 1, "only the one planned retry");

    h.session.handle_visibility(h.now, true);
    h.drain();
    assert_eq!(h.opens(), 2, "visible again: retry now");
}

#[test]
fn online_retries_without_waiting_for_the_delay() {
    let (mut h, socket) = Harness::logged_in(config());
    h.close(socket, 1006);
    h.advance(1_000);
    let retry = h.last_opened().unwrap();
    h.close(retry, 1006);
    assert_eq!(h.opens(), 2);
    h.session.handle_online(h.now, true);
    h.drain();
    assert_eq!(h.opens(), 3);
}

#[test]
fn offline_with_quick_reconnect_pauses_until_online() {
    let mut cfg = config();
    cfg.quick_reconnect = true;
    let (mut h, _) = Harness::logged_in(cfg);
    h.session.handle_online(h.now, false);
    h.drain();
    let disconnects = h.disconnects();
    assert_eq!(disconnects.len(), 1);
    assert_eq!(disconnects[0].code, DisconnectCode::OfflineListener);
    assert!(disconnects[0].will_reconnect);
    assert_eq!(h.session.status(), LoginStatus::WaitingToReconnect);

    h.advance(10 * 60_000);
    assert_eq!(h.opens(), 1, "offline: no attempts spent");
    h.session.handle_online(h.now, true);
    h.drain();
    assert_eq!(h.opens(), 2);
    h.accept(vec![]);
    assert_eq!(h.session.status(), LoginStatus::LoggedIn);
}

#[test]
fn offline_without_quick_reconnect_keeps_the_session() {
    let (mut h, _) = Harness::logged_in(config());
    h.session.handle_online(h.now, false);
    h.drain();
    assert_eq!(h.session.status(), LoginStatus::LoggedIn);
    assert!(h.disconnects().is_empty());
}
