//! The SDK core's tests, run natively with simulated time: one module per
//! behaviour, each driving a `Session` through the harness in `support`.

#![cfg(not(target_arch = "wasm32"))]

mod support;

mod close_codes;
mod connect_attempts;
mod devices_after_re_login;
mod dynamic_token;
mod heartbeat;
mod kicked;
mod lbs;
mod login;
mod logout_and_kick;
mod page_events;
mod reconnect_schedule;
mod terminal_codes;
