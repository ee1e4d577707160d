//! `SOCKET_PEER_TARGET_NAME`: a header followed by a UTF-16 name.
//!
//! Layout ([SOCKET_PEER_TARGET_NAME], windows-sys 0.61, x64):
//!
//! | offset | field | size |
//! | --- | --- | --- |
//! | 0 | `SecurityProtocol` (`SOCKET_SECURITY_PROTOCOL`, `i32`) | 4 |
//! | 4 | padding | 4 |
//! | 8 | `PeerAddress` (`SOCKADDR_STORAGE`) | 128 |
//! | 136 | `PeerTargetNameStringLen` (`u32`, in **bytes**) | 4 |
//! | 140 | `AllStrings` (the name, UTF-16, no terminator needed) | `PeerTargetNameStringLen` |
//!
//! `sizeof` is 144 (windows-sys declares `AllStrings: [u16; 1]`, plus tail padding), but the
//! name begins at 140, so the smallest length that holds a name of `n` bytes is `140 + n`.
//!
//! [SOCKET_PEER_TARGET_NAME]: https://learn.microsoft.com/windows/win32/api/mstcpip/ns-mstcpip-socket_peer_target_name
use std::fmt;
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::{
    SOCKET_SECURITY_PROTOCOL, SOCKET_SECURITY_PROTOCOL_DEFAULT, SOCKET_SECURITY_PROTOCOL_IPSEC,
    SOCKET_SECURITY_PROTOCOL_IPSEC2,
};

use super::sockaddr::{self, PeerAddress, MAX_SOCKADDR_LEN};
use super::{u32_at, SockaddrError};
use crate::choices;
use crate::error::{Error, Result};
use crate::rules;

/// Offset of `SecurityProtocol`.
const PROTOCOL_OFFSET: usize = 0;
/// Offset of `PeerAddress`.
const PEER_ADDRESS_OFFSET: usize = 8;
/// Offset of `PeerTargetNameStringLen`.
const STRING_LEN_OFFSET: usize = 136;
/// Offset of `AllStrings`: the header is every byte before the name.
pub(crate) const HEADER_LEN: usize = 140;
/// `sizeof(SOCKET_PEER_TARGET_NAME)`, which callers add the name's bytes to.
pub(crate) const STRUCT_SIZE: usize = 144;

/// `SOCKET_SECURITY_PROTOCOL`: which security protocol the name is meant for.
///
/// `SOCKET_SECURITY_PROTOCOL_INVALID` (3) and every other value are not legal
/// ([SOCKET_SECURITY_PROTOCOL]) and are refused with `WSAEINVAL`.
///
/// [SOCKET_SECURITY_PROTOCOL]: https://learn.microsoft.com/windows/win32/api/mstcpip/ne-mstcpip-socket_security_protocol
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SecurityProtocol {
    /// `SOCKET_SECURITY_PROTOCOL_DEFAULT` (0): the system default, which today is IPsec.
    #[default]
    Default,
    /// `SOCKET_SECURITY_PROTOCOL_IPSEC` (1).
    Ipsec,
    /// `SOCKET_SECURITY_PROTOCOL_IPSEC2` (2), Windows 7 and later.
    Ipsec2,
}

impl SecurityProtocol {
    /// The protocol for a raw `SOCKET_SECURITY_PROTOCOL`, or `None` for an illegal value.
    pub const fn from_raw(raw: SOCKET_SECURITY_PROTOCOL) -> Option<Self> {
        match raw {
            SOCKET_SECURITY_PROTOCOL_DEFAULT => Some(Self::Default),
            SOCKET_SECURITY_PROTOCOL_IPSEC => Some(Self::Ipsec),
            SOCKET_SECURITY_PROTOCOL_IPSEC2 => Some(Self::Ipsec2),
            _ => None,
        }
    }

    /// The raw `SOCKET_SECURITY_PROTOCOL` value.
    pub const fn to_raw(self) -> SOCKET_SECURITY_PROTOCOL {
        match self {
            Self::Default => SOCKET_SECURITY_PROTOCOL_DEFAULT,
            Self::Ipsec => SOCKET_SECURITY_PROTOCOL_IPSEC,
            Self::Ipsec2 => SOCKET_SECURITY_PROTOCOL_IPSEC2,
        }
    }
}

/// A peer target name (an SPN such as `host/server.contoso.com`), kept as the UTF-16 units
/// the caller gave, so that even an unpaired surrogate round-trips unchanged
/// ([`choices::NAMES_KEEP_UTF16_UNITS`]).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TargetName(Box<[u16]>);

impl TargetName {
    /// A name from UTF-16 units, exactly as given.
    pub fn from_units(units: &[u16]) -> Self {
        Self(units.into())
    }

    /// The UTF-16 units of the name.
    pub fn units(&self) -> &[u16] {
        &self.0
    }

    /// The name's length in bytes, as `PeerTargetNameStringLen` counts it.
    pub fn byte_len(&self) -> usize {
        self.0.len() * 2
    }

