//! Every close code of docs/PROTOCOL.md's table, while logging in and while logged
//! in: a final one ends the session with one `ondisconnect` and no attempt after it;
//! a transient one waits its backoff delay, then tries again, without `ondisconnect`.

use crate::support::{config, Harness};
use nim_protocol::{code, KickReason, LoginFailed, ServerMessage};
use nim_wasm::core::backoff::{MAX_DELAY_MS, MIN_DELAY_MS};
use nim_wasm::core::{DisconnectCode, LoginStatus};

/// What the SDK does after a close: end with this code, or back off.
#[derive(Debug, Clone, Copy, PartialEq)]
enum After {
    Ends(DisconnectCode),
    BacksOff,
}

/// The table of docs/PROTOCOL.md, row by row (4000 + code by examples).
fn table() -> Vec<(u16, After)> {
    use After::*;
    vec![
        (1000, Ends(DisconnectCode::AllAttemptsFailed)),
        (1001, BacksOff),
        (1003, Ends(DisconnectCode::Login(code::BAD_REQUEST))),
        (1006, BacksOff),
        (1009, Ends(DisconnectCode::Login(code::TOO_LARGE))),
        (1012, BacksOff),
        (1013, BacksOff),
        (4001, Ends(DisconnectCode::Kicked(KickReason::ServerKick))),
        (
            4002,
            Ends(DisconnectCode::Kicked(KickReason::SamePlatformKick)),
        ),
        (4003, BacksOff),
        (4008, BacksOff),
        (4009, BacksOff),
        (4400, Ends(DisconnectCode::Login(code::BAD_REQUEST))),
        (4302, Ends(DisconnectCode::Login(code::BAD_TOKEN))),
        (4417, Ends(DisconnectCode::Login(code::SLOT_TAKEN))),
        (4416, BacksOff),
        (4500, BacksOff),
    ]
}

/// Checks what follows a close with `close` at `h.now`, `opens` sockets so far.
fn check(h: &mut Harness, close: u16, after: After, opens: usize) {
    match after {
        After::Ends(code) => {
            let disconnects = h.disconnects();
            assert_eq!(disconnects.len(), 1, "close {close}: {disconnects:?}");
            assert_eq!(disconnects[0].code, code, "close {close}");
            assert!(!disconnects[0].will_reconnect, "close {close}");
            assert_eq!(h.session.status(), LoginStatus::LoggedOut, "close {close}");
            h.advance(10 * 60_000);
            assert_eq!(h.opens(), opens, "close {close} is never retried");
            assert!(h.will_reconnects().is_empty(), "close {close}");
            assert_eq!(h.disconnects().len(), 1, "close {close}");
        }
        After::BacksOff => {
            assert!(h.disconnects().is_empty(), "close {close}");
            let status = h.session.status();
            assert_eq!(status, LoginStatus::WaitingToReconnect, "close {close}");
            let retries = h.will_reconnects();
            assert_eq!(retries.len(), 1, "close {close}");
            let (count, delay) = retries[0];
            assert_eq!(count, 1, "close {close}");
            assert!((MIN_DELAY_MS..=1_000).contains(&delay), "close {close}");
            h.advance(delay - 1);
            assert_eq!(h.opens(), opens, "close {close}: no retry before the delay");
            h.advance(1);
            assert_eq!(h.opens(), opens + 1, "close {close}: one retry after it");
        }
    }
}

#[test]
fn each_close_while_logged_in_does_what_the_table_says() {
    for (close, after) in table() {
        let (mut h, socket) = Harness::logged_in(config());
        h.take_events();
        h.close(socket, close);
        check(&mut h, close, after, 1);
    }
}

#[test]
fn each_close_while_logging_in_does_what_the_table_says() {
    for (close, after) in table() {
        let mut h = Harness::new(config());
        h.session.connect(h.now);
        h.drain();
        let (socket, _) = h.open();
        h.close(socket, close);
        check(&mut h, close, after, 1);
    }
}

/// A login answered `loginFailed` with `code` and then closed with 4000 + code, as
/// nim-server does.
fn refuse_then_close(h: &mut Harness, refusal: u16) {
    let (socket, id) = h.open();
    h.reply(
        socket,
        ServerMessage::LoginFailed(LoginFailed {
            id,
            code: refusal,
            message: "refused".into(),
        }),
    );
    h.close(socket, 4000 + refusal);
}

#[test]
fn a_login_refused_with_400_ends_once_and_is_never_retried() {
    let mut h = Harness::new(config());
    h.session.connect(h.now);
    h.drain();
    refuse_then_close(&mut h, code::BAD_REQUEST);
    check(&mut h, 4400, After::Ends(DisconnectCode::Login(400)), 1);
}

#[test]
fn logins_refused_with_416_back_off_instead_of_storming() {
    let mut h = Harness::new(config());
    h.session.connect(h.now);
    h.drain();
    let started = h.now;
    // The server refuses every login for ten minutes.
    while h.now < started + 10 * 60_000 {
        refuse_then_close(&mut h, code::RATE_LIMITED);
        h.next_attempt();
    }
    assert!(h.disconnects().is_empty(), "416 is not final");
    let delays: Vec<u64> = h.will_reconnects().iter().map(|r| r.1).collect();
    assert!(delays.iter().all(|d| *d >= MIN_DELAY_MS));
    // Once at the cap, the delays average half of it: a few attempts a minute.
    let capped = &delays[5..];
    let mean = capped.iter().sum::<u64>() / capped.len() as u64;
    assert!(mean >= MAX_DELAY_MS / 4, "mean delay {mean} ms");
    assert!(h.opens() <= 120, "{} attempts in ten minutes", h.opens());
}
