//! Login 2_3: the request's Property, and the answer's loginRes, loginPorts and
//! push info. Tags are those of the SDK's serialize maps \[code\], as seen on the
//! wire \[seen\] where the specification's vectors show them.

use crate::error::DecodeError;
use crate::field::Field;
use crate::fields::FieldReader;
use crate::property::{PropValue, Property};

/// The login Property of a client (`[Property login]`), sent first after connect.
///
/// Values the SDK always sends are plain fields ("" or 0 when a hostile client
/// leaves them out, for the server to refuse); the others are `Option`s. Tags
/// this codec does not name stay in [`Login::other`], so nothing is lost.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Login {
    /// Tag 3: the client type number (16 for Web, see [`crate::ClientType`]).
    pub client_type: u32,
    /// Tag 4: "Linux 64-bit" in a browser, `os.release()` in Node \[seen\].
    pub os: String,
    /// Tag 6: "92112" \[seen\].
    pub sdk_version: Option<String>,
    /// Tag 8 appLogin: `true` (1) for a login the user asked for, `false` (0) for
    /// the SDK's automatic re-login after a reconnect \[seen\]. Absent reads as manual.
    pub manual: bool,
    /// Tag 9: 1 \[seen\].
    pub protocol_version: Option<u32>,
    /// Tag 10, with push plugins only \[code\].
    pub push_token_name: Option<String>,
    /// Tag 11, with push plugins only \[code\].
    pub push_token: Option<String>,
    /// Tag 13: random per JS realm (page load or Node process), not persisted \[seen\].
    pub device_id: String,
    /// Tag 18.
    pub app_key: String,
    /// Tag 19.
    pub account: String,
    /// Tag 24: "Chrome 156.0.0.0" \[seen\].
    pub browser: Option<String>,
    /// Tag 26: random per SDK instance, stable across reconnects \[seen\].
    pub session: Option<String>,
    /// Tag 32, not sent by web \[code\].
    pub device_info: Option<String>,
    /// Tag 38: the `customTag` option, "" if unset \[seen\].
    pub custom_tag: Option<String>,
    /// Tag 39: the `customClientType` option, only if set \[code\].
    pub custom_client_type: Option<u32>,
    /// Tag 40: "9.21.12" \[seen\].
    pub sdk_human_version: Option<String>,
    /// Tag 41: 100 browser, 101 mobile browser, 5 Electron, 2 RN, 6 WeChat, 0 Node \[code\].
    pub sdk_type: Option<u32>,
    /// Tag 42: `navigator.userAgent` \[seen\].
    pub user_agent: Option<String>,
    /// Tag 44: "BROWSER" or "NodeJs" \[seen\].
    pub lib_env: Option<String>,
    /// Tag 112: 0 \[seen\].
    pub is_react_native: Option<u32>,
    /// Tag 115: 0 static token, 1 dynamic, 2 third-party callback; only if set \[code\].
    pub auth_type: Option<u32>,
    /// Tag 116: the `loginExt` option, only if set \[code\].
    pub login_ext: Option<String>,
    /// Tag 1000: the token, in clear text \[seen\].
    pub token: String,
    /// Every tag not named above.
    pub other: Property,
}

impl Login {
    /// Reads the login Property; a number tag holding something else is an error.
    pub fn from_property(mut p: Property) -> Result<Self, DecodeError> {
        Ok(Login {
            client_type: p.take_u32(3)?.unwrap_or(0),
            os: p.take_text(4).unwrap_or_default(),
            sdk_version: p.take_text(6),
            manual: p.take_number(8)?.is_none_or(|n| n != 0),
            protocol_version: p.take_u32(9)?,
            push_token_name: p.take_text(10),
            push_token: p.take_text(11),
            device_id: p.take_text(13).unwrap_or_default(),
            app_key: p.take_text(18).unwrap_or_default(),
            account: p.take_text(19).unwrap_or_default(),
            browser: p.take_text(24),
            session: p.take_text(26),
            device_info: p.take_text(32),
            custom_tag: p.take_text(38),
            custom_client_type: p.take_u32(39)?,
            sdk_human_version: p.take_text(40),
            sdk_type: p.take_u32(41)?,
            user_agent: p.take_text(42),
            lib_env: p.take_text(44),
            is_react_native: p.take_u32(112)?,
            auth_type: p.take_u32(115)?,
            login_ext: p.take_text(116),
            token: p.take_text(1000).unwrap_or_default(),
            other: p,
        })
    }

