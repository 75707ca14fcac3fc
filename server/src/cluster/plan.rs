//! Turning a change of one account's live devices, as [`crate::policy`] decides it
//! from a snapshot of them, into what to delete and write in Redis and what to tell
//! which connection on which node. No I/O; the decisions are the policy's, the same
//! code as on one node.
//!
//! A [`Plan`] is applied by the commit script only if the account's version is still
//! the snapshot's; otherwise the caller reads again and decides again. So every
//! decision is made once, against the state it is applied to.

use std::collections::BTreeMap;

use nim_protocol::{KickReason, LoginPort};
use serde::{Deserialize, Serialize};

use crate::outbox::Command;
use crate::policy::{self, Change, Login, Refusal};

/// One live device as stored in the account's Redis hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRecord {
    /// The node that holds its connection.
    pub node: String,
    /// The connection's id on that node.
    pub conn: u64,
    /// The account version that admitted it: login order within the account.
    pub seq: u64,
    /// What the account's other devices are told about it.
    pub port: LoginPort,
}

impl DeviceRecord {
    /// Its field in the account's hash.
    pub fn field(&self) -> String {
        field(&self.node, self.conn)
    }
}

/// The hash field of connection `conn` on `node`.
pub fn field(node: &str, conn: u64) -> String {
    format!("{node}/{conn}")
}

/// An account's live devices at one version, oldest login first.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The account's version (0: no device).
    pub version: u64,
    /// The devices in login order.
    pub devices: Vec<DeviceRecord>,
}

impl Snapshot {
    /// Builds a snapshot from stored records, putting them in login order.
    pub fn new(version: u64, mut devices: Vec<DeviceRecord>) -> Snapshot {
        devices.sort_by_key(|d| d.seq);
        Snapshot { version, devices }
    }
}

/// What a connection is told, as carried to its node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// The connection on the receiving node.
    #[serde(rename = "c")]
    pub conn: u64,
    /// A text frame to send, if any.
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<String>,
    /// Close with this code after the frame, if any.
    #[serde(rename = "x", default, skip_serializing_if = "Option::is_none")]
    pub close: Option<u16>,
}

/// The writes and messages of one decided change, in the commit script's shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// A node whose lease must still be live for the change to apply ("" for none):
    /// a node that lost its lease admits nobody.
    pub lease: String,
    /// Hash fields to delete.
    pub del: Vec<String>,
    /// Hash fields to write, with their JSON records.
    pub put: Vec<(String, String)>,
    /// Nodes that now hold a device of this account (their account index).
    pub index_add: Vec<String>,
    /// Nodes that no longer hold any device of this account.
    pub index_del: Vec<String>,
    /// Per node, a JSON list of [`Delivery`].
    pub send: Vec<(String, String)>,
    /// How many `loginPorts` pushes and which kicks the change sends (for metrics).
    #[serde(skip)]
    pub pushes: usize,
    /// The kicks the change sends (for metrics).
    #[serde(skip)]
    pub kicks: Vec<KickReason>,
}

/// A login asking for a place among the account's devices.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// The deciding node (the new connection's).
    pub node: String,
    /// The new connection's id on it.
    pub conn: u64,
    /// The login as the policy sees it.
    pub login: Login,
}

impl Snapshot {
    fn ports(&self) -> Vec<&LoginPort> {
        self.devices.iter().map(|d| &d.port).collect()
    }

    /// The plan that carries out `change`: the deletes, the index entries of nodes
    /// left with no device of the account, and the deliveries per node.
    fn plan(&self, change: &Change) -> Plan {
        let live = &self.devices;
        let stays =
            |node: &str| (0..live.len()).any(|i| !change.gone.contains(&i) && live[i].node == node);
        let mut index_del: Vec<String> = change
            .gone
            .iter()
            .map(|&i| live[i].node.clone())
            .filter(|node| !stays(node))
            .collect();
        index_del.sort();
        index_del.dedup();
        Plan {
            del: change.gone.iter().map(|&i| live[i].field()).collect(),
            index_del,
            send: self.deliveries(change),
            pushes: change.pushes(),
            kicks: change.kicks().collect(),
            ..Plan::default()
        }
    }

