//! One load-generator process of the scale phase ([`crate::scale`]): it creates
//! its own accounts, logs in all ten devices of each (device `d` of account `a` on
//! node `(a + d) % nodes`, so every account spans the nodes), keeps them logged in
//! (a ping a minute; after a lost connection an automatic re-login on another node
//! after the SDK's first retry delay), and tracks each device's own list of its
//! account's other devices. Every account lives in one worker, so the worker knows
//! the truth for its accounts: all of their devices, live.
//!
//! It prints one JSON [`Status`] line on stdout every 500 ms until its stdin
//! closes, then exits.

use std::collections::BTreeSet;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use nim_protocol::{ClientMessage, LoginPort, ServerMessage};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncBufReadExt;
use tokio::sync::Semaphore;

use crate::device::{create_accounts, login_request, Account, Device};

/// Logins in flight at once per worker.
const LOGINS_IN_FLIGHT: usize = 64;

/// What the worker reports.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Status {
    /// Devices of this worker.
    pub devices: usize,
    /// Devices logged in now.
    pub live: usize,
    /// Entries in devices' lists that are not live devices of the account.
    pub ghosts: usize,
    /// Live devices of the account missing from a live device's list.
    pub missing: usize,
    /// When the first login round was complete (ms since the epoch; 0 before).
    pub ready_at: u64,
    /// The latest login, first or again (ms since the epoch).
    pub last_login_at: u64,
    /// The latest change to any device's list (ms since the epoch).
    pub last_change_at: u64,
    /// Logins refused or failed, in all.
    pub failures: u64,
}

/// The worker's settings.
pub struct Worker {
    pub nodes: Vec<SocketAddr>,
    pub prefix: String,
    pub accounts: usize,
    pub devices_per_account: usize,
    /// Source addresses `127.0.B.1 ..= 127.0.B.8`.
    pub source_block: u8,
}

#[derive(Default)]
struct Slot {
    live: bool,
    others: BTreeSet<String>,
}

struct State {
    slots: Vec<Mutex<Slot>>,
    last_login_at: AtomicU64,
    last_change_at: AtomicU64,
    failures: AtomicU64,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Worker {
    /// Runs until stdin closes.
    pub async fn run(self) -> io::Result<()> {
        let accounts = create_accounts(self.nodes[0], &self.prefix, self.accounts, 32).await?;
        let per = self.devices_per_account;
        let total = accounts.len() * per;
        let state = Arc::new(State {
            slots: (0..total).map(|_| Mutex::new(Slot::default())).collect(),
            last_login_at: AtomicU64::new(0),
            last_change_at: AtomicU64::new(0),
            failures: AtomicU64::new(0),
        });
        let accounts = Arc::new(accounts);
        let gate = Arc::new(Semaphore::new(LOGINS_IN_FLIGHT));
        let ready = Arc::new(AtomicU64::new(0));
        let remaining = Arc::new(AtomicU64::new(total as u64));
        let nodes = Arc::new(self.nodes);
        for slot in 0..total {
            let life = DeviceLife {
                nodes: Arc::clone(&nodes),
                accounts: Arc::clone(&accounts),
                per,
                slot,
                source: IpAddr::V4(Ipv4Addr::new(
                    127,
                    0,
                    self.source_block,
                    1 + (slot % 8) as u8,
                )),
                state: Arc::clone(&state),
            };
            let (gate, ready, remaining) = (
                Arc::clone(&gate),
                Arc::clone(&ready),
                Arc::clone(&remaining),
            );
            tokio::spawn(async move {
                life.live(gate, ready, remaining).await;
            });
        }
        let report = tokio::spawn(report(state, Arc::clone(&ready), per));
        let mut stdin = tokio::io::BufReader::new(tokio::io::stdin()).lines();
        while let Ok(Some(_)) = stdin.next_line().await {}
        report.abort();
        Ok(())
    }
}

/// Prints a [`Status`] every 500 ms.
async fn report(state: Arc<State>, ready: Arc<AtomicU64>, per: usize) {
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let status = status(&state, per, ready.load(Ordering::Relaxed));
        // A plain struct of numbers always encodes.
        println!(
            "{}",
            serde_json::to_string(&status).expect("status encodes")
        );
    }
}

