//! Counters for `GET /metrics`, in the Prometheus text exposition format.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

use nim_protocol::KickReason;

/// The server's counters and gauges. Cheap to update from any task.
#[derive(Debug, Default)]
pub struct Metrics {
    connections_open: AtomicI64,
    connections_total: AtomicU64,
    connections_refused: AtomicU64,
    sessions_live: AtomicI64,
    logins: Mutex<BTreeMap<u16, u64>>,
    kicks: [AtomicU64; 3],
    pushes: AtomicU64,
    api_calls: Mutex<BTreeMap<u16, u64>>,
}

fn kick_index(reason: KickReason) -> usize {
    match reason {
        KickReason::SamePlatformKick => 0,
        KickReason::ServerKick => 1,
        KickReason::OtherPlatformKick => 2,
    }
}

const KICK_NAMES: [&str; 3] = ["samePlatformKick", "serverKick", "otherPlatformKick"];

fn bump(map: &Mutex<BTreeMap<u16, u64>>, code: u16) {
    // Only counters live behind this lock; a poisoned one is still consistent.
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    *map.entry(code).or_default() += 1;
}

impl Metrics {
    /// A WebSocket connection was accepted.
    pub fn connection_opened(&self) {
        self.connections_open.fetch_add(1, Relaxed);
        self.connections_total.fetch_add(1, Relaxed);
    }

    /// A WebSocket connection ended.
    pub fn connection_closed(&self) {
        self.connections_open.fetch_sub(1, Relaxed);
    }

    /// A WebSocket connection was refused for the total connection limit.
    pub fn connection_refused(&self) {
        self.connections_refused.fetch_add(1, Relaxed);
    }

    /// A login ended with this NIM code (200 for success).
    pub fn login(&self, code: u16) {
        bump(&self.logins, code);
    }

    /// A logged-in device joined (`+1`) or left (`-1`) the session registry.
    pub fn sessions_changed(&self, delta: i64) {
        self.sessions_live.fetch_add(delta, Relaxed);
    }

    /// A device was kicked.
    pub fn kick(&self, reason: KickReason) {
        self.kicks[kick_index(reason)].fetch_add(1, Relaxed);
    }

    /// A `loginPorts` push was queued to one device.
    pub fn push(&self) {
        self.pushes.fetch_add(1, Relaxed);
    }

    /// A server API call answered with this code.
    pub fn api_call(&self, code: u16) {
        bump(&self.api_calls, code);
    }

    /// The Prometheus text of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut gauge = |name: &str, help: &str, value: i64| {
            // Writing to a String cannot fail.
            let _ = write!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
            );
        };
        gauge(
            "nim_connections_open",
            "Open WebSocket connections, logged in or not.",
            self.connections_open.load(Relaxed),
        );
        gauge(
            "nim_sessions_live",
            "Logged-in devices in the session registry.",
            self.sessions_live.load(Relaxed),
        );
        let mut counter = |name: &str, help: &str, rows: Vec<(String, u64)>| {
            let _ = write!(out, "# HELP {name} {help}\n# TYPE {name} counter\n");
            for (labels, value) in rows {
                let _ = writeln!(out, "{name}{labels} {value}");
            }
        };
        counter(
            "nim_connections_total",
            "WebSocket connections accepted.",
            vec![(String::new(), self.connections_total.load(Relaxed))],
        );
        counter(
            "nim_connections_refused_total",
            "WebSocket connections closed at once for the total connection limit.",
            vec![(String::new(), self.connections_refused.load(Relaxed))],
        );
        let by_code = |map: &Mutex<BTreeMap<u16, u64>>| {
            let map = map.lock().unwrap_or_else(|p| p.into_inner());
            map.iter()
                .map(|(code, n)| (format!("{{code=\"{code}\"}}"), *n))
                .collect::<Vec<_>>()
        };
        counter(
            "nim_logins_total",
            "Login attempts by result code (200 = accepted).",
            by_code(&self.logins),
        );
        counter(
            "nim_kicks_total",
            "Devices kicked, by reason.",
            KICK_NAMES
                .iter()
                .zip(&self.kicks)
                .map(|(name, n)| (format!("{{reason=\"{name}\"}}"), n.load(Relaxed)))
                .collect(),
        );
        counter(
            "nim_pushes_total",
            "loginPorts pushes sent to devices.",
            vec![(String::new(), self.pushes.load(Relaxed))],
        );
        counter(
            "nim_api_calls_total",
            "Server API calls by result code.",
            by_code(&self.api_calls),
        );
        out
    }
}
