//! Scale-out (issue 8): logins per second and fan-out with one node versus two on
//! PostgreSQL and Redis, and what Redis costs per login, all against one embedded
//! node measured in the same run.
//!
//! | configuration | nodes | accounts | live devices | measured |
//! |---|---|---|---|---|
//! | `embedded` | 1 | SQLite | in memory | everything (the baseline) |
//! | `sqlite_redis` | 1 | SQLite | Redis | one at a time only: Redis's share apart from PostgreSQL's |
//! | `one_node` | 1 | PostgreSQL | Redis | everything, and Redis's counters |
//! | `two_nodes` | 2 | PostgreSQL | Redis | logins per second, fan-out |
//!
//! - Logins per second: [`rate::logins`], worker `w` on node `w % nodes`, with the
//!   CPU time per login of each process involved (`/proc`: the nodes, their
//!   PostgreSQL backends, Redis, this generator) and of the rest of the machine.
//! - Fan-out: [`fanout::measure`], watchers spread over the nodes.
//! - One at a time: logins, each waiting for the last and its device staying, then
//!   logouts the same way; one device per account, so nothing is pushed. On
//!   `one_node`, Redis's counters (`INFO stats`, `INFO commandstats`) are read
//!   around the logins, around the logouts and around an idle window as long as
//!   both (at least 5 s), whose rate (the node's lease, sweep and inbox reads) is
//!   subtracted: what is left is what the logins and logouts cost.
//! - Redis's own round trip from the generator: a `PING` loop.
//!
//! Each run gets a fresh PostgreSQL database (`CREATE DATABASE` through `psql`,
//! dropped at the end) and each configuration its own Redis key prefix.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use nim_protocol::{ClientMessage, LogoutRequest};
use serde::Serialize;

use crate::cpu;
use crate::device::{create_accounts, Account, Device};
use crate::fanout::{self, ms, FanoutReport};
use crate::net::Sources;
use crate::postgres::Database;
use crate::process::{start_node, Backend, ServerProcess, WorkDir};
use crate::rate::{self, Rate};
use crate::resp::{Counters, Redis};
use crate::stats::Summary;

/// What the phase needs: where things are and how much to do.
pub struct Settings<'a> {
    /// The `nim-server` binary.
    pub server_bin: &'a Path,
    /// Parent of the nodes' folders.
    pub work: &'a Path,
    /// Source addresses for the devices.
    pub sources: Arc<Sources>,
    /// A PostgreSQL database to create this run's database from (loopback).
    pub postgres: String,
    /// The Redis (loopback).
    pub redis: String,
    /// Logins per configuration in the logins-per-second loop, its workers and time bound.
    pub count: usize,
    /// Workers of the loop.
    pub concurrency: usize,
    /// Longest loop per configuration.
    pub limit: Duration,
    /// Fan-out rounds per configuration.
    pub rounds: usize,
    /// Devices of the fan-out account.
    pub devices: usize,
    /// Logins (and logouts) one at a time per configuration.
    pub one_at_a_time: usize,
    /// `PING`s to Redis.
    pub pings: usize,
}

/// The phase's figures.
#[derive(Debug, Serialize)]
pub struct ClusterReport {
    /// Workers of the logins-per-second loop.
    pub concurrency: usize,
    /// Logins per second.
    pub logins: Logins,
    /// Fan-out latencies.
    pub fanout: Fanouts,
    /// Login and logout latency one at a time.
    pub one_at_a_time: OneAtATime,
    /// What Redis did per login and logout on `one_node`.
    pub redis: RedisCost,
}

/// Logins per second of each configuration, with the ratios.
#[derive(Debug, Serialize)]
pub struct Logins {
    /// (a) one node, SQLite, devices in memory.
    pub embedded: LoginLoop,
    /// (b) one node on PostgreSQL and Redis.
    pub one_node: LoginLoop,
    /// (c) two nodes on PostgreSQL and Redis, the workers split between them.
    pub two_nodes: LoginLoop,
    /// `one_node / embedded`.
    pub one_node_vs_embedded: f64,
    /// `two_nodes / embedded`.
    pub two_nodes_vs_embedded: f64,
    /// `two_nodes / one_node`.
    pub two_nodes_vs_one_node: f64,
}

/// One configuration's logins-per-second loop.
#[derive(Debug, Serialize)]
pub struct LoginLoop {
    /// The rate and latency of the loop.
    pub rate: Rate,
    /// Whose CPU time a login used during the loop, µs per login.
    pub cpu_us_per_login: CpuPerLogin,
}

