//! The session registry: every live device of every account, the app's
//! multi-device policy, kicks, and the `loginPorts` pushes that tell an account's
//! devices about each other.
//!
//! What happens is decided by [`crate::policy`]; the registry only stores the
//! devices and delivers the decision. It never touches a socket: it holds each
//! device's [`Outbox`], the sending half of the queue that the device's own
//! connection task drains; a kick or a push is a [`Command`] queued there. All
//! changes to one account happen under one lock, so two logins racing for the same
//! slot are decided one after the other.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use nim_protocol::LoginPort;

use crate::metrics::Metrics;
use crate::outbox::{Command, Outbox};
use crate::policy::{self, Change, Login, Notice, Refusal};

/// A live, logged-in device.
#[derive(Debug)]
struct Device {
    /// The connection's registry id (unique for the server's lifetime).
    conn: u64,
    /// What the account's other devices are told about it.
    port: LoginPort,
    /// Where commands for its connection go.
    outbox: Outbox,
}

/// A login asking for a place in the registry.
#[derive(Debug)]
pub struct Admission {
    /// The app's key.
    pub app: String,
    /// The connection's registry id.
    pub conn: u64,
    /// The login as the policy sees it.
    pub login: Login,
    /// The new connection's queue.
    pub outbox: Outbox,
}

/// Every live device of every account, keyed by (app key, account).
#[derive(Debug)]
pub struct Sessions {
    accounts: Mutex<HashMap<(String, String), Vec<Device>>>,
    metrics: Arc<Metrics>,
}

impl Sessions {
    /// An empty registry reporting to `metrics`.
    pub fn new(metrics: Arc<Metrics>) -> Sessions {
        Sessions {
            accounts: Mutex::new(HashMap::new()),
            metrics,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<(String, String), Vec<Device>>> {
        // Every change below is completed before any call that could panic, so a
        // poisoned registry is still consistent.
        self.accounts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Delivers a decided change to the account's `live` devices and takes the
    /// ones that left out of it.
    fn apply(&self, live: &mut Vec<Device>, change: &Change) {
        for reason in change.kicks() {
            self.metrics.kick(reason);
        }
        self.metrics.pushes(change.pushes());
        let started = Instant::now();
        // A push goes to every staying device alike: encoded once.
        let mut last: Option<(&Notice, Command)> = None;
        for (i, notice) in &change.notices {
            let command = match &last {
                Some((previous, command)) if *previous == notice => command.clone(),
                _ => Command::from(notice),
            };
            live[*i].outbox.send(command.clone());
            last = Some((notice, command));
        }
        self.metrics.push_fanout(started.elapsed());
        self.metrics.sessions_changed(-(change.gone.len() as i64));
        let mut index = 0;
        live.retain(|_| {
            index += 1;
            !change.gone.contains(&(index - 1))
        });
    }

    /// Places a logged-in device in the registry as the policy decides, kicking
    /// the devices it displaces and replacing a live connection of the same
    /// device; `now` stamps its login time. Answers with the account's other live
    /// devices.
    pub fn admit(&self, new: Admission, now: u64) -> Result<Vec<LoginPort>, Refusal> {
        let key = (new.app, new.login.port.account.clone());
        let mut accounts = self.lock();
        let live = accounts.entry(key.clone()).or_default();
        let ports: Vec<&LoginPort> = live.iter().map(|d| &d.port).collect();
        let admitted = match policy::admit(&ports, &new.login, now) {
            Ok(admitted) => admitted,
            Err(refusal) => {
                if live.is_empty() {
                    accounts.remove(&key);
                }
                return Err(refusal);
            }
        };
        let others = admitted
            .staying
            .iter()
            .map(|&i| live[i].port.clone())
            .collect();
        self.apply(live, &admitted.change);
        live.push(Device {
            conn: new.conn,
            port: admitted.port,
            outbox: new.outbox,
        });
        self.metrics.sessions_changed(1);
        Ok(others)
    }

    /// Removes a connection that ended (logout, close, idle timeout) and tells the
    /// account's other devices. Does nothing when it was already removed (kicked,
    /// replaced).
    pub fn remove(&self, app: &str, account: &str, conn: u64) {
        let key = (app.to_owned(), account.to_owned());
        let mut accounts = self.lock();
        let Some(live) = accounts.get_mut(&key) else {
            return;
        };
        let ports: Vec<&LoginPort> = live.iter().map(|d| &d.port).collect();
        if let Some(change) = policy::remove(&ports, |i| live[i].conn == conn) {
            self.apply(live, &change);
        }
        if live.is_empty() {
            accounts.remove(&key);
        }
    }

    /// Kicks the devices of the kicker's own account named in `device_ids`
    /// (never the kicker itself) and returns the ids actually kicked.
    pub fn kick(
        &self,
        app: &str,
        account: &str,
        kicker: u64,
        device_ids: &[String],
        custom: &str,
    ) -> Vec<String> {
        let key = (app.to_owned(), account.to_owned());
        let mut accounts = self.lock();
        let Some(live) = accounts.get_mut(&key) else {
            return Vec::new();
        };
        let Some(from) = live.iter().position(|d| d.conn == kicker) else {
            return Vec::new();
        };
        let ports: Vec<&LoginPort> = live.iter().map(|d| &d.port).collect();
        let Some(change) = policy::kick(&ports, from, device_ids, custom) else {
            return Vec::new();
        };
        let ids = change
            .gone
            .iter()
            .map(|&i| live[i].port.device_id.clone())
            .collect();
        self.apply(live, &change);
        ids
    }

    /// Kicks every device of an account with `serverKick` (block with `needkick`);
    /// returns how many there were.
    pub fn kick_all(&self, app: &str, account: &str) -> usize {
        let key = (app.to_owned(), account.to_owned());
        let mut accounts = self.lock();
        let Some(mut live) = accounts.remove(&key) else {
            return 0;
        };
        let ports: Vec<&LoginPort> = live.iter().map(|d| &d.port).collect();
        let Some(change) = policy::kick_all(&ports) else {
            return 0;
        };
        self.apply(&mut live, &change);
        change.gone.len()
    }
}
