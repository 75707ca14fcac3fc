//! The walking skeleton: an account made through the server API logs in with
//! `NIM.getInstance` and gets `onconnect` with the NIM payload.

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
    let nim = get_instance(&recorder.options(&env, &app, &account, "secret-token")).unwrap();
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
    assert_eq!(call(&nim, "getLoginStatus", &[]).unwrap(), 1);
    assert_eq!(call(&nim, "isConnected", &[]).unwrap(), true);
    assert_eq!(recorder.count("ondisconnect"), 0);
    reset().await;
}
