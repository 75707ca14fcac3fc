//! The two transports of the official SDK over one WebSocket: binary NIM packets
//! (`/websocket`, the browser default) and socket.io 0.9 text frames carrying NIM's
//! JSON packets (`/socket.io/1/websocket/…`, the Node build and
//! `binaryWebsocket: false`).

use axum::extract::ws::Message;
use nim_compat::socketio::{self, ClientFrame};
use nim_compat::{DecodeError, Request, Response};
use nim_protocol::ServerMessage;

use super::translate;
use crate::metrics;

/// Which transport a connection speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// One binary NIM packet per WebSocket message.
    Binary,
    /// socket.io 0.9 frames, NIM packets as JSON.
    SocketIo,
}

/// What one WebSocket message from the SDK was.
#[derive(Debug)]
pub enum Incoming {
    /// A NIM request.
    Request(Request),
    /// The transport's own heartbeat: activity, nothing to answer.
    Alive,
    /// The client said it is leaving (socket.io `0::`).
    Disconnect,
}

/// Why a message could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Unreadable {
    /// A text frame on the binary transport or a binary frame on socket.io.
    #[error("a {0} frame on this transport")]
    WrongKind(&'static str),
    /// The frame did not decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

impl Wire {
    /// The `protocol` label of this transport's metrics.
    pub fn label(self) -> &'static str {
        match self {
            Wire::Binary => metrics::NIM_BINARY,
            Wire::SocketIo => metrics::NIM_SOCKETIO,
        }
    }

    /// What the server sends first: socket.io's connect packet, after which the SDK
    /// logs in; nothing on the binary transport, where the SDK logs in at once.
    pub fn greeting(self) -> Option<Message> {
        match self {
            Wire::Binary => None,
            Wire::SocketIo => Some(Message::Text(socketio::CONNECT.into())),
        }
    }

    /// socket.io's heartbeat, which the server must send for the client to keep the
    /// transport open (the client echoes it).
    pub fn keepalive(self) -> Option<Message> {
        match self {
            Wire::Binary => None,
            Wire::SocketIo => Some(Message::Text(socketio::HEARTBEAT.into())),
        }
    }

    /// Reads a data message (text or binary) of this transport; `None` for
    /// frames of the socket.io layer that need no action.
    pub fn decode(self, message: &Message) -> Result<Option<Incoming>, Unreadable> {
        match (self, message) {
            (Wire::Binary, Message::Binary(bytes)) => {
                Ok(Some(Incoming::Request(Request::decode_binary(bytes)?)))
            }
            (Wire::SocketIo, Message::Text(text)) => Ok(match socketio::decode_client(text)? {
                ClientFrame::Request(request) => Some(Incoming::Request(request)),
                ClientFrame::Heartbeat => Some(Incoming::Alive),
                ClientFrame::Disconnect => Some(Incoming::Disconnect),
                ClientFrame::Ignored(_) => None,
            }),
            (Wire::Binary, _) => Err(Unreadable::WrongKind("text")),
            (Wire::SocketIo, _) => Err(Unreadable::WrongKind("binary")),
        }
    }

    /// The messages carrying a registry push (a `nim-protocol` frame, see
    /// `translate`) in NIM's form; none for a frame with no NIM form.
    pub fn translate(self, frame: &str) -> Vec<Message> {
        match serde_json::from_str::<ServerMessage>(frame) {
            Ok(message) => (translate::pushes(&message).iter())
                .map(|push| self.encode(push))
                .collect(),
            Err(err) => {
                tracing::debug!(%err, "a registry frame did not parse; not forwarded");
                Vec::new()
            }
        }
    }

    /// The WebSocket message carrying `response`.
    pub fn encode(self, response: &Response) -> Message {
        match self {
            Wire::Binary => Message::Binary(response.encode_binary().into()),
            Wire::SocketIo => Message::Text(socketio::encode_response(response).into()),
        }
    }
}
