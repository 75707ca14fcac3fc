//! Typed reads of a packet's positional fields.

use crate::error::DecodeError;
use crate::field::{Field, FieldType};
use crate::property::Property;

/// Hands out a packet's fields in order, each checked against the type expected.
pub(crate) struct FieldReader {
    fields: std::vec::IntoIter<Field>,
    index: usize,
}

/// Generates readers of single field types: `required` ones fail when the packet
/// ends before the field, `or_default` ones give the type's default then (the SDK
/// omits trailing fields).
macro_rules! field_reads {
    ($($kind:ident $variant:ident => $t:ty, $name:ident;)*) => {$(
        pub(crate) fn $name(&mut self) -> Result<$t, DecodeError> {
            let index = self.index;
            let field = self.next(FieldType::$variant, |field| match field {
                Field::$variant(value) => Some(value),
                _ => None,
            })?;
            field_reads!(@$kind field, index)
        }
    )*};
    (@required $field:ident, $index:ident) => {
        $field.ok_or(DecodeError::MissingField { index: $index })
    };
    (@or_default $field:ident, $index:ident) => {{
        let _ = $index;
        Ok($field.unwrap_or_default())
    }};
}

impl FieldReader {
    pub(crate) fn new(fields: Vec<Field>) -> Self {
        FieldReader {
            fields: fields.into_iter(),
            index: 0,
        }
    }

    /// The next field as `T`, `None` when the packet has no more fields.
    fn next<T>(
        &mut self,
        expected: FieldType,
        pick: fn(Field) -> Option<T>,
    ) -> Result<Option<T>, DecodeError> {
        let index = self.index;
        self.index += 1;
        match self.fields.next() {
            None => Ok(None),
            Some(field) => pick(field)
                .map(Some)
                .ok_or(DecodeError::FieldType { index, expected }),
        }
    }

    /// The position of the field read last, for [`DecodeError::FieldValue`].
    pub(crate) fn last_index(&self) -> usize {
        self.index.saturating_sub(1)
    }

    field_reads! {
        required Byte => u8, byte;
        required Int => u32, int;
        required Long => u64, long;
        required Property => Property, property;
        required StrArray => Vec<String>, str_array;
        or_default Int => u32, int_or_zero;
        or_default String => String, string_or_empty;
        or_default Property => Property, property_or_empty;
        or_default PropertyArray => Vec<Property>, property_array_or_empty;
    }
}
