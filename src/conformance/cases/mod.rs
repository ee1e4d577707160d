//! The case table: one small scripted scenario per documented rule (and per choice the
//! emulator makes where the pages are silent), each with its source and expected result.
//!
//! | file | cases |
//! | --- | --- |
//! | `set.rs` | `WSASetSocketPeerTargetName`, rule by rule |
//! | `delete.rs` | `WSADeleteSocketPeerTargetName`, rule by rule |
//! | `lifecycle.rs` | startup, handles, the order of the checks, `WSAIoctl` |
#![forbid(unsafe_code)]

mod delete;
mod lifecycle;
mod set;

use super::session::addr;
use super::Case;
use crate::wire::{encode_sockaddr, PeerAddress, PeerTargetName, SecurityProtocol, TargetName};

/// Every case, in report order.
pub fn cases() -> Vec<&'static Case> {
    set::CASES
        .iter()
        .chain(delete::CASES)
        .chain(lifecycle::CASES)
        .collect()
}

/// A `SOCKET_PEER_TARGET_NAME` for an IP peer with the default protocol, laid out as the
/// structure's page gives it (length in bytes).
fn name(peer: &str, name: &str) -> Vec<u8> {
    PeerTargetName::new(addr(peer), name).to_bytes()
}

/// A `SOCKET_PEER_TARGET_NAME` with `PeerAddress` left zeroed, as Microsoft's TCP client
/// sample sends it.
fn zeroed_peer_name(name: &str) -> Vec<u8> {
    PeerTargetName {
        protocol: SecurityProtocol::Default,
        peer: PeerAddress::Unspecified,
        name: TargetName::from(name),
    }
    .to_bytes()
}

/// `bytes` with `SecurityProtocol` (offset 0) replaced by `raw`.
fn with_protocol(mut bytes: Vec<u8>, raw: i32) -> Vec<u8> {
    bytes[0..4].copy_from_slice(&raw.to_le_bytes());
    bytes
}

/// `bytes` with `PeerTargetNameStringLen` (offset 136) replaced by `len`.
fn with_string_len(mut bytes: Vec<u8>, len: u32) -> Vec<u8> {
    bytes[136..140].copy_from_slice(&len.to_le_bytes());
    bytes
}

/// `peer` as a `SOCKADDR_IN`/`SOCKADDR_IN6`, exactly as long as its form.
fn sockaddr(peer: &str) -> Vec<u8> {
    let (raw, len) = encode_sockaddr(addr(peer));
    raw[..len].to_vec()
}
