//! A blocked account is kicked with `serverKick`, and its next login gets 422.

use crate::helpers::*;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn a_banned_account_is_kicked_and_then_refused_with_422() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("banned");
    env.create_account(&app, &account, "tok").await;

    let mut recorder = Recorder::new();
    let nim = get_instance(&recorder.options(&env, &app, &account, "tok")).unwrap();
    recorder.wait("onconnect", 5_000).await;

    env.block(&app, &account).await;
    let kicked = recorder.wait("ondisconnect", 5_000).await;
    assert_eq!(get(&kicked, "code"), "kicked");
    assert_eq!(get(&kicked, "reason"), "serverKick");

    call(&nim, "connect", &[]).unwrap();
    let refused = recorder.wait_nth("ondisconnect", 2, 5_000).await;
    assert_eq!(get(&refused, "code"), 422);
    sleep(1_500).await;
    assert_eq!(recorder.count("onwillreconnect"), 0, "422 is never retried");
    assert_eq!(recorder.count("onconnect"), 1);
    reset().await;
}
