//! socket.io 0.9 framing, as the SDK's bundled client uses it \[seen\]:
//!
//! ```text
//! GET  /socket.io/1/?t=<ms>            → "<session>:<heartbeatTimeout>:<closeTimeout>:websocket"
//! WS   /socket.io/1/websocket/<session>
//! S→C  "1::"                           connect; the SDK sends its login only after it
//! both "2::"                           socket.io heartbeat; the server echoes the client's
//! both "3:::<json>"                    one NIM JSON packet (crate::json)
//! C→S  "0::"                           disconnect
//! ```
//!
//! A frame is `type:id:endpoint[:data]`; the SDK leaves id and endpoint empty.

use std::num::NonZeroU32;

use crate::error::{DecodeError, MAX_FRAME_BYTES};
use crate::request::Request;
use crate::response::Response;

/// The path of the handshake request (a `GET` with a `t` query).
pub const HANDSHAKE_PATH: &str = "/socket.io/1/";

/// The path prefix of the websocket transport; the session id follows it.
pub const WEBSOCKET_PATH_PREFIX: &str = "/socket.io/1/websocket/";

/// The connect frame the server must send first.
pub const CONNECT: &str = "1::";

/// The heartbeat frame.
pub const HEARTBEAT: &str = "2::";

/// The body of the handshake answer. The SDK closes its transport when it hears
/// nothing for `heartbeat_timeout_secs`, so that must not be zero; `websocket` is
/// the only transport offered, and the one the SDK asks for \[seen\].
pub fn handshake_body(
    session: &str,
    heartbeat_timeout_secs: NonZeroU32,
    close_timeout_secs: u32,
) -> String {
    format!("{session}:{heartbeat_timeout_secs}:{close_timeout_secs}:websocket")
}

/// The session id in a websocket transport path, when `path` is one.
pub fn session_of_path(path: &str) -> Option<&str> {
    path.strip_prefix(WEBSOCKET_PATH_PREFIX)
        .filter(|session| !session.is_empty() && !session.contains('/'))
}

/// One socket.io 0.9 frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame<'a> {
    /// `0`: the peer closes.
    Disconnect,
    /// `1`: connected (server to client).
    Connect,
    /// `2`: heartbeat.
    Heartbeat,
    /// `3`: a message; NIM puts one JSON packet in it.
    Message(&'a str),
    /// `4`: a JSON message.
    Json(&'a str),
    /// `5`–`8` (event, ack, error, noop): not used by the SDK for NIM packets.
    Other(u8),
}

impl<'a> Frame<'a> {
    /// Parses one text frame.
    pub fn parse(text: &'a str) -> Result<Self, DecodeError> {
        if text.len() > MAX_FRAME_BYTES {
            return Err(DecodeError::FrameTooLarge {
                len: text.len(),
                max: MAX_FRAME_BYTES,
            });
        }
        let mut parts = text.splitn(4, ':');
        let kind = parts.next().ok_or(DecodeError::SocketIo)?;
        let (Some(_id), Some(_endpoint)) = (parts.next(), parts.next()) else {
            return Err(DecodeError::SocketIo);
        };
        let data = parts.next().unwrap_or("");
        Ok(match kind {
            "0" => Frame::Disconnect,
            "1" => Frame::Connect,
            "2" => Frame::Heartbeat,
            "3" => Frame::Message(data),
            "4" => Frame::Json(data),
            "5" | "6" | "7" | "8" => Frame::Other(kind.as_bytes()[0] - b'0'),
            _ => return Err(DecodeError::SocketIo),
        })
    }

    /// The frame as text.
    pub fn to_text(self) -> String {
        match self {
            Frame::Disconnect => "0::".to_owned(),
            Frame::Connect => CONNECT.to_owned(),
            Frame::Heartbeat => HEARTBEAT.to_owned(),
            Frame::Message(data) => format!("3:::{data}"),
            Frame::Json(data) => format!("4:::{data}"),
            Frame::Other(kind) => format!("{kind}::"),
        }
    }
}

/// What one text frame from a client on the socket.io transport asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientFrame {
    /// A NIM request in a message frame.
    Request(Request),
    /// The socket.io heartbeat: echo [`HEARTBEAT`].
    Heartbeat,
    /// The client closes (`0::`), e.g. right after a logout \[seen\].
    Disconnect,
    /// A frame type the SDK does not send for NIM (connect, event, ack, error,
    /// noop), by its type digit; the server may ignore it.
    Ignored(u8),
}

/// Decodes one text frame from a client. A message or JSON frame must hold one
/// NIM JSON request.
pub fn decode_client(text: &str) -> Result<ClientFrame, DecodeError> {
    Ok(match Frame::parse(text)? {
        Frame::Disconnect => ClientFrame::Disconnect,
        Frame::Heartbeat => ClientFrame::Heartbeat,
        Frame::Message(data) | Frame::Json(data) => {
            ClientFrame::Request(Request::decode_json(data)?)
        }
        Frame::Connect => ClientFrame::Ignored(1),
        Frame::Other(kind) => ClientFrame::Ignored(kind),
    })
}

/// The message frame carrying one answer or push.
pub fn encode_response(response: &Response) -> String {
    Frame::Message(&response.encode_json()).to_text()
}
