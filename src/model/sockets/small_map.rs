//! A map for what a socket keeps per peer (its peer target names, its datagram peers'
//! security links), shaped for the common case: most sockets hold nothing, or one entry.
//!
//! | entries | shape | finding one |
//! | --- | --- | --- |
//! | 0 | `Empty` | nothing to do |
//! | 1 | `One`: the key and value inline | one compare, no hash |
//! | 2 or more | `Many`: a hash map | one hash, flat as the entries grow |
//!
//! A map is always in the smallest shape that holds its entries, in both directions, so the
//! derived equality compares contents: two maps with the same entries have the same shape.
//! `docs/performance.md` (comparisons 1 and 2) has the figures this shape came from.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash};

use crate::model::FoldHasher;

/// A map of at most a few entries usually, any number at most: see the module
/// documentation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SmallMap<K: Eq + Hash, V> {
    /// No entries.
    #[default]
    Empty,
    /// Exactly one entry.
    One(K, V),
    /// Two entries or more.
    Many(HashMap<K, V, BuildHasherDefault<FoldHasher>>),
}

impl<K: Eq + Hash, V> SmallMap<K, V> {
    /// Whether the map holds no entry.
    pub fn is_empty(&self) -> bool {
        matches!(self, SmallMap::Empty)
    }

    /// Stores `value` under `key`, returning the value it replaces.
    #[inline]
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self {
            SmallMap::One(held, old) if *held == key => Some(std::mem::replace(old, value)),
            SmallMap::Many(map) => map.insert(key, value),
            SmallMap::Empty => {
                *self = SmallMap::One(key, value);
                None
            }
            SmallMap::One(..) => {
                let mut map = HashMap::with_capacity_and_hasher(2, Default::default());
                if let SmallMap::One(first_key, first_value) = std::mem::take(self) {
                    map.insert(first_key, first_value);
                }
                map.insert(key, value);
                *self = SmallMap::Many(map);
                None
            }
        }
    }

    /// Stores `value` under `key` unless the key already has one, which is kept.
    pub fn insert_if_absent(&mut self, key: K, value: V) {
        match self {
            SmallMap::Many(map) => {
                map.entry(key).or_insert(value);
            }
            SmallMap::One(held, _) if *held == key => {}
            SmallMap::Empty | SmallMap::One(..) => {
                self.insert(key, value);
            }
        }
    }

    /// Removes the entry under `key`, if any.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        match self {
            SmallMap::One(held, _) if held == key => match std::mem::take(self) {
                SmallMap::One(_, value) => Some(value),
                _ => None,
            },
            SmallMap::Many(map) => {
                let removed = map.remove(key);
                self.shrink();
                removed
            }
            SmallMap::Empty | SmallMap::One(..) => None,
        }
    }

    /// Keeps only the entries `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        match self {
            SmallMap::One(key, value) if !keep(key, value) => *self = SmallMap::Empty,
            SmallMap::Many(map) => {
                map.retain(|key, value| keep(key, value));
                self.shrink();
            }
            SmallMap::Empty | SmallMap::One(..) => {}
        }
    }

    /// Puts a map that removals left with one entry or none back in the smaller shape.
    fn shrink(&mut self) {
        let smaller = match self {
            SmallMap::Many(map) if map.len() <= 1 => match map.drain().next() {
                Some((key, value)) => SmallMap::One(key, value),
                None => SmallMap::Empty,
            },
            _ => return,
        };
        *self = smaller;
    }

    /// The value under `key`, if any.
    #[inline]
    pub fn get(&self, key: &K) -> Option<&V> {
        match self {
            SmallMap::One(held, value) => (held == key).then_some(value),
            SmallMap::Many(map) => map.get(key),
            SmallMap::Empty => None,
        }
    }

    /// The value under `key`, if any, to change.
    #[inline]
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        match self {
            SmallMap::One(held, value) => (held == key).then_some(value),
            SmallMap::Many(map) => map.get_mut(key),
            SmallMap::Empty => None,
        }
    }

    /// Every entry, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        let (one, many) = match self {
            SmallMap::Empty => (None, None),
            SmallMap::One(key, value) => (Some((key, value)), None),
            SmallMap::Many(map) => (None, Some(map.iter())),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(map: &SmallMap<u32, &'static str>) -> &'static str {
        match map {
            SmallMap::Empty => "empty",
            SmallMap::One(..) => "one",
            SmallMap::Many(_) => "many",
        }
    }

    #[test]
    fn the_shape_follows_the_count_both_ways() {
        let mut map = SmallMap::default();
        assert_eq!(map.insert(1, "one"), None);
        assert_eq!(shape(&map), "one");
        assert_eq!(map.insert(1, "uno"), Some("one"));
        *map.get_mut(&1).expect("held") = "eins";
        assert_eq!(map.insert(1, "uno"), Some("eins"));
        assert_eq!(map.get_mut(&2), None);
        assert_eq!(map.get(&2), None);
        assert_eq!(map.remove(&2), None);
        assert_eq!(map.insert(2, "two"), None);
        assert_eq!(shape(&map), "many");
        assert_eq!((map.get(&1), map.get(&2)), (Some(&"uno"), Some(&"two")));
        assert_eq!(map.iter().count(), 2);
        assert_eq!(map.remove(&1), Some("uno"));
        assert_eq!(shape(&map), "one");
        assert_eq!(map.iter().collect::<Vec<_>>(), [(&2, &"two")]);
        assert_eq!(map.remove(&2), Some("two"));
        assert_eq!(shape(&map), "empty");
        assert!(map.is_empty());
        assert_eq!(map.iter().count(), 0);
        assert_eq!(map.remove(&2), None);
    }

    #[test]
    fn equal_entries_compare_equal_whatever_order_they_came_in() {
        let mut abc = SmallMap::default();
        abc.insert(1, "a");
        abc.insert(2, "b");
        abc.insert(3, "c");
        abc.remove(&3);
        let mut ba = SmallMap::default();
        ba.insert(2, "b");
        ba.insert(1, "a");
        assert_eq!(abc, ba);
        abc.remove(&1);
        ba.remove(&1);
        assert_eq!(abc, ba);
        assert_eq!(shape(&abc), "one");
    }

    #[test]
    fn retain_keeps_the_accepted_entries_in_the_smallest_shape() {
        let mut map = SmallMap::default();
        for key in 1..=4 {
            map.insert(key, "x");
        }
        map.retain(|&key, _| key % 2 == 0);
        assert_eq!((shape(&map), map.iter().count()), ("many", 2));
        assert_eq!((map.get(&1), map.get(&2)), (None, Some(&"x")));
        map.retain(|&key, _| key == 4);
        assert_eq!(shape(&map), "one");
        assert_eq!(map.iter().collect::<Vec<_>>(), [(&4, &"x")]);
        map.retain(|_, _| true);
        assert_eq!(shape(&map), "one");
        map.retain(|_, _| false);
        assert!(map.is_empty());
        map.retain(|_, _| false);
        assert!(map.is_empty());
        map.insert(1, "a");
        map.insert(2, "b");
        map.retain(|_, _| false);
        assert!(map.is_empty(), "many to empty at once");
    }

    #[test]
    fn insert_if_absent_keeps_what_is_there() {
        let mut map = SmallMap::default();
        map.insert_if_absent(1, "first");
        map.insert_if_absent(1, "second");
        assert_eq!(map.get(&1), Some(&"first"));
        map.insert_if_absent(2, "other");
        map.insert_if_absent(2, "again");
        assert_eq!(map.get(&2), Some(&"other"));
        assert_eq!(map.iter().count(), 2);
    }
}
