//! nim-bench: the benchmarks behind `npm run bench` (`scripts/bench.sh`).
//!
//! Every figure is measured against a baseline in the same run, on loopback only,
//! bounded in count and time. This crate holds the native parts:
//!
//! - `nim-load` (`src/bin/nim-load.rs`), the load generator: one subcommand per
//!   phase, each starting its own `nim-server` (`--profile server` build) on a free loopback
//!   port with a tmpfs database, writing its figures as JSON:
//!   - [`idle`]: server RSS per idle logged-in device at growing counts;
//!   - [`rate`]: logins per second against [`rate`]'s connect-and-echo baseline;
//!   - [`fanout`]: ten devices of one account, one comes and goes;
//!   - [`kick`]: kick round trip;
//!   - [`storm`]: sessions driven by the SDK's own core (`nim_wasm::core`), the
//!     server killed and restarted;
//!   - [`cluster`]: one node versus two on PostgreSQL and Redis, and Redis's
//!     round trips per login (Redis read through [`resp`]).
//! - `echo-server` (`src/bin/echo-server.rs`): a bare WebSocket echo on the same
//!   library and buffer sizes as `nim-server`, the baseline of [`rate`].
//!
//! The browser benchmarks (bundle size, login latency) are Node scripts in
//! `bench/browser/`; `bench/report.mjs` writes `BENCHMARKS.md` from all results.

pub mod cluster;
pub mod cpu;
pub mod device;
pub mod fanout;
pub mod http;
pub mod idle;
pub mod kick;
pub mod net;
pub mod postgres;
pub mod process;
pub mod progress;
pub mod rate;
pub mod resp;
pub mod scale;
pub mod scale_worker;
pub mod stats;
pub mod storm;
