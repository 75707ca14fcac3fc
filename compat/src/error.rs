//! The one error type of the decoders, and the limits they enforce.

use crate::field::FieldType;

/// The largest binary frame or socket.io text frame the decoders accept, in bytes.
///
/// The official SDK's largest request in scope is its login (a few hundred bytes,
/// mostly the user agent); the limit leaves room for long custom tags and login
/// extensions while keeping one hostile frame cheap to reject.
pub const MAX_FRAME_BYTES: usize = 16 * 1024;

/// The most entries one Property map may declare.
///
/// A login carries about twenty tags and a sync request about twenty timetags; a
/// declared count above this is refused before anything is allocated for it.
pub const MAX_PROPERTY_ENTRIES: usize = 128;

/// The most elements one list (PropertyArray, StrArray) may declare.
///
/// Lists in scope are the device ids of a kick and the login ports of one account.
pub const MAX_LIST_LEN: usize = 256;

/// Why a frame could not be decoded. Every variant is the peer's fault: a
/// connection that yields one should be closed, since the framing can no longer be
/// trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The frame is larger than [`MAX_FRAME_BYTES`].
    #[error("frame of {len} bytes is larger than the limit of {max}")]
    FrameTooLarge {
        /// The frame's length.
        len: usize,
        /// [`MAX_FRAME_BYTES`].
        max: usize,
    },
    /// The frame ended in the middle of a header or field.
    #[error("frame truncated while reading {what}")]
    Truncated {
        /// What was being read.
        what: &'static str,
    },
    /// A varint ran on past five bytes.
    #[error("varint longer than 5 bytes")]
    VarintTooLong,
    /// A five-byte varint holds a value that does not fit in 32 bits.
    #[error("varint value does not fit in 32 bits")]
    VarintOverflow,
    /// A length prefix points past the end of the frame.
    #[error("length {declared} runs past the frame ({available} bytes left)")]
    LengthPastFrame {
        /// The declared length.
        declared: usize,
        /// The bytes left in the frame.
        available: usize,
    },
    /// The header's packet length disagrees with the frame.
    #[error("packet length {declared} does not fit a frame of {frame} bytes")]
    PacketLength {
        /// The declared packet length.
        declared: usize,
        /// The frame's length.
        frame: usize,
    },
    /// The header's tag byte has flags this codec does not know (e.g. compression).
    #[error("unsupported header tag {0:#04x}")]
    UnsupportedTag(u8),
    /// A Property map declares more than [`MAX_PROPERTY_ENTRIES`] entries.
    #[error("Property map of {count} entries is larger than the limit of {max}")]
    PropertyTooLarge {
        /// The declared count.
        count: usize,
        /// [`MAX_PROPERTY_ENTRIES`].
        max: usize,
    },
    /// A list declares more than [`MAX_LIST_LEN`] elements.
    #[error("list of {count} elements is longer than the limit of {max}")]
    ListTooLong {
        /// The declared count.
        count: usize,
        /// [`MAX_LIST_LEN`].
        max: usize,
    },
    /// A JSON packet has more fields than its command defines.
    #[error("{count} fields where the command defines at most {max}")]
    TooManyFields {
        /// The fields present.
        count: usize,
        /// The fields the command defines.
        max: usize,
    },
    /// A string is not valid UTF-8.
    #[error("string is not valid UTF-8")]
    BadUtf8,
    /// Bytes are left after the last field the command defines.
    #[error("{0} bytes after the last field")]
    TrailingBytes(usize),
    /// A field the command needs is absent.
    #[error("field {index} is missing")]
    MissingField {
        /// The field's position.
        index: usize,
    },
    /// A field has the wrong type for its position.
    #[error("field {index} is not a {expected:?}")]
    FieldType {
        /// The field's position.
        index: usize,
        /// The type the command defines there.
        expected: FieldType,
    },
    /// A field's value is outside what the command allows.
    #[error("field {index} has an invalid value")]
    FieldValue {
        /// The field's position.
        index: usize,
    },
    /// A Property tag is not a 32-bit unsigned number (JSON keys).
    #[error("Property tag {0:?} is not a number")]
    PropertyTag(String),
    /// A Property value that must be a number is not one.
    #[error("Property tag {tag} must hold a number")]
    PropertyValue {
        /// The tag.
        tag: u32,
    },
    /// A required Property tag is absent (in a server answer).
    #[error("Property tag {tag} is missing")]
    MissingProperty {
        /// The tag.
        tag: u32,
    },
    /// A JSON packet is not valid JSON or not of the expected shape.
    #[error("bad JSON packet: {0}")]
    Json(String),
    /// A JSON request names a parameter type this codec does not know.
    #[error("unknown parameter type {0:?}")]
    UnknownFieldType(String),
    /// A socket.io frame is not `type:id:endpoint[:data]` with a known type.
    #[error("bad socket.io frame")]
    SocketIo,
    /// A server answer names a command this codec does not know.
    #[error("unknown command {sid}_{cid}")]
    UnknownCommand {
        /// Service id.
        sid: u8,
        /// Command id.
        cid: u8,
    },
}

impl From<serde_json::Error> for DecodeError {
    fn from(err: serde_json::Error) -> Self {
        DecodeError::Json(err.to_string())
    }
}
