//! The account's other live devices, kept current from `loginOk` and `loginPorts`.

use nim_protocol::LoginPort;

/// The devices of this account that are online now, never this connection, and
/// what was last reported of them while no session is live.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoginPorts {
    /// The devices reported online and not reported offline since.
    online: Vec<LoginPort>,
    /// Whether a session is live, so that `online` is current.
    live: bool,
}

impl LoginPorts {
    /// Starts over from the full list in a `loginOk`; gives what to report: each
    /// device reported before that left meanwhile, once with `online: false`, then
    /// the whole list (so a page that cleared its list when the session was lost
    /// gets it back).
    pub fn replace(&mut self, mut ports: Vec<LoginPort>) -> Vec<LoginPort> {
        let mut changes = std::mem::replace(&mut self.online, ports.clone());
        changes.retain_mut(|p| {
            p.online = false;
            !ports.iter().any(|n| n.connection_id == p.connection_id)
        });
        changes.append(&mut ports);
        self.live = true;
        changes
    }

    /// Applies a change: `online: true` adds or refreshes, `online: false` removes.
    pub fn apply(&mut self, changes: &[LoginPort]) {
        for port in changes {
            // That connection leaves either way. A device that comes online replaces
            // its older connection too; one that only went offline may already be
            // back on a new connection, which stays.
            self.online.retain(|p| {
                p.connection_id != port.connection_id
                    && !(port.online && p.device_id == port.device_id)
            });
            if port.online {
                self.online.push(port.clone());
            }
        }
    }

    /// The session ended, so nothing is known online; what was reported is kept,
    /// for the next [`LoginPorts::replace`] to reconcile.
    pub fn clear(&mut self) {
        self.live = false;
    }

    /// The devices online now.
    pub fn online(&self) -> &[LoginPort] {
        if self.live {
            &self.online
        } else {
            &[]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nim_protocol::DeviceType;

    fn port(device: &str, connection: &str, online: bool) -> LoginPort {
        LoginPort {
            device_type: DeviceType::Web,
            os: String::new(),
            mac: String::new(),
            device_id: device.into(),
            account: "a".into(),
            custom_tag: String::new(),
            custom_client_type: 0,
            connection_id: connection.into(),
            ip: String::new(),
            time: 1,
            online,
        }
    }

    #[test]
    fn devices_come_and_go() {
        let mut ports = LoginPorts::default();
        let _ = ports.replace(vec![port("d1", "c1", true)]);
        ports.apply(&[port("d2", "c2", true)]);
        assert_eq!(ports.online().len(), 2);
        ports.apply(&[port("d1", "c1", false)]);
        assert_eq!(ports.online(), &[port("d2", "c2", true)]);
        ports.apply(&[port("d2", "c3", true)]);
        ports.apply(&[port("d2", "c2", false)]);
        assert_eq!(ports.online(), &[port("d2", "c3", true)]);
    }

    #[test]
    fn a_new_login_reports_what_changed_while_away() {
        let mut ports = LoginPorts::default();
        let first = [port("d1", "c1", true), port("d2", "c2", true)];
        assert_eq!(ports.replace(first.to_vec()), first);
        ports.clear();
        assert_eq!(ports.online(), &[]);
        let now = [port("d2", "c2", true), port("d3", "c3", true)];
        let changes = ports.replace(now.to_vec());
        assert_eq!(
            changes,
            [port("d1", "c1", false), now[0].clone(), now[1].clone()]
        );
        ports.clear();
        let gone = [port("d2", "c2", false), port("d3", "c3", false)];
        assert_eq!(ports.replace(Vec::new()), gone);
        assert_eq!(ports.replace(Vec::new()), []);
    }
}