    /// The login Property with the JavaScript types the SDK gives each tag, so
    /// that JSON carries numbers where the SDK's does \[seen\].
    pub fn to_property(&self) -> Property {
        let mut p = self.other.clone();
        let number = |n: u32| PropValue::Int(i64::from(n));
        p.insert(3, number(self.client_type));
        p.insert(4, self.os.as_str());
        p.insert_opt(6, self.sdk_version.as_deref());
        p.insert(8, number(u32::from(self.manual)));
        p.insert_opt(9, self.protocol_version.map(number));
        p.insert_opt(10, self.push_token_name.as_deref());
        p.insert_opt(11, self.push_token.as_deref());
        p.insert(13, self.device_id.as_str());
        p.insert(18, self.app_key.as_str());
        p.insert(19, self.account.as_str());
        p.insert_opt(24, self.browser.as_deref());
        p.insert_opt(26, self.session.as_deref());
        p.insert_opt(32, self.device_info.as_deref());
        p.insert_opt(38, self.custom_tag.as_deref());
        p.insert_opt(39, self.custom_client_type.map(number));
        p.insert_opt(40, self.sdk_human_version.as_deref());
        p.insert_opt(41, self.sdk_type.map(number));
        p.insert_opt(42, self.user_agent.as_deref());
        p.insert_opt(44, self.lib_env.as_deref());
        p.insert_opt(112, self.is_react_native.map(number));
        p.insert_opt(115, self.auth_type.map(number));
        p.insert_opt(116, self.login_ext.as_deref());
        p.insert(1000, self.token.as_str());
        p
    }
}

/// Removes a tag a server answer must carry.
fn required_text(p: &mut Property, tag: u32) -> Result<String, DecodeError> {
    p.take_text(tag).ok_or(DecodeError::MissingProperty { tag })
}

/// The first field of a successful login answer: what `onconnect(obj)` receives.
///
/// Every value is written as a string, also in JSON: the binary transport can
/// only carry strings, so the app sees the same types on both \[seen\].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LoginRes {
    /// Tag 17 lastLoginDeviceId: the device id of the account's previous login.
    pub last_login_device_id: Option<String>,
    /// Tag 38: this connection's customTag.
    pub custom_tag: Option<String>,
    /// Tag 102: this connection's id; the SDK filters its own port out by it \[code\].
    pub connection_id: String,
    /// Tag 103: the client's address as the server sees it.
    pub ip: String,
    /// Tag 104: the client's source port.
    pub port: String,
    /// Tag 106: the country of `ip` ("CN" in the vectors).
    pub country: String,
    /// Tag 109: login time, ms since the Unix epoch.
    pub login_time: u64,
    /// Tag 111 hasXMPush \[code\].
    pub has_xm_push: Option<bool>,
}

impl LoginRes {
    /// Reads a loginRes Property.
    pub fn from_property(mut p: Property) -> Result<Self, DecodeError> {
        Ok(LoginRes {
            last_login_device_id: p.take_text(17),
            custom_tag: p.take_text(38),
            connection_id: required_text(&mut p, 102)?,
            ip: required_text(&mut p, 103)?,
            port: required_text(&mut p, 104)?,
            country: p.take_text(106).unwrap_or_default(),
            login_time: p
                .take_number(109)?
                .ok_or(DecodeError::MissingProperty { tag: 109 })?,
            has_xm_push: p.take_bool(111)?,
        })
    }

    /// The loginRes Property.
    pub fn to_property(&self) -> Property {
        let mut p = Property::new();
        p.insert_opt(17, self.last_login_device_id.as_deref());
        p.insert_opt(38, self.custom_tag.as_deref());
        p.insert(102, self.connection_id.as_str());
        p.insert(103, self.ip.as_str());
        p.insert(104, self.port.as_str());
        p.insert(106, self.country.as_str());
        p.insert(109, self.login_time.to_string());
        p.insert_opt(111, self.has_xm_push);
        p
    }
}

/// One other device of the account (loginPort), as the login answer and 2_7 list
/// them. Numbers stay numbers in JSON; the SDK converts `type`, `time` and
/// `customClientType` itself \[code\].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LoginPort {
    /// Tag 3: client type number (the SDK shows its name).
    pub client_type: u32,
    /// Tag 4.
    pub os: String,
    /// Tag 5.
    pub mac: Option<String>,
    /// Tag 13.
    pub device_id: String,
    /// Tag 19.
    pub account: String,
    /// Tag 32.
    pub device_info: Option<String>,
    /// Tag 38.
    pub custom_tag: String,
    /// Tag 39.
    pub custom_client_type: Option<u32>,
    /// Tag 102: the device's connection id.
    pub connection_id: String,
    /// Tag 103.
    pub ip: String,
    /// Tag 109: login time, ms since the Unix epoch.
    pub time: u64,
}

