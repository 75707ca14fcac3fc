//! The policy as a table: every policy (single, desktop-mobile, multi with its
//! limit) for a manual login, an automatic re-login and the same deviceId, then
//! kicks, block with `needkick` and leaving.

use super::*;
use DeviceType::{Android, Ios, Pc, Server, Web};

const NOW: u64 = 1_700_000_000_000;

fn port(id: &str, device_type: DeviceType) -> LoginPort {
    LoginPort {
        device_type,
        os: String::new(),
        mac: String::new(),
        device_id: id.into(),
        account: "alice".into(),
        custom_tag: String::new(),
        custom_client_type: 0,
        connection_id: format!("c-{id}"),
        ip: "127.0.0.1".into(),
        time: 0,
        online: true,
    }
}

/// What a row expects of an admission.
#[derive(Debug)]
enum Expect {
    /// Admitted: the devices replaced (4002), kicked (`samePlatformKick`), and staying.
    Admit(
        &'static [&'static str],
        &'static [&'static str],
        &'static [&'static str],
    ),
    Refuse(Refusal),
}
use Expect::{Admit, Refuse};

struct Row {
    policy: Policy,
    max: usize,
    live: &'static [(&'static str, DeviceType)],
    new: (&'static str, DeviceType),
    auto: bool,
    expect: Expect,
}

const fn row(
    policy: Policy,
    live: &'static [(&'static str, DeviceType)],
    new: (&'static str, DeviceType),
    auto: bool,
    expect: Expect,
) -> Row {
    Row {
        policy,
        max: 20,
        live,
        new,
        auto,
        expect,
    }
}

const MANUAL: bool = false;
const AUTO: bool = true;

#[rustfmt::skip]
const TABLE: &[Row] = &[
    // single: one device in all.
    row(Policy::Single, &[], ("a", Web), MANUAL, Admit(&[], &[], &[])),
    row(Policy::Single, &[], ("a", Web), AUTO, Admit(&[], &[], &[])),
    row(Policy::Single, &[("a", Web)], ("b", Android), MANUAL, Admit(&[], &["a"], &[])),
    row(Policy::Single, &[("a", Web)], ("b", Web), AUTO, Refuse(Refusal::SlotTaken)),
    row(Policy::Single, &[("a", Web)], ("a", Web), MANUAL, Admit(&["a"], &[], &[])),
    row(Policy::Single, &[("a", Web)], ("a", Web), AUTO, Admit(&["a"], &[], &[])),
    // desktop-mobile: one desktop-class, one mobile-class, Server its own class.
    row(Policy::DesktopMobile, &[("pc", Pc), ("phone", Android)], ("web", Web), MANUAL, Admit(&[], &["pc"], &["phone"])),
    row(Policy::DesktopMobile, &[("pc", Pc), ("phone", Android)], ("pad", Ios), MANUAL, Admit(&[], &["phone"], &["pc"])),
    row(Policy::DesktopMobile, &[("pc", Pc)], ("phone", Android), AUTO, Admit(&[], &[], &["pc"])),
    row(Policy::DesktopMobile, &[("pc", Pc), ("phone", Android)], ("web", Web), AUTO, Refuse(Refusal::SlotTaken)),
    row(Policy::DesktopMobile, &[("pc", Pc), ("srv", Server)], ("srv-2", Server), MANUAL, Admit(&[], &["srv"], &["pc"])),
    row(Policy::DesktopMobile, &[("pc", Pc), ("phone", Android)], ("pc", Pc), AUTO, Admit(&["pc"], &[], &["phone"])),
    // multi with its limit: the oldest beyond it are kicked.
    row(Policy::Multi(3), &[("a", Web), ("b", Web)], ("c", Web), MANUAL, Admit(&[], &[], &["a", "b"])),
    row(Policy::Multi(3), &[("a", Web), ("b", Web)], ("c", Web), AUTO, Admit(&[], &[], &["a", "b"])),
    row(Policy::Multi(3), &[("a", Web), ("b", Pc), ("c", Ios)], ("d", Web), MANUAL, Admit(&[], &["a"], &["b", "c"])),
    row(Policy::Multi(2), &[("a", Web), ("b", Web), ("c", Web)], ("d", Web), MANUAL, Admit(&[], &["a", "b"], &["c"])),
    row(Policy::Multi(3), &[("a", Web), ("b", Web), ("c", Web)], ("d", Web), AUTO, Refuse(Refusal::SlotTaken)),
    row(Policy::Multi(3), &[("a", Web), ("b", Web), ("c", Web)], ("b", Web), AUTO, Admit(&["b"], &[], &["a", "c"])),
    row(Policy::Multi(3), &[("a", Web), ("b", Web), ("c", Web)], ("b", Web), MANUAL, Admit(&["b"], &[], &["a", "c"])),
];

fn ids(live: &[LoginPort], indices: &[usize]) -> Vec<String> {
    indices.iter().map(|&i| live[i].device_id.clone()).collect()
}

