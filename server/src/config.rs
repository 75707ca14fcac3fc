//! What the server is told at start: its apps, where its files are, and its limits.
//!
//! The command line (see `main.rs`) and the TOML file given with `--config` both end
//! up in one [`Config`]. Everything here is plain data; nothing does I/O except
//! [`ConfigFile::from_toml_file`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::error::Error;
use crate::origin::AllowedOrigins;
use crate::tls::TlsFiles;

/// The multi-device policy of one app: which devices of one account may be online
/// at the same time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// One device in all.
    Single,
    /// One desktop-class device (PC, Web, Mac) plus one mobile-class device
    /// (Android, iOS, ...); any other kind (Server) is its own class of one.
    DesktopMobile,
    /// Every kind at once, up to this many devices.
    Multi(usize),
}

/// The device limit of [`Policy::Multi`] when none is given.
pub const DEFAULT_MULTI_LIMIT: usize = 10;

impl Policy {
    /// Parses `single`, `desktop-mobile` or `multi` (with the default limit).
    pub fn parse(name: &str) -> Option<Policy> {
        match name {
            "single" => Some(Policy::Single),
            "desktop-mobile" => Some(Policy::DesktopMobile),
            "multi" => Some(Policy::Multi(DEFAULT_MULTI_LIMIT)),
            _ => None,
        }
    }
}

/// One app: its key, its secret for the server API, and its device policy.
#[derive(Clone, PartialEq, Eq)]
pub struct App {
    /// The public app key.
    pub key: String,
    /// The secret that signs server API calls (`CheckSum`); never logged.
    pub secret: String,
    /// Who may be online at once.
    pub policy: Policy,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("key", &self.key)
            .field("secret", &"<hidden>")
            .field("policy", &self.policy)
            .finish()
    }
}

impl App {
    /// Parses `KEY:SECRET[:POLICY]`, as given to `--app` and in `NIM_APPS`.
    ///
    /// The policy is the part after the last `:` when it names a policy; otherwise
    /// the whole rest is the secret and the policy is `multi`.
    pub fn parse(spec: &str) -> Result<App, Error> {
        let bad = || Error::Config(format!("--app wants KEY:SECRET[:POLICY], got {spec:?}"));
        let (key, rest) = spec.split_once(':').ok_or_else(bad)?;
        let (secret, policy) = match rest.rsplit_once(':') {
            Some((secret, name)) => match Policy::parse(name) {
                Some(policy) => (secret, policy),
                None => {
                    return Err(Error::Config(format!(
                        "unknown policy {name:?} in --app {key}:…; \
                         use single, desktop-mobile or multi"
                    )))
                }
            },
            None => (rest, Policy::Multi(DEFAULT_MULTI_LIMIT)),
        };
        if key.is_empty() || secret.is_empty() {
            return Err(bad());
        }
        Ok(App {
            key: key.to_owned(),
            secret: secret.to_owned(),
            policy,
        })
    }
}

/// Durations given in ms in the config file.
mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

/// Durations given in seconds in the config file.
mod secs {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_secs)
    }
}

/// Limits and timeouts, the `[limits]` table of the config file (durations in the
/// unit their key names). Every field has a production default; tests shorten them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// A connection that has not sent `login` by then is closed with 4008.
    #[serde(rename = "login_timeout_ms", deserialize_with = "millis::deserialize")]
    pub login_timeout: Duration,
    /// The lower bound of the idle timeout after login.
    #[serde(
        rename = "idle_timeout_min_ms",
        deserialize_with = "millis::deserialize"
    )]
    pub idle_timeout_min: Duration,
    /// The upper bound of the idle timeout after login.
    #[serde(
        rename = "idle_timeout_max_ms",
        deserialize_with = "millis::deserialize"
    )]
    pub idle_timeout_max: Duration,
    /// Open WebSocket connections in all, logged in or not; more are closed with 1013.
    pub max_connections: usize,
    /// Live devices of one account, whatever the policy; more get `loginFailed` 416.
    pub max_connections_per_account: usize,
    /// `login` messages one IP address may send per [`Limits::login_attempt_window`].
    pub login_attempts_per_ip: u32,
    /// The window over which login attempts are counted.
    #[serde(
        rename = "login_attempt_window_ms",
        deserialize_with = "millis::deserialize"
    )]
    pub login_attempt_window: Duration,
    /// Refused tokens (302) one account may collect per [`Limits::login_attempt_window`]
    /// before its logins get 416 whatever the address (see `login_failures`).
    pub login_failures_per_account: u32,
    /// How far a server API `CurTime` may be from the server's clock.
    #[serde(rename = "curtime_skew_secs", deserialize_with = "secs::deserialize")]
    pub curtime_skew: Duration,
    /// How long a closing connection waits for the peer's close frame.
    #[serde(rename = "close_grace_ms", deserialize_with = "millis::deserialize")]
    pub close_grace: Duration,
    /// Commands (pushes, kicks) queued for one connection that its client has not
    /// read yet; one more closes the connection with 4009 (`outbox`).
    pub outbox_capacity: usize,
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
            outbox_capacity: 256,
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

