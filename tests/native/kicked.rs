//! Being kicked ends the session for good: no retry, ever.

use crate::support::{config, Harness};
use nim_protocol::{DeviceType, KickReason, Kicked, ServerMessage};
use nim_wasm::core::{DisconnectCode, LoginStatus};

#[test]
fn kicked_never_reconnects() {
    for reason in [
        KickReason::SamePlatformKick,
        KickReason::ServerKick,
        KickReason::OtherPlatformKick,
    ] {
        let (mut h, socket) = Harness::logged_in(config());
        h.reply(
            socket,
            ServerMessage::Kicked(Kicked {
                reason,
                from: Some(DeviceType::Pc),
                from_device_id: Some("pc-1".into()),
                custom: "bye".into(),
            }),
        );
        h.close(socket, 4001);
        h.advance(60 * 60_000);
        let disconnects = h.disconnects();
        assert_eq!(disconnects.len(), 1);
        assert_eq!(disconnects[0].code, DisconnectCode::Kicked(reason));
        assert_eq!(disconnects[0].from, Some(DeviceType::Pc));
        assert_eq!(disconnects[0].custom, "bye");
        assert_eq!(h.opens(), 1, "{reason:?} must not reconnect");
        assert!(h.will_reconnects().is_empty());
        assert_eq!(h.session.status(), LoginStatus::LoggedOut);
    }
}

#[test]
fn a_kick_close_without_a_message_is_a_server_kick() {
    let (mut h, socket) = Harness::logged_in(config());
    h.close(socket, 4001);
    h.advance(60_000);
    assert_eq!(
        h.disconnects()[0].code,
        DisconnectCode::Kicked(KickReason::ServerKick)
    );
    assert_eq!(h.opens(), 1);
}

#[test]
fn replaced_by_the_same_device_id_does_not_fight_back() {
    let (mut h, socket) = Harness::logged_in(config());
    h.close(socket, 4002);
    h.advance(60_000);
    assert_eq!(
        h.disconnects()[0].code,
        DisconnectCode::Kicked(KickReason::SamePlatformKick)
    );
    assert_eq!(h.opens(), 1);
}
