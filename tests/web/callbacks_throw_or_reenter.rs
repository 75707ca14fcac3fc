//! User callbacks that misbehave: every callback and `done` throwing, and callbacks
//! that call back into the instance (`disconnect`, `connect`, `destroy`, getters)
//! from inside themselves. A throw is reported through `logFunc` under the
//! callback's name and the session goes on; a re-entrant call takes effect after
//! the event being delivered, never panics and never wedges the instance.

use crate::helpers::raw_device::Login;
use crate::helpers::*;
use js_sys::Function;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

/// A JS function that records its argument under `name`, then throws.
fn throwing(recorder: &mut Recorder, name: &str) -> JsValue {
    let record = recorder.callback(name);
    let make = Function::new_with_args(
        "record, name",
        "return function (arg) { record(arg); throw new Error(name + ' threw on purpose'); }",
    );
    make.call2(&JsValue::NULL, &record, &name.into()).unwrap()
}

/// A JS function that records its argument under `name`, then runs `body` with
/// `arg` and `holder` (where the test keeps the instance as `holder.nim`).
fn reentering(recorder: &mut Recorder, holder: &JsValue, name: &str, body: &str) -> JsValue {
    let record = recorder.callback(name);
    let make = Function::new_with_args(
        "record, holder",
        &["return function (arg) { record(arg); ", body, " }"].concat(),
    );
    make.call2(&JsValue::NULL, &record, holder).unwrap()
}

/// The messages `logFunc` got at level `error`.
fn reported_errors(recorder: &Recorder) -> Vec<String> {
    recorder
        .events("log:error")
        .iter()
        .map(|m| m.as_string().unwrap_or_default())
        .collect()
}

fn status(nim: &JsValue) -> JsValue {
    call(nim, "getLoginStatus", &[]).unwrap()
}

/// Waits until `getLoginStatus()` is `want`.
async fn wait_status(nim: &JsValue, want: u32, timeout_ms: u32) {
    let mut waited = 0;
    while status(nim) != want {
        assert!(
            waited < timeout_ms,
            "status {:?} after {timeout_ms} ms, wanted {want}",
            status(nim)
        );
        sleep(20).await;
        waited += 20;
    }
}

#[wasm_bindgen_test]
async fn throwing_callbacks_are_reported_under_their_name_and_the_session_goes_on() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("throwing");
    env.create_account(&app, &account, "tok").await;
    let mut recorder = Recorder::new();
    let options = recorder.options(&env, &app, &account, "tok");
    for name in [
        "onconnect",
        "ondisconnect",
        "onwillreconnect",
        "onloginportschange",
        "onerror",
        "reconnectDelayProvider",
    ] {
        let function = throwing(&mut recorder, name);
        set(&options, name, function);
    }
    set(&options, "quickReconnect", true.into());
    let nim = get_instance(&options).unwrap();
    recorder.wait("onconnect", 5_000).await;
    assert_eq!(status(&nim), 1);

    let (phone, reply) = RawDevice::login(
        &env.ws,
        Login {
            app_key: &app.key,
            account: &account,
            token: "tok",
            device_id: "phone-throwing",
            device_type: "Android",
            auto: false,
        },
    )
    .await;
    assert_eq!(get_str(&reply, "t"), "loginOk");
    recorder.wait("onloginportschange", 5_000).await;

    // offline (quickReconnect): ondisconnect, the delay provider and onwillreconnect
    // all throw; the SDK's own delay is used and the retry still happens on `online`.
    fire_window_event("offline");
    recorder.wait("ondisconnect", 2_000).await;
    recorder.wait("reconnectDelayProvider", 2_000).await;
    recorder.wait("onwillreconnect", 2_000).await;
    fire_window_event("online");
    recorder.wait_nth("onconnect", 2, 5_000).await;
    assert_eq!(status(&nim), 1);

    let done = throwing(&mut recorder, "kickDone");
    let kick = object(&[
        (
            "deviceIds",
            js_sys::Array::of1(&phone.device_id.as_str().into()).into(),
        ),
        ("done", done),
    ]);
    call(&nim, "kick", &[kick]).unwrap();
    let error = recorder.wait("kickDone", 5_000).await;
    assert!(error.is_null(), "the kick succeeded");

    settle(call(&nim, "disconnect", &[]).unwrap())
        .await
        .unwrap();
    call(&nim, "connect", &[]).unwrap();
    recorder.wait_nth("onconnect", 3, 5_000).await;

    let errors = reported_errors(&recorder);
    for name in [
        "onconnect",
        "onloginportschange",
        "ondisconnect",
        "reconnectDelayProvider",
        "onwillreconnect",
        "done",
    ] {
        let wanted = format!("{name} threw");
        assert!(
            errors.iter().any(|e| e.contains(&wanted)),
            "`{wanted}` reported through logFunc; got {errors:?}"
        );
    }
    reset().await;
}