/// Everything the server needs to run (the listen address is the caller's business).
#[derive(Debug, Clone)]
pub struct Config {
    /// The apps this server serves.
    pub apps: Vec<App>,
    /// Static files served at `/` (the demo page), if any.
    pub www: Option<PathBuf>,
    /// The SDK package (wasm-pack output) served at `/pkg/`, if any.
    pub pkg: Option<PathBuf>,
    /// The SQLite database file.
    pub data: PathBuf,
    /// Development mode: permissive CORS and `POST /dev/token`.
    pub dev: bool,
    /// Limits and timeouts.
    pub limits: Limits,
    /// The page origins that may open `/ws` (`--allow-origin`); empty: any.
    pub allowed_origins: AllowedOrigins,
    /// Serve TLS with these files (`--tls-cert`, `--tls-key`); `None`: plain TCP.
    pub tls: Option<TlsFiles>,
    /// Several nodes: PostgreSQL, Redis and this node's public URL (docs/SERVER.md).
    pub scale_out: ScaleOut,
}

impl Config {
    /// A configuration with the given apps and data file and every default.
    pub fn new(apps: Vec<App>, data: impl Into<PathBuf>) -> Config {
        Config {
            apps,
            www: None,
            pkg: None,
            data: data.into(),
            dev: false,
            limits: Limits::default(),
            allowed_origins: AllowedOrigins::any(),
            tls: None,
            scale_out: ScaleOut::default(),
        }
    }

    /// The app with this key.
    pub fn app(&self, key: &str) -> Option<&App> {
        self.apps.iter().find(|app| app.key == key)
    }
}

/// How a node joins the others: the backends and the failure-detection timing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleOut {
    /// PostgreSQL for accounts (`--database`); `None`: SQLite at `--data`.
    pub database: Option<String>,
    /// Redis for live devices, pushes and kicks (`--redis`); `None`: in memory.
    pub redis: Option<String>,
    /// The prefix of every Redis key (`--redis-prefix`), so deployments can share one Redis.
    pub redis_prefix: String,
    /// This node's WebSocket URL as pages reach it (`--public-url`), listed by `/lbs`;
    /// `None`: derived from the bound address.
    pub public_url: Option<String>,
    /// The failure-detection timing.
    pub timing: ClusterTiming,
}

impl Default for ScaleOut {
    fn default() -> Self {
        ScaleOut {
            database: None,
            redis: None,
            redis_prefix: "nim".into(),
            public_url: None,
            timing: ClusterTiming::default(),
        }
    }
}

/// How fast a cluster notices a dead node: the `[cluster]` table of the config file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterTiming {
    /// How long a node's lease lasts without renewal; renewed every third of it.
    #[serde(rename = "node_lease_ms", deserialize_with = "millis::deserialize")]
    pub node_lease: Duration,
    /// How often each node looks for expired nodes to sweep.
    #[serde(rename = "sweep_interval_ms", deserialize_with = "millis::deserialize")]
    pub sweep_interval: Duration,
}

impl Default for ClusterTiming {
    fn default() -> Self {
        ClusterTiming {
            node_lease: Duration::from_secs(10),
            sweep_interval: Duration::from_secs(1),
        }
    }
}

impl ScaleOut {
    /// Checks the URLs' schemes, so a typo fails at start rather than at first use.
    pub fn validate(&self) -> Result<(), Error> {
        if let Some(db) = &self.database {
            if !(db.starts_with("postgres://") || db.starts_with("postgresql://")) {
                return Err(Error::Config(format!(
                    "--database wants postgres://…, got {:?}",
                    db.split(':').next().unwrap_or("")
                )));
            }
        }
        if let Some(redis) = &self.redis {
            if !(redis.starts_with("redis://") || redis.starts_with("rediss://")) {
                return Err(Error::Config("--redis wants redis://…".into()));
            }
            if self.timing.node_lease < Duration::from_millis(300) {
                return Err(Error::Config("node_lease_ms must be at least 300".into()));
            }
        }
        Ok(())
    }
}

