//! Writes of the binary transport's field types.

use crate::field::Field;
use crate::property::Property;

/// An output buffer for one frame.
#[derive(Default)]
pub(crate) struct Writer(Vec<u8>);

impl Writer {
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    pub(crate) fn u8(&mut self, value: u8) {
        self.0.push(value);
    }

    pub(crate) fn u16(&mut self, value: u16) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    /// LEB128, low seven bits first.
    pub(crate) fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.0.push((value as u8 & 0x7f) | 0x80);
            value >>= 7;
        }
        self.0.push(value as u8);
    }

    fn string(&mut self, text: &str) {
        self.varint(text.len() as u64);
        self.0.extend_from_slice(text.as_bytes());
    }

    fn property(&mut self, property: &Property) {
        self.varint(property.len() as u64);
        for (tag, value) in property.iter() {
            self.varint(u64::from(tag));
            self.string(&value.as_text());
        }
    }

    pub(crate) fn field(&mut self, field: &Field) {
        match field {
            Field::Byte(n) => self.u8(*n),
            Field::Int(n) => self.0.extend_from_slice(&n.to_le_bytes()),
            Field::Long(n) => self.0.extend_from_slice(&n.to_le_bytes()),
            Field::String(text) => self.string(text),
            Field::Property(property) => self.property(property),
            Field::PropertyArray(list) => {
                self.varint(list.len() as u64);
                list.iter().for_each(|property| self.property(property));
            }
            Field::StrArray(list) => {
                self.varint(list.len() as u64);
                list.iter().for_each(|text| self.string(text));
            }
        }
    }
}
