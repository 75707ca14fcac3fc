//! Server answers and pushes, encoded the same way for either transport.

use crate::binary;
use crate::command::Command;
use crate::error::DecodeError;
use crate::field::Field;
use crate::fields::FieldReader;
use crate::json;
use crate::login::LoginOk;
use crate::packet::{Direction, Packet, CODE_OK};
use crate::property::{PropValue, Property};
use crate::{Kicked, PortsChange};

/// A server answer or push, encoded the same way for either transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The `ser` of the request answered; 0 for pushes and heartbeats.
    pub ser: u16,
    /// What is said.
    pub body: ResponseBody,
}

/// The answers and pushes in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseBody {
    /// 1_2, no fields.
    Heartbeat,
    /// 2_3 with code 200.
    LoginOk(Box<LoginOk>),
    /// 2_5 push; close the socket after it.
    Kicked(Kicked),
    /// 2_6 with code 200, no fields (harmless: the SDK has already closed).
    Logout,
    /// 2_7 push.
    PortsChange(PortsChange),
    /// 2_8 with code 200: the devices actually kicked (`done(null, {deviceIds})`).
    Kick {
        /// The ids of the devices kicked.
        device_ids: Vec<String>,
    },
    /// 5_1 with code 200: `[Long timetag]`, which fires `onsyncdone` \[seen\].
    SyncDone {
        /// The server's sync timetag (ms since the Unix epoch in the vectors).
        timetag: u64,
    },
    /// 6_26 with code 200: `[Property nosConfig]`. Only tag 3 is in scope; other
    /// tags of a server's answer are not read.
    NosCdnHost {
        /// Tag 3: how long the CDN configuration holds; 0 means no CDN \[seen\].
        expire: u64,
    },
    /// Any command answered with a code other than 200, no fields.
    Refused {
        /// The command refused.
        command: Command,
        /// The NIM code.
        code: u16,
    },
}

impl ResponseBody {
    /// The command this answer is.
    pub fn command(&self) -> Command {
        match self {
            ResponseBody::Heartbeat => Command::HEARTBEAT,
            ResponseBody::LoginOk(_) => Command::LOGIN,
            ResponseBody::Kicked(_) => Command::KICKED,
            ResponseBody::Logout => Command::LOGOUT,
            ResponseBody::PortsChange(_) => Command::MULTI_PORT_LOGIN,
            ResponseBody::Kick { .. } => Command::KICK,
            ResponseBody::SyncDone { .. } => Command::SYNC,
            ResponseBody::NosCdnHost { .. } => Command::GET_NOS_CDN_HOST,
            ResponseBody::Refused { command, .. } => *command,
        }
    }
}

impl Response {
    /// A push (`ser` 0): kicked, multiPortLogin.
    pub fn push(body: ResponseBody) -> Self {
        Response { ser: 0, body }
    }

    /// The answer to a client's heartbeat (which always has `ser` 0) \[seen\].
    pub fn heartbeat() -> Self {
        Response::push(ResponseBody::Heartbeat)
    }

    /// Encodes the answer as a binary websocket message.
    pub fn encode_binary(&self) -> Vec<u8> {
        binary::encode(&self.to_packet())
    }

    /// Encodes the answer as a JSON packet (the data of a socket.io message).
    pub fn encode_json(&self) -> String {
        json::encode(&self.to_packet(), Direction::ToClient)
    }

    /// Decodes a binary websocket message from a server.
    pub fn decode_binary(frame: &[u8]) -> Result<Self, DecodeError> {
        Response::from_packet(binary::decode(frame, Direction::ToClient)?)
    }

    /// Decodes a JSON packet from a server.
    pub fn decode_json(text: &str) -> Result<Self, DecodeError> {
        Response::from_packet(json::decode(text, Direction::ToClient)?)
    }

    /// The packet of this answer: code 200 with the fields, or the refusal's code
    /// without any.
    pub fn to_packet(&self) -> Packet {
        let fields = match &self.body {
            ResponseBody::LoginOk(login) => login.to_fields(),
            ResponseBody::Kicked(kicked) => kicked.to_fields(),
            ResponseBody::PortsChange(change) => change.to_fields(),
            ResponseBody::Kick { device_ids } => vec![Field::StrArray(device_ids.clone())],
            ResponseBody::SyncDone { timetag } => vec![Field::Long(*timetag)],
            ResponseBody::NosCdnHost { expire } => {
                let mut config = Property::new();
                config.insert(3, PropValue::number(*expire));
                vec![Field::Property(config)]
            }
            ResponseBody::Heartbeat | ResponseBody::Logout | ResponseBody::Refused { .. } => {
                Vec::new()
            }
        };
        let code = match self.body {
            ResponseBody::Refused { code, .. } => code,
            _ => CODE_OK,
        };
        Packet {
            command: self.body.command(),
            ser: self.ser,
            code: Some(code),
            fields,
        }
    }

    /// The typed answer in a decoded packet; a successful answer of a command
    /// outside the scope is an error, since its fields are unknown.
    pub fn from_packet(packet: Packet) -> Result<Self, DecodeError> {
        let command = packet.command;
        let code = packet.result_code();
        let ser = packet.ser;
        if code != CODE_OK {
            return Ok(Response {
                ser,
                body: ResponseBody::Refused { command, code },
            });
        }
        let mut fields = FieldReader::new(packet.fields);
        let body = match command {
            Command::HEARTBEAT => ResponseBody::Heartbeat,
            Command::LOGIN => ResponseBody::LoginOk(Box::new(LoginOk::from_fields(&mut fields)?)),
            Command::KICKED => ResponseBody::Kicked(Kicked::from_fields(&mut fields)?),
            Command::LOGOUT => ResponseBody::Logout,
            Command::MULTI_PORT_LOGIN => {
                ResponseBody::PortsChange(PortsChange::from_fields(&mut fields)?)
            }
            Command::KICK => ResponseBody::Kick {
                device_ids: fields.str_array()?,
            },
            Command::SYNC => ResponseBody::SyncDone {
                timetag: fields.long()?,
            },
            Command::GET_NOS_CDN_HOST => ResponseBody::NosCdnHost {
                expire: fields.property()?.take_number(3)?.unwrap_or(0),
            },
            Command { sid, cid } => return Err(DecodeError::UnknownCommand { sid, cid }),
        };
        Ok(Response { ser, body })
    }
}
