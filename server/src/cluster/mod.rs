//! Several nodes sharing live devices through Redis (`--redis redis://…`).
//!
//! Each account's live devices are one Redis hash, changed only by the
//! [`scripts::commit`] script, which applies a [`plan::Plan`] only if the account
//! is still at the version the plan was decided on (optimistic concurrency: read,
//! decide with the one policy of every backend ([`crate::policy`]), commit, read
//! again on a conflict). So a single-device slot is given once, whichever nodes race
//! for it.
//!
//! The same script appends what each affected connection must be told (pushes,
//! kicks, closes) to the inbox stream of the node holding it, in commit order; each
//! node reads its own inbox ([`Node::read_inbox`]) and hands the deliveries to its
//! connection tasks. Nothing is sent directly, even to local connections, so every
//! device sees the account's changes in the order they were decided.
//!
//! Nodes hold leases in Redis ([`Node::keep_lease`]). A node whose lease expires
//! (it died, or lost Redis for longer than the lease) is swept by any live node
//! ([`Node::sweep`]): its devices are removed and the others told, at most
//! `node_lease + sweep_interval` after its last renewal. A node never renews an
//! expired lease: it closes its connections with 1012 and rejoins under a new id,
//! and a restarted node always starts under a new id, so old sessions never return.
//! A lease is lost when Redis restarts empty (the lease is gone) or stays
//! unreachable for longer than the lease; the closed pages log in again, which is
//! how their devices are registered anew once Redis answers.
//!
//! A removal that fails while Redis does not answer is kept ([`Node::unremoved`])
//! and retried after each lease renewal, so a device that left during a short
//! outage is not listed for ever. Nothing else waits in this process for Redis:
//! pushes wait in the inbox streams, which are capped.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use nim_protocol::{CloseCode, LoginPort};
use rand::seq::SliceRandom;
use rand::Rng;
use redis::aio::{ConnectionManager, ConnectionManagerConfig, MultiplexedConnection};
use redis::streams::{StreamReadOptions, StreamReadReply};
use redis::{AsyncCommands, AsyncConnectionConfig};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use tokio::task::AbortHandle;
use tokio::time::Instant;
use tracing::{error, info, warn};

use crate::error::Error;
use crate::metrics::Metrics;
use crate::outbox::{Command, Outbox};
use crate::policy::Refusal;
use crate::sessions::Admission;

pub mod plan;
mod scripts;

use plan::{Arrival, Delivery, DeviceRecord, Plan, Snapshot};

/// Changes of one account retried this often on version conflicts before giving up.
const MAX_ATTEMPTS: usize = 64;
/// The longest wait for one answer of Redis: a Redis that does not answer fails
/// the call (a login gets 500) instead of holding it while the connection retries.
pub(crate) const REDIS_WAIT: Duration = Duration::from_secs(2);
/// How long a node waits for its inbox before asking again.
const INBOX_BLOCK_MS: usize = 1000;

/// What the commit script answered.
enum Committed {
    Applied,
    Conflict,
    LeaseLost,
}

/// A node's `/lbs` entry.
#[derive(Debug, Serialize, Deserialize)]
struct NodeInfo {
    url: String,
    load: usize,
}

/// The length-prefixed, unambiguous key part of an account.
fn account_suffix(app: &str, account: &str) -> String {
    format!("{}:{app}:{account}", app.len())
}

fn new_node_id() -> String {
    format!("{:016x}", rand::thread_rng().gen::<u64>())
}

/// This node's part of the cluster, shared by its background tasks.
pub(crate) struct Node {
    redis: ConnectionManager,
    client: redis::Client,
    prefix: String,
    /// The current node id; a new one after a lost lease.
    id: RwLock<String>,
    public_url: String,
    lease: Duration,
    sweep_interval: Duration,
    /// This node's logged-in connections.
    local: Mutex<HashMap<u64, Outbox>>,
    metrics: Arc<Metrics>,
    commit: redis::Script,
    /// Removals that failed: (account suffix, node id, connection), retried after
    /// the next lease renewal. At most one per connection that ended.
    unremoved: Mutex<Vec<(String, String, u64)>>,
}

