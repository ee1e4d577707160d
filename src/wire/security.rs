//! `SOCKET_SECURITY_SETTINGS`, `SOCKET_SECURITY_SETTINGS_IPSEC`,
//! `SOCKET_SECURITY_QUERY_TEMPLATE` and `SOCKET_SECURITY_QUERY_INFO` on bytes.
//!
//! Layouts (windows-sys 0.61, x64; the unit tests check them with `offset_of!`):
//!
//! | structure | offset | field |
//! | --- | --- | --- |
//! | `SOCKET_SECURITY_SETTINGS` (8) | 0 / 4 | `SecurityProtocol` / `SecurityFlags` |
//! | `SOCKET_SECURITY_SETTINGS_IPSEC` (88) | 8 | `IpsecFlags` |
//! | | 12 / 28 / 44 | `AuthipMMPolicyKey` / `AuthipQMPolicyKey` / `Reserved` (GUIDs) |
//! | | 64 | `Reserved2` (`u64`) |
//! | | 72 / 76 / 80 | `UserNameStringLen` / `DomainNameStringLen` / `PasswordStringLen` (bytes) |
//! | | 84 | `AllStrings`: user name, domain name, password, UTF-16, concatenated |
//! | `SOCKET_SECURITY_QUERY_TEMPLATE` (144) | 0 / 8 / 136 | `SecurityProtocol` / `PeerAddress` / `PeerTokenAccessMask` |
//! | `SOCKET_SECURITY_QUERY_INFO` (24) | 0 / 4 / 8 / 16 | `SecurityProtocol` / `Flags` / `PeerApplicationAccessTokenHandle` / `PeerMachineAccessTokenHandle` |
//!
//! Which form a `SecuritySettings` buffer holds is decided by its length
//! ([`crate::choices::SECURITY_SETTINGS_FORM`]).
use windows_sys::Win32::Networking::WinSock::{
    SOCKET_INFO_CONNECTION_ENCRYPTED, SOCKET_INFO_CONNECTION_IMPERSONATED,
    SOCKET_INFO_CONNECTION_SECURED, SOCKET_SETTINGS_ALLOW_INSECURE,
    SOCKET_SETTINGS_GUARANTEE_ENCRYPTION, SOCKET_SETTINGS_IPSEC_OPTIONAL_PEER_NAME_VERIFICATION,
};

use super::ipsec2::{self, Ipsec2Info, Ipsec2Query, INFO_IPSEC2_LEN, TEMPLATE_IPSEC2_LEN};
use super::peer_target_name::{SecurityProtocol, TargetName};
use super::sockaddr::{self, PeerAddress, MAX_SOCKADDR_LEN};
use super::{u32_at, SockaddrError};
use crate::error::{Error, Result};
use crate::rules::security as rules;

/// `sizeof(SOCKET_SECURITY_SETTINGS)`.
pub(crate) const SETTINGS_LEN: usize = 8;
/// `sizeof(SOCKET_SECURITY_SETTINGS_IPSEC)`: a buffer at least this long holds the IPsec form.
pub(crate) const SETTINGS_IPSEC_LEN: usize = 88;
const FLAGS_OFFSET: usize = 4;
const IPSEC_FLAGS_OFFSET: usize = 8;
const MM_KEY_OFFSET: usize = 12;
const QM_KEY_OFFSET: usize = 28;
const USER_LEN_OFFSET: usize = 72;
const DOMAIN_LEN_OFFSET: usize = 76;
const PASSWORD_LEN_OFFSET: usize = 80;
/// Offset of `AllStrings` in `SOCKET_SECURITY_SETTINGS_IPSEC`.
pub(crate) const SETTINGS_STRINGS_OFFSET: usize = 84;
/// `sizeof(SOCKET_SECURITY_QUERY_TEMPLATE)`.
pub(crate) const TEMPLATE_LEN: usize = 144;
const TEMPLATE_PEER_OFFSET: usize = 8;
const TEMPLATE_MASK_OFFSET: usize = 136;
/// `sizeof(SOCKET_SECURITY_QUERY_INFO)`: what every successful query writes.
pub(crate) const INFO_LEN: usize = 24;

