//! Every setting of the server, in one struct: [`Config`]. Each field carries its
//! doc (also the `--help` text), its flag and environment variable, its key in the
//! `--config` TOML file, and its default ([`Config::default`], or `None`).
//!
//! The layers, lowest first: the defaults, the TOML file, then the flags and
//! environment variables actually given ([`Config::layered`]); the file's apps are
//! added to those of the command line. Everything here is plain data; nothing does
//! I/O except reading the file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::parser::ValueSource;
use clap::ArgMatches;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;

mod app;
mod limits;

pub use app::{App, Policy, DEFAULT_MULTI_LIMIT};
pub use limits::{ClusterTiming, Limits, DEFAULT_HEARTBEAT_MS};

/// Where the server listens when not told.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The SQLite file when not told.
pub const DEFAULT_DATA: &str = "nim-data.sqlite";
/// The Redis key prefix when not told.
pub const DEFAULT_REDIS_PREFIX: &str = "nim";

/// Everything the server needs to run.
#[derive(Debug, Clone, clap::Args, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "NIM_LISTEN", value_name = "ADDR", default_value = DEFAULT_LISTEN)]
    pub listen: String,

    /// An app as KEY:SECRET[:POLICY], POLICY one of single, desktop-mobile,
    /// multi (default, up to 10 devices). Repeat for more apps; NIM_APPS takes a
    /// comma-separated list. In the file: [[apps]] tables of key, secret, policy
    /// and max_devices.
    #[arg(
        long = "app",
        env = "NIM_APPS",
        value_name = "KEY:SECRET[:POLICY]",
        value_delimiter = ',',
        value_parser = App::parse
    )]
    pub apps: Vec<App>,

    /// Directory of static files served at / (index.html for directories).
    #[arg(long, env = "NIM_WWW", value_name = "DIR")]
    pub www: Option<PathBuf>,

    /// Directory of the SDK package (wasm-pack output) served at /pkg/.
    #[arg(long, env = "NIM_PKG", value_name = "DIR")]
    pub pkg: Option<PathBuf>,

    /// SQLite database file for accounts, created if missing.
    #[arg(long, env = "NIM_DATA", value_name = "PATH", default_value = DEFAULT_DATA)]
    pub data: PathBuf,

    /// Development mode: allow cross-origin calls from any page (CORS) and enable
    /// POST /dev/token, which issues tokens without a server API signature. Never
    /// use it in production.
    /// NIM_DEV accepts 1/0, true/false, yes/no, on/off.
    #[arg(
        long,
        env = "NIM_DEV",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub dev: bool,

    /// A page origin (http[s]://HOST[:PORT]) allowed to open /ws; repeat for more.
    /// Upgrades from other origins get 403; without any, every origin is allowed.
    /// NIM_ALLOW_ORIGINS takes a comma-separated list.
    #[arg(
        long = "allow-origin",
        env = "NIM_ALLOW_ORIGINS",
        value_name = "ORIGIN",
        value_delimiter = ','
    )]
    pub allow_origins: Vec<String>,

    /// PEM certificate chain: serve TLS (https://, wss://); needs --tls-key.
    #[arg(long, env = "NIM_TLS_CERT", value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key for --tls-cert: PKCS#8, PKCS#1 or SEC1.
    #[arg(long, env = "NIM_TLS_KEY", value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// PostgreSQL for accounts instead of the SQLite file, shared by several nodes
    /// (postgres://USER:PASSWORD@HOST:PORT/DB).
    #[arg(long, env = "NIM_DATABASE", value_name = "URL")]
    pub database: Option<String>,

    /// Redis for live devices, pushes, kicks and login limits, shared by several
    /// nodes (redis://HOST:PORT/DB); without it, sessions live in this process.
    #[arg(long, env = "NIM_REDIS", value_name = "URL")]
    pub redis: Option<String>,

    /// Prefix of every Redis key, so several deployments can share one Redis.
    #[arg(long, env = "NIM_REDIS_PREFIX", value_name = "PREFIX", default_value = DEFAULT_REDIS_PREFIX)]
    pub redis_prefix: String,

    /// This node's WebSocket URL as pages reach it (ws[s]://HOST:PORT/ws), listed
    /// by GET /lbs [default: from the bound address].
    #[arg(long, env = "NIM_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,

    /// The file's [cluster] table: how fast a dead node is noticed.
    #[arg(skip)]
    pub cluster: ClusterTiming,

    /// The file's [limits] table: limits and timeouts.
    #[arg(skip)]
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: DEFAULT_LISTEN.into(),
            apps: Vec::new(),
            www: None,
            pkg: None,
            data: DEFAULT_DATA.into(),
            dev: false,
            allow_origins: Vec::new(),
            tls_cert: None,
            tls_key: None,
            database: None,
            redis: None,
            redis_prefix: DEFAULT_REDIS_PREFIX.into(),
            public_url: None,
            cluster: ClusterTiming::default(),
            limits: Limits::default(),
        }
    }
}

/// The certificate chain and private key files, both PEM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, leaf first (`--tls-cert`).
    pub cert: PathBuf,
    /// The private key (`--tls-key`).
    pub key: PathBuf,
}

impl Config {
    /// A configuration with the given apps and data file and every default.
    pub fn new(apps: Vec<App>, data: impl Into<PathBuf>) -> Config {
        Config {
            apps,
            data: data.into(),
            ..Config::default()
        }
    }

