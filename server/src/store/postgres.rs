//! The shared backend: PostgreSQL at `--database postgres://…`, for several nodes
//! that must all see the same accounts, tokens, blocks and nonces.
//!
//! The tables are created at start when missing (under an advisory lock, so nodes
//! starting together do not race). Every statement is prepared once per connection,
//! so each call is one round trip that commits on its own; the nonce check forgets
//! old nonces and records the new one in the same statement.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use tokio::sync::Mutex;
use tokio::try_join;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, Row, Statement};
use tracing::warn;

use super::{judge_login, AccountStore, Created, HashedToken, LoginCheck, NONCE_MEMORY_SECS};
use crate::error::Error;

/// Connections per node: statements on one connection are pipelined, a few let
/// PostgreSQL work on several at once.
const CONNECTIONS: usize = 4;

/// The longest wait for one statement's answer (a reconnection included): a
/// database that does not answer fails the call, it does not hold it.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

/// The key of the advisory lock held while creating the tables.
const SCHEMA_LOCK: i64 = 0x6e69_6d5f_7363_6865;

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS nim_accounts (
        app_key TEXT NOT NULL,
        accid TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        token_salt BYTEA NOT NULL,
        token_hash BYTEA NOT NULL,
        blocked BOOLEAN NOT NULL DEFAULT FALSE,
        last_login_device_id TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (app_key, accid)
    );
    CREATE TABLE IF NOT EXISTS nim_nonces (
        app_key TEXT NOT NULL,
        nonce TEXT NOT NULL,
        seen_at BIGINT NOT NULL,
        PRIMARY KEY (app_key, nonce)
    );
    CREATE INDEX IF NOT EXISTS nim_nonces_seen_at ON nim_nonces (seen_at);";

impl From<tokio_postgres::Error> for Error {
    fn from(err: tokio_postgres::Error) -> Error {
        Error::Backend(format!("postgres: {err}"))
    }
}

/// The statements, prepared once per connection so that each call is one round trip
/// (a statement given as text costs a Parse round trip first).
struct Statements {
    create: Statement,
    set_token: Statement,
    set_blocked: Statement,
    check_login: Statement,
    record_login: Statement,
    use_nonce: Statement,
}

const CREATE: &str = "INSERT INTO nim_accounts (app_key, accid, name, token_salt, token_hash)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
const SET_TOKEN: &str = "UPDATE nim_accounts SET token_salt = $3, token_hash = $4
     WHERE app_key = $1 AND accid = $2";
const SET_BLOCKED: &str = "UPDATE nim_accounts SET blocked = $3 WHERE app_key = $1 AND accid = $2";
const CHECK_LOGIN: &str = "SELECT token_salt, token_hash, blocked, last_login_device_id
     FROM nim_accounts WHERE app_key = $1 AND accid = $2";
/// Writes only a changed device (most logins are the same device again), and
/// answers from the same snapshot whether the account may log in.
const RECORD_LOGIN: &str = "WITH account AS (
         SELECT blocked FROM nim_accounts WHERE app_key = $1 AND accid = $2
     ), changed AS (
         UPDATE nim_accounts SET last_login_device_id = $3
         WHERE app_key = $1 AND accid = $2 AND NOT blocked AND last_login_device_id <> $3
     )
     SELECT NOT blocked FROM account";
/// Forgets old nonces and records the new one in one statement.
const USE_NONCE: &str = "WITH forgotten AS (DELETE FROM nim_nonces WHERE seen_at < $4)
     INSERT INTO nim_nonces (app_key, nonce, seen_at) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING";

/// One connection with its prepared statements.
struct Connection {
    client: Client,
    statements: Statements,
}

/// Accounts in PostgreSQL.
pub struct PostgresStore {
    url: String,
    /// Each slot is reconnected on first use after its connection broke.
    connections: Vec<Mutex<Option<Arc<Connection>>>>,
    next: AtomicUsize,
}

async fn open(url: &str) -> Result<Client, Error> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await?;
    tokio::spawn(async move {
        if let Err(err) = connection.await {
            warn!(error = %err, "postgres connection ended");
        }
    });
    Ok(client)
}

/// Prepares every statement on `client` (pipelined: one round trip in all).
async fn prepare(client: Client) -> Result<Connection, Error> {
    let (create, set_token, set_blocked, check_login, record_login, use_nonce) = try_join!(
        client.prepare(CREATE),
        client.prepare(SET_TOKEN),
        client.prepare(SET_BLOCKED),
        client.prepare(CHECK_LOGIN),
        client.prepare(RECORD_LOGIN),
        client.prepare(USE_NONCE),
    )?;
    Ok(Connection {
        client,
        statements: Statements {
            create,
            set_token,
            set_blocked,
            check_login,
            record_login,
            use_nonce,
        },
    })
}

impl PostgresStore {
    /// Connects to `url` and creates the tables when missing.
    pub async fn connect(url: &str) -> Result<PostgresStore, Error> {
        let first = open(url).await?;
        first
            .batch_execute(&format!(
                "BEGIN; SELECT pg_advisory_xact_lock({SCHEMA_LOCK}); {SCHEMA} COMMIT;"
            ))
            .await?;
        let mut connections = vec![Mutex::new(Some(Arc::new(prepare(first).await?)))];
        connections.extend((1..CONNECTIONS).map(|_| Mutex::new(None)));
        Ok(PostgresStore {
            url: url.to_owned(),
            connections,
            next: AtomicUsize::new(0),
        })
    }