/// CPU time per login by process, µs.
#[derive(Debug, Serialize)]
pub struct CpuPerLogin {
    /// The nodes (`nim-server`).
    pub nim_server: f64,
    /// The nodes' PostgreSQL backends.
    pub postgres: f64,
    /// `redis-server`.
    pub redis: f64,
    /// This load generator.
    pub generator: f64,
    /// Everything else that kept the machine's cores busy meanwhile: the kernel's
    /// share not charged to a process, PostgreSQL's own background processes, and
    /// whatever else runs on the machine.
    pub rest_of_machine: f64,
}

/// The processes outside the nodes that a configuration's logins use.
#[derive(Default)]
struct Backends {
    postgres: Vec<u32>,
    redis: Option<u32>,
}

/// Fan-out of each configuration.
#[derive(Debug, Serialize)]
pub struct Fanouts {
    /// (a): every device on the one node.
    pub embedded: FanoutReport,
    /// (b): every device on the one node, pushes through its Redis inbox.
    pub one_node: FanoutReport,
    /// (c): the mover on the first node, the watchers alternating between both.
    pub two_nodes: FanoutReport,
}

/// Latency of logins and logouts one at a time.
#[derive(Debug, Serialize)]
pub struct OneAtATime {
    /// Logins (and logouts) per configuration.
    pub count: usize,
    /// (a).
    pub embedded: Latencies,
    /// One node on SQLite with Redis: Redis's share without PostgreSQL's.
    pub sqlite_redis: Latencies,
    /// (b).
    pub one_node: Latencies,
}

/// Login and logout latency, ms.
#[derive(Debug, Serialize)]
pub struct Latencies {
    /// Connect to `loginOk`.
    pub login_ms: Option<Summary>,
    /// `logout` frame to the server's close.
    pub logout_ms: Option<Summary>,
}

/// Redis's work per event, the node's background subtracted.
#[derive(Debug, Serialize)]
pub struct RedisCost {
    /// Logins (and logouts) counted.
    pub count: usize,
    /// Seconds of the idle window.
    pub idle_seconds: f64,
    /// Per login.
    pub per_login: PerEvent,
    /// Per logout.
    pub per_logout: PerEvent,
    /// Per second with no one logging in or out: the node's lease, sweep and inbox reads.
    pub background_per_second: PerEvent,
    /// `PING` from the generator to its reply, ms.
    pub ping_ms: Option<Summary>,
}

/// Redis's counters for one event.
#[derive(Debug, Serialize)]
pub struct PerEvent {
    /// Read events on client sockets (`total_reads_processed`): round trips.
    pub round_trips: f64,
    /// `total_commands_processed`.
    pub commands: f64,
    /// `INFO commandstats` calls by command, those run inside scripts and
    /// transactions included; only those of at least 0.01.
    pub calls: Vec<(String, f64)>,
}

impl PerEvent {
    fn of(counters: &Counters) -> PerEvent {
        let round = |v: f64| (v * 100.0).round() / 100.0;
        let mut calls: Vec<(String, f64)> = counters
            .calls
            .iter()
            .filter(|(name, n)| !matches!(name.as_str(), "info" | "ping") && n.abs() >= 0.01)
            .map(|(name, n)| (name.clone(), round(*n)))
            .collect();
        calls.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        PerEvent {
            round_trips: round(counters.reads),
            commands: round(counters.commands),
            calls,
        }
    }
}

