//! Answers built the way a server edge builds them, from typed values, give the
//! exact frames the official SDK accepted, on both transports.

use nim_compat::socketio;
use nim_compat::{
    ClientType, LoginOk, LoginPort, LoginRes, PortsChange, Request, RequestBody, Response,
    ResponseBody,
};

fn device_a_port(connection_id: &str, time: u64, device_id: &str) -> LoginPort {
    LoginPort {
        client_type: ClientType::Web.number(),
        os: "Linux 64-bit".into(),
        device_id: device_id.into(),
        account: "alice".into(),
        custom_tag: "tag-A".into(),
        connection_id: connection_id.into(),
        ip: "127.0.0.1".into(),
        time,
        ..LoginPort::default()
    }
}

fn login_of_b(last: &str, port: &str, time: u64, others: Vec<LoginPort>) -> Response {
    let res = LoginRes {
        last_login_device_id: Some(last.into()),
        connection_id: "1002".into(),
        ip: "127.0.0.1".into(),
        port: port.into(),
        country: "CN".into(),
        login_time: time,
        ..LoginRes::default()
    };
    // The answer to the login request, which had `ser` 1.
    Response {
        ser: 1,
        body: ResponseBody::LoginOk(Box::new(LoginOk::new(res, others))),
    }
}

#[test]
fn the_second_devices_login_answer_lists_the_first_on_the_binary_transport() {
    let a = "8e42594a33764168ee609f5249e0798e";
    let answer = login_of_b(
        a,
        "56296",
        1796597281901,
        vec![device_a_port("1001", 1796597279451, a)],
    );
    let expected = "000203010002c800061120386534323539346133333736343136386565363039663532343965303739386566043130303267093132372e302e302e31680535363239366a02434e6d0d31373936353937323831393031010803023136040c4c696e75782036342d6269740d2038653432353934613333373634313638656536303966353234396530373938651305616c69636526057461672d4166043130303167093132372e302e302e316d0d31373936353937323739343531026e01306f0566616c7365";
    assert_eq!(hex::encode(answer.encode_binary()), expected);
}

#[test]
fn the_second_devices_login_answer_lists_the_first_on_socket_io() {
    let a = "aa8f291045c49e0b66803343d93c738c";
    let answer = login_of_b(
        a,
        "34560",
        1796597272897,
        vec![device_a_port("1001", 1796597270300, a)],
    );
    let expected = r#"3:::{"sid":2,"cid":3,"ser":1,"code":200,"r":[{"17":"aa8f291045c49e0b66803343d93c738c","102":"1002","103":"127.0.0.1","104":"34560","106":"CN","109":"1796597272897"},[{"3":16,"4":"Linux 64-bit","13":"aa8f291045c49e0b66803343d93c738c","19":"alice","38":"tag-A","102":"1001","103":"127.0.0.1","109":1796597270300}],{"110":0,"111":false}]}"#;
    assert_eq!(socketio::encode_response(&answer), expected);
}

#[test]
fn a_device_coming_online_is_pushed_at_ser_0() {
    let b = "1f74168d7e08ed690e410878c4a2cfab";
    let mut port = device_a_port("1002", 1796597272897, b);
    port.custom_tag = "tag-B".into();
    let push = Response::push(ResponseBody::PortsChange(PortsChange {
        online: true,
        ports: vec![port],
    }));
    let expected = r#"3:::{"sid":2,"cid":7,"ser":0,"code":200,"r":[2,[{"3":16,"4":"Linux 64-bit","13":"1f74168d7e08ed690e410878c4a2cfab","19":"alice","38":"tag-B","102":"1002","103":"127.0.0.1","109":1796597272897}]]}"#;
    assert_eq!(socketio::encode_response(&push), expected);
}

#[test]
fn the_post_login_requests_are_answered_alike_on_both_transports() {
    let sync = Request {
        ser: 3,
        body: RequestBody::Sync {
            timetags: Default::default(),
        },
    };
    let done = sync.answer(ResponseBody::SyncDone {
        timetag: 1796597270313,
    });
    assert_eq!(
        done.encode_json(),
        r#"{"sid":5,"cid":1,"ser":3,"code":200,"r":[1796597270313]}"#
    );
    let nos = Request {
        ser: 2,
        body: RequestBody::GetNosCdnHost,
    };
    let no_cdn = nos.answer(ResponseBody::NosCdnHost { expire: 0 });
    assert_eq!(
        hex::encode(no_cdn.encode_binary()),
        "00061a020002c80001030130"
    );
    assert_eq!(
        no_cdn.encode_json(),
        r#"{"sid":6,"cid":26,"ser":2,"code":200,"r":[{"3":0}]}"#
    );
}
