//! This device's id: the tab's by default (see [`tab_id`](super::tab_id)), one per
//! browser with `isFixedDeviceId` (localStorage), or the caller's own.

use wasm_bindgen::JsValue;

use super::get;

/// Where the id is kept, in sessionStorage or localStorage.
pub const STORAGE_KEY: &str = "nim-wasm:deviceId";

/// The digits of a lowercase hex number.
const HEX: &[u8; 16] = b"0123456789abcdef";

/// The device id for these options, and whether it is the tab's, which may change
/// until the page has claimed it. `kept` names the localStorage item of an id kept
/// for the browser: [`STORAGE_KEY`] for `isFixedDeviceId`, one per appKey + account
/// for `shareConnection`. Without localStorage (private modes, sandboxed frames)
/// that falls back to the tab's id.
pub fn resolve(explicit: Option<&str>, kept: Option<&str>) -> (String, bool) {
    if let Some(id) = explicit {
        return (id.to_owned(), false);
    }
    match kept.zip(storage("localStorage")) {
        Some((key, storage)) => (stored(&storage, key), false),
        None => (super::tab_id::current(), true),
    }
}

/// `window[name]`, the page's `"sessionStorage"` or `"localStorage"`, if it has one.
pub fn storage(name: &str) -> Option<JsValue> {
    super::window()
        .map(|w| get(&w, name))
        .filter(|s| !s.is_undefined() && !s.is_null())
}

/// The id kept in `storage` under `key`, or a new one stored there; a new one each
/// time when `storage` is not a storage.
///
/// `getItem` and `setItem` are called through [`invoke`](super::invoke), the
/// function call every callback already uses, rather than as two more imports in
/// the JS glue.
pub fn stored(storage: &JsValue, key: &str) -> String {
    let kept = super::invoke(storage, "getItem", &key.into(), &JsValue::UNDEFINED);
    if let Some(id) = kept.ok().and_then(|id| id.as_string()) {
        // An id the server would refuse (written by someone else) is replaced.
        if crate::core::config::check_device_id(&id).is_ok() {
            return id;
        }
    }
    let id = random_id();
    store(storage, key, &id);
    id
}

/// Keeps `id` in `storage` under `key`; a full or blocked storage only costs the
/// id's stability.
pub fn store(storage: &JsValue, key: &str, id: &str) {
    let _ = super::invoke(storage, "setItem", &key.into(), &id.into());
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
