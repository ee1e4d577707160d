//! The `ADDRINFOA`/`ADDRINFOW`/`ADDRINFOEXW` lists `getaddrinfo`, `GetAddrInfoW` and
//! `GetAddrInfoExW` hand out, and the registry that makes
//! freeing them safe whatever the caller passes ([`crate::choices::ADDRINFO_LISTS`]).
//!
//! A list is one allocation owned by the registry: its nodes, their socket addresses and
//! the canonical name. `freeaddrinfo` looks the pointer up by address and never reads
//! through it, so a pointer never handed out, freed twice, or pointing inside a list is
//! recorded (strict mode reports it) and ignored. A freed list is kept in a quarantine of
//! the last [`QUARANTINE`] freed lists before its memory is released, so a second free of a
//! recent list is still recognised (its address cannot yet belong to a new list) and a
//! read of a freed list reads memory that still exists.
use std::collections::{BTreeMap, VecDeque};
use std::ptr::{self, NonNull};
use std::sync::{Arc, Weak};

use parking_lot::Mutex;
use windows_sys::Win32::Networking::WinSock::{ADDRINFOA, ADDRINFOEXW, ADDRINFOW, SOCKADDR};

use super::TextUnit;
use crate::model::resolution::addrinfo::{Hints, Results};
use crate::model::SocketTable;
use crate::wire::encode_sockaddr;

/// How many freed lists are kept before their memory is released.
const QUARANTINE: usize = 1024;

/// A node read as hints: the members all three node types share (the page's rule: the last
/// four must be zero or NULL).
macro_rules! hints_of {
    ($node:expr) => {
        Hints {
            flags: $node.ai_flags as u32,
            family: $node.ai_family,
            socktype: $node.ai_socktype,
            protocol: $node.ai_protocol,
            tail_set: $node.ai_addrlen != 0
                || !$node.ai_canonname.is_null()
                || !$node.ai_addr.is_null()
                || !$node.ai_next.is_null(),
        }
    };
}

/// Which kind of list: a list is freed only by its own kind's function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    A,
    W,
    ExW,
}

/// An `ADDRINFOA`, `ADDRINFOW` or `ADDRINFOEXW` node.
pub(super) trait Node: Copy + 'static {
    /// The canonical name's unit.
    type Unit: TextUnit;

    /// The kind of list these nodes make.
    const KIND: Kind;

    /// A node with these members.
    fn node(entry: Fields<Self>) -> Self;

    /// The node read as `getaddrinfo`'s hints.
    fn hints(&self) -> Hints;
}

/// The members of one node.
pub(super) struct Fields<N: Node> {
    family: i32,
    socktype: i32,
    protocol: i32,
    addrlen: usize,
    canonname: *mut N::Unit,
    addr: *mut SOCKADDR,
}

impl Node for ADDRINFOA {
    type Unit = u8;
    const KIND: Kind = Kind::A;

    fn hints(&self) -> Hints {
        hints_of!(self)
    }

    fn node(f: Fields<Self>) -> Self {
        ADDRINFOA {
            ai_flags: 0,
            ai_family: f.family,
            ai_socktype: f.socktype,
            ai_protocol: f.protocol,
            ai_addrlen: f.addrlen,
            ai_canonname: f.canonname,
            ai_addr: f.addr,
            ai_next: ptr::null_mut(),
        }
    }
}

impl Node for ADDRINFOW {
    type Unit = u16;
    const KIND: Kind = Kind::W;

    fn hints(&self) -> Hints {
        hints_of!(self)
    }

    fn node(f: Fields<Self>) -> Self {
        ADDRINFOW {
            ai_flags: 0,
            ai_family: f.family,
            ai_socktype: f.socktype,
            ai_protocol: f.protocol,
            ai_addrlen: f.addrlen,
            ai_canonname: f.canonname,
            ai_addr: f.addr,
            ai_next: ptr::null_mut(),
        }
    }
}

impl Node for ADDRINFOEXW {
    type Unit = u16;
    const KIND: Kind = Kind::ExW;

    fn hints(&self) -> Hints {
        hints_of!(self)
    }

    fn node(f: Fields<Self>) -> Self {
        ADDRINFOEXW {
            ai_flags: 0,
            ai_family: f.family,
            ai_socktype: f.socktype,
            ai_protocol: f.protocol,
            ai_addrlen: f.addrlen,
            ai_canonname: f.canonname,
            ai_addr: f.addr,
            ai_blob: ptr::null_mut(),
            ai_bloblen: 0,
            ai_provider: ptr::null_mut(),
            ai_next: ptr::null_mut(),
        }
    }
}

/// One list's memory: the nodes point into `_addrs` and `_canonical`, and to each other.
/// Nothing reads the fields: they own the memory the caller's pointers reach.
struct List<N: Node> {
    _nodes: Vec<N>,
    /// Each node's socket address: 28 bytes, 4-aligned, as `SOCKADDR_IN6` is.
    _addrs: Vec<[u32; 7]>,
    _canonical: Vec<N::Unit>,
}

/// A list owned by the registry.
enum Owned {
    A(NonNull<List<ADDRINFOA>>),
    W(NonNull<List<ADDRINFOW>>),
    ExW(NonNull<List<ADDRINFOEXW>>),
}

// SAFETY: the lists are plain memory owned by the registry alone; the registry's lock
// serialises every access to the pointers themselves.
unsafe impl Send for Owned {}

