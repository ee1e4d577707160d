//! `WSADuplicateSocket` and `WSASocket` with the `WSAPROTOCOL_INFO` it wrote
//! ([`crate::choices::DUPLICATE_IS_A_SECOND_HANDLE`]): a duplication is a key, written in the
//! structure's `dwProviderReserved` and registered here with the socket it names; using the
//! structure takes the key (once) and hands out a new handle, from the sockets' handle
//! space, naming the same socket. `closesocket` closes one handle; the socket closes with
//! the last.
//!
//! A shared socket stays in its shard under the handle it was made with (its *socket*:
//! every record of the table, bindings, backlogs, pending operations, names it so). Each
//! other handle is an alias of it here, and a socket whose own handle was closed while an
//! alias lives on is *retired* here: its handle names nothing for the caller, though the
//! table still keys the socket by it. [`SocketTable::with_socket`] and
//! [`SocketTable::socket_of`] read a caller's handle through this registry;
//! [`SocketTable::with_entry`] is for the sockets the table itself recorded.
//!
//! The registry's lock is a leaf: nothing is locked while it is held (a lookup may take it
//! under another lock, never the other way round; [`SocketTable::with_socket`] takes it
//! before the shard lock, not under it). Changes to it are made under the topology lock
//! (which orders every duplication against `closesocket`); lookups take it only while some
//! socket is shared (the table keeps that count in an atomic beside it).
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use super::super::SocketTable;
use super::catalog::SocketKind;
use crate::choices;
use crate::error::{Error, Result};
use crate::rules;
use crate::rules::duplication as duplication_rules;

/// The duplications of one network not used yet, and the handles of its shared sockets.
#[derive(Debug, Default)]
pub(crate) struct Duplications {
    /// The last key handed out; keys are never reused, and 0 is never one (a structure
    /// with `dwProviderReserved` 0 is an ordinary catalogue entry).
    last_key: u32,
    /// Unused keys, with the socket each names.
    unused: HashMap<u32, SOCKET>,
    /// Each open handle made by `WSASocket` from a duplication, with the socket it names.
    aliases: HashMap<SOCKET, SOCKET>,
    /// Each shared socket, with its open handles (its own first, while it is open).
    open: HashMap<SOCKET, Vec<SOCKET>>,
}

/// What a caller's handle names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Named {
    /// The socket keyed by this value (the handle itself, or the socket of an alias).
    Socket(SOCKET),
    /// Nothing: the socket's own handle, closed while an alias keeps the socket open.
    Retired,
}

impl Duplications {
    /// What `handle` names.
    fn named(&self, handle: SOCKET) -> Named {
        if let Some(&socket) = self.aliases.get(&handle) {
            return Named::Socket(socket);
        }
        match self.open.get(&handle) {
            Some(handles) if !handles.contains(&handle) => Named::Retired,
            _ => Named::Socket(handle),
        }
    }

    /// How many lookups must read the registry: aliases plus shared sockets.
    fn shared(&self) -> usize {
        self.aliases.len() + self.open.len()
    }

    /// Forgets the unused duplications of `socket`: it has closed.
    fn forget(&mut self, socket: SOCKET) {
        self.unused.retain(|_, named| *named != socket);
    }

    /// Forgets every duplication and alias: the last `WSACleanup` closed every socket.
    fn clear(&mut self) {
        self.unused.clear();
        self.aliases.clear();
        self.open.clear();
    }

    /// The open handles of every shared socket, for a snapshot.
    pub(in crate::model) fn handles(&self) -> HashMap<SOCKET, Vec<SOCKET>> {
        self.open.clone()
    }
}

/// How `closesocket` of a handle went, for [`SocketTable::close_unobserved`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::model) enum Released {
    /// Another handle still names the socket: nothing else changes.
    Handle,
    /// It was the socket's last handle: the caller closes the socket it names.
    Socket(SOCKET),
}

impl SocketTable {
    /// The socket the caller's `handle` names (the handle itself unless it came from
    /// `WSASocket` with a duplication): `WSAENOTSOCK` for a socket's own handle closed
    /// while another handle keeps the socket open. Does not check that the socket exists.
    pub(crate) fn socket_of(&self, handle: SOCKET) -> Result<SOCKET> {
        if self.shared.load(Ordering::Acquire) == 0 {
            return Ok(handle);
        }
        match self.duplications.lock().named(handle) {
            Named::Socket(socket) => Ok(socket),
            Named::Retired => Err(Error::NotSocket),
        }
    }

    /// The socket `handle` names, for a value that may be a caller's handle or one the
    /// table recorded: an alias gives its socket, anything else itself (a retired handle
    /// too: it is still its socket's key).
    pub(crate) fn canonical(&self, handle: SOCKET) -> SOCKET {
        match self.socket_of(handle) {
            Ok(socket) => socket,
            Err(_) => handle,
        }
    }

