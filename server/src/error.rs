//! What can stop the server from starting or running.

/// What can stop the server from starting or running.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is not usable.
    #[error("configuration: {0}")]
    Config(String),
    /// A socket or file failed.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The database failed.
    #[error("database: {0}")]
    Store(#[from] rusqlite::Error),
    /// PostgreSQL or Redis failed (scale-out backends).
    #[error("backend: {0}")]
    Backend(String),
    /// A bug: a background task failed.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<redis::RedisError> for Error {
    fn from(err: redis::RedisError) -> Error {
        Error::Backend(format!("redis: {err}"))
    }
}
