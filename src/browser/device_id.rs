//! This device's id: stable across reloads of one tab (sessionStorage), one per
//! browser with `isFixedDeviceId` (localStorage), or the caller's own.

use std::cell::RefCell;

use wasm_bindgen::JsValue;

use super::get;

const STORAGE_KEY: &str = "nim-wasm:deviceId";

/// The digits of a lowercase hex number.
const HEX: &[u8; 16] = b"0123456789abcdef";

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
        .filter(|s| !s.is_undefined() && !s.is_null());
    match storage {
        Some(storage) => stored(&storage),
        None => PAGE_ID.with(|id| id.borrow_mut().get_or_insert_with(random_id).clone()),
    }
}

/// The id kept in `storage`, or a new one stored there.
///
/// `getItem` and `setItem` are called through [`invoke`](super::invoke), the
/// function call every callback already uses, rather than as two more imports in
/// the JS glue.
fn stored(storage: &JsValue) -> String {
    let key = JsValue::from_str(STORAGE_KEY);
    let kept = super::invoke(storage, "getItem", &key, &JsValue::UNDEFINED);
    if let Some(id) = kept.ok().and_then(|id| id.as_string()) {
        // An id the server would refuse (written by someone else) is replaced.
        if crate::core::config::check_device_id(&id).is_ok() {
            return id;
        }
    }
    let id = random_id();
    // A full or blocked storage only costs the id's stability.
    let _ = super::invoke(storage, "setItem", &key, &JsValue::from_str(&id));
    id
}

/// 32 lowercase hex characters, as NIM's device ids.
pub fn random_id() -> String {
    let mut id = String::new();
    let mut bytes = [0u8; 16];
    random_bytes(&mut bytes);
    for byte in bytes {
        id.push(char::from(HEX[usize::from(byte >> 4)]));
        id.push(char::from(HEX[usize::from(byte & 15)]));
    }
    id
}

/// A seed for the reconnect jitter.
pub fn random_seed() -> u64 {
    let mut bytes = [0u8; 8];
    random_bytes(&mut bytes);
    u64::from_le_bytes(bytes)
}

/// Fills `bytes` from the platform's randomness (getrandom: `crypto.getRandomValues`
/// in a browser). Every engine that runs the package has it, in insecure contexts
/// too; should it fail, the bytes stay zero and only the ids' uniqueness suffers.
fn random_bytes(bytes: &mut [u8]) {
    let _ = getrandom::fill(bytes);
}