    /// A live connection, round robin, reconnecting a broken one.
    async fn connection(&self) -> Result<Arc<Connection>, Error> {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.connections.len();
        let mut slot = self.connections[i].lock().await;
        match slot.as_ref() {
            Some(connection) if !connection.client.is_closed() => Ok(Arc::clone(connection)),
            _ => {
                let connection = Arc::new(prepare(open(&self.url).await?).await?);
                *slot = Some(Arc::clone(&connection));
                Ok(connection)
            }
        }
    }

    /// Runs one prepared statement; whether it changed exactly one row.
    async fn execute_one(
        &self,
        statement: fn(&Statements) -> &Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<bool, Error> {
        within(async {
            let connection = self.connection().await?;
            let rows = connection
                .client
                .execute(statement(&connection.statements), params)
                .await?;
            Ok(rows == 1)
        })
        .await
    }

    /// Runs one prepared statement that returns at most one row.
    async fn query_opt(
        &self,
        statement: fn(&Statements) -> &Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, Error> {
        within(async {
            let connection = self.connection().await?;
            Ok(connection
                .client
                .query_opt(statement(&connection.statements), params)
                .await?)
        })
        .await
    }
}

/// `call`'s outcome, or an error when it took longer than [`ANSWER_TIMEOUT`].
async fn within<T>(call: impl std::future::Future<Output = Result<T, Error>>) -> Result<T, Error> {
    tokio::time::timeout(ANSWER_TIMEOUT, call)
        .await
        .unwrap_or_else(|_| Err(Error::Backend("postgres: no answer in time".into())))
}

impl AccountStore for PostgresStore {
    fn create<'a>(
        &'a self,
        app: &'a str,
        accid: &'a str,
        name: &'a str,
        token: HashedToken,
    ) -> BoxFuture<'a, Result<Created, Error>> {
        async move {
            let inserted = self
                .execute_one(
                    |s| &s.create,
                    &[&app, &accid, &name, &&token.salt[..], &token.hash],
                )
                .await?;
            Ok(Created::from_inserted(inserted))
        }
        .boxed()
    }

    fn set_token<'a>(
        &'a self,
        app: &'a str,
        accid: &'a str,
        token: HashedToken,
    ) -> BoxFuture<'a, Result<bool, Error>> {
        async move {
            self.execute_one(
                |s| &s.set_token,
                &[&app, &accid, &&token.salt[..], &token.hash],
            )
            .await
        }
        .boxed()
    }

    fn set_blocked<'a>(
        &'a self,
        app: &'a str,
        accid: &'a str,
        blocked: bool,
    ) -> BoxFuture<'a, Result<bool, Error>> {
        async move {
            self.execute_one(|s| &s.set_blocked, &[&app, &accid, &blocked])
                .await
        }
        .boxed()
    }

    fn check_login<'a>(
        &'a self,
        app: &'a str,
        accid: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<LoginCheck, Error>> {
        async move {
            let row = self.query_opt(|s| &s.check_login, &[&app, &accid]).await?;
            let row = row
                .map(|r| -> Result<_, tokio_postgres::Error> {
                    Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?))
                })
                .transpose()?;
            Ok(judge_login(row, token))
        }
        .boxed()
    }

    fn record_login<'a>(
        &'a self,
        app: &'a str,
        accid: &'a str,
        device_id: &'a str,
    ) -> BoxFuture<'a, Result<bool, Error>> {
        async move {
            let row = self
                .query_opt(|s| &s.record_login, &[&app, &accid, &device_id])
                .await?;
            Ok(match row {
                Some(row) => row.try_get::<_, bool>(0)?,
                None => false,
            })
        }
        .boxed()
    }

    fn use_nonce<'a>(
        &'a self,
        app: &'a str,
        nonce: &'a str,
        now_secs: i64,
    ) -> BoxFuture<'a, Result<bool, Error>> {
        async move {
            let forget_before = now_secs - NONCE_MEMORY_SECS;
            self.execute_one(|s| &s.use_nonce, &[&app, &nonce, &now_secs, &forget_before])
                .await
        }
        .boxed()
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), Error>> {
        async move {
            within(async {
                let connection = self.connection().await?;
                connection.client.simple_query("SELECT 1").await?;
                Ok(())
            })
            .await
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    //! They need `NIM_TEST_POSTGRES` to name a database: `#[ignore]`d under a plain
    //! `cargo test`, run by scripts/test-cluster.sh with `--include-ignored`, and
    //! failing when run without it.

    use crate::store::{contract, random_token, Store};

    async fn store() -> Store {
        let url = std::env::var("NIM_TEST_POSTGRES")
            .expect("NIM_TEST_POSTGRES is not set: run this test through scripts/test-cluster.sh");
        Store::connect_postgres(&url).await.expect("connect")
    }

    #[tokio::test]
    #[ignore = "needs PostgreSQL: scripts/test-cluster.sh runs it"]
    async fn tokens_are_checked_in_postgres() {
        let store = store().await;
        contract::tokens_are_checked(&store, &format!("app-{}", random_token())).await;
    }

    #[tokio::test]
    #[ignore = "needs PostgreSQL: scripts/test-cluster.sh runs it"]
    async fn a_nonce_is_accepted_once_in_postgres() {
        let store = store().await;
        let app = format!("app-{}", random_token());
        contract::a_nonce_is_accepted_once(&store, &app).await;
    }
}
