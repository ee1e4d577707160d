//! The Windows 7 forms of the query structures: `SOCKET_SECURITY_QUERY_TEMPLATE_IPSEC2` and
//! `SOCKET_SECURITY_QUERY_INFO_IPSEC2`, on bytes.
//!
//! Layouts (windows-sys 0.61, x64; the unit tests check them with `offset_of!`):
//!
//! | structure | offset | field |
//! | --- | --- | --- |
//! | `SOCKET_SECURITY_QUERY_TEMPLATE_IPSEC2` (152) | 0 / 8 / 136 | as `SOCKET_SECURITY_QUERY_TEMPLATE` |
//! | | 140 / 144 | `Flags` / `FieldMask` |
//! | `SOCKET_SECURITY_QUERY_INFO_IPSEC2` (64) | 0 / 4 / 8 / 16 | as `SOCKET_SECURITY_QUERY_INFO` |
//! | | 24 / 32 | `MmSaId` / `QmSaId` (`u64`) |
//! | | 40 / 44 | `NegotiationWinerr` (`u32`) / `SaLookupContext` (GUID) |
//!
//! A template is read in this form when its `SecurityProtocol` is
//! `SOCKET_SECURITY_PROTOCOL_IPSEC2` ([`crate::choices::IPSEC2_FORMS`]).
use windows_sys::Win32::Networking::WinSock::{
    SOCKET_QUERY_IPSEC2_ABORT_CONNECTION_ON_FIELD_CHANGE, SOCKET_QUERY_IPSEC2_FIELD_MASK_MM_SA_ID,
    SOCKET_QUERY_IPSEC2_FIELD_MASK_QM_SA_ID,
};

use super::u32_at;
use crate::error::{Error, Result};

/// `sizeof(SOCKET_SECURITY_QUERY_TEMPLATE_IPSEC2)`.
pub(crate) const TEMPLATE_IPSEC2_LEN: usize = 152;
const TEMPLATE_FLAGS_OFFSET: usize = 140;
const TEMPLATE_FIELD_MASK_OFFSET: usize = 144;
/// `sizeof(SOCKET_SECURITY_QUERY_INFO_IPSEC2)`: what a query in this form writes.
pub(crate) const INFO_IPSEC2_LEN: usize = 64;
const MM_SA_ID_OFFSET: usize = 24;
const QM_SA_ID_OFFSET: usize = 32;
const WINERR_OFFSET: usize = 40;
const LOOKUP_CONTEXT_OFFSET: usize = 44;

/// The `Flags` bits `mstcpip.h` defines for the IPsec2 template.
pub(crate) const KNOWN_IPSEC2_QUERY_FLAGS: u32 =
    SOCKET_QUERY_IPSEC2_ABORT_CONNECTION_ON_FIELD_CHANGE;
/// The `FieldMask` bits `mstcpip.h` defines.
pub(crate) const KNOWN_IPSEC2_FIELD_MASK: u32 =
    SOCKET_QUERY_IPSEC2_FIELD_MASK_MM_SA_ID | SOCKET_QUERY_IPSEC2_FIELD_MASK_QM_SA_ID;

/// What `SOCKET_SECURITY_QUERY_TEMPLATE_IPSEC2` adds to the generic template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Ipsec2Query {
    /// `Flags`: `SOCKET_QUERY_IPSEC2_ABORT_CONNECTION_ON_FIELD_CHANGE`.
    pub flags: u32,
    /// `FieldMask`: `SOCKET_QUERY_IPSEC2_FIELD_MASK_MM_SA_ID`, `_QM_SA_ID`.
    pub field_mask: u32,
}

/// Reads the IPsec2 fields from a template of at least [`TEMPLATE_IPSEC2_LEN`] bytes: bits
/// `mstcpip.h` does not define are `WSAEINVAL` ([`crate::choices::IPSEC2_FLAGS_AND_FIELD_MASK`]).
pub(crate) fn decode_query(bytes: &[u8]) -> Result<Ipsec2Query> {
    let flags = u32_at(bytes, TEMPLATE_FLAGS_OFFSET).ok_or(Error::MessageSize)?;
    let field_mask = u32_at(bytes, TEMPLATE_FIELD_MASK_OFFSET).ok_or(Error::MessageSize)?;
    let query = Ipsec2Query { flags, field_mask };
    validate_query(&query)?;
    Ok(query)
}

/// The IPsec2 template's fields hold only the bits `mstcpip.h` defines (`WSAEINVAL`
/// otherwise: [`crate::choices::IPSEC2_FLAGS_AND_FIELD_MASK`]), for the bytes and for the
/// safe API.
pub(crate) fn validate_query(query: &Ipsec2Query) -> Result<()> {
    let unknown =
        query.flags & !KNOWN_IPSEC2_QUERY_FLAGS | query.field_mask & !KNOWN_IPSEC2_FIELD_MASK;
    if unknown != 0 {
        return Err(Error::Invalid);
    }
    Ok(())
}