/// The `SecurityFlags` bits `SOCKET_SECURITY_SETTINGS` defines.
pub const KNOWN_SECURITY_FLAGS: u32 =
    SOCKET_SETTINGS_GUARANTEE_ENCRYPTION | SOCKET_SETTINGS_ALLOW_INSECURE;
/// The `IpsecFlags` bits `mstcpip.h` defines (0x1 to 0x8).
pub const KNOWN_IPSEC_FLAGS: u32 = 0xF;

/// The IPsec-specific part of [`SecuritySettings`]: what `SOCKET_SECURITY_SETTINGS_IPSEC`
/// adds to the generic structure.
///
/// The password is never kept: only whether one was given.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IpsecSettings {
    /// `IpsecFlags`: `SOCKET_SETTINGS_IPSEC_*`.
    pub ipsec_flags: u32,
    /// `AuthipMMPolicyKey`, as its 16 bytes (all zero: none).
    pub mm_policy_key: [u8; 16],
    /// `AuthipQMPolicyKey`, as its 16 bytes (all zero: none).
    pub qm_policy_key: [u8; 16],
    /// The user name in `AllStrings`.
    pub user_name: TargetName,
    /// The domain name in `AllStrings`.
    pub domain_name: TargetName,
    /// Whether `PasswordStringLen` was non-zero.
    pub password_given: bool,
}

impl Default for IpsecSettings {
    /// No IPsec flags, no policy keys, no credentials.
    fn default() -> Self {
        Self {
            ipsec_flags: 0,
            mm_policy_key: [0; 16],
            qm_policy_key: [0; 16],
            user_name: TargetName::from_units(&[]),
            domain_name: TargetName::from_units(&[]),
            password_given: false,
        }
    }
}

/// Security settings, as `WSASetSocketSecurity` takes them: a decoded
/// `SOCKET_SECURITY_SETTINGS` or `SOCKET_SECURITY_SETTINGS_IPSEC`.
///
/// The [`Default`] value is what a NULL *SecuritySettings* means: the default protocol and
/// no flags.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct SecuritySettings {
    /// `SecurityProtocol`.
    pub protocol: SecurityProtocol,
    /// `SecurityFlags`: `SOCKET_SETTINGS_GUARANTEE_ENCRYPTION`, `SOCKET_SETTINGS_ALLOW_INSECURE`.
    pub flags: u32,
    /// The IPsec form's extra fields, when that form was given.
    pub ipsec: Option<IpsecSettings>,
}

impl SecuritySettings {
    /// The generic form with the default protocol and `flags`.
    pub fn with_flags(flags: u32) -> Self {
        Self {
            protocol: SecurityProtocol::Default,
            flags,
            ipsec: None,
        }
    }

    /// The IPsec form (`SecurityProtocol` = IPSEC) with `flags` and `ipsec_flags`.
    pub fn ipsec(flags: u32, ipsec_flags: u32) -> Self {
        let ipsec = IpsecSettings {
            ipsec_flags,
            ..IpsecSettings::default()
        };
        Self {
            protocol: SecurityProtocol::Ipsec,
            flags,
            ipsec: Some(ipsec),
        }
    }

    /// `SOCKET_SETTINGS_GUARANTEE_ENCRYPTION`: traffic must be encrypted.
    pub fn guarantees_encryption(&self) -> bool {
        self.flags & SOCKET_SETTINGS_GUARANTEE_ENCRYPTION != 0
    }

    /// `SOCKET_SETTINGS_ALLOW_INSECURE`: clear text is allowed when negotiation fails.
    pub fn allows_insecure(&self) -> bool {
        self.flags & SOCKET_SETTINGS_ALLOW_INSECURE != 0
    }

    /// `SOCKET_SETTINGS_IPSEC_OPTIONAL_PEER_NAME_VERIFICATION` (IPsec form only).
    pub fn peer_name_verification_optional(&self) -> bool {
        self.ipsec.as_ref().is_some_and(|ipsec| {
            ipsec.ipsec_flags & SOCKET_SETTINGS_IPSEC_OPTIONAL_PEER_NAME_VERIFICATION != 0
        })
    }

