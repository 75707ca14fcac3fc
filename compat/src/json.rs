//! NIM's JSON packets, as the socket.io transport carries them \[seen\]:
//!
//! ```text
//! request  {"SID":2,"CID":3,"SER":1,"timeout":8000,"hasPacketResponse":true,
//!           "hasPacketTimer":true,"Q":[{"t":"Property","v":{…}}]}
//! answer   {"sid":2,"cid":3,"ser":1,"code":200,"r":[…]}
//! ```
//!
//! A request's `timeout` and `hasPacket*` are the SDK's own bookkeeping; they are
//! read past and written the way the SDK writes them.

use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use crate::command::Command;
use crate::error::{DecodeError, MAX_FRAME_BYTES};
use crate::field::{Field, FieldType};
use crate::packet::{Direction, Packet};
use crate::property::Property;

#[derive(Deserialize)]
#[serde(rename_all = "UPPERCASE")]
struct RequestIn {
    sid: u8,
    cid: u8,
    ser: u16,
    #[serde(default)]
    q: Vec<ParamIn>,
}

#[derive(Deserialize)]
struct ParamIn {
    t: String,
    v: Value,
}

#[derive(Deserialize)]
struct AnswerIn {
    sid: u8,
    cid: u8,
    ser: u16,
    code: u16,
    #[serde(default)]
    r: Vec<Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RequestOut<'a> {
    #[serde(rename = "SID")]
    sid: u8,
    #[serde(rename = "CID")]
    cid: u8,
    #[serde(rename = "SER")]
    ser: u16,
    timeout: u32,
    has_packet_response: bool,
    has_packet_timer: bool,
    #[serde(rename = "Q")]
    q: Vec<ParamOut<'a>>,
}

#[derive(Serialize)]
struct ParamOut<'a> {
    t: &'static str,
    v: RequestValue<'a>,
}

/// A field as a request's `Q[i].v`: like an answer's, except that each map of a
/// PropertyArray is wrapped as `{"t":"Property","v":{…}}` \[code\].
struct RequestValue<'a>(&'a Field);

#[derive(Serialize)]
struct WrappedProperty<'a> {
    t: &'static str,
    v: &'a Property,
}

impl Serialize for RequestValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Field::PropertyArray(list) => {
                serializer.collect_seq(list.iter().map(|v| WrappedProperty { t: "Property", v }))
            }
            field => field.serialize(serializer),
        }
    }
}

/// Unwraps the maps of a request's PropertyArray (see [`RequestValue`]).
fn unwrap_properties(index: usize, value: Value) -> Result<Value, DecodeError> {
    let wrong = || DecodeError::FieldType {
        index,
        expected: FieldType::PropertyArray,
    };
    let Value::Array(items) = value else {
        return Err(wrong());
    };
    let unwrapped = items.into_iter().map(|item| match item {
        Value::Object(mut wrapper)
            if wrapper.get("t").and_then(Value::as_str) == Some("Property") =>
        {
            wrapper.remove("v").ok_or_else(wrong)
        }
        _ => Err(wrong()),
    });
    Ok(Value::Array(unwrapped.collect::<Result<_, _>>()?))
}

#[derive(Serialize)]
struct AnswerOut<'a> {
    sid: u8,
    cid: u8,
    ser: u16,
    code: u16,
    r: &'a [Field],
}

/// Decodes one JSON packet travelling `direction`. As on the binary transport, a
/// command outside the schema tables decodes with no fields, and trailing fields
/// may be absent.
pub fn decode(text: &str, direction: Direction) -> Result<Packet, DecodeError> {
    if text.len() > MAX_FRAME_BYTES {
        return Err(DecodeError::FrameTooLarge {
            len: text.len(),
            max: MAX_FRAME_BYTES,
        });
    }
    match direction {
        Direction::ToServer => decode_request(serde_json::from_str(text)?),
        Direction::ToClient => decode_answer(serde_json::from_str(text)?),
    }
}

fn decode_request(request: RequestIn) -> Result<Packet, DecodeError> {
    let command = Command::new(request.sid, request.cid);
    let mut fields = Vec::new();
    if let Some(schema) = command.request_schema() {
        check_count(request.q.len(), schema)?;
        for (index, (param, expected)) in request.q.into_iter().zip(schema).enumerate() {
            let named = FieldType::from_json_name(&param.t)
                .ok_or_else(|| DecodeError::UnknownFieldType(param.t.clone()))?;
            if named != *expected {
                return Err(DecodeError::FieldType {
                    index,
                    expected: *expected,
                });
            }
            let value = match named {
                FieldType::PropertyArray => unwrap_properties(index, param.v)?,
                _ => param.v,
            };
            fields.push(Field::from_json(index, named, value)?);
        }
    }
    Ok(Packet {
        command,
        ser: request.ser,
        code: None,
        fields,
    })
}

fn decode_answer(answer: AnswerIn) -> Result<Packet, DecodeError> {
    let command = Command::new(answer.sid, answer.cid);
    let mut fields = Vec::new();
    let schema = command.response_schema();
    if let (Some(schema), true) = (
        schema,
        Packet::has_body(Direction::ToClient, Some(answer.code)),
    ) {
        check_count(answer.r.len(), schema)?;
        for (index, (value, expected)) in answer.r.into_iter().zip(schema).enumerate() {
            fields.push(Field::from_json(index, *expected, value)?);
        }
    }
    Ok(Packet {
        command,
        ser: answer.ser,
        code: Some(answer.code),
        fields,
    })
}

fn check_count(count: usize, schema: &[FieldType]) -> Result<(), DecodeError> {
    if count > schema.len() {
        return Err(DecodeError::TooManyFields {
            count,
            max: schema.len(),
        });
    }
    Ok(())
}

/// Encodes one packet travelling `direction` as JSON text (without the socket.io
/// prefix). An answer without a code is written with code 200.
pub fn encode(packet: &Packet, direction: Direction) -> String {
    let Command { sid, cid } = packet.command;
    let written = match direction {
        Direction::ToServer => serde_json::to_string(&RequestOut {
            sid,
            cid,
            ser: packet.ser,
            timeout: packet.command.request_timeout_ms(),
            has_packet_response: true,
            has_packet_timer: true,
            q: (packet.fields.iter())
                .map(|field| ParamOut {
                    t: field.field_type().json_name(),
                    v: RequestValue(field),
                })
                .collect(),
        }),
        Direction::ToClient => serde_json::to_string(&AnswerOut {
            sid,
            cid,
            ser: packet.ser,
            code: packet.result_code(),
            r: &packet.fields,
        }),
    };
    // Every map key is a string and every value a string, number or bool, so
    // serialization cannot fail.
    written.expect("NIM packets always serialize to JSON")
}
