//! Logins per second against `nim-server`, and the same generator's
//! connect-and-echo rate against the bare `echo-server` as the baseline.
//!
//! Both runs are the same loop with the same text: `concurrency` workers each
//! connect, send the `login` frame, wait for the one reply (`loginOk` with the
//! account's device list, or the echo), close, and start over, until `count`
//! exchanges are done or `seconds` have passed; the two targets take turns in
//! rounds, so that both see the same machine noise.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use nim_protocol::ServerMessage;
use serde::Serialize;
use tokio_tungstenite::tungstenite::Message;

use crate::device::{create_accounts, login_request, Account};
use crate::net::{self, Sources};
use crate::process::{start_echo_server, start_nim_server, WorkDir};
use crate::progress;
use crate::stats::Summary;

/// The rate of one target.
#[derive(Debug, Serialize)]
pub struct Rate {
    /// Exchanges completed.
    pub completed: usize,
    /// Exchanges that failed.
    pub failed: usize,
    /// Seconds from the first connect to the last close.
    pub seconds: f64,
    /// `completed / seconds`.
    pub per_second: f64,
    /// Connect to reply, ms.
    pub latency_ms: Option<Summary>,
}

/// Logins per second against the echo baseline.
#[derive(Debug, Serialize)]
pub struct RateReport {
    /// Workers in parallel.
    pub concurrency: usize,
    /// `nim-server`: connect, `login`, `loginOk`, close.
    pub logins: Rate,
    /// `echo-server`: connect, the same text, its echo, close.
    pub echo: Rate,
    /// `logins.per_second / echo.per_second`, over all rounds.
    pub ratio: f64,
    /// Rounds of each target, alternating.
    pub rounds: usize,
    /// The ratio in each round.
    pub round_ratios: Vec<f64>,
}

/// What one worker talks to (the index of its rate in a round's pair).
#[derive(Clone, Copy)]
enum Target {
    Nim = 0,
    Echo = 1,
}

/// Rounds of each target, alternating, so both see the same machine noise: on a
/// shared machine a single run of each compared two different moments.
const ROUNDS: usize = 6;

/// Measures both rates in [`ROUNDS`] alternating rounds of `count / ROUNDS` each.
pub async fn run(
    server_bin: &Path,
    echo_bin: &Path,
    work: &Path,
    sources: Arc<Sources>,
    count: usize,
    concurrency: usize,
    seconds: u64,
) -> io::Result<RateReport> {
    let dir = WorkDir::new(work, "rate")?;
    let limit = Duration::from_secs(seconds) / ROUNDS as u32;
    let per_round = count.div_ceil(ROUNDS);

    let echo_server = start_echo_server(echo_bin, &dir.path).await?;
    let nim = start_nim_server(server_bin, &dir.path, "127.0.0.1:0", 10).await?;
    let accounts = create_accounts(nim.addr, "rate", concurrency, 64).await?;
    // The echo run sends the very frames the login run sends.
    let stand_ins = stand_in_accounts(concurrency);
    let (mut echo, mut logins) = (Tally::default(), Tally::default());
    let mut round_ratios = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        let echo_first = round % 2 == 0;
        let mut pair = [None, None];
        for target in if echo_first {
            [Target::Echo, Target::Nim]
        } else {
            [Target::Nim, Target::Echo]
        } {
            let (addr, who, tally) = match target {
                Target::Echo => (echo_server.addr, stand_ins.clone(), &mut echo),
                Target::Nim => (nim.addr, accounts.clone(), &mut logins),
            };
            let part = measure_samples(target, &[addr], &sources, who, per_round, limit).await;
            pair[target as usize] = Some(part.samples.len() as f64 / part.seconds);
            tally.add(part);
        }
        if let [Some(nim_rate), Some(echo_rate)] = pair {
            round_ratios.push(nim_rate / echo_rate);
        }
    }
    echo_server.stop().await?;
    nim.stop().await?;

    let (logins, echo) = (logins.rate(), echo.rate());
    let ratio = logins.per_second / echo.per_second;
    eprintln!(
        "rate: {:.0} logins/s, {:.0} connect-and-echo/s, ratio {ratio:.2} (rounds: {})",
        logins.per_second,
        echo.per_second,
        round_ratios
            .iter()
            .map(|r| format!("{r:.2}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    Ok(RateReport {
        concurrency,
        rounds: ROUNDS,
        logins,
        echo,
        ratio,
        round_ratios,
    })
}