fn check_admitted(n: usize, row: &Row, live: &[LoginPort], admitted: &Admitted) {
    let Admit(replaced, kicked, staying) = row.expect else {
        panic!("row {n}: admitted, expected {:?}", row.expect);
    };
    assert_eq!(admitted.port.time, NOW, "row {n}: stamped with now");
    assert_eq!(ids(live, &admitted.staying), staying, "row {n}: staying");
    let mut gone: Vec<&str> = replaced.iter().chain(kicked).copied().collect();
    gone.sort_unstable();
    let mut seen_gone = ids(live, &admitted.change.gone);
    seen_gone.sort_unstable();
    assert_eq!(seen_gone, gone, "row {n}: gone");
    // The order of delivery: the replaced, then the kicked, then one push to each
    // staying device listing who left (offline) before who came (online).
    let mut expected = Vec::new();
    let mut ports = Vec::new();
    for id in replaced.iter().chain(kicked.iter()) {
        let i = live.iter().position(|p| p.device_id == *id).unwrap();
        let notice = if replaced.contains(id) {
            Notice::Replaced
        } else {
            Notice::Kicked(Kicked {
                reason: KickReason::SamePlatformKick,
                from: Some(row.new.1),
                from_device_id: Some(row.new.0.into()),
                custom: String::new(),
            })
        };
        expected.push((i, notice));
        ports.push(LoginPort {
            online: false,
            ..live[i].clone()
        });
    }
    ports.push(admitted.port.clone());
    for &i in &admitted.staying {
        expected.push((i, Notice::Ports(ports.clone())));
    }
    assert_eq!(admitted.change.notices, expected, "row {n}: notices");
}

#[test]
fn every_policy_for_manual_automatic_and_same_device_logins() {
    for (n, row) in TABLE.iter().enumerate() {
        let live: Vec<LoginPort> = row.live.iter().map(|&(id, t)| port(id, t)).collect();
        let refs: Vec<&LoginPort> = live.iter().collect();
        let login = Login {
            port: port(row.new.0, row.new.1),
            policy: row.policy,
            auto: row.auto,
            max_per_account: row.max,
        };
        match (admit(&refs, &login, NOW), &row.expect) {
            (Ok(admitted), _) => check_admitted(n, row, &live, &admitted),
            (Err(refusal), Refuse(expected)) => assert_eq!(refusal, *expected, "row {n}"),
            (Err(refusal), expected) => {
                panic!("row {n}: refused {refusal:?}, expected {expected:?}")
            }
        }
    }
}

#[test]
fn the_account_limit_holds_whatever_the_policy_and_counts_the_replaced() {
    let live = [port("a", Web), port("b", Web)];
    let refs: Vec<&LoginPort> = live.iter().collect();
    let login = |id: &str| Login {
        port: port(id, Web),
        policy: Policy::Multi(10),
        auto: false,
        max_per_account: 2,
    };
    assert_eq!(admit(&refs, &login("c"), NOW), Err(Refusal::TooManyDevices));
    assert_eq!(admit(&refs, &login("a"), NOW).unwrap().staying, vec![1]);
    assert_eq!(Refusal::TooManyDevices.code(), 416);
    assert_eq!(Refusal::SlotTaken.code(), 417);
}

#[test]
fn a_kick_removes_the_named_devices_of_the_account_never_the_kicker() {
    let live = [port("a", Web), port("b", Android), port("c", Pc)];
    let refs: Vec<&LoginPort> = live.iter().collect();
    let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();

    let change = kick(&refs, 1, &ids(&["a", "b", "x"]), "bye").unwrap();
    assert_eq!(change.gone, vec![0]);
    let kicked = Kicked {
        reason: KickReason::OtherPlatformKick,
        from: Some(Android),
        from_device_id: Some("b".into()),
        custom: "bye".into(),
    };
    let offline = LoginPort {
        online: false,
        ..live[0].clone()
    };
    assert_eq!(
        change.notices,
        vec![
            (0, Notice::Kicked(kicked)),
            (1, Notice::Ports(vec![offline.clone()])),
            (2, Notice::Ports(vec![offline])),
        ]
    );
    assert_eq!(
        change.kicks().collect::<Vec<_>>(),
        [KickReason::OtherPlatformKick]
    );
    assert_eq!(change.pushes(), 2);

    assert!(
        kick(&refs, 1, &ids(&["b", "x"]), "").is_none(),
        "itself or nobody"
    );
    assert!(
        kick(&refs, 7, &ids(&["a"]), "").is_none(),
        "a kicker not live"
    );
}

#[test]
fn block_with_needkick_kicks_every_device_with_server_kick() {
    let live = [port("a", Web), port("b", Ios)];
    let refs: Vec<&LoginPort> = live.iter().collect();
    let change = kick_all(&refs).unwrap();
    assert_eq!(change.gone, vec![0, 1]);
    assert_eq!(
        change.kicks().collect::<Vec<_>>(),
        [KickReason::ServerKick, KickReason::ServerKick]
    );
    assert_eq!(change.pushes(), 0);
    assert!(kick_all(&[]).is_none());
}

#[test]
fn leaving_tells_the_others_once_and_only_when_listed() {
    let live = [port("a", Web), port("b", Web), port("c", Web)];
    let refs: Vec<&LoginPort> = live.iter().collect();
    let change = remove(&refs, |i| i == 1).unwrap();
    assert_eq!(change.gone, vec![1]);
    let offline = LoginPort {
        online: false,
        ..live[1].clone()
    };
    assert_eq!(
        change.notices,
        vec![
            (0, Notice::Ports(vec![offline.clone()])),
            (2, Notice::Ports(vec![offline])),
        ]
    );
    assert!(remove(&refs, |_| false).is_none());
    assert_eq!(remove(&refs, |_| true).unwrap().notices, vec![]);
}
