//! A wrong token ends in `ondisconnect({code: 302})` and is never retried.

use crate::helpers::*;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn wrong_token_gets_302_without_retry() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("wrong");
    env.create_account(&app, &account, "right-token").await;

    let mut recorder = Recorder::new();
    let nim = get_instance(&recorder.options(&env, &app, &account, "wrong-token")).unwrap();
    let event = recorder.wait("ondisconnect", 5_000).await;
    assert_eq!(get(&event, "code"), 302);
    assert_eq!(get(&event, "willReconnect"), false);
    assert!(get(&event, "message").is_string());

    sleep(2_500).await;
    assert_eq!(recorder.count("onwillreconnect"), 0, "302 is never retried");
    assert_eq!(recorder.count("onconnect"), 0);
    assert_eq!(recorder.count("ondisconnect"), 1);
    assert_eq!(call(&nim, "getLoginStatus", &[]).unwrap(), 0);
    reset().await;
}