    /// The structure as a C caller lays it out: 8 bytes for the generic form; for the IPsec
    /// form 84 bytes of header plus the strings, padded to at least 88. The password, which
    /// is never kept, is written as empty.
    pub fn to_bytes(&self) -> Vec<u8> {
        let Some(ipsec) = &self.ipsec else {
            let mut out = vec![0u8; SETTINGS_LEN];
            out[0..4].copy_from_slice(&self.protocol.to_raw().to_le_bytes());
            out[FLAGS_OFFSET..FLAGS_OFFSET + 4].copy_from_slice(&self.flags.to_le_bytes());
            return out;
        };
        let strings = ipsec.user_name.byte_len() + ipsec.domain_name.byte_len();
        let mut out = vec![0u8; (SETTINGS_STRINGS_OFFSET + strings).max(SETTINGS_IPSEC_LEN)];
        out[0..4].copy_from_slice(&self.protocol.to_raw().to_le_bytes());
        out[FLAGS_OFFSET..FLAGS_OFFSET + 4].copy_from_slice(&self.flags.to_le_bytes());
        out[IPSEC_FLAGS_OFFSET..IPSEC_FLAGS_OFFSET + 4]
            .copy_from_slice(&ipsec.ipsec_flags.to_le_bytes());
        out[MM_KEY_OFFSET..MM_KEY_OFFSET + 16].copy_from_slice(&ipsec.mm_policy_key);
        out[QM_KEY_OFFSET..QM_KEY_OFFSET + 16].copy_from_slice(&ipsec.qm_policy_key);
        let user_len = ipsec.user_name.byte_len() as u32;
        let domain_len = ipsec.domain_name.byte_len() as u32;
        out[USER_LEN_OFFSET..USER_LEN_OFFSET + 4].copy_from_slice(&user_len.to_le_bytes());
        out[DOMAIN_LEN_OFFSET..DOMAIN_LEN_OFFSET + 4].copy_from_slice(&domain_len.to_le_bytes());
        let units = ipsec
            .user_name
            .units()
            .iter()
            .chain(ipsec.domain_name.units());
        for (i, unit) in units.enumerate() {
            let at = SETTINGS_STRINGS_OFFSET + 2 * i;
            out[at..at + 2].copy_from_slice(&unit.to_le_bytes());
        }
        out
    }
}

/// How many bytes of a settings buffer may be read, given the declared length and the
/// bytes read so far (the first [`SETTINGS_STRINGS_OFFSET`] at most): never more than
/// declared, nor more than the header plus the string lengths it states.
pub(crate) fn settings_readable_len(declared_len: u32, header: &[u8]) -> usize {
    let declared = declared_len as usize;
    let lens =
        [USER_LEN_OFFSET, DOMAIN_LEN_OFFSET, PASSWORD_LEN_OFFSET].map(|at| u32_at(header, at));
    match lens {
        [Some(user), Some(domain), Some(password)] if header.len() >= SETTINGS_STRINGS_OFFSET => {
            let cap = u64::from(crate::choices::MAX_TARGET_NAME_BYTES) + 1;
            let strings = [user, domain, password]
                .iter()
                .map(|&len| u64::from(len).min(cap))
                .sum::<u64>();
            declared
                .min(SETTINGS_STRINGS_OFFSET + strings as usize)
                .max(declared.min(SETTINGS_IPSEC_LEN))
        }
        _ => declared.min(SETTINGS_STRINGS_OFFSET),
    }
}

/// UTF-16 units from little-endian bytes.
fn units(bytes: &[u8]) -> TargetName {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    TargetName::from_units(&units)
}

/// 16 bytes at `offset`.
fn guid_at(bytes: &[u8], offset: usize) -> Option<[u8; 16]> {
    bytes.get(offset..offset + 16)?.try_into().ok()
}

