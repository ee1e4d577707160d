//! The table's blocking calls: one loop around a non-blocking attempt
//! ([`SocketTable::blocking`]), and how a wait that ended without what it waited for
//! becomes the call's error.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::SOCKET;

use super::{Ended, Stall, WaitRequest};
use crate::error::{Error, Result};
use crate::model::SocketTable;

/// What a blocking call waits for, and which timeout bounds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Awaited {
    /// `accept`: a connection in the backlog (no timeout applies).
    Connection,
    /// A receive: data, the peer's FIN, a reset or a close (`SO_RCVTIMEO`).
    Data,
    /// A stream send: room in the connection (`SO_SNDTIMEO`).
    Room,
    /// A `connect` to a listener with `SO_CONDITIONAL_ACCEPT`: the server's decision (no
    /// timeout applies).
    Decision,
}

impl Awaited {
    fn words(self) -> &'static str {
        match self {
            Awaited::Connection => "a connection to accept",
            Awaited::Data => "data, the peer's FIN or reset, or a close",
            Awaited::Room => "room in the connection (the peer reading)",
            Awaited::Decision => "the listener's accept (SO_CONDITIONAL_ACCEPT)",
        }
    }
}

impl SocketTable {
    /// A blocking call on `handle`: `attempt` (which takes and releases its own locks) is
    /// made; if it fails with `WSAEWOULDBLOCK` on a blocking socket, the call waits until
    /// something changes on the network and attempts again, until it gives anything else.
    ///
    /// The wait ends early with `WSAETIMEDOUT` at the socket's timeout for `awaited`, with
    /// `WSAEINTR` when the socket was closed (or `WSACleanup` closed it) meanwhile
    /// ([`crate::choices::CLOSE_INTERRUPTS_WAITS`]), and with `WSAENETDOWN` on a stall
    /// ([`crate::choices::STALL_ENDS_THE_CALL`]). Completion routines queued to the thread
    /// run during the wait (facts 1.8). A non-blocking socket gets the attempt's
    /// `WSAEWOULDBLOCK`. `handle` is the socket, as [`SocketTable::socket_of`] names it:
    /// the wait is the socket's, and a close of another of its handles does not end it
    /// ([`crate::choices::DUPLICATE_IS_A_SECOND_HANDLE`]).
    #[inline]
    pub(crate) fn blocking<R>(
        &self,
        call: &'static str,
        handle: SOCKET,
        awaited: Awaited,
        mut attempt: impl FnMut() -> Result<R>,
    ) -> Result<R> {
        let first = attempt();
        if !matches!(first, Err(Error::WouldBlock)) {
            return first;
        }
        self.block(call, handle, awaited, attempt, first)
    }

    /// [`SocketTable::blocking`] once the first attempt would block: out of line, so the
    /// calls that complete at once carry none of it.
    #[cold]
    #[inline(never)]
    fn block<R>(
        &self,
        call: &'static str,
        handle: SOCKET,
        awaited: Awaited,
        mut attempt: impl FnMut() -> Result<R>,
        first: Result<R>,
    ) -> Result<R> {
        let (nonblocking, timeout) = self.with_entry(handle, |entry| {
            let options = entry.flow();
            let timeout = match awaited {
                Awaited::Connection | Awaited::Decision => None,
                Awaited::Data => options.and_then(|o| o.receive_timeout),
                Awaited::Room => options.and_then(|o| o.send_timeout),
            };
            Ok((entry.nonblocking, timeout))
        })?;
        if nonblocking {
            return first;
        }
        let request = WaitRequest {
            call,
            socket: Some(handle),
            what: awaited.words(),
            deadline: timeout.and_then(|timeout| self.waits.deadline_after(timeout)),
            alertable: true,
        };
        let outcome = self.waits.until(&request, || match attempt() {
            Err(Error::WouldBlock) => None,
            // It was there when the wait began: closed since.
            Err(Error::NotSocket | Error::NotInitialised) => Some(Err(Error::Interrupted)),
            done => Some(done),
        });
        outcome.unwrap_or_else(|ended| Err(self.wait_failed(ended)))
    }

    /// The error a blocking call reports when its wait ended without what it waited for:
    /// `WSAETIMEDOUT` at its deadline, `WSAENETDOWN` for a stall
    /// ([`crate::choices::STALL_ENDS_THE_CALL`]). The waiter that found a stall composes its
    /// diagnosis (with no lock held), prints it to stderr and records it.
    pub(crate) fn wait_failed(&self, ended: Ended) -> Error {
        match ended {
            Ended::TimedOut => Error::TimedOut,
            Ended::Stalled(found) => {
                if let Some(found) = found {
                    let stall = Stall::compose(&found, self.waits.stall_limit(), &self.snapshot());
                    eprint!("{stall}");
                    self.observer.stalled(stall.socket(), &stall.to_string());
                    self.waits.record(stall);
                }
                Error::NetworkDown
            }
        }
    }
}
