//! The account's other devices: they show up in `onloginportschange` and
//! `getLoginPorts`, leave with `online: false`, can be kicked, and can kick us.

use crate::helpers::raw_device::Login;
use crate::helpers::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

async fn logged_in(env: &Env, recorder: &mut Recorder, prefix: &str) -> (App, String, JsValue) {
    let app = env.app("multi");
    let account = unique(prefix);
    env.create_account(&app, &account, "tok").await;
    let nim = get_instance(&recorder.options(env, &app, &account, "tok")).unwrap();
    recorder.wait("onconnect", 5_000).await;
    (app, account, nim)
}

/// Logs in a raw Android device; returns it and its `loginOk`.
async fn phone_with_reply(env: &Env, app: &App, account: &str) -> (RawDevice, JsValue) {
    let (device, reply) = RawDevice::login(
        &env.ws,
        Login {
            app_key: &app.key,
            account,
            token: "tok",
            device_id: "phone-1",
            device_type: "Android",
            auto: false,
        },
    )
    .await;
    assert_eq!(RawDevice::reply_code(&reply), 200, "the phone logs in");
    (device, reply)
}

async fn phone(env: &Env, app: &App, account: &str) -> RawDevice {
    phone_with_reply(env, app, account).await.0
}

#[wasm_bindgen_test]
async fn a_second_device_comes_and_goes() {
    let env = Env::get();
    reset().await;
    let mut recorder = Recorder::new();
    let (app, account, nim) = logged_in(&env, &mut recorder, "ports").await;

    let device = phone(&env, &app, &account).await;
    let ports = recorder.wait("onloginportschange", 5_000).await;
    let port = js_sys::Array::from(&ports).get(0);
    assert_eq!(get(&port, "type"), "Android");
    assert_eq!(get(&port, "deviceId"), "phone-1");
    assert_eq!(get(&port, "account"), account.as_str());
    assert_eq!(get(&port, "customTag"), "raw");
    assert_eq!(get(&port, "customClientType"), 5);
    assert_eq!(get(&port, "online"), true);
    for key in ["os", "mac", "connectionId", "ip"] {
        assert!(get(&port, key).is_string(), "port has string {key}");
    }
    assert!(get(&port, "time").as_f64().unwrap() > 1.6e12, "time in ms");

    let snapshot = call(&nim, "getLoginPorts", &[]).unwrap();
    assert_eq!(js_sys::Array::from(&snapshot).length(), 1);
    assert_eq!(
        get(&js_sys::Array::from(&snapshot).get(0), "deviceId"),
        "phone-1"
    );

    device.close();
    let gone = recorder.wait_nth("onloginportschange", 2, 5_000).await;
    let port = js_sys::Array::from(&gone).get(0);
    assert_eq!(get(&port, "deviceId"), "phone-1");
    assert_eq!(get(&port, "online"), false);
    let snapshot = call(&nim, "getLoginPorts", &[]).unwrap();
    assert_eq!(js_sys::Array::from(&snapshot).length(), 0);
    reset().await;
}

#[wasm_bindgen_test]
async fn kick_resolves_with_the_kicked_ids_and_the_other_side_is_kicked() {
    let env = Env::get();
    reset().await;
    let mut recorder = Recorder::new();
    let (app, account, nim) = logged_in(&env, &mut recorder, "kicker").await;
    let device = phone(&env, &app, &account).await;
    recorder.wait("onloginportschange", 5_000).await;

    let ids: js_sys::Array = ["phone-1", "no-such-device"]
        .iter()
        .map(|s| JsValue::from(*s))
        .collect();
    let promise = call(&nim, "kick", &[object(&[("deviceIds", ids.into())])]).unwrap();
    let result = settle(promise).await.unwrap();
    let kicked = js_sys::Array::from(&get(&result, "deviceIds"));
    assert_eq!(kicked.length(), 1);
    assert_eq!(kicked.get(0), "phone-1");

    let message = device.next("kicked", 5_000).await;
    assert_eq!(get(&message, "reason"), "otherPlatformKick");
    assert_eq!(get(&message, "from"), "Web");
    assert_eq!(device.closed(5_000).await, 4001);
    assert_eq!(recorder.count("ondisconnect"), 0, "the kicker stays");
    reset().await;
}

#[wasm_bindgen_test]
async fn kick_with_done_and_bad_arguments() {
    let env = Env::get();
    reset().await;
    let mut recorder = Recorder::new();
    let (_, _, nim) = logged_in(&env, &mut recorder, "kickdone").await;

    let empty = object(&[("deviceIds", js_sys::Array::new().into())]);
    let error = call(&nim, "kick", &[empty]).unwrap_err();
    assert_eq!(error_code(&error), "invalidArgument");

    let done = recorder.callback("kickDone");
    let ids: js_sys::Array = std::iter::once(JsValue::from("absent")).collect();
    let returned = call(
        &nim,
        "kick",
        &[object(&[("deviceIds", ids.into()), ("done", done)])],
    )
    .unwrap();
    assert!(returned.is_undefined(), "no Promise when done is given");
    let first_argument = recorder.wait("kickDone", 5_000).await;
    assert!(first_argument.is_null(), "done(null, result)");
    reset().await;
}

#[wasm_bindgen_test]
async fn being_kicked_never_reconnects() {
    let env = Env::get();
    reset().await;
    let mut recorder = Recorder::new();
    let (app, account, nim) = logged_in(&env, &mut recorder, "kicked").await;
    let (device, reply) = phone_with_reply(&env, &app, &account).await;
    recorder.wait("onloginportschange", 5_000).await;
    // The phone learned the web device from its loginOk, and kicks it.
    let web_ids: js_sys::Array = js_sys::Array::from(&get(&reply, "ports"))
        .iter()
        .filter(|p| get(p, "type") == "Web")
        .map(|p| get(&p, "deviceId"))
        .collect();
    assert_eq!(web_ids.length(), 1);
    device.send(&object(&[
        ("t", "kick".into()),
        ("id", 2.into()),
        ("deviceIds", web_ids.into()),
        ("custom", "bye".into()),
    ]));
    let event = recorder.wait("ondisconnect", 5_000).await;
    assert_eq!(get(&event, "code"), "kicked");
    assert_eq!(get(&event, "reason"), "otherPlatformKick");
    assert_eq!(get(&event, "from"), "Android");
    assert_eq!(get(&event, "custom"), "bye");
    assert_eq!(get(&event, "willReconnect"), false);

    sleep(2_500).await;
    assert_eq!(recorder.count("onwillreconnect"), 0);
    assert_eq!(recorder.count("onconnect"), 1);
    assert_eq!(call(&nim, "getLoginStatus", &[]).unwrap(), 0);
    reset().await;
}
