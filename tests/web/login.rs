//! The walking skeleton: an account made through the server API logs in with
//! `NIM.getInstance` and gets `onconnect` with the NIM payload: the `customTag` it
//! sent, and the device id of the account's previous login.

use crate::helpers::*;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn login_calls_onconnect_with_the_connection() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("login");
    env.create_account(&app, &account, "secret-token").await;

    let mut recorder = Recorder::new();
    let options = recorder.options(&env, &app, &account, "secret-token");
    set(&options, "customTag", "office laptop 设😀".into());
    set(&options, "deviceId", "first-device".into());
    let nim = get_instance(&options).unwrap();
    let info = recorder.wait("onconnect", 5_000).await;

    for key in [
        "lastLoginDeviceId",
        "customTag",
        "connectionId",
        "ip",
        "port",
        "country",
    ] {
        assert!(
            get(&info, key).is_string(),
            "onconnect payload has string {key}"
        );
    }
    assert!(!get_str(&info, "connectionId").is_empty());
    assert_eq!(get_str(&info, "customTag"), "office laptop 设😀");
    assert_eq!(
        get_str(&info, "lastLoginDeviceId"),
        "",
        "the account's first login"
    );
    assert_eq!(call(&nim, "getLoginStatus", &[]).unwrap(), 1);
    assert_eq!(call(&nim, "isConnected", &[]).unwrap(), true);
    assert_eq!(recorder.count("ondisconnect"), 0);

    // The next login, from another device, is told which device logged in before.
    settle(call(&nim, "disconnect", &[]).unwrap())
        .await
        .unwrap();
    let change = object(&[
        ("deviceId", "second-device".into()),
        ("customTag", "".into()),
    ]);
    call(&nim, "setOptions", &[change]).unwrap();
    call(&nim, "connect", &[]).unwrap();
    let info = recorder.wait_nth("onconnect", 2, 5_000).await;
    assert_eq!(get_str(&info, "lastLoginDeviceId"), "first-device");
    assert_eq!(get_str(&info, "customTag"), "");
    reset().await;
}