/// A node of a cluster; dropping it stops its background tasks.
pub(crate) struct Cluster {
    node: Arc<Node>,
    tasks: Vec<AbortHandle>,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Cluster {
    /// Connects to Redis, registers a new node that pages reach at `public_url`,
    /// and starts its lease, sweep and inbox tasks.
    pub async fn join(
        settings: &Config,
        redis_url: &str,
        public_url: String,
        metrics: Arc<Metrics>,
    ) -> Result<Cluster, Error> {
        let client = redis::Client::open(redis_url)?;
        let config = manager_config();
        let redis = tokio::time::timeout(
            settings.cluster.connect_timeout,
            client.get_connection_manager_with_config(config),
        )
        .await
        .map_err(|_| unreachable_at_start(settings))??;
        let node = Arc::new(Node {
            redis,
            client,
            prefix: settings.redis_prefix.clone(),
            id: RwLock::new(new_node_id()),
            public_url,
            lease: settings.cluster.node_lease,
            sweep_interval: settings.cluster.sweep_interval,
            local: Mutex::new(HashMap::new()),
            metrics,
            commit: scripts::commit(),
            unremoved: Mutex::new(Vec::new()),
        });
        tokio::time::timeout(settings.cluster.connect_timeout, node.register())
            .await
            .map_err(|_| unreachable_at_start(settings))??;
        info!(node = %node.id(), url = %node.public_url, "joined the cluster");
        let tasks = vec![
            tokio::spawn(Arc::clone(&node).keep_lease()).abort_handle(),
            tokio::spawn(Arc::clone(&node).sweep()).abort_handle(),
            tokio::spawn(Arc::clone(&node).read_inbox()).abort_handle(),
        ];
        Ok(Cluster { node, tasks })
    }

    /// Places a logged-in device among its account's devices on every node, as the
    /// policy decides at `now`; answers with the account's other live devices.
    pub async fn admit(
        &self,
        new: Admission,
        now: u64,
    ) -> Result<Result<Vec<LoginPort>, Refusal>, Error> {
        let node = &self.node;
        // Counted while in the map, so the gauge matches it whatever races a lost
        // lease brings.
        node.local_map().insert(new.conn, new.outbox);
        node.metrics.sessions_changed(1);
        let suffix = account_suffix(&new.app, &new.login.port.account);
        let arrival = Arrival {
            node: node.id(),
            conn: new.conn,
            login: new.login,
        };
        let result = node
            .update(&suffix, |snapshot| {
                match plan::admit(snapshot, &arrival, now) {
                    Ok((plan, ports)) => (Some(plan), Ok(ports)),
                    Err(refusal) => (None, Err(refusal)),
                }
            })
            .await;
        if result.as_ref().map_or(true, |placed| placed.is_err())
            && node.local_map().remove(&new.conn).is_some()
        {
            node.metrics.sessions_changed(-1);
        }
        if result.is_err() {
            // The commit may have been applied before its answer was lost.
            node.keep_unremoved(suffix, arrival.node, new.conn);
        }
        result
    }

    /// Removes a connection that ended and tells the account's other devices.
    pub async fn remove(&self, app: &str, account: &str, conn: u64) -> Result<(), Error> {
        let node = &self.node;
        if node.local_map().remove(&conn).is_none() {
            // Removed already, or closed after a lost lease: the devices of that
            // node id are swept with it, and Redis may not answer now anyway.
            return Ok(());
        }
        node.metrics.sessions_changed(-1);
        let id = node.id();
        let suffix = account_suffix(app, account);
        let removed = node.remove_device(&suffix, &id, conn).await;
        if removed.is_err() {
            node.keep_unremoved(suffix, id, conn);
        }
        removed
    }

    /// Whether Redis answers a `PING` within `limit`.
    pub async fn ping(&self, limit: Duration) -> bool {
        let mut redis = self.node.redis.clone();
        let command = redis::cmd("PING");
        let ping = command.query_async::<String>(&mut redis);
        matches!(tokio::time::timeout(limit, ping).await, Ok(Ok(_)))
    }

    /// Kicks devices of the kicker's own account; returns the ids kicked.
    pub async fn kick(
        &self,
        app: &str,
        account: &str,
        kicker: u64,
        device_ids: &[String],
        custom: &str,
    ) -> Result<Vec<String>, Error> {
        let id = self.node.id();
        self.node
            .update(&account_suffix(app, account), |snapshot| {
                plan::kick(snapshot, &id, kicker, device_ids, custom)
            })
            .await
    }

    /// Kicks every device of an account with `serverKick`; returns how many.
    pub async fn kick_all(&self, app: &str, account: &str) -> Result<usize, Error> {
        self.node
            .update(&account_suffix(app, account), |snapshot| {
                (plan::kick_all(snapshot), snapshot.devices.len())
            })
            .await
    }

    /// The WebSocket URLs of the live nodes, least loaded first.
    pub async fn links(&self) -> Result<Vec<String>, Error> {
        let mut redis = self.node.redis.clone();
        let script = scripts::live_nodes();
        let mut call = script.key(self.node.key("nodes"));
        call.key(self.node.key("node-info"));
        let infos: Vec<String> =
            bounded(async { Ok(call.invoke_async(&mut redis).await?) }).await?;
        let mut nodes: Vec<NodeInfo> = infos
            .iter()
            .filter_map(|info| serde_json::from_str(info).ok())
            .collect();
        nodes.shuffle(&mut rand::thread_rng());
        nodes.sort_by_key(|n| n.load);
        Ok(nodes.into_iter().map(|n| n.url).collect())
    }

    /// Leaves the cluster after a graceful shutdown: removes whatever is left of
    /// this node's devices and its lease, so no one waits for it to expire.
    pub async fn leave(&self) {
        let id = self.node.id();
        if let Err(err) = self.node.clean_up(&id).await {
            warn!(error = %err, "leaving the cluster failed; the lease will expire");
        }
    }
}

/// How this node's shared Redis connections reconnect: every half second at most
/// (the library's default backoff waits up to a minute, far longer than a node
/// lease, so a Redis back after a restart would stay unused).
pub(crate) fn manager_config() -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_response_timeout(REDIS_WAIT)
        .set_connection_timeout(REDIS_WAIT)
        .set_factor(2)
        .set_max_delay(500)
}

