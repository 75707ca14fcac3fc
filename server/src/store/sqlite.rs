//! The embedded backend: SQLite in one file at `--data`, the zero-setup default.
//!
//! WAL journal with `synchronous = FULL`, so whatever the server acknowledged
//! survives a crash or restart. One connection behind one mutex (SQLite serialises
//! writers anyway): writes run on tokio's blocking pool, and the login's reads run
//! in place when the connection is free (see [`SqliteStore::read`]).

use std::path::Path;
use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use rusqlite::{params, Connection, OptionalExtension, Params};

use super::{judge_login, AccountStore, Created, HashedToken, LoginCheck, NONCE_MEMORY_SECS};
use crate::error::Error;

/// Accounts in a SQLite file.
#[derive(Clone)]
pub struct SqliteStore {
    db: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    /// Opens (creating if needed, parent directories too) the database at `path`.
    pub fn open(path: &Path) -> Result<SqliteStore, Error> {
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
        Ok(SqliteStore {
            db: Arc::new(Mutex::new(db)),
        })
    }

    /// Runs `f` on the connection on the blocking pool.
    fn with_db<'a, T, F>(&self, f: F) -> BoxFuture<'a, Result<T, Error>>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let db = Arc::clone(&self.db);
        async move {
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
        .boxed()
    }

    /// Runs a read on the connection: right here when the connection is free, since a
    /// lookup by primary key is served from SQLite's page cache in microseconds, and
    /// otherwise on the blocking pool behind the writer, like [`SqliteStore::with_db`].
    /// A login then costs no hand-off to another thread and back: over the rate
    /// benchmark's 12,000 logins (plus as many echoes) `perf stat` counted about
    /// 100,000 context switches before and 51,000 after.
    fn read<'a, T, F>(&self, f: F) -> BoxFuture<'a, Result<T, Error>>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        // A poisoned lock is left to `with_db`, which knows it is still usable.
        if let Ok(db) = self.db.try_lock() {
            return futures_util::future::ready(f(&db).map_err(Error::from)).boxed();
        }
        self.with_db(f)
    }
}

/// Runs one statement (from the connection's statement cache); whether it changed exactly
/// one row.
fn execute_one(db: &Connection, sql: &str, params: impl Params) -> rusqlite::Result<bool> {
    Ok(db.prepare_cached(sql)?.execute(params)? == 1)
}

impl AccountStore for SqliteStore {
    fn create<'a>(
        &'a self,
        app: &'a str,
        accid: &'a str,
        name: &'a str,
        token: HashedToken,
    ) -> BoxFuture<'a, Result<Created, Error>> {
        let (app, accid, name) = (app.to_owned(), accid.to_owned(), name.to_owned());
        self.with_db(move |db| {
            let inserted = execute_one(
                db,
                "INSERT OR IGNORE INTO accounts (app_key, accid, name, token_salt, token_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![app, accid, name, &token.salt[..], token.hash],
            )?;
            Ok(Created::from_inserted(inserted))
        })
    }

    fn set_token<'a>(
        &'a self,
        app: &'a str,
        accid: &'a str,
        token: HashedToken,
    ) -> BoxFuture<'a, Result<bool, Error>> {
        let (app, accid) = (app.to_owned(), accid.to_owned());
        self.with_db(move |db| {
            execute_one(
                db,
                "UPDATE accounts SET token_salt = ?3, token_hash = ?4
                 WHERE app_key = ?1 AND accid = ?2",
                params![app, accid, &token.salt[..], token.hash],
            )
        })
    }

    fn set_blocked<'a>(
        &'a self,
        app: &'a str,
        accid: &'a str,
        blocked: bool,
    ) -> BoxFuture<'a, Result<bool, Error>> {
        let (app, accid) = (app.to_owned(), accid.to_owned());
        self.with_db(move |db| {
            execute_one(
                db,
                "UPDATE accounts SET blocked = ?3 WHERE app_key = ?1 AND accid = ?2",
                params![app, accid, blocked],
            )
        })
    }

    fn check_login<'a>(
        &'a self,
        app: &'a str,
        accid: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<LoginCheck, Error>> {
        let (app, accid, token) = (app.to_owned(), accid.to_owned(), token.to_owned());
        self.read(move |db| {
            let row = db
                .prepare_cached(
                    "SELECT token_salt, token_hash, blocked, last_login_device_id
                     FROM accounts WHERE app_key = ?1 AND accid = ?2",
                )?
                .query_row(params![app, accid], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })
                .optional()?;
            Ok(judge_login(row, &token))
        })
    }

    fn record_login<'a>(
        &'a self,
        app: &'a str,
        accid: &'a str,
        device_id: &'a str,
    ) -> BoxFuture<'a, Result<bool, Error>> {
        let (app, accid, device) = (app.to_owned(), accid.to_owned(), device_id.to_owned());
        // Most logins are the same device again (a reconnect): read first and write
        // only a change, so they cost no WAL commit (an fsync with synchronous=FULL)
        // and no thread hand-off. The write re-checks the block, which may have come
        // in between.
        async move {
            let (read_app, read_accid) = (app.clone(), accid.clone());
            let row: Option<(bool, String)> = self
                .read(move |db| {
                    db.prepare_cached(
                        "SELECT blocked, last_login_device_id FROM accounts
                         WHERE app_key = ?1 AND accid = ?2",
                    )?
                    .query_row(params![read_app, read_accid], |row| {
                        Ok((row.get(0)?, row.get(1)?))
                    })
                    .optional()
                })
                .await?;
            match row {
                None | Some((true, _)) => Ok(false),
                Some((false, last)) if last == device => Ok(true),
                Some((false, _)) => {
                    self.with_db(move |db| {
                        execute_one(
                            db,
                            "UPDATE accounts SET last_login_device_id = ?3
                             WHERE app_key = ?1 AND accid = ?2 AND blocked = 0",
                            params![app, accid, device],
                        )
                    })
                    .await
                }
            }
        }
        .boxed()
    }

    fn use_nonce<'a>(
        &'a self,
        app: &'a str,
        nonce: &'a str,
        now_secs: i64,
    ) -> BoxFuture<'a, Result<bool, Error>> {
        let (app, nonce) = (app.to_owned(), nonce.to_owned());
        self.with_db(move |db| {
            db.prepare_cached("DELETE FROM nonces WHERE seen_at < ?1")?
                .execute(params![now_secs - NONCE_MEMORY_SECS])?;
            execute_one(
                db,
                "INSERT OR IGNORE INTO nonces (app_key, nonce, seen_at) VALUES (?1, ?2, ?3)",
                params![app, nonce, now_secs],
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::store::{contract, random_token, Store};

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
        contract::tokens_are_checked(&store, "app").await;
        let bytes = std::fs::read(&path.0).unwrap();
        let wal = std::fs::read(path.0.with_extension("sqlite-wal")).unwrap_or_default();
        for needle in [&b"tok-123"[..], b"tok-456"] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle));
            assert!(!wal.windows(needle.len()).any(|w| w == needle));
        }
    }

    #[tokio::test]
    async fn a_nonce_is_accepted_once() {
        let (store, _path) = temp_store();
        contract::a_nonce_is_accepted_once(&store, "app").await;
    }
}
