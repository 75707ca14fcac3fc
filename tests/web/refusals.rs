//! Refusals by the real server end cleanly or back off, as docs/PROTOCOL.md's close
//! code table says: an account locked by refused tokens (416) is retried with growing
//! delays, never in a storm. (No login the SDK accepts is over the frame limit, so the
//! server's 1009 is covered by the core's close-code tests.) (A login later than the login timeout, 4008, needs the page's main thread
//! blocked for seconds, which this runner's driver does not survive: the page test
//! `login_after_the_login_timeout.test.mjs` covers it.)

use crate::helpers::raw_device::Login;
use crate::helpers::*;
use wasm_bindgen_test::*;

/// The debug lines recorded so far.
fn log_lines(recorder: &Recorder) -> Vec<String> {
    let lines = recorder.events("log:debug");
    lines.iter().filter_map(|line| line.as_string()).collect()
}

#[wasm_bindgen_test]
async fn logins_refused_with_416_back_off() {
    let env = Env::get();
    reset().await;
    let app = env.app("multi");
    let account = unique("locked");
    env.create_account(&app, &account, "tok").await;
    // Refused tokens lock the account for the server's window, whatever the address.
    let mut code = 0;
    for _ in 0..30 {
        let login = Login {
            app_key: &app.key,
            account: &account,
            token: "wrong",
            device_id: "raw-locker",
            device_type: "Android",
            auto: false,
        };
        let (_device, reply) = RawDevice::login(&env.ws, login).await;
        code = RawDevice::reply_code(&reply);
        if code != 302 {
            break;
        }
    }
    assert_eq!(code, 416, "the account was locked");

    let mut recorder = Recorder::new();
    let options = recorder.options(&env, &app, &account, "tok");
    set(&options, "debug", true.into());
    get_instance(&options).unwrap();
    sleep(4_000).await;
    let retries = recorder.events("onwillreconnect");
    // Retry n waits 250 ms to min(16 s, 2^(n-1) s): in 4 s at least two were
    // announced, and even at small delays no more than a handful.
    assert!(
        (2..=8).contains(&retries.len()),
        "{} retries in 4 s",
        retries.len()
    );
    for (n, retry) in retries.iter().enumerate() {
        assert_eq!(get(retry, "retryCount"), (n + 1) as u32);
        let duration = get(retry, "duration").as_f64().unwrap();
        assert!(duration >= 250.0, "retry {} after {duration} ms", n + 1);
    }
    let refusals = log_lines(&recorder)
        .into_iter()
        .filter(|line| line.contains("416"))
        .count();
    assert!(refusals >= 2, "each attempt was refused with 416");
    assert_eq!(recorder.count("ondisconnect"), 0, "416 is not final");
    assert_eq!(recorder.count("onconnect"), 0);
    reset().await;
}
