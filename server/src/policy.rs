//! The multi-device policy, decided once for every backend: who is admitted, who is
//! displaced, who gets 417 or 416, who is kicked, and what each live device is told.
//!
//! Everything here works over plain values and does no I/O: an account's live
//! devices (oldest login first), the new login or the kick, the app's policy, and
//! `now`. It answers with a [`Change`]: which of the live devices leave, and the
//! [`Notice`]s each of them gets, in the order they must be delivered. The
//! in-process registry (`sessions`) and the Redis cluster (`cluster`) only store
//! and deliver what it decides, so one node and a cluster cannot drift apart.
//!
//! Devices are named by their index in the `live` slice the caller passed in.

use nim_protocol::{code, DeviceType, KickReason, Kicked, LoginPort};

use crate::config::Policy;

/// What one live device is told about a change of its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// `loginPorts`: these devices came online or went offline.
    Ports(Vec<LoginPort>),
    /// `kicked`, then close with 4001.
    Kicked(Kicked),
    /// A newer login of the same device took its place: close with 4002.
    Replaced,
}

/// A decided change of one account's live devices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// The indices of the devices that leave the account, in `live` order.
    pub gone: Vec<usize>,
    /// What to tell whom, in delivery order.
    pub notices: Vec<(usize, Notice)>,
}

impl Change {
    /// The kicks the change sends, for metrics.
    pub fn kicks(&self) -> impl Iterator<Item = KickReason> + '_ {
        self.notices.iter().filter_map(|(_, n)| match n {
            Notice::Kicked(kicked) => Some(kicked.reason),
            _ => None,
        })
    }

    /// How many `loginPorts` pushes the change sends, for metrics.
    pub fn pushes(&self) -> usize {
        self.notices
            .iter()
            .filter(|(_, n)| matches!(n, Notice::Ports(_)))
            .count()
    }
}

/// Why a login was refused a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// An automatic re-login would have displaced a device (417).
    #[error("another device took the slot")]
    SlotTaken,
    /// The account is at its device limit (416).
    #[error("too many devices")]
    TooManyDevices,
}

impl Refusal {
    /// The NIM code of the `loginFailed`.
    pub fn code(self) -> u16 {
        match self {
            Refusal::SlotTaken => code::SLOT_TAKEN,
            Refusal::TooManyDevices => code::RATE_LIMITED,
        }
    }
}

/// A login asking for a place among its account's live devices.
#[derive(Debug, Clone)]
pub struct Login {
    /// The new device, as the others will see it; its `time` is set to `now`.
    pub port: LoginPort,
    /// The app's policy.
    pub policy: Policy,
    /// An automatic re-login, which must not displace anyone.
    pub auto: bool,
    /// The account's device limit whatever the policy.
    pub max_per_account: usize,
}

/// An admitted login: the change it makes, the new device's entry, and the
/// indices of the account's devices that stay (its `loginOk` lists them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admitted {
    /// What leaves and who is told.
    pub change: Change,
    /// The new device, stamped with the login time.
    pub port: LoginPort,
    /// The devices that stay, in login order.
    pub staying: Vec<usize>,
}

/// Which of `live` a new device of `new_type` displaces under `policy`.
fn displaced(policy: Policy, live: &[DeviceType], new_type: DeviceType) -> Vec<usize> {
    match policy {
        Policy::Single => (0..live.len()).collect(),
        Policy::DesktopMobile => {
            let class = |t: DeviceType| (t.is_desktop(), t.is_mobile());
            (0..live.len())
                .filter(|&i| class(live[i]) == class(new_type))
                .collect()
        }
        Policy::Multi(limit) => {
            let excess = (live.len() + 1).saturating_sub(limit.max(1));
            (0..excess).collect()
        }
    }
}

/// The entry that tells the other devices `port` went offline.
fn offline(port: &LoginPort) -> LoginPort {
    LoginPort {
        online: false,
        ..port.clone()
    }
}

/// The notice to a device that the device `from` displaced or kicked.
fn kicked_by(reason: KickReason, from: &LoginPort, custom: &str) -> Notice {
    Notice::Kicked(Kicked {
        reason,
        from: Some(from.device_type),
        from_device_id: Some(from.device_id.clone()),
        custom: custom.to_owned(),
    })
}

