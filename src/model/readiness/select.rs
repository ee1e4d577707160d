//! `select` and `WSAPoll` over many sockets: one look at every socket per attempt, and a
//! wait on the network's clock between attempts ([`crate::model::waits`]).
//!
//! Each handle is looked at under its own shard lock, in the caller's order. Grouping the
//! handles by shard first (a counting sort per call, one lock per shard) was measured and
//! removed: it saved nothing at 1,024 sockets, where the cost is the memory each look
//! reads, and cost a quarter more at 64, where the sort and its buffers outweighed the
//! locks it saved (`docs/performance.md`, comparison 7).
#![forbid(unsafe_code)]

use std::time::Duration;

use windows_sys::Win32::Networking::WinSock::{POLLNVAL, POLLWRNORM, SOCKET, WSAPOLLFD};

use super::Conditions;
use crate::error::{Error, Result};
use crate::model::waits::WaitRequest;
use crate::model::SocketTable;
use crate::rules;

/// Which of `select`'s three sets an entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SetKind {
    /// `readfds`.
    Read,
    /// `writefds`.
    Write,
    /// `exceptfds`.
    Except,
}

/// One handle of one of `select`'s sets, and whether it is ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SelectEntry {
    /// The handle as the set holds it.
    pub(crate) handle: SOCKET,
    /// The set it is in.
    pub(crate) set: SetKind,
    /// Whether it is ready for what its set asks (written by [`SocketTable::select`]).
    pub(crate) ready: bool,
}

/// Which `WSAPoll` entries named a socket when the call began, one bit each (others are
/// ignored: a negative `fd`, or a handle that named nothing). Up to 64 entries need no
/// allocation.
enum Named {
    Few(u64),
    Many(Vec<u64>),
}

impl Named {
    fn new(len: usize) -> Self {
        if len <= 64 {
            Named::Few(0)
        } else {
            Named::Many(vec![0; len.div_ceil(64)])
        }
    }

    fn set(&mut self, index: usize) {
        match self {
            Named::Few(bits) => *bits |= 1 << index,
            Named::Many(words) => words[index / 64] |= 1 << (index % 64),
        }
    }

    fn get(&self, index: usize) -> bool {
        match self {
            Named::Few(bits) => bits & (1 << index) != 0,
            Named::Many(words) => words[index / 64] & (1 << (index % 64)) != 0,
        }
    }

    fn any(&self) -> bool {
        match self {
            Named::Few(bits) => *bits != 0,
            Named::Many(words) => words.iter().any(|word| *word != 0),
        }
    }
}

/// Whether `entry` is ready for what its set asks, given what a look found: a socket closed
/// since the call began is readable in `readfds` and `WSAENOTSOCK` elsewhere.
fn decide(entry: &mut SelectEntry, looked: Option<Conditions>, began: bool) -> Result<bool> {
    entry.ready = match (looked, entry.set) {
        (Some(conditions), SetKind::Read) => conditions.readable(),
        (Some(conditions), SetKind::Write) => conditions.writable(),
        (Some(conditions), SetKind::Except) => conditions.exceptional(),
        (None, SetKind::Read) if !began => true,
        (None, _) => return Err(Error::NotSocket),
    };
    Ok(entry.ready)
}

impl SocketTable {
    /// The conditions of the socket `handle` names, if it names one (the startup check is
    /// the caller's: once per call, not once per socket).
    /// `room`: whether writability matters to the caller, so the far end is looked at.
    fn look(&self, handle: SOCKET, room: bool) -> Option<Conditions> {
        let socket = self.socket_of(handle).ok()?;
        let mut conditions = self.shard(socket).lock().get(&socket).map(Conditions::of)?;
        if room {
            self.settle(&mut conditions);
        }
        Some(conditions)
    }

    /// The timeout as a deadline on the network's clock: `None` waits forever.
    fn readiness_request(&self, call: &'static str, timeout: Option<Duration>) -> WaitRequest {
        WaitRequest {
            call,
            socket: None,
            what: "a socket of the call to become ready",
            deadline: timeout.and_then(|timeout| self.waits.deadline_after(timeout)),
            alertable: true,
        }
    }