impl Owned {
    /// Releases the list's memory.
    ///
    /// # Safety
    /// Called once per list, after which no pointer into it is used by the emulator.
    unsafe fn release(self) {
        // SAFETY: each was made by `Box::into_raw` in `hand_out` and is released once.
        unsafe {
            match self {
                Owned::A(list) => drop(Box::from_raw(list.as_ptr())),
                Owned::W(list) => drop(Box::from_raw(list.as_ptr())),
                Owned::ExW(list) => drop(Box::from_raw(list.as_ptr())),
            }
        }
    }
}

/// A live list: its memory, its number in its network, and the network that handed it out.
struct Live {
    owned: Owned,
    kind: Kind,
    id: u64,
    owner: Weak<SocketTable>,
}

/// Every list handed out and not freed, by the address of its first node.
struct Registry {
    live: BTreeMap<usize, Live>,
    freed: VecDeque<Owned>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    live: BTreeMap::new(),
    freed: VecDeque::new(),
});

/// Builds the list for `results`, registers it as handed out by `table` (for strict mode,
/// with `node` as its description), and returns its first node.
pub(super) fn hand_out<N: Node>(results: &Results, table: &Arc<SocketTable>, node: &str) -> *mut N {
    let mut addrs: Vec<[u32; 7]> = results
        .entries
        .iter()
        .map(|entry| {
            let (bytes, _) = encode_sockaddr(entry.addr);
            let mut words = [0u32; 7];
            for (word, chunk) in words.iter_mut().zip(bytes.chunks_exact(4)) {
                *word = u32::from_ne_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
            }
            words
        })
        .collect();
    let mut canonical: Vec<N::Unit> = results
        .canonical
        .as_deref()
        .map(N::Unit::encode)
        .unwrap_or_default();
    let has_canonical = results.canonical.is_some();
    if has_canonical {
        canonical.push(N::Unit::default());
    }
    let addr_base = addrs.as_mut_ptr();
    let canon_ptr = if has_canonical {
        canonical.as_mut_ptr()
    } else {
        ptr::null_mut()
    };
    let mut nodes: Vec<N> = results
        .entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            N::node(Fields {
                family: if entry.addr.is_ipv4() { 2 } else { 23 },
                socktype: entry.socktype,
                protocol: entry.protocol,
                addrlen: if entry.addr.is_ipv4() { 16 } else { 28 },
                canonname: if i == 0 { canon_ptr } else { ptr::null_mut() },
                // `i < addrs.len()`: one address per entry.
                addr: addr_base.wrapping_add(i).cast(),
            })
        })
        .collect();
    let base = nodes.as_mut_ptr();
    for i in 1..nodes.len() {
        // SAFETY: `i - 1` and `i` index the vector's live elements.
        unsafe { set_next(base.add(i - 1), base.add(i)) };
    }
    let list = Box::new(List {
        _nodes: nodes,
        _addrs: addrs,
        _canonical: canonical,
    });
    let leaked = NonNull::from(Box::leak(list));
    let owned = match N::KIND {
        Kind::A => Owned::A(leaked.cast()),
        Kind::W => Owned::W(leaked.cast()),
        Kind::ExW => Owned::ExW(leaked.cast()),
    };
    let id = table.observer.next_list_id();
    let mut registry = REGISTRY.lock();
    registry.live.insert(
        base.addr(),
        Live {
            owned,
            kind: N::KIND,
            id,
            owner: Arc::downgrade(table),
        },
    );
    drop(registry);
    table.observer.list_handed_out(id, node);
    base
}

/// Sets `node.ai_next`.
///
/// # Safety
/// `node` must be valid for writes of an `N`.
unsafe fn set_next<N: Node>(node: *mut N, next: *mut N) {
    // `ai_next` is the last member of both node types, a pointer to the same type.
    let offset = std::mem::size_of::<N>() - std::mem::size_of::<*mut N>();
    // SAFETY: the member lies within the node, which the caller promises is writable.
    unsafe { ptr::write_unaligned(node.cast::<u8>().add(offset).cast::<*mut N>(), next) };
}

/// `freeaddrinfo`/`FreeAddrInfoW` of `head`: a live list of that kind is freed (into the
/// quarantine) and its network told; anything else is told to the current network as a
/// bad free, and ignored. NULL does nothing.
pub(super) fn free<N: Node>(head: *const N, current: &SocketTable) {
    if head.is_null() {
        return;
    }
    let mut registry = REGISTRY.lock();
    let found = match registry.live.get(&head.addr()) {
        Some(live) if live.kind == N::KIND => registry.live.remove(&head.addr()),
        _ => None,
    };
    let released = found.as_ref().map(|_| ());
    let (id, owner) = match found {
        Some(live) => {
            registry.freed.push_back(live.owned);
            (Some(live.id), live.owner.upgrade())
        }
        None => (None, None),
    };
    let expired = (registry.freed.len() > QUARANTINE)
        .then(|| registry.freed.pop_front())
        .flatten();
    drop(registry);
    if let Some(list) = expired {
        // SAFETY: a freed list leaves the quarantine once, and nothing in the emulator
        // points into it.
        unsafe { list.release() };
    }
    match (released, owner) {
        (Some(()), Some(owner)) => owner.observer.list_freed(id),
        (Some(()), None) => {}
        (None, _) => current.observer.list_freed(None),
    }
}
