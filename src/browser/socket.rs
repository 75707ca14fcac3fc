//! One WebSocket and the closures that listen to it, released together on drop.

use super::{get, invoke, listener, set, stringify, Input, Listener, Sink};
use wasm_bindgen::JsValue;
use web_sys::WebSocket;

use crate::core::text::truncate_chars;
use crate::core::SocketId;
use nim_protocol::{ClientMessage, ServerMessage};

/// What a socket reports.
#[derive(Debug)]
pub enum SocketEvent {
    /// The connection opened.
    Open,
    /// A text frame arrived and was read.
    Message(ServerMessage),
    /// A frame arrived that is not a message of the protocol.
    Unreadable(String),
    /// The connection closed (or could not open).
    Close {
        /// The WebSocket close code.
        code: u16,
        /// The close reason.
        reason: String,
    },
}

/// The socket `id` opened.
pub fn opened(id: u32, _: JsValue) -> Input {
    Input::Socket(SocketId(id), SocketEvent::Open)
}

/// The socket's handler properties, in the order of `Socket::_listeners`.
const HANDLERS: [&str; 3] = ["onopen", "onmessage", "onclose"];

/// An open or opening WebSocket; dropping it detaches the listeners and closes it.
pub struct Socket {
    ws: WebSocket,
    _listeners: [Listener; 3],
}

impl Socket {
    /// Opens `url`, reporting to `sink` under `id`.
    pub fn open(url: &str, id: SocketId, sink: &Sink) -> Result<Socket, JsValue> {
        let ws = WebSocket::new(url)?;
        set(&ws, "binaryType", &"arraybuffer".into());
        let listeners = [
            listener(sink, id.0, opened),
            listener(sink, id.0, |id, e| {
                Input::Socket(SocketId(id), read_frame(&get(&e, "data")))
            }),
            listener(sink, id.0, |id, e| {
                Input::Socket(
                    SocketId(id),
                    SocketEvent::Close {
                        code: get(&e, "code").as_f64().unwrap_or(0.0) as u16,
                        reason: get(&e, "reason").as_string().unwrap_or_default(),
                    },
                )
            }),
        ];
        for at in 0..HANDLERS.len() {
            set(&ws, HANDLERS[at], listeners[at].as_ref());
        }
        Ok(Socket {
            ws,
            _listeners: listeners,
        })
    }

    /// Sends `message` as one JSON text frame.
    pub fn send(&self, message: &ClientMessage) -> Result<(), JsValue> {
        // A socket already closing or closed (its opening can be handled late, after
        // a busy main thread or the wait for the tab's id) drops the frame: its
        // `close` event follows and reports the end, while `send` would only log an
        // error in the console.
        if get(&self.ws, "readyState").as_f64() != Some(1.0) {
            return Ok(());
        }
        let value = serde_wasm_bindgen::to_value(message)?;
        let text = stringify(&value)?;
        invoke(&self.ws, "send", &text, &JsValue::UNDEFINED).map(drop)
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        for name in HANDLERS {
            set(&self.ws, name, &JsValue::NULL);
        }
        // Closing with 1000 and no reason does not throw, and does nothing to a
        // socket that is already closing or closed.
        let _ = invoke(&self.ws, "close", &1000.into(), &JsValue::UNDEFINED);
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `JSON.parse(text)` on the JS string itself: the frame's text is not copied
    /// into the wasm and back.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn parse_json(text: &JsValue) -> Result<JsValue, JsValue>;
}

/// Reads one frame with the browser's own JSON parser.
fn read_frame(data: &JsValue) -> SocketEvent {
    if !data.is_string() {
        return SocketEvent::Unreadable("a binary frame".into());
    }
    let value = match parse_json(data) {
        Ok(value) => value,
        Err(_) => return SocketEvent::Unreadable("not JSON".into()),
    };
    // serde's internally tagged enum would first copy the whole object into a
    // generic value; the protocol crate dispatches on `t` itself instead.
    let t = get(&value, "t").as_string().unwrap_or_default();
    let fields = serde_wasm_bindgen::Deserializer::from(value);
    match ServerMessage::from_tagged(&t, fields) {
        Ok(Some(message)) => SocketEvent::Message(message),
        // Only a frame that is not a message of the protocol is read into Rust.
        _ => SocketEvent::Unreadable(truncate_chars(data.as_string().unwrap_or_default(), 200)),
    }
}
