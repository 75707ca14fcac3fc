//! The SDK's browser tests (wasm-bindgen-test in headless Chromium), one module
//! per behaviour, against a real nim-server whose address `scripts/test.sh` passes
//! in (`NIM_TEST_HTTP`, `NIM_TEST_WS`, `NIM_TEST_APPS`). `helpers` holds the test
//! server's apps and accounts, a recorder of the SDK's callbacks and a raw protocol
//! client playing another device.

#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod helpers;

mod bad_options;
mod banned;
mod callbacks_throw_or_reenter;
mod connection_lifecycle;
mod device_policy;
mod dynamic_token;
mod field_limits;
mod instances;
mod lbs;
mod login;
mod other_devices;
mod refusals;
mod thenable_getter_reenters;
mod wrong_token;
