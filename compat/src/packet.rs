//! One NIM packet independent of its transport: header values and typed fields.

use crate::command::Command;
use crate::field::{Field, FieldType};

/// NIM's success code; a header without a code means this \[seen\].
pub const CODE_OK: u16 = 200;

/// Codes whose answers still carry a body the SDK reads; after any other code it
/// ignores the fields \[code\].
pub const CODES_WITH_BODY: [u16; 5] = [200, 406, 808, 810, 7101];

/// Which way a packet travels, which decides the schema of its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// A client request (upper-case `SID/CID/SER` and `Q` in JSON).
    ToServer,
    /// A server answer or push (lower-case `sid/cid/ser/code` and `r` in JSON).
    ToClient,
}

impl Direction {
    /// The fields `command` carries this way, or `None` outside this codec's scope.
    pub fn schema(self, command: Command) -> Option<&'static [FieldType]> {
        match self {
            Direction::ToServer => command.request_schema(),
            Direction::ToClient => command.response_schema(),
        }
    }
}

/// One packet, as both transports carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// The command.
    pub command: Command,
    /// The request counter the answer echoes; 0 for heartbeats and pushes.
    pub ser: u16,
    /// The result code; absent in client requests.
    pub code: Option<u16>,
    /// The fields, in schema order. Empty for a command outside the schema tables
    /// (its body is not read) and for answers whose code carries no body.
    pub fields: Vec<Field>,
}

impl Packet {
    /// The result code, with an absent code read as success \[seen\].
    pub fn result_code(&self) -> u16 {
        self.code.unwrap_or(CODE_OK)
    }

    /// Whether a packet going `direction` with this code has fields to read.
    pub(crate) fn has_body(direction: Direction, code: Option<u16>) -> bool {
        direction == Direction::ToServer || CODES_WITH_BODY.contains(&code.unwrap_or(CODE_OK))
    }
}
