//! What the server is told at start: its apps, where its files are, and its limits.
//!
//! The command line (see `main.rs`) and the TOML file given with `--config` both end
//! up in one [`Config`]. Everything here is plain data; nothing does I/O except
//! [`ConfigFile::from_toml_file`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::origin::AllowedOrigins;
use crate::tls::TlsFiles;
use crate::{Error, ScaleOut};

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

/// Limits and timeouts. Every field has a production default; tests shorten them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// A connection that has not sent `login` by then is closed with 4008.
    pub login_timeout: Duration,
    /// The lower bound of the idle timeout after login.
    pub idle_timeout_min: Duration,
    /// The upper bound of the idle timeout after login.
    pub idle_timeout_max: Duration,
    /// Open WebSocket connections in all, logged in or not; more are closed with 1013.
    pub max_connections: usize,
    /// Live devices of one account, whatever the policy; more get `loginFailed` 416.
    pub max_connections_per_account: usize,
    /// `login` messages one IP address may send per [`Limits::login_attempt_window`].
    pub login_attempts_per_ip: u32,
    /// The window over which login attempts are counted.
    pub login_attempt_window: Duration,
    /// Refused tokens (302) one account may collect per [`Limits::login_attempt_window`]
    /// before its logins get 416 whatever the address (see `login_failures`).
    pub login_failures_per_account: u32,
    /// How far a server API `CurTime` may be from the server's clock.
    pub curtime_skew: Duration,
    /// How long a closing connection waits for the peer's close frame.
    pub close_grace: Duration,
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
    /// The `[cluster]` table: lease timing (see `ScaleOut`).
    #[serde(default)]
    pub cluster: crate::cluster::ClusterEntry,
    /// `[[apps]]` tables.
    #[serde(default)]
    pub apps: Vec<AppEntry>,
    /// The `[limits]` table.
    #[serde(default)]
    pub limits: LimitsEntry,
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

/// The `[limits]` table: each key overrides one field of [`Limits`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsEntry {
    /// [`Limits::login_timeout`] in ms.
    pub login_timeout_ms: Option<u64>,
    /// [`Limits::idle_timeout_min`] in ms.
    pub idle_timeout_min_ms: Option<u64>,
    /// [`Limits::idle_timeout_max`] in ms.
    pub idle_timeout_max_ms: Option<u64>,
    /// [`Limits::max_connections`].
    pub max_connections: Option<usize>,
    /// [`Limits::max_connections_per_account`].
    pub max_connections_per_account: Option<usize>,
    /// [`Limits::login_attempts_per_ip`].
    pub login_attempts_per_ip: Option<u32>,
    /// [`Limits::login_attempt_window`] in ms.
    pub login_attempt_window_ms: Option<u64>,
    /// [`Limits::login_failures_per_account`].
    pub login_failures_per_account: Option<u32>,
    /// [`Limits::curtime_skew`] in seconds.
    pub curtime_skew_secs: Option<u64>,
    /// [`Limits::close_grace`] in ms.
    pub close_grace_ms: Option<u64>,
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

    /// The default limits with this file's overrides.
    pub fn limits(&self) -> Limits {
        let l = &self.limits;
        let ms = Duration::from_millis;
        let d = Limits::default();
        Limits {
            login_timeout: l.login_timeout_ms.map_or(d.login_timeout, ms),
            idle_timeout_min: l.idle_timeout_min_ms.map_or(d.idle_timeout_min, ms),
            idle_timeout_max: l.idle_timeout_max_ms.map_or(d.idle_timeout_max, ms),
            max_connections: l.max_connections.unwrap_or(d.max_connections),
            max_connections_per_account: l
                .max_connections_per_account
                .unwrap_or(d.max_connections_per_account),
            login_attempts_per_ip: l.login_attempts_per_ip.unwrap_or(d.login_attempts_per_ip),
            login_attempt_window: l.login_attempt_window_ms.map_or(d.login_attempt_window, ms),
            login_failures_per_account: l
                .login_failures_per_account
                .unwrap_or(d.login_failures_per_account),
            curtime_skew: l
                .curtime_skew_secs
                .map_or(d.curtime_skew, Duration::from_secs),
            close_grace: l.close_grace_ms.map_or(d.close_grace, ms),
        }
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
        assert_eq!(file.limits().login_timeout, Duration::from_millis(1500));
        assert_eq!(file.listen.as_deref(), Some("127.0.0.1:9000"));
        assert!(ConfigFile::from_toml("nonsense = 1").is_err());
    }
}
