//! One device of the load generator: a WebSocket that speaks `nim-protocol`, and
//! the accounts it logs in as.

use std::io;
use std::net::{IpAddr, SocketAddr};

use futures_util::{SinkExt, StreamExt};
use nim_protocol::{
    ClientMessage, DeviceType, LoginOk, LoginRequest, ServerMessage, PROTOCOL_VERSION,
};
use tokio_tungstenite::tungstenite::Message;

use crate::http;
use crate::net::{self, Ws};
use crate::process::APP_KEY;

/// An account with its current token.
#[derive(Debug, Clone)]
pub struct Account {
    /// The accid.
    pub name: String,
    /// Its token.
    pub token: String,
}

/// Creates (or re-tokens) the accounts `{prefix}-0 .. {prefix}-{count-1}` through
/// the development server's `POST /dev/token`, `parallel` at a time.
pub async fn create_accounts(
    server: SocketAddr,
    prefix: &str,
    count: usize,
    parallel: usize,
) -> io::Result<Vec<Account>> {
    let names: Vec<String> = (0..count).map(|i| format!("{prefix}-{i}")).collect();
    let mut accounts = Vec::with_capacity(count);
    for chunk in names.chunks(parallel.max(1)) {
        let calls = chunk.iter().map(|name| async move {
            let form = format!("appKey={APP_KEY}&accid={name}");
            let (status, body) = http::request(server, "POST", "/dev/token", Some(&form)).await?;
            let reply: serde_json::Value = serde_json::from_str(&body).map_err(io::Error::other)?;
            match reply["info"]["token"].as_str() {
                Some(token) if status == 200 => Ok(Account {
                    name: name.clone(),
                    token: token.to_owned(),
                }),
                _ => Err(io::Error::other(format!("/dev/token {status}: {body}"))),
            }
        });
        for account in futures_util::future::join_all(calls).await {
            accounts.push(account?);
        }
    }
    Ok(accounts)
}

/// The `login` a device of the generator sends.
pub fn login_request(account: &Account, device_id: &str, auto: bool) -> ClientMessage {
    ClientMessage::Login(LoginRequest {
        id: 1,
        v: PROTOCOL_VERSION,
        app_key: APP_KEY.into(),
        account: account.name.clone(),
        token: account.token.clone(),
        auth_type: 0,
        device_id: device_id.into(),
        device_type: DeviceType::Web,
        os: "nim-bench".into(),
        mac: String::new(),
        custom_tag: String::new(),
        custom_client_type: 0,
        login_ext: String::new(),
        auto,
        // The longest idle timeout (130 s): idle devices need not ping during a run.
        heartbeat_interval: 65_000,
    })
}

/// A connected WebSocket speaking the protocol.
pub struct Device {
    ws: Ws,
}

impl Device {
    /// Opens a WebSocket from `source`, logs in and returns the device with the
    /// server's `loginOk`.
    pub async fn login(
        server: SocketAddr,
        source: IpAddr,
        account: &Account,
        device_id: &str,
    ) -> io::Result<(Device, LoginOk)> {
        let mut device = Device::open(server, source).await?;
        device
            .send(&login_request(account, device_id, false))
            .await?;
        match device.recv().await? {
            ServerMessage::LoginOk(ok) => Ok((device, ok)),
            other => Err(io::Error::other(format!("login refused: {other:?}"))),
        }
    }

    /// Opens a WebSocket from `source`, not logged in yet.
    pub async fn open(server: SocketAddr, source: IpAddr) -> io::Result<Device> {
        Ok(Device {
            ws: net::open(server, source).await?,
        })
    }

    /// Sends one message.
    pub async fn send(&mut self, message: &ClientMessage) -> io::Result<()> {
        // Serialising the protocol's own types cannot fail.
        let text = serde_json::to_string(message).expect("serialisable message");
        self.ws
            .send(Message::text(text))
            .await
            .map_err(io::Error::other)
    }

    /// The next protocol message; an error when the socket closed first.
    pub async fn recv(&mut self) -> io::Result<ServerMessage> {
        loop {
            match self.ws.next().await {
                Some(Ok(Message::Text(text))) => {
                    return serde_json::from_str(&text).map_err(io::Error::other)
                }
                Some(Ok(Message::Close(frame))) => {
                    return Err(io::Error::other(format!("closed: {frame:?}")))
                }
                Some(Ok(_)) => {}
                Some(Err(err)) => return Err(io::Error::other(err)),
                None => return Err(io::Error::other("closed")),
            }
        }
    }

    /// Closes the WebSocket and waits for the server to finish the close.
    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
        while let Some(Ok(_)) = self.ws.next().await {}
    }

    /// Waits until the server closes the socket, ignoring anything else it sends.
    pub async fn closed(mut self) {
        while let Some(Ok(_)) = self.ws.next().await {}
    }
}