/// Writes the IPsec2 fields into a template buffer of [`TEMPLATE_IPSEC2_LEN`] bytes.
pub(crate) fn encode_query(query: &Ipsec2Query, out: &mut [u8]) {
    if let Some(at) = out.get_mut(TEMPLATE_FLAGS_OFFSET..TEMPLATE_FLAGS_OFFSET + 4) {
        at.copy_from_slice(&query.flags.to_le_bytes());
    }
    if let Some(at) = out.get_mut(TEMPLATE_FIELD_MASK_OFFSET..TEMPLATE_FIELD_MASK_OFFSET + 4) {
        at.copy_from_slice(&query.field_mask.to_le_bytes());
    }
}

/// What `SOCKET_SECURITY_QUERY_INFO_IPSEC2` adds to the generic answer: the connection's
/// security associations and why it is (or is not) secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Ipsec2Info {
    /// `MmSaId`: the main-mode SA, one per pair of hosts (0 when not secured).
    pub mm_sa_id: u64,
    /// `QmSaId`: the quick-mode SA, one per connection (0 when not secured).
    pub qm_sa_id: u64,
    /// `NegotiationWinerr`: 0 when secured, otherwise the `ERROR_IPSEC_IKE_*` code that
    /// explains why the traffic is in the clear ([`crate::choices::NEGOTIATION_WINERR`]).
    pub negotiation_winerr: u32,
    /// `SaLookupContext`: the connection's GUID, as its 16 bytes in memory order (all zero
    /// when not secured).
    pub sa_lookup_context: [u8; 16],
}

impl Ipsec2Info {
    /// Writes the IPsec2 fields into an info buffer of [`INFO_IPSEC2_LEN`] bytes.
    pub(crate) fn encode(&self, out: &mut [u8; INFO_IPSEC2_LEN]) {
        out[MM_SA_ID_OFFSET..MM_SA_ID_OFFSET + 8].copy_from_slice(&self.mm_sa_id.to_le_bytes());
        out[QM_SA_ID_OFFSET..QM_SA_ID_OFFSET + 8].copy_from_slice(&self.qm_sa_id.to_le_bytes());
        out[WINERR_OFFSET..WINERR_OFFSET + 4]
            .copy_from_slice(&self.negotiation_winerr.to_le_bytes());
        out[LOOKUP_CONTEXT_OFFSET..LOOKUP_CONTEXT_OFFSET + 16]
            .copy_from_slice(&self.sa_lookup_context);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};
    use windows_sys::Win32::Networking::WinSock::{
        SOCKET_SECURITY_QUERY_INFO_IPSEC2, SOCKET_SECURITY_QUERY_TEMPLATE_IPSEC2,
    };

    #[test]
    fn layouts_match_windows_sys() {
        type T = SOCKET_SECURITY_QUERY_TEMPLATE_IPSEC2;
        type I = SOCKET_SECURITY_QUERY_INFO_IPSEC2;
        assert_eq!(size_of::<T>(), TEMPLATE_IPSEC2_LEN);
        assert_eq!(offset_of!(T, PeerAddress), 8);
        assert_eq!(offset_of!(T, PeerTokenAccessMask), 136);
        assert_eq!(offset_of!(T, Flags), TEMPLATE_FLAGS_OFFSET);
        assert_eq!(offset_of!(T, FieldMask), TEMPLATE_FIELD_MASK_OFFSET);
        assert_eq!(size_of::<I>(), INFO_IPSEC2_LEN);
        assert_eq!(offset_of!(I, PeerApplicationAccessTokenHandle), 8);
        assert_eq!(offset_of!(I, PeerMachineAccessTokenHandle), 16);
        assert_eq!(offset_of!(I, MmSaId), MM_SA_ID_OFFSET);
        assert_eq!(offset_of!(I, QmSaId), QM_SA_ID_OFFSET);
        assert_eq!(offset_of!(I, NegotiationWinerr), WINERR_OFFSET);
        assert_eq!(offset_of!(I, SaLookupContext), LOOKUP_CONTEXT_OFFSET);
    }

    #[test]
    fn query_fields_round_trip_and_unknown_bits_are_refused() {
        let query = Ipsec2Query {
            flags: 1,
            field_mask: 3,
        };
        let mut raw = [0u8; TEMPLATE_IPSEC2_LEN];
        encode_query(&query, &mut raw);
        assert_eq!(decode_query(&raw), Ok(query));
        raw[TEMPLATE_FLAGS_OFFSET] = 2;
        assert_eq!(decode_query(&raw), Err(Error::Invalid));
        raw[TEMPLATE_FLAGS_OFFSET] = 0;
        raw[TEMPLATE_FIELD_MASK_OFFSET] = 4;
        assert_eq!(decode_query(&raw), Err(Error::Invalid));
        assert_eq!(decode_query(&raw[..147]), Err(Error::MessageSize));
    }

    #[test]
    fn info_fields_land_where_windows_sys_puts_them() {
        let info = Ipsec2Info {
            mm_sa_id: 0x0102,
            qm_sa_id: 0x0304,
            negotiation_winerr: 13801,
            sa_lookup_context: [9; 16],
        };
        let mut out = [0u8; INFO_IPSEC2_LEN];
        info.encode(&mut out);
        assert_eq!(&out[24..26], &[2, 1]);
        assert_eq!(&out[32..34], &[4, 3]);
        assert_eq!(&out[40..44], &13801u32.to_le_bytes());
        assert_eq!(&out[44..60], &[9; 16]);
    }
}