/// Decodes a *SecuritySettings* buffer of `declared_len` bytes, of which `bytes` could be
/// read. Checks, in order: the length holds the generic structure (`WSAEMSGSIZE`), the
/// protocol is legal and the flags known (`WSAEINVAL`); then, for the IPsec form, the
/// protocol is IPsec, the IPsec flags are known and the string lengths even (`WSAEINVAL`),
/// and the length holds the strings (`WSAEMSGSIZE`).
pub(crate) fn decode_settings(declared_len: u32, bytes: &[u8]) -> Result<SecuritySettings> {
    let declared = declared_len as usize;
    rules::settings_length_holds_structure(declared)?;
    let raw_protocol = u32_at(bytes, 0).ok_or(Error::MessageSize)? as i32;
    let protocol = crate::rules::protocol_is_legal(raw_protocol)?;
    let flags = u32_at(bytes, FLAGS_OFFSET).ok_or(Error::MessageSize)?;
    rules::settings_flags_are_known(flags, KNOWN_SECURITY_FLAGS)?;
    if declared < SETTINGS_IPSEC_LEN {
        return Ok(SecuritySettings {
            protocol,
            flags,
            ipsec: None,
        });
    }
    rules::ipsec_settings_name_ipsec(protocol)?;
    let ipsec_flags = u32_at(bytes, IPSEC_FLAGS_OFFSET).ok_or(Error::MessageSize)?;
    rules::settings_flags_are_known(ipsec_flags, KNOWN_IPSEC_FLAGS)?;
    let lens = [USER_LEN_OFFSET, DOMAIN_LEN_OFFSET, PASSWORD_LEN_OFFSET]
        .map(|at| u32_at(bytes, at).ok_or(Error::MessageSize));
    let [user_len, domain_len, password_len] = [lens[0]?, lens[1]?, lens[2]?];
    for len in [user_len, domain_len, password_len] {
        rules::settings_string_is_well_formed(len)?;
    }
    let total = u64::from(user_len) + u64::from(domain_len) + u64::from(password_len);
    rules::settings_length_holds_strings(declared, SETTINGS_STRINGS_OFFSET, total)?;
    let user_end = SETTINGS_STRINGS_OFFSET + user_len as usize;
    let domain_end = user_end + domain_len as usize;
    let user_name = units(
        bytes
            .get(SETTINGS_STRINGS_OFFSET..user_end)
            .ok_or(Error::MessageSize)?,
    );
    let domain_name = units(bytes.get(user_end..domain_end).ok_or(Error::MessageSize)?);
    let ipsec = IpsecSettings {
        ipsec_flags,
        mm_policy_key: guid_at(bytes, MM_KEY_OFFSET).ok_or(Error::MessageSize)?,
        qm_policy_key: guid_at(bytes, QM_KEY_OFFSET).ok_or(Error::MessageSize)?,
        user_name,
        domain_name,
        password_given: password_len != 0,
    };
    Ok(SecuritySettings {
        protocol,
        flags,
        ipsec: Some(ipsec),
    })
}

/// A decoded `SOCKET_SECURITY_QUERY_TEMPLATE`: what `WSAQuerySocketSecurity` is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SecurityQueryTemplate {
    /// `SecurityProtocol`.
    pub protocol: SecurityProtocol,
    /// `PeerAddress`: the peer asked about (ignored on stream sockets).
    pub peer: Option<std::net::SocketAddr>,
    /// `PeerTokenAccessMask`: 0 asks for no token handles.
    pub peer_token_access_mask: u32,
}

/// A decoded template: the generic fields, the peer address as given, and the IPsec2
/// form's fields when the template is in that form.
pub(crate) type DecodedTemplate = (SecurityQueryTemplate, PeerAddress, Option<Ipsec2Query>);

