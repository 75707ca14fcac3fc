//! This device's id: stable across reloads of one tab (sessionStorage), one per
//! browser with `isFixedDeviceId` (localStorage), or the caller's own.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use web_sys::{Crypto, Storage};

use super::get;

const STORAGE_KEY: &str = "nim-wasm:deviceId";

thread_local! {
    /// The id used when storage is unavailable (private mode, sandboxed frames).
    static PAGE_ID: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The device id for these options.
pub fn resolve(explicit: Option<&str>, fixed: bool) -> String {
    if let Some(id) = explicit {
        return id.to_owned();
    }
    let storage = super::window()
        .map(|w| {
            get(
                &w,
                if fixed {
                    "localStorage"
                } else {
                    "sessionStorage"
                },
            )
        })
        .filter(|s| !s.is_undefined() && !s.is_null())
        .map(JsCast::unchecked_into::<Storage>);
    match storage {
        Some(storage) => stored(&storage),
        None => PAGE_ID.with(|id| id.borrow_mut().get_or_insert_with(random_id).clone()),
    }
}

fn stored(storage: &Storage) -> String {
    if let Ok(Some(id)) = storage.get_item(STORAGE_KEY) {
        if !id.is_empty() {
            return id;
        }
    }
    let id = random_id();
    // A full or blocked storage only costs the id's stability.
    let _ = storage.set_item(STORAGE_KEY, &id);
    id
}

/// 32 lowercase hex characters, as NIM's device ids.
pub fn random_id() -> String {
    let mut id = String::new();
    let mut bytes = [0u8; 16];
    random_bytes(&mut bytes);
    for byte in bytes {
        for nibble in [byte >> 4, byte & 15] {
            // A nibble is below 16, so it is a hex digit.
            id.push(char::from_digit(nibble.into(), 16).unwrap_or('0'));
        }
    }
    id
}

/// A seed for the reconnect jitter.
pub fn random_seed() -> u64 {
    let mut bytes = [0u8; 8];
    random_bytes(&mut bytes);
    u64::from_le_bytes(bytes)
}

/// Fills `bytes` from `crypto.getRandomValues`, or `Math.random` where it is missing.
fn random_bytes(bytes: &mut [u8]) {
    let crypto = super::window()
        .map(|w| get(&w, "crypto"))
        .filter(|c| !c.is_undefined() && !c.is_null())
        .map(JsCast::unchecked_into::<Crypto>);
    if crypto.is_none_or(|c| c.get_random_values_with_u8_array(bytes).is_err()) {
        for byte in bytes.iter_mut() {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
}
