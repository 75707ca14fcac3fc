//! Deciding a change to one account's live devices from a snapshot of them, with no
//! I/O: what to delete and write in Redis, and what to tell which connection on
//! which node. The same policy rules as one node ([`crate::sessions::displaced`]).
//!
//! A [`Plan`] is applied by the commit script only if the account's version is still
//! the snapshot's; otherwise the caller reads again and decides again. So every
//! decision is made once, against the state it is applied to.

use std::collections::BTreeMap;

use nim_protocol::{
    code, CloseCode, DeviceType, KickReason, Kicked, LoginPort, LoginPortsChange, ServerMessage,
};
use serde::{Deserialize, Serialize};

use crate::config::Policy;
use crate::sessions::{displaced, encode, kicked_by, offline, server_kick};

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
    /// The new device, as the others will see it.
    pub port: LoginPort,
    /// The app's policy.
    pub policy: Policy,
    /// An automatic re-login, which must not kick anyone.
    pub auto: bool,
    /// The account's device limit whatever the policy.
    pub max_per_account: usize,
}

/// Collects deliveries per node while a plan is built.
#[derive(Default)]
struct Outgoing {
    per_node: BTreeMap<String, Vec<Delivery>>,
    pushes: usize,
    kicks: Vec<KickReason>,
}

impl Outgoing {
    fn to(&mut self, device: &DeviceRecord, frame: Option<String>, close: Option<CloseCode>) {
        self.per_node
            .entry(device.node.clone())
            .or_default()
            .push(Delivery {
                conn: device.conn,
                frame,
                close: close.map(|c| c.0),
            });
    }

    fn kicked(&mut self, device: &DeviceRecord, kicked: Kicked) {
        self.kicks.push(kicked.reason);
        let frame = encode(&ServerMessage::Kicked(kicked)).as_str().to_owned();
        self.to(device, Some(frame), Some(CloseCode::KICKED));
    }

    fn push(&mut self, devices: &[DeviceRecord], ports: Vec<LoginPort>) {
        if ports.is_empty() || devices.is_empty() {
            return;
        }
        let frame = encode(&ServerMessage::LoginPorts(LoginPortsChange { ports }));
        for device in devices {
            self.pushes += 1;
            self.to(device, Some(frame.as_str().to_owned()), None);
        }
    }

    fn into_plan(self, mut plan: Plan) -> Plan {
        plan.send = self
            .per_node
            .into_iter()
            .map(|(node, deliveries)| {
                // Plain structs of strings and numbers always encode.
                let json = serde_json::to_string(&deliveries).expect("deliveries encode");
                (node, json)
            })
            .collect();
        plan.pushes = self.pushes;
        plan.kicks = self.kicks;
        plan
    }
}

/// Removes `gone` from the snapshot: the deletes, and the index entries of nodes
/// left with no device of the account.
fn removal(gone: &[&DeviceRecord], staying: &[DeviceRecord]) -> Plan {
    let mut index_del: Vec<String> = gone
        .iter()
        .filter(|g| !staying.iter().any(|s| s.node == g.node))
        .map(|g| g.node.clone())
        .collect();
    index_del.sort();
    index_del.dedup();
    Plan {
        del: gone.iter().map(|d| d.field()).collect(),
        index_del,
        ..Plan::default()
    }
}

