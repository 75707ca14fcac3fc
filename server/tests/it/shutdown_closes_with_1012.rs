//! On shutdown (SIGTERM, ctrl-c) the server stops accepting, closes every
//! connection with 1012 (service restart: the SDK retries later), and returns.

use crate::common::TestServer;
use nim_protocol::{CloseCode, Reconnect};

#[tokio::test]
async fn shutdown_closes_every_connection_with_1012() {
    let mut server = TestServer::start().await;
    server.create_account("alice", "t").await;
    let (mut logged_in, _) = server.login("alice", "t", "tab-1").await;
    let mut waiting = server.connect().await;

    let (_, a, b) = tokio::join!(server.stop(), logged_in.closed(), waiting.closed());

    assert_eq!(a, Some(CloseCode::SERVICE_RESTART.0));
    assert_eq!(b, Some(CloseCode::SERVICE_RESTART.0));
    assert_eq!(
        CloseCode::SERVICE_RESTART.reconnect(),
        Reconnect::WithBackoff
    );
    assert!(
        tokio_tungstenite::connect_async(server.ws_url())
            .await
            .is_err(),
        "no longer accepting"
    );
}
