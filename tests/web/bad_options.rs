//! Bad input at the SDK's boundary: options of the wrong type or out of range, empty
//! strings, unknown keys, `account` in `setOptions`, bad `kick` / `done` arguments
//! and calls after `destroy`. Each throws an `Error` whose `code` says what kind of
//! mistake it was and whose message names the culprit; nothing panics (a panic would
//! abort the wasm module), and after each batch a login in the same test shows the
//! SDK still works.

use crate::helpers::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

/// A key, a bad value for it, and the `code` its error must carry.
type Case = (&'static str, JsValue, &'static str);

/// Asserts `result` is a thrown `Error` with `code` whose message names `name`.
fn assert_thrown(result: Result<JsValue, JsValue>, code: &str, name: &str, what: &str) {
    let error = match result {
        Ok(value) => panic!("{what}: returned {} instead of throwing", describe(&value)),
        Err(error) => error,
    };
    assert!(
        error.is_instance_of::<js_sys::Error>(),
        "{what}: an Error, got {}",
        describe(&error)
    );
    assert_eq!(error_code(&error), code, "{what}: code");
    let message = get_str(&error, "message");
    assert!(
        message.contains(name),
        "{what}: the message names `{name}`: {message}"
    );
}

fn describe(value: &JsValue) -> String {
    crate::helpers::recorder::describe(value)
}

/// A fresh account logs in with a fresh instance: the SDK is still usable.
async fn a_login_still_works(env: &Env, app: &App) {
    let account = unique("stillworks");
    env.create_account(app, &account, "tok").await;
    let mut recorder = Recorder::new();
    let nim = get_instance(&recorder.options(env, app, &account, "tok")).unwrap();
    recorder.wait("onconnect", 5_000).await;
    assert_eq!(call(&nim, "getLoginStatus", &[]).unwrap(), 1);
    settle(call(&nim, "destroy", &[]).unwrap()).await.unwrap();
}

/// A logged-in instance of a fresh account, with its recorder.
async fn logged_in(env: &Env, app: &App, prefix: &str) -> (JsValue, Recorder, String) {
    let account = unique(prefix);
    env.create_account(app, &account, "tok").await;
    let mut recorder = Recorder::new();
    let nim = get_instance(&recorder.options(env, app, &account, "tok")).unwrap();
    recorder.wait("onconnect", 5_000).await;
    (nim, recorder, account)
}

#[wasm_bindgen_test]
async fn wrong_types_empty_strings_and_absurd_numbers_throw_naming_the_option() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let base = || {
        object(&[
            ("appKey", app.key.as_str().into()),
            ("account", "badoptions".into()),
            ("token", "t".into()),
            ("skipConnectionOnInitialize", true.into()),
        ])
    };
    let inv = "invalidOption";
    let cases: Vec<Case> = vec![
        ("appKey", 5.into(), inv),
        ("appKey", "".into(), inv),
        ("appKey", JsValue::NULL, inv),
        ("account", "".into(), inv),
        ("account", 42.into(), inv),
        ("token", "".into(), inv),
        ("token", js_sys::Object::new().into(), inv),
        ("heartbeatInterval", (-1).into(), inv),
        ("heartbeatInterval", 0.into(), inv),
        ("heartbeatInterval", 4999.into(), inv),
        ("heartbeatInterval", 60_001.into(), inv),
        ("heartbeatInterval", 5000.5.into(), inv),
        ("heartbeatInterval", f64::NAN.into(), inv),
        ("heartbeatInterval", f64::INFINITY.into(), inv),
        ("heartbeatInterval", 1e300.into(), inv),
        ("heartbeatInterval", "30000".into(), inv),
        ("reconnectionAttempts", (-1).into(), inv),
        ("reconnectionAttempts", 2.5.into(), inv),
        ("reconnectionAttempts", f64::NAN.into(), inv),
        ("reconnectionAttempts", f64::NEG_INFINITY.into(), inv),
        ("reconnectionAttempts", 1e20.into(), inv),
        ("reconnectionAttempts", "3".into(), inv),
        ("customClientType", 0.into(), inv),
        ("customClientType", (-3).into(), inv),
        ("customClientType", 1.5.into(), inv),
        ("customClientType", 1e12.into(), inv),
        ("customClientType", "1".into(), inv),
        ("customTag", "x".repeat(33).into(), inv),
        ("customTag", "😀".repeat(33).into(), inv),
        ("customTag", 7.into(), inv),
        ("authType", 2.into(), inv),
        ("authType", (-1).into(), inv),
        ("authType", "1".into(), inv),
        ("loginExt", true.into(), inv),
        ("socketUrl", "".into(), inv),
        ("socketUrl", "http://127.0.0.1/ws".into(), inv),
        ("lbsUrl", "ftp://lbs".into(), inv),
        ("defaultLink", 5.into(), inv),
        ("defaultLink", js_sys::Array::of1(&"".into()).into(), inv),
        (
            "defaultLink",
            js_sys::Array::of1(&"a b:1".into()).into(),
            inv,
        ),
        ("defaultLink", js_sys::Array::of1(&5.into()).into(), inv),
        ("deviceId", "".into(), inv),
        ("deviceId", "d".repeat(129).into(), inv),
        ("deviceId", "设".repeat(64).into(), inv),
        ("isFixedDeviceId", "yes".into(), inv),
        ("needReconnect", 1.into(), inv),
        ("quickReconnect", "true".into(), inv),
        ("skipConnectionOnInitialize", 0.into(), inv),
        ("debug", "on".into(), inv),
        ("logFunc", "console.log".into(), inv),
        ("onconnect", true.into(), inv),
        ("ondisconnect", 1.into(), inv),
        ("onwillreconnect", js_sys::Object::new().into(), inv),
        ("onloginportschange", "f".into(), inv),
        ("onerror", js_sys::Array::new().into(), inv),
        ("reconnectDelayProvider", 1000.into(), inv),
        ("heartbeat", 5000.into(), "unknownOption"),
        (
            "onConnect",
            js_sys::Function::new_no_args("").into(),
            "unknownOption",
        ),
        ("__proto__x", 1.into(), "unknownOption"),
    ];
    for (key, value, code) in cases {
        let options = base();
        set(&options, key, value.clone());
        let what = format!("getInstance({key}: {})", describe(&value));
        assert_thrown(get_instance(&options), code, key, &what);
    }
    for not_an_object in [JsValue::UNDEFINED, JsValue::NULL, 5.into(), "appKey".into()] {
        let what = format!("getInstance({})", describe(&not_an_object));
        assert_thrown(
            get_instance(&not_an_object),
            "invalidArgument",
            "options",
            &what,
        );
    }
    let empty = object(&[]);
    assert_thrown(get_instance(&empty), inv, "appKey", "getInstance({})");

    // The limits themselves are accepted.
    let at_limits = base();
    set(&at_limits, "customTag", "😀".repeat(32).into());
    set(&at_limits, "heartbeatInterval", 5000.into());
    set(&at_limits, "reconnectionAttempts", f64::INFINITY.into());
    set(&at_limits, "customClientType", 1.into());
    set(&at_limits, "deviceId", "d".repeat(128).into());
    set(&at_limits, "onerror", JsValue::NULL);
    let nim = get_instance(&at_limits).unwrap();
    assert_eq!(call(&nim, "getLoginStatus", &[]).unwrap(), 0);
    reset().await;
    a_login_still_works(&env, &app).await;
    reset().await;
}