/// Decides a login: the plan and the account's other live devices, or the refusal
/// code (417 slot taken by an automatic login, 416 too many devices).
pub fn admit(snapshot: &Snapshot, new: &Arrival) -> Result<(Plan, Vec<LoginPort>), u16> {
    let live = &snapshot.devices;
    let (replaced, others): (Vec<usize>, Vec<usize>) =
        (0..live.len()).partition(|&i| live[i].port.device_id == new.port.device_id);
    let other_types: Vec<DeviceType> = others.iter().map(|&i| live[i].port.device_type).collect();
    let kicked: Vec<usize> = displaced(new.policy, &other_types, new.port.device_type)
        .into_iter()
        .map(|j| others[j])
        .collect();
    if !kicked.is_empty() && new.auto {
        return Err(code::SLOT_TAKEN);
    }
    if live.len() - replaced.len() - kicked.len() + 1 > new.max_per_account {
        return Err(code::RATE_LIMITED);
    }
    let gone: Vec<&DeviceRecord> = replaced.iter().chain(&kicked).map(|&i| &live[i]).collect();
    let staying: Vec<DeviceRecord> = (0..live.len())
        .filter(|i| !replaced.contains(i) && !kicked.contains(i))
        .map(|i| live[i].clone())
        .collect();

    let mut out = Outgoing::default();
    let mut change = Vec::new();
    for &i in &replaced {
        out.to(&live[i], None, Some(CloseCode::REPLACED));
        change.push(offline(&live[i].port));
    }
    for &i in &kicked {
        out.kicked(
            &live[i],
            kicked_by(KickReason::SamePlatformKick, &new.port, ""),
        );
        change.push(offline(&live[i].port));
    }
    change.push(new.port.clone());
    out.push(&staying, change);

    let record = DeviceRecord {
        node: new.node.clone(),
        conn: new.conn,
        seq: snapshot.version + 1,
        port: new.port.clone(),
    };
    let mut plan = removal(&gone, &staying);
    plan.index_del.retain(|node| *node != new.node);
    plan.lease = new.node.clone();
    // Plain structs of strings and numbers always encode.
    let json = serde_json::to_string(&record).expect("records encode");
    plan.put = vec![(record.field(), json)];
    plan.index_add = vec![new.node.clone()];
    let ports = staying.iter().map(|d| d.port.clone()).collect();
    Ok((out.into_plan(plan), ports))
}

/// Removes connection `conn` of `node` (logout, close, idle timeout) and tells the
/// others; `None` when it is not listed (already kicked or replaced).
pub fn remove(snapshot: &Snapshot, node: &str, conn: u64) -> Option<Plan> {
    remove_where(snapshot, |d| d.node == node && d.conn == conn)
}

/// Removes every device of a dead `node` and tells the others; `None` when the
/// account has none.
pub fn remove_node(snapshot: &Snapshot, node: &str) -> Option<Plan> {
    remove_where(snapshot, |d| d.node == node)
}

fn remove_where(snapshot: &Snapshot, gone: impl Fn(&DeviceRecord) -> bool) -> Option<Plan> {
    let (left, staying): (Vec<&DeviceRecord>, Vec<&DeviceRecord>) =
        snapshot.devices.iter().partition(|d| gone(d));
    if left.is_empty() {
        return None;
    }
    let staying: Vec<DeviceRecord> = staying.into_iter().cloned().collect();
    let mut out = Outgoing::default();
    out.push(&staying, left.iter().map(|d| offline(&d.port)).collect());
    Some(out.into_plan(removal(&left, &staying)))
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
    let Some(from) = live.iter().find(|d| d.node == node && d.conn == kicker) else {
        return (None, Vec::new());
    };
    let is_kicker = |d: &DeviceRecord| d.node == node && d.conn == kicker;
    let (gone, staying): (Vec<&DeviceRecord>, Vec<&DeviceRecord>) = live
        .iter()
        .partition(|d| !is_kicker(d) && device_ids.contains(&d.port.device_id));
    if gone.is_empty() {
        return (None, Vec::new());
    }
    let staying: Vec<DeviceRecord> = staying.into_iter().cloned().collect();
    let mut out = Outgoing::default();
    for device in &gone {
        out.kicked(
            device,
            kicked_by(KickReason::OtherPlatformKick, &from.port, custom),
        );
    }
    out.push(&staying, gone.iter().map(|d| offline(&d.port)).collect());
    let ids = gone.iter().map(|d| d.port.device_id.clone()).collect();
    let plan = out.into_plan(removal(&gone, &staying));
    (Some(plan), ids)
}

/// Kicks every device of the account with `serverKick` (block with `needkick`).
pub fn kick_all(snapshot: &Snapshot) -> Option<Plan> {
    if snapshot.devices.is_empty() {
        return None;
    }
    let gone: Vec<&DeviceRecord> = snapshot.devices.iter().collect();
    let mut out = Outgoing::default();
    for device in &gone {
        out.kicked(device, server_kick());
    }
    Some(out.into_plan(removal(&gone, &[])))
}

#[cfg(test)]
mod tests {
    use super::*;

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
            port: port(id, DeviceType::Web),
            policy,
            auto,
            max_per_account: 20,
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
        let (plan, ports) =
            admit(&snapshot, &arrival("b", 9, "tab-2", Policy::Single, false)).unwrap();
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
        let refused = admit(&snapshot, &arrival("b", 2, "tab-2", Policy::Single, true));
        assert_eq!(refused.unwrap_err(), code::SLOT_TAKEN);
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
