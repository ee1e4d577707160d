//! The exact C layouts, read from and written to bytes.
//!
//! This layer is where caller-supplied memory is interpreted. In the manner of smoltcp's
//! `wire` module it takes *bytes* (never pointers: the `sys` layer turns a pointer and a
//! length into a slice it is allowed to read) and turns them into validated, owned values
//! ("reprs"): a [`PeerAddress`] from a `SOCKADDR`, a [`PeerTargetName`] from a
//! `SOCKET_PEER_TARGET_NAME`, [`SecuritySettings`] from a `SOCKET_SECURITY_SETTINGS` or
//! `SOCKET_SECURITY_SETTINGS_IPSEC`, a [`SecurityQueryTemplate`] from a
//! `SOCKET_SECURITY_QUERY_TEMPLATE` or its IPsec2 form (and a [`SecurityQueryInfo`] back to
//! bytes, in either form). Every length is checked before a byte is read, every read goes
//! through `slice::get`, and a failure is the Winsock code the documentation gives for it.
//!
//! Offsets and sizes are those of windows-sys 0.61's `#[repr(C)]` structs on 64-bit Windows;
//! the unit tests check them against `core::mem::offset_of!` on those very types.
#![forbid(unsafe_code)]

pub(crate) mod address_text;
pub(crate) mod control;
mod ipsec2;
mod peer_target_name;
mod security;
mod sockaddr;

pub use ipsec2::{Ipsec2Info, Ipsec2Query};
pub use peer_target_name::{PeerTargetName, SecurityProtocol, TargetName};
pub use security::{
    IpsecSettings, SecurityQueryInfo, SecurityQueryTemplate, SecuritySettings, KNOWN_IPSEC_FLAGS,
    KNOWN_SECURITY_FLAGS,
};
pub use sockaddr::{PeerAddress, SockaddrError};

pub(crate) use peer_target_name::{
    readable_len as peer_target_name_readable_len, PeerTargetNameBytes,
};
pub(crate) use security::{
    decode_settings, decode_template, settings_readable_len, INFO_LEN, SETTINGS_LEN,
    SETTINGS_STRINGS_OFFSET, TEMPLATE_LEN,
};

pub(crate) use ipsec2::{
    validate_query as validate_ipsec2_query, INFO_IPSEC2_LEN, TEMPLATE_IPSEC2_LEN,
};
pub(crate) use sockaddr::{decode as decode_sockaddr, encode as encode_sockaddr, MAX_SOCKADDR_LEN};

/// Reads a little-endian `u16` at `offset`, or `None` if the bytes end first.
fn u16_at(bytes: &[u8], offset: usize) -> Option<u16> {
    let raw = bytes.get(offset..offset.checked_add(2)?)?;
    Some(u16::from_le_bytes([raw[0], raw[1]]))
}

/// Reads a little-endian `u32` at `offset`, or `None` if the bytes end first.
fn u32_at(bytes: &[u8], offset: usize) -> Option<u32> {
    let raw = bytes.get(offset..offset.checked_add(4)?)?;
    Some(u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]))
}
