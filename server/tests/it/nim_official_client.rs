//! A native client of the official NIM Web SDK's wire protocol (`nim-compat`), for
//! the edge's stories: the binary websocket at `/websocket`, or socket.io 0.9 after
//! its handshake at `/socket.io/1/`.

use futures_util::{SinkExt, StreamExt};
use nim_compat::socketio::{self, Frame};
use nim_compat::{Login, LoginOk, LoginPort, Request, RequestBody, Response, ResponseBody};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::common::{TestServer, APP, WAIT};

/// Which transport the client speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    Binary,
    SocketIo,
}

/// What the client saw next.
#[derive(Debug)]
pub enum Seen {
    Response(Response),
    /// The server closed, with this close code (None: no close frame).
    Closed(Option<u16>),
}

/// A connection speaking the official SDK's protocol.
pub struct NimClient {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    wire: Wire,
    ser: u16,
}

/// A manual web login of `account` with `token` as the browser build sends it.
pub fn login(account: &str, token: &str, device_id: &str) -> Login {
    Login {
        client_type: 16,
        os: "Linux 64-bit".into(),
        manual: true,
        protocol_version: Some(1),
        device_id: device_id.into(),
        app_key: APP.into(),
        account: account.into(),
        custom_tag: Some(format!("tag-{device_id}")),
        sdk_human_version: Some("9.21.12".into()),
        token: token.into(),
        ..Default::default()
    }
}

impl NimClient {
    /// Opens `wire`'s WebSocket on `server` (after the handshake, for socket.io).
    pub async fn connect(server: &TestServer, wire: Wire) -> NimClient {
        let url = match wire {
            Wire::Binary => format!("ws://{}/websocket", server.addr),
            Wire::SocketIo => {
                let body = (server
                    .http()
                    .get(server.url("/socket.io/1/?t=1"))
                    .send()
                    .await)
                    .expect("handshake")
                    .text()
                    .await
                    .expect("handshake body");
                let session = body.split(':').next().expect("a session id");
                format!("ws://{}/socket.io/1/websocket/{session}", server.addr)
            }
        };
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("WebSocket connect");
        let mut client = NimClient { ws, wire, ser: 0 };
        if wire == Wire::SocketIo {
            let greeting = client.ws.next().await.expect("a greeting").expect("read");
            assert_eq!(greeting, Message::text(socketio::CONNECT));
        }
        client
    }

    /// Connects and logs in with `login`; panics unless it succeeds.
    pub async fn login(server: &TestServer, wire: Wire, login: Login) -> (NimClient, LoginOk) {
        let mut client = NimClient::connect(server, wire).await;
        client.request(RequestBody::Login(Box::new(login))).await;
        match client.recv().await.body {
            ResponseBody::LoginOk(ok) => (client, *ok),
            other => panic!("expected a login answer, got {other:?}"),
        }
    }

    /// Sends a request with the next `ser`; returns that `ser`.
    pub async fn request(&mut self, body: RequestBody) -> u16 {
        self.ser += 1;
        let request = Request {
            ser: self.ser,
            body,
        };
        let message = match self.wire {
            Wire::Binary => Message::binary(request.encode_binary()),
            Wire::SocketIo => Message::text(Frame::Message(&request.encode_json()).to_text()),
        };
        self.send_raw(message).await;
        self.ser
    }

    pub async fn send_raw(&mut self, message: Message) {
        self.ws.send(message).await.expect("send frame");
    }

    /// The next response or close within [`WAIT`], skipping socket.io heartbeats.
    pub async fn next(&mut self) -> Seen {
        loop {
            let frame = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("the server answered in time");
            let response = match frame {
                None | Some(Err(_)) => return Seen::Closed(None),
                Some(Ok(Message::Close(frame))) => {
                    let _ = self.ws.flush().await;
                    return Seen::Closed(frame.map(|f| u16::from(f.code)));
                }
                Some(Ok(Message::Binary(bytes))) => Response::decode_binary(&bytes),
                Some(Ok(Message::Text(text))) => match Frame::parse(&text).expect("socket.io") {
                    Frame::Message(json) => Response::decode_json(json),
                    _ => continue,
                },
                Some(Ok(_)) => continue,
            };
            return Seen::Response(response.expect("a valid server frame"));
        }
    }

    /// The next response; panics on close.
    pub async fn recv(&mut self) -> Response {
        match self.next().await {
            Seen::Response(response) => response,
            Seen::Closed(code) => panic!("expected a response, the server closed with {code:?}"),
        }
    }

    /// The next 2_7 push, skipping other responses.
    pub async fn next_ports(&mut self) -> (bool, Vec<LoginPort>) {
        loop {
            if let ResponseBody::PortsChange(change) = self.recv().await.body {
                return (change.online, change.ports);
            }
        }
    }

    /// The close code that ends the connection, skipping responses before it.
    pub async fn closed(&mut self) -> Option<u16> {
        loop {
            if let Seen::Closed(code) = self.next().await {
                return code;
            }
        }
    }
}
