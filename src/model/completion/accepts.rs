//! `AcceptEx` operations waiting for a connection: posted on a listener with an accept
//! socket, taken in posting order as connections arrive (so a deferred connection goes to
//! the next one, facts 7.3), each then waiting for the first data when it asked for some.
//!
//! An operation is attempted again after every change that can satisfy or end it (a
//! connect, a close, [`SocketTable::signal`]); with none posted that costs one atomic load.
//! Its fill runs with no lock held.
//!
//! Locking: the posted list's mutex is taken with no other lock held, before the topology
//! lock the accept itself takes.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::error::{Error, Result};
use crate::model::socket::State;
use crate::model::sync::{process_wide, Mutex};
use crate::model::SocketTable;

/// What a completed `AcceptEx` reports: the addresses and the first data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Accepted {
    /// The accepted socket's local address (the one the client connected to).
    pub(crate) local: SocketAddr,
    /// The client's address.
    pub(crate) remote: SocketAddr,
    /// The first data received (empty when none was asked for, or the client closed
    /// without sending).
    pub(crate) data: Vec<u8>,
}

/// Reports an `AcceptEx`'s outcome to the caller's buffer and `OVERLAPPED`.
pub(crate) type AcceptFill = Box<dyn FnOnce(Result<Accepted>) + Send>;

/// One posted `AcceptEx`.
struct Posted {
    /// The identity of the listener's table.
    table: u64,
    listener: SOCKET,
    target: SOCKET,
    /// `dwReceiveDataLength`.
    data_len: usize,
    /// The `OVERLAPPED`'s address, for `CancelIoEx`.
    tag: usize,
    fill: AcceptFill,
}

/// The posted operations of every table (a process-wide value: `model::sync`).
fn posted() -> &'static Mutex<Vec<Posted>> {
    process_wide!(Mutex<Vec<Posted>>, Mutex::new(Vec::new()))
}

/// How many are posted, on every table.
static COUNT: AtomicUsize = AtomicUsize::new(0);

impl SocketTable {
    /// Posts an `AcceptEx` on `listener` into `target`, waiting for a connection and then,
    /// if `data_len` > 0, for its first data. Errors, checked at once: `WSAENOTSOCK` for a
    /// handle that names no socket; `WSAEINVAL` for a listener that does not listen, or a
    /// target that is not an idle, unbound stream socket of its family, or is already the
    /// target of a pending `AcceptEx`. `begin` (run under the list's lock once the checks
    /// passed; it must not call back into the table) marks the caller's `OVERLAPPED`
    /// pending and builds the fill, which runs once: with the connection, or with
    /// `WSA_OPERATION_ABORTED` when either socket is closed or the operation is canceled.
    pub(crate) fn post_accept(
        &self,
        listener: SOCKET,
        target: SOCKET,
        data_len: usize,
        tag: usize,
        begin: impl FnOnce() -> AcceptFill,
    ) -> Result<()> {
        // Posted on the sockets, whichever handles name them.
        let listener = self.socket_of(listener)?;
        let target = self.socket_of(target)?;
        let family = self.with_entry(listener, |entry| match entry.state {
            State::Listening(_) => Ok(entry.kind.family),
            _ => Err(Error::Invalid),
        })?;
        {
            let mut posted = posted().lock();
            self.with_entry(target, |entry| {
                let idle = entry.state == State::Idle && entry.local.is_none();
                if !idle || !entry.is_stream() || entry.kind.family != family {
                    return Err(Error::Invalid);
                }
                entry.overlapped_started = true;
                Ok(())
            })?;
            let busy = posted
                .iter()
                .any(|op| op.table == self.identity && op.target == target);
            if busy {
                return Err(Error::Invalid);
            }
            posted.push(Posted {
                table: self.identity,
                listener,
                target,
                data_len,
                tag,
                fill: begin(),
            });
            COUNT.fetch_add(1, Ordering::SeqCst);
        }
        // A connection may be waiting already.
        self.fill_accepts();
        Ok(())
    }

    /// Attempts this table's posted `AcceptEx` operations in posting order; those that got
    /// a connection go on to their first data, those whose sockets closed are aborted.
    /// Called with no lock held.
    pub(crate) fn fill_accepts(&self) {
        if COUNT.load(Ordering::SeqCst) == 0 {
            return;
        }
        let mut ready = Vec::new();
        {
            let mut posted = posted().lock();
            let mut kept = Vec::with_capacity(posted.len());
            for op in posted.drain(..) {
                if op.table != self.identity {
                    kept.push(op);
                    continue;
                }
                match self.accept_into(op.listener, op.target) {
                    Err(Error::WouldBlock) => kept.push(op),
                    Ok(addresses) => {
                        self.await_accept_context(op.target, true);
                        ready.push((op, Ok(addresses)));
                    }
                    Err(Error::NotSocket | Error::NotInitialised) => {
                        ready.push((op, Err(Error::OperationAborted)));
                    }
                    Err(error) => ready.push((op, Err(error))),
                }
            }
            *posted = kept;
            COUNT.store(posted.len(), Ordering::SeqCst);
        }
        for (op, outcome) in ready {
            match outcome {
                Ok((local, remote)) => self.first_data(op, local, remote),
                Err(error) => (op.fill)(Err(error)),
            }
        }
    }

    /// An accepted `AcceptEx`: completes now, or once the first data (or the end of the
    /// stream, or an error) arrives.
    fn first_data(&self, op: Posted, local: SocketAddr, remote: SocketAddr) {
        if op.data_len == 0 {
            let accepted = Accepted {
                local,
                remote,
                data: Vec::new(),
            };
            (op.fill)(Ok(accepted));
            return;
        }
        let mut fill = Some(op.fill);
        let posted = self.post_receive(op.target, op.data_len, 0, op.tag, || {
            let fill = fill.take().expect("begin runs once");
            Box::new(move |received| {
                fill(received.map(|received| Accepted {
                    local,
                    remote,
                    data: received.data.as_slice().to_vec(),
                }))
            })
        });
        if posted.is_err() {
            if let Some(fill) = fill.take() {
                fill(Err(Error::OperationAborted));
            }
        }
    }

    /// Takes the posted `AcceptEx` operations on `listener` (only the one whose
    /// `OVERLAPPED` is at `tag`, when given), for `CancelIoEx`: their fills, to run with
    /// `WSA_OPERATION_ABORTED` once no lock is held.
    pub(crate) fn take_accepts(&self, listener: SOCKET, tag: Option<usize>) -> Vec<AcceptFill> {
        let mut posted = posted().lock();
        let mut taken = Vec::new();
        let mut kept = Vec::with_capacity(posted.len());
        for op in posted.drain(..) {
            let matches = op.table == self.identity
                && op.listener == listener
                && tag.is_none_or(|tag| tag == op.tag);
            if matches {
                taken.push(op.fill);
            } else {
                kept.push(op);
            }
        }
        *posted = kept;
        COUNT.store(posted.len(), Ordering::SeqCst);
        taken
    }
}