#[wasm_bindgen_test]
async fn set_options_refuses_unknown_keys_and_account_and_changes_nothing() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let (nim, recorder, account) = logged_in(&env, &app, "setopts").await;

    let set_options = |options: JsValue| call(&nim, "setOptions", &[options]);
    let cases: Vec<(JsValue, &str, &str)> = vec![
        (object(&[("tokne", "x".into())]), "unknownOption", "tokne"),
        (
            object(&[("account", "someone-else".into())]),
            "unknownOption",
            "account",
        ),
        (
            object(&[("account", account.as_str().into())]),
            "unknownOption",
            "account",
        ),
        // A bad key next to a good one: the good one must not be applied either.
        (
            object(&[("token", "wrong".into()), ("bogus", 1.into())]),
            "unknownOption",
            "bogus",
        ),
        (
            object(&[
                ("token", "wrong".into()),
                ("heartbeatInterval", (-5).into()),
            ]),
            "invalidOption",
            "heartbeatInterval",
        ),
        (
            object(&[
                ("token", "wrong".into()),
                ("customTag", "t".repeat(40).into()),
            ]),
            "invalidOption",
            "customTag",
        ),
        (object(&[("token", "".into())]), "invalidOption", "token"),
        (
            object(&[("reconnectionAttempts", (-1).into())]),
            "invalidOption",
            "reconnectionAttempts",
        ),
        (
            object(&[("customClientType", 0.into())]),
            "invalidOption",
            "customClientType",
        ),
        (JsValue::NULL, "invalidArgument", "options"),
        (42.into(), "invalidArgument", "options"),
        (JsValue::UNDEFINED, "invalidArgument", "options"),
    ];
    for (options, code, name) in cases {
        let what = format!("setOptions({})", describe(&options));
        assert_thrown(set_options(options), code, name, &what);
        assert_eq!(
            call(&nim, "getLoginStatus", &[]).unwrap(),
            1,
            "{what} left the session alone"
        );
    }

    // The refused `token: 'wrong'` was not applied: a new login uses the good one.
    settle(call(&nim, "disconnect", &[]).unwrap())
        .await
        .unwrap();
    call(&nim, "connect", &[]).unwrap();
    recorder.wait_nth("onconnect", 2, 5_000).await;
    assert_eq!(recorder.count("onerror"), 0);
    a_login_still_works(&env, &app).await;
    reset().await;
}