/// Runs every configuration in turn; the database is dropped whatever happens.
pub async fn run(s: &Settings<'_>) -> io::Result<ClusterReport> {
    let database = Database::create(&s.postgres)?;
    let mut redis = Redis::connect(&s.redis).await?;
    let redis_pid = redis.pid().await?;
    let mut pings = Vec::with_capacity(s.pings);
    for _ in 0..s.pings {
        let t0 = Instant::now();
        redis.call(&["PING"]).await?;
        pings.push(ms(t0.elapsed()));
    }
    // Each configuration's own key prefix in the one Redis.
    let redis_as = |name: &str| {
        let prefix = format!("nim-bench-{}-{name}", std::process::id());
        Some((s.redis.clone(), prefix))
    };
    let cluster = |name: &str| Backend {
        postgres: Some(database.url.clone()),
        redis: redis_as(name),
    };

    let embedded = Nodes::start(s, "embedded", 1, &Backend::default()).await?;
    let (rate_a, fanout_a) = embedded.measure(s, "a", None).await?;
    let once_a = embedded.one_at_a_time(s, "a").await?;
    embedded.stop().await?;

    let sqlite_redis = Backend {
        postgres: None,
        redis: redis_as("sqlite"),
    };
    let node = Nodes::start(s, "sqlite-redis", 1, &sqlite_redis).await?;
    let once_sr = node.one_at_a_time(s, "sr").await?;
    node.stop().await?;

    let one = Nodes::start(s, "one-node", 1, &cluster("one")).await?;
    let (once_b, redis_cost) = one.redis_cost(s, &mut redis).await?;
    let shared = Some((&database, redis_pid));
    let (rate_b, fanout_b) = one.measure(s, "b", shared).await?;
    one.stop().await?;

    let two = Nodes::start(s, "two-nodes", 2, &cluster("two")).await?;
    let (rate_c, fanout_c) = two.measure(s, "c", shared).await?;
    two.stop().await?;

    let report = ClusterReport {
        concurrency: s.concurrency,
        logins: Logins {
            one_node_vs_embedded: rate_b.rate.per_second / rate_a.rate.per_second,
            two_nodes_vs_embedded: rate_c.rate.per_second / rate_a.rate.per_second,
            two_nodes_vs_one_node: rate_c.rate.per_second / rate_b.rate.per_second,
            embedded: rate_a,
            one_node: rate_b,
            two_nodes: rate_c,
        },
        fanout: Fanouts {
            embedded: fanout_a,
            one_node: fanout_b,
            two_nodes: fanout_c,
        },
        one_at_a_time: OneAtATime {
            count: s.one_at_a_time,
            embedded: once_a,
            sqlite_redis: once_sr,
            one_node: once_b,
        },
        redis: RedisCost {
            ping_ms: Summary::of(&pings),
            ..redis_cost
        },
    };
    eprintln!(
        "cluster: logins/s {:.0} embedded, {:.0} one node, {:.0} two nodes; \
         Redis per login {:.2} round trips, per logout {:.2}",
        report.logins.embedded.rate.per_second,
        report.logins.one_node.rate.per_second,
        report.logins.two_nodes.rate.per_second,
        report.redis.per_login.round_trips,
        report.redis.per_logout.round_trips,
    );
    Ok(report)
}

/// The nodes of one configuration, each in its own folder.
struct Nodes {
    nodes: Vec<ServerProcess>,
    addrs: Vec<SocketAddr>,
    _dirs: Vec<WorkDir>,
}

impl Nodes {
    async fn start(
        s: &Settings<'_>,
        name: &str,
        count: usize,
        backend: &Backend,
    ) -> io::Result<Nodes> {
        let (mut nodes, mut dirs) = (Vec::new(), Vec::new());
        for i in 0..count {
            let dir = WorkDir::new(s.work, &format!("cluster-{name}-{i}"))?;
            let max_devices = s.devices.max(10);
            nodes.push(
                start_node(s.server_bin, &dir.path, "127.0.0.1:0", max_devices, backend).await?,
            );
            dirs.push(dir);
        }
        let addrs = nodes.iter().map(|n| n.addr).collect();
        Ok(Nodes {
            nodes,
            addrs,
            _dirs: dirs,
        })
    }

    async fn stop(self) -> io::Result<()> {
        for node in self.nodes {
            node.stop().await?;
        }
        Ok(())
    }

    /// Logins per second (with whose CPU they used) and fan-out; `shared` names
    /// the database and Redis's pid when the nodes use them.
    async fn measure(
        &self,
        s: &Settings<'_>,
        tag: &str,
        shared: Option<(&Database, u32)>,
    ) -> io::Result<(LoginLoop, FanoutReport)> {
        let accounts =
            create_accounts(self.addrs[0], &format!("cl-{tag}"), s.concurrency, 64).await?;
        // After the accounts' creation, so the nodes' PostgreSQL connections are open.
        let backends = match shared {
            Some((database, redis)) => Backends {
                postgres: database.backends()?,
                redis: Some(redis),
            },
            None => Backends::default(),
        };
        let before = self.cpu(&backends);
        let rate = rate::logins(&self.addrs, &s.sources, accounts, s.count, s.limit).await;
        let after = self.cpu(&backends);
        let per_login = |i: usize| (after[i] - before[i]) * 1e3 / rate.completed.max(1) as f64;
        let ours: f64 = (0..4).map(per_login).sum();
        let cpu_us_per_login = CpuPerLogin {
            nim_server: per_login(0),
            postgres: per_login(1),
            redis: per_login(2),
            generator: per_login(3),
            rest_of_machine: per_login(4) - ours,
        };
        let fanout = fanout::measure(&self.addrs, &s.sources, s.rounds, s.devices).await?;
        Ok((
            LoginLoop {
                rate,
                cpu_us_per_login,
            },
            fanout,
        ))
    }

