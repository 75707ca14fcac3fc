//! Counters, gauges and histograms for `GET /metrics`, kept by the `prometheus`
//! crate in a registry of this server's own (so two servers in one test process
//! count apart) and rendered in its text exposition format.

use std::time::Duration;

use nim_protocol::KickReason;
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts,
    Registry, TextEncoder,
};

/// The server's metrics. Cheap to update from any task.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    connections_open: IntGauge,
    connections_total: IntCounter,
    connections_refused: IntCounter,
    sessions_live: IntGauge,
    logins: IntCounterVec,
    kicks: IntCounterVec,
    pushes: IntCounter,
    api_calls: IntCounterVec,
    login_seconds: HistogramVec,
    kick_seconds: Histogram,
    push_fanout_seconds: Histogram,
    protocol_connections: IntCounterVec,
    protocol_logins: IntCounterVec,
}

/// The `protocol` label of nim-wasm's own `/ws` connections.
pub const NIM_WASM: &str = "nim-wasm";
/// The `protocol` label of the official NIM SDK on the binary websocket.
pub const NIM_BINARY: &str = "nim-binary";
/// The `protocol` label of the official NIM SDK on socket.io.
pub const NIM_SOCKETIO: &str = "nim-socketio";

fn kick_name(reason: KickReason) -> &'static str {
    match reason {
        KickReason::SamePlatformKick => "samePlatformKick",
        KickReason::ServerKick => "serverKick",
        KickReason::OtherPlatformKick => "otherPlatformKick",
    }
}

/// Buckets from a tenth of a millisecond to ten seconds: a push fan-out on one
/// node takes microseconds, a login through PostgreSQL and Redis milliseconds.
const BUCKETS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 1.0, 10.0,
];

/// Registers `metric` and hands it back; the names below are fixed and distinct.
fn registered<M: prometheus::core::Collector + Clone + 'static>(r: &Registry, metric: M) -> M {
    // The registry refuses only a name registered twice, and each name below is
    // registered once, when the server starts.
    r.register(Box::new(metric.clone()))
        .expect("metric names are distinct");
    metric
}

// The constructors below fail only on an invalid name, help or label; every caller
// passes `nim_*` literals with a help text, which are valid.

fn gauge(r: &Registry, name: &str, help: &str) -> IntGauge {
    registered(r, IntGauge::new(name, help).expect("valid metric"))
}

fn counter(r: &Registry, name: &str, help: &str) -> IntCounter {
    registered(r, IntCounter::new(name, help).expect("valid metric"))
}

fn counter_by(r: &Registry, name: &str, help: &str, label: &str) -> IntCounterVec {
    let opts = Opts::new(name, help);
    registered(r, IntCounterVec::new(opts, &[label]).expect("valid metric"))
}

fn histogram(r: &Registry, name: &str, help: &str) -> Histogram {
    let opts = HistogramOpts::new(name, help).buckets(BUCKETS.to_vec());
    registered(r, Histogram::with_opts(opts).expect("valid metric"))
}

fn histogram_by(r: &Registry, name: &str, help: &str, label: &str) -> HistogramVec {
    let opts = HistogramOpts::new(name, help).buckets(BUCKETS.to_vec());
    registered(r, HistogramVec::new(opts, &[label]).expect("valid metric"))
}