impl LoginPort {
    /// Reads a loginPort Property.
    pub fn from_property(mut p: Property) -> Result<Self, DecodeError> {
        Ok(LoginPort {
            client_type: p
                .take_u32(3)?
                .ok_or(DecodeError::MissingProperty { tag: 3 })?,
            os: p.take_text(4).unwrap_or_default(),
            mac: p.take_text(5),
            device_id: required_text(&mut p, 13)?,
            account: p.take_text(19).unwrap_or_default(),
            device_info: p.take_text(32),
            custom_tag: p.take_text(38).unwrap_or_default(),
            custom_client_type: p.take_u32(39)?,
            connection_id: required_text(&mut p, 102)?,
            ip: p.take_text(103).unwrap_or_default(),
            time: p.take_number(109)?.unwrap_or(0),
        })
    }

    /// The loginPort Property.
    pub fn to_property(&self) -> Property {
        let mut p = Property::new();
        p.insert(3, PropValue::Int(i64::from(self.client_type)));
        p.insert(4, self.os.as_str());
        p.insert_opt(5, self.mac.as_deref());
        p.insert(13, self.device_id.as_str());
        p.insert(19, self.account.as_str());
        p.insert_opt(32, self.device_info.as_deref());
        p.insert(38, self.custom_tag.as_str());
        p.insert_opt(
            39,
            self.custom_client_type
                .map(|n| PropValue::Int(i64::from(n))),
        );
        p.insert(102, self.connection_id.as_str());
        p.insert(103, self.ip.as_str());
        p.insert(109, PropValue::number(self.time));
        p
    }
}

/// A successful login answer: `[Property loginRes, PropertyArray<loginPort>,
/// Property aosPushInfo]` \[seen\].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LoginOk {
    /// This connection; must be present for the SDK \[code\].
    pub res: LoginRes,
    /// The account's other devices; the SDK fires `onloginportschange` with them
    /// before `onconnect` when the list is not empty \[seen\].
    pub ports: Vec<LoginPort>,
    /// aosPushInfo, about Android push only.
    pub push_info: PushInfo,
}

/// The third field of a successful login answer, aosPushInfo (Android push only;
/// may be empty) \[code\].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PushInfo {
    /// Tag 110 pushType.
    pub push_type: Option<u32>,
    /// Tag 111 hasTokenPreviously.
    pub has_token_previously: Option<bool>,
}

impl PushInfo {
    /// Reads an aosPushInfo Property; tags outside the two named are dropped.
    pub fn from_property(mut p: Property) -> Result<Self, DecodeError> {
        Ok(PushInfo {
            push_type: p.take_u32(110)?,
            has_token_previously: p.take_bool(111)?,
        })
    }

    /// The aosPushInfo Property; numbers and booleans keep their JSON types.
    pub fn to_property(&self) -> Property {
        let mut p = Property::new();
        p.insert_opt(110, self.push_type.map(|n| PropValue::Int(i64::from(n))));
        p.insert_opt(111, self.has_token_previously);
        p
    }
}

impl LoginOk {
    /// The answer with the push info the SDK accepted from the test server:
    /// `{110: 0, 111: false}` \[seen\].
    pub fn new(res: LoginRes, ports: Vec<LoginPort>) -> Self {
        LoginOk {
            res,
            ports,
            push_info: PushInfo {
                push_type: Some(0),
                has_token_previously: Some(false),
            },
        }
    }

    pub(crate) fn from_fields(fields: &mut FieldReader) -> Result<Self, DecodeError> {
        Ok(LoginOk {
            res: LoginRes::from_property(fields.property()?)?,
            ports: (fields.property_array_or_empty()?.into_iter())
                .map(LoginPort::from_property)
                .collect::<Result<_, _>>()?,
            push_info: PushInfo::from_property(fields.property_or_empty()?)?,
        })
    }

    pub(crate) fn to_fields(&self) -> Vec<Field> {
        vec![
            Field::Property(self.res.to_property()),
            Field::PropertyArray(self.ports.iter().map(LoginPort::to_property).collect()),
            Field::Property(self.push_info.to_property()),
        ]
    }
}
