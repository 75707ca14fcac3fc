//! The session registry: every live device of every account, the app's
//! multi-device policy, kicks, and the `loginPorts` pushes that tell an account's
//! devices about each other.
//!
//! The registry never touches a socket. It holds each device's [`Outbox`], the
//! sending half of a channel that the device's own connection task drains; a kick
//! or a push is a [`Command`] queued there. All changes to one account happen under
//! one lock, so two logins racing for the same slot are decided one after the other.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::ws::Utf8Bytes;

use nim_protocol::{
    CloseCode, DeviceType, KickReason, Kicked, LoginPort, LoginPortsChange, ServerMessage,
};
use tokio::sync::mpsc;

use crate::config::Policy;
use crate::metrics::Metrics;

/// What a connection task is asked to do by someone else.
#[derive(Debug, Clone)]
pub enum Command {
    /// Send this (already encoded) frame.
    Send(Utf8Bytes),
    /// Send this frame, then close with this code.
    SendThenClose(Utf8Bytes, CloseCode),
    /// Close with this code.
    Close(CloseCode),
}

/// The sending half of a connection's command channel.
pub type Outbox = mpsc::UnboundedSender<Command>;

/// Encodes a server message as a JSON text frame.
pub fn encode(msg: &ServerMessage) -> Utf8Bytes {
    // The message types hold only strings, numbers, booleans and lists, which
    // serde_json always encodes.
    serde_json::to_string(msg)
        .expect("server messages always encode")
        .into()
}

/// A live, logged-in device.
#[derive(Debug)]
struct Device {
    /// The connection's registry id (unique for the server's lifetime).
    conn: u64,
    /// What the account's other devices are told about it.
    port: LoginPort,
    /// Where commands for its connection go.
    outbox: Outbox,
}

/// A login asking for a place in the registry.
#[derive(Debug)]
pub struct Admission {
    /// The app's key.
    pub app: String,
    /// The app's device policy.
    pub policy: Policy,
    /// The connection's registry id.
    pub conn: u64,
    /// The new device, as the others will see it (`online: true`).
    pub port: LoginPort,
    /// An automatic re-login, which must not kick anyone.
    pub auto: bool,
    /// The account's device limit whatever the policy.
    pub max_per_account: usize,
    /// The new connection's command channel.
    pub outbox: Outbox,
}

/// The registry's answer to an [`Admission`].
#[derive(Debug, PartialEq, Eq)]
pub enum Admitted {
    /// The device is live; these are the account's other live devices.
    Accepted(Vec<LoginPort>),
    /// Refused with this NIM code (417 slot taken, 416 too many devices).
    Refused(u16),
}

