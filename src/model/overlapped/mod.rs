//! Overlapped operations on the table: which calls complete at once, which pend, and how
//! pending ones complete later or are aborted when their socket closes.
//!
//! The model never touches an `OVERLAPPED`: the `sys` layer hands it a [`Completer`], a
//! closure that reports an outcome to the caller's structure, event or completion
//! routine, and the model decides *when* it runs. Completers always run with no table
//! lock held.
//!
//! By default every operation completes at once, as on Windows. A test can ask a network
//! to make the next *n* overlapped operations pend ([`SocketTable::defer_overlapped`]);
//! each then waits in [`Deferral`] until the test completes it or its socket is closed.
//!
//! Locking: the deferral lock is taken after the topology lock and before a shard lock,
//! never the other way round.
#![forbid(unsafe_code)]

pub(crate) mod events;
pub(crate) mod posted;
pub(crate) mod posted_sends;

use std::collections::BTreeMap;
use std::fmt;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use super::SocketTable;
use crate::error::{Error, Result};
use crate::testing::Call;

/// Reports an overlapped operation's outcome (bytes transferred, or the error) to the
/// caller. Built by `sys`; run once.
pub(crate) type Completer = Box<dyn FnOnce(Result<u32>) + Send>;

/// One operation waiting to complete.
struct PendingOp {
    socket: SOCKET,
    /// What the operation transferred: reported on success.
    transferred: u32,
    completer: Completer,
}

/// A table's pending operations and the "pend the next n" switch.
#[derive(Default)]
pub(crate) struct Deferral {
    /// How many of the next overlapped operations pend.
    defer_next: usize,
    /// The id the next pending operation gets.
    next_id: u64,
    /// Pending operations by id, oldest first.
    pending: BTreeMap<u64, PendingOp>,
}

impl fmt::Debug for Deferral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Deferral")
            .field("defer_next", &self.defer_next)
            .field("pending", &self.pending.len())
            .finish()
    }
}

/// How a successful call on an overlapped socket with an `OVERLAPPED` proceeds.
pub(crate) enum Start {
    /// The operation completed at once: run the completer now (with no lock held).
    Now(Completer),
    /// The operation pends (`WSA_IO_PENDING`); its completer runs later.
    Pending,
}

/// A pending operation, as listed for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PendingInfo {
    pub(crate) id: u64,
    pub(crate) socket: SOCKET,
}

impl SocketTable {
    /// Makes the next `count` overlapped operations on this table pend instead of
    /// completing at once (0: every operation completes at once again).
    pub(crate) fn defer_overlapped(&self, count: usize) {
        self.deferral.lock().defer_next = count;
    }

    /// Whether `socket` is overlapped, looked up *before* the call's operation runs (so a
    /// `closesocket` racing the call cannot make it report `WSAENOTSOCK` after the operation
    /// did its work: defect 8 of issue 13), and marked as having started an overlapped
    /// operation, so that its close takes the operation's pending completion, if any.
    /// `socket` is the socket, as [`Self::socket_of`] names it (here and for
    /// [`Self::start_overlapped`]: an operation is its socket's, whichever handle started
    /// it).
    pub(crate) fn prepare_overlapped(&self, socket: SOCKET) -> Result<bool> {
        self.with_entry(socket, |entry| {
            entry.overlapped_started |= entry.overlapped;
            Ok(entry.overlapped)
        })
    }

    /// Starts the overlapped side of a call on an overlapped socket
    /// ([`Self::prepare_overlapped`]) that succeeded and transferred `transferred` bytes.
    /// `begin` runs first (under the deferral lock, before anyone can complete the
    /// operation; it must not call back into the table) to mark the caller's structure
    /// pending and build the completer. An operation pends only while its socket is open:
    /// one whose socket was closed (or cleaned up) since it ran completes at once, as it
    /// completed before the close. An injected [`crate::testing::Fault::pend`] for `call` on
    /// this socket makes this one operation pend.
    pub(crate) fn start_overlapped(
        &self,
        call: Call,
        socket: SOCKET,
        transferred: u32,
        begin: impl FnOnce() -> Completer,
    ) -> Start {
        let mut deferral = self.deferral.lock();
        // Under the deferral lock: a close that removes the socket after this look takes
        // the pending list only after this call has put the operation on it.
        let open = self.with_entry(socket, |_| Ok(())).is_ok();
        let completer = begin();
        if !open {
            return Start::Now(completer);
        }
        if self.observer.take_pend(call, socket) {
            // An injected pend: this operation only, the switch left as it is.
        } else if deferral.defer_next == 0 {
            return Start::Now(completer);
        } else {
            deferral.defer_next -= 1;
        }
        let id = deferral.next_id;
        deferral.next_id += 1;
        deferral.pending.insert(
            id,
            PendingOp {
                socket,
                transferred,
                completer,
            },
        );
        Start::Pending
    }

