//! The binary websocket frames of the specification's appendix: each is decoded,
//! agrees with the specification's own decoding, and is re-encoded byte for byte.

#[path = "vectors/binary.rs"]
mod vectors;

use nim_compat::{
    ClientType, KickReason, Kicked, PortsChange, Request, RequestBody, Response, ResponseBody,
};
use vectors::BINARY;

fn bytes(hex: &str) -> Vec<u8> {
    hex::decode(hex).expect("the vectors are valid hex")
}

#[test]
fn every_client_frame_decodes_as_the_spec_does_and_re_encodes_byte_exactly() {
    for vector in BINARY.iter().filter(|v| v.from_client) {
        let frame = bytes(vector.hex);
        let request =
            Request::decode_binary(&frame).unwrap_or_else(|e| panic!("{}: {e}", vector.name));
        assert_eq!(request.encode_binary(), frame, "{}", vector.name);
        let from_spec = Request::decode_json(vector.decoded).expect(vector.name);
        assert_eq!(request, from_spec, "{}", vector.name);
    }
}

#[test]
fn every_server_frame_decodes_and_re_encodes_byte_exactly() {
    for vector in BINARY.iter().filter(|v| !v.from_client) {
        let frame = bytes(vector.hex);
        let response =
            Response::decode_binary(&frame).unwrap_or_else(|e| panic!("{}: {e}", vector.name));
        assert_eq!(response.encode_binary(), frame, "{}", vector.name);
    }
}

#[test]
fn the_specs_decoding_of_every_server_frame_encodes_to_its_bytes() {
    for vector in BINARY.iter().filter(|v| !v.from_client) {
        let response = Response::decode_json(vector.decoded).expect(vector.name);
        assert_eq!(
            response.encode_binary(),
            bytes(vector.hex),
            "{}",
            vector.name
        );
    }
}

#[test]
fn heartbeats_are_answered_with_an_empty_200_at_ser_0() {
    let request = Request::decode_binary(&bytes("000102000000")).unwrap();
    assert_eq!(
        request,
        Request {
            ser: 0,
            body: RequestBody::Heartbeat
        }
    );
    assert_eq!(request.encode_binary(), bytes("000102000000"));
    assert_eq!(
        Response::heartbeat().encode_binary(),
        bytes("000102000002c800")
    );
}

#[test]
fn the_first_login_carries_the_devices_identity() {
    let request = Request::decode_binary(&bytes(BINARY[0].hex)).unwrap();
    assert_eq!(request.ser, 1);
    let RequestBody::Login(login) = request.body else {
        panic!("not a login: {request:?}");
    };
    assert_eq!(login.app_key, "fakeappkey0123456789");
    assert_eq!(login.account, "alice");
    assert_eq!(login.token, "tok-alice");
    assert_eq!(login.device_id, "8e42594a33764168ee609f5249e0798e");
    assert_eq!(
        ClientType::from_number(login.client_type),
        Some(ClientType::Web)
    );
    assert!(login.manual);
    assert_eq!(login.os, "Linux 64-bit");
    assert_eq!(login.custom_tag.as_deref(), Some("tag-A"));
    assert_eq!(login.sdk_human_version.as_deref(), Some("9.21.12"));
    assert_eq!(login.lib_env.as_deref(), Some("BROWSER"));
    assert!(login.other.is_empty(), "every tag the SDK sent has a name");
}

#[test]
fn the_kick_and_what_follows_it() {
    let kick = Request::decode_binary(&bytes(BINARY[13].hex)).unwrap();
    let device_b = "4660f20a4813bcdd5037f8a0856ae037".to_owned();
    assert_eq!(
        kick.body,
        RequestBody::Kick {
            device_ids: vec![device_b.clone()]
        }
    );

    let kicked = Response::push(ResponseBody::Kicked(Kicked {
        from: ClientType::Web.number(),
        reason: KickReason::OtherPlatform,
        custom: String::new(),
        custom_client_type: 0,
    }));
    assert_eq!(kicked.encode_binary(), bytes(BINARY[14].hex));

    let gone = Response::decode_binary(&bytes(BINARY[15].hex)).unwrap();
    let ResponseBody::PortsChange(PortsChange { online, ports }) = gone.body else {
        panic!("not a multiPortLogin: {gone:?}");
    };
    assert!(!online);
    assert_eq!(ports[0].device_id, device_b);

    let answer = kick.answer(ResponseBody::Kick {
        device_ids: vec![device_b],
    });
    assert_eq!(answer.encode_binary(), bytes(BINARY[16].hex));
}