    /// Runs `f` on the socket the caller's `handle` names ([`Self::socket_of`]), under its
    /// shard lock, after the startup and [`rules::handle_names_a_socket`] checks.
    pub(crate) fn with_socket<R>(
        &self,
        handle: SOCKET,
        f: impl FnOnce(&mut crate::model::socket::SocketEntry) -> Result<R>,
    ) -> Result<R> {
        self.require_startup()?;
        let socket = self.socket_of(handle)?;
        self.with_entry(socket, f)
    }

    /// Runs `f` on the socket the table keys by `socket` (a value the table recorded, or one
    /// [`Self::socket_of`] gave), under its shard lock, after the startup and
    /// [`rules::handle_names_a_socket`] checks.
    pub(crate) fn with_entry<R>(
        &self,
        socket: SOCKET,
        f: impl FnOnce(&mut crate::model::socket::SocketEntry) -> Result<R>,
    ) -> Result<R> {
        self.require_startup()?;
        let mut shard = self.shard(socket).lock();
        let entry = rules::handle_names_a_socket(shard.get_mut(&socket))?;
        f(entry)
    }

    /// Publishes how many lookups must read the registry.
    fn publish(&self, duplications: &Duplications) {
        self.shared.store(duplications.shared(), Ordering::Release);
    }

    /// `WSADuplicateSocket`: registers a duplication of the socket `handle` names for the
    /// target `process_id` and returns its key. Errors: `WSANOTINITIALISED`, `WSAEINVAL`
    /// (process id 0), `WSAENOTSOCK`, `WSAENOBUFS` (too many unused duplications),
    /// `WSAEMFILE` (the key space is spent). Returns the key and the socket's kind.
    pub(crate) fn duplicate(&self, handle: SOCKET, process_id: u32) -> Result<(u32, SocketKind)> {
        self.require_startup()?;
        duplication_rules::target_process_is_valid(process_id)?;
        let _topology = self.topology.lock();
        let socket = self.socket_of(handle)?;
        let kind = self.with_entry(socket, |entry| Ok(entry.kind))?;
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
        duplications.unused.insert(key, socket);
        Ok((key, kind))
    }

    /// `WSASocket` with a structure from `WSADuplicateSocket`: takes the duplication `key`
    /// and returns a new handle naming its socket. A key used before, never written, or
    /// whose socket has closed is `WSAEINVAL`, and changes nothing; a spent handle space is
    /// `WSAEMFILE`, and leaves the key unused.
    pub(crate) fn open_duplicate(&self, key: u32) -> Result<SOCKET> {
        self.require_startup()?;
        let _topology = self.topology.lock();
        let socket = self.duplications.lock().unused.get(&key).copied();
        let socket = duplication_rules::duplication_is_unused(
            socket.filter(|socket| self.shard(*socket).lock().contains_key(socket)),
        )?;
        let handle = self.allocate_handle()?;
        let mut duplications = self.duplications.lock();
        duplications.unused.remove(&key);
        duplications.aliases.insert(handle, socket);
        duplications
            .open
            .entry(socket)
            .or_insert_with(|| vec![socket])
            .push(handle);
        self.publish(&duplications);
        Ok(handle)
    }

    /// For `closesocket`, under the topology lock: closes the caller's `handle`, and says
    /// whether its socket closes with it. `WSAENOTSOCK` for a retired handle (a socket not
    /// in the table is the caller's to find).
    pub(in crate::model) fn release_handle(&self, handle: SOCKET) -> Result<Released> {
        let mut duplications = self.duplications.lock();
        let socket = match duplications.named(handle) {
            Named::Socket(socket) => socket,
            Named::Retired => return Err(Error::NotSocket),
        };
        let Some(handles) = duplications.open.get_mut(&socket) else {
            duplications.forget(socket);
            return Ok(Released::Socket(socket));
        };
        handles.retain(|open| *open != handle);
        let last = handles.is_empty();
        duplications.aliases.remove(&handle);
        if last {
            duplications.open.remove(&socket);
            duplications.forget(socket);
        }
        self.publish(&duplications);
        Ok(if last {
            Released::Socket(socket)
        } else {
            Released::Handle
        })
    }

    /// Forgets every duplication and alias: the last `WSACleanup` closed every socket.
    pub(in crate::model) fn clear_duplications(&self) {
        let mut duplications = self.duplications.lock();
        duplications.clear();
        self.publish(&duplications);
    }

    /// The open handles of every shared socket, read under the topology lock the caller
    /// holds (so no duplication or close changes them meanwhile).
    pub(in crate::model) fn shared_handles(&self) -> HashMap<SOCKET, Vec<SOCKET>> {
        self.duplications.lock().handles()
    }
}