impl Default for Metrics {
    fn default() -> Self {
        let r = Registry::new();
        let metrics = Metrics {
            connections_open: gauge(
                &r,
                "nim_connections_open",
                "Open WebSocket connections, logged in or not.",
            ),
            connections_total: counter(
                &r,
                "nim_connections_total",
                "WebSocket connections accepted.",
            ),
            connections_refused: counter(
                &r,
                "nim_connections_refused_total",
                "WebSocket connections closed at once for the total connection limit.",
            ),
            sessions_live: gauge(
                &r,
                "nim_sessions_live",
                "Logged-in devices in the session registry.",
            ),
            logins: counter_by(
                &r,
                "nim_logins_total",
                "Login attempts by result code (200 = accepted).",
                "code",
            ),
            kicks: counter_by(
                &r,
                "nim_kicks_total",
                "Devices kicked, by reason.",
                "reason",
            ),
            pushes: counter(&r, "nim_pushes_total", "loginPorts pushes sent to devices."),
            api_calls: counter_by(
                &r,
                "nim_api_calls_total",
                "Server API calls by result code.",
                "code",
            ),
            login_seconds: histogram_by(
                &r,
                "nim_login_seconds",
                "Time from a login message to its answer, by result code.",
                "code",
            ),
            kick_seconds: histogram(
                &r,
                "nim_kick_seconds",
                "Time to decide and deliver a device's kick request.",
            ),
            push_fanout_seconds: histogram(
                &r,
                "nim_push_fanout_seconds",
                "Time to queue one account change's notices to its devices on this node.",
            ),
            protocol_connections: counter_by(
                &r,
                "nim_protocol_connections_total",
                "WebSocket connections accepted, by the client's protocol.",
                "protocol",
            ),
            protocol_logins: registered(
                &r,
                // Valid literals, as the constructors above.
                IntCounterVec::new(
                    Opts::new(
                        "nim_protocol_logins_total",
                        "Login attempts by the client's protocol and result code.",
                    ),
                    &["protocol", "code"],
                )
                .expect("valid metric"),
            ),
            registry: r,
        };
        for protocol in [NIM_WASM, NIM_BINARY, NIM_SOCKETIO] {
            metrics.protocol_connections.with_label_values(&[protocol]);
        }
        for reason in [
            KickReason::SamePlatformKick,
            KickReason::ServerKick,
            KickReason::OtherPlatformKick,
        ] {
            metrics.kicks.with_label_values(&[kick_name(reason)]);
        }
        metrics
    }
}

impl Metrics {
    /// A WebSocket connection was accepted.
    pub fn connection_opened(&self) {
        self.connections_open.inc();
        self.connections_total.inc();
    }

    /// A WebSocket connection ended.
    pub fn connection_closed(&self) {
        self.connections_open.dec();
    }

    /// A WebSocket connection was refused for the total connection limit.
    pub fn connection_refused(&self) {
        self.connections_refused.inc();
    }

    /// A login ended with this NIM code (200 for success) after `took`.
    pub fn login(&self, code: u16, took: Duration) {
        let code = code.to_string();
        self.logins.with_label_values(&[&code]).inc();
        self.login_seconds
            .with_label_values(&[&code])
            .observe(took.as_secs_f64());
    }

    /// A logged-in device joined (`+1`) or left (`-1`) the session registry.
    pub fn sessions_changed(&self, delta: i64) {
        self.sessions_live.add(delta);
    }

    /// A device was kicked.
    pub fn kick(&self, reason: KickReason) {
        self.kicks.with_label_values(&[kick_name(reason)]).inc();
    }

    /// A device's kick request was decided and delivered in `took`.
    pub fn kick_latency(&self, took: Duration) {
        self.kick_seconds.observe(took.as_secs_f64());
    }

    /// `n` `loginPorts` pushes were queued to devices.
    pub fn pushes(&self, n: usize) {
        self.pushes.inc_by(n as u64);
    }

    /// One change's notices were queued to this node's devices in `took`.
    pub fn push_fanout(&self, took: Duration) {
        self.push_fanout_seconds.observe(took.as_secs_f64());
    }

    /// A WebSocket connection speaking `protocol` was accepted.
    pub fn protocol_connection(&self, protocol: &str) {
        self.protocol_connections
            .with_label_values(&[protocol])
            .inc();
    }

    /// A login over `protocol` ended with this NIM code.
    pub fn protocol_login(&self, protocol: &str, code: u16) {
        self.protocol_logins
            .with_label_values(&[protocol, &code.to_string()])
            .inc();
    }

    /// A server API call answered with this code.
    pub fn api_call(&self, code: u16) {
        self.api_calls.with_label_values(&[&code.to_string()]).inc();
    }

    /// The Prometheus text of every metric.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        // Encoding into a Vec only fails on metrics the registry would have refused.
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .expect("metrics encode");
        // The text format is built from the metrics' UTF-8 names, help and labels.
        String::from_utf8(out).expect("the text format is UTF-8")
    }
}
