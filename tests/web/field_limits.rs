//! Every login field the SDK takes from its options, at its length limit in
//! multi-byte text (CJK, emoji): at the limit the real server takes the field, one
//! byte more and `getInstance` / `setOptions` throw `invalidOption` naming it, so no
//! login is ever refused for a length (which used to end in endless retries).

use crate::helpers::*;
use nim_protocol::{
    MAX_ACCOUNT_BYTES, MAX_APP_KEY_BYTES, MAX_CUSTOM_TAG_CHARS, MAX_DEVICE_ID_BYTES,
    MAX_LOGIN_EXT_BYTES, MAX_TOKEN_BYTES,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

/// `bytes` bytes of text: three-byte CJK characters, topped up with ASCII.
fn cjk(bytes: usize) -> String {
    "设".repeat(bytes / 3) + &"a".repeat(bytes % 3)
}

/// `bytes` bytes of text: four-byte emoji, topped up with ASCII.
fn emoji(bytes: usize) -> String {
    "😀".repeat(bytes / 4) + &"a".repeat(bytes % 4)
}

/// The `code` and message of what `result` threw.
fn thrown(result: Result<JsValue, JsValue>, what: &str) -> (JsValue, String) {
    let error = result.expect_err(what);
    (error_code(&error), get_str(&error, "message"))
}

#[wasm_bindgen_test]
async fn fields_at_their_limits_in_multibyte_text_reach_the_server() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("limits");
    env.create_account(&app, &account, "tok").await;

    let first_id = cjk(MAX_DEVICE_ID_BYTES);
    let tag = "😀".repeat(MAX_CUSTOM_TAG_CHARS);
    let mut recorder = Recorder::new();
    let options = recorder.options(&env, &app, &account, "tok");
    set(&options, "deviceId", first_id.as_str().into());
    set(&options, "customTag", tag.as_str().into());
    set(&options, "loginExt", emoji(MAX_LOGIN_EXT_BYTES).into());
    let nim = get_instance(&options).unwrap();
    let info = recorder.wait("onconnect", 5_000).await;
    assert_eq!(get_str(&info, "customTag"), tag);
    settle(call(&nim, "disconnect", &[]).unwrap())
        .await
        .unwrap();

    // The next login, with other texts at their limits, is told the first device id.
    let changes = object(&[
        ("deviceId", emoji(MAX_DEVICE_ID_BYTES).into()),
        ("customTag", "设".repeat(MAX_CUSTOM_TAG_CHARS).into()),
        ("loginExt", cjk(MAX_LOGIN_EXT_BYTES).into()),
    ]);
    call(&nim, "setOptions", &[changes]).unwrap();
    call(&nim, "connect", &[]).unwrap();
    let info = recorder.wait_nth("onconnect", 2, 5_000).await;
    assert_eq!(get_str(&info, "lastLoginDeviceId"), first_id);
    assert_eq!(
        get_str(&info, "customTag"),
        "设".repeat(MAX_CUSTOM_TAG_CHARS)
    );
    reset().await;

    // Accounts and tokens made through the server API are ASCII: a multi-byte one at
    // its limit passes the server's length check and gets its verdict on the account
    // (404) or the token (302), never 400.
    for (account, token, code) in [
        (cjk(MAX_ACCOUNT_BYTES), "tok".to_owned(), 404),
        (account.clone(), emoji(MAX_TOKEN_BYTES), 302),
    ] {
        let mut recorder = Recorder::new();
        get_instance(&recorder.options(&env, &app, &account, &token)).unwrap();
        let event = recorder.wait("ondisconnect", 5_000).await;
        assert_eq!(get(&event, "code"), code);
        reset().await;
    }
}

#[wasm_bindgen_test]
async fn one_byte_over_each_limit_throws_invalid_option() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("overlimit");
    env.create_account(&app, &account, "tok").await;
    let over = [
        ("deviceId", cjk(MAX_DEVICE_ID_BYTES + 1)),
        ("deviceId", "设".repeat(64)),
        ("deviceId", emoji(MAX_DEVICE_ID_BYTES + 1)),
        ("customTag", "设".repeat(MAX_CUSTOM_TAG_CHARS + 1)),
        ("loginExt", emoji(MAX_LOGIN_EXT_BYTES + 1)),
        ("token", cjk(MAX_TOKEN_BYTES + 1)),
        ("account", emoji(MAX_ACCOUNT_BYTES + 1)),
        ("appKey", cjk(MAX_APP_KEY_BYTES + 1)),
    ];
    for (key, value) in &over {
        let mut recorder = Recorder::new();
        let options = recorder.options(&env, &app, &account, "tok");
        set(&options, key, value.as_str().into());
        let (code, message) = thrown(get_instance(&options), key);
        assert_eq!(code, "invalidOption", "{key}");
        assert!(message.contains(key), "{key}: {message}");
    }

    let mut recorder = Recorder::new();
    let nim = get_instance(&recorder.options(&env, &app, &account, "tok")).unwrap();
    recorder.wait("onconnect", 5_000).await;
    for (key, value) in over.iter().filter(|(key, _)| *key != "account") {
        let change = object(&[(key, value.as_str().into())]);
        let (code, message) = thrown(call(&nim, "setOptions", &[change]), key);
        assert_eq!(code, "invalidOption", "setOptions {key}");
        assert!(message.contains(key), "{key}: {message}");
    }
    // Nothing was applied: the next login is the same device, and it succeeds.
    let before = get_str(&recorder.events("onconnect")[0], "connectionId");
    settle(call(&nim, "disconnect", &[]).unwrap())
        .await
        .unwrap();
    call(&nim, "connect", &[]).unwrap();
    let info = recorder.wait_nth("onconnect", 2, 5_000).await;
    assert_ne!(get_str(&info, "connectionId"), before);
    assert_eq!(recorder.count("ondisconnect"), 1, "only the logout");
    reset().await;
}
