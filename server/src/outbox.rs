//! Each logged-in connection's queue of what others ask it to send: pushes, kicks
//! and closes from the session registry or the cluster's inbox.
//!
//! The queue is bounded, because its pace is the peer's: a client that stops
//! reading stops its connection task (its socket's buffers are full), and an
//! unbounded queue would then grow with every change of its account. Senders never
//! wait: when the queue is full, the connection is flagged and its task closes it
//! with [`CloseCode::SLOW_READER`] (the client reconnects with backoff, as after
//! any transient failure), so one slow client costs a bounded amount of memory and
//! never holds up the pushes to anyone else.

use std::sync::Arc;

use axum::extract::ws::Utf8Bytes;
use nim_protocol::{CloseCode, LoginPortsChange, ServerMessage};
use tokio::sync::{mpsc, Notify};

use crate::policy::Notice;

/// What a connection task is asked to do by someone else.
#[derive(Debug, Clone)]
pub enum Command {
    /// Send this (already encoded) frame.
    Send(Utf8Bytes),
    /// Send this frame, then close with this code.
    SendThenClose(Utf8Bytes, CloseCode),
    /// Close with this code.
    Close(CloseCode),
}

impl From<&Notice> for Command {
    /// The command that delivers a notice the policy decided.
    fn from(notice: &Notice) -> Command {
        match notice {
            Notice::Ports(ports) => {
                Command::Send(encode(&ServerMessage::LoginPorts(LoginPortsChange {
                    ports: ports.clone(),
                })))
            }
            Notice::Kicked(kicked) => Command::SendThenClose(
                encode(&ServerMessage::Kicked(kicked.clone())),
                CloseCode::KICKED,
            ),
            Notice::Replaced => Command::Close(CloseCode::REPLACED),
        }
    }
}

/// Encodes a server message as a JSON text frame.
pub fn encode(msg: &ServerMessage) -> Utf8Bytes {
    // The message types hold only strings, numbers, booleans and lists, which
    // serde_json always encodes.
    serde_json::to_string(msg)
        .expect("server messages always encode")
        .into()
}

/// The sending half of a connection's queue; cheap to clone.
#[derive(Debug, Clone)]
pub struct Outbox {
    queue: mpsc::Sender<Command>,
    overflow: Arc<Notify>,
}

/// The receiving half, owned by the connection task.
#[derive(Debug)]
pub struct Inbox {
    queue: mpsc::Receiver<Command>,
    overflow: Arc<Notify>,
}

/// A queue holding at most `capacity` commands.
pub fn queue(capacity: usize) -> (Outbox, Inbox) {
    let (tx, rx) = mpsc::channel(capacity.max(1));
    let overflow = Arc::new(Notify::new());
    (
        Outbox {
            queue: tx,
            overflow: Arc::clone(&overflow),
        },
        Inbox {
            queue: rx,
            overflow,
        },
    )
}

impl Outbox {
    /// Queues `command` without waiting. A full queue flags the connection as a
    /// slow reader instead; a closed one means the connection is ending and needs
    /// no news.
    pub fn send(&self, command: Command) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.queue.try_send(command) {
            self.overflow.notify_one();
        }
    }
}

/// What a connection's queue gave.
#[derive(Debug)]
pub enum Incoming {
    /// The next command.
    Command(Command),
    /// A sender found the queue full: the client does not read.
    Overflow,
    /// Every sender is gone.
    Closed,
}

impl Inbox {
    /// The next command, or the overflow as soon as it happened.
    pub async fn next(&mut self) -> Incoming {
        tokio::select! {
            biased;
            _ = self.overflow.notified() => Incoming::Overflow,
            command = self.queue.recv() => command.map_or(Incoming::Closed, Incoming::Command),
        }
    }

    /// Completes once a sender found the queue full; for waiting on the socket
    /// while the queue is borrowed elsewhere.
    pub fn overflow(&self) -> Arc<Notify> {
        Arc::clone(&self.overflow)
    }

    /// A command already queued, without waiting.
    pub fn try_recv(&mut self) -> Option<Command> {
        self.queue.try_recv().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_queue_flags_the_reader_and_keeps_what_it_holds() {
        let (outbox, mut inbox) = queue(2);
        for _ in 0..3 {
            outbox.send(Command::Close(CloseCode::NORMAL));
        }
        let flagged = tokio::time::timeout(std::time::Duration::from_secs(1), inbox.next()).await;
        assert!(matches!(flagged, Ok(Incoming::Overflow)));
        assert!(inbox.try_recv().is_some());
        assert!(inbox.try_recv().is_some());
        assert!(inbox.try_recv().is_none());
    }
}
