//! Durable accounts: who exists, their token (as a salted hash), whether they are
//! blocked, the device of their last login, and the server API nonces already seen.
//!
//! [`Store`] is one handle over an [`AccountStore`] backend:
//!
//! | backend | chosen by | for |
//! |---|---|---|
//! | [`sqlite::SqliteStore`] | `--data PATH` (the default) | one node, zero setup |
//! | [`postgres::PostgresStore`] | `--database postgres://…` | several nodes sharing accounts |
//!
//! Both commit every acknowledged change before answering, hash tokens the same way,
//! and remember nonces for [`NONCE_MEMORY_SECS`], so a replay is caught by whichever
//! node it reaches.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::Error;

pub mod postgres;
pub mod sqlite;

/// How long a seen server API nonce is remembered, in seconds: longer than the
/// whole `CurTime` window (± 5 minutes), so a replay is caught for as long as its
/// `CurTime` would still be accepted.
pub const NONCE_MEMORY_SECS: i64 = 15 * 60;

/// What a login's account and token check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginCheck {
    /// No such account (404).
    NoAccount,
    /// The token does not match (302).
    BadToken,
    /// The account is blocked (422).
    Blocked,
    /// Accepted; the account's previous login came from this device (or "").
    Accepted {
        /// `lastLoginDeviceId` for the login response.
        last_login_device_id: String,
    },
}

/// What creating an account found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    /// The account now exists with this token.
    Created,
    /// An account with that id already exists; nothing changed.
    AlreadyExists,
}

impl Created {
    /// What an insert that adds nothing on a duplicate id found: `Created` when it
    /// added the row.
    pub fn from_inserted(inserted: bool) -> Created {
        if inserted {
            Created::Created
        } else {
            Created::AlreadyExists
        }
    }
}

/// A token as stored: a random salt and SHA-256 of salt plus token.
#[derive(Debug, Clone)]
pub struct HashedToken {
    /// 16 random bytes.
    pub salt: [u8; 16],
    /// SHA-256 of `salt + token`.
    pub hash: Vec<u8>,
}

impl HashedToken {
    /// Hashes `token` with a fresh salt.
    pub fn new(token: &str) -> HashedToken {
        let mut salt = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut salt);
        HashedToken {
            hash: salted_hash(&salt, token),
            salt,
        }
    }
}

/// Decides a login from an account row: `None` when there is no such account.
pub fn judge_login(row: Option<(Vec<u8>, Vec<u8>, bool, String)>, token: &str) -> LoginCheck {
    match row {
        None => LoginCheck::NoAccount,
        Some((salt, hash, blocked, last)) => {
            if !constant_time_eq(&salted_hash(&salt, token), &hash) {
                LoginCheck::BadToken
            } else if blocked {
                LoginCheck::Blocked
            } else {
                LoginCheck::Accepted {
                    last_login_device_id: last,
                }
            }
        }
    }
}

/// A new random token: 32 lowercase hex characters.
pub fn random_token() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn salted_hash(salt: &[u8], token: &str) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(token.as_bytes());
    hasher.finalize().to_vec()
}

/// Compares two byte strings in time that depends only on their lengths (subtle).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// What every account backend does. Each call commits before it returns.
pub trait AccountStore: Send + Sync {
    /// Creates an account with this token.
    fn create<'a>(
        &'a self,
        app: &'a str,
        accid: &'a str,
        name: &'a str,
        token: HashedToken,
    ) -> BoxFuture<'a, Result<Created, Error>>;

    /// Replaces the token of an account; `false` when there is no such account.
    fn set_token<'a>(
        &'a self,
        app: &'a str,
        accid: &'a str,
        token: HashedToken,
    ) -> BoxFuture<'a, Result<bool, Error>>;

    /// Blocks or unblocks an account; `false` when there is no such account.
    fn set_blocked<'a>(
        &'a self,
        app: &'a str,
        accid: &'a str,
        blocked: bool,
    ) -> BoxFuture<'a, Result<bool, Error>>;

    /// Checks a login's account and token.
    fn check_login<'a>(
        &'a self,
        app: &'a str,
        accid: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<LoginCheck, Error>>;

    /// Remembers the device of an accepted login; `false` when the account is
    /// blocked (or gone) by now.
    fn record_login<'a>(
        &'a self,
        app: &'a str,
        accid: &'a str,
        device_id: &'a str,
    ) -> BoxFuture<'a, Result<bool, Error>>;

    /// Records a server API nonce; `false` when it was already used. Forgets nonces
    /// older than [`NONCE_MEMORY_SECS`].
    fn use_nonce<'a>(
        &'a self,
        app: &'a str,
        nonce: &'a str,
        now_secs: i64,
    ) -> BoxFuture<'a, Result<bool, Error>>;

    /// Answers once the database does. A file in this process answers while the
    /// process runs.
    fn ping(&self) -> BoxFuture<'_, Result<(), Error>> {
        futures_util::future::ready(Ok(())).boxed()
    }
}

/// The account database the server was configured with.
#[derive(Clone)]
pub struct Store {
    backend: Arc<dyn AccountStore>,
}

impl Store {
    /// Opens (creating if needed) the SQLite database at `path`.
    pub fn open(path: &std::path::Path) -> Result<Store, Error> {
        Ok(Store {
            backend: Arc::new(sqlite::SqliteStore::open(path)?),
        })
    }

