//! Durable accounts in SQLite: who exists, their token (as a salted hash), whether
//! they are blocked, and the server API nonces already seen.
//!
//! Every statement commits on its own, so whatever the server acknowledged survives
//! a crash or restart. Calls are blocking; the async wrappers run them on tokio's
//! blocking pool behind one mutex (SQLite serialises writers anyway).

use std::path::Path;
use std::sync::{Arc, Mutex};

use rand::RngCore;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::Error;

/// How long a seen server API nonce is remembered, in seconds: longer than the
/// whole `CurTime` window (± 5 minutes), so a replay is caught for as long as its
/// `CurTime` would still be accepted.
const NONCE_MEMORY_SECS: i64 = 15 * 60;

/// The account database.
#[derive(Clone)]
pub struct Store {
    db: Arc<Mutex<Connection>>,
}

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

fn new_salt() -> [u8; 16] {
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    salt
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

impl Store {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Store, Error> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let db = Connection::open(path)?;
        db.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA busy_timeout = 5000;
             CREATE TABLE IF NOT EXISTS accounts (
                 app_key TEXT NOT NULL,
                 accid TEXT NOT NULL,
                 name TEXT NOT NULL DEFAULT '',
                 token_salt BLOB NOT NULL,
                 token_hash BLOB NOT NULL,
                 blocked INTEGER NOT NULL DEFAULT 0,
                 last_login_device_id TEXT NOT NULL DEFAULT '',
                 PRIMARY KEY (app_key, accid)
             );
             CREATE TABLE IF NOT EXISTS nonces (
                 app_key TEXT NOT NULL,
                 nonce TEXT NOT NULL,
                 seen_at INTEGER NOT NULL,
                 PRIMARY KEY (app_key, nonce)
             );",
        )?;
        Ok(Store {
            db: Arc::new(Mutex::new(db)),
        })
    }

    /// Runs `f` on the connection on the blocking pool.
    async fn with_db<T, F>(&self, f: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock leaves SQLite consistent (every
            // statement is atomic), so a poisoned lock is still usable.
            let db = db.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&db)
        })
        .await
        .map_err(|e| Error::Internal(format!("store task failed: {e}")))?
        .map_err(Error::from)
    }

    /// Creates an account with `token`.
    pub async fn create(
        &self,
        app: &str,
        accid: &str,
        name: &str,
        token: &str,
    ) -> Result<Created, Error> {
        let (app, accid, name) = (app.to_owned(), accid.to_owned(), name.to_owned());
        let salt = new_salt();
        let hash = salted_hash(&salt, token);
        self.with_db(move |db| {
            let rows = db.execute(
                "INSERT OR IGNORE INTO accounts (app_key, accid, name, token_salt, token_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![app, accid, name, &salt[..], hash],
            )?;
            Ok(if rows == 1 {
                Created::Created
            } else {
                Created::AlreadyExists
            })
        })
        .await
    }

    /// Replaces the token of an account; `false` when there is no such account.
    pub async fn set_token(&self, app: &str, accid: &str, token: &str) -> Result<bool, Error> {
        let (app, accid) = (app.to_owned(), accid.to_owned());
        let salt = new_salt();
        let hash = salted_hash(&salt, token);
        self.with_db(move |db| {
            let rows = db.execute(
                "UPDATE accounts SET token_salt = ?3, token_hash = ?4
                 WHERE app_key = ?1 AND accid = ?2",
                params![app, accid, &salt[..], hash],
            )?;
            Ok(rows == 1)
        })
        .await
    }

    /// Blocks or unblocks an account; `false` when there is no such account.
    pub async fn set_blocked(&self, app: &str, accid: &str, blocked: bool) -> Result<bool, Error> {
        let (app, accid) = (app.to_owned(), accid.to_owned());
        self.with_db(move |db| {
            let rows = db.execute(
                "UPDATE accounts SET blocked = ?3 WHERE app_key = ?1 AND accid = ?2",
                params![app, accid, blocked],
            )?;
            Ok(rows == 1)
        })
        .await
    }

    /// Checks a login's account and token.
    pub async fn check_login(
        &self,
        app: &str,
        accid: &str,
        token: &str,
    ) -> Result<LoginCheck, Error> {
        let (app, accid, token) = (app.to_owned(), accid.to_owned(), token.to_owned());
        self.with_db(move |db| {
            let row = db
                .query_row(
                    "SELECT token_salt, token_hash, blocked, last_login_device_id
                     FROM accounts WHERE app_key = ?1 AND accid = ?2",
                    params![app, accid],
                    |row| {
                        Ok((
                            row.get::<_, Vec<u8>>(0)?,
                            row.get::<_, Vec<u8>>(1)?,
                            row.get::<_, bool>(2)?,
                            row.get::<_, String>(3)?,
                        ))
                    },
                )
                .optional()?;
            Ok(match row {
                None => LoginCheck::NoAccount,
                Some((salt, hash, blocked, last)) => {
                    if !constant_time_eq(&salted_hash(&salt, &token), &hash) {
                        LoginCheck::BadToken
                    } else if blocked {
                        LoginCheck::Blocked
                    } else {
                        LoginCheck::Accepted {
                            last_login_device_id: last,
                        }
                    }
                }
            })
        })
        .await
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
        let (app, accid, device) = (app.to_owned(), accid.to_owned(), device_id.to_owned());
        self.with_db(move |db| {
            let rows = db.execute(
                "UPDATE accounts SET last_login_device_id = ?3
                 WHERE app_key = ?1 AND accid = ?2 AND blocked = 0",
                params![app, accid, device],
            )?;
            Ok(rows == 1)
        })
        .await
    }

    /// Records a server API nonce; `false` when it was already used. Also forgets
    /// nonces older than the replay window.
    pub async fn use_nonce(&self, app: &str, nonce: &str, now_secs: i64) -> Result<bool, Error> {
        let (app, nonce) = (app.to_owned(), nonce.to_owned());
        self.with_db(move |db| {
            db.execute(
                "DELETE FROM nonces WHERE seen_at < ?1",
                params![now_secs - NONCE_MEMORY_SECS],
            )?;
            let rows = db.execute(
                "INSERT OR IGNORE INTO nonces (app_key, nonce, seen_at) VALUES (?1, ?2, ?3)",
                params![app, nonce, now_secs],
            )?;
            Ok(rows == 1)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store in a fresh file, removed when the guard drops.
    fn temp_store() -> (Store, TempFile) {
        let path = std::env::temp_dir().join(format!("nim-store-{}.sqlite", random_token()));
        (Store::open(&path).unwrap(), TempFile(path))
    }

    struct TempFile(std::path::PathBuf);

    impl Drop for TempFile {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let mut path = self.0.clone().into_os_string();
                path.push(suffix);
                let _ = std::fs::remove_file(path);
            }
        }
    }

    #[tokio::test]
    async fn tokens_are_checked_and_never_stored_in_clear() {
        let (store, path) = temp_store();
        assert_eq!(
            store.create("app", "alice", "", "tok-123").await.unwrap(),
            Created::Created
        );
        assert_eq!(
            store.create("app", "alice", "", "x").await.unwrap(),
            Created::AlreadyExists
        );
        assert_eq!(
            store.check_login("app", "alice", "nope").await.unwrap(),
            LoginCheck::BadToken
        );
        assert!(matches!(
            store.check_login("app", "alice", "tok-123").await.unwrap(),
            LoginCheck::Accepted { .. }
        ));
        assert_eq!(
            store
                .check_login("other", "alice", "tok-123")
                .await
                .unwrap(),
            LoginCheck::NoAccount
        );
        let bytes = std::fs::read(&path.0).unwrap();
        let wal = std::fs::read(path.0.with_extension("sqlite-wal")).unwrap_or_default();
        let needle = b"tok-123";
        assert!(!bytes.windows(needle.len()).any(|w| w == needle));
        assert!(!wal.windows(needle.len()).any(|w| w == needle));
    }

    #[tokio::test]
    async fn a_nonce_is_accepted_once() {
        let (store, _path) = temp_store();
        assert!(store.use_nonce("app", "n1", 1000).await.unwrap());
        assert!(!store.use_nonce("app", "n1", 1001).await.unwrap());
        assert!(store.use_nonce("other", "n1", 1001).await.unwrap());
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
