//! Client requests, decoded the same way from either transport.

use std::collections::BTreeMap;

use crate::binary;
use crate::command::Command;
use crate::error::DecodeError;
use crate::field::Field;
use crate::fields::FieldReader;
use crate::json;
use crate::login::Login;
use crate::packet::{Direction, Packet};
use crate::property::{PropValue, Property};
use crate::response::{Response, ResponseBody};

/// The code of the answer to a request outside this codec's scope: 997, which the
/// SDK's error table words "协议已失效" (the protocol is no longer valid). The SDK
/// gives it no handling of its own, unlike 998 (the browser build then probes the
/// binary transport and may fall back) or 398/399 after a login (reconnect);
/// 404 there reads "user/team/chatroom does not exist", which would mislead
/// \[code; the SDK's reaction to it is inferred\].
pub const CODE_UNSUPPORTED: u16 = 997;

/// The timetags of a sync request; each must be a number.
fn timetags(property: Property) -> Result<BTreeMap<u32, u64>, DecodeError> {
    property
        .iter()
        .map(|(tag, value)| {
            let timetag = value
                .as_number()
                .ok_or(DecodeError::PropertyValue { tag })?;
            Ok((tag, timetag))
        })
        .collect()
}

/// A client request, decoded from either transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The request counter the answer must echo (0 for heartbeats).
    pub ser: u16,
    /// What is asked.
    pub body: RequestBody,
}

/// The requests in scope, and one value for every other command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestBody {
    /// 1_2: answer with [`ResponseBody::Heartbeat`].
    Heartbeat,
    /// 2_3: the first request on a connection.
    Login(Box<Login>),
    /// 2_6: the SDK closes the socket right after it, without waiting \[seen\].
    Logout,
    /// 2_8: kick these devices of the same account.
    Kick {
        /// The device ids to kick.
        device_ids: Vec<String>,
    },
    /// 5_1: answer with [`ResponseBody::SyncDone`].
    Sync {
        /// The client's timetag of each kind of data, by tag (all 0 from a fresh
        /// SDK) \[seen\]; strings on the binary transport, numbers in JSON.
        timetags: BTreeMap<u32, u64>,
    },
    /// 6_26: answer with [`ResponseBody::NosCdnHost`].
    GetNosCdnHost,
    /// A command outside this codec's scope; its body is not read. Answer it with
    /// [`Request::unsupported`], or the SDK waits for its own timeout.
    Unsupported(Command),
}

impl RequestBody {
    /// The command this request is.
    pub fn command(&self) -> Command {
        match self {
            RequestBody::Heartbeat => Command::HEARTBEAT,
            RequestBody::Login(_) => Command::LOGIN,
            RequestBody::Logout => Command::LOGOUT,
            RequestBody::Kick { .. } => Command::KICK,
            RequestBody::Sync { .. } => Command::SYNC,
            RequestBody::GetNosCdnHost => Command::GET_NOS_CDN_HOST,
            RequestBody::Unsupported(command) => *command,
        }
    }
}

impl Request {
    /// Decodes a binary websocket message from a client.
    pub fn decode_binary(frame: &[u8]) -> Result<Self, DecodeError> {
        Request::from_packet(binary::decode(frame, Direction::ToServer)?)
    }

    /// Decodes a JSON packet from a client (the data of a socket.io message).
    pub fn decode_json(text: &str) -> Result<Self, DecodeError> {
        Request::from_packet(json::decode(text, Direction::ToServer)?)
    }

    /// Encodes the request as the SDK does on the binary transport.
    pub fn encode_binary(&self) -> Vec<u8> {
        binary::encode(&self.to_packet())
    }

    /// Encodes the request as the SDK does in JSON.
    pub fn encode_json(&self) -> String {
        json::encode(&self.to_packet(), Direction::ToServer)
    }

    /// The typed request in a decoded packet.
    pub fn from_packet(packet: Packet) -> Result<Self, DecodeError> {
        let mut fields = FieldReader::new(packet.fields);
        let body = match packet.command {
            Command::HEARTBEAT => RequestBody::Heartbeat,
            Command::LOGIN => {
                RequestBody::Login(Box::new(Login::from_property(fields.property()?)?))
            }
            Command::LOGOUT => RequestBody::Logout,
            Command::KICK => RequestBody::Kick {
                device_ids: fields.str_array()?,
            },
            Command::SYNC => RequestBody::Sync {
                timetags: timetags(fields.property()?)?,
            },
            Command::GET_NOS_CDN_HOST => RequestBody::GetNosCdnHost,
            other => RequestBody::Unsupported(other),
        };
        Ok(Request {
            ser: packet.ser,
            body,
        })
    }

    /// The packet of this request.
    pub fn to_packet(&self) -> Packet {
        let fields = match &self.body {
            RequestBody::Login(login) => vec![Field::Property(login.to_property())],
            RequestBody::Kick { device_ids } => vec![Field::StrArray(device_ids.clone())],
            RequestBody::Sync { timetags } => {
                let mut property = Property::new();
                for (tag, timetag) in timetags {
                    property.insert(*tag, PropValue::number(*timetag));
                }
                vec![Field::Property(property)]
            }
            RequestBody::Heartbeat
            | RequestBody::Logout
            | RequestBody::GetNosCdnHost
            | RequestBody::Unsupported(_) => Vec::new(),
        };
        Packet {
            command: self.body.command(),
            ser: self.ser,
            code: None,
            fields,
        }
    }

    /// The answer to this request carrying `body`.
    pub fn answer(&self, body: ResponseBody) -> Response {
        Response {
            ser: self.ser,
            body,
        }
    }

    /// The refusal of this request with a NIM `code` (302 for a wrong token, …);
    /// the answer has no fields.
    pub fn refuse(&self, code: u16) -> Response {
        self.answer(ResponseBody::Refused {
            command: self.body.command(),
            code,
        })
    }

    /// The refusal of a request this server does not serve, with
    /// [`CODE_UNSUPPORTED`].
    pub fn unsupported(&self) -> Response {
        self.refuse(CODE_UNSUPPORTED)
    }
}
