//! The instance registry: one instance per account, two accounts side by side,
//! `destroy` that empties the registry and makes later calls throw, `free` that
//! destroys too, and `NIM.rmAllInstances()` that destroys them all.

use crate::helpers::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn get_instance_twice_returns_the_same_instance_and_merges() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("same");
    env.create_account(&app, &account, "tok").await;
    let mut recorder = Recorder::new();
    let first = get_instance(&recorder.options(&env, &app, &account, "tok")).unwrap();
    recorder.wait("onconnect", 5_000).await;

    let mut second_recorder = Recorder::new();
    let options = object(&[
        ("appKey", app.key.as_str().into()),
        ("account", account.as_str().into()),
        ("token", "tok".into()),
        ("onconnect", second_recorder.callback("onconnect")),
    ]);
    let second = get_instance(&options).unwrap();
    assert!(js_sys::Object::is(&first, &second), "the same object");
    call(&second, "disconnect", &[])
        .map(settle)
        .unwrap()
        .await
        .unwrap();
    call(&second, "connect", &[]).unwrap();
    second_recorder.wait("onconnect", 5_000).await;
    assert_eq!(
        recorder.count("onconnect"),
        1,
        "the merged onconnect replaced the first"
    );
    reset().await;
}

#[wasm_bindgen_test]
async fn two_accounts_live_side_by_side() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let (alice, bob) = (unique("alice"), unique("bob"));
    env.create_account(&app, &alice, "ta").await;
    env.create_account(&app, &bob, "tb").await;
    let mut ra = Recorder::new();
    let mut rb = Recorder::new();
    let a = get_instance(&ra.options(&env, &app, &alice, "ta")).unwrap();
    let b = get_instance(&rb.options(&env, &app, &bob, "tb")).unwrap();
    assert!(!js_sys::Object::is(&a, &b));
    ra.wait("onconnect", 5_000).await;
    rb.wait("onconnect", 5_000).await;

    settle(call(&a, "disconnect", &[]).unwrap()).await.unwrap();
    assert_eq!(call(&a, "getLoginStatus", &[]).unwrap(), 0);
    assert_eq!(
        call(&b, "getLoginStatus", &[]).unwrap(),
        1,
        "bob is untouched"
    );
    reset().await;
}

#[wasm_bindgen_test]
async fn rm_all_instances_destroys_every_account_and_resolves_with_undefined() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let (alice, bob) = (unique("alice"), unique("bob"));
    env.create_account(&app, &alice, "ta").await;
    env.create_account(&app, &bob, "tb").await;
    let mut ra = Recorder::new();
    let mut rb = Recorder::new();
    let a = get_instance(&ra.options(&env, &app, &alice, "ta")).unwrap();
    let b = get_instance(&rb.options(&env, &app, &bob, "tb")).unwrap();
    ra.wait("onconnect", 5_000).await;
    rb.wait("onconnect", 5_000).await;

    let gone = nim_wasm::browser::Nim::rm_all_instances();
    assert_eq!(settle(gone.into()).await.unwrap(), JsValue::UNDEFINED);
    for nim in [&a, &b] {
        let error = call(nim, "isConnected", &[]).unwrap_err();
        assert_eq!(error_code(&error), "destroyed");
    }
    let empty = nim_wasm::browser::Nim::rm_all_instances();
    assert_eq!(
        settle(empty.into()).await.unwrap(),
        JsValue::UNDEFINED,
        "with no instance left too"
    );
}

