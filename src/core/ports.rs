//! The account's other live devices, kept current from `loginOk` and `loginPorts`.

use nim_protocol::LoginPort;

/// The devices of this account that are online now, never this connection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoginPorts {
    online: Vec<LoginPort>,
}

impl LoginPorts {
    /// Starts over from the list in a `loginOk`.
    pub fn replace(&mut self, ports: &[LoginPort]) {
        self.online.clear();
        self.apply(ports);
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

    /// Forgets every device (the session ended, so the list is unknown).
    pub fn clear(&mut self) {
        self.online.clear();
    }

    /// The devices online now.
    pub fn online(&self) -> &[LoginPort] {
        &self.online
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
        ports.replace(&[port("d1", "c1", true)]);
        ports.apply(&[port("d2", "c2", true)]);
        assert_eq!(ports.online().len(), 2);
        ports.apply(&[port("d1", "c1", false)]);
        assert_eq!(ports.online(), &[port("d2", "c2", true)]);
        ports.apply(&[port("d2", "c3", true)]);
        ports.apply(&[port("d2", "c2", false)]);
        assert_eq!(ports.online(), &[port("d2", "c3", true)]);
    }
}
