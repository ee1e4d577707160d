//! `WSASetSocketPeerTargetName` and `WSADeleteSocketPeerTargetName` on the table.
//!
//! Both faces (`sys`, with its raw buffers, and the safe API, with typed values) and
//! `WSAIoctl` with `SIO_SET_PEER_TARGET_NAME` / `SIO_DELETE_PEER_TARGET_NAME` come here, so
//! the rules and their order ([`crate::choices::CHECK_ORDER`]) exist once.
#![forbid(unsafe_code)]

use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::error::{Error, Result};
use crate::model::lifecycle::{AddrArg, AddrFailure};
use crate::model::peer_names::{PeerKey, StoredName};
use crate::model::SocketTable;
use crate::rules;
use crate::wire::{PeerAddress, PeerTargetName, PeerTargetNameBytes};

/// The *PeerTargetName* argument as the caller gave it.
#[derive(Debug, Clone)]
pub(crate) enum NameArg<'a> {
    /// A NULL pointer.
    Null,
    /// The caller's `SOCKET_PEER_TARGET_NAME` bytes, not yet decoded.
    Bytes(PeerTargetNameBytes<'a>),
    /// A decoded name from the safe API.
    Value(PeerTargetName),
}

/// The peer address as a key: `None` for a zeroed (`AF_UNSPEC`) address.
fn peer_ip(peer: &PeerAddress) -> Option<SocketAddr> {
    match peer {
        PeerAddress::Ip(addr) => Some(*addr),
        _ => None,
    }
}

impl SocketTable {
    /// `WSASetSocketPeerTargetName`: stores the name for the peer, checking each rule of
    /// [`crate::rules`] in the order of [`crate::choices::CHECK_ORDER`]. A stream socket keeps one
    /// name; a datagram socket one per peer, a later call for the same peer replacing the
    /// earlier ([`crate::choices::DATAGRAM_NAMES_PER_PEER`]).
    pub(in crate::model) fn set_peer_target_name_unobserved(
        &self,
        handle: SOCKET,
        arg: NameArg<'_>,
    ) -> Result<()> {
        let is_null = matches!(arg, NameArg::Null);
        // Decoded before the lock, into the place it is read from (no re-wrapping: moving
        // the decoded structure costs more than the checks; `docs/performance.md`, 1).
        let decoded = match arg {
            NameArg::Null => Err(Error::Fault),
            NameArg::Bytes(bytes) => bytes.decode(),
            NameArg::Value(value) => {
                let byte_len = u32::try_from(value.name.byte_len()).unwrap_or(u32::MAX);
                rules::name_is_well_formed(byte_len).map(|()| value)
            }
        };
        self.with_socket(handle, |entry| {
            rules::pointer_is_present(is_null)?;
            rules::socket_is_ip_stream_or_datagram(entry.kind.family, entry.kind.socket_type)?;
            let name = decoded.as_ref().map_err(|error| *error)?;
            rules::peer_family_is_usable(entry.kind.family, &name.peer)?;
            rules::connectionless_peer_is_not_zero(entry.kind.socket_type, &name.peer)?;
            rules::socket_is_not_connected(entry.is_connected())?;
            let key = PeerKey::for_peer(entry.kind.socket_type, peer_ip(&name.peer));
            // Always `Ok`, as checked above; only the name moves.
            if let Ok(name) = decoded {
                let protocol = name.protocol;
                entry.names.insert(
                    key,
                    StoredName {
                        protocol,
                        name: name.name,
                    },
                );
            }
            Ok(())
        })
    }

    /// `WSADeleteSocketPeerTargetName`: forgets the name for the peer. Same checks as set,
    /// but a short address is `WSAEMSGSIZE` and a connected socket is allowed
    /// ([`crate::choices::DELETE_ON_STREAM_AND_CONNECTED`]); a peer with no name is no error
    /// ([`crate::choices::DELETE_ABSENT_NAME_SUCCEEDS`]).
    pub(in crate::model) fn delete_peer_target_name_unobserved(
        &self,
        handle: SOCKET,
        arg: AddrArg<'_>,
    ) -> Result<()> {
        let decoded = arg.decode();
        self.with_socket(handle, |entry| {
            rules::pointer_is_present(decoded == Err(AddrFailure::Null))?;
            rules::socket_is_ip_stream_or_datagram(entry.kind.family, entry.kind.socket_type)?;
            rules::peer_address_fits(decoded != Err(AddrFailure::TooShort))?;
            let peer = decoded.map_err(|_| Error::Fault)?;
            rules::peer_family_is_usable(entry.kind.family, &peer)?;
            rules::connectionless_peer_is_not_zero(entry.kind.socket_type, &peer)?;
            entry
                .names
                .remove(&PeerKey::for_peer(entry.kind.socket_type, peer_ip(&peer)));
            Ok(())
        })
    }

    /// The name a socket holds for `peer` (any peer, on a stream socket).
    pub(crate) fn peer_target_name(
        &self,
        handle: SOCKET,
        peer: Option<SocketAddr>,
    ) -> Result<Option<StoredName>> {
        self.with_socket(handle, |entry| {
            Ok(entry
                .names
                .get(&PeerKey::for_peer(entry.kind.socket_type, peer))
                .cloned())
        })
    }
}