/// The `--config` TOML file. Every key is optional; command-line flags and
/// environment variables win over it, and its apps are added to theirs.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Like `--listen`.
    pub listen: Option<String>,
    /// Like `--www`.
    pub www: Option<PathBuf>,
    /// Like `--pkg`.
    pub pkg: Option<PathBuf>,
    /// Like `--data`.
    pub data: Option<PathBuf>,
    /// Like `--dev`.
    pub dev: Option<bool>,
    /// Like `--allow-origin`, one entry per origin.
    pub allow_origins: Option<Vec<String>>,
    /// Like `--tls-cert`.
    pub tls_cert: Option<PathBuf>,
    /// Like `--tls-key`.
    pub tls_key: Option<PathBuf>,
    /// Like `--database` (`postgres://…`).
    pub database: Option<String>,
    /// Like `--redis` (`redis://…`).
    pub redis: Option<String>,
    /// Like `--redis-prefix`.
    pub redis_prefix: Option<String>,
    /// Like `--public-url`.
    pub public_url: Option<String>,
    /// The `[cluster]` table: lease timing.
    #[serde(default)]
    pub cluster: ClusterTiming,
    /// `[[apps]]` tables.
    #[serde(default)]
    pub apps: Vec<AppEntry>,
    /// The `[limits]` table.
    #[serde(default)]
    pub limits: Limits,
}

/// One `[[apps]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppEntry {
    /// The app key.
    pub key: String,
    /// The app secret.
    pub secret: String,
    /// `single`, `desktop-mobile` or `multi` (default).
    pub policy: Option<String>,
    /// The device limit of `multi` (default 10).
    pub max_devices: Option<usize>,
}

impl ConfigFile {
    /// Reads and parses a TOML config file.
    pub fn from_toml_file(path: &Path) -> Result<ConfigFile, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Config(format!("cannot read {}: {e}", path.display())))?;
        ConfigFile::from_toml(&text).map_err(|e| Error::Config(format!("{}: {e}", path.display())))
    }

    /// Parses TOML text.
    pub fn from_toml(text: &str) -> Result<ConfigFile, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// The apps of the file.
    pub fn apps(&self) -> Result<Vec<App>, Error> {
        self.apps
            .iter()
            .map(|entry| {
                let name = entry.policy.as_deref().unwrap_or("multi");
                let policy = match (Policy::parse(name), entry.max_devices) {
                    (Some(Policy::Multi(_)), Some(limit)) if limit > 0 => Policy::Multi(limit),
                    (Some(_), Some(_)) => {
                        return Err(Error::Config(format!(
                            "app {}: max_devices needs policy multi and a limit > 0",
                            entry.key
                        )))
                    }
                    (Some(policy), None) => policy,
                    (None, _) => {
                        return Err(Error::Config(format!(
                            "app {}: unknown policy {name:?}",
                            entry.key
                        )))
                    }
                };
                if entry.key.is_empty() || entry.secret.is_empty() {
                    return Err(Error::Config("an app needs a key and a secret".into()));
                }
                Ok(App {
                    key: entry.key.clone(),
                    secret: entry.secret.clone(),
                    policy,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_spec_with_and_without_policy() {
        let app = App::parse("k:s").unwrap();
        assert_eq!(app.policy, Policy::Multi(DEFAULT_MULTI_LIMIT));
        let app = App::parse("k:s:single").unwrap();
        assert_eq!((app.secret.as_str(), app.policy), ("s", Policy::Single));
        let app = App::parse("k:s:desktop-mobile").unwrap();
        assert_eq!(app.policy, Policy::DesktopMobile);
        assert!(App::parse("k:s:whatever").is_err());
        assert!(App::parse("k").is_err());
        assert!(App::parse(":s").is_err());
    }

    #[test]
    fn idle_timeout_follows_the_heartbeat_within_bounds() {
        let limits = Limits::default();
        assert_eq!(limits.idle_timeout(30_000), Duration::from_millis(65_000));
        assert_eq!(limits.idle_timeout(0), Duration::from_millis(65_000));
        assert_eq!(limits.idle_timeout(5_000), Duration::from_millis(15_000));
        assert_eq!(limits.idle_timeout(100_000), Duration::from_millis(130_000));
    }

    #[test]
    fn toml_file_gives_apps_and_limits() {
        let file = ConfigFile::from_toml(
            r#"
            listen = "127.0.0.1:9000"
            [[apps]]
            key = "a"
            secret = "s"
            policy = "multi"
            max_devices = 3
            [[apps]]
            key = "b"
            secret = "t"
            policy = "single"
            [limits]
            login_timeout_ms = 1500
            "#,
        )
        .unwrap();
        let apps = file.apps().unwrap();
        assert_eq!(apps[0].policy, Policy::Multi(3));
        assert_eq!(apps[1].policy, Policy::Single);
        assert_eq!(file.limits.login_timeout, Duration::from_millis(1500));
        assert_eq!(file.listen.as_deref(), Some("127.0.0.1:9000"));
        assert!(ConfigFile::from_toml("nonsense = 1").is_err());
    }
}