    /// Makes `attempt` until it reports something ready, or the timeout passes (`Ok(false)`
    /// then). A zero timeout makes one attempt. The wait is alertable (facts 1.8).
    fn readiness_wait(
        &self,
        call: &'static str,
        timeout: Option<Duration>,
        mut attempt: impl FnMut() -> Result<bool>,
    ) -> Result<bool> {
        if timeout == Some(Duration::ZERO) {
            return attempt();
        }
        let request = self.readiness_request(call, timeout);
        let outcome = self.waits.until(&request, || match attempt() {
            Ok(false) => None,
            done => Some(done),
        });
        match outcome {
            Ok(done) => done,
            Err(crate::model::waits::Ended::TimedOut) => Ok(false),
            Err(ended) => Err(self.wait_failed(ended)),
        }
    }

    /// `select` over `entries` (the three sets, in order): marks each ready entry, waiting
    /// up to `timeout` (`None`: forever) for at least one.
    ///
    /// Errors: `WSANOTINITIALISED`; `WSAEINVAL` when the sets hold no handle
    /// ([`rules::readiness::select_has_a_handle`]); `WSAENOTSOCK` when a handle names no socket, and then
    /// no entry is marked. A socket closed while the call waits is reported readable when it
    /// is in `readfds`, and ends the call with `WSAENOTSOCK` otherwise
    /// ([`crate::choices::SELECT_CLOSED_DURING_WAIT`]).
    pub(crate) fn select(
        &self,
        entries: &mut [SelectEntry],
        timeout: Option<Duration>,
    ) -> Result<()> {
        self.require_startup()?;
        rules::readiness::select_has_a_handle(entries.len())?;
        let mut first = true;
        let ready = self.readiness_wait("select", timeout, || {
            let began = std::mem::replace(&mut first, false);
            let mut any = false;
            for entry in entries.iter_mut() {
                let looked = self.look(entry.handle, entry.set == SetKind::Write);
                any |= decide(entry, looked, began)?;
            }
            Ok(any)
        });
        if let Err(error) = ready {
            entries.iter_mut().for_each(|entry| entry.ready = false);
            return Err(error);
        }
        Ok(())
    }

    /// `WSAPoll` over `fds`: writes each `revents` and returns how many entries are ready,
    /// waiting up to `timeout` (`None`: forever) for at least one.
    ///
    /// A negative `fd` is ignored with `POLLNVAL` in `revents` and not counted, and so is a
    /// handle that names no socket when the call begins; when no entry names a socket every
    /// `revents` is `POLLNVAL` and the call fails with `WSAENOTSOCK` (facts 2.3, DOC≠WIN).
    /// `events` other than `POLLRDNORM`, `POLLRDBAND` and `POLLWRNORM` fail the call with
    /// `WSAEINVAL` ([`rules::readiness::poll_events_supported`]) and nothing is written. A socket closed
    /// while the call waits gets `POLLNVAL` and counts (facts 1.7).
    pub(crate) fn poll(&self, fds: &mut [WSAPOLLFD], timeout: Option<Duration>) -> Result<usize> {
        self.require_startup()?;
        if fds.is_empty() {
            return Err(Error::Invalid);
        }
        let mut named = Named::new(fds.len());
        let mut first = true;
        let mut count = 0;
        self.readiness_wait("WSAPoll", timeout, || {
            let began = std::mem::replace(&mut first, false);
            count = 0;
            for (index, fd) in fds.iter_mut().enumerate() {
                let looked = self.look(fd.fd, fd.events & POLLWRNORM != 0);
                if began && looked.is_some() && !rules::readiness::poll_fd_ignored(fd.fd) {
                    named.set(index);
                }
                fd.revents = match (named.get(index), looked) {
                    (false, _) => POLLNVAL,
                    (true, Some(conditions)) => conditions.revents(fd.events),
                    // Closed (or `WSACleanup`) since the call began: POLLNVAL, counted.
                    (true, None) => POLLNVAL,
                };
                count += usize::from(named.get(index) && fd.revents != 0);
            }
            if began {
                if !named.any() {
                    fds.iter_mut().for_each(|fd| fd.revents = POLLNVAL);
                    return Err(Error::NotSocket);
                }
                for fd in fds
                    .iter()
                    .filter(|fd| !rules::readiness::poll_fd_ignored(fd.fd))
                {
                    rules::readiness::poll_events_supported(fd.events)?;
                }
            }
            Ok(count > 0)
        })?;
        Ok(count)
    }
}