    /// The backend `config` names: PostgreSQL with `--database`, else SQLite at `--data`.
    /// Gives up on PostgreSQL when it has not answered within the `[cluster]`
    /// table's `connect_timeout`.
    pub async fn from_config(config: &crate::config::Config) -> Result<Store, Error> {
        let limit = config.cluster.connect_timeout;
        match &config.database {
            Some(url) => tokio::time::timeout(limit, Store::connect_postgres(url))
                .await
                .map_err(|_| {
                    Error::Backend(format!(
                        "PostgreSQL (--database) did not answer within {} ms",
                        limit.as_millis()
                    ))
                })?,
            None => Store::open(&config.data),
        }
    }

    /// Connects to PostgreSQL at `url` and creates the tables when missing.
    pub async fn connect_postgres(url: &str) -> Result<Store, Error> {
        Ok(Store {
            backend: Arc::new(postgres::PostgresStore::connect(url).await?),
        })
    }

    /// Creates an account with `token`.
    pub async fn create(
        &self,
        app: &str,
        accid: &str,
        name: &str,
        token: &str,
    ) -> Result<Created, Error> {
        let token = HashedToken::new(token);
        self.backend.create(app, accid, name, token).await
    }

    /// Replaces the token of an account; `false` when there is no such account.
    pub async fn set_token(&self, app: &str, accid: &str, token: &str) -> Result<bool, Error> {
        let token = HashedToken::new(token);
        self.backend.set_token(app, accid, token).await
    }

    /// Blocks or unblocks an account; `false` when there is no such account.
    pub async fn set_blocked(&self, app: &str, accid: &str, blocked: bool) -> Result<bool, Error> {
        self.backend.set_blocked(app, accid, blocked).await
    }

    /// Checks a login's account and token.
    pub async fn check_login(
        &self,
        app: &str,
        accid: &str,
        token: &str,
    ) -> Result<LoginCheck, Error> {
        self.backend.check_login(app, accid, token).await
    }

    /// Remembers the device of an accepted login, for the next `lastLoginDeviceId`.
    /// Returns `false` when the account was blocked since the login was checked:
    /// the caller then refuses the login after all.
    pub async fn record_login(
        &self,
        app: &str,
        accid: &str,
        device_id: &str,
    ) -> Result<bool, Error> {
        self.backend.record_login(app, accid, device_id).await
    }

    /// Records a server API nonce; `false` when it was already used.
    pub async fn use_nonce(&self, app: &str, nonce: &str, now_secs: i64) -> Result<bool, Error> {
        self.backend.use_nonce(app, nonce, now_secs).await
    }

    /// Whether the database answers within `limit`.
    pub async fn reachable(&self, limit: std::time::Duration) -> bool {
        matches!(
            tokio::time::timeout(limit, self.backend.ping()).await,
            Ok(Ok(()))
        )
    }
}

#[cfg(test)]
pub(crate) mod contract {
    //! The behaviour every backend must show, run against each of them.

    use super::*;

    /// Accounts and tokens: created once, checked, never stored in clear.
    pub async fn tokens_are_checked(store: &Store, app: &str) {
        assert_eq!(
            store.create(app, "alice", "", "tok-123").await.unwrap(),
            Created::Created
        );
        assert_eq!(
            store.create(app, "alice", "", "x").await.unwrap(),
            Created::AlreadyExists
        );
        assert_eq!(
            store.check_login(app, "alice", "nope").await.unwrap(),
            LoginCheck::BadToken
        );
        assert_eq!(
            store.check_login(app, "alice", "tok-123").await.unwrap(),
            LoginCheck::Accepted {
                last_login_device_id: String::new()
            }
        );
        let other = format!("{app}-other");
        assert_eq!(
            store.check_login(&other, "alice", "tok-123").await.unwrap(),
            LoginCheck::NoAccount
        );
        assert!(store.record_login(app, "alice", "tab-1").await.unwrap());
        // The same device again is accepted too (no write is needed for it).
        assert!(store.record_login(app, "alice", "tab-1").await.unwrap());
        assert_eq!(
            store.check_login(app, "alice", "tok-123").await.unwrap(),
            LoginCheck::Accepted {
                last_login_device_id: "tab-1".into()
            }
        );
        assert!(store.set_token(app, "alice", "tok-456").await.unwrap());
        assert!(!store.set_token(app, "nobody", "t").await.unwrap());
        assert!(store.set_blocked(app, "alice", true).await.unwrap());
        assert_eq!(
            store.check_login(app, "alice", "tok-456").await.unwrap(),
            LoginCheck::Blocked
        );
        assert!(!store.record_login(app, "alice", "tab-2").await.unwrap());
        // A block refuses the device that logged in last as well.
        assert!(!store.record_login(app, "alice", "tab-1").await.unwrap());
        assert!(!store.record_login(app, "nobody", "tab-1").await.unwrap());
        assert!(store.set_blocked(app, "alice", false).await.unwrap());
        assert!(store.record_login(app, "alice", "tab-2").await.unwrap());
        assert_eq!(
            store.check_login(app, "alice", "tok-456").await.unwrap(),
            LoginCheck::Accepted {
                last_login_device_id: "tab-2".into()
            }
        );
    }

    /// A nonce is accepted once per app.
    pub async fn a_nonce_is_accepted_once(store: &Store, app: &str) {
        let other = format!("{app}-other");
        assert!(store.use_nonce(app, "n1", 1000).await.unwrap());
        assert!(!store.use_nonce(app, "n1", 1001).await.unwrap());
        assert!(store.use_nonce(&other, "n1", 1001).await.unwrap());
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
