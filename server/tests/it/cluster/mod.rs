//! Helpers for the cross-node tests: nodes that share PostgreSQL and Redis.
//!
//! The tests need `NIM_TEST_POSTGRES` and `NIM_TEST_REDIS` to name running servers
//! (`scripts/test-cluster.sh` starts both on loopback, sets them and runs these
//! tests with `--include-ignored`); each is `#[ignore]`d with that reason, so a
//! plain `cargo test` lists it as ignored, and run without the services it fails. Every test uses its own
//! Redis key prefix, so its nodes see only each other, and its own account names,
//! so tests sharing the database do not meet.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use nim_server::config::ClusterTiming;
use nim_server::{Config, Policy};
use rand::Rng;

use crate::common::{self, TestServer, APP, SECRET};

pub mod fleet;
pub mod own;

/// Node lease in these tests: a dead node is swept within this plus [`SWEEP`].
pub const LEASE: Duration = Duration::from_millis(1000);
/// Sweep interval in these tests.
pub const SWEEP: Duration = Duration::from_millis(200);

/// Node lease in the fault tests: long enough that a loaded machine does not lose
/// it by accident, short enough that the tests outlast it.
pub const FAULT_LEASE: Duration = Duration::from_millis(2000);

/// What pages may meet during a backend fault, as [`fleet`] records it: each is
/// retried by the SDK, none is terminal.
pub const FAULT_CODES: &[&str] = &[
    "close 1012",
    "loginFailed 500",
    "closed without a close frame",
];

/// Nodes in this process sharing `backends`, the test app under `multi`, one per
/// entry of `redis`: `Some(url)` reaches Redis at that URL instead (through a
/// proxy). Lease [`FAULT_LEASE`]; the per-address login limit is lifted, since
/// every test device logs in from 127.0.0.1.
pub async fn fault_nodes(backends: &Backends, redis: &[Option<String>]) -> Vec<TestServer> {
    let mut nodes = Vec::new();
    for url in redis {
        let mut config = node_config(backends, Policy::Multi(10));
        config.cluster.node_lease = FAULT_LEASE;
        config.cluster.sweep_interval = Duration::from_millis(300);
        config.limits.login_attempts_per_ip = u32::MAX - 1;
        if let Some(url) = url {
            config.redis = Some(url.clone());
        }
        nodes.push(TestServer::start_with(config).await);
    }
    nodes
}

/// Where the shared backends are.
#[derive(Clone)]
pub struct Backends {
    pub postgres: String,
    pub redis: String,
    /// This test's Redis key prefix.
    pub prefix: String,
}

/// The backends, with a fresh prefix; a test asking for them without them fails.
pub fn backends() -> Backends {
    match (
        std::env::var("NIM_TEST_POSTGRES"),
        std::env::var("NIM_TEST_REDIS"),
    ) {
        (Ok(postgres), Ok(redis)) => Backends {
            postgres,
            redis,
            prefix: format!("nimtest-{}", unique("")),
        },
        _ => panic!(
            "NIM_TEST_POSTGRES and NIM_TEST_REDIS are not set: \
             run this test through scripts/test-cluster.sh"
        ),
    }
}

/// A name no other test uses.
pub fn unique(name: &str) -> String {
    format!("{name}{:012x}", rand::thread_rng().gen::<u64>() >> 16)
}

/// A node's configuration: the test app under `policy`, sharing `backends`.
pub fn node_config(backends: &Backends, policy: Policy) -> Config {
    let mut config = common::config(policy);
    config.database = Some(backends.postgres.clone());
    config.redis = Some(backends.redis.clone());
    config.redis_prefix = backends.prefix.clone();
    config.cluster = ClusterTiming {
        node_lease: LEASE,
        sweep_interval: SWEEP,
        ..ClusterTiming::default()
    };
    config
}

/// A node in this process: the test app under `policy`, sharing `backends`.
pub async fn start_node(backends: &Backends, policy: Policy) -> TestServer {
    TestServer::start_with(node_config(backends, policy)).await
}

/// Two nodes in this process sharing `backends`, the test app under `policy` on both.
pub async fn two_nodes(backends: &Backends, policy: Policy) -> (TestServer, TestServer) {
    (
        start_node(backends, policy).await,
        start_node(backends, policy).await,
    )
}

/// A node running as its own process (the real binary), so it can be killed.
pub struct NodeProcess {
    pub child: Child,
    pub addr: String,
    config_file: std::path::PathBuf,
}

impl NodeProcess {
    /// Starts `nim-server` on a free loopback port sharing `backends`.
    pub fn start(backends: &Backends) -> NodeProcess {
        let config_file = std::env::temp_dir().join(format!("{}.toml", unique("nim-node-")));
        std::fs::write(
            &config_file,
            format!(
                "[cluster]\nnode_lease_ms = {}\nsweep_interval_ms = {}\n",
                LEASE.as_millis(),
                SWEEP.as_millis()
            ),
        )
        .expect("write config");
        let mut child = Command::new(env!("CARGO_BIN_EXE_nim-server"))
            .args(["--listen", "127.0.0.1:0"])
            .args(["--app", &format!("{APP}:{SECRET}:multi")])
            .args(["--database", &backends.postgres])
            .args(["--redis", &backends.redis])
            .args(["--redis-prefix", &backends.prefix])
            .arg("--config")
            .arg(&config_file)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .expect("start nim-server");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the listening line");
        let addr = line
            .trim()
            .strip_prefix("nim-server listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        NodeProcess {
            child,
            addr,
            config_file,
        }
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// Kills the process at once (SIGKILL): no goodbye to anyone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_file(&self.config_file);
    }
}

/// Where a story shared by both backends runs: one node, or two nodes of a
/// cluster. The story logs its devices in through [`Nodes::a`] and [`Nodes::b`] in
/// turn; on one node both are the same server, on a cluster each device's
/// neighbours are on the other node.
pub struct Nodes {
    a: TestServer,
    b: Option<TestServer>,
}

impl Nodes {
    /// One node with the test app under `policy`, its configuration then changed
    /// by `adjust`.
    pub async fn one(policy: Policy, adjust: fn(&mut Config)) -> Nodes {
        let mut config = common::config(policy);
        adjust(&mut config);
        Nodes {
            a: TestServer::start_with(config).await,
            b: None,
        }
    }

    /// Two nodes sharing PostgreSQL and Redis, configured like [`Nodes::one`].
    pub async fn cluster(policy: Policy, adjust: fn(&mut Config)) -> Nodes {
        let backends = backends();
        let mut config = node_config(&backends, policy);
        adjust(&mut config);
        let a = TestServer::start_with(config.clone()).await;
        let b = TestServer::start_with(config).await;
        Nodes { a, b: Some(b) }
    }

    pub fn a(&self) -> &TestServer {
        &self.a
    }

    pub fn b(&self) -> &TestServer {
        self.b.as_ref().unwrap_or(&self.a)
    }

    /// A new account with token `t`, named after `name` but unique to this test
    /// (a cluster's database is shared by every test).
    pub async fn account(&self, name: &str) -> String {
        let account = unique(name);
        self.a.create_account(&account, "t").await;
        account
    }
}