    /// The name as a Rust string, with any unpaired surrogate shown as U+FFFD.
    pub fn to_string_lossy(&self) -> String {
        String::from_utf16_lossy(&self.0)
    }
}

impl From<&str> for TargetName {
    fn from(name: &str) -> Self {
        // ASCII (every SPN in practice) is one unit per byte: one exact allocation.
        if name.is_ascii() {
            return Self(name.bytes().map(u16::from).collect());
        }
        // Otherwise at most one unit per byte: no reallocation while growing.
        let mut units = Vec::with_capacity(name.len());
        units.extend(name.encode_utf16());
        Self(units.into_boxed_slice())
    }
}

impl fmt::Display for TargetName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_lossy())
    }
}

impl fmt::Debug for TargetName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_string_lossy())
    }
}

/// A decoded `SOCKET_PEER_TARGET_NAME`: which protocol, which peer, which name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PeerTargetName {
    /// `SecurityProtocol`.
    pub protocol: SecurityProtocol,
    /// `PeerAddress`.
    pub peer: PeerAddress,
    /// The name in `AllStrings`.
    pub name: TargetName,
}

impl PeerTargetName {
    /// A name for `peer` with the default security protocol.
    pub fn new(peer: SocketAddr, name: impl Into<TargetName>) -> Self {
        Self {
            protocol: SecurityProtocol::Default,
            peer: PeerAddress::Ip(peer),
            name: name.into(),
        }
    }

    /// The structure as a C caller lays it out: `sizeof(SOCKET_PEER_TARGET_NAME)` (144) plus
    /// the name's bytes, zero-filled, with `PeerTargetNameStringLen` in bytes. Pass the whole
    /// vector's length as `PeerTargetNameLen`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![0u8; STRUCT_SIZE + self.name.byte_len()];
        out[PROTOCOL_OFFSET..PROTOCOL_OFFSET + 4]
            .copy_from_slice(&self.protocol.to_raw().to_le_bytes());
        match self.peer {
            PeerAddress::Ip(addr) => {
                let (raw, len) = sockaddr::encode(addr);
                out[PEER_ADDRESS_OFFSET..PEER_ADDRESS_OFFSET + len].copy_from_slice(&raw[..len]);
            }
            PeerAddress::OtherFamily(family) => {
                out[PEER_ADDRESS_OFFSET..PEER_ADDRESS_OFFSET + 2]
                    .copy_from_slice(&family.to_le_bytes());
            }
            PeerAddress::Unspecified => {}
        }
        let string_len = u32::try_from(self.name.byte_len()).unwrap_or(u32::MAX);
        out[STRING_LEN_OFFSET..STRING_LEN_OFFSET + 4].copy_from_slice(&string_len.to_le_bytes());
        for (i, unit) in self.name.units().iter().enumerate() {
            let at = HEADER_LEN + 2 * i;
            out[at..at + 2].copy_from_slice(&unit.to_le_bytes());
        }
        out
    }
}

/// The caller's `SOCKET_PEER_TARGET_NAME` as bytes the `sys` layer could read.
///
/// `bytes` holds at most `declared_len` bytes, and no more than the structure itself says
/// it holds ([`readable_len`]): a caller whose length overstates its buffer is never read
/// past the name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PeerTargetNameBytes<'a> {
    /// `PeerTargetNameLen` as the caller passed it.
    pub declared_len: u32,
    /// The readable prefix of the buffer.
    pub bytes: &'a [u8],
}

/// How many bytes of a `SOCKET_PEER_TARGET_NAME` may be read, given the declared length and
/// the bytes read so far (at least the header, when the declared length covers it).
///
/// The answer never exceeds `declared_len`, nor the header plus the name length the header
/// states (capped at [`choices::MAX_TARGET_NAME_BYTES`]). `sys` reads the header first, then
/// asks this function how far to read.
pub(crate) fn readable_len(declared_len: u32, header: &[u8]) -> usize {
    let declared = declared_len as usize;
    match u32_at(header, STRING_LEN_OFFSET) {
        Some(string_len) if header.len() >= HEADER_LEN => {
            let name = string_len.min(choices::MAX_TARGET_NAME_BYTES + 1) as usize;
            declared.min(HEADER_LEN + name)
        }
        _ => declared.min(HEADER_LEN),
    }
}

