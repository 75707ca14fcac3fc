//! `nim-load`: the native load generator of `npm run bench`. Each subcommand runs
//! one phase against its own freshly started server on loopback and writes its
//! figures as JSON to `--out` (and a line to stderr). See the `nim_bench` docs.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Parser, Subcommand};
use nim_bench::net::Sources;
use nim_bench::{cluster, fanout, idle, kick, rate, scale, scale_worker, storm};
use serde::Serialize;

/// The native load generator of `npm run bench` (loopback only).
#[derive(Debug, Parser)]
struct Cli {
    /// The `nim-server` binary (a `--profile server` build).
    #[arg(long, global = true, default_value = "target/server/nim-server")]
    server_bin: PathBuf,
    /// Source addresses 127.0.0.1 ..= 127.0.0.N to spread connections over.
    #[arg(long, global = true, default_value_t = 8)]
    sources: usize,
    /// Folder for the servers' databases and logs (tmpfs when available).
    #[arg(long, global = true, default_value = "/dev/shm")]
    work_dir: PathBuf,
    /// Where to write the phase's figures as JSON.
    #[arg(long, global = true)]
    out: Option<PathBuf>,
    #[command(subcommand)]
    phase: Phase,
}

#[derive(Debug, Subcommand)]
enum Phase {
    /// Server RSS per idle logged-in device at each step.
    Idle {
        /// Session counts to reach, in order (comma-separated).
        #[arg(long, value_delimiter = ',', default_value = "10000,50000,100000")]
        steps: Vec<usize>,
        /// Devices per account.
        #[arg(long, default_value_t = 10)]
        devices_per_account: usize,
    },
    /// Logins per second against the same loop's connect-and-echo rate.
    Rate {
        /// The `echo-server` binary.
        #[arg(long, default_value = "target/server/echo-server")]
        echo_bin: PathBuf,
        /// Exchanges per target.
        #[arg(long, default_value_t = 20_000)]
        count: usize,
        /// Workers in parallel.
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        /// Longest run per target, s.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
    },
    /// Ten devices of one account; one logs in and out.
    Fanout {
        /// Login/logout rounds.
        #[arg(long, default_value_t = 300)]
        rounds: usize,
        /// Devices of the account, the mover included.
        #[arg(long, default_value_t = 10)]
        devices: usize,
    },
    /// One device kicks another.
    Kick {
        /// Kicks.
        #[arg(long, default_value_t = 300)]
        rounds: usize,
    },
    /// Sessions on the SDK's core; the server killed and restarted.
    Storm {
        /// Sessions.
        #[arg(long, default_value_t = 10_000)]
        sessions: usize,
        /// Devices per account.
        #[arg(long, default_value_t = 10)]
        devices_per_account: usize,
        /// Sessions started per second before the kill.
        #[arg(long, default_value_t = 2_000)]
        ramp: usize,
        /// How long the server stays down, ms.
        #[arg(long, default_value_t = 2_000)]
        downtime_ms: u64,
        /// Longest wait for the sessions to come back, s.
        #[arg(long, default_value_t = 120)]
        seconds: u64,
    },
    /// One node versus two on PostgreSQL and Redis, against one embedded node.
    Cluster {
        /// A PostgreSQL database on loopback to create this run's database from
        /// (`$NIM_TEST_POSTGRES` of scripts/services.sh); `psql` must be on PATH.
        #[arg(long)]
        postgres: String,
        /// A Redis on loopback (`$NIM_TEST_REDIS`).
        #[arg(long)]
        redis: String,
        /// Logins per configuration in the logins-per-second loop.
        #[arg(long, default_value_t = 5_000)]
        count: usize,
        /// Workers in parallel.
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        /// Longest logins-per-second loop per configuration, s.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Fan-out rounds per configuration.
        #[arg(long, default_value_t = 300)]
        rounds: usize,
        /// Devices of the fan-out account, the mover included.
        #[arg(long, default_value_t = 10)]
        devices: usize,
        /// Logins and logouts one at a time per configuration (and counted in Redis).
        #[arg(long, default_value_t = 300)]
        one_at_a_time: usize,
        /// PINGs to Redis for its round-trip time.
        #[arg(long, default_value_t = 1_000)]
        pings: usize,
    },
    /// Sessions over several nodes on one PostgreSQL and one Redis, held by
    /// several worker processes; then one node killed.
    Scale {
        /// A PostgreSQL database URL on loopback (the run creates its own next to it).
        #[arg(long)]
        postgres: String,
        /// A Redis URL on loopback.
        #[arg(long)]
        redis: String,
        #[arg(long, default_value_t = 6)]
        nodes: usize,
        #[arg(long, default_value_t = 100_000)]
        sessions: usize,
        /// Load-generator processes holding the devices.
        #[arg(long, default_value_t = 6)]
        workers: usize,
        /// Fan-out and kick rounds.
        #[arg(long, default_value_t = 100)]
        rounds: usize,
        /// The longest the phase may take.
        #[arg(long, default_value_t = 900)]
        seconds: u64,
    },
    /// One worker process of `scale` (started by it).
    ScaleWorker {
        #[arg(long, value_delimiter = ',')]
        nodes: Vec<std::net::SocketAddr>,
        #[arg(long)]
        prefix: String,
        #[arg(long)]
        accounts: usize,
        #[arg(long)]
        devices: usize,
        #[arg(long)]
        source_block: u8,
    },
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let cli = Cli::parse();
    let sources = Arc::new(Sources::new(cli.sources));
    let (bin, work) = (cli.server_bin.as_path(), cli.work_dir.as_path());
    match cli.phase {
        Phase::Idle {
            steps,
            devices_per_account,
        } => {
            let report = idle::run(bin, work, sources, &steps, devices_per_account).await?;
            write(cli.out.as_deref(), &report)
        }
        Phase::Rate {
            echo_bin,
            count,
            concurrency,
            seconds,
        } => {
            let report =
                rate::run(bin, &echo_bin, work, sources, count, concurrency, seconds).await?;
            write(cli.out.as_deref(), &report)
        }
        Phase::Fanout { rounds, devices } => {
            let report = fanout::run(bin, work, sources, rounds, devices).await?;
            write(cli.out.as_deref(), &report)
        }
        Phase::Kick { rounds } => {
            let report = kick::run(bin, work, sources, rounds).await?;
            write(cli.out.as_deref(), &report)
        }
        Phase::Storm {
            sessions,
            devices_per_account,
            ramp,
            downtime_ms,
            seconds,
        } => {
            let storm = storm::Storm {
                server_bin: bin,
                work,
                sources,
                sessions,
                devices_per_account,
                ramp_per_second: ramp,
                downtime_ms,
                limit_seconds: seconds,
            };
            let report = storm.run().await?;
            write(cli.out.as_deref(), &report)
        }
        Phase::Cluster {
            postgres,
            redis,
            count,
            concurrency,
            seconds,
            rounds,
            devices,
            one_at_a_time,
            pings,
        } => {
            let settings = cluster::Settings {
                server_bin: bin,
                work,
                sources,
                postgres,
                redis,
                count,
                concurrency,
                limit: std::time::Duration::from_secs(seconds),
                rounds,
                devices,
                one_at_a_time,
                pings,
            };
            let report = cluster::run(&settings).await?;
            write(cli.out.as_deref(), &report)
        }
        Phase::Scale {
            postgres,
            redis,
            nodes,
            sessions,
            workers,
            rounds,
            seconds,
        } => {
            let load_bin = std::env::current_exe()?;
            let settings = scale::Settings {
                server_bin: bin,
                load_bin: &load_bin,
                work,
                postgres,
                redis,
                nodes,
                sessions,
                workers,
                rounds,
                limit: std::time::Duration::from_secs(seconds),
            };
            let report = scale::run(&settings).await?;
            write(cli.out.as_deref(), &report)?;
            match report.problems() {
                problems if problems.is_empty() => Ok(()),
                problems => Err(std::io::Error::other(problems.join("; "))),
            }
        }
        Phase::ScaleWorker {
            nodes,
            prefix,
            accounts,
            devices,
            source_block,
        } => {
            let worker = scale_worker::Worker {
                nodes,
                prefix,
                accounts,
                devices_per_account: devices,
                source_block,
            };
            worker.run().await
        }
    }
}

/// Writes `report` as JSON to `out`, or to stdout.
fn write(out: Option<&Path>, report: &impl Serialize) -> std::io::Result<()> {
    let json = serde_json::to_string_pretty(report).map_err(std::io::Error::other)?;
    match out {
        Some(path) => std::fs::write(path, json + "\n"),
        None => {
            println!("{json}");
            Ok(())
        }
    }
}
