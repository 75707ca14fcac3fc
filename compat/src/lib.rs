//! The wire protocol of the official NIM Web SDK 9.21.12 (`@yxim/nim-web-sdk`),
//! as far as a server needs it to log that SDK in beside nim-wasm devices: connect,
//! login, the account's other devices, kick, being kicked, logout and heartbeat,
//! plus the two requests the SDK sends right after login (sync and the NOS CDN host).
//!
//! The crate is pure: no I/O, no async runtime, no clock. A server edge reads a
//! frame, hands the bytes or text to a decoder here, acts on the typed [`Request`],
//! and writes the frames this crate encodes from a typed [`Response`].
//!
//! # Layers
//!
//! * Transports. [`binary`] is the browser build's default, one NIM packet per
//!   binary websocket message on `/websocket`. [`socketio`] is socket.io 0.9,
//!   which the Node build always uses (and a browser with `binaryWebsocket:
//!   false`), carrying [`json`] packets. [`lbs`] builds the `webconf.jsp` answer
//!   that points the SDK at the nodes.
//! * [`Packet`]: header values (`sid`, `cid`, `ser`, `code`) and positional
//!   [`Field`]s typed by the schema of each [`Command`]. Both transports decode
//!   to it and encode from it, so they cannot disagree on a message.
//! * Messages: [`Request`] and [`Response`] with their typed bodies. A command
//!   outside the scope decodes to [`RequestBody::Unsupported`] with its `sid`,
//!   `cid` and `ser`, so the server can answer it with a clear code
//!   ([`Request::unsupported`]) instead of leaving the SDK to time out.
//!
//! Every malformed input is a [`DecodeError`]; the limits it enforces are the
//! `MAX_*` constants. After an error the connection should be closed.
//!
//! Where it matters, the docs mark what was observed between the unmodified SDK
//! and a test server on loopback as **\[seen\]**, what was read in the SDK's code
//! only as **\[code\]**, and interpretations as **\[inferred\]**.
//!
//! # An edge's loop
//!
//! ```
//! use nim_compat::{Request, RequestBody, ResponseBody};
//!
//! // A browser's first binary frame: a login.
//! # let login = nim_compat::Login { app_key: "key".into(), account: "alice".into(),
//! #     token: "tok".into(), device_id: "d1".into(), client_type: 16, manual: true,
//! #     ..Default::default() };
//! # let frame = Request { ser: 1, body: RequestBody::Login(Box::new(login)) }.encode_binary();
//! let request = Request::decode_binary(&frame).expect("a valid frame");
//! let reply = match &request.body {
//!     RequestBody::Login(login) if login.token == "tok" => {
//!         // ... admit the device through the session core, then:
//!         # let ok = nim_compat::LoginOk::default();
//!         request.answer(ResponseBody::LoginOk(Box::new(ok)))
//!     }
//!     RequestBody::Login(_) => request.refuse(302),
//!     RequestBody::Heartbeat => nim_compat::Response::heartbeat(),
//!     RequestBody::Sync { .. } => request.answer(ResponseBody::SyncDone { timetag: 0 }),
//!     RequestBody::GetNosCdnHost => request.answer(ResponseBody::NosCdnHost { expire: 0 }),
//!     _ => request.unsupported(),
//! };
//! let bytes = reply.encode_binary(); // or socketio::encode_response(&reply)
//! # assert_eq!(&bytes[..8], &[0, 2, 3, 1, 0, 2, 200, 0]);
//! ```
//!
//! # Mapping onto nim-server's sessions
//!
//! The app keys, accounts, tokens and device policy are nim-server's own; this
//! crate only translates:
//!
//! * Login: [`Login`] carries what nim-protocol's `LoginRequest` does (app key,
//!   account, token, `authType`, device id, client type, os, custom tag, custom
//!   client type, `loginExt`). [`Login::manual`] is `!auto`: appLogin 0 is the
//!   SDK's automatic re-login after a reconnect, to which the 417 rule applies.
//!   The SDK sends no heartbeat interval; it uses 30 s unless configured.
//!   A refusal is [`Request::refuse`] with the same codes as `loginFailed`
//!   (302, 403, 404, 416, 417, 422). The SDK's `willReconnect` gives up after
//!   201, 302, 317, 403, 404, 417 and 422 \[code\].
//! * Login ports: [`LoginRes`] is the `onconnect` payload (`ConnectionInfo` plus
//!   the login time), [`LoginPort`] one other device; [`ClientType`] numbers the
//!   device types by the same names as `DeviceType`. The `loginPorts` push maps to
//!   [`PortsChange`] (2_7): `online` true is state 2, false is state 3.
//! * Kick: [`RequestBody::Kick`] and [`ResponseBody::Kick`] are `kick` and
//!   `kickResult`. [`Kicked`] (2_5) is `kicked`, with [`KickReason`]
//!   `SamePlatform`/`Server`/`OtherPlatform` for `samePlatformKick` (displaced by
//!   the device policy), `serverKick` (`block` with `needkick`) and
//!   `otherPlatformKick` (another device's `kick`); `from` is the kicker's client
//!   type number. The server closes the socket after it.
//! * Logout: [`RequestBody::Logout`] or the socket's close both end the session;
//!   the SDK closes without waiting for [`ResponseBody::Logout`].
//! * Heartbeat: 1_2 is `ping`/`pong`. On socket.io, `2::` is the transport's own
//!   heartbeat, echoed at that layer.

pub mod binary;
mod command;
mod device;
mod error;
mod field;
mod fields;
pub mod json;
pub mod lbs;
mod login;
mod packet;
mod property;
mod request;
mod response;
pub mod socketio;

pub use command::Command;
pub use device::{ClientType, KickReason, Kicked, PortsChange};
pub use error::{DecodeError, MAX_FRAME_BYTES, MAX_LIST_LEN, MAX_PROPERTY_ENTRIES};
pub use field::{Field, FieldType};
pub use login::{Login, LoginOk, LoginPort, LoginRes, PushInfo};
pub use packet::{Direction, Packet, CODES_WITH_BODY, CODE_OK};
pub use property::{PropValue, Property};
pub use request::{Request, RequestBody, CODE_UNSUPPORTED};
pub use response::{Response, ResponseBody};
