//! Kick round trip: one device kicks another of its account; the clock runs from
//! the `kick` frame to the kicker's `kickResult`, and to the victim's `kicked`.

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use nim_protocol::{ClientMessage, KickRequest, ServerMessage};
use serde::Serialize;

use crate::device::{create_accounts, Device};
use crate::fanout::ms;
use crate::net::Sources;
use crate::process::{start_nim_server, WorkDir};
use crate::progress;
use crate::stats::Summary;

/// Kick latencies.
#[derive(Debug, Serialize)]
pub struct KickReport {
    /// `kick` sent until `kickResult` received by the kicker, ms.
    pub round_trip_ms: Option<Summary>,
    /// `kick` sent until `kicked` received by the victim, ms.
    pub victim_ms: Option<Summary>,
}

/// Runs `rounds` kicks, a new victim logging in for each.
pub async fn run(
    server_bin: &Path,
    work: &Path,
    sources: Arc<Sources>,
    rounds: usize,
) -> io::Result<KickReport> {
    let dir = WorkDir::new(work, "kick")?;
    let server = start_nim_server(server_bin, &dir.path, "127.0.0.1:0", 10).await?;
    let account = create_accounts(server.addr, "kick", 1, 1).await?.remove(0);
    let (mut kicker, _) = Device::login(server.addr, sources.next(), &account, "kicker").await?;
    let (mut round_trip, mut victim_ms) = (Vec::new(), Vec::new());
    let bar = progress::bar(rounds as u64, "kick");
    for round in 0..rounds {
        let victim_id = format!("victim-{round}");
        let (mut victim, _) =
            Device::login(server.addr, sources.next(), &account, &victim_id).await?;
        // The kicker knows the victim is online once it has the push.
        loop {
            if let ServerMessage::LoginPorts(change) = kicker.recv().await? {
                if change
                    .ports
                    .iter()
                    .any(|p| p.device_id == victim_id && p.online)
                {
                    break;
                }
            }
        }
        let victim_task = tokio::spawn(async move {
            loop {
                match victim.recv().await {
                    Ok(ServerMessage::Kicked(_)) => break Some(Instant::now()),
                    Ok(_) => {}
                    Err(_) => break None,
                }
            }
        });
        let t0 = Instant::now();
        let id = round as u32 + 2;
        kicker
            .send(&ClientMessage::Kick(KickRequest {
                id,
                device_ids: vec![victim_id.clone()],
                custom: String::new(),
            }))
            .await?;
        loop {
            match kicker.recv().await? {
                ServerMessage::KickResult(result) if result.id == id => break,
                _ => {}
            }
        }
        round_trip.push(ms(t0.elapsed()));
        if let Ok(Some(at)) = victim_task.await {
            victim_ms.push(ms(at - t0));
        }
        bar.inc(1);
    }
    bar.finish();
    kicker.close().await;
    server.stop().await?;
    let report = KickReport {
        round_trip_ms: Summary::of(&round_trip),
        victim_ms: Summary::of(&victim_ms),
    };
    eprintln!("kick: {report:?}");
    Ok(report)
}
