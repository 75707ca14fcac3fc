//! A manual login: open, send `login`, `loginOk` gives `onloginportschange` then `onconnect`.

use crate::support::{config, login_ok, port, Harness};
use nim_protocol::{ClientMessage, DeviceType};
use nim_wasm::core::{Action, Event, LoginStatus};

#[test]
fn login_sends_every_field_and_reports_ports_before_onconnect() {
    let mut cfg = config();
    cfg.custom_tag = "tag".into();
    cfg.custom_client_type = 3;
    cfg.login_ext = "ext".into();
    let mut h = Harness::new(cfg);
    assert_eq!(h.session.status(), LoginStatus::LoggedOut);

    h.session.connect(h.now);
    h.drain();
    assert!(matches!(&h.actions[0], Action::Open { url, .. } if url == "ws://server/ws"));
    assert_eq!(h.session.status(), LoginStatus::LoggingIn);
    assert!(!h.session.is_connected());

    let (socket, id) = h.open();
    let ClientMessage::Login(login) = &h.sent(socket)[0] else {
        panic!("login first")
    };
    assert_eq!(login.account, "alice");
    assert_eq!(login.token, "t0");
    assert_eq!(login.device_id, "dev-1");
    assert_eq!(login.device_type, DeviceType::Web);
    assert_eq!(login.custom_tag, "tag");
    assert_eq!(login.custom_client_type, 3);
    assert_eq!(login.login_ext, "ext");
    assert!(!login.auto, "a manual login may take a device slot");

    h.reply(socket, login_ok(id, vec![port("phone", true)]));
    assert!(matches!(&h.events[0], Event::LoginPortsChange(p) if p.len() == 1));
    assert!(matches!(&h.events[1], Event::Connect(info) if info.connection_id == "c1"));
    assert_eq!(h.session.status(), LoginStatus::LoggedIn);
    assert!(h.session.is_connected());
    assert_eq!(h.session.login_ports().len(), 1);
}

#[test]
fn no_ports_event_when_alone() {
    let (h, _) = Harness::logged_in(config());
    assert!(matches!(h.events.as_slice(), [Event::Connect(_)]));
}

#[test]
fn connect_while_connected_is_a_no_op() {
    let (mut h, _) = Harness::logged_in(config());
    h.session.connect(h.now);
    h.drain();
    assert_eq!(h.opens(), 1);
}

#[test]
fn login_ports_follow_pushes() {
    let (mut h, socket) = Harness::logged_in(config());
    let push =
        |ports| nim_protocol::ServerMessage::LoginPorts(nim_protocol::LoginPortsChange { ports });
    h.reply(socket, push(vec![port("phone", true)]));
    assert_eq!(h.session.login_ports().len(), 1);
    h.reply(socket, push(vec![port("phone", false)]));
    assert!(h.session.login_ports().is_empty());
    let changes = h
        .events
        .iter()
        .filter(|e| matches!(e, Event::LoginPortsChange(_)))
        .count();
    assert_eq!(changes, 2);
}