    /// CPU ms so far of: the nodes, the PostgreSQL backends, Redis, this process,
    /// and the whole machine.
    fn cpu(&self, backends: &Backends) -> [f64; 5] {
        let nodes: f64 = self.nodes.iter().map(|n| cpu::process_ms(n.pid())).sum();
        let postgres: f64 = backends.postgres.iter().map(|&p| cpu::process_ms(p)).sum();
        [
            nodes,
            postgres,
            backends.redis.map_or(0.0, cpu::process_ms),
            cpu::process_ms(std::process::id()),
            cpu::machine_busy_ms(),
        ]
    }

    /// Logins then logouts one at a time on the first node.
    async fn one_at_a_time(&self, s: &Settings<'_>, tag: &str) -> io::Result<Latencies> {
        let accounts = create_accounts(
            self.addrs[0],
            &format!("cl-{tag}-once"),
            s.one_at_a_time,
            64,
        )
        .await?;
        let (devices, login_ms) = log_in_each(self.addrs[0], &s.sources, &accounts).await?;
        Ok(latencies(&login_ms, &log_out_each(devices).await?))
    }

    /// [`Nodes::one_at_a_time`] with Redis's counters read around the logins,
    /// the logouts and an idle window after them.
    async fn redis_cost(
        &self,
        s: &Settings<'_>,
        redis: &mut Redis,
    ) -> io::Result<(Latencies, RedisCost)> {
        let accounts = create_accounts(self.addrs[0], "cl-cost", s.one_at_a_time, 64).await?;
        let n = accounts.len() as f64;
        let (c0, t0) = (redis.counters().await?, Instant::now());
        let (devices, login_ms) = log_in_each(self.addrs[0], &s.sources, &accounts).await?;
        let (c1, t1) = (redis.counters().await?, Instant::now());
        let logout_ms = log_out_each(devices).await?;
        let (c2, t2) = (redis.counters().await?, Instant::now());
        tokio::time::sleep((t2 - t0).max(Duration::from_secs(5))).await;
        let (c3, t3) = (redis.counters().await?, Instant::now());

        // Each reading's own two INFO commands (and reads) land in the next one.
        let own = Counters {
            commands: 2.0,
            reads: 2.0,
            ..Counters::default()
        };
        let idle = (t3 - t2).as_secs_f64();
        let background = c3.since(&c2).since(&own).scaled(1.0 / idle);
        let per = |before: &Counters, after: &Counters, seconds: f64| {
            let spent = after.since(before).since(&own);
            PerEvent::of(&spent.since(&background.scaled(seconds)).scaled(1.0 / n))
        };
        let cost = RedisCost {
            count: accounts.len(),
            idle_seconds: idle,
            per_login: per(&c0, &c1, (t1 - t0).as_secs_f64()),
            per_logout: per(&c1, &c2, (t2 - t1).as_secs_f64()),
            background_per_second: PerEvent::of(&background),
            ping_ms: None,
        };
        Ok((latencies(&login_ms, &logout_ms), cost))
    }
}

/// Logs each account in on `node`, one after another (connect to `loginOk`);
/// the devices stay logged in.
async fn log_in_each(
    node: SocketAddr,
    sources: &Sources,
    accounts: &[Account],
) -> io::Result<(Vec<Device>, Vec<f64>)> {
    let (mut devices, mut samples) = (Vec::new(), Vec::new());
    for account in accounts {
        let t0 = Instant::now();
        let (device, _) = Device::login(node, sources.next(), account, "once").await?;
        samples.push(ms(t0.elapsed()));
        devices.push(device);
    }
    Ok((devices, samples))
}

/// Logs each device out, one after another (`logout` frame to the server's close).
async fn log_out_each(devices: Vec<Device>) -> io::Result<Vec<f64>> {
    let mut samples = Vec::new();
    for mut device in devices {
        let t0 = Instant::now();
        device
            .send(&ClientMessage::Logout(LogoutRequest { id: 2 }))
            .await?;
        device.closed().await;
        samples.push(ms(t0.elapsed()));
    }
    Ok(samples)
}

fn latencies(login_ms: &[f64], logout_ms: &[f64]) -> Latencies {
    Latencies {
        login_ms: Summary::of(login_ms),
        logout_ms: Summary::of(logout_ms),
    }
}
