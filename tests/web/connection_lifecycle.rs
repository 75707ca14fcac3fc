//! `disconnect` then `connect`, a token refreshed with `setOptions`, a callback
//! that disconnects inside `onconnect`, and a callback that throws.

use crate::helpers::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn disconnect_then_connect() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("again");
    env.create_account(&app, &account, "tok").await;
    let mut recorder = Recorder::new();
    let nim = get_instance(&recorder.options(&env, &app, &account, "tok")).unwrap();
    recorder.wait("onconnect", 5_000).await;

    let promise = call(&nim, "disconnect", &[]).unwrap();
    settle(promise).await.unwrap();
    let event = recorder.wait("ondisconnect", 100).await;
    assert_eq!(
        get(&event, "code"),
        "logout",
        "ondisconnect came before the Promise"
    );
    assert_eq!(
        call(&nim, "isConnected", &[]).unwrap(),
        false,
        "the socket is closed"
    );

    call(&nim, "connect", &[]).unwrap();
    recorder.wait_nth("onconnect", 2, 5_000).await;

    settle(call(&nim, "disconnect", &[]).unwrap())
        .await
        .unwrap();
    settle(call(&nim, "disconnect", &[]).unwrap())
        .await
        .unwrap();
    let again = recorder.wait_nth("ondisconnect", 3, 1_000).await;
    assert_eq!(get(&again, "code"), "alreadyDisconnected");
    reset().await;
}

#[wasm_bindgen_test]
async fn a_refreshed_token_is_used_at_the_next_login() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("refresh");
    env.create_account(&app, &account, "old-token").await;
    let mut recorder = Recorder::new();
    let nim = get_instance(&recorder.options(&env, &app, &account, "old-token")).unwrap();
    recorder.wait("onconnect", 5_000).await;

    env.set_token(&app, &account, "new-token").await;
    settle(call(&nim, "disconnect", &[]).unwrap())
        .await
        .unwrap();
    call(
        &nim,
        "setOptions",
        &[object(&[("token", "new-token".into())])],
    )
    .unwrap();
    call(&nim, "connect", &[]).unwrap();
    recorder.wait_nth("onconnect", 2, 5_000).await;
    assert_eq!(recorder.count("ondisconnect"), 1, "only the logout");
    reset().await;
}

#[wasm_bindgen_test]
async fn a_callback_may_disconnect_inside_onconnect() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("inside");
    env.create_account(&app, &account, "tok").await;
    let mut recorder = Recorder::new();
    let options = recorder.options(&env, &app, &account, "tok");
    let record = recorder.log_handle();
    let account_for_closure = account.clone();
    let onconnect = Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(move |info, _| {
        record("onconnect", info);
        // The same instance, fetched again from inside its own callback.
        let nim = nim_wasm::browser::Nim::get_instance(
            object(&[
                ("appKey", "testapp".into()),
                ("account", account_for_closure.as_str().into()),
                ("token", "tok".into()),
            ]),
            JsValue::UNDEFINED,
        );
        if let Ok(nim) = nim {
            let _ = call(&nim, "disconnect", &[]);
        }
        JsValue::UNDEFINED
    });
    set(&options, "onconnect", recorder.keep(onconnect));
    set(&options, "appKey", app.key.as_str().into());
    let nim = get_instance(&options).unwrap();
    recorder.wait("onconnect", 5_000).await;
    let event = recorder.wait("ondisconnect", 5_000).await;
    // The merge inside onconnect calls connect() (a no-op while connected), then
    // disconnect() logs out.
    assert_eq!(get(&event, "code"), "logout");
    sleep(300).await;
    assert_eq!(call(&nim, "getLoginStatus", &[]).unwrap(), 0);
    reset().await;
}

#[wasm_bindgen_test]
async fn a_throwing_callback_is_reported_and_the_sdk_goes_on() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("throws");
    env.create_account(&app, &account, "tok").await;
    let mut recorder = Recorder::new();
    let options = recorder.options(&env, &app, &account, "tok");
    let thrower = js_sys::Function::new_no_args("throw new Error('boom from onconnect')");
    set(&options, "onconnect", thrower.into());
    let nim = get_instance(&options).unwrap();
    let logged = recorder.wait("log:error", 5_000).await;
    assert!(logged.as_string().unwrap().contains("onconnect threw"));
    assert_eq!(call(&nim, "getLoginStatus", &[]).unwrap(), 1);
    settle(call(&nim, "disconnect", &[]).unwrap())
        .await
        .unwrap();
    assert_eq!(
        get(&recorder.wait("ondisconnect", 1_000).await, "code"),
        "logout"
    );
    reset().await;
}
