//! An app and its multi-device policy, as `--app KEY:SECRET[:POLICY]` gives it or
//! an `[[apps]]` table of the config file.

use serde::{Deserialize, Serialize};

use crate::error::Error;

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

    fn name(self) -> &'static str {
        match self {
            Policy::Single => "single",
            Policy::DesktopMobile => "desktop-mobile",
            Policy::Multi(_) => "multi",
        }
    }
}

/// One app: its key, its secret for the server API, and its device policy.
#[derive(Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "AppTable", into = "AppTable")]
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

/// One `[[apps]]` table.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct AppTable {
    key: String,
    secret: String,
    /// `single`, `desktop-mobile` or `multi` (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    policy: Option<String>,
    /// The device limit of `multi` (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_devices: Option<usize>,
}

impl TryFrom<AppTable> for App {
    type Error = Error;

    fn try_from(table: AppTable) -> Result<App, Error> {
        let name = table.policy.as_deref().unwrap_or("multi");
        let policy = match (Policy::parse(name), table.max_devices) {
            (Some(Policy::Multi(_)), Some(limit)) if limit > 0 => Policy::Multi(limit),
            (Some(_), Some(_)) => {
                return Err(Error::Config(format!(
                    "app {}: max_devices needs policy multi and a limit > 0",
                    table.key
                )))
            }
            (Some(policy), None) => policy,
            (None, _) => {
                return Err(Error::Config(format!(
                    "app {}: unknown policy {name:?}",
                    table.key
                )))
            }
        };
        if table.key.is_empty() || table.secret.is_empty() {
            return Err(Error::Config("an app needs a key and a secret".into()));
        }
        check_key_length(&table.key)?;
        Ok(App {
            key: table.key,
            secret: table.secret,
            policy,
        })
    }
}

impl From<App> for AppTable {
    fn from(app: App) -> AppTable {
        AppTable {
            key: app.key,
            secret: app.secret,
            policy: Some(app.policy.name().to_owned()),
            max_devices: match app.policy {
                Policy::Multi(limit) => Some(limit),
                _ => None,
            },
        }
    }
}

impl App {
    /// Parses `KEY:SECRET[:POLICY]`, as given to `--app` and in `NIM_APPS`.
    ///
    /// The policy is the part after a second `:`, and the policy is `multi` without
    /// one; a secret therefore holds no `:`. An error names the key at most, never
    /// any part of the rest, which may be the secret.
    pub fn parse(spec: &str) -> Result<App, Error> {
        let spec = spec.trim();
        let (key, rest) = spec.split_once(':').ok_or_else(|| {
            Error::Config("--app wants KEY:SECRET[:POLICY], got a value without `:`".into())
        })?;
        let (secret, policy) = match rest.rsplit_once(':') {
            Some((secret, name)) => match Policy::parse(name) {
                Some(policy) => (secret, policy),
                None => {
                    return Err(Error::Config(format!(
                        "unknown policy after the secret in --app {key:?}; \
                         use single, desktop-mobile or multi (a secret holds no `:`)"
                    )))
                }
            },
            None => (rest, Policy::Multi(DEFAULT_MULTI_LIMIT)),
        };
        if key.is_empty() || secret.is_empty() {
            return Err(Error::Config(format!(
                "--app wants KEY:SECRET[:POLICY], got an empty key or secret (key {key:?})"
            )));
        }
        check_key_length(key)?;
        Ok(App {
            key: key.to_owned(),
            secret: secret.to_owned(),
            policy,
        })
    }
}

/// An app key a login could not carry (the login refuses longer ones with 400) is a
/// configuration error.
fn check_key_length(key: &str) -> Result<(), Error> {
    if key.len() > nim_protocol::MAX_APP_KEY_BYTES {
        return Err(Error::Config(format!(
            "app key {key:?} is longer than {} bytes",
            nim_protocol::MAX_APP_KEY_BYTES
        )));
    }
    Ok(())
}
