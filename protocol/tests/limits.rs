//! The length limits leave room for each other: a login or a kick with every text
//! field at its limit still fits in one frame, so a request the SDK accepts is never
//! closed with 1009 for its size.

use nim_protocol::*;

/// `bytes` bytes of four-byte characters (emoji), the widest JSON leaves unescaped.
fn wide(bytes: usize) -> String {
    "😀".repeat(bytes / 4)
}

#[test]
fn a_login_at_every_limit_fits_in_a_frame() {
    let login = ClientMessage::Login(LoginRequest {
        id: u32::MAX,
        v: PROTOCOL_VERSION,
        app_key: wide(MAX_APP_KEY_BYTES),
        account: wide(MAX_ACCOUNT_BYTES),
        token: wide(MAX_TOKEN_BYTES),
        auth_type: 1,
        device_id: wide(MAX_DEVICE_ID_BYTES),
        device_type: DeviceType::HarmonyOs,
        os: wide(MAX_OS_BYTES),
        mac: wide(MAX_MAC_BYTES),
        custom_tag: "😀".repeat(MAX_CUSTOM_TAG_CHARS),
        custom_client_type: u32::MAX,
        login_ext: wide(MAX_LOGIN_EXT_BYTES),
        auto: true,
        heartbeat_interval: u32::MAX,
    });
    let text = serde_json::to_string(&login).unwrap();
    assert!(text.len() < MAX_FRAME_BYTES, "{} bytes", text.len());
}

#[test]
fn a_kick_at_every_limit_fits_in_a_frame() {
    let kick = ClientMessage::Kick(KickRequest {
        id: u32::MAX,
        device_ids: vec![wide(MAX_DEVICE_ID_BYTES); MAX_KICK_DEVICE_IDS],
        custom: wide(MAX_KICK_CUSTOM_BYTES),
    });
    let text = serde_json::to_string(&kick).unwrap();
    assert!(text.len() < MAX_FRAME_BYTES, "{} bytes", text.len());
}

#[test]
fn refusals_that_would_repeat_are_terminal() {
    assert!(code::is_terminal_login_code(code::BAD_REQUEST));
    assert!(!code::is_terminal_login_code(code::RATE_LIMITED));
    assert_eq!(CloseCode::PROTOCOL_ERROR.reconnect(), Reconnect::Never);
    assert_eq!(
        CloseCode::login_refused(code::BAD_REQUEST).reconnect(),
        Reconnect::Never
    );
    for transient in [
        CloseCode::LOGIN_TIMEOUT,
        CloseCode::SLOW_READER,
        CloseCode::login_refused(code::RATE_LIMITED),
    ] {
        assert_eq!(transient.reconnect(), Reconnect::WithBackoff);
    }
}
