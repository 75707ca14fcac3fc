//! NIM's Property map: numeric tag → value.
//!
//! On the binary transport every value is a string \[seen\]; in socket.io JSON the
//! values keep their JavaScript types, so a number stays a number \[seen\]. A
//! [`PropValue`] remembers which type it has, so one map encodes the way the
//! official SDK and the test server of the specification did on both transports.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::error::{DecodeError, MAX_PROPERTY_ENTRIES};

/// One value of a [`Property`] map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropValue {
    /// A string (every value on the binary transport).
    Str(String),
    /// A JSON integer.
    Int(i64),
    /// A JSON boolean.
    Bool(bool),
}

impl PropValue {
    /// A number, kept as a JSON integer where it fits one.
    pub fn number(value: u64) -> Self {
        i64::try_from(value).map_or_else(|_| PropValue::Str(value.to_string()), PropValue::Int)
    }

    /// The value as the binary transport carries it: always a string.
    pub fn as_text(&self) -> Cow<'_, str> {
        match self {
            PropValue::Str(text) => Cow::Borrowed(text),
            PropValue::Int(number) => Cow::Owned(number.to_string()),
            PropValue::Bool(flag) => Cow::Borrowed(if *flag { "true" } else { "false" }),
        }
    }

    /// The value as an unsigned number: a decimal string, a non-negative integer,
    /// or a boolean as 0/1 (JavaScript callers mix the three).
    pub fn as_number(&self) -> Option<u64> {
        match self {
            PropValue::Str(text) => text.parse().ok(),
            PropValue::Int(number) => u64::try_from(*number).ok(),
            PropValue::Bool(flag) => Some(u64::from(*flag)),
        }
    }
}

impl From<String> for PropValue {
    fn from(text: String) -> Self {
        PropValue::Str(text)
    }
}

impl From<&str> for PropValue {
    fn from(text: &str) -> Self {
        PropValue::Str(text.to_owned())
    }
}

impl From<bool> for PropValue {
    fn from(flag: bool) -> Self {
        PropValue::Bool(flag)
    }
}

/// A Property map, iterated in ascending tag order (the order the official SDK
/// writes and JavaScript enumerates integer keys in).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Property(BTreeMap<u32, PropValue>);

impl Property {
    /// An empty map.
    pub fn new() -> Self {
        Property::default()
    }

    /// Sets `tag`; a later value for the same tag replaces the earlier one, as in a
    /// JavaScript object.
    pub fn insert(&mut self, tag: u32, value: impl Into<PropValue>) {
        self.0.insert(tag, value.into());
    }

    /// The value of `tag`.
    pub fn get(&self, tag: u32) -> Option<&PropValue> {
        self.0.get(&tag)
    }

    /// Removes and returns the value of `tag`.
    pub fn remove(&mut self, tag: u32) -> Option<PropValue> {
        self.0.remove(&tag)
    }

    /// Removes `tag` and returns it as text.
    pub fn take_text(&mut self, tag: u32) -> Option<String> {
        self.remove(tag).map(|value| match value {
            PropValue::Str(text) => text,
            other => other.as_text().into_owned(),
        })
    }

    /// Removes `tag` and returns it as a number; a present value that is not one is
    /// an error.
    pub fn take_number(&mut self, tag: u32) -> Result<Option<u64>, DecodeError> {
        match self.remove(tag) {
            None => Ok(None),
            Some(value) => value
                .as_number()
                .map(Some)
                .ok_or(DecodeError::PropertyValue { tag }),
        }
    }

    /// Like [`Property::take_number`], for values that must fit in 32 bits.
    pub fn take_u32(&mut self, tag: u32) -> Result<Option<u32>, DecodeError> {
        match self.take_number(tag)? {
            None => Ok(None),
            Some(n) => u32::try_from(n)
                .map(Some)
                .map_err(|_| DecodeError::PropertyValue { tag }),
        }
    }

    /// Removes `tag` and returns it as a boolean: `true`/`false` as JSON or as
    /// the binary transport's text, or 0/1.
    pub fn take_bool(&mut self, tag: u32) -> Result<Option<bool>, DecodeError> {
        match self.remove(tag) {
            None => Ok(None),
            Some(PropValue::Bool(flag)) => Ok(Some(flag)),
            Some(PropValue::Str(text)) if text == "true" => Ok(Some(true)),
            Some(PropValue::Str(text)) if text == "false" => Ok(Some(false)),
            Some(other) => match other.as_number() {
                Some(0) => Ok(Some(false)),
                Some(1) => Ok(Some(true)),
                _ => Err(DecodeError::PropertyValue { tag }),
            },
        }
    }

    /// Sets `tag` when `value` is present.
    pub fn insert_opt(&mut self, tag: u32, value: Option<impl Into<PropValue>>) {
        if let Some(value) = value {
            self.insert(tag, value);
        }
    }

    /// The entries in ascending tag order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (u32, &PropValue)> {
        self.0.iter().map(|(tag, value)| (*tag, value))
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Reads a socket.io JSON object. `null` entries are skipped (the SDK skips
    /// them too); nested arrays and objects are kept as their JSON text, which is
    /// what the binary transport would carry for them \[code\].
    pub fn from_json(value: Value) -> Result<Self, DecodeError> {
        let Value::Object(object) = value else {
            return Err(DecodeError::Json("a Property must be an object".into()));
        };
        if object.len() > MAX_PROPERTY_ENTRIES {
            return Err(DecodeError::PropertyTooLarge {
                count: object.len(),
                max: MAX_PROPERTY_ENTRIES,
            });
        }
        let mut property = Property::new();
        for (key, value) in object {
            let tag = key.parse().map_err(|_| DecodeError::PropertyTag(key))?;
            let value = match value {
                Value::Null => continue,
                Value::Bool(flag) => PropValue::Bool(flag),
                Value::String(text) => PropValue::Str(text),
                Value::Number(n) => n
                    .as_i64()
                    .map_or_else(|| PropValue::Str(n.to_string()), PropValue::Int),
                nested => PropValue::Str(nested.to_string()),
            };
            property.insert(tag, value);
        }
        Ok(property)
    }
}

impl Serialize for Property {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (tag, value) in self.iter() {
            match value {
                PropValue::Str(text) => map.serialize_entry(&tag.to_string(), text)?,
                PropValue::Int(number) => map.serialize_entry(&tag.to_string(), number)?,
                PropValue::Bool(flag) => map.serialize_entry(&tag.to_string(), flag)?,
            }
        }
        map.end()
    }
}
