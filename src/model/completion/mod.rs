//! I/O completion ports: `CreateIoCompletionPort`, `GetQueuedCompletionStatus(Ex)`,
//! `PostQueuedCompletionStatus`, `CloseHandle` on a port, and the sockets associated with
//! one, whose overlapped operations complete to it.
//!
//! | file | what |
//! | --- | --- |
//! | `port.rs` | one port: its packets, its waiters (last in, first woken) |
//! | `accepts.rs` | `AcceptEx` operations waiting for a connection |
//! | `context.rs` | accepted sockets waiting for `SO_UPDATE_ACCEPT_CONTEXT` |
//! | `reuse.rs` | `DisconnectEx`, and `TF_REUSE_SOCKET`'s fresh socket |
//!
//! Ports are kernel objects of the process on Windows, so the registry is process-wide,
//! as the events' and tokens' are: handles are [`crate::choices::FIRST_PORT`]` + 4n`,
//! never reused, never equal to a socket, event or token handle (`model/handles.rs`). A
//! port waits on the network that created it. A socket is associated with one port, with
//! a key, until it is closed; the association is kept here, by the socket's table and
//! handle (socket handles are never reused either).
//!
//! Locking: the registry's and the associations' mutexes are leaves, taken alone.
#![forbid(unsafe_code)]

pub(crate) mod accepts;
mod context;
mod port;
mod reuse;

use std::collections::HashMap;
use std::sync::Arc;

use windows_sys::Win32::Networking::WinSock::SOCKET;

pub(crate) use context::Context;
pub(crate) use port::{Dequeued, Packet, Pointer, Port};

use crate::choices;
use crate::error::{Error, Result};
use crate::model::sync::{process_wide, Mutex};
use crate::model::SocketTable;

/// The open ports, by handle.
struct Registry {
    open: HashMap<usize, Arc<Port>>,
    /// How many ports were ever created: the next handle is derived from it.
    created: u64,
}

/// The registry (a process-wide value: `model::sync`).
fn registry() -> &'static Mutex<Registry> {
    process_wide!(
        Mutex<Registry>,
        Mutex::new(Registry {
            open: HashMap::new(),
            created: 0,
        })
    )
}

/// A socket's association with a port.
#[derive(Debug, Clone)]
pub(crate) struct Association {
    /// The port's handle.
    pub(crate) handle: usize,
    /// The port.
    pub(crate) port: Arc<Port>,
    /// The key its packets carry.
    pub(crate) key: usize,
    /// `SetFileCompletionNotificationModes(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS)`: no packet
    /// for an operation that succeeds at once.
    pub(crate) skip_on_success: bool,
}

/// Associations by (table identity, socket).
type Associations = HashMap<(u64, SOCKET), Association>;

/// The associations (a process-wide value: `model::sync`).
fn associations() -> &'static Mutex<Associations> {
    process_wide!(Mutex<Associations>, Mutex::new(HashMap::new()))
}

/// The `n`th port handle: `FIRST_PORT + 4n`.
fn nth_handle(n: u64) -> Option<usize> {
    let offset = usize::try_from(n).ok()?.checked_mul(4)?;
    choices::FIRST_PORT.checked_add(offset)
}

/// Creates a port of `table`'s network and returns its handle; `ERROR_NOT_ENOUGH_MEMORY`
/// once the handle space is spent.
pub(crate) fn create(table: &SocketTable) -> Result<usize> {
    let mut registry = registry().lock();
    let handle = nth_handle(registry.created).ok_or(Error::NotEnoughMemory)?;
    registry.created += 1;
    let port = Arc::new(Port::new(table.waits.clone()));
    registry.open.insert(handle, port);
    Ok(handle)
}

/// The open port `handle` names: `ERROR_INVALID_HANDLE` otherwise.
pub(crate) fn get(handle: usize) -> Result<Arc<Port>> {
    registry()
        .lock()
        .open
        .get(&handle)
        .cloned()
        .ok_or(Error::InvalidHandle)
}

/// `CloseHandle` on a port: its waiters wake with `ERROR_ABANDONED_WAIT_0`, its
/// associations end. `ERROR_INVALID_HANDLE` if `handle` names no open port.
pub(crate) fn close(handle: usize) -> Result<()> {
    let port = registry()
        .lock()
        .open
        .remove(&handle)
        .ok_or(Error::InvalidHandle)?;
    associations()
        .lock()
        .retain(|_, association| association.handle != handle);
    port.close();
    Ok(())
}

/// Associates `socket` of `table` with the port `handle`, packets carrying `key`.
/// Errors: `ERROR_INVALID_HANDLE` for no open port; `WSAENOTSOCK` (as the sys layer
/// reports `ERROR_INVALID_HANDLE`) for no socket; `ERROR_INVALID_PARAMETER` for a socket
/// already associated (with any port).
pub(crate) fn associate(
    table: &SocketTable,
    socket: SOCKET,
    handle: usize,
    key: usize,
) -> Result<()> {
    let port = get(handle)?;
    // The socket's association, whichever of its handles is given.
    let socket = table.socket_of(socket)?;
    table.with_entry(socket, |_| Ok(()))?;
    let mut map = associations().lock();
    let slot = (table.identity, socket);
    if map.contains_key(&slot) {
        return Err(Error::InvalidParameter);
    }
    map.insert(
        slot,
        Association {
            handle,
            port,
            key,
            skip_on_success: false,
        },
    );
    Ok(())
}

/// Forgets what is kept for `socket` of `table`, closed: its association and its wait for
/// `SO_UPDATE_ACCEPT_CONTEXT` (`DisconnectEx`'s reuse keeps both: it closes the connection,
/// not the handle).
pub(crate) fn forget(table: &SocketTable, socket: SOCKET) {
    associations().lock().remove(&(table.identity, socket));
    table.await_accept_context(socket, false);
}

/// The port `socket` of `table` is associated with, if any.
pub(crate) fn association(table: &SocketTable, socket: SOCKET) -> Option<Association> {
    let socket = table.canonical(socket);
    associations()
        .lock()
        .get(&(table.identity, socket))
        .cloned()
}

/// Sets `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS` on `socket` (a mode never removed once
/// set). Only a socket associated with a port has packets to skip: any other is
/// `ERROR_INVALID_PARAMETER` ([`crate::choices::COMPLETION_PORT_ARGUMENTS`]).
pub(crate) fn skip_on_success(table: &SocketTable, socket: SOCKET) -> Result<()> {
    table.with_socket(socket, |_| Ok(()))?;
    let socket = table.canonical(socket);
    match associations().lock().get_mut(&(table.identity, socket)) {
        Some(association) => {
            association.skip_on_success = true;
            Ok(())
        }
        None => Err(Error::InvalidParameter),
    }
}

#[cfg(test)]
mod tests;
