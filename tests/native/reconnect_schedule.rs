//! A broken session is retried with exponential, capped, fully jittered delays;
//! attempt limits, `needReconnect` and `reconnectDelayProvider` are honoured.

use crate::support::{config, Harness};
use nim_protocol::LoginRequest;
use nim_wasm::core::backoff::{MAX_DELAY_MS, MIN_DELAY_MS};
use nim_wasm::core::{DisconnectCode, Event, LoginStatus, RetryTicket};

/// Fails the current attempt by closing its socket.
fn fail_next_attempt(h: &mut Harness) {
    let socket = h.last_opened().expect("an attempt");
    h.close(socket, 1006);
}

/// Waits for the next retry and fails it.
fn fail_next_retry(h: &mut Harness) {
    h.next_attempt();
    fail_next_attempt(h);
}

/// Breaks a logged-in session whose jitter starts from `seed`, fails its first
/// eight retries, and returns the delay before each retry as announced by
/// `onwillreconnect`, checking that each retry waited exactly that long.
fn nine_retry_delays(seed: u64) -> Vec<u64> {
    let mut h = Harness::with_seed(config(), seed);
    h.session.connect(h.now);
    h.drain();
    let socket = h.accept(vec![]);
    h.take_events();
    h.close(socket, 1006);
    assert_eq!(h.session.status(), LoginStatus::WaitingToReconnect);
    assert!(
        h.disconnects().is_empty(),
        "a broken session is not a disconnect"
    );
    for n in 0..9 {
        let broken_at = h.now;
        h.next_attempt();
        let announced = h.will_reconnects()[n].1;
        assert_eq!(h.now - broken_at, announced, "retry {} came on time", n + 1);
        if n < 8 {
            fail_next_attempt(&mut h);
        }
    }
    let retries = h.will_reconnects();
    assert_eq!(
        retries.iter().map(|r| r.0).collect::<Vec<_>>(),
        (1..=9).collect::<Vec<_>>()
    );
    assert_eq!(h.opens(), 10, "the first connect and nine retries");
    retries.into_iter().map(|(_, delay)| delay).collect()
}

#[test]
fn a_broken_session_retries_with_growing_jittered_delays() {
    // The same schedule for a fleet of 32 clients: retry n of each is drawn
    // uniformly from MIN_DELAY_MS up to a ceiling that doubles from 1 s to the cap.
    let fleet: Vec<Vec<u64>> = (0..32).map(nine_retry_delays).collect();
    for n in 0..9 {
        let ceiling = (1_000u64 << n).min(MAX_DELAY_MS);
        let delays: Vec<u64> = fleet.iter().map(|client| client[n]).collect();
        for delay in &delays {
            assert!(
                (MIN_DELAY_MS..=ceiling).contains(delay),
                "retry {} waited {delay} ms, ceiling {ceiling}",
                n + 1
            );
        }
        let mut distinct = delays.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert!(
            distinct.len() >= 24,
            "retry {} is jittered: {delays:?}",
            n + 1
        );
        // Uniform over MIN_DELAY_MS..=ceiling: the fleet's mean sits near the
        // middle, so the delays grow with the ceiling instead of staying small.
        let mean = delays.iter().sum::<u64>() / delays.len() as u64;
        let middle = (MIN_DELAY_MS + ceiling) / 2;
        assert!(
            mean.abs_diff(middle) <= ceiling / 5,
            "retry {}: mean {mean} ms, expected about {middle} ms",
            n + 1
        );
    }
}

#[test]
fn automatic_relogins_say_so() {
    let (mut h, socket) = Harness::logged_in(config());
    h.close(socket, 1012);
    h.next_attempt();
    let (socket, _) = h.open();
    let login: Vec<LoginRequest> = h
        .sent(socket)
        .into_iter()
        .filter_map(|m| match m {
            nim_protocol::ClientMessage::Login(l) => Some(l),
            _ => None,
        })
        .collect();
    assert!(
        login[0].auto,
        "a re-login after a broken session never kicks"
    );
}