    /// The pending operations, oldest first.
    pub(crate) fn pending_operations(&self) -> Vec<PendingInfo> {
        let deferral = self.deferral.lock();
        deferral
            .pending
            .iter()
            .map(|(&id, op)| PendingInfo {
                id,
                socket: op.socket,
            })
            .collect()
    }

    /// Completes pending operation `id`: with what it transferred, or with `error`.
    /// `false` if it is no longer pending.
    pub(crate) fn complete_pending(&self, id: u64, error: Option<Error>) -> bool {
        let Some(op) = self.deferral.lock().pending.remove(&id) else {
            return false;
        };
        (op.completer)(error.map_or(Ok(op.transferred), Err));
        true
    }

    /// Takes the pending operations of `socket` (every socket: `None`), for the caller to
    /// abort once it holds no lock ([`abort`]).
    pub(crate) fn take_pending(&self, socket: Option<SOCKET>) -> Vec<Completer> {
        let mut deferral = self.deferral.lock();
        let ids: Vec<u64> = deferral
            .pending
            .iter()
            .filter(|(_, op)| socket.is_none_or(|socket| op.socket == socket))
            .map(|(&id, _)| id)
            .collect();
        ids.into_iter()
            .filter_map(|id| deferral.pending.remove(&id))
            .map(|op| op.completer)
            .collect()
    }
}

/// Completes each taken operation with `WSA_OPERATION_ABORTED`, as Windows completes the
/// calls pending on a socket that is closed.
pub(crate) fn abort(completers: Vec<Completer>) {
    for completer in completers {
        completer(Err(Error::OperationAborted));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    fn recorder() -> (Arc<Mutex<Vec<Result<u32>>>>, impl Fn() -> Completer) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let make = {
            let seen = Arc::clone(&seen);
            move || -> Completer {
                let seen = Arc::clone(&seen);
                Box::new(move |outcome| seen.lock().unwrap().push(outcome))
            }
        };
        (seen, make)
    }

    fn table_with_sockets() -> (SocketTable, SOCKET, SOCKET) {
        let table = SocketTable::default();
        table.startup(0x0202).unwrap();
        let overlapped = table.create(2, 2, 0, true).unwrap();
        let plain = table.create(2, 2, 0, false).unwrap();
        (table, overlapped, plain)
    }

    #[test]
    fn immediate_by_default_pending_when_deferred_and_ignored_when_not_overlapped() {
        let (table, overlapped, plain) = table_with_sockets();
        let (seen, make) = recorder();
        assert_eq!(table.prepare_overlapped(plain), Ok(false));
        assert_eq!(table.prepare_overlapped(overlapped), Ok(true));
        let Start::Now(completer) =
            table.start_overlapped(Call::SetPeerTargetName, overlapped, 7, &make)
        else {
            panic!()
        };
        completer(Ok(7));
        table.defer_overlapped(1);
        assert!(matches!(
            table.start_overlapped(Call::SetPeerTargetName, overlapped, 9, &make),
            Start::Pending
        ));
        assert!(
            matches!(
                table.start_overlapped(Call::SetPeerTargetName, overlapped, 0, &make),
                Start::Now(_)
            ),
            "only one deferred"
        );
        let pending = table.pending_operations();
        assert_eq!(
            pending,
            [PendingInfo {
                id: 0,
                socket: overlapped
            }]
        );
        assert!(table.complete_pending(0, None));
        assert!(!table.complete_pending(0, None), "once only");
        assert_eq!(*seen.lock().unwrap(), [Ok(7), Ok(9)]);
        assert_eq!(table.prepare_overlapped(0x4), Err(Error::NotSocket));
        // An operation whose socket closed after it ran completes at once, never pends
        // where no close would abort it.
        table.defer_overlapped(1);
        table.close(overlapped).unwrap();
        assert!(matches!(
            table.start_overlapped(Call::SetPeerTargetName, overlapped, 0, &make),
            Start::Now(_)
        ));
        assert_eq!(table.pending_operations(), []);
    }

    #[test]
    fn taking_a_socket_s_operations_leaves_the_others() {
        let (table, a, _) = table_with_sockets();
        let b = table.create(2, 1, 0, true).unwrap();
        let (seen, make) = recorder();
        table.defer_overlapped(3);
        for socket in [a, b, a] {
            assert!(matches!(
                table.start_overlapped(Call::SetPeerTargetName, socket, 0, &make),
                Start::Pending
            ));
        }
        abort(table.take_pending(Some(a)));
        assert_eq!(*seen.lock().unwrap(), [Err(Error::OperationAborted); 2]);
        assert_eq!(
            table.pending_operations(),
            [PendingInfo { id: 1, socket: b }]
        );
        assert!(table.complete_pending(1, Some(Error::NoBufferSpace)));
        assert_eq!(seen.lock().unwrap()[2], Err(Error::NoBufferSpace));
    }
}
