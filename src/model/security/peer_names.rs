//! Where a socket keeps its peer target names (`WSASetSocketPeerTargetName`), and the key
//! they are kept under.
//!
//! Most sockets never get a name, and most that do get one: a stream socket keeps at most
//! one ([`crate::choices::STREAM_PEER_ADDRESS_IGNORED`]), and a datagram client usually
//! names its one server. So a socket holds an empty pointer until its first name, and then
//! a boxed [`SmallMap`], which finds a single name by one compare and many names by one
//! hash (`docs/performance.md`, comparisons 1 and 6).
#![forbid(unsafe_code)]

use std::hash::{Hash, Hasher};
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::SOCK_DGRAM;

use crate::model::small_map::SmallMap;
use crate::wire::{SecurityProtocol, TargetName};

/// What a peer target name is kept under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PeerKey {
    /// A stream socket's one name, for the peer it will connect to
    /// ([`crate::choices::STREAM_PEER_ADDRESS_IGNORED`]).
    Connection,
    /// A datagram socket's name for one peer ([`crate::choices::DATAGRAM_NAMES_PER_PEER`]).
    Peer(SocketAddr),
}

impl PeerKey {
    /// The key a name for `peer` is kept under on a socket of `socket_type`.
    pub fn for_peer(socket_type: i32, peer: Option<SocketAddr>) -> PeerKey {
        match (socket_type, peer) {
            (SOCK_DGRAM, Some(SocketAddr::V6(mut v6))) => {
                v6.set_flowinfo(0);
                PeerKey::Peer(SocketAddr::V6(v6))
            }
            (SOCK_DGRAM, Some(addr)) => PeerKey::Peer(addr),
            _ => PeerKey::Connection,
        }
    }
}

/// Hashes an IPv4 peer as one word (address and port), not the five writes the derived
/// `Hash` of `SocketAddr` makes; the map of a socket with many names hashes on every call.
impl Hash for PeerKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            PeerKey::Connection => state.write_u8(0),
            PeerKey::Peer(SocketAddr::V4(v4)) => {
                state.write_u64(u64::from(v4.ip().to_bits()) << 16 | u64::from(v4.port()));
            }
            PeerKey::Peer(SocketAddr::V6(v6)) => {
                state.write_u128(v6.ip().to_bits());
                state.write_u32(v6.scope_id());
                state.write_u16(v6.port());
            }
        }
    }
}

/// A stored peer target name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StoredName {
    /// The `SecurityProtocol` it was set with.
    pub protocol: SecurityProtocol,
    /// The name, as the UTF-16 units given.
    pub name: TargetName,
}

/// A socket's peer target names, by [`PeerKey`]: an empty pointer until the first name,
/// then a boxed [`SmallMap`]. A socket whose names are all removed goes back to the empty
/// pointer, so equal contents compare equal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerNames(Option<Box<SmallMap<PeerKey, StoredName>>>);

impl PeerNames {
    /// Stores `name` under `key`, returning the name it replaces.
    pub fn insert(&mut self, key: PeerKey, name: StoredName) -> Option<StoredName> {
        match self.0.as_mut() {
            Some(held) => held.insert(key, name),
            None => {
                self.0 = Some(Box::new(SmallMap::One(key, name)));
                None
            }
        }
    }

    /// Removes the name under `key`, if any.
    pub fn remove(&mut self, key: &PeerKey) -> Option<StoredName> {
        let held = self.0.as_mut()?;
        let removed = held.remove(key);
        if held.is_empty() {
            self.0 = None;
        }
        removed
    }

    /// The name under `key`, if any.
    pub fn get(&self, key: &PeerKey) -> Option<&StoredName> {
        self.0.as_ref()?.get(key)
    }

    /// Every key and name, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&PeerKey, &StoredName)> {
        self.0.iter().flat_map(|held| held.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FoldHasher;

    fn stored(name: &str) -> StoredName {
        StoredName {
            protocol: SecurityProtocol::Default,
            name: TargetName::from(name),
        }
    }

    fn peer(last: u8) -> PeerKey {
        PeerKey::Peer(SocketAddr::from(([10, 0, 0, last], 500)))
    }

    #[test]
    fn names_emptied_by_removal_equal_names_never_set() {
        let mut names = PeerNames::default();
        assert_eq!(names.insert(PeerKey::Connection, stored("host/a")), None);
        assert_eq!(
            names.insert(PeerKey::Connection, stored("host/b")),
            Some(stored("host/a"))
        );
        assert_eq!(names.get(&PeerKey::Connection), Some(&stored("host/b")));
        assert_ne!(names, PeerNames::default());
        assert_eq!(names.remove(&PeerKey::Connection), Some(stored("host/b")));
        assert_eq!(names, PeerNames::default());
        assert_eq!(names.iter().count(), 0);
        assert_eq!(names.remove(&PeerKey::Connection), None);
    }

    #[test]
    fn a_second_name_keeps_the_first() {
        let mut names = PeerNames::default();
        names.insert(peer(1), stored("host/one"));
        names.insert(peer(2), stored("host/two"));
        assert_eq!(names.get(&peer(1)), Some(&stored("host/one")));
        assert_eq!(names.get(&peer(2)), Some(&stored("host/two")));
        assert_eq!(names.remove(&peer(1)), Some(stored("host/one")));
        assert_eq!(names.remove(&peer(2)), Some(stored("host/two")));
        assert_eq!(names, PeerNames::default());
    }

    #[test]
    fn ipv4_keys_hash_by_address_and_port() {
        let hash = |key: PeerKey| {
            let mut hasher = FoldHasher::default();
            key.hash(&mut hasher);
            hasher.finish()
        };
        let a = PeerKey::Peer(SocketAddr::from(([10, 0, 0, 1], 500)));
        let b = PeerKey::Peer(SocketAddr::from(([10, 0, 0, 1], 501)));
        let c = PeerKey::Peer(SocketAddr::from(([10, 0, 0, 2], 500)));
        assert_eq!(hash(a), hash(a));
        assert_ne!(hash(a), hash(b));
        assert_ne!(hash(a), hash(c));
        assert_ne!(hash(PeerKey::Connection), hash(a));
    }
}
