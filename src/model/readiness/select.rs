//! `select` and `WSAPoll` over many sockets: one look at every socket per attempt, and a
//! wait on the network's clock between attempts ([`crate::model::waits`]).
#![forbid(unsafe_code)]

use std::time::Duration;

use windows_sys::Win32::Networking::WinSock::{POLLNVAL, SOCKET, WSAPOLLFD};

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

/// What one look at a `WSAPoll` entry found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// A negative `fd` or a handle that named no socket when the call began: `POLLNVAL`,
    /// not counted.
    Ignored,
    /// A socket.
    Socket,
}

impl SocketTable {
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
                let looked = self.with_socket(entry.handle, |socket| Ok(Conditions::of(socket)));
                entry.ready = match (looked, entry.set) {
                    (Ok(conditions), SetKind::Read) => conditions.readable(),
                    (Ok(conditions), SetKind::Write) => conditions.writable(),
                    (Ok(conditions), SetKind::Except) => conditions.exceptional(),
                    (Err(Error::NotSocket), SetKind::Read) if !began => true,
                    (Err(error), _) => return Err(error),
                };
                any |= entry.ready;
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
        let mut slots = Vec::with_capacity(fds.len());
        for fd in fds.iter() {
            let named = !rules::readiness::poll_fd_ignored(fd.fd)
                && self.with_socket(fd.fd, |_| Ok(())).is_ok();
            slots.push(if named { Slot::Socket } else { Slot::Ignored });
        }
        if !slots.contains(&Slot::Socket) {
            fds.iter_mut().for_each(|fd| fd.revents = POLLNVAL);
            return Err(Error::NotSocket);
        }
        for fd in fds
            .iter()
            .filter(|fd| !rules::readiness::poll_fd_ignored(fd.fd))
        {
            rules::readiness::poll_events_supported(fd.events)?;
        }
        let mut count = 0;
        self.readiness_wait("WSAPoll", timeout, || {
            count = 0;
            for (fd, slot) in fds.iter_mut().zip(&slots) {
                fd.revents = match slot {
                    Slot::Ignored => POLLNVAL,
                    Slot::Socket => {
                        let revents = match self.with_socket(fd.fd, |socket| {
                            Ok(Conditions::of(socket).revents(fd.events))
                        }) {
                            Ok(revents) => revents,
                            // Closed (or `WSACleanup`) since the call began.
                            Err(_) => POLLNVAL,
                        };
                        count += usize::from(revents != 0);
                        revents
                    }
                };
            }
            Ok(count > 0)
        })?;
        Ok(count)
    }
}
