//! The state every request and connection shares.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::sync::{mpsc, watch};

use crate::config::Config;
use crate::error::Error;
use crate::limiter::LoginLimiter;
use crate::limits::ConnectionSlots;
use crate::metrics::Metrics;
use crate::origin::AllowedOrigins;
use crate::registry::Registry;
use crate::store::Store;

/// State shared by every request and connection.
pub(crate) struct Shared {
    /// The configuration the server was started with.
    pub config: Config,
    /// The account database.
    pub store: Store,
    /// The live devices, in memory or shared through Redis.
    pub sessions: Registry,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// The total connection limit.
    pub slots: Arc<ConnectionSlots>,
    /// The page origins that may open `/ws`.
    pub origins: AllowedOrigins,
    /// The per-IP and per-account login limits.
    pub limiter: LoginLimiter,
    /// Becomes `true` when the server shuts down.
    pub shutdown: watch::Receiver<bool>,
    /// Connection tasks hold an upgraded copy, so [`run`] knows when all have ended.
    pub tracker: mpsc::WeakSender<()>,
    /// The prefix of this process's connection ids: its start time in ms since the
    /// epoch and four random digits, so that nodes started in the same millisecond
    /// still hand out different ids.
    pub connection_prefix: String,
    next_conn: AtomicU64,
}

impl Shared {
    /// Opens the store and sets up the registries for `config`; `public_url` is
    /// this node's WebSocket URL as listed by `/lbs`.
    pub(crate) async fn new(
        config: Config,
        shutdown: watch::Receiver<bool>,
        tracker: mpsc::WeakSender<()>,
        public_url: String,
    ) -> Result<Shared, Error> {
        let metrics = Arc::new(Metrics::default());
        Ok(Shared {
            store: Store::from_config(&config).await?,
            sessions: Registry::from_config(&config, public_url, Arc::clone(&metrics)).await?,
            metrics,
            slots: ConnectionSlots::new(config.limits.max_connections),
            origins: AllowedOrigins::parse(&config.allow_origins)?,
            limiter: tokio::time::timeout(
                config.cluster.connect_timeout,
                LoginLimiter::new(&config),
            )
            .await
            .map_err(|_| Error::Backend("Redis (--redis) did not answer in time".into()))??,
            shutdown,
            tracker,
            connection_prefix: format!(
                "{}{:04}",
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis()),
                rand::random::<u16>() % 10_000
            ),
            next_conn: AtomicU64::new(0),
            config,
        })
    }

    /// A new registry id for a logged-in connection.
    pub(crate) fn next_connection(&self) -> u64 {
        self.next_conn.fetch_add(1, Ordering::Relaxed) + 1
    }
}
