//! The positional fields of a packet, typed as the SDK's schema tables type them.

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::error::{DecodeError, MAX_LIST_LEN};
use crate::property::Property;

/// The wire type of one field, as the SDK's schema tables name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// One unsigned byte.
    Byte,
    /// A 32-bit integer (little-endian on the binary transport).
    Int,
    /// A 64-bit integer (little-endian on the binary transport).
    Long,
    /// A UTF-8 string.
    String,
    /// A [`Property`] map.
    Property,
    /// A list of [`Property`] maps.
    PropertyArray,
    /// A list of strings.
    StrArray,
}

impl FieldType {
    /// The name in a socket.io request's `Q[i].t`. PropertyArray is sent as
    /// `"ArrayMable"` \[code; no request in scope carries one\].
    pub fn json_name(self) -> &'static str {
        match self {
            FieldType::Byte => "Byte",
            FieldType::Int => "Int",
            FieldType::Long => "Long",
            FieldType::String => "String",
            FieldType::Property => "Property",
            FieldType::PropertyArray => "ArrayMable",
            FieldType::StrArray => "StrArray",
        }
    }

    /// The type named by a socket.io request's `Q[i].t`.
    pub fn from_json_name(name: &str) -> Option<Self> {
        Some(match name {
            "Byte" => FieldType::Byte,
            "Int" => FieldType::Int,
            "Long" => FieldType::Long,
            "String" => FieldType::String,
            "Property" => FieldType::Property,
            "ArrayMable" | "PropertyArray" => FieldType::PropertyArray,
            "StrArray" => FieldType::StrArray,
            _ => return None,
        })
    }
}

/// One field of a packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// [`FieldType::Byte`].
    Byte(u8),
    /// [`FieldType::Int`].
    Int(u32),
    /// [`FieldType::Long`].
    Long(u64),
    /// [`FieldType::String`].
    String(String),
    /// [`FieldType::Property`].
    Property(Property),
    /// [`FieldType::PropertyArray`].
    PropertyArray(Vec<Property>),
    /// [`FieldType::StrArray`].
    StrArray(Vec<String>),
}

impl Field {
    /// This field's type.
    pub fn field_type(&self) -> FieldType {
        match self {
            Field::Byte(_) => FieldType::Byte,
            Field::Int(_) => FieldType::Int,
            Field::Long(_) => FieldType::Long,
            Field::String(_) => FieldType::String,
            Field::Property(_) => FieldType::Property,
            Field::PropertyArray(_) => FieldType::PropertyArray,
            Field::StrArray(_) => FieldType::StrArray,
        }
    }

    /// Reads field `index` of type `expected` from its JSON value.
    pub fn from_json(index: usize, expected: FieldType, value: Value) -> Result<Self, DecodeError> {
        let wrong = || DecodeError::FieldType { index, expected };
        let number = |value: &Value| value.as_u64().ok_or_else(wrong);
        Ok(match expected {
            FieldType::Byte => Field::Byte(u8::try_from(number(&value)?).map_err(|_| wrong())?),
            FieldType::Int => Field::Int(u32::try_from(number(&value)?).map_err(|_| wrong())?),
            FieldType::Long => Field::Long(number(&value)?),
            FieldType::String => match value {
                Value::String(text) => Field::String(text),
                _ => return Err(wrong()),
            },
            FieldType::Property => Field::Property(Property::from_json(value)?),
            FieldType::PropertyArray => Field::PropertyArray(
                json_list(value, wrong)?
                    .into_iter()
                    .map(Property::from_json)
                    .collect::<Result<_, _>>()?,
            ),
            FieldType::StrArray => Field::StrArray(
                json_list(value, wrong)?
                    .into_iter()
                    .map(|item| match item {
                        Value::String(text) => Ok(text),
                        _ => Err(wrong()),
                    })
                    .collect::<Result<_, _>>()?,
            ),
        })
    }
}

/// The elements of a JSON array, at most [`MAX_LIST_LEN`].
fn json_list(value: Value, wrong: impl Fn() -> DecodeError) -> Result<Vec<Value>, DecodeError> {
    let Value::Array(items) = value else {
        return Err(wrong());
    };
    if items.len() > MAX_LIST_LEN {
        return Err(DecodeError::ListTooLong {
            count: items.len(),
            max: MAX_LIST_LEN,
        });
    }
    Ok(items)
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Byte(n) => serializer.serialize_u8(*n),
            Field::Int(n) => serializer.serialize_u32(*n),
            Field::Long(n) => serializer.serialize_u64(*n),
            Field::String(text) => serializer.serialize_str(text),
            Field::Property(property) => property.serialize(serializer),
            Field::PropertyArray(list) => list.serialize(serializer),
            Field::StrArray(list) => list.serialize(serializer),
        }
    }
}
