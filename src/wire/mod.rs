//! The wire and payload codec, written against a tiny [`Json`] trait instead of
//! serde: the browser's own `JSON.parse` / `JSON.stringify` do the text, this
//! module only walks the values. That keeps serde's deserializer and float
//! formatting out of the wasm (most of its size budget), while the native tests run
//! the same code over `serde_json::Value` and compare it with the protocol crate's
//! serde output, so the field names cannot drift from the server's.

mod decode;
mod encode;
pub mod payload;
#[cfg(test)]
mod tests;

pub use decode::{server_message, strings as read_strings};
pub use encode::client_message;

/// A JSON value as the codec reads and builds it.
pub trait Json: Sized {
    /// The member `key` of an object; `None` when absent, `null` or `undefined`.
    fn field(&self, key: &str) -> Option<Self>;
    /// The value as a string.
    fn string(&self) -> Option<String>;
    /// The value as a number.
    fn number(&self) -> Option<f64>;
    /// The value as a boolean.
    fn boolean(&self) -> Option<bool>;
    /// The elements of an array.
    fn elements(&self) -> Option<Vec<Self>>;
    /// A new empty object.
    fn object() -> Self;
    /// Sets member `key` of an object.
    fn set(&mut self, key: &str, value: Self);
    /// A string value.
    fn from_str(value: &str) -> Self;
    /// A number value.
    fn from_number(value: f64) -> Self;
    /// A boolean value.
    fn from_bool(value: bool) -> Self;
    /// An array value.
    fn from_elements(elements: Vec<Self>) -> Self;

    /// Builder form of [`Json::set`].
    fn with(mut self, key: &str, value: Self) -> Self {
        self.set(key, value);
        self
    }
}

/// An array of strings.
fn strings<J: Json>(list: &[String]) -> J {
    let mut elements = Vec::new();
    for s in list {
        elements.push(J::from_str(s));
    }
    J::from_elements(elements)
}