/// Decodes a query template of `declared_len` bytes from `bytes` (at least [`TEMPLATE_LEN`]:
/// the caller checked the length): an illegal protocol is `WSAEINVAL`; a template whose
/// protocol is IPSEC2 is in the IPsec2 form and must hold its 152 bytes (`WSAEMSGSIZE`) and
/// defined bits only (`WSAEINVAL`; [`crate::choices::IPSEC2_FORMS`]); a peer address of a
/// family no IP socket can use is `WSAEAFNOSUPPORT`.
pub(crate) fn decode_template(declared_len: u32, bytes: &[u8]) -> Result<DecodedTemplate> {
    let raw_protocol = u32_at(bytes, 0).ok_or(Error::MessageSize)? as i32;
    let protocol = crate::rules::protocol_is_legal(raw_protocol)?;
    let ipsec2 = if protocol == SecurityProtocol::Ipsec2 {
        if (declared_len as usize) < TEMPLATE_IPSEC2_LEN {
            return Err(Error::MessageSize);
        }
        Some(ipsec2::decode_query(bytes)?)
    } else {
        None
    };
    let peer_bytes = bytes
        .get(TEMPLATE_PEER_OFFSET..TEMPLATE_PEER_OFFSET + MAX_SOCKADDR_LEN)
        .ok_or(Error::MessageSize)?;
    let peer =
        sockaddr::decode(peer_bytes).map_err(|SockaddrError::TooShort| Error::MessageSize)?;
    let mask = u32_at(bytes, TEMPLATE_MASK_OFFSET).ok_or(Error::MessageSize)?;
    let ip = match peer {
        PeerAddress::Ip(addr) => Some(addr),
        _ => None,
    };
    Ok((
        SecurityQueryTemplate {
            protocol,
            peer: ip,
            peer_token_access_mask: mask,
        },
        peer,
        ipsec2,
    ))
}

impl SecurityQueryTemplate {
    /// The structure as a C caller lays it out (144 bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.to_bytes_with(None)
    }

    /// The structure as a C caller lays it out: with `ipsec2`, the 152-byte
    /// `SOCKET_SECURITY_QUERY_TEMPLATE_IPSEC2` (whose `SecurityProtocol` should then be
    /// IPSEC2), else the 144-byte generic form.
    pub fn to_bytes_with(&self, ipsec2: Option<&Ipsec2Query>) -> Vec<u8> {
        let len = if ipsec2.is_some() {
            TEMPLATE_IPSEC2_LEN
        } else {
            TEMPLATE_LEN
        };
        let mut out = vec![0u8; len];
        if let Some(query) = ipsec2 {
            ipsec2::encode_query(query, &mut out);
        }
        out[0..4].copy_from_slice(&self.protocol.to_raw().to_le_bytes());
        if let Some(peer) = self.peer {
            let (raw, len) = sockaddr::encode(peer);
            out[TEMPLATE_PEER_OFFSET..TEMPLATE_PEER_OFFSET + len].copy_from_slice(&raw[..len]);
        }
        out[TEMPLATE_MASK_OFFSET..TEMPLATE_MASK_OFFSET + 4]
            .copy_from_slice(&self.peer_token_access_mask.to_le_bytes());
        out
    }
}

/// A `SOCKET_SECURITY_QUERY_INFO`: what `WSAQuerySocketSecurity` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SecurityQueryInfo {
    /// `SecurityProtocol`: the protocol protecting the traffic.
    pub protocol: SecurityProtocol,
    /// `Flags`: `SOCKET_INFO_CONNECTION_SECURED`, `_ENCRYPTED`, `_IMPERSONATED`.
    pub flags: u32,
    /// `PeerApplicationAccessTokenHandle`: the peer application account's token, when the
    /// template asked for tokens and the peer authenticated a user; else 0
    /// ([`crate::choices::TOKEN_KINDS`]). The caller closes it with `CloseHandle`.
    pub peer_application_token: u64,
    /// `PeerMachineAccessTokenHandle`: the peer computer account's token, when the template
    /// asked for tokens and the peer was authenticated; else 0.
    pub peer_machine_token: u64,
    /// The fields `SOCKET_SECURITY_QUERY_INFO_IPSEC2` adds, when the template was in the
    /// IPsec2 form.
    pub ipsec2: Option<Ipsec2Info>,
}

impl SecurityQueryInfo {
    /// `SOCKET_INFO_CONNECTION_SECURED`.
    pub fn is_secured(&self) -> bool {
        self.flags & SOCKET_INFO_CONNECTION_SECURED != 0
    }

    /// `SOCKET_INFO_CONNECTION_ENCRYPTED`.
    pub fn is_encrypted(&self) -> bool {
        self.flags & SOCKET_INFO_CONNECTION_ENCRYPTED != 0
    }