#[wasm_bindgen_test]
async fn onconnect_disconnecting_and_ondisconnect_connecting_from_inside_themselves() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("bounce");
    env.create_account(&app, &account, "tok").await;
    let holder = object(&[]);
    let mut recorder = Recorder::new();
    let options = recorder.options(&env, &app, &account, "tok");
    let onconnect = reentering(
        &mut recorder,
        &holder,
        "onconnect",
        "if (!holder.bounced) { holder.bounced = true; holder.out = holder.nim.disconnect(); \
         holder.statusInside = holder.nim.getLoginStatus(); }",
    );
    let ondisconnect = reentering(
        &mut recorder,
        &holder,
        "ondisconnect",
        "if (!holder.reconnected) { holder.reconnected = true; holder.nim.connect(); }",
    );
    set(&options, "onconnect", onconnect);
    set(&options, "ondisconnect", ondisconnect);
    let nim = get_instance(&options).unwrap();
    set(&holder, "nim", nim.clone());

    recorder.wait("onconnect", 5_000).await;
    let logout = recorder.wait("ondisconnect", 5_000).await;
    assert_eq!(get_str(&logout, "code"), "logout");
    settle(get(&holder, "out")).await.unwrap();
    recorder.wait_nth("onconnect", 2, 5_000).await;
    wait_status(&nim, 1, 2_000).await;
    sleep(300).await;
    assert_eq!(recorder.count("onconnect"), 2, "{:?}", recorder.names());
    assert_eq!(recorder.count("ondisconnect"), 1);
    assert_eq!(recorder.count("onerror"), 0);
    assert!(reported_errors(&recorder).is_empty());
    reset().await;
}

#[wasm_bindgen_test]
async fn destroy_from_inside_onconnect_and_from_inside_ondisconnect() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    for (name, body) in [
        ("onconnect", "holder.gone = holder.nim.destroy();"),
        (
            "ondisconnect",
            "holder.gone = holder.nim.destroy(); holder.nim.destroy();",
        ),
    ] {
        let account = unique("selfdestroy");
        env.create_account(&app, &account, "tok").await;
        let holder = object(&[]);
        let mut recorder = Recorder::new();
        let options = recorder.options(&env, &app, &account, "tok");
        set(&options, "quickReconnect", true.into());
        let callback = reentering(&mut recorder, &holder, &format!("{name}Inside"), body);
        set(&options, name, callback);
        let nim = get_instance(&options).unwrap();
        set(&holder, "nim", nim.clone());
        if name == "ondisconnect" {
            recorder.wait("onconnect", 5_000).await;
            fire_window_event("offline");
        }
        recorder.wait(&format!("{name}Inside"), 5_000).await;
        settle(get(&holder, "gone")).await.unwrap();
        let error = call(&nim, "getLoginStatus", &[]).unwrap_err();
        assert_eq!(error_code(&error), "destroyed", "{name}");
        fire_window_event("online");
        sleep(500).await;
        assert_eq!(
            recorder.count("onwillreconnect"),
            0,
            "{name}: no retry after destroy: {:?}",
            recorder.names()
        );
        assert!(reported_errors(&recorder).is_empty(), "{name}");

        let mut again = Recorder::new();
        let fresh = get_instance(&again.options(&env, &app, &account, "tok")).unwrap();
        again.wait("onconnect", 5_000).await;
        assert_eq!(status(&fresh), 1, "{name}: the account starts over");
        reset().await;
    }
}

#[wasm_bindgen_test]
async fn onwillreconnect_that_disconnects_cancels_the_retry() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("cancelretry");
    env.create_account(&app, &account, "tok").await;
    let holder = object(&[]);
    let mut recorder = Recorder::new();
    let options = recorder.options(&env, &app, &account, "tok");
    set(&options, "quickReconnect", true.into());
    let callback = reentering(
        &mut recorder,
        &holder,
        "onwillreconnect",
        "holder.out = holder.nim.disconnect();",
    );
    set(&options, "onwillreconnect", callback);
    let nim = get_instance(&options).unwrap();
    set(&holder, "nim", nim.clone());
    recorder.wait("onconnect", 5_000).await;

    fire_window_event("offline");
    recorder.wait("onwillreconnect", 2_000).await;
    settle(get(&holder, "out")).await.unwrap();
    assert_eq!(status(&nim), 0);
    fire_window_event("online");
    sleep(1_500).await;
    assert_eq!(status(&nim), 0, "the cancelled retry stays cancelled");
    assert_eq!(recorder.count("onconnect"), 1);
    assert_eq!(recorder.count("onwillreconnect"), 1);

    call(&nim, "connect", &[]).unwrap();
    recorder.wait_nth("onconnect", 2, 5_000).await;
    assert!(reported_errors(&recorder).is_empty());
    reset().await;
}

