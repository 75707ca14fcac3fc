//! Where live devices are kept: in this process ([`Sessions`], one node) or in
//! Redis across nodes ([`Cluster`], with `--redis`). Connection tasks, logins and
//! the server API see one interface.

use nim_protocol::LoginPort;

use crate::cluster::Cluster;
use crate::error::Error;
use crate::policy::Refusal;
use crate::sessions::{Admission, Sessions};

/// The session registry the server was configured with.
pub(crate) enum Registry {
    /// One node: every device in memory.
    Local(Sessions),
    /// Several nodes sharing devices through Redis.
    Cluster(Cluster),
}

impl Registry {
    /// In memory, or joined to the cluster when `config` names Redis.
    pub async fn from_config(
        config: &crate::config::Config,
        public_url: String,
        metrics: std::sync::Arc<crate::metrics::Metrics>,
    ) -> Result<Registry, Error> {
        match &config.redis {
            None => Ok(Registry::Local(Sessions::new(metrics))),
            Some(url) => Ok(Registry::Cluster(
                Cluster::join(config, url, public_url, metrics).await?,
            )),
        }
    }

    /// Places a logged-in device under its app's policy at `now` (see
    /// [`Sessions::admit`]): the account's other live devices, or the refusal.
    pub async fn admit(
        &self,
        new: Admission,
        now: u64,
    ) -> Result<Result<Vec<LoginPort>, Refusal>, Error> {
        match self {
            Registry::Local(sessions) => Ok(sessions.admit(new, now)),
            Registry::Cluster(cluster) => cluster.admit(new, now).await,
        }
    }

    /// Removes a connection that ended and tells the others; failures are logged,
    /// since the connection is gone either way.
    pub async fn remove(&self, app: &str, account: &str, conn: u64) {
        match self {
            Registry::Local(sessions) => sessions.remove(app, account, conn),
            Registry::Cluster(cluster) => {
                if let Err(err) = cluster.remove(app, account, conn).await {
                    tracing::warn!(error = %err, %app, %account,
                        "removing a device failed; it is listed until its node's lease ends");
                }
            }
        }
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
        match self {
            Registry::Local(sessions) => {
                Ok(sessions.kick(app, account, kicker, device_ids, custom))
            }
            Registry::Cluster(cluster) => {
                cluster.kick(app, account, kicker, device_ids, custom).await
            }
        }
    }

    /// Kicks every device of an account with `serverKick`; returns how many.
    pub async fn kick_all(&self, app: &str, account: &str) -> Result<usize, Error> {
        match self {
            Registry::Local(sessions) => Ok(sessions.kick_all(app, account)),
            Registry::Cluster(cluster) => cluster.kick_all(app, account).await,
        }
    }

    /// The WebSocket URLs of the live nodes, or `None` on one node.
    pub async fn links(&self) -> Result<Option<Vec<String>>, Error> {
        match self {
            Registry::Local(_) => Ok(None),
            Registry::Cluster(cluster) => cluster.links().await.map(Some),
        }
    }

    /// Whether the live devices can be reached within `limit`: Redis answers a
    /// `PING` (always on one node, where they are in this process).
    pub async fn reachable(&self, limit: std::time::Duration) -> bool {
        match self {
            Registry::Local(_) => true,
            Registry::Cluster(cluster) => cluster.ping(limit).await,
        }
    }

    /// Leaves the cluster after a graceful shutdown (nothing on one node).
    pub async fn leave(&self) {
        if let Registry::Cluster(cluster) = self {
            cluster.leave().await;
        }
    }
}
