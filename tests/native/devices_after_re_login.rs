//! After any new login the device list is reconciled with the login's full list:
//! each device that left while the session was away is reported offline once,
//! followed by the whole list online.

use crate::support::{config, port, Harness};
use nim_protocol::LoginPort;
use nim_wasm::core::config::PONG_GRACE_MS;
use nim_wasm::core::{Event, LoginStatus};

fn port_changes(h: &mut Harness) -> Vec<Vec<LoginPort>> {
    h.take_events()
        .into_iter()
        .filter_map(|e| match e {
            Event::LoginPortsChange(ports) => Some(ports),
            _ => None,
        })
        .collect()
}

/// Logged in with `q` and `r` online; the session then breaks as `end` says, and
/// the automatic re-login finds only `r` and a new `s`.
fn re_login_after(end: impl FnOnce(&mut Harness, nim_wasm::core::SocketId)) {
    let mut h = Harness::new(config());
    h.session.connect(h.now);
    h.drain();
    let socket = h.accept(vec![port("q", true), port("r", true)]);
    assert_eq!(port_changes(&mut h).len(), 1);
    end(&mut h, socket);
    assert_eq!(
        h.session.login_ports(),
        &[],
        "nothing is known online meanwhile"
    );
    h.next_attempt();
    h.accept(vec![port("r", true), port("s", true)]);
    assert_eq!(
        port_changes(&mut h),
        vec![vec![port("q", false), port("r", true), port("s", true)]]
    );
    assert_eq!(h.session.login_ports(), &[port("r", true), port("s", true)]);
}

#[test]
fn a_device_that_left_during_a_server_restart_is_reported_offline() {
    re_login_after(|h, socket| h.close(socket, 4005));
}

#[test]
fn a_device_that_left_during_an_idle_expiry_is_reported_offline() {
    re_login_after(|h, _| {
        h.advance(u64::from(config().heartbeat_interval) + PONG_GRACE_MS);
        assert_eq!(h.session.status(), LoginStatus::WaitingToReconnect);
    });
}

#[test]
fn a_re_login_alone_reports_every_device_it_knew_offline() {
    let mut h = Harness::new(config());
    h.session.connect(h.now);
    h.drain();
    let socket = h.accept(vec![port("q", true)]);
    port_changes(&mut h);
    h.close(socket, 1006);
    h.next_attempt();
    h.accept(vec![]);
    assert_eq!(port_changes(&mut h), vec![vec![port("q", false)]]);
}
