//! Service and command ids (`sid`, `cid`), and the field schema of each command in
//! scope, from the SDK's ID and schema tables \[code\] as exercised on loopback \[seen\].

use std::fmt;

use crate::field::FieldType;

/// A NIM command: service id and command id, written `sid_cid` (`2_3` is login).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Command {
    /// Service id.
    pub sid: u8,
    /// Command id within the service.
    pub cid: u8,
}

impl Command {
    /// 1_2: heartbeat, both ways, always `ser` 0.
    pub const HEARTBEAT: Command = Command::new(1, 2);
    /// 2_3: login.
    pub const LOGIN: Command = Command::new(2, 3);
    /// 2_5: push, this connection was kicked.
    pub const KICKED: Command = Command::new(2, 5);
    /// 2_6: logout.
    pub const LOGOUT: Command = Command::new(2, 6);
    /// 2_7: push, another device of the account came online or went offline.
    pub const MULTI_PORT_LOGIN: Command = Command::new(2, 7);
    /// 2_8: kick other devices of the account.
    pub const KICK: Command = Command::new(2, 8);
    /// 5_1: sync after login.
    pub const SYNC: Command = Command::new(5, 1);
    /// 6_26: ask for the NOS CDN host configuration after login.
    pub const GET_NOS_CDN_HOST: Command = Command::new(6, 26);

    /// The command `sid_cid`.
    pub const fn new(sid: u8, cid: u8) -> Self {
        Command { sid, cid }
    }

    /// The fields a client request of this command carries, or `None` for a
    /// command outside this codec's scope.
    pub fn request_schema(self) -> Option<&'static [FieldType]> {
        Some(match self {
            Command::HEARTBEAT | Command::LOGOUT | Command::GET_NOS_CDN_HOST => &[],
            Command::LOGIN | Command::SYNC => &[FieldType::Property],
            Command::KICK => &[FieldType::StrArray],
            _ => return None,
        })
    }

    /// The fields a successful server answer or push of this command carries, or
    /// `None` for a command outside this codec's scope.
    pub fn response_schema(self) -> Option<&'static [FieldType]> {
        use FieldType::*;
        Some(match self {
            Command::HEARTBEAT | Command::LOGOUT => &[],
            Command::LOGIN => &[Property, PropertyArray, Property],
            Command::KICKED => &[Int, Int, String, Int],
            Command::MULTI_PORT_LOGIN => &[Byte, PropertyArray],
            Command::KICK => &[StrArray],
            Command::SYNC => &[Long],
            Command::GET_NOS_CDN_HOST => &[Property],
            _ => return None,
        })
    }

    /// The `timeout` the SDK writes into a socket.io request of this command, in
    /// milliseconds \[seen\]; the server ignores it.
    pub fn request_timeout_ms(self) -> u32 {
        match self {
            Command::HEARTBEAT => 5_000,
            Command { sid: 5, cid: 1..=3 } => 180_000,
            _ => 8_000,
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", self.sid, self.cid)
    }
}