    /// The notices of `change` as JSON lists of [`Delivery`] per node.
    fn deliveries(&self, change: &Change) -> Vec<(String, String)> {
        let mut per_node: BTreeMap<&str, Vec<Delivery>> = BTreeMap::new();
        for (i, notice) in &change.notices {
            let (frame, close) = match Command::from(notice) {
                Command::Send(frame) => (Some(frame), None),
                Command::SendThenClose(frame, code) => (Some(frame), Some(code.0)),
                Command::Close(code) => (None, Some(code.0)),
            };
            let device = &self.devices[*i];
            per_node.entry(&device.node).or_default().push(Delivery {
                conn: device.conn,
                frame: frame.map(|f| f.as_str().to_owned()),
                close,
            });
        }
        per_node
            .into_iter()
            .map(|(node, deliveries)| {
                // Plain structs of strings and numbers always encode.
                let json = serde_json::to_string(&deliveries).expect("deliveries encode");
                (node.to_owned(), json)
            })
            .collect()
    }
}

/// Decides a login at `now`: the plan and the account's other live devices, or the
/// refusal (417 slot taken by an automatic login, 416 too many devices).
pub fn admit(
    snapshot: &Snapshot,
    new: &Arrival,
    now: u64,
) -> Result<(Plan, Vec<LoginPort>), Refusal> {
    let admitted = policy::admit(&snapshot.ports(), &new.login, now)?;
    let record = DeviceRecord {
        node: new.node.clone(),
        conn: new.conn,
        seq: snapshot.version + 1,
        port: admitted.port,
    };
    let mut plan = snapshot.plan(&admitted.change);
    plan.index_del.retain(|node| *node != new.node);
    plan.lease = new.node.clone();
    // Plain structs of strings and numbers always encode.
    let json = serde_json::to_string(&record).expect("records encode");
    plan.put = vec![(record.field(), json)];
    plan.index_add = vec![new.node.clone()];
    let ports = admitted
        .staying
        .iter()
        .map(|&i| snapshot.devices[i].port.clone())
        .collect();
    Ok((plan, ports))
}

/// Removes connection `conn` of `node` (logout, close, idle timeout) and tells the
/// others; `None` when it is not listed (already kicked or replaced).
pub fn remove(snapshot: &Snapshot, node: &str, conn: u64) -> Option<Plan> {
    let live = &snapshot.devices;
    policy::remove(&snapshot.ports(), |i| {
        live[i].node == node && live[i].conn == conn
    })
    .map(|change| snapshot.plan(&change))
}

/// Removes every device of a dead `node` and tells the others; `None` when the
/// account has none.
pub fn remove_node(snapshot: &Snapshot, node: &str) -> Option<Plan> {
    let live = &snapshot.devices;
    policy::remove(&snapshot.ports(), |i| live[i].node == node).map(|change| snapshot.plan(&change))
}

/// The kicker (connection `kicker` on `node`) kicks the devices of its own account
/// named in `device_ids`: the plan (`None` when nobody is kicked) and the ids kicked.
pub fn kick(
    snapshot: &Snapshot,
    node: &str,
    kicker: u64,
    device_ids: &[String],
    custom: &str,
) -> (Option<Plan>, Vec<String>) {
    let live = &snapshot.devices;
    let from = live.iter().position(|d| d.node == node && d.conn == kicker);
    let Some(change) =
        from.and_then(|from| policy::kick(&snapshot.ports(), from, device_ids, custom))
    else {
        return (None, Vec::new());
    };
    let ids = change
        .gone
        .iter()
        .map(|&i| live[i].port.device_id.clone())
        .collect();
    (Some(snapshot.plan(&change)), ids)
}