#[wasm_bindgen_test]
async fn bad_kick_disconnect_and_destroy_arguments_throw_invalid_argument() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let (nim, recorder, _) = logged_in(&env, &app, "badkick").await;

    let ids = |list: &[JsValue]| JsValue::from(list.iter().collect::<js_sys::Array>());
    let many: Vec<JsValue> = (0..65).map(|i| format!("dev{i}").into()).collect();
    let cases: Vec<(JsValue, &str)> = vec![
        (JsValue::UNDEFINED, "options"),
        (JsValue::NULL, "options"),
        (5.into(), "options"),
        (object(&[]), "deviceIds"),
        (object(&[("deviceIds", "dev1".into())]), "deviceIds"),
        (object(&[("deviceIds", 1.into())]), "deviceIds"),
        (
            object(&[("deviceIds", object(&[("0", "dev1".into())]))]),
            "deviceIds",
        ),
        (object(&[("deviceIds", ids(&[]))]), "deviceIds"),
        (object(&[("deviceIds", ids(&["".into()]))]), "deviceIds"),
        (object(&[("deviceIds", ids(&[5.into()]))]), "deviceIds"),
        (object(&[("deviceIds", ids(&[JsValue::NULL]))]), "deviceIds"),
        (object(&[("deviceIds", ids(&many))]), "deviceIds"),
        (
            object(&[("deviceIds", ids(&["dev1".into()])), ("custom", 5.into())]),
            "custom",
        ),
        (
            object(&[("deviceIds", ids(&["dev1".into()])), ("done", "cb".into())]),
            "done",
        ),
    ];
    for (options, name) in cases {
        let what = format!("kick({})", describe(&options));
        assert_thrown(
            call(&nim, "kick", &[options]),
            "invalidArgument",
            name,
            &what,
        );
    }
    let bad_done = object(&[("done", 1.into())]);
    assert_thrown(
        call(&nim, "disconnect", std::slice::from_ref(&bad_done)),
        "invalidArgument",
        "done",
        "disconnect({done: 1})",
    );
    assert_thrown(
        call(&nim, "destroy", &[bad_done]),
        "invalidArgument",
        "done",
        "destroy({done: 1})",
    );
    assert_eq!(
        call(&nim, "getLoginStatus", &[]).unwrap(),
        1,
        "a refused destroy destroys nothing"
    );

    // A well-formed kick of a device that is not online resolves with no ids.
    let kicked = settle(
        call(
            &nim,
            "kick",
            &[object(&[("deviceIds", ids(&["not-online".into()]))])],
        )
        .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(
        js_sys::Array::from(&get(&kicked, "deviceIds")).length(),
        0,
        "{}",
        describe(&kicked)
    );
    assert_eq!(recorder.count("onconnect"), 1);
    assert_eq!(call(&nim, "getLoginStatus", &[]).unwrap(), 1);
    a_login_still_works(&env, &app).await;
    reset().await;
}

#[wasm_bindgen_test]
async fn every_method_after_destroy_throws_destroyed_and_the_account_can_start_over() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let (nim, mut recorder, account) = logged_in(&env, &app, "afterdestroy").await;

    let destroying = call(&nim, "destroy", &[]).unwrap();
    // While the logout is still under way the instance already refuses work.
    let kick = object(&[("deviceIds", js_sys::Array::of1(&"dev1".into()).into())]);
    let calls: Vec<(&str, Vec<JsValue>)> = vec![
        ("connect", vec![]),
        ("disconnect", vec![]),
        ("setOptions", vec![object(&[("customTag", "x".into())])]),
        ("kick", vec![kick]),
        ("getLoginStatus", vec![]),
        ("isConnected", vec![]),
        ("getLoginPorts", vec![]),
    ];
    for (method, args) in &calls {
        let what = format!("{method} while destroying");
        assert_thrown(call(&nim, method, args), "destroyed", "destroyed", &what);
    }
    settle(destroying).await.unwrap();
    for (method, args) in &calls {
        let what = format!("{method} after destroy");
        assert_thrown(call(&nim, method, args), "destroyed", "destroyed", &what);
    }
    // Bad arguments to a destroyed instance still say `destroyed`, not a panic.
    assert_thrown(
        call(&nim, "setOptions", &[5.into()]),
        "destroyed",
        "destroyed",
        "setOptions(5) after destroy",
    );
    assert_thrown(
        call(&nim, "kick", &[JsValue::NULL]),
        "destroyed",
        "destroyed",
        "kick(null) after destroy",
    );
    // A second destroy, with a done, succeeds at once.
    let done = recorder.callback("secondDestroyDone");
    call(&nim, "destroy", &[object(&[("done", done)])]).unwrap();
    let args = recorder.wait("secondDestroyDone", 1_000).await;
    assert!(args.is_null(), "done(null): {}", describe(&args));

    let fresh = get_instance(&recorder.options(&env, &app, &account, "tok")).unwrap();
    recorder.wait_nth("onconnect", 2, 5_000).await;
    assert_eq!(call(&fresh, "getLoginStatus", &[]).unwrap(), 1);
    reset().await;
}