/// `call`'s outcome, or an error when Redis gives no answer within [`REDIS_WAIT`].
async fn bounded<T>(call: impl std::future::Future<Output = Result<T, Error>>) -> Result<T, Error> {
    tokio::time::timeout(REDIS_WAIT, call)
        .await
        .unwrap_or_else(|_| Err(Error::Backend("redis: no answer in time".into())))
}

/// The error of a Redis that did not answer in time at start.
fn unreachable_at_start(settings: &Config) -> Error {
    Error::Backend(format!(
        "Redis (--redis) did not answer within {} ms",
        settings.cluster.connect_timeout.as_millis()
    ))
}

impl Node {
    fn id(&self) -> String {
        // Only a String lives behind this lock; a poisoned one is still usable.
        self.id.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn local_map(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Outbox>> {
        // Only channel handles live behind this lock; a poisoned one is still usable.
        self.local.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn key(&self, name: &str) -> String {
        format!("{}:{name}", self.prefix)
    }

    fn info(&self) -> String {
        let info = NodeInfo {
            url: self.public_url.clone(),
            load: self.local_map().len(),
        };
        // A struct of a string and a number always encodes.
        serde_json::to_string(&info).expect("node info encodes")
    }

    /// Takes or renews the lease; `Ok(false)` when a renewal came too late.
    async fn lease_call(&self, register: bool) -> Result<bool, Error> {
        let mut redis = self.redis.clone();
        let renewed: i64 = scripts::lease()
            .key(self.key("nodes"))
            .key(self.key("node-info"))
            .arg(self.id())
            .arg(self.lease.as_millis() as u64)
            .arg(self.info())
            .arg(if register { "1" } else { "0" })
            .invoke_async(&mut redis)
            .await?;
        Ok(renewed == 1)
    }

    async fn register(&self) -> Result<(), Error> {
        self.lease_call(true).await.map(|_| ())
    }

    /// Renews the lease every third of its length. When it was lost, every local
    /// connection is closed with 1012 (their devices may already be swept) and the
    /// node rejoins under a new id.
    async fn keep_lease(self: Arc<Self>) {
        let every = self.lease / 3;
        let mut renewed_at = Instant::now();
        loop {
            tokio::time::sleep(every).await;
            // A stalled Redis must not hold up noticing that the lease ran out.
            let renewal = tokio::time::timeout(every, self.lease_call(false)).await;
            let lost = match renewal {
                Ok(Ok(true)) => {
                    renewed_at = Instant::now();
                    self.retry_unremoved().await;
                    false
                }
                Ok(Ok(false)) => true,
                Ok(Err(err)) => {
                    warn!(error = %err, "renewing the node lease failed");
                    renewed_at.elapsed() >= self.lease
                }
                Err(_) => {
                    warn!("renewing the node lease timed out");
                    renewed_at.elapsed() >= self.lease
                }
            };
            if lost {
                self.rejoin().await;
                renewed_at = Instant::now();
            }
        }
    }

    /// Removes one device of this node from its account, telling the others.
    async fn remove_device(&self, suffix: &str, node: &str, conn: u64) -> Result<(), Error> {
        self.update(suffix, |snapshot| (plan::remove(snapshot, node, conn), ()))
            .await
    }

    fn keep_unremoved(&self, suffix: String, node: String, conn: u64) {
        let mut unremoved = self.unremoved.lock().unwrap_or_else(|p| p.into_inner());
        unremoved.push((suffix, node, conn));
    }

    /// Retries the removals that failed, keeping those that fail again. Removals
    /// under an id this node no longer holds are dropped: that id's devices are
    /// swept with it.
    async fn retry_unremoved(&self) {
        let pending =
            std::mem::take(&mut *self.unremoved.lock().unwrap_or_else(|p| p.into_inner()));
        let id = self.id();
        for (suffix, node, conn) in pending {
            if node != id {
                continue;
            }
            if let Err(err) = self.remove_device(&suffix, &node, conn).await {
                warn!(error = %err, "removing a device failed again; retrying later");
                self.keep_unremoved(suffix, node, conn);
            }
        }
    }

    async fn rejoin(&self) {
        let old = self.id();
        let closed: Vec<Outbox> = self.local_map().drain().map(|(_, o)| o).collect();
        error!(node = %old, connections = closed.len(),
               "node lease lost: closing every connection with 1012 and rejoining");
        for outbox in closed {
            self.metrics.sessions_changed(-1);
            outbox.send(Command::Close(CloseCode::SERVICE_RESTART));
        }
        *self.id.write().unwrap_or_else(|p| p.into_inner()) = new_node_id();
        loop {
            match bounded(self.register()).await {
                Ok(()) => return,
                Err(err) => {
                    warn!(error = %err, "rejoining the cluster failed");
                    tokio::time::sleep(self.lease / 3).await;
                }
            }
        }
    }

    /// Sweeps expired nodes, forever.
    async fn sweep(self: Arc<Self>) {
        loop {
            tokio::time::sleep(self.sweep_interval).await;
            let mut redis = self.redis.clone();
            let script = scripts::dead_nodes();
            let call = script.key(self.key("nodes"));
            let dead: Result<Vec<String>, _> =
                bounded(async { Ok(call.invoke_async(&mut redis).await?) }).await;
            match dead {
                Ok(dead) => {
                    for node in dead {
                        info!(dead = %node, "sweeping an expired node");
                        if let Err(err) = self.clean_up(&node).await {
                            warn!(error = %err, dead = %node, "sweeping failed; retrying");
                        }
                    }
                }
                Err(err) => warn!(error = %err, "looking for expired nodes failed"),
            }
        }
    }

    /// Removes every device of `node` (telling the others), then the node itself.
    /// Idempotent: several nodes may sweep the same dead node at once, and each
    /// removal is decided once.
    async fn clean_up(&self, node: &str) -> Result<(), Error> {
        let mut redis = self.redis.clone();
        let index = self.key(&format!("node:{node}:accounts"));
        let accounts: Vec<String> = bounded(async { Ok(redis.smembers(&index).await?) }).await?;
        for suffix in accounts {
            self.update(&suffix, |snapshot| (plan::remove_node(snapshot, node), ()))
                .await?;
        }
        let mut pipe = redis::pipe();
        pipe.atomic()
            .del(&index)
            .del(self.key(&format!("inbox:{node}")))
            .hdel(self.key("node-info"), node)
            .zrem(self.key("nodes"), node);
        bounded(async { Ok(pipe.query_async::<()>(&mut redis).await?) }).await
    }

    async fn snapshot(&self, suffix: &str) -> Result<Snapshot, Error> {
        let mut redis = self.redis.clone();
        let (version, devices): (Option<u64>, HashMap<String, String>) = redis::pipe()
            .atomic()
            .get(self.key(&format!("ver:{suffix}")))
            .hgetall(self.key(&format!("acct:{suffix}")))
            .query_async(&mut redis)
            .await?;
        let devices = devices
            .values()
            .filter_map(|json| match serde_json::from_str::<DeviceRecord>(json) {
                Ok(record) => Some(record),
                Err(err) => {
                    warn!(error = %err, "skipping an unreadable device record");
                    None
                }
            })
            .collect();
        Ok(Snapshot::new(version.unwrap_or(0), devices))
    }

    async fn commit(&self, suffix: &str, version: u64, plan: &Plan) -> Result<Committed, Error> {
        let mut redis = self.redis.clone();
        // Plain structs of strings always encode.
        let json = serde_json::to_string(plan).expect("plans encode");
        let answer: i64 = self
            .commit
            .key(self.key(&format!("ver:{suffix}")))
            .key(self.key(&format!("acct:{suffix}")))
            .key(self.key("nodes"))
            .arg(version)
            .arg(&self.prefix)
            .arg(suffix)
            .arg(json)
            .invoke_async(&mut redis)
            .await?;
        Ok(match answer {
            -1 => Committed::Conflict,
            -2 => Committed::LeaseLost,
            _ => Committed::Applied,
        })
    }

    /// Reads the account, decides, and commits, until the decision was made on
    /// the state it applies to.
    async fn update<T>(
        &self,
        suffix: &str,
        mut decide: impl FnMut(&Snapshot) -> (Option<Plan>, T),
    ) -> Result<T, Error> {
        for attempt in 0..MAX_ATTEMPTS {
            let snapshot = bounded(self.snapshot(suffix)).await?;
            let (plan, outcome) = decide(&snapshot);
            let Some(plan) = plan else {
                return Ok(outcome);
            };
            match bounded(self.commit(suffix, snapshot.version, &plan)).await? {
                Committed::Applied => {
                    for reason in &plan.kicks {
                        self.metrics.kick(*reason);
                    }
                    self.metrics.pushes(plan.pushes);
                    return Ok(outcome);
                }
                Committed::LeaseLost => {
                    return Err(Error::Backend("this node's lease has expired".into()))
                }
                Committed::Conflict => {
                    if attempt >= 2 {
                        let jitter = rand::thread_rng().gen_range(0..=attempt as u64);
                        tokio::time::sleep(Duration::from_millis(jitter)).await;
                    }
                }
            }
        }
        Err(Error::Backend(format!(
            "account changed {MAX_ATTEMPTS} times while deciding"
        )))
    }

    /// Hands one delivery to its local connection, if it is still here.
    fn deliver(&self, delivery: Delivery) {
        let command = match (delivery.frame, delivery.close) {
            (Some(frame), Some(code)) => Command::SendThenClose(frame.into(), CloseCode(code)),
            (Some(frame), None) => Command::Send(frame.into()),
            (None, Some(code)) => Command::Close(CloseCode(code)),
            (None, None) => return,
        };
        if let Some(outbox) = self.local_map().get(&delivery.conn) {
            outbox.send(command);
        }
    }

    /// Reads this node's inbox stream in order, forever, on a connection of its own
    /// (a blocking read would hold up other commands on a shared one).
    async fn read_inbox(self: Arc<Self>) {
        let mut reader: Option<MultiplexedConnection> = None;
        let mut reading = String::new();
        let mut last = "0-0".to_owned();
        loop {
            let id = self.id();
            if id != reading {
                reading = id;
                last = "0-0".to_owned();
            }
            let conn = match reader.as_mut() {
                Some(conn) => conn,
                None => match self.inbox_reader().await {
                    Some(conn) => reader.insert(conn),
                    None => continue,
                },
            };
            let options = StreamReadOptions::default()
                .block(INBOX_BLOCK_MS)
                .count(256);
            let inbox = self.key(&format!("inbox:{reading}"));
            let reply: Result<Option<StreamReadReply>, _> =
                conn.xread_options(&[&inbox], &[&last], &options).await;
            match reply {
                Ok(Some(reply)) => {
                    for entry in reply.keys.into_iter().flat_map(|k| k.ids) {
                        last = entry.id.clone();
                        self.deliver_entry(entry.get::<String>("d"));
                    }
                }
                Ok(None) => {}
                Err(err) => {
                    warn!(error = %err, "reading the inbox failed; reconnecting");
                    reader = None;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
    }

    /// A connection of the inbox reader's own; `None` (after a pause) when Redis
    /// cannot be reached.
    async fn inbox_reader(&self) -> Option<MultiplexedConnection> {
        let config = AsyncConnectionConfig::new()
            .set_response_timeout(Duration::from_millis(INBOX_BLOCK_MS as u64 + 5000))
            .set_connection_timeout(Duration::from_secs(2));
        match self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await
        {
            Ok(conn) => Some(conn),
            Err(err) => {
                warn!(error = %err, "connecting the inbox reader failed");
                tokio::time::sleep(Duration::from_millis(200)).await;
                None
            }
        }
    }

    /// Hands the deliveries of one inbox entry (a JSON list) to their connections.
    fn deliver_entry(&self, json: Option<String>) {
        let Some(json) = json else {
            return;
        };
        match serde_json::from_str::<Vec<Delivery>>(&json) {
            Ok(deliveries) => {
                let started = std::time::Instant::now();
                deliveries.into_iter().for_each(|d| self.deliver(d));
                self.metrics.push_fanout(started.elapsed());
            }
            Err(err) => warn!(error = %err, "skipping an unreadable delivery"),
        }
    }
}