    /// The app with this key.
    pub fn app(&self, key: &str) -> Option<&App> {
        self.apps.iter().find(|app| app.key == key)
    }

    /// The TLS files, when both are given.
    pub fn tls(&self) -> Option<TlsFiles> {
        Some(TlsFiles {
            cert: self.tls_cert.clone()?,
            key: self.tls_key.clone()?,
        })
    }

    /// Checks what can be checked before starting: the apps, TLS given whole, the
    /// URLs' schemes (so a typo fails at start rather than at first use).
    pub fn check(&self) -> Result<(), Error> {
        if self.apps.is_empty() {
            return Err(Error::Config(
                "no app configured (--app or NIM_APPS)".into(),
            ));
        }
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            return Err(Error::Config(
                "TLS needs both --tls-cert and --tls-key".into(),
            ));
        }
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
            if self.cluster.node_lease < Duration::from_millis(300) {
                return Err(Error::Config("node_lease_ms must be at least 300".into()));
            }
        }
        Ok(())
    }

    /// The settings given by `matches` (flags and environment variables, parsed
    /// into a `Config`) over those of the TOML `file` over the defaults.
    pub fn layered(matches: &ArgMatches, file: Option<&Path>) -> Result<Config, Error> {
        let cli = <Config as clap::FromArgMatches>::from_arg_matches(matches)
            .map_err(|e| Error::Config(e.to_string()))?;
        let Value::Object(mut given) = to_value(&cli)? else {
            unreachable!("a struct serializes to an object");
        };
        let args: Vec<String> = matches.ids().map(|id| id.to_string()).collect();
        given.retain(|key, _| {
            args.contains(key)
                && matches!(
                    matches.value_source(key),
                    Some(ValueSource::CommandLine | ValueSource::EnvVariable)
                )
        });
        let mut layered = match file {
            Some(path) => read_toml(path)?,
            None => serde_json::Map::new(),
        };
        for (key, value) in given {
            match (key.as_str(), layered.remove(&key), value) {
                ("apps", Some(Value::Array(file_apps)), Value::Array(mut apps)) => {
                    apps.extend(file_apps);
                    layered.insert(key, Value::Array(apps));
                }
                (_, _, value) => {
                    layered.insert(key, value);
                }
            }
        }
        let mut config: Config = serde_json::from_value(Value::Object(layered))
            .map_err(|e| Error::Config(without_values(&e.to_string())))?;
        let mut seen = std::collections::HashSet::new();
        config.apps.retain(|app| seen.insert(app.key.clone()));
        Ok(config)
    }
}

fn to_value(config: &Config) -> Result<Value, Error> {
    serde_json::to_value(config).map_err(|e| Error::Config(e.to_string()))
}

/// The keys of a TOML file as JSON, to be layered. The file is first read as a
/// `Config` alone, so a wrong type is reported with its line like a syntax error.
fn read_toml(path: &Path) -> Result<serde_json::Map<String, Value>, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Config(format!("cannot read {}: {e}", path.display())))?;
    let describe = |err: toml::de::Error| Error::Config(describe(path, &text, &err));
    let table: toml::Table = toml::from_str(&text).map_err(describe)?;
    toml::from_str::<Config>(&text).map_err(describe)?;
    match serde_json::to_value(table).map_err(|e| Error::Config(e.to_string()))? {
        Value::Object(map) => Ok(map),
        _ => unreachable!("a TOML table is an object"),
    }
}

/// Keys whose values are secrets (or URLs that may carry a password).
const SECRET_KEYS: [&str; 3] = ["secret", "database", "redis"];

/// A TOML error as `FILE:LINE: key `KEY`: what is wrong`, without the offending
/// line: toml's own message quotes it, and with it an app secret or a database
/// password. On a line that may hold a secret, not even the parser's description
/// of the value is kept.
fn describe(path: &Path, text: &str, err: &toml::de::Error) -> String {
    let at = err.span().map_or(0, |span| span.start.min(text.len()));
    let line_no = text[..at].matches('\n').count() + 1;
    let line = text.lines().nth(line_no - 1).unwrap_or("");
    let key = line
        .split_once('=')
        .map(|(key, _)| key.trim().trim_matches(['"', '\'']))
        .filter(|key| !key.is_empty() && !key.contains(['{', '[', ' ']));
    let secret_line = line.contains("://")
        || SECRET_KEYS
            .iter()
            .any(|secret| line.contains(secret) || key.is_some_and(|k| k.ends_with(secret)));
    let what = if secret_line {
        "invalid (the value is not shown: it may be secret)".to_owned()
    } else {
        without_values(err.message())
    };
    match key {
        Some(key) => format!("{}:{line_no}: key `{key}`: {what}", path.display()),
        None => format!("{}:{line_no}: {what}", path.display()),
    }
}

/// A serde message without the value it quotes: `invalid type: string "x",
/// expected u32` becomes `invalid type, expected u32`.
fn without_values(message: &str) -> String {
    let message = message.trim().replace('\n', "; ");
    for kind in ["invalid type", "invalid value", "invalid length"] {
        if let Some(rest) = message.strip_prefix(kind) {
            let expected = rest.find(", expected").map_or("", |at| &rest[at..]);
            return format!("{kind}{expected}");
        }
    }
    message
}

#[cfg(test)]
mod tests;
