//! The field names of a `#[derive(Deserialize)]` struct, as serde sees them.
//!
//! serde-wasm-bindgen reads only the fields a struct declares and ignores every
//! other key of the object, so `deny_unknown_fields` never fires; the options
//! check their keys against these names instead.

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// The names (after `rename_all`) of the fields of struct `T`; empty for a type
/// that is not a struct.
pub fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut fields = FieldNames(&[]);
    // The deserializer always fails: it only records what the struct asked for.
    let _ = T::deserialize(&mut fields);
    fields.0
}

/// A deserializer that records the field list of the struct asking for it.
struct FieldNames(&'static [&'static str]);

impl<'de> Deserializer<'de> for &mut FieldNames {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("only field names are read"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0 = fields;
        self.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
        identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::field_names;

    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)] // only its field names are read
    struct Example {
        app_key: String,
        #[serde(rename = "type")]
        kind: u8,
        #[serde(skip)]
        skipped: bool,
    }

    #[test]
    fn lists_the_renamed_fields_of_a_struct() {
        assert_eq!(field_names::<Example>(), ["appKey", "type"]);
        assert!(field_names::<String>().is_empty());
    }
}
