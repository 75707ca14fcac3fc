//! The protocol core: one [`Session`] per account, with no I/O.
//!
//! Inputs go in with the current time in ms (`connect`, `disconnect`, `kick`,
//! `handle_open`, `handle_message`, `handle_close`, `handle_timeout`, page events and
//! the driver's answers about retries and LBS); outputs come out in a fixed poll order:
//!
//! 1. [`Session::poll_action`] until `None`: open, send, close sockets; then
//!    [`Session::poll_lbs_fetch`] until `None`: LBS requests to make;
//! 2. [`Session::poll_timeout`]: (re)arm the one timer;
//! 3. [`Session::poll_event`] until `None`: callbacks and pending requests, called by
//!    the driver only after it released its borrow of the session (the browser
//!    driver polls one event, releases the borrow, delivers it, and polls again).

pub mod backoff;
pub mod config;
pub mod event;
pub mod links;
pub mod ports;
pub mod session;
pub mod text;

pub use backoff::{Backoff, Jitter};
pub use config::{AuthType, OptionError, SessionConfig};
pub use event::{
    Action, Disconnect, DisconnectCode, Event, KickTicket, RequestFailure, RetryTicket, SocketId,
};
pub use links::{FetchId, LbsFetch};
pub use ports::LoginPorts;
pub use session::{LoginStatus, Session, Timer, TimerReason};
