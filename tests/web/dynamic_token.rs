//! `authType: 1`: the retry waits for the Promise `onwillreconnect` returns, which
//! sets the new token with `setOptions`.

use std::cell::RefCell;
use std::rc::Rc;

use crate::helpers::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn the_retry_awaits_the_promise_and_logs_in_with_the_new_token() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("dynamic");
    env.create_account(&app, &account, "token-1").await;
    let mut recorder = Recorder::new();
    let options = recorder.options(&env, &app, &account, "token-1");
    set(&options, "authType", 1.into());
    set(&options, "quickReconnect", true.into());
    set(
        &options,
        "reconnectDelayProvider",
        recorder.keep(Closure::new(|_, _| JsValue::from(1000))),
    );

    let nim_slot: Rc<RefCell<JsValue>> = Rc::default();
    let record = recorder.log_handle();
    let slot = nim_slot.clone();
    let onwillreconnect =
        Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(move |event, _| {
            record("onwillreconnect", event);
            let nim = slot.borrow().clone();
            // A Promise that fetches "a new token" after 1.5 s, then sets it.
            js_sys::Promise::new(&mut |resolve, _| {
                let nim = nim.clone();
                let later = Closure::once_into_js(move || {
                    let _ = call(
                        &nim,
                        "setOptions",
                        &[object(&[("token", "token-2".into())])],
                    );
                    let _ = resolve.call0(&JsValue::UNDEFINED);
                });
                let _ = web_sys::window()
                    .unwrap()
                    .set_timeout_with_callback_and_timeout_and_arguments_0(
                        later.unchecked_ref(),
                        1_500,
                    );
            })
            .into()
        });
    set(&options, "onwillreconnect", recorder.keep(onwillreconnect));
    let nim = get_instance(&options).unwrap();
    *nim_slot.borrow_mut() = nim.clone();
    recorder.wait("onconnect", 5_000).await;

    env.set_token(&app, &account, "token-2").await;
    fire_window_event("offline");
    fire_window_event("online");
    let event = recorder.wait("onwillreconnect", 2_000).await;
    assert_eq!(get(&event, "retryCount"), 1);
    assert_eq!(
        get(&event, "duration"),
        1000,
        "reconnectDelayProvider chose the delay"
    );

    sleep(1_200).await;
    assert_eq!(
        recorder.count("onconnect"),
        1,
        "the delay elapsed, but the Promise has not settled"
    );
    assert_eq!(call(&nim, "getLoginStatus", &[]).unwrap(), 3);
    recorder.wait_nth("onconnect", 2, 5_000).await;
    assert_eq!(
        recorder.count("ondisconnect"),
        1,
        "only offlineListener: the new token worked"
    );
    reset().await;
}
