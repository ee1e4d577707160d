//! `WSADuplicateSocket` and `WSASocket` with the `WSAPROTOCOL_INFO` it wrote
//! ([`crate::choices::DUPLICATE_SHARES_THE_HANDLE`]): a duplication is a key, written in the
//! structure's `dwProviderReserved` and registered here with the socket it names; using the
//! structure takes the key (once) and counts one more descriptor on the socket, under the
//! same handle value. `closesocket` gives back one descriptor; the socket closes with the
//! last.
//!
//! The registry's lock is a leaf: it is taken under the topology lock (which orders every
//! duplication against `closesocket`), never with a shard lock held.
#![forbid(unsafe_code)]

use std::collections::HashMap;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use super::super::SocketTable;
use super::catalog::SocketKind;
use crate::choices;
use crate::error::{Error, Result};
use crate::rules::duplication as rules;

/// The duplications of one network not used yet, and the extra descriptors of its shared
/// sockets.
#[derive(Debug, Default)]
pub(crate) struct Duplications {
    /// The last key handed out; keys are never reused, and 0 is never one (a structure
    /// with `dwProviderReserved` 0 is an ordinary catalogue entry).
    last_key: u32,
    /// Unused keys, with the socket each names.
    unused: HashMap<u32, SOCKET>,
    /// For each shared socket, the descriptors beyond its first.
    extra: HashMap<SOCKET, u32>,
}

impl Duplications {
    /// Forgets everything about `handle`: its socket has closed.
    fn forget(&mut self, handle: SOCKET) {
        self.extra.remove(&handle);
        self.unused.retain(|_, socket| *socket != handle);
    }

    /// Forgets every duplication: the last `WSACleanup` closed every socket.
    pub(in crate::model) fn clear(&mut self) {
        self.unused.clear();
        self.extra.clear();
    }
}

impl SocketTable {
    /// `WSADuplicateSocket`: registers a duplication of the socket `handle` for the target
    /// `process_id` and returns its key. Errors: `WSANOTINITIALISED`, `WSAEINVAL` (process
    /// id 0), `WSAENOTSOCK`, `WSAENOBUFS` (too many unused duplications), `WSAEMFILE` (the
    /// key space is spent). Returns the key and the socket's kind.
    pub(crate) fn duplicate(&self, handle: SOCKET, process_id: u32) -> Result<(u32, SocketKind)> {
        self.require_startup()?;
        rules::target_process_is_valid(process_id)?;
        let _topology = self.topology.lock();
        let kind = self.with_socket(handle, |entry| Ok(entry.kind))?;
        let mut duplications = self.duplications.lock();
        if duplications.unused.len() >= choices::MAX_OUTSTANDING_DUPLICATIONS {
            // "No buffer space is available" (the page's WSAENOBUFS), at the emulator's bound.
            return Err(Error::NoBufferSpace);
        }
        let key = duplications
            .last_key
            .checked_add(1)
            .ok_or(Error::TooManySockets)?;
        duplications.last_key = key;
        duplications.unused.insert(key, handle);
        Ok((key, kind))
    }

    /// `WSASocket` with a structure from `WSADuplicateSocket`: takes the duplication `key`
    /// and returns the socket's handle, now with one more descriptor. A key used before, never
    /// written, or whose socket has closed is `WSAEINVAL`, and changes nothing.
    pub(crate) fn open_duplicate(&self, key: u32) -> Result<SOCKET> {
        self.require_startup()?;
        let _topology = self.topology.lock();
        let handle = self.duplications.lock().unused.get(&key).copied();
        let handle = rules::duplication_is_unused(
            handle.filter(|handle| self.shard(*handle).lock().contains_key(handle)),
        )?;
        let mut duplications = self.duplications.lock();
        duplications.unused.remove(&key);
        *duplications.extra.entry(handle).or_insert(0) += 1;
        Ok(handle)
    }

    /// For `closesocket`, under the topology lock: gives back one of the extra descriptors
    /// of `handle`, if it has one (then the socket stays open), or forgets its
    /// duplications (the caller closes it).
    pub(in crate::model) fn release_descriptor(&self, handle: SOCKET) -> bool {
        let mut duplications = self.duplications.lock();
        match duplications.extra.get_mut(&handle) {
            Some(extra) if *extra > 0 => {
                *extra -= 1;
                if *extra == 0 {
                    duplications.extra.remove(&handle);
                }
                true
            }
            _ => {
                duplications.forget(handle);
                false
            }
        }
    }
}