/// Tells every device in `to` about `ports`, unless there is nothing to tell.
fn push(notices: &mut Vec<(usize, Notice)>, to: &[usize], ports: Vec<LoginPort>) {
    if ports.is_empty() {
        return;
    }
    for &i in to {
        notices.push((i, Notice::Ports(ports.clone())));
    }
}

/// Decides a login at `now` (ms since the epoch) against the account's `live`
/// devices, oldest first: a login of the same device id replaces it (4002), the
/// policy displaces others (`samePlatformKick`), and the staying devices hear who
/// left and who came. An automatic re-login that would displace anyone gets 417;
/// a login beyond the account's device limit gets 416.
pub fn admit(live: &[&LoginPort], login: &Login, now: u64) -> Result<Admitted, Refusal> {
    let new = LoginPort {
        time: now,
        ..login.port.clone()
    };
    let (replaced, others): (Vec<usize>, Vec<usize>) =
        (0..live.len()).partition(|&i| live[i].device_id == new.device_id);
    let types: Vec<DeviceType> = others.iter().map(|&i| live[i].device_type).collect();
    let kicked: Vec<usize> = displaced(login.policy, &types, new.device_type)
        .into_iter()
        .map(|j| others[j])
        .collect();
    if !kicked.is_empty() && login.auto {
        return Err(Refusal::SlotTaken);
    }
    if live.len() - replaced.len() - kicked.len() + 1 > login.max_per_account {
        return Err(Refusal::TooManyDevices);
    }
    let staying: Vec<usize> = (0..live.len())
        .filter(|i| !replaced.contains(i) && !kicked.contains(i))
        .collect();
    let mut notices = Vec::new();
    let mut ports = Vec::new();
    for &i in &replaced {
        notices.push((i, Notice::Replaced));
        ports.push(offline(live[i]));
    }
    for &i in &kicked {
        notices.push((i, kicked_by(KickReason::SamePlatformKick, &new, "")));
        ports.push(offline(live[i]));
    }
    ports.push(new.clone());
    push(&mut notices, &staying, ports);
    let mut gone: Vec<usize> = replaced.into_iter().chain(kicked).collect();
    gone.sort_unstable();
    Ok(Admitted {
        change: Change { gone, notices },
        port: new,
        staying,
    })
}

/// The devices for which `leaves` holds leave (logout, close, idle timeout, a dead
/// node) and the others hear they went offline; `None` when none of them is live.
pub fn remove(live: &[&LoginPort], leaves: impl Fn(usize) -> bool) -> Option<Change> {
    let (gone, staying): (Vec<usize>, Vec<usize>) = (0..live.len()).partition(|&i| leaves(i));
    if gone.is_empty() {
        return None;
    }
    let mut notices = Vec::new();
    push(
        &mut notices,
        &staying,
        gone.iter().map(|&i| offline(live[i])).collect(),
    );
    Some(Change { gone, notices })
}

/// The device `kicker` kicks the devices of its own account named in `device_ids`
/// (never itself) with `otherPlatformKick`; `None` when nobody is kicked.
pub fn kick(
    live: &[&LoginPort],
    kicker: usize,
    device_ids: &[String],
    custom: &str,
) -> Option<Change> {
    let from = live.get(kicker)?;
    let (gone, staying): (Vec<usize>, Vec<usize>) =
        (0..live.len()).partition(|&i| i != kicker && device_ids.contains(&live[i].device_id));
    if gone.is_empty() {
        return None;
    }
    let mut notices: Vec<(usize, Notice)> = gone
        .iter()
        .map(|&i| (i, kicked_by(KickReason::OtherPlatformKick, from, custom)))
        .collect();
    push(
        &mut notices,
        &staying,
        gone.iter().map(|&i| offline(live[i])).collect(),
    );
    Some(Change { gone, notices })
}

/// Every device leaves with `serverKick` (block with `needkick`); `None` when the
/// account has none.
pub fn kick_all(live: &[&LoginPort]) -> Option<Change> {
    if live.is_empty() {
        return None;
    }
    let kicked = Kicked {
        reason: KickReason::ServerKick,
        from: None,
        from_device_id: None,
        custom: String::new(),
    };
    Some(Change {
        gone: (0..live.len()).collect(),
        notices: (0..live.len())
            .map(|i| (i, Notice::Kicked(kicked.clone())))
            .collect(),
    })
}

#[cfg(test)]
mod tests;