    /// `SOCKET_INFO_CONNECTION_IMPERSONATED`.
    pub fn is_impersonated(&self) -> bool {
        self.flags & SOCKET_INFO_CONNECTION_IMPERSONATED != 0
    }

    /// The bytes of the structure: 24 (`SOCKET_SECURITY_QUERY_INFO`), or 64
    /// (`SOCKET_SECURITY_QUERY_INFO_IPSEC2`) when [`Self::ipsec2`] is set.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = [0u8; INFO_IPSEC2_LEN];
        out[0..4].copy_from_slice(&self.protocol.to_raw().to_le_bytes());
        out[4..8].copy_from_slice(&self.flags.to_le_bytes());
        out[8..16].copy_from_slice(&self.peer_application_token.to_le_bytes());
        out[16..24].copy_from_slice(&self.peer_machine_token.to_le_bytes());
        match &self.ipsec2 {
            Some(ipsec2) => {
                ipsec2.encode(&mut out);
                out.to_vec()
            }
            None => out[..INFO_LEN].to_vec(),
        }
    }

    /// The token handles the answer holds (0 for none): application, machine.
    pub fn token_handles(&self) -> [u64; 2] {
        [self.peer_application_token, self.peer_machine_token]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};
    use windows_sys::Win32::Networking::WinSock::{
        SOCKET_SECURITY_QUERY_INFO, SOCKET_SECURITY_QUERY_TEMPLATE, SOCKET_SECURITY_SETTINGS,
        SOCKET_SECURITY_SETTINGS_IPSEC,
    };

    #[test]
    fn layouts_match_windows_sys() {
        assert_eq!(size_of::<SOCKET_SECURITY_SETTINGS>(), SETTINGS_LEN);
        assert_eq!(
            offset_of!(SOCKET_SECURITY_SETTINGS, SecurityFlags),
            FLAGS_OFFSET
        );
        assert_eq!(
            size_of::<SOCKET_SECURITY_SETTINGS_IPSEC>(),
            SETTINGS_IPSEC_LEN
        );
        assert_eq!(
            offset_of!(SOCKET_SECURITY_SETTINGS_IPSEC, IpsecFlags),
            IPSEC_FLAGS_OFFSET
        );
        assert_eq!(
            offset_of!(SOCKET_SECURITY_SETTINGS_IPSEC, AuthipMMPolicyKey),
            MM_KEY_OFFSET
        );
        assert_eq!(
            offset_of!(SOCKET_SECURITY_SETTINGS_IPSEC, AuthipQMPolicyKey),
            QM_KEY_OFFSET
        );
        assert_eq!(
            offset_of!(SOCKET_SECURITY_SETTINGS_IPSEC, UserNameStringLen),
            USER_LEN_OFFSET
        );
        assert_eq!(
            offset_of!(SOCKET_SECURITY_SETTINGS_IPSEC, DomainNameStringLen),
            DOMAIN_LEN_OFFSET
        );
        assert_eq!(
            offset_of!(SOCKET_SECURITY_SETTINGS_IPSEC, PasswordStringLen),
            PASSWORD_LEN_OFFSET
        );
        assert_eq!(
            offset_of!(SOCKET_SECURITY_SETTINGS_IPSEC, AllStrings),
            SETTINGS_STRINGS_OFFSET
        );
        assert_eq!(size_of::<SOCKET_SECURITY_QUERY_TEMPLATE>(), TEMPLATE_LEN);
        assert_eq!(
            offset_of!(SOCKET_SECURITY_QUERY_TEMPLATE, PeerAddress),
            TEMPLATE_PEER_OFFSET
        );
        assert_eq!(
            offset_of!(SOCKET_SECURITY_QUERY_TEMPLATE, PeerTokenAccessMask),
            TEMPLATE_MASK_OFFSET
        );
        assert_eq!(size_of::<SOCKET_SECURITY_QUERY_INFO>(), INFO_LEN);
        assert_eq!(offset_of!(SOCKET_SECURITY_QUERY_INFO, Flags), 4);
        assert_eq!(
            offset_of!(SOCKET_SECURITY_QUERY_INFO, PeerApplicationAccessTokenHandle),
            8
        );
        assert_eq!(
            offset_of!(SOCKET_SECURITY_QUERY_INFO, PeerMachineAccessTokenHandle),
            16
        );
    }

    fn decode(raw: &[u8]) -> Result<SecuritySettings> {
        let declared = raw.len() as u32;
        decode_settings(declared, &raw[..settings_readable_len(declared, raw)])
    }

    #[test]
    fn both_forms_round_trip() {
        let generic = SecuritySettings::with_flags(SOCKET_SETTINGS_GUARANTEE_ENCRYPTION);
        assert_eq!(decode(&generic.to_bytes()), Ok(generic));
        let mut ipsec = SecuritySettings::ipsec(SOCKET_SETTINGS_ALLOW_INSECURE, 0x2);
        if let Some(extra) = ipsec.ipsec.as_mut() {
            extra.user_name = TargetName::from("alice");
            extra.domain_name = TargetName::from("CONTOSO");
            extra.qm_policy_key = [7; 16];
        }
        assert_eq!(decode(&ipsec.to_bytes()), Ok(ipsec));
    }

    #[test]
    fn bad_values_and_lengths_get_their_codes() {
        let generic = SecuritySettings::with_flags(0).to_bytes();
        assert_eq!(decode(&generic[..7]), Err(Error::MessageSize));
        let mut raw = generic.clone();
        raw[0] = 3;
        assert_eq!(decode(&raw), Err(Error::Invalid));
        let mut raw = generic;
        raw[4] = 4;
        assert_eq!(decode(&raw), Err(Error::Invalid));
        let mut ipsec = SecuritySettings::ipsec(0, 0).to_bytes();
        ipsec[0] = 0; // DEFAULT in the IPsec form
        assert_eq!(decode(&ipsec), Err(Error::Invalid));
        let mut ipsec = SecuritySettings::ipsec(0, 0x10).to_bytes();
        assert_eq!(decode(&ipsec), Err(Error::Invalid));
        ipsec[IPSEC_FLAGS_OFFSET] = 0;
        ipsec[USER_LEN_OFFSET] = 3;
        assert_eq!(decode(&ipsec), Err(Error::Invalid));
        ipsec[USER_LEN_OFFSET] = 6;
        assert_eq!(decode(&ipsec), Err(Error::MessageSize));
    }

    #[test]
    fn readable_len_stays_inside_declared_and_stated_lengths() {
        let raw = SecuritySettings::ipsec(0, 0).to_bytes();
        assert_eq!(settings_readable_len(u32::MAX, &raw), SETTINGS_IPSEC_LEN);
        assert_eq!(settings_readable_len(8, &raw[..8]), 8);
        assert_eq!(settings_readable_len(100, &raw[..84]), SETTINGS_IPSEC_LEN);
    }

    #[test]
    fn template_and_info_encode_as_windows_lays_them_out() {
        let template = SecurityQueryTemplate {
            protocol: SecurityProtocol::Ipsec,
            peer: Some("192.0.2.1:500".parse().unwrap()),
            peer_token_access_mask: 4,
        };
        let (decoded, _, ipsec2) = decode_template(144, &template.to_bytes()).unwrap();
        assert_eq!((decoded, ipsec2), (template, None));
        let query = Ipsec2Query {
            flags: 1,
            field_mask: 2,
        };
        let v2 = SecurityQueryTemplate {
            protocol: SecurityProtocol::Ipsec2,
            ..template
        };
        let raw = v2.to_bytes_with(Some(&query));
        assert_eq!(raw.len(), 152);
        let (decoded, _, ipsec2) = decode_template(152, &raw).unwrap();
        assert_eq!((decoded, ipsec2), (v2, Some(query)));
        assert_eq!(decode_template(151, &raw), Err(Error::MessageSize));
        let info = SecurityQueryInfo {
            protocol: SecurityProtocol::Ipsec,
            flags: 3,
            ..Default::default()
        };
        assert_eq!(&info.to_bytes()[..8], &[1, 0, 0, 0, 3, 0, 0, 0]);
    }
}
