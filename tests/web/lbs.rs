//! `lbsUrl` and `defaultLink` against the test server: its `/lbs` lists itself, so
//! a page that only knows the LBS logs in; an LBS that cannot be reached falls back
//! to `defaultLink`.

use crate::helpers::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

/// The recorder's options with `socketUrl` replaced by `addresses`.
fn options_without_socket_url(
    recorder: &mut Recorder,
    env: &Env,
    app: &App,
    account: &str,
    addresses: &[(&str, JsValue)],
) -> JsValue {
    let options = recorder.options(env, app, account, "lbs-token");
    js_sys::Reflect::delete_property(
        options.unchecked_ref::<js_sys::Object>(),
        &"socketUrl".into(),
    )
    .unwrap();
    set(&options, "debug", true.into());
    for (key, value) in addresses {
        set(&options, key, value.clone());
    }
    options
}

#[wasm_bindgen_test]
async fn a_page_that_knows_only_the_lbs_logs_in() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("lbs");
    env.create_account(&app, &account, "lbs-token").await;

    let mut recorder = Recorder::new();
    let lbs = format!("{}/lbs", env.http);
    let options = options_without_socket_url(
        &mut recorder,
        &env,
        &app,
        &account,
        &[("lbsUrl", lbs.into())],
    );
    let nim = get_instance(&options).unwrap();
    recorder.wait("onconnect", 10_000).await;
    assert_eq!(call(&nim, "getLoginStatus", &[]).unwrap(), 1);
    assert_eq!(recorder.count("onwillreconnect"), 0);
    reset().await;
}

#[wasm_bindgen_test]
async fn an_unreachable_lbs_falls_back_to_default_link() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("lbsdown");
    env.create_account(&app, &account, "lbs-token").await;

    let mut recorder = Recorder::new();
    // Port 9 (discard) on loopback: nothing listens, the request fails at once.
    let addresses = [
        ("lbsUrl", JsValue::from("http://127.0.0.1:9/lbs")),
        ("defaultLink", JsValue::from(env.ws.as_str())),
    ];
    let nim = get_instance(&options_without_socket_url(
        &mut recorder,
        &env,
        &app,
        &account,
        &addresses,
    ))
    .unwrap();
    recorder.wait("onconnect", 10_000).await;
    assert_eq!(call(&nim, "getLoginStatus", &[]).unwrap(), 1);
    let said_fallback = recorder.events("log:debug").iter().any(|line| {
        line.as_string()
            .is_some_and(|l| l.contains("using defaultLink"))
    });
    assert!(said_fallback, "the debug log names the fallback");
    reset().await;
}

#[wasm_bindgen_test]
async fn bad_address_options_are_rejected_by_name() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let mut recorder = Recorder::new();
    for (key, value, name) in [
        ("lbsUrl", JsValue::from("ws://host/lbs"), "lbsUrl"),
        (
            "defaultLink",
            JsValue::from("http://host/ws"),
            "defaultLink",
        ),
        ("defaultLink", JsValue::from(7), "defaultLink"),
    ] {
        let options = options_without_socket_url(
            &mut recorder,
            &env,
            &app,
            &unique("badlbs"),
            &[(key, value)],
        );
        let error = get_instance(&options).unwrap_err();
        assert_eq!(error_code(&error), "invalidOption");
        assert!(get_str(&error, "message").contains(name));
    }
}

#[wasm_bindgen_test]
async fn an_instance_freed_while_its_lbs_request_is_in_flight_leaves_no_error() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let mut recorder = Recorder::new();
    // Every unhandled Promise rejection of the page from here on: a handler of the
    // request that ran after the instance was gone used to throw one.
    let rejections = js_sys::Array::new();
    let record = {
        let rejections = rejections.clone();
        wasm_bindgen::closure::Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            rejections.push(&get(&event, "reason"));
        })
    };
    let window = web_sys::window().unwrap();
    window
        .add_event_listener_with_callback("unhandledrejection", record.as_ref().unchecked_ref())
        .unwrap();

    // Port 9 (discard) on loopback: nothing listens, the request fails soon.
    let options = options_without_socket_url(
        &mut recorder,
        &env,
        &app,
        &unique("lbsfree"),
        &[("lbsUrl", JsValue::from("http://127.0.0.1:9/lbs"))],
    );
    let nim = get_instance(&options).unwrap();
    // `destroy` aborts the request, and `free` drops the instance before the
    // aborted fetch's handlers run.
    let _ = call(&nim, "destroy", &[]).unwrap();
    call(&nim, "free", &[]).unwrap();
    sleep(500).await;

    window
        .remove_event_listener_with_callback("unhandledrejection", record.as_ref().unchecked_ref())
        .unwrap();
    assert_eq!(
        rejections.length(),
        0,
        "unhandled rejections: {:?}",
        rejections.to_vec()
    );
    reset().await;
}
