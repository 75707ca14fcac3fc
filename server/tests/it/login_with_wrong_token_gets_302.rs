//! A wrong token gets `loginFailed` 302 and the close code 4302, which the SDK
//! treats as "do not reconnect".

use crate::common::{login_request, TestServer};
use nim_protocol::{CloseCode, Reconnect};

#[tokio::test]
async fn login_with_wrong_token_gets_302() {
    let server = TestServer::start().await;
    server.create_account("alice", "alice-token").await;

    let (mut client, failed) = server
        .login_refused(login_request("alice", "wrong", "tab-1"))
        .await;
    assert_eq!((failed.id, failed.code), (1, 302));
    let code = client.expect_close().await.expect("a close code");
    assert_eq!(code, CloseCode::login_refused(302).0);
    assert_eq!(CloseCode(code).reconnect(), Reconnect::Never);
}