fn status(state: &State, per: usize, ready_at: u64) -> Status {
    let mut status = Status {
        devices: state.slots.len(),
        ready_at,
        last_login_at: state.last_login_at.load(Ordering::Relaxed),
        last_change_at: state.last_change_at.load(Ordering::Relaxed),
        failures: state.failures.load(Ordering::Relaxed),
        ..Status::default()
    };
    for account in state.slots.chunks(per) {
        let slots: Vec<_> = account
            .iter()
            .map(|s| {
                let s = s.lock().unwrap_or_else(|p| p.into_inner());
                (s.live, s.others.clone())
            })
            .collect();
        let live: BTreeSet<String> = (0..per).filter(|&d| slots[d].0).map(device_id).collect();
        for (d, (is_live, others)) in slots.iter().enumerate() {
            if !is_live {
                continue;
            }
            status.live += 1;
            let mut truth = live.clone();
            truth.remove(&device_id(d));
            status.ghosts += others.difference(&truth).count();
            status.missing += truth.difference(others).count();
        }
    }
    status
}

fn device_id(d: usize) -> String {
    format!("d{d}")
}

struct DeviceLife {
    nodes: Arc<Vec<SocketAddr>>,
    accounts: Arc<Vec<Account>>,
    per: usize,
    slot: usize,
    source: IpAddr,
    state: Arc<State>,
}

impl DeviceLife {
    fn account(&self) -> &Account {
        &self.accounts[self.slot / self.per]
    }

    fn update(&self, f: impl FnOnce(&mut Slot)) {
        let mut slot = self.state.slots[self.slot]
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        f(&mut slot);
        self.state.last_change_at.store(now_ms(), Ordering::Relaxed);
    }

    /// Logs in (again, on the next node, after a lost session) until the process ends.
    async fn live(self, gate: Arc<Semaphore>, ready: Arc<AtomicU64>, remaining: Arc<AtomicU64>) {
        let (a, d) = (self.slot / self.per, self.slot % self.per);
        let mut node = a + d;
        let mut first = true;
        loop {
            let addr = self.nodes[node % self.nodes.len()];
            let login = {
                let _permit = gate.acquire().await;
                self.login(addr, !first).await
            };
            match login {
                Ok(device) => {
                    if first {
                        first = false;
                        if remaining.fetch_sub(1, Ordering::Relaxed) == 1 {
                            ready.store(now_ms(), Ordering::Relaxed);
                        }
                    }
                    self.stay(device).await;
                    self.update(|s| {
                        s.live = false;
                        s.others.clear();
                    });
                }
                Err(err) => {
                    // The first few say why, on the phase's stderr.
                    if self.state.failures.fetch_add(1, Ordering::Relaxed) < 5 {
                        eprintln!("scale worker: a login failed: {err}");
                    }
                }
            }
            // Another node, spread over the others as `/lbs` (least loaded first) would.
            node += 1 + self.slot % (self.nodes.len() - 1).max(1);
            // The SDK's first retry waits 0.25 s to 1 s; spread by slot.
            let delay = 250 + (self.slot as u64 * 7919) % 750;
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
    }

    async fn login(&self, addr: SocketAddr, auto: bool) -> io::Result<Device> {
        let d = self.slot % self.per;
        let mut device = Device::open(addr, self.source).await?;
        device
            .send(&login_request(self.account(), &device_id(d), auto))
            .await?;
        match tokio::time::timeout(Duration::from_secs(30), device.recv()).await {
            Ok(Ok(ServerMessage::LoginOk(ok))) => {
                self.update(|s| {
                    s.live = true;
                    s.others.clear();
                    apply(&mut s.others, &ok.ports, &device_id(d));
                });
                self.state.last_login_at.store(now_ms(), Ordering::Relaxed);
                Ok(device)
            }
            Ok(Ok(other)) => Err(io::Error::other(format!("refused: {other:?}"))),
            Ok(Err(err)) => Err(err),
            Err(_) => Err(io::Error::other("no login answer within 30 s")),
        }
    }

    /// Until the connection ends: pushes update the list; a ping a minute.
    async fn stay(&self, mut device: Device) {
        let me = device_id(self.slot % self.per);
        let mut ping = tokio::time::interval_at(
            (Instant::now() + Duration::from_secs(60)).into(),
            Duration::from_secs(60),
        );
        loop {
            tokio::select! {
                message = device.recv() => match message {
                    Ok(ServerMessage::LoginPorts(change)) => {
                        self.update(|s| apply(&mut s.others, &change.ports, &me));
                    }
                    Ok(_) => {}
                    Err(_) => return,
                },
                _ = ping.tick() => {
                    if device.send(&ClientMessage::Ping).await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

fn apply(others: &mut BTreeSet<String>, ports: &[LoginPort], me: &str) {
    for port in ports.iter().filter(|p| p.device_id != me) {
        if port.online {
            others.insert(port.device_id.clone());
        } else {
            others.remove(&port.device_id);
        }
    }
}