impl PeerTargetNameBytes<'_> {
    /// Decodes the structure, checking in this order ([`choices::CHECK_ORDER`]):
    /// the length holds the header and the name (`WSAEMSGSIZE`), the protocol is legal
    /// (`WSAEINVAL`), the name is well formed (`WSAEINVAL`).
    pub(crate) fn decode(self) -> Result<PeerTargetName> {
        let declared = self.declared_len as usize;
        rules::length_holds_header(declared, HEADER_LEN)?;
        let string_len = u32_at(self.bytes, STRING_LEN_OFFSET).ok_or(Error::MessageSize)?;
        rules::length_holds_name(declared, HEADER_LEN, string_len)?;
        let raw_protocol = u32_at(self.bytes, PROTOCOL_OFFSET).ok_or(Error::MessageSize)? as i32;
        let protocol = rules::protocol_is_legal(raw_protocol)?;
        rules::name_is_well_formed(string_len)?;
        let name_bytes = self
            .bytes
            .get(HEADER_LEN..HEADER_LEN + string_len as usize)
            .ok_or(Error::MessageSize)?;
        // Allocated, then zeroed and filled in place: `vec![0; n]` would go through `calloc`,
        // which glibc's per-thread cache does not serve, and collecting from the iterator
        // copies one unit at a time where this loop runs vectorised.
        #[allow(clippy::slow_vector_initialization)]
        let mut units = Vec::with_capacity(name_bytes.len() / 2);
        units.resize(name_bytes.len() / 2, 0u16);
        for (unit, pair) in units.iter_mut().zip(name_bytes.chunks_exact(2)) {
            *unit = u16::from_le_bytes([pair[0], pair[1]]);
        }
        let peer_bytes = self
            .bytes
            .get(PEER_ADDRESS_OFFSET..PEER_ADDRESS_OFFSET + MAX_SOCKADDR_LEN)
            .ok_or(Error::MessageSize)?;
        let peer =
            sockaddr::decode(peer_bytes).map_err(|SockaddrError::TooShort| Error::MessageSize)?;
        Ok(PeerTargetName {
            protocol,
            peer,
            name: TargetName(units.into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};
    use windows_sys::Win32::Networking::WinSock::SOCKET_PEER_TARGET_NAME;

    #[test]
    fn layout_matches_windows_sys() {
        assert_eq!(
            offset_of!(SOCKET_PEER_TARGET_NAME, SecurityProtocol),
            PROTOCOL_OFFSET
        );
        assert_eq!(
            offset_of!(SOCKET_PEER_TARGET_NAME, PeerAddress),
            PEER_ADDRESS_OFFSET
        );
        assert_eq!(
            offset_of!(SOCKET_PEER_TARGET_NAME, PeerTargetNameStringLen),
            STRING_LEN_OFFSET
        );
        assert_eq!(offset_of!(SOCKET_PEER_TARGET_NAME, AllStrings), HEADER_LEN);
        assert_eq!(size_of::<SOCKET_PEER_TARGET_NAME>(), STRUCT_SIZE);
    }

    fn bytes_of(raw: &[u8]) -> PeerTargetNameBytes<'_> {
        let declared_len = raw.len() as u32;
        PeerTargetNameBytes {
            declared_len,
            bytes: &raw[..readable_len(declared_len, raw)],
        }
    }

    #[test]
    fn round_trip() {
        let name = PeerTargetName::new("192.0.2.1:500".parse().unwrap(), "host/server.contoso.com");
        assert_eq!(bytes_of(&name.to_bytes()).decode(), Ok(name));
    }

    #[test]
    fn smallest_valid_length_is_header_plus_name() {
        let name = PeerTargetName::new("192.0.2.1:500".parse().unwrap(), "host/a");
        let raw = name.to_bytes();
        assert_eq!(bytes_of(&raw[..HEADER_LEN + 12]).decode(), Ok(name));
        assert_eq!(
            bytes_of(&raw[..HEADER_LEN + 11]).decode(),
            Err(Error::MessageSize)
        );
        assert_eq!(
            bytes_of(&raw[..HEADER_LEN - 1]).decode(),
            Err(Error::MessageSize)
        );
    }

    #[test]
    fn names_from_str_are_their_utf16_units() {
        for name in [
            "host/server.contoso.com",
            "host/séveur.contoso.com",
            "host/€😀",
            "",
        ] {
            let expected: Vec<u16> = name.encode_utf16().collect();
            assert_eq!(TargetName::from(name).units(), &expected[..], "{name}");
        }
    }

    #[test]
    fn unpaired_surrogate_round_trips() {
        let mut name = PeerTargetName::new("192.0.2.1:500".parse().unwrap(), "x");
        name.name = TargetName::from_units(&[0x68, 0xD800, 0x69]);
        assert_eq!(
            bytes_of(&name.to_bytes()).decode().unwrap().name.units(),
            &[0x68, 0xD800, 0x69]
        );
    }

    #[test]
    fn readable_len_never_passes_the_declared_length_or_the_name() {
        let mut raw = PeerTargetName::new("192.0.2.1:500".parse().unwrap(), "ab").to_bytes();
        assert_eq!(readable_len(u32::MAX, &raw), HEADER_LEN + 4);
        assert_eq!(readable_len(100, &raw[..100]), 100);
        raw[STRING_LEN_OFFSET..STRING_LEN_OFFSET + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(
            readable_len(u32::MAX, &raw),
            HEADER_LEN + choices::MAX_TARGET_NAME_BYTES as usize + 1
        );
    }
}
