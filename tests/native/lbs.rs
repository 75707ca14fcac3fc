//! `lbsUrl` and `defaultLink`: the addresses come from LBS at the start of every
//! round, are tried in order with no delay between them, fall back to
//! `defaultLink`, and `socketUrl` pins one address.

use crate::support::{config, login_ok, Harness};
use nim_wasm::core::links::LBS_TIMEOUT_MS;
use nim_wasm::core::{FetchId, LoginStatus, SessionConfig};

/// A session that finds its nodes through LBS, with one `defaultLink`.
fn lbs_config() -> SessionConfig {
    let mut config = config();
    config.socket_url = String::new();
    config.lbs_url = Some("https://lbs.example/lbs".into());
    config.default_links = vec!["fallback:9000".into()];
    config
}

/// Starts connecting and returns the LBS request it made.
fn connecting(config: SessionConfig) -> (Harness, FetchId) {
    let mut h = Harness::new(config);
    h.session.connect(h.now);
    h.drain();
    let fetch = h.fetches.last().expect("an LBS request").fetch;
    (h, fetch)
}

fn answer(h: &mut Harness, fetch: FetchId, reply: Result<Vec<&str>, &str>) {
    let reply = reply
        .map(|links| links.into_iter().map(String::from).collect())
        .map_err(String::from);
    h.session.handle_lbs_reply(h.now, fetch, reply);
    h.drain();
}

/// Makes the pending attempt fail before login.
fn refuse(h: &mut Harness) {
    let socket = h.last_opened().expect("an attempt");
    h.close(socket, 1006);
}

#[test]
fn lbs_is_asked_first_with_the_app_key() {
    let (h, _) = connecting(lbs_config());
    assert_eq!(h.fetches[0].url, "https://lbs.example/lbs?k=app");
    assert_eq!(h.opens(), 0, "no socket before LBS answered");
    assert_eq!(h.session.status(), LoginStatus::LoggingIn);
}

#[test]
fn the_listed_nodes_are_tried_in_order_at_once() {
    let (mut h, fetch) = connecting(lbs_config());
    answer(&mut h, fetch, Ok(vec!["ws://a/ws", "b:8443"]));
    refuse(&mut h);
    assert_eq!(h.opened_urls(), ["ws://a/ws", "ws://b:8443/ws"]);
    assert!(h.will_reconnects().is_empty(), "no backoff within a round");
    let (socket, id) = h.open();
    h.reply(socket, login_ok(id, vec![]));
    assert_eq!(h.session.status(), LoginStatus::LoggedIn);
}

#[test]
fn a_failed_lbs_falls_back_to_default_link() {
    let (mut h, fetch) = connecting(lbs_config());
    answer(&mut h, fetch, Err("HTTP 503"));
    assert_eq!(h.opened_urls(), ["ws://fallback:9000/ws"]);
}

#[test]
fn an_empty_list_falls_back_to_default_link() {
    let (mut h, fetch) = connecting(lbs_config());
    answer(&mut h, fetch, Ok(vec![]));
    assert_eq!(h.opened_urls(), ["ws://fallback:9000/ws"]);
}

#[test]
fn a_silent_lbs_times_out_into_default_link() {
    let (mut h, fetch) = connecting(lbs_config());
    h.advance(LBS_TIMEOUT_MS - 1);
    assert_eq!(h.opens(), 0);
    h.advance(1);
    assert_eq!(h.opened_urls(), ["ws://fallback:9000/ws"]);
    answer(&mut h, fetch, Ok(vec!["ws://late/ws"]));
    assert_eq!(h.opens(), 1, "a late answer changes nothing");
}

#[test]
fn a_used_up_round_backs_off_then_asks_lbs_again() {
    let (mut h, fetch) = connecting(lbs_config());
    answer(&mut h, fetch, Ok(vec!["ws://a/ws", "ws://b/ws"]));
    refuse(&mut h);
    refuse(&mut h);
    assert_eq!(h.session.status(), LoginStatus::WaitingToReconnect);
    assert_eq!(h.will_reconnects().len(), 1);
    assert_eq!(h.fetches.len(), 1);

    let timer = h.session.poll_timeout().expect("a retry");
    h.advance(timer.at - h.now);
    assert_eq!(h.fetches.len(), 2, "the next round asks LBS again");
    let again = h.fetches[1].fetch;
    answer(&mut h, again, Ok(vec!["ws://b/ws"]));
    assert_eq!(h.opened_urls(), ["ws://a/ws", "ws://b/ws", "ws://b/ws"]);
}

#[test]
fn a_lost_session_starts_a_new_round_after_the_backoff() {
    let (mut h, fetch) = connecting(lbs_config());
    answer(&mut h, fetch, Ok(vec!["ws://a/ws", "ws://b/ws"]));
    let socket = h.accept(vec![]);
    h.close(socket, 1006);
    assert_eq!(h.session.status(), LoginStatus::WaitingToReconnect);
    let timer = h.session.poll_timeout().expect("a retry");
    h.advance(timer.at - h.now);
    assert_eq!(h.fetches.len(), 2);
    let again = h.fetches[1].fetch;
    answer(&mut h, again, Err("connection refused"));
    refuse(&mut h);
    assert_eq!(
        h.opened_urls(),
        ["ws://a/ws", "ws://fallback:9000/ws"],
        "then back to the backoff"
    );
    assert_eq!(h.will_reconnects().len(), 2);
}

#[test]
fn default_link_alone_is_a_list_without_lbs() {
    let mut config = lbs_config();
    config.lbs_url = None;
    config.default_links = vec!["ws://a/ws".into(), "ws://b/ws".into()];
    let mut h = Harness::new(config);
    h.session.connect(h.now);
    h.drain();
    refuse(&mut h);
    assert!(h.fetches.is_empty());
    assert_eq!(h.opened_urls(), ["ws://a/ws", "ws://b/ws"]);
}

#[test]
fn socket_url_pins_one_address() {
    let mut config = lbs_config();
    config.socket_url = "ws://pinned/ws".into();
    let mut h = Harness::new(config);
    h.session.connect(h.now);
    h.drain();
    refuse(&mut h);
    h.next_attempt();
    assert!(h.fetches.is_empty(), "no LBS request");
    assert_eq!(h.opened_urls(), ["ws://pinned/ws", "ws://pinned/ws"]);
    assert_eq!(h.will_reconnects().len(), 1);
}

#[test]
fn disconnect_while_asking_lbs_settles_quietly() {
    let (mut h, fetch) = connecting(lbs_config());
    h.session.disconnect(h.now);
    h.drain();
    assert_eq!(h.session.status(), LoginStatus::LoggedOut);
    assert!(h.disconnects().is_empty());
    answer(&mut h, fetch, Ok(vec!["ws://a/ws"]));
    assert_eq!(h.opens(), 0);
}
