//! The one error type thrown toward JavaScript: an `Error` with a `code` to switch on.

use crate::core::text::concat;
use wasm_bindgen::{JsError, JsValue};

use crate::core::{OptionError, RequestFailure};

/// The `code` of an error thrown or passed to `done` by the SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `'invalidOption'`: an option has a wrong type or value.
    InvalidOption,
    /// `'unknownOption'`: an option name the SDK does not know (or `account` in
    /// `setOptions`).
    UnknownOption,
    /// `'invalidArgument'`: a method argument is wrong.
    InvalidArgument,
    /// `'destroyed'`: the instance was destroyed.
    Destroyed,
    /// `'notLoggedIn'`: the call needs a live session.
    NotLoggedIn,
    /// `'disconnected'`: the session ended before the server answered.
    Disconnected,
    /// A NIM code from the server.
    Server(u16),
}

/// An error for JavaScript: code plus message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NimError {
    /// What kind of error.
    pub code: ErrorCode,
    /// Human-readable details.
    pub message: String,
}

impl NimError {
    /// An error with `code` and `message`; out of line, so each caller passes a
    /// pointer instead of copying the message itself.
    #[inline(never)]
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        NimError {
            code,
            message: message.into(),
        }
    }

    /// The JavaScript `Error` object, with `code` set.
    pub fn to_js(&self) -> JsValue {
        // wasm-bindgen's own `Error` constructor, which serde-wasm-bindgen's errors
        // already bring into the glue, rather than js-sys's second one.
        let error = JsValue::from(JsError::new(&concat(&["nim-wasm: ", &self.message])));
        let code = match self.code {
            ErrorCode::InvalidOption => JsValue::from_str("invalidOption"),
            ErrorCode::UnknownOption => JsValue::from_str("unknownOption"),
            ErrorCode::InvalidArgument => JsValue::from_str("invalidArgument"),
            ErrorCode::Destroyed => JsValue::from_str("destroyed"),
            ErrorCode::NotLoggedIn => JsValue::from_str("notLoggedIn"),
            ErrorCode::Disconnected => JsValue::from_str("disconnected"),
            ErrorCode::Server(code) => JsValue::from(code),
        };
        // Setting a property on a fresh Error object cannot fail.
        super::set(&error, "code", &code);
        error
    }
}

impl From<NimError> for JsValue {
    fn from(error: NimError) -> JsValue {
        error.to_js()
    }
}

impl From<OptionError> for NimError {
    fn from(error: OptionError) -> NimError {
        NimError::new(ErrorCode::InvalidOption, error.message)
    }
}

impl From<RequestFailure> for NimError {
    fn from(failure: RequestFailure) -> NimError {
        match failure {
            RequestFailure::NotLoggedIn => NimError::new(ErrorCode::NotLoggedIn, "not logged in"),
            RequestFailure::Disconnected => NimError::new(
                ErrorCode::Disconnected,
                "the session ended before the server answered",
            ),
            RequestFailure::Server { code, message } => {
                NimError::new(ErrorCode::Server(code), message)
            }
        }
    }
}
