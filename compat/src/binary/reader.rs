//! Bounds-checked reads of the binary transport's field types.

use crate::error::{DecodeError, MAX_LIST_LEN, MAX_PROPERTY_ENTRIES};
use crate::field::{Field, FieldType};
use crate::property::{PropValue, Property};

/// A cursor over one frame; every read checks the bytes left first.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(frame: &'a [u8]) -> Self {
        Reader { rest: frame }
    }

    /// The bytes not read yet.
    pub(crate) fn remaining(&self) -> usize {
        self.rest.len()
    }

    fn take(&mut self, len: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        if len > self.rest.len() {
            return Err(DecodeError::Truncated { what });
        }
        let (head, tail) = self.rest.split_at(len);
        self.rest = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], DecodeError> {
        let bytes = self.take(N, what)?;
        // `take` returned exactly N bytes.
        Ok(bytes.try_into().expect("take returns the requested length"))
    }

    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        Ok(self.array::<1>(what)?[0])
    }

    pub(crate) fn u16(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    fn u64(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    /// LEB128, at most five bytes, value within 32 bits (what the SDK reads).
    pub(crate) fn varint(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        let mut value: u64 = 0;
        for index in 0..5 {
            let byte = self.u8(what)?;
            value |= u64::from(byte & 0x7f) << (7 * index);
            if byte & 0x80 == 0 {
                return u32::try_from(value).map_err(|_| DecodeError::VarintOverflow);
            }
        }
        Err(DecodeError::VarintTooLong)
    }

    /// A varint length followed by that many bytes, which must be in the frame.
    fn varbin(&mut self, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let declared = self.varint(what)? as usize;
        if declared > self.rest.len() {
            return Err(DecodeError::LengthPastFrame {
                declared,
                available: self.rest.len(),
            });
        }
        self.take(declared, what)
    }

    fn string(&mut self, what: &'static str) -> Result<String, DecodeError> {
        let bytes = self.varbin(what)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| DecodeError::BadUtf8)
    }

    /// A varint count, checked against `max` before anything is allocated.
    fn count(
        &mut self,
        what: &'static str,
        max: usize,
        too_many: fn(usize, usize) -> DecodeError,
    ) -> Result<usize, DecodeError> {
        let count = self.varint(what)? as usize;
        if count > max {
            return Err(too_many(count, max));
        }
        Ok(count)
    }

    fn property(&mut self) -> Result<Property, DecodeError> {
        let count = self.count("Property count", MAX_PROPERTY_ENTRIES, |count, max| {
            DecodeError::PropertyTooLarge { count, max }
        })?;
        let mut property = Property::new();
        for _ in 0..count {
            let tag = self.varint("Property tag")?;
            property.insert(tag, PropValue::Str(self.string("Property value")?));
        }
        Ok(property)
    }

    fn list<T>(
        &mut self,
        what: &'static str,
        mut item: impl FnMut(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        let count = self.count(what, MAX_LIST_LEN, |count, max| DecodeError::ListTooLong {
            count,
            max,
        })?;
        (0..count).map(|_| item(self)).collect()
    }

    /// One field of type `field_type`.
    pub(crate) fn field(&mut self, field_type: FieldType) -> Result<Field, DecodeError> {
        Ok(match field_type {
            FieldType::Byte => Field::Byte(self.u8("Byte")?),
            FieldType::Int => Field::Int(self.u32("Int")?),
            FieldType::Long => Field::Long(self.u64("Long")?),
            FieldType::String => Field::String(self.string("String")?),
            FieldType::Property => Field::Property(self.property()?),
            FieldType::PropertyArray => {
                Field::PropertyArray(self.list("PropertyArray count", Self::property)?)
            }
            FieldType::StrArray => {
                Field::StrArray(self.list("StrArray count", |r| r.string("StrArray item"))?)
            }
        })
    }
}