/// Kicks every device of the account with `serverKick` (block with `needkick`).
pub fn kick_all(snapshot: &Snapshot) -> Option<Plan> {
    policy::kick_all(&snapshot.ports()).map(|change| snapshot.plan(&change))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Policy;
    use nim_protocol::{CloseCode, DeviceType};

    fn port(id: &str, device_type: DeviceType) -> LoginPort {
        LoginPort {
            device_type,
            os: String::new(),
            mac: String::new(),
            device_id: id.into(),
            account: "alice".into(),
            custom_tag: String::new(),
            custom_client_type: 0,
            connection_id: id.into(),
            ip: "127.0.0.1".into(),
            time: 0,
            online: true,
        }
    }

    fn record(node: &str, conn: u64, seq: u64, id: &str) -> DeviceRecord {
        DeviceRecord {
            node: node.into(),
            conn,
            seq,
            port: port(id, DeviceType::Web),
        }
    }

    fn arrival(node: &str, conn: u64, id: &str, policy: Policy, auto: bool) -> Arrival {
        Arrival {
            node: node.into(),
            conn,
            login: Login {
                port: port(id, DeviceType::Web),
                policy,
                auto,
                max_per_account: 20,
            },
        }
    }

    fn deliveries(plan: &Plan, node: &str) -> Vec<Delivery> {
        plan.send
            .iter()
            .find(|(n, _)| n == node)
            .map(|(_, json)| serde_json::from_str(json).unwrap())
            .unwrap_or_default()
    }

    #[test]
    fn a_manual_single_login_kicks_the_device_on_the_other_node() {
        let snapshot = Snapshot::new(7, vec![record("a", 1, 7, "tab-1")]);
        let (plan, ports) = admit(
            &snapshot,
            &arrival("b", 9, "tab-2", Policy::Single, false),
            1,
        )
        .unwrap();
        assert!(ports.is_empty());
        assert_eq!(plan.del, vec!["a/1".to_string()]);
        assert_eq!(plan.put[0].0, "b/9");
        assert_eq!(
            (plan.index_add.clone(), plan.index_del.clone()),
            (vec!["b".into()], vec!["a".into()])
        );
        let to_a = deliveries(&plan, "a");
        assert_eq!(to_a.len(), 1);
        assert_eq!(to_a[0].close, Some(CloseCode::KICKED.0));
        assert!(to_a[0]
            .frame
            .as_deref()
            .unwrap()
            .contains("samePlatformKick"));
        assert_eq!(plan.kicks, vec![KickReason::SamePlatformKick]);
    }

    #[test]
    fn an_automatic_login_that_would_kick_gets_417() {
        let snapshot = Snapshot::new(3, vec![record("a", 1, 3, "tab-1")]);
        let refused = admit(
            &snapshot,
            &arrival("b", 2, "tab-2", Policy::Single, true),
            1,
        );
        assert_eq!(refused.unwrap_err(), Refusal::SlotTaken);
    }

    #[test]
    fn replacement_under_multi_closes_with_4002_and_pushes_off_then_on() {
        let snapshot = Snapshot::new(
            5,
            vec![record("a", 1, 4, "tab-1"), record("c", 3, 5, "tab-9")],
        );
        let (plan, ports) = admit(
            &snapshot,
            &arrival("b", 2, "tab-1", Policy::Multi(10), true),
            1,
        )
        .unwrap();
        assert_eq!(
            ports
                .iter()
                .map(|p| p.device_id.as_str())
                .collect::<Vec<_>>(),
            ["tab-9"]
        );
        assert_eq!(deliveries(&plan, "a")[0].close, Some(CloseCode::REPLACED.0));
        let push = deliveries(&plan, "c")[0].frame.clone().unwrap();
        let off = push.find("\"online\":false").unwrap();
        let on = push.find("\"online\":true").unwrap();
        assert!(off < on, "offline first: {push}");
    }

    #[test]
    fn records_are_put_in_login_order() {
        let snapshot = Snapshot::new(9, vec![record("a", 1, 9, "new"), record("b", 2, 3, "old")]);
        assert_eq!(snapshot.devices[0].port.device_id, "old");
    }

    #[test]
    fn a_dead_node_leaves_and_the_others_are_told() {
        let snapshot = Snapshot::new(
            4,
            vec![record("dead", 1, 2, "tab-1"), record("b", 2, 4, "tab-2")],
        );
        let plan = remove_node(&snapshot, "dead").unwrap();
        assert_eq!(plan.del, vec!["dead/1".to_string()]);
        assert_eq!(plan.pushes, 1);
        assert!(deliveries(&plan, "dead").is_empty());
        assert!(remove_node(&snapshot, "other").is_none());
    }

    #[test]
    fn only_own_account_devices_listed_are_kicked_never_the_kicker() {
        let snapshot = Snapshot::new(
            4,
            vec![record("a", 1, 2, "tab-1"), record("b", 2, 4, "tab-2")],
        );
        let ids = vec!["tab-1".to_string(), "tab-2".to_string(), "x".to_string()];
        let (plan, kicked) = kick(&snapshot, "b", 2, &ids, "bye");
        assert_eq!(kicked, vec!["tab-1".to_string()]);
        assert_eq!(plan.unwrap().kicks, vec![KickReason::OtherPlatformKick]);
        let (plan, kicked) = kick(&snapshot, "b", 99, &ids, "");
        assert!(plan.is_none() && kicked.is_empty());
    }
}
