//! The login limits: attempts per IP address, and refused tokens per account.
//!
//! Both are fixed windows: at most so many per `login_attempt_window`, counted from
//! the first one. A token guesser spread over many addresses (so past the per-IP
//! limit) still gets only a few guesses per account per window: only refused tokens
//! (302) count, so a device that reconnects often is never held back by its own
//! successful logins. Once an account's failures in the window reach the limit, its
//! logins are refused with 416 before the token is even checked, until the window
//! ends; a success does not reset the count, or a guesser could wait for the owner
//! to log in and go on.
//!
//! On one node the counters live in a TTL cache (moka): each expires a window after
//! its first count, and the cache is bounded, so nothing ever sweeps the keys.
//! GCRA limiters such as governor were not used: the per-account check must read
//! the count without adding to it (it runs before the token is checked), which a
//! GCRA cell cannot, and their keyed state grows until swept. With Redis the same
//! windows are Redis keys with a TTL, shared by every node, so N nodes allow the
//! limit once, not N times.

use std::net::IpAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;
use redis::aio::ConnectionManager;
use tracing::warn;

use crate::config::Config;
use crate::error::Error;

/// Keys tracked per limit on one node; beyond it the least used are forgotten first.
const MAX_KEYS: u64 = 1 << 20;

/// Counts per key over fixed windows.
enum Windows {
    /// In this process.
    Local(Cache<String, Arc<AtomicU32>>),
    /// In Redis, under `prefix`.
    Shared {
        redis: ConnectionManager,
        prefix: String,
        window: Duration,
    },
}

impl Windows {
    /// Adds one to `key`'s window; the count so far, this one included.
    async fn count(&self, key: &str) -> u32 {
        match self {
            Windows::Local(cache) => {
                let counter = cache.get_with(key.to_owned(), || Arc::new(AtomicU32::new(0)));
                counter.fetch_add(1, Ordering::Relaxed).saturating_add(1)
            }
            Windows::Shared {
                redis,
                prefix,
                window,
            } => {
                let mut redis = redis.clone();
                let key = format!("{prefix}:{key}");
                let mut pipe = redis::pipe();
                pipe.atomic()
                    .incr(&key, 1)
                    .cmd("PEXPIRE")
                    .arg(&key)
                    .arg(window.as_millis() as u64)
                    .arg("NX");
                let counted: Result<(u32, i64), _> = bounded(pipe.query_async(&mut redis)).await;
                counted.map_or_else(|err| unavailable(&err), |(n, _)| n)
            }
        }
    }

    /// The count of `key`'s current window, without adding to it.
    async fn read(&self, key: &str) -> u32 {
        match self {
            Windows::Local(cache) => cache
                .get(key)
                .map_or(0, |counter| counter.load(Ordering::Relaxed)),
            Windows::Shared { redis, prefix, .. } => {
                let mut redis = redis.clone();
                let mut get = redis::cmd("GET");
                get.arg(format!("{prefix}:{key}"));
                let read: Result<Option<u32>, _> = bounded(get.query_async(&mut redis)).await;
                read.map_or_else(|err| unavailable(&err), |n| n.unwrap_or(0))
            }
        }
    }
}

/// `call`'s answer, or an error when Redis gives none within [`crate::cluster::REDIS_WAIT`]
/// (a reconnecting connection would otherwise hold the login).
async fn bounded<T>(
    call: impl std::future::Future<Output = redis::RedisResult<T>>,
) -> redis::RedisResult<T> {
    tokio::time::timeout(crate::cluster::REDIS_WAIT, call)
        .await
        .unwrap_or_else(|_| Err((redis::ErrorKind::IoError, "no answer in time").into()))
}

/// A limit that cannot be read counts as not reached: Redis being down already
/// stops logins where they place the device, and says so there.
fn unavailable(err: &redis::RedisError) -> u32 {
    warn!(error = %err, "login limit unavailable in Redis");
    0
}

/// Both login limits.
pub struct LoginLimiter {
    windows: Windows,
    per_ip: u32,
    failures_per_account: u32,
}

impl std::fmt::Debug for LoginLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginLimiter")
            .field("per_ip", &self.per_ip)
            .field("failures_per_account", &self.failures_per_account)
            .finish_non_exhaustive()
    }
}

impl LoginLimiter {
    /// The limits of `config`, shared through Redis when it names one. Development
    /// mode lifts the per-IP limit: a browser test suite logs in from one address
    /// many times a minute.
    pub async fn new(config: &Config) -> Result<LoginLimiter, Error> {
        let limits = &config.limits;
        let window = limits.login_attempt_window;
        let windows = match &config.redis {
            None => Windows::Local(
                Cache::builder()
                    .max_capacity(MAX_KEYS)
                    .time_to_live(window)
                    .build(),
            ),
            Some(url) => {
                let client = redis::Client::open(url.as_str())?;
                let settings = crate::cluster::manager_config();
                Windows::Shared {
                    redis: client.get_connection_manager_with_config(settings).await?,
                    prefix: format!("{}:limit", config.redis_prefix),
                    window,
                }
            }
        };
        Ok(LoginLimiter {
            windows,
            per_ip: if config.dev {
                u32::MAX
            } else {
                limits.login_attempts_per_ip
            },
            failures_per_account: limits.login_failures_per_account,
        })
    }

    /// Counts one login attempt from `ip`; `false` when it is over the limit.
    pub async fn attempt(&self, ip: IpAddr) -> bool {
        if self.per_ip == u32::MAX {
            return true;
        }
        self.windows.count(&format!("ip:{ip}")).await <= self.per_ip
    }

    /// Whether the account has used up its refused tokens for the window.
    pub async fn failures_exhausted(&self, app: &str, account: &str) -> bool {
        self.windows.read(&failure_key(app, account)).await >= self.failures_per_account
    }

    /// Counts one refused token for the account.
    pub async fn record_failure(&self, app: &str, account: &str) {
        self.windows.count(&failure_key(app, account)).await;
    }
}

/// The length-prefixed, unambiguous key of an account's failures.
fn failure_key(app: &str, account: &str) -> String {
    format!("fail:{}:{app}:{account}", app.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_ip: u32, failures: u32, window: Duration) -> LoginLimiter {
        LoginLimiter {
            windows: Windows::Local(Cache::builder().time_to_live(window).build()),
            per_ip,
            failures_per_account: failures,
        }
    }

    #[tokio::test]
    async fn attempts_are_counted_per_address_and_reset_with_the_window() {
        let limit = limiter(2, 10, Duration::from_millis(300));
        let ip: IpAddr = [127, 0, 0, 1].into();
        assert!(limit.attempt(ip).await);
        assert!(limit.attempt(ip).await);
        assert!(!limit.attempt(ip).await);
        assert!(limit.attempt([127, 0, 0, 2].into()).await);
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(limit.attempt(ip).await);
    }

    #[tokio::test]
    async fn failures_exhaust_one_account_until_the_window_ends() {
        let failures = limiter(60, 2, Duration::from_millis(300));
        assert!(!failures.failures_exhausted("app", "alice").await);
        failures.record_failure("app", "alice").await;
        assert!(!failures.failures_exhausted("app", "alice").await);
        failures.record_failure("app", "alice").await;
        assert!(failures.failures_exhausted("app", "alice").await);
        assert!(!failures.failures_exhausted("app", "bob").await);
        assert!(!failures.failures_exhausted("other", "alice").await);
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(!failures.failures_exhausted("app", "alice").await);
    }
}
