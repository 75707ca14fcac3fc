//! Client types, kick reasons, and the device pushes (kicked 2_5, multiPortLogin 2_7).

use crate::error::DecodeError;
use crate::field::Field;
use crate::fields::FieldReader;
use crate::login::LoginPort;

/// The kind of device, as NIM numbers it on the wire (login tag 3, loginPort tag 3,
/// kicked `from`) \[code\]. Its names are those of nim-protocol's `DeviceType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientType {
    /// 1.
    Android,
    /// 2.
    Ios,
    /// 4, a Windows desktop client.
    Pc,
    /// 8.
    WindowsPhone,
    /// 16, what the official web SDK logs in as \[seen\].
    Web,
    /// 32, a server-side client.
    Server,
    /// 64.
    Mac,
    /// 65.
    HarmonyOs,
}

impl ClientType {
    /// Every client type, in wire order.
    pub const ALL: [ClientType; 8] = [
        ClientType::Android,
        ClientType::Ios,
        ClientType::Pc,
        ClientType::WindowsPhone,
        ClientType::Web,
        ClientType::Server,
        ClientType::Mac,
        ClientType::HarmonyOs,
    ];

    /// The number on the wire.
    pub fn number(self) -> u32 {
        match self {
            ClientType::Android => 1,
            ClientType::Ios => 2,
            ClientType::Pc => 4,
            ClientType::WindowsPhone => 8,
            ClientType::Web => 16,
            ClientType::Server => 32,
            ClientType::Mac => 64,
            ClientType::HarmonyOs => 65,
        }
    }

    /// The client type numbered `number`, if NIM defines one.
    pub fn from_number(number: u32) -> Option<Self> {
        ClientType::ALL.into_iter().find(|t| t.number() == number)
    }

    /// The name the SDK shows (`onloginportschange` `type`, `ondisconnect` `from`).
    pub fn name(self) -> &'static str {
        match self {
            ClientType::Android => "Android",
            ClientType::Ios => "iOS",
            ClientType::Pc => "PC",
            ClientType::WindowsPhone => "WindowsPhone",
            ClientType::Web => "Web",
            ClientType::Server => "Server",
            ClientType::Mac => "Mac",
            ClientType::HarmonyOs => "HarmonyOS",
        }
    }
}

/// Why a connection is kicked: the index into the SDK's
/// `kickedReasons=["","samePlatformKick","serverKick","otherPlatformKick","silentlyKick"]`
/// \[code; 3 seen\].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KickReason {
    /// 1: a newer login of the same kind took this device's place (nim-server: the
    /// device policy displaced it).
    SamePlatform,
    /// 2: the server kicked it (nim-server: `block` with `needkick`).
    Server,
    /// 3: another device of the account called `kick`.
    OtherPlatform,
    /// 4: kicked without notice to the user \[code\].
    Silently,
}

impl KickReason {
    /// The index on the wire.
    pub fn index(self) -> u32 {
        match self {
            KickReason::SamePlatform => 1,
            KickReason::Server => 2,
            KickReason::OtherPlatform => 3,
            KickReason::Silently => 4,
        }
    }

    /// The reason at `index`, if the SDK names one.
    pub fn from_index(index: u32) -> Option<Self> {
        [
            KickReason::SamePlatform,
            KickReason::Server,
            KickReason::OtherPlatform,
            KickReason::Silently,
        ]
        .into_iter()
        .find(|reason| reason.index() == index)
    }

    /// The name the SDK puts in `ondisconnect({code:"kicked", reason})`.
    pub fn name(self) -> &'static str {
        match self {
            KickReason::SamePlatform => "samePlatformKick",
            KickReason::Server => "serverKick",
            KickReason::OtherPlatform => "otherPlatformKick",
            KickReason::Silently => "silentlyKick",
        }
    }
}

/// 2_5 kicked: `[Int from, Int reason, String custom, Int customClientType]`; the
/// server closes the socket after it and the SDK does not reconnect \[seen\].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kicked {
    /// The kicking side's client type number (the SDK shows its name as `from`).
    pub from: u32,
    /// Why.
    pub reason: KickReason,
    /// App-defined text from the kicker, "" when none.
    pub custom: String,
    /// The kicker's `customClientType`; the SDK shows it only when > 0.
    pub custom_client_type: u32,
}

impl Kicked {
    pub(crate) fn from_fields(fields: &mut FieldReader) -> Result<Self, DecodeError> {
        let from = fields.int()?;
        let reason = KickReason::from_index(fields.int()?).ok_or(DecodeError::FieldValue {
            index: fields.last_index(),
        })?;
        Ok(Kicked {
            from,
            reason,
            custom: fields.string_or_empty()?,
            custom_client_type: fields.int_or_zero()?,
        })
    }

    pub(crate) fn to_fields(&self) -> Vec<Field> {
        vec![
            Field::Int(self.from),
            Field::Int(self.reason.index()),
            Field::String(self.custom.clone()),
            Field::Int(self.custom_client_type),
        ]
    }
}

/// 2_7 multiPortLogin: `[Byte state, PropertyArray<loginPort>]`, pushed with `ser`
/// 0 when other devices of the account come online (state 2) or go offline
/// (state 3) \[seen\]. The SDK reads any state other than 3 as online \[code\].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortsChange {
    /// Whether the listed devices came online (`true`) or went offline.
    pub online: bool,
    /// The devices.
    pub ports: Vec<LoginPort>,
}

/// The state byte of a device coming online.
const STATE_ONLINE: u8 = 2;
/// The state byte of a device going offline.
const STATE_OFFLINE: u8 = 3;

impl PortsChange {
    pub(crate) fn from_fields(fields: &mut FieldReader) -> Result<Self, DecodeError> {
        let online = fields.byte()? != STATE_OFFLINE;
        let ports = (fields.property_array_or_empty()?.into_iter())
            .map(LoginPort::from_property)
            .collect::<Result<_, _>>()?;
        Ok(PortsChange { online, ports })
    }

    pub(crate) fn to_fields(&self) -> Vec<Field> {
        let state = if self.online {
            STATE_ONLINE
        } else {
            STATE_OFFLINE
        };
        vec![
            Field::Byte(state),
            Field::PropertyArray(self.ports.iter().map(LoginPort::to_property).collect()),
        ]
    }
}
