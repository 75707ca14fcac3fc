//! The test server, as the test script describes it at compile time, and its
//! NIM-style server API.

use sha1::{Digest, Sha1};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

/// One app configured on the test server.
#[derive(Debug, Clone)]
pub struct App {
    pub key: String,
    pub secret: String,
    pub policy: String,
}

/// Where the test server is.
#[derive(Debug, Clone)]
pub struct Env {
    pub http: String,
    pub ws: String,
    pub apps: Vec<App>,
}

const MISSING: &str = "NIM_TEST_HTTP, NIM_TEST_WS and NIM_TEST_APPS must be set when the \
browser tests are compiled (the test script starts nim-server and sets them)";

/// A compile-time variable that must be set: missing fails the test (never skips it).
fn required(value: Option<&'static str>) -> &'static str {
    value.unwrap_or_else(|| panic!("{MISSING}"))
}

impl Env {
    /// The compile-time test environment; fails the test when it is missing.
    pub fn get() -> Env {
        let http = required(option_env!("NIM_TEST_HTTP"))
            .trim_end_matches('/')
            .to_owned();
        let ws = required(option_env!("NIM_TEST_WS")).to_owned();
        let apps = required(option_env!("NIM_TEST_APPS"))
            .split(',')
            .map(|spec| {
                let mut parts = spec.split(':');
                App {
                    key: parts.next().unwrap_or_default().to_owned(),
                    secret: parts.next().unwrap_or_default().to_owned(),
                    policy: parts.next().unwrap_or("multi").to_owned(),
                }
            })
            .collect();
        Env { http, ws, apps }
    }

    /// The app with `policy` (`multi`, `single`, `desktop-mobile`).
    pub fn app(&self, policy: &str) -> App {
        self.apps
            .iter()
            .find(|a| a.policy == policy)
            .cloned()
            .unwrap_or_else(|| panic!("NIM_TEST_APPS has no app with policy {policy}"))
    }

    /// Calls `/nimserver/user/<action>.action` and returns the parsed reply.
    pub async fn server_api(&self, app: &App, action: &str, form: &[(&str, &str)]) -> JsValue {
        let nonce = format!("{:x}", (js_sys::Math::random() * 1e15) as u64);
        let cur_time = format!("{}", (js_sys::Date::now() / 1000.0) as u64);
        let checksum: String = Sha1::digest(format!("{}{nonce}{cur_time}", app.secret).as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let headers = Headers::new().unwrap();
        headers.set("AppKey", &app.key).unwrap();
        headers.set("Nonce", &nonce).unwrap();
        headers.set("CurTime", &cur_time).unwrap();
        headers.set("CheckSum", &checksum).unwrap();
        headers
            .set("Content-Type", "application/x-www-form-urlencoded")
            .unwrap();
        let body: Vec<String> = form
            .iter()
            .map(|(k, v)| format!("{k}={}", String::from(js_sys::encode_uri_component(v))))
            .collect();
        let url = format!("{}/nimserver/user/{action}.action", self.http);
        post(&url, &headers, &body.join("&")).await
    }

    /// Creates `accid` in `app` with `token`.
    pub async fn create_account(&self, app: &App, accid: &str, token: &str) {
        let reply = self
            .server_api(
                app,
                "create",
                &[("accid", accid), ("token", token), ("name", accid)],
            )
            .await;
        assert_eq!(super::get(&reply, "code"), 200, "create.action failed");
    }

    /// Sets the token of `accid`.
    pub async fn set_token(&self, app: &App, accid: &str, token: &str) {
        let reply = self
            .server_api(app, "update", &[("accid", accid), ("token", token)])
            .await;
        assert_eq!(super::get(&reply, "code"), 200, "update.action failed");
    }

    /// Blocks `accid`, kicking its devices.
    pub async fn block(&self, app: &App, accid: &str) {
        let reply = self
            .server_api(app, "block", &[("accid", accid), ("needkick", "true")])
            .await;
        assert_eq!(super::get(&reply, "code"), 200, "block.action failed");
    }
}

async fn post(url: &str, headers: &Headers, body: &str) -> JsValue {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(headers);
    init.set_body(&JsValue::from_str(body));
    let request = Request::new_with_str_and_init(url, &init).unwrap();
    let window = web_sys::window().unwrap();
    let response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .unwrap_or_else(|e| panic!("cannot reach the test server at {url}: {e:?}"));
    let response: Response = response.dyn_into().unwrap();
    JsFuture::from(response.json().unwrap()).await.unwrap()
}
