//! The login limits: attempts per IP address, and refused tokens per account
//! (see `login_failures`), behind one interface for the login path.

use std::net::IpAddr;
use std::time::Instant;

use crate::config::Config;
use crate::limits::LoginAttempts;
use crate::login_failures::LoginFailures;

/// Both login limits.
#[derive(Debug)]
pub struct LoginLimiter {
    attempts: LoginAttempts,
    failures: LoginFailures,
}

impl LoginLimiter {
    /// The limits of `config`. Development mode lifts the per-IP limit: a browser
    /// test suite logs in from one address many times a minute.
    pub fn new(config: &Config) -> LoginLimiter {
        let limits = &config.limits;
        let per_ip = if config.dev {
            u32::MAX
        } else {
            limits.login_attempts_per_ip
        };
        LoginLimiter {
            attempts: LoginAttempts::new(per_ip, limits.login_attempt_window),
            failures: LoginFailures::new(
                limits.login_failures_per_account,
                limits.login_attempt_window,
            ),
        }
    }

    /// Counts one login attempt from `ip`; `false` when it is over the limit.
    pub async fn attempt(&self, ip: IpAddr) -> bool {
        self.attempts.allow(ip, Instant::now())
    }

    /// Whether the account has used up its refused tokens for the window.
    pub async fn failures_exhausted(&self, app: &str, account: &str) -> bool {
        self.failures.exhausted(app, account, Instant::now())
    }

    /// Counts one refused token for the account.
    pub async fn record_failure(&self, app: &str, account: &str) {
        self.failures.record(app, account, Instant::now())
    }
}