/// Which of an account's live devices a new login of `new_type` displaces under
/// `policy`, as indices into `live` (which is in login order, oldest first).
pub fn displaced(policy: Policy, live: &[DeviceType], new_type: DeviceType) -> Vec<usize> {
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

/// Every live device of every account, keyed by (app key, account).
#[derive(Debug)]
pub struct Sessions {
    accounts: Mutex<HashMap<(String, String), Vec<Device>>>,
    metrics: Arc<Metrics>,
}

/// The entry that tells the other devices this one went offline.
pub(crate) fn offline(port: &LoginPort) -> LoginPort {
    LoginPort {
        online: false,
        ..port.clone()
    }
}

/// The notice to a device that the device `from` displaced (`samePlatformKick`) or
/// kicked (`otherPlatformKick`).
pub(crate) fn kicked_by(reason: KickReason, from: &LoginPort, custom: &str) -> Kicked {
    Kicked {
        reason,
        from: Some(from.device_type),
        from_device_id: Some(from.device_id.clone()),
        custom: custom.to_owned(),
    }
}

/// The notice to every device of an account blocked with `needkick`.
pub(crate) fn server_kick() -> Kicked {
    Kicked {
        reason: KickReason::ServerKick,
        from: None,
        from_device_id: None,
        custom: String::new(),
    }
}

impl Sessions {
    /// An empty registry reporting to `metrics`.
    pub fn new(metrics: Arc<Metrics>) -> Sessions {
        Sessions {
            accounts: Mutex::new(HashMap::new()),
            metrics,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<(String, String), Vec<Device>>> {
        // Every change below is completed before any call that could panic, so a
        // poisoned registry is still consistent.
        self.accounts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Tells each of `devices` that `ports` changed.
    fn push(&self, devices: &[Device], ports: Vec<LoginPort>) {
        if ports.is_empty() || devices.is_empty() {
            return;
        }
        let frame = encode(&ServerMessage::LoginPorts(LoginPortsChange { ports }));
        for device in devices {
            self.metrics.push();
            // A closed channel means that connection is ending; it needs no news.
            let _ = device.outbox.send(Command::Send(frame.clone()));
        }
    }

    fn send_kicked(&self, device: &Device, kicked: Kicked) {
        self.metrics.kick(kicked.reason);
        self.metrics.sessions_changed(-1);
        let frame = encode(&ServerMessage::Kicked(kicked));
        let _ = device
            .outbox
            .send(Command::SendThenClose(frame, CloseCode::KICKED));
    }

    /// Places a logged-in device in the registry under its app's policy, kicking
    /// the devices it displaces and replacing a live connection of the same device.
    pub fn admit(&self, new: Admission) -> Admitted {
        let key = (new.app.clone(), new.port.account.clone());
        let mut accounts = self.lock();
        let live = accounts.entry(key.clone()).or_default();

        let (replaced, others): (Vec<usize>, Vec<usize>) =
            (0..live.len()).partition(|&i| live[i].port.device_id == new.port.device_id);
        let other_types: Vec<DeviceType> =
            others.iter().map(|&i| live[i].port.device_type).collect();
        let kicked: Vec<usize> = displaced(new.policy, &other_types, new.port.device_type)
            .into_iter()
            .map(|j| others[j])
            .collect();
        if !kicked.is_empty() && new.auto {
            if live.is_empty() {
                accounts.remove(&key);
            }
            return Admitted::Refused(nim_protocol::code::SLOT_TAKEN);
        }
        let staying = live.len() - replaced.len() - kicked.len();
        if staying + 1 > new.max_per_account {
            if live.is_empty() {
                accounts.remove(&key);
            }
            return Admitted::Refused(nim_protocol::code::RATE_LIMITED);
        }

        let mut staying = Vec::with_capacity(live.len() + 1);
        let mut replaced_devices = Vec::new();
        let mut kicked_devices = Vec::new();
        for (i, device) in std::mem::take(live).into_iter().enumerate() {
            if replaced.contains(&i) {
                replaced_devices.push(device);
            } else if kicked.contains(&i) {
                kicked_devices.push(device);
            } else {
                staying.push(device);
            }
        }

        let mut change: Vec<LoginPort> = Vec::new();
        for device in &replaced_devices {
            tracing::debug!(account = %new.port.account, device = %new.port.device_id,
                old = device.conn, new = new.conn, "a login replaced a connection of its device");
            self.metrics.sessions_changed(-1);
            let _ = device.outbox.send(Command::Close(CloseCode::REPLACED));
            change.push(offline(&device.port));
        }
        for device in &kicked_devices {
            self.send_kicked(
                device,
                kicked_by(KickReason::SamePlatformKick, &new.port, ""),
            );
            change.push(offline(&device.port));
        }
        change.push(new.port.clone());
        self.push(&staying, change);

        let ports = staying.iter().map(|d| d.port.clone()).collect();
        staying.push(Device {
            conn: new.conn,
            port: new.port,
            outbox: new.outbox,
        });
        *live = staying;
        self.metrics.sessions_changed(1);
        Admitted::Accepted(ports)
    }

    /// Removes a connection that ended (logout, close, idle timeout) and tells the
    /// account's other devices. Does nothing when it was already removed (kicked,
    /// replaced).
    pub fn remove(&self, app: &str, account: &str, conn: u64) {
        let key = (app.to_owned(), account.to_owned());
        let mut accounts = self.lock();
        let Some(live) = accounts.get_mut(&key) else {
            return;
        };
        let Some(pos) = live.iter().position(|d| d.conn == conn) else {
            return;
        };
        let device = live.remove(pos);
        self.metrics.sessions_changed(-1);
        self.push(live, vec![offline(&device.port)]);
        if live.is_empty() {
            accounts.remove(&key);
        }
    }

    /// Kicks the devices of the kicker's own account named in `device_ids`
    /// (never the kicker itself) and returns the ids actually kicked.
    pub fn kick(
        &self,
        app: &str,
        account: &str,
        kicker: u64,
        device_ids: &[String],
        custom: &str,
    ) -> Vec<String> {
        let key = (app.to_owned(), account.to_owned());
        let mut accounts = self.lock();
        let Some(live) = accounts.get_mut(&key) else {
            return Vec::new();
        };
        let Some(from) = live
            .iter()
            .find(|d| d.conn == kicker)
            .map(|d| d.port.clone())
        else {
            return Vec::new();
        };
        let (gone, staying): (Vec<Device>, Vec<Device>) = std::mem::take(live)
            .into_iter()
            .partition(|d| d.conn != kicker && device_ids.contains(&d.port.device_id));
        *live = staying;
        for device in &gone {
            self.send_kicked(
                device,
                kicked_by(KickReason::OtherPlatformKick, &from, custom),
            );
        }
        self.push(live, gone.iter().map(|d| offline(&d.port)).collect());
        gone.into_iter().map(|d| d.port.device_id).collect()
    }

    /// Kicks every device of an account with `serverKick` (block with `needkick`);
    /// returns how many there were.
    pub fn kick_all(&self, app: &str, account: &str) -> usize {
        let key = (app.to_owned(), account.to_owned());
        let gone = self.lock().remove(&key).unwrap_or_default();
        for device in &gone {
            self.send_kicked(device, server_kick());
        }
        gone.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeviceType::*;

    #[test]
    fn single_displaces_everyone() {
        assert_eq!(displaced(Policy::Single, &[Web, Android], Web), vec![0, 1]);
        assert!(displaced(Policy::Single, &[], Web).is_empty());
    }

    #[test]
    fn desktop_mobile_displaces_the_same_class_only() {
        let live = [Web, Android, Server];
        assert_eq!(displaced(Policy::DesktopMobile, &live, Pc), vec![0]);
        assert_eq!(displaced(Policy::DesktopMobile, &live, Ios), vec![1]);
        assert_eq!(displaced(Policy::DesktopMobile, &live, Server), vec![2]);
    }

    #[test]
    fn multi_displaces_the_oldest_beyond_the_limit() {
        assert!(displaced(Policy::Multi(3), &[Web, Web], Web).is_empty());
        assert_eq!(displaced(Policy::Multi(3), &[Web, Web, Web], Web), vec![0]);
        assert_eq!(
            displaced(Policy::Multi(2), &[Web, Web, Web], Web),
            vec![0, 1]
        );
    }
}
