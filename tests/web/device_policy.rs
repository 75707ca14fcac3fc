//! The `single` app allows one device: a manual login elsewhere kicks us with
//! `samePlatformKick`; our automatic re-login after the slot was taken gets 417.

use crate::helpers::raw_device::Login;
use crate::helpers::*;
use wasm_bindgen_test::*;

fn pc<'a>(app: &'a App, account: &'a str, auto: bool) -> Login<'a> {
    Login {
        app_key: &app.key,
        account,
        token: "tok",
        device_id: "pc-1",
        device_type: "PC",
        auto,
    }
}

#[wasm_bindgen_test]
async fn a_manual_login_elsewhere_kicks_with_same_platform_kick() {
    let env = Env::get();
    reset().await;
    let app = env.app("single");
    let account = unique("single");
    env.create_account(&app, &account, "tok").await;
    let mut recorder = Recorder::new();
    let nim = get_instance(&recorder.options(&env, &app, &account, "tok")).unwrap();
    recorder.wait("onconnect", 5_000).await;

    let (_pc, reply) = RawDevice::login(&env.ws, pc(&app, &account, false)).await;
    assert_eq!(RawDevice::reply_code(&reply), 200);
    let event = recorder.wait("ondisconnect", 5_000).await;
    assert_eq!(get(&event, "code"), "kicked");
    assert_eq!(get(&event, "reason"), "samePlatformKick");
    sleep(2_000).await;
    assert_eq!(
        recorder.count("onwillreconnect"),
        0,
        "kicked never reconnects"
    );
    assert_eq!(call(&nim, "getLoginStatus", &[]).unwrap(), 0);
    reset().await;
}

#[wasm_bindgen_test]
async fn an_automatic_relogin_after_the_slot_was_taken_gets_417() {
    let env = Env::get();
    reset().await;
    let app = env.app("single");
    let account = unique("slot");
    env.create_account(&app, &account, "tok").await;
    let mut recorder = Recorder::new();
    let options = recorder.options(&env, &app, &account, "tok");
    set(&options, "quickReconnect", true.into());
    get_instance(&options).unwrap();
    recorder.wait("onconnect", 5_000).await;

    // The browser goes offline: the session ends and waits for `online`.
    fire_window_event("offline");
    let offline = recorder.wait("ondisconnect", 2_000).await;
    assert_eq!(get(&offline, "code"), "offlineListener");
    assert_eq!(get(&offline, "willReconnect"), true);
    sleep(300).await;

    // Meanwhile a PC takes the only slot.
    let (_pc, reply) = RawDevice::login(&env.ws, pc(&app, &account, false)).await;
    assert_eq!(RawDevice::reply_code(&reply), 200);

    fire_window_event("online");
    let refused = recorder.wait_nth("ondisconnect", 2, 5_000).await;
    assert_eq!(get(&refused, "code"), 417);
    sleep(1_500).await;
    assert_eq!(recorder.count("onconnect"), 1);
    assert_eq!(recorder.count("ondisconnect"), 2, "417 is never retried");
    reset().await;
}
