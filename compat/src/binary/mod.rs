//! The binary websocket transport (`/websocket`, the browser build's default): one
//! NIM packet per binary message, integers little-endian \[seen\].
//!
//! ```text
//! header := varint packetLength | u8 sid | u8 cid | u16 ser | u8 tag | (tag & 2 ? u16 code)
//! ```
//!
//! The SDK always writes packetLength 0 and tag 0 \[seen\]; this codec writes
//! packetLength 0 too, and tag 2 with the code in answers, as the test server the
//! SDK accepted did \[seen\].

mod reader;
mod writer;

use reader::Reader;
use writer::Writer;

use crate::command::Command;
use crate::error::{DecodeError, MAX_FRAME_BYTES};
use crate::packet::{Direction, Packet};

/// The header bit that says a code follows.
const TAG_HAS_CODE: u8 = 0x02;

/// Decodes one binary message travelling `direction`.
///
/// The packet length must be 0 or the frame's length: the SDK always writes 0
/// \[seen\], and a prefix of a frame has no meaning here \[inferred\]. A command outside
/// the schema tables decodes with no fields (its body is skipped, so the server can
/// still answer it by `sid`/`cid`/`ser`). Trailing fields may be absent, as the SDK
/// stops reading at the end of the buffer \[code\]; bytes after the last field of a
/// known command are an error.
pub fn decode(frame: &[u8], direction: Direction) -> Result<Packet, DecodeError> {
    if frame.len() > MAX_FRAME_BYTES {
        return Err(DecodeError::FrameTooLarge {
            len: frame.len(),
            max: MAX_FRAME_BYTES,
        });
    }
    let mut reader = Reader::new(frame);
    let declared = reader.varint("packet length")? as usize;
    if declared != 0 && declared != frame.len() {
        return Err(DecodeError::PacketLength {
            declared,
            frame: frame.len(),
        });
    }
    let command = Command::new(reader.u8("sid")?, reader.u8("cid")?);
    let ser = reader.u16("ser")?;
    let tag = reader.u8("tag")?;
    if tag & !TAG_HAS_CODE != 0 {
        return Err(DecodeError::UnsupportedTag(tag));
    }
    let code = if tag & TAG_HAS_CODE != 0 {
        Some(reader.u16("code")?)
    } else {
        None
    };
    let mut packet = Packet {
        command,
        ser,
        code,
        fields: Vec::new(),
    };
    let schema = direction.schema(command);
    if let (Some(schema), true) = (schema, Packet::has_body(direction, code)) {
        for field_type in schema {
            if reader.remaining() == 0 {
                break;
            }
            packet.fields.push(reader.field(*field_type)?);
        }
        if reader.remaining() != 0 {
            return Err(DecodeError::TrailingBytes(reader.remaining()));
        }
    }
    Ok(packet)
}

/// Encodes one packet as a binary message.
pub fn encode(packet: &Packet) -> Vec<u8> {
    let mut writer = Writer::default();
    writer.varint(0);
    writer.u8(packet.command.sid);
    writer.u8(packet.command.cid);
    writer.u16(packet.ser);
    match packet.code {
        Some(code) => {
            writer.u8(TAG_HAS_CODE);
            writer.u16(code);
        }
        None => writer.u8(0),
    }
    for field in &packet.fields {
        writer.field(field);
    }
    writer.into_bytes()
}
