//! Malformed binary frames: each gets its own typed error, none panics, and none
//! makes the decoder allocate what the frame only claims.

use nim_compat::{
    Command, DecodeError, Request, RequestBody, Response, MAX_FRAME_BYTES, MAX_LIST_LEN,
    MAX_PROPERTY_ENTRIES,
};

/// The login of the specification's first device.
const LOGIN: &str = "0002030100001103023136040c4c696e75782036342d626974060539323131320801310901310d203865343235393461333337363431363865653630396635323439653037393865121466616b656170706b6579303132333435363738391305616c69636518104368726f6d65203135362e302e302e301a20373637303236663339356132626139393039373935613038313639383138336526057461672d412807392e32312e313229033130302a6d4d6f7a696c6c612f352e3020285831313b204c696e7578207838365f363429204170706c655765624b69742f3533372e333620284b48544d4c2c206c696b65204765636b6f2920486561646c6573734368726f6d652f3135362e302e302e30205361666172692f3533372e33362c0742524f57534552700130e80709746f6b2d616c696365";

/// The header of a kick request (2_8, ser 4), before its StrArray.
const KICK_HEADER: &str = "000208040000";

fn decode(hex: &str) -> Result<Request, DecodeError> {
    Request::decode_binary(&hex::decode(hex).unwrap())
}

#[test]
fn an_empty_frame_is_truncated() {
    assert!(matches!(decode(""), Err(DecodeError::Truncated { .. })));
}

#[test]
fn every_prefix_of_a_login_is_refused() {
    let frame = hex::decode(LOGIN).unwrap();
    for len in 0..frame.len() {
        let result = Request::decode_binary(&frame[..len]);
        assert!(result.is_err(), "prefix of {len} bytes decoded: {result:?}");
    }
}

#[test]
fn a_header_cut_short_names_what_was_being_read() {
    assert_eq!(
        decode("000203"),
        Err(DecodeError::Truncated { what: "ser" })
    );
    assert_eq!(
        decode("0002030100"),
        Err(DecodeError::Truncated { what: "tag" })
    );
    assert_eq!(
        decode("00020301000200"),
        Err(DecodeError::Truncated { what: "code" })
    );
}

#[test]
fn a_varint_of_more_than_five_bytes_is_refused() {
    assert_eq!(
        decode("808080808000020600000000"),
        Err(DecodeError::VarintTooLong)
    );
    // In a Property count, a tag and a string length.
    assert_eq!(
        decode("000203010000ffffffffff01"),
        Err(DecodeError::VarintTooLong)
    );
    assert_eq!(
        decode("00020301000001ffffffffff01"),
        Err(DecodeError::VarintTooLong)
    );
    assert_eq!(
        decode("0002030100000103ffffffffff01"),
        Err(DecodeError::VarintTooLong)
    );
}

#[test]
fn a_five_byte_varint_beyond_32_bits_is_refused() {
    assert_eq!(
        decode("ffffffff7f0206000000"),
        Err(DecodeError::VarintOverflow)
    );
}

#[test]
fn a_length_past_the_frame_is_refused() {
    // A kick naming one id of 0x7f bytes, with two bytes present.
    assert_eq!(
        decode(&format!("{KICK_HEADER}017f4142")),
        Err(DecodeError::LengthPastFrame {
            declared: 0x7f,
            available: 2
        })
    );
    // A string length of four gigabytes.
    assert_eq!(
        decode(&format!("{KICK_HEADER}01ffffffff0f41")),
        Err(DecodeError::LengthPastFrame {
            declared: u32::MAX as usize,
            available: 1
        })
    );
}

#[test]
fn a_packet_length_that_disagrees_with_the_frame_is_refused() {
    assert_eq!(
        decode("030206050000"),
        Err(DecodeError::PacketLength {
            declared: 3,
            frame: 6
        })
    );
    assert!(
        decode("060206050000").is_ok(),
        "the frame's own length is accepted"
    );
}

#[test]
fn an_oversized_property_map_is_refused_before_it_is_read() {
    let too_many = MAX_PROPERTY_ENTRIES + 1;
    assert_eq!(
        decode(&format!("000203010000{too_many:02x}01")),
        Err(DecodeError::PropertyTooLarge {
            count: too_many,
            max: MAX_PROPERTY_ENTRIES
        })
    );
    assert_eq!(
        decode("000203010000ffffffff0f"),
        Err(DecodeError::PropertyTooLarge {
            count: u32::MAX as usize,
            max: MAX_PROPERTY_ENTRIES
        })
    );
}

#[test]
fn an_oversized_list_is_refused_before_it_is_read() {
    // 257 as a varint.
    assert_eq!(
        decode(&format!("{KICK_HEADER}8102")),
        Err(DecodeError::ListTooLong {
            count: MAX_LIST_LEN + 1,
            max: MAX_LIST_LEN
        })
    );
}

#[test]
fn a_string_that_is_not_utf8_is_refused() {
    assert_eq!(
        decode(&format!("{KICK_HEADER}0102fffe")),
        Err(DecodeError::BadUtf8)
    );
}

#[test]
fn bytes_after_the_last_field_are_refused() {
    assert_eq!(decode("00020605000000"), Err(DecodeError::TrailingBytes(1)));
    assert_eq!(
        decode(&format!("{KICK_HEADER}01014100")),
        Err(DecodeError::TrailingBytes(1))
    );
}

#[test]
fn header_flags_other_than_the_code_are_refused() {
    assert_eq!(
        decode("000206050001"),
        Err(DecodeError::UnsupportedTag(0x01))
    );
    assert_eq!(
        decode("000206050004"),
        Err(DecodeError::UnsupportedTag(0x04))
    );
}

#[test]
fn a_frame_above_the_limit_is_refused_unread() {
    let frame = vec![0u8; MAX_FRAME_BYTES + 1];
    assert_eq!(
        Request::decode_binary(&frame),
        Err(DecodeError::FrameTooLarge {
            len: MAX_FRAME_BYTES + 1,
            max: MAX_FRAME_BYTES
        })
    );
}

#[test]
fn a_login_with_a_client_type_that_is_not_a_number_is_refused() {
    // Property {3: "ab"}.
    assert_eq!(
        decode("0002030100000103026162"),
        Err(DecodeError::PropertyValue { tag: 3 })
    );
}

#[test]
fn a_login_without_its_property_is_missing_a_field() {
    assert_eq!(
        decode("000203010000"),
        Err(DecodeError::MissingField { index: 0 })
    );
}

#[test]
fn garbage_is_refused_without_a_panic() {
    for hex in [
        "ff",
        "00ff",
        "41424344454647",
        "0002030100000a",
        "00020801000001",
    ] {
        assert!(decode(hex).is_err(), "{hex} decoded");
    }
}

#[test]
fn a_request_outside_the_scope_is_answered_with_its_ids() {
    // 6_23 getServerTime, ser 7, with a body this codec does not read.
    let request = decode("000617070000deadbeef").unwrap();
    assert_eq!(request.ser, 7);
    assert_eq!(request.body, RequestBody::Unsupported(Command::new(6, 23)));
    // Code 997 (0x03e5), no fields.
    assert_eq!(
        hex::encode(request.unsupported().encode_binary()),
        "000617070002e503"
    );
}

#[test]
fn a_server_answer_with_an_unknown_kick_reason_is_refused() {
    // kicked [16, 9, "", 0]
    let frame = hex::decode("000205000002c80010000000090000000000000000").unwrap();
    assert_eq!(
        Response::decode_binary(&frame),
        Err(DecodeError::FieldValue { index: 1 })
    );
}
