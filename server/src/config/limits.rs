//! Limits and timeouts (`[limits]`) and the cluster's failure-detection timing
//! (`[cluster]`): every field with its default, durations in the unit their key
//! names.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Durations given in ms in the config file.
mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }

    pub fn serialize<S: Serializer>(value: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(value.as_millis() as u64)
    }
}

/// Durations given in seconds in the config file.
mod secs {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_secs)
    }

    pub fn serialize<S: Serializer>(value: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(value.as_secs())
    }
}

/// Limits and timeouts, the `[limits]` table of the config file (durations in the
/// unit their key names). Every field has a production default; tests shorten them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// A connection that has not sent `login` by then is closed with 4008.
    #[serde(rename = "login_timeout_ms", with = "millis")]
    pub login_timeout: Duration,
    /// The lower bound of the idle timeout after login.
    #[serde(rename = "idle_timeout_min_ms", with = "millis")]
    pub idle_timeout_min: Duration,
    /// The upper bound of the idle timeout after login.
    #[serde(rename = "idle_timeout_max_ms", with = "millis")]
    pub idle_timeout_max: Duration,
    /// Open WebSocket connections in all, logged in or not; more are closed with 1013.
    pub max_connections: usize,
    /// Live devices of one account, whatever the policy; more get `loginFailed` 416.
    pub max_connections_per_account: usize,
    /// `login` messages one IP address may send per [`Limits::login_attempt_window`].
    pub login_attempts_per_ip: u32,
    /// The window over which login attempts are counted.
    #[serde(rename = "login_attempt_window_ms", with = "millis")]
    pub login_attempt_window: Duration,
    /// Refused tokens (302) one account may collect per [`Limits::login_attempt_window`]
    /// before its logins get 416 whatever the address (see `login_failures`).
    pub login_failures_per_account: u32,
    /// How far a server API `CurTime` may be from the server's clock.
    #[serde(rename = "curtime_skew_secs", with = "secs")]
    pub curtime_skew: Duration,
    /// How long a closing connection waits for the peer's close frame.
    #[serde(rename = "close_grace_ms", with = "millis")]
    pub close_grace: Duration,
    /// How long the device of a client that went away on its own (no logout, no
    /// close of the server's) stays listed: a login of the same device id within
    /// it replaces it with one push to the other devices (a page reload, a shared
    /// worker's restart); after it, the other devices hear it went offline. 0 tells
    /// them at once.
    #[serde(rename = "reconnect_grace_ms", with = "millis")]
    pub reconnect_grace: Duration,
    /// Commands (pushes, kicks) queued for one connection that its client has not
    /// read yet; one more closes the connection with 4009 (`outbox`).
    pub outbox_capacity: usize,
    /// An HTTP connection must send a whole request head within this, also between
    /// keep-alive requests (so an idle connection is closed) and for the WebSocket
    /// upgrade request; otherwise it is closed.
    #[serde(rename = "http_header_timeout_ms", with = "millis")]
    pub http_header_timeout: Duration,
    /// A request body must be read whole within this; otherwise the request fails
    /// and the connection is closed.
    #[serde(rename = "http_body_timeout_ms", with = "millis")]
    pub http_body_timeout: Duration,
    /// Connections one IP address may hold before they become WebSockets (counted
    /// from accept); more are closed at once.
    pub max_http_connections_per_ip: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            login_timeout: Duration::from_secs(5),
            idle_timeout_min: Duration::from_millis(15_000),
            idle_timeout_max: Duration::from_millis(130_000),
            max_connections: 10_000,
            max_connections_per_account: 20,
            login_attempts_per_ip: 60,
            login_attempt_window: Duration::from_secs(60),
            login_failures_per_account: 10,
            curtime_skew: Duration::from_secs(300),
            close_grace: Duration::from_secs(1),
            reconnect_grace: Duration::from_secs(3),
            outbox_capacity: 256,
            http_header_timeout: Duration::from_secs(10),
            http_body_timeout: Duration::from_secs(10),
            max_http_connections_per_ip: 256,
        }
    }
}

/// The heartbeat interval assumed when a login does not give one, in ms (NIM's default).
pub const DEFAULT_HEARTBEAT_MS: u32 = 30_000;

impl Limits {
    /// The idle timeout for a client that pings every `heartbeat_ms`:
    /// `clamp(2 * heartbeat + 5000 ms, idle_timeout_min, idle_timeout_max)`, so one
    /// lost ping is tolerated. A heartbeat of 0 means [`DEFAULT_HEARTBEAT_MS`].
    pub fn idle_timeout(&self, heartbeat_ms: u32) -> Duration {
        let heartbeat = if heartbeat_ms == 0 {
            DEFAULT_HEARTBEAT_MS
        } else {
            heartbeat_ms
        };
        let wanted = Duration::from_millis(2 * u64::from(heartbeat) + 5_000);
        wanted.clamp(
            self.idle_timeout_min,
            self.idle_timeout_max.max(self.idle_timeout_min),
        )
    }
}

/// How fast a cluster notices a dead node, and how long the server waits for its
/// backends: the `[cluster]` table of the config file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterTiming {
    /// How long a node's lease lasts without renewal; renewed every third of it.
    #[serde(rename = "node_lease_ms", with = "millis")]
    pub node_lease: Duration,
    /// How often each node looks for expired nodes to sweep.
    #[serde(rename = "sweep_interval_ms", with = "millis")]
    pub sweep_interval: Duration,
    /// How long connecting to PostgreSQL and Redis at start may take before the
    /// server gives up and exits.
    #[serde(rename = "connect_timeout_ms", with = "millis")]
    pub connect_timeout: Duration,
}

impl Default for ClusterTiming {
    fn default() -> Self {
        ClusterTiming {
            node_lease: Duration::from_secs(10),
            sweep_interval: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(10),
        }
    }
}