/// One target's rounds added up.
#[derive(Default)]
struct Tally {
    samples: Vec<f64>,
    failed: usize,
    seconds: f64,
}

impl Tally {
    fn add(&mut self, part: Tally) {
        self.samples.extend(part.samples);
        self.failed += part.failed;
        self.seconds += part.seconds;
    }

    fn rate(&self) -> Rate {
        Rate {
            completed: self.samples.len(),
            failed: self.failed,
            seconds: self.seconds,
            per_second: self.samples.len() as f64 / self.seconds,
            latency_ms: Summary::of(&self.samples),
        }
    }
}

/// Accounts whose names and tokens have the real ones' lengths, for the echo run.
fn stand_in_accounts(count: usize) -> Vec<Account> {
    (0..count)
        .map(|i| Account {
            name: format!("rate-{i}"),
            token: format!("{i:032x}"),
        })
        .collect()
}

/// The login loop of [`run`] against `servers`, worker `w` on `servers[w % len]`,
/// one worker per account: so several nodes share the workers evenly.
pub async fn logins(
    servers: &[SocketAddr],
    sources: &Arc<Sources>,
    accounts: Vec<Account>,
    count: usize,
    limit: Duration,
) -> Rate {
    measure_samples(Target::Nim, servers, sources, accounts, count, limit)
        .await
        .rate()
}

async fn measure_samples(
    target: Target,
    servers: &[SocketAddr],
    sources: &Arc<Sources>,
    accounts: Vec<Account>,
    count: usize,
    limit: Duration,
) -> Tally {
    let label = match target {
        Target::Nim => "logins",
        Target::Echo => "echo",
    };
    let bar = progress::bar(count as u64, label);
    let started = Instant::now();
    let claimed = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = accounts
        .into_iter()
        .enumerate()
        .map(|(w, account)| {
            let (sources, claimed, bar) = (Arc::clone(sources), Arc::clone(&claimed), bar.clone());
            let server = servers[w % servers.len()];
            tokio::spawn(async move {
                let text =
                    serde_json::to_string(&login_request(&account, &format!("rate-{w}"), false))
                        .expect("serialisable message");
                let (mut samples, mut failed) = (Vec::new(), 0);
                while claimed.fetch_add(1, Ordering::Relaxed) < count && started.elapsed() < limit {
                    let t0 = Instant::now();
                    match exchange(target, server, sources.next(), &text).await {
                        Ok(()) => samples.push(t0.elapsed().as_secs_f64() * 1e3),
                        Err(_) => failed += 1,
                    }
                    bar.inc(1);
                }
                (samples, failed)
            })
        })
        .collect();
    let (mut samples, mut failed) = (Vec::with_capacity(count), 0);
    for worker in workers {
        // A worker only panics on a bug; count its share as failed.
        match worker.await {
            Ok((s, f)) => {
                samples.extend(s);
                failed += f;
            }
            Err(_) => failed += 1,
        }
    }
    bar.finish();
    Tally {
        samples,
        failed,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// One connect, request, reply and close.
async fn exchange(
    target: Target,
    server: SocketAddr,
    source: std::net::IpAddr,
    text: &str,
) -> io::Result<()> {
    let mut ws = net::open(server, source).await?;
    ws.send(Message::text(text))
        .await
        .map_err(io::Error::other)?;
    let reply = loop {
        match ws.next().await {
            Some(Ok(Message::Text(reply))) => break reply,
            Some(Ok(_)) => {}
            _ => return Err(io::Error::other("closed before the reply")),
        }
    };
    let good = match target {
        Target::Echo => reply.as_str() == text,
        Target::Nim => matches!(
            serde_json::from_str::<ServerMessage>(&reply),
            Ok(ServerMessage::LoginOk(_))
        ),
    };
    let _ = ws.close(None).await;
    while let Some(Ok(_)) = ws.next().await {}
    if good {
        Ok(())
    } else {
        Err(io::Error::other(format!("unexpected reply {reply:.100}")))
    }
}
