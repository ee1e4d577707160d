//! The sockets an extension function connected that have not been given their context
//! yet: `AcceptEx`'s accept sockets until `SO_UPDATE_ACCEPT_CONTEXT` (they do not report
//! their names, [`crate::choices::ACCEPT_EX_CONTEXT`]) and `ConnectEx`'s sockets until
//! `SO_UPDATE_CONNECT_CONTEXT` (no peer name, no `shutdown`,
//! [`crate::choices::CONNECT_EX_CONTEXT`]). Kept by (table identity, socket), as the
//! associations are; a leaf lock.
#![forbid(unsafe_code)]

use std::collections::HashMap;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::model::sync::{process_wide, Mutex};
use crate::model::SocketTable;

/// Which option a socket awaits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// `SO_UPDATE_ACCEPT_CONTEXT`, after `AcceptEx`.
    Accept,
    /// `SO_UPDATE_CONNECT_CONTEXT`, after `ConnectEx`.
    Connect,
}

/// The sockets awaiting their context, by (table identity, handle).
fn waiting_sockets() -> &'static Mutex<HashMap<(u64, SOCKET), Context>> {
    process_wide!(
        Mutex<HashMap<(u64, SOCKET), Context>>,
        Mutex::new(HashMap::new())
    )
}

impl SocketTable {
    /// `socket` was accepted into by `AcceptEx` (`true`), or given its context or made a
    /// fresh socket again (`false`: it awaits neither context).
    pub(crate) fn await_accept_context(&self, socket: SOCKET, awaiting: bool) {
        let socket = self.canonical(socket);
        let mut set = waiting_sockets().lock();
        if awaiting {
            set.insert((self.identity, socket), Context::Accept);
        } else {
            set.remove(&(self.identity, socket));
        }
    }

    /// `socket` was connected by `ConnectEx` and awaits `SO_UPDATE_CONNECT_CONTEXT`.
    pub(crate) fn await_connect_context(&self, socket: SOCKET) {
        let socket = self.canonical(socket);
        let mut set = waiting_sockets().lock();
        set.insert((self.identity, socket), Context::Connect);
    }

    /// Whether `socket` awaits `context`: it was accepted into by `AcceptEx` (connected by
    /// `ConnectEx`) and not given `SO_UPDATE_ACCEPT_CONTEXT` (`SO_UPDATE_CONNECT_CONTEXT`)
    /// since.
    pub(crate) fn awaits_context(&self, socket: SOCKET, context: Context) -> bool {
        let socket = self.canonical(socket);
        waiting_sockets().lock().get(&(self.identity, socket)) == Some(&context)
    }

    /// Whether `socket` was accepted into by `AcceptEx` and not given
    /// `SO_UPDATE_ACCEPT_CONTEXT` since.
    pub(crate) fn awaits_accept_context(&self, socket: SOCKET) -> bool {
        self.awaits_context(socket, Context::Accept)
    }
}