#[wasm_bindgen_test]
async fn destroy_empties_the_registry_and_later_calls_throw() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("destroy");
    env.create_account(&app, &account, "tok").await;
    let mut recorder = Recorder::new();
    let options = recorder.options(&env, &app, &account, "tok");
    let nim = get_instance(&options).unwrap();
    recorder.wait("onconnect", 5_000).await;

    let done = recorder.callback("destroyDone");
    let first = call(&nim, "destroy", &[object(&[("done", done)])]).unwrap();
    assert!(first.is_undefined());
    let second = call(&nim, "destroy", &[]).unwrap();
    settle(second).await.unwrap();
    recorder.wait("destroyDone", 5_000).await;
    assert_eq!(
        recorder.count("ondisconnect"),
        0,
        "callbacks are silenced by destroy"
    );

    for method in ["connect", "getLoginStatus", "isConnected", "getLoginPorts"] {
        let error = call(&nim, method, &[]).unwrap_err();
        assert_eq!(error_code(&error), "destroyed", "{method} after destroy");
        assert!(get_str(&error, "message").contains("destroyed"));
    }
    settle(call(&nim, "destroy", &[]).unwrap()).await.unwrap();

    let fresh = get_instance(&options).unwrap();
    assert!(
        !js_sys::Object::is(&nim, &fresh),
        "the registry forgot the destroyed one"
    );
    recorder.wait_nth("onconnect", 2, 5_000).await;
    reset().await;
}

/// Extra options, the expected error code, and the name the message must contain.
type Case<'a> = (&'a [(&'a str, JsValue)], &'a str, &'a str);

#[wasm_bindgen_test]
async fn bad_options_throw_at_once_naming_the_option() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let base = |extra: &[(&str, JsValue)]| {
        let options = object(&[
            ("appKey", app.key.as_str().into()),
            ("account", "validation".into()),
            ("token", "t".into()),
            ("skipConnectionOnInitialize", true.into()),
        ]);
        for (key, value) in extra {
            set(&options, key, value.clone());
        }
        options
    };
    let cases: [Case; 5] = [
        (&[("token", "".into())], "invalidOption", "token"),
        (
            &[("heartbeatInterval", 10.into())],
            "invalidOption",
            "heartbeatInterval",
        ),
        (
            &[("customTag", "x".repeat(33).into())],
            "invalidOption",
            "customTag",
        ),
        (&[("onconnect", 5.into())], "invalidOption", "onconnect"),
        (&[("heartbeat", 5000.into())], "unknownOption", "heartbeat"),
    ];
    for (extra, code, name) in cases {
        let error = get_instance(&base(extra)).unwrap_err();
        assert!(error.is_instance_of::<js_sys::Error>());
        assert_eq!(error_code(&error), code, "{name}");
        assert!(
            get_str(&error, "message").contains(name),
            "message names {name}"
        );
    }

    let nim = get_instance(&base(&[])).unwrap();
    assert_eq!(
        call(&nim, "getLoginStatus", &[]).unwrap(),
        0,
        "skipConnectionOnInitialize"
    );
    let error = call(
        &nim,
        "setOptions",
        &[object(&[("account", "other".into())])],
    )
    .unwrap_err();
    assert_eq!(error_code(&error), "unknownOption");
    assert!(get_str(&error, "message").contains("account"));
    call(
        &nim,
        "setOptions",
        &[object(&[
            ("customTag", "ok".into()),
            ("heartbeatInterval", 6000.into()),
        ])],
    )
    .unwrap();
    reset().await;
}

#[wasm_bindgen_test]
async fn free_destroys_the_instance_and_the_account_starts_over() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("freed");
    env.create_account(&app, &account, "tok").await;
    let mut recorder = Recorder::new();
    let freed = get_instance(&recorder.options(&env, &app, &account, "tok")).unwrap();
    recorder.wait("onconnect", 5_000).await;
    let before = recorder.names();

    call(&freed, "free", &[]).unwrap();
    assert!(
        call(&freed, "getLoginStatus", &[]).is_err(),
        "a freed object's methods throw"
    );
    let mut fresh_recorder = Recorder::new();
    let fresh = get_instance(&fresh_recorder.options(&env, &app, &account, "tok")).unwrap();
    assert!(!js_sys::Object::is(&freed, &fresh), "a new instance");
    fresh_recorder.wait("onconnect", 5_000).await;
    assert_eq!(call(&fresh, "getLoginStatus", &[]).unwrap(), 1);
    sleep(300).await;
    assert_eq!(
        recorder.names(),
        before,
        "the freed instance was silenced: no callback after free"
    );
    reset().await;
}
