//! Where a socket keeps its peer target names (`WSASetSocketPeerTargetName`): nothing, one
//! name inline, or a map.
//!
//! Most sockets never get a name, and most that do get one: a stream socket keeps at most
//! one ([`crate::choices::STREAM_PEER_ADDRESS_IGNORED`]), and a datagram client usually
//! names its one server. So [`PeerNames`] has three shapes, and it is always in the smallest
//! that holds its names, which keeps the derived equality honest (equal contents, equal
//! shape):
//!
//! | names | shape | cost |
//! | --- | --- | --- |
//! | 0 | an empty pointer | 8 bytes in the socket, nothing else |
//! | 1 | one boxed key and name | a compare to find it, no hashing |
//! | 2 or more | a boxed hash map | a hash to find one, flat as the names grow |
//!
//! `docs/performance.md` (comparisons 1 and 6) has the figures this shape came from.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::SOCK_DGRAM;

use super::FoldHasher;
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

/// The map of a socket with two names or more.
type NameMap = HashMap<PeerKey, StoredName, BuildHasherDefault<FoldHasher>>;

/// The names of a socket that has at least one.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Held {
    /// Exactly one name.
    One(PeerKey, StoredName),
    /// Two names or more.
    Many(NameMap),
}

/// A socket's peer target names, by [`PeerKey`]: an empty pointer until the first name, one
/// name without a map, a map from the second on (see the module documentation). A socket
/// whose names are removed goes back to the smaller shape, so equal contents compare equal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerNames(Option<Box<Held>>);

impl PeerNames {
    /// Stores `name` under `key`, returning the name it replaces.
    pub fn insert(&mut self, key: PeerKey, name: StoredName) -> Option<StoredName> {
        let Some(held) = self.0.as_mut() else {
            self.0 = Some(Box::new(Held::One(key, name)));
            return None;
        };
        match &mut **held {
            Held::One(held_key, held_name) if *held_key == key => {
                Some(std::mem::replace(held_name, name))
            }
            Held::One(..) => {
                let mut map = NameMap::with_capacity_and_hasher(2, Default::default());
                map.insert(key, name);
                if let Held::One(first_key, first_name) =
                    std::mem::replace(&mut **held, Held::Many(NameMap::default()))
                {
                    map.insert(first_key, first_name);
                }
                **held = Held::Many(map);
                None
            }
            Held::Many(map) => map.insert(key, name),
        }
    }

    /// Removes the name under `key`, if any.
    pub fn remove(&mut self, key: &PeerKey) -> Option<StoredName> {
        let held = self.0.as_mut()?;
        match &mut **held {
            Held::One(held_key, _) if held_key == key => match *self.0.take()? {
                Held::One(_, name) => Some(name),
                Held::Many(_) => None,
            },
            Held::One(..) => None,
            Held::Many(map) => {
                let removed = map.remove(key);
                let last = (map.len() == 1).then(|| map.drain().next()).flatten();
                if let Some((last_key, last_name)) = last {
                    **held = Held::One(last_key, last_name);
                }
                removed
            }
        }
    }

    /// The name under `key`, if any.
    pub fn get(&self, key: &PeerKey) -> Option<&StoredName> {
        match &**self.0.as_ref()? {
            Held::One(held_key, name) => (held_key == key).then_some(name),
            Held::Many(map) => map.get(key),
        }
    }

    /// Every key and name, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&PeerKey, &StoredName)> {
        let (one, many) = match self.0.as_deref() {
            None => (None, None),
            Some(Held::One(key, name)) => (Some((key, name)), None),
            Some(Held::Many(map)) => (None, Some(map.iter())),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(name: &str) -> StoredName {
        StoredName {
            protocol: SecurityProtocol::Default,
            name: TargetName::from(name),
        }
    }

    fn peer(last: u8) -> PeerKey {
        PeerKey::Peer(SocketAddr::from(([10, 0, 0, last], 500)))
    }

    fn shape(names: &PeerNames) -> &'static str {
        match names.0.as_deref() {
            None => "empty",
            Some(Held::One(..)) => "one",
            Some(Held::Many(_)) => "many",
        }
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
    fn the_shape_follows_the_count_both_ways() {
        let mut names = PeerNames::default();
        names.insert(peer(1), stored("host/one"));
        assert_eq!(shape(&names), "one");
        assert_eq!(names.get(&peer(2)), None);
        assert_eq!(names.remove(&peer(2)), None);
        names.insert(peer(2), stored("host/two"));
        assert_eq!(shape(&names), "many");
        assert_eq!(names.get(&peer(1)), Some(&stored("host/one")));
        assert_eq!(names.get(&peer(2)), Some(&stored("host/two")));
        assert_eq!(names.iter().count(), 2);
        assert_eq!(names.remove(&peer(1)), Some(stored("host/one")));
        assert_eq!(shape(&names), "one");
        assert_eq!(
            names.iter().collect::<Vec<_>>(),
            [(&peer(2), &stored("host/two"))]
        );
        assert_eq!(names.remove(&peer(2)), Some(stored("host/two")));
        assert_eq!(shape(&names), "empty");
    }

    #[test]
    fn equal_names_compare_equal_whatever_order_they_came_in() {
        let mut ab = PeerNames::default();
        ab.insert(peer(1), stored("host/a"));
        ab.insert(peer(2), stored("host/b"));
        ab.insert(peer(3), stored("host/c"));
        ab.remove(&peer(3));
        let mut ba = PeerNames::default();
        ba.insert(peer(2), stored("host/b"));
        ba.insert(peer(1), stored("host/a"));
        assert_eq!(ab, ba);
        ab.remove(&peer(1));
        ba.remove(&peer(1));
        assert_eq!(ab, ba);
        assert_eq!(shape(&ab), "one");
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