#[test]
fn a_successful_login_resets_the_schedule() {
    let (mut h, socket) = Harness::logged_in(config());
    h.close(socket, 1006);
    fail_next_retry(&mut h);
    h.next_attempt();
    let socket = h.accept(vec![]);
    h.close(socket, 1006);
    let retries = h.will_reconnects();
    assert_eq!(retries.last().unwrap().0, 1, "retryCount starts over");
    assert!(retries.last().unwrap().1 <= 1_000);
}

#[test]
fn attempt_limit_ends_with_all_attempts_failed() {
    let mut cfg = config();
    cfg.reconnection_attempts = Some(2);
    let (mut h, socket) = Harness::logged_in(cfg);
    h.close(socket, 1006);
    for _ in 0..2 {
        fail_next_retry(&mut h);
    }
    h.advance(10 * MAX_DELAY_MS);
    let disconnects = h.disconnects();
    assert_eq!(disconnects.len(), 1);
    assert_eq!(disconnects[0].code, DisconnectCode::AllAttemptsFailed);
    assert_eq!(disconnects[0].retry_count, 2);
    assert_eq!(h.opens(), 3);
    assert_eq!(h.session.status(), LoginStatus::LoggedOut);
}

#[test]
fn a_first_connect_that_never_succeeds_ends_with_init_connect_fail() {
    let mut cfg = config();
    cfg.reconnection_attempts = Some(1);
    let mut h = Harness::new(cfg);
    h.session.connect(h.now);
    h.drain();
    fail_next_attempt(&mut h);
    fail_next_retry(&mut h);
    assert_eq!(h.disconnects()[0].code, DisconnectCode::InitConnectFail);
    assert_eq!(h.opens(), 2);
}

#[test]
fn need_reconnect_false_gives_up_at_once() {
    let mut cfg = config();
    cfg.need_reconnect = false;
    let (mut h, socket) = Harness::logged_in(cfg);
    h.close(socket, 1006);
    assert_eq!(h.disconnects()[0].code, DisconnectCode::AllAttemptsFailed);
    assert!(h.will_reconnects().is_empty());
    h.advance(60_000);
    assert_eq!(h.opens(), 1);
}

#[test]
fn the_delay_provider_chooses_the_delay_with_a_floor() {
    let mut cfg = config();
    cfg.has_delay_provider = true;
    let (mut h, socket) = Harness::logged_in(cfg);
    h.take_events();
    h.close(socket, 1006);
    let asked = h.events.iter().find_map(|e| match e {
        Event::RetryDelayNeeded { ticket, proposed } => Some((*ticket, *proposed)),
        _ => None,
    });
    let Some((ticket, proposed)) = asked else {
        panic!("the provider is asked first: {:?}", h.events)
    };
    assert!(proposed <= 1_000);
    h.advance(60_000);
    assert_eq!(h.opens(), 1, "no retry before the provider answered");

    h.session
        .handle_retry_delay(h.now, RetryTicket(ticket.0 + 99), Some(5.0));
    h.drain();
    assert!(h.will_reconnects().is_empty(), "a stale ticket is ignored");

    h.session.handle_retry_delay(h.now, ticket, Some(5_000.0));
    h.drain();
    assert_eq!(h.will_reconnects(), vec![(1, 5_000)]);
    h.advance(4_999);
    assert_eq!(h.opens(), 1);
    h.advance(1);
    assert_eq!(h.opens(), 2);
}

#[test]
fn server_restart_and_overload_closes_retry() {
    for code in [1001, 1006, 1011, 1012, 1013, 4003] {
        let (mut h, socket) = Harness::logged_in(config());
        h.close(socket, code);
        assert_eq!(
            h.session.status(),
            LoginStatus::WaitingToReconnect,
            "close {code}"
        );
    }
}
