//! `onwillreconnect` (with `authType: 1`) returns a thenable whose `then` is a getter
//! that calls back into the instance. `Promise.resolve` reads `then` synchronously, so
//! the SDK must not hold its borrow of the instance while calling it: a re-entrant
//! call would otherwise panic and abort the wasm module.

use crate::helpers::*;
use js_sys::Function;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn a_thenable_whose_then_getter_reenters_does_not_panic() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("thenable");
    env.create_account(&app, &account, "tok").await;
    let holder = object(&[]);
    let mut recorder = Recorder::new();
    let options = recorder.options(&env, &app, &account, "tok");
    set(&options, "authType", 1.into());
    set(&options, "quickReconnect", true.into());
    let record = recorder.callback("onwillreconnect");
    let make = Function::new_with_args(
        "record, holder",
        "return function (arg) { record(arg); return { get then() { \
           holder.statuses = (holder.statuses || 0) + 1; holder.nim.getLoginStatus(); \
           return (resolve) => resolve(); } }; }",
    );
    let onwillreconnect = make.call2(&JsValue::NULL, &record, &holder).unwrap();
    set(&options, "onwillreconnect", onwillreconnect);
    let nim = get_instance(&options).unwrap();
    set(&holder, "nim", nim.clone());
    recorder.wait("onconnect", 5_000).await;

    fire_window_event("offline");
    recorder.wait("onwillreconnect", 2_000).await;
    fire_window_event("online");
    recorder.wait_nth("onconnect", 2, 5_000).await;
    assert_eq!(call(&nim, "getLoginStatus", &[]).unwrap(), 1);
    let errors: Vec<String> = recorder
        .events("log:error")
        .iter()
        .map(|m| m.as_string().unwrap_or_default())
        .collect();
    let getter_calls = get(&holder, "statuses");
    assert!(
        errors.is_empty(),
        "then getter ran {getter_calls:?} times; logFunc errors: {errors:?}"
    );
    reset().await;
}
