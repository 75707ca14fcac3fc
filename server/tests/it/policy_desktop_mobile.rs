//! Under `desktop-mobile` one desktop-class and one mobile-class device may be online
//! together; a second device of the same class kicks the older one.

use crate::cluster::Nodes;
use crate::common::login_request;
use nim_protocol::{CloseCode, DeviceType, KickReason, LoginRequest, ServerMessage};
use nim_server::Policy;

fn phone(account: &str, device_id: &str) -> LoginRequest {
    LoginRequest {
        device_type: DeviceType::Ios,
        ..login_request(account, "t", device_id)
    }
}

async fn a_web_page_and_a_phone_stay_online_together(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (_web, _) = nodes.a().login(&alice, "t", "tab-1").await;

    let (_phone, ok) = nodes.b().login_as(phone(&alice, "phone-1")).await;

    assert_eq!(ok.ports.len(), 1);
    assert_eq!(ok.ports[0].device_type, DeviceType::Web);
}
on_both_backends!(
    a_web_page_and_a_phone_stay_online_together,
    Policy::DesktopMobile
);

async fn a_second_desktop_kicks_the_first_and_spares_the_phone(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (mut web, _) = nodes.a().login(&alice, "t", "tab-1").await;
    let (mut phone, _) = nodes.a().login_as(phone(&alice, "phone-1")).await;
    web.wait_for(|m| matches!(m, ServerMessage::LoginPorts(_)).then_some(()))
        .await;

    let (_pc, ok) = nodes
        .b()
        .login_as(LoginRequest {
            device_type: DeviceType::Pc,
            ..login_request(&alice, "t", "pc-1")
        })
        .await;

    assert_eq!(ok.ports.len(), 1);
    assert_eq!(ok.ports[0].device_id, "phone-1");
    match web.recv().await {
        ServerMessage::Kicked(kicked) => assert_eq!(kicked.reason, KickReason::SamePlatformKick),
        other => panic!("expected kicked, got {other:?}"),
    }
    assert_eq!(web.expect_close().await, Some(CloseCode::KICKED.0));

    let change = phone.next_ports().await;
    let states: Vec<(&str, bool)> = change
        .iter()
        .map(|p| (p.device_id.as_str(), p.online))
        .collect();
    assert_eq!(states, vec![("tab-1", false), ("pc-1", true)]);
}
on_both_backends!(
    a_second_desktop_kicks_the_first_and_spares_the_phone,
    Policy::DesktopMobile
);

async fn a_second_phone_kicks_the_first(nodes: Nodes) {
    let alice = nodes.account("alice").await;
    let (mut first, _) = nodes.a().login_as(phone(&alice, "phone-1")).await;

    nodes
        .b()
        .login_as(LoginRequest {
            device_type: DeviceType::Android,
            ..login_request(&alice, "t", "phone-2")
        })
        .await;

    assert!(matches!(first.recv().await, ServerMessage::Kicked(_)));
    assert_eq!(first.expect_close().await, Some(CloseCode::KICKED.0));
}
on_both_backends!(a_second_phone_kicks_the_first, Policy::DesktopMobile);