#[wasm_bindgen_test]
async fn a_log_func_that_calls_back_into_the_instance_on_every_line() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("nosylog");
    env.create_account(&app, &account, "tok").await;
    let holder = object(&[("seen", 0.into())]);
    let mut recorder = Recorder::new();
    let options = recorder.options(&env, &app, &account, "tok");
    let log_func = reentering(
        &mut recorder,
        &holder,
        "logFuncInside",
        "if (holder.nim) { holder.nim.getLoginStatus(); holder.nim.isConnected(); \
         holder.nim.getLoginPorts(); holder.nim.setOptions({ debug: true }); holder.seen++; }",
    );
    set(&options, "logFunc", log_func);
    set(&options, "debug", true.into());
    // Each throw is reported through `logFunc`, which then re-enters.
    for name in ["onconnect", "ondisconnect"] {
        let function = throwing(&mut recorder, name);
        set(&options, name, function);
    }
    let nim = get_instance(&options).unwrap();
    set(&holder, "nim", nim.clone());
    recorder.wait("onconnect", 5_000).await;

    call(&nim, "setOptions", &[object(&[("token", "wrong".into())])]).unwrap();
    settle(call(&nim, "disconnect", &[]).unwrap())
        .await
        .unwrap();
    call(&nim, "connect", &[]).unwrap();
    recorder.wait_nth("ondisconnect", 2, 5_000).await;
    assert_eq!(status(&nim), 0, "the wrong token is refused");
    let seen = get(&holder, "seen").as_f64().unwrap_or_default();
    assert!(seen >= 3.0, "logFunc re-entered {seen} times");

    call(&nim, "setOptions", &[object(&[("token", "tok".into())])]).unwrap();
    call(&nim, "connect", &[]).unwrap();
    recorder.wait_nth("onconnect", 2, 5_000).await;
    assert_eq!(status(&nim), 1);
    reset().await;
}

#[wasm_bindgen_test]
async fn option_getters_that_call_back_into_the_instance() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("getteropts");
    env.create_account(&app, &account, "tok").await;
    let holder = object(&[("reads", 0.into()), ("errors", js_sys::Array::new().into())]);
    let mut recorder = Recorder::new();
    let options = recorder.options(&env, &app, &account, "tok");
    let nim = get_instance(&options).unwrap();
    set(&holder, "nim", nim.clone());
    recorder.wait("onconnect", 5_000).await;

    // `{ get token() {...} }`: reading the option runs user code that calls the
    // instance; the SDK holds no borrow of it while reading options.
    let make = Function::new_with_args(
        "holder, extra",
        "return Object.assign({ get token() { holder.reads++; \
           try { holder.nim.getLoginStatus(); holder.nim.setOptions({ debug: false }); } \
           catch (e) { holder.errors.push(String(e)); } return 'tok'; } }, extra);",
    );
    let getter_options = |extra: JsValue| make.call2(&JsValue::NULL, &holder, &extra).unwrap();
    call(&nim, "setOptions", &[getter_options(JsValue::UNDEFINED)]).unwrap();
    let again = getter_options(object(&[("account", account.clone().into())]));
    let same = get_instance(&again).unwrap();
    assert!(same == nim, "a later getInstance returns the same instance");
    let reads = get(&holder, "reads").as_f64().unwrap_or_default();
    assert!(reads >= 2.0, "the token getter ran {reads} times");
    let errors = js_sys::Array::from(&get(&holder, "errors"));
    assert_eq!(
        errors.length(),
        0,
        "calls from the getter threw: {errors:?}"
    );
    assert_eq!(status(&nim), 1, "still logged in");
    assert!(
        reported_errors(&recorder).is_empty(),
        "{:?}",
        reported_errors(&recorder)
    );

    // The session still works: a logout and a login again.
    settle(call(&nim, "disconnect", &[]).unwrap())
        .await
        .unwrap();
    call(&nim, "connect", &[]).unwrap();
    recorder.wait_nth("onconnect", 2, 5_000).await;
    assert_eq!(status(&nim), 1);
    reset().await;
}
