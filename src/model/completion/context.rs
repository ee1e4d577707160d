//! The sockets `AcceptEx` accepted into that have not been given `SO_UPDATE_ACCEPT_CONTEXT`
//! yet: until then they do not report their names ([`crate::choices::ACCEPT_EX_CONTEXT`]).
//! Kept by (table identity, socket), as the associations are; a leaf lock.
#![forbid(unsafe_code)]

use std::collections::HashSet;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::model::sync::{process_wide, Mutex};
use crate::model::SocketTable;

/// The sockets awaiting their context, by (table identity, handle).
fn waiting_sockets() -> &'static Mutex<HashSet<(u64, SOCKET)>> {
    process_wide!(Mutex<HashSet<(u64, SOCKET)>>, Mutex::new(HashSet::new()))
}

impl SocketTable {
    /// `socket` was accepted into by `AcceptEx` (`true`), or given its context or made a
    /// fresh socket again (`false`).
    pub(crate) fn await_accept_context(&self, socket: SOCKET, awaiting: bool) {
        let socket = self.canonical(socket);
        let mut set = waiting_sockets().lock();
        if awaiting {
            set.insert((self.identity, socket));
        } else {
            set.remove(&(self.identity, socket));
        }
    }

    /// Whether `socket` was accepted into by `AcceptEx` and not given
    /// `SO_UPDATE_ACCEPT_CONTEXT` since.
    pub(crate) fn awaits_accept_context(&self, socket: SOCKET) -> bool {
        let socket = self.canonical(socket);
        waiting_sockets().lock().contains(&(self.identity, socket))
    }
}
