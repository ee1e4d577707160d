//! Taking connections from a listener's backlog: `accept`, and `WSAAccept` with a condition
//! function, which decides about the oldest waiting connection before it is taken.
//!
//! A condition function is the caller's code, so it runs with no lock held: the oldest
//! connection is looked at under the locks, the locks are released, the function decides,
//! and the connection is then taken (or rejected) only if it is still the oldest one
//! ([`crate::choices::ACCEPT_CONDITION_RACE`]).
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::num::NonZeroUsize;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::error::{Error, Result};
use crate::model::catalog::SocketKind;
use crate::model::options::Options;
use crate::model::socket::{Flow, Io, Link, Pending, Security, SocketEntry, State};
use crate::model::waits::Awaited;
use crate::model::SocketTable;
use crate::wire::{SecuritySettings, TargetName};

/// The oldest connection waiting on a listener, as a condition function is shown it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Waiting {
    /// The client's address: the caller ID.
    pub from: SocketAddr,
    /// The address the client connected to, the listener's local address for this
    /// connection: the callee ID.
    pub to: SocketAddr,
}

/// What a condition function answered about a [`Waiting`] connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// `CF_ACCEPT`: take it, as `accept` does.
    Accept,
    /// `CF_REJECT`: remove it from the backlog and reset the client
    /// ([`crate::choices::ACCEPT_CONDITION_REJECT`]).
    Reject,
    /// `CF_DEFER`: leave it first in the backlog.
    Defer,
    /// Any other value ([`crate::choices::ACCEPT_CONDITION_OTHER_VALUE`]).
    Other,
}

/// A connection taken from a backlog, with what the new socket needs of its listener.
struct Taken {
    pending: Pending,
    kind: SocketKind,
    overlapped: bool,
    inherited: Option<(Option<SecuritySettings>, Option<TargetName>)>,
    /// The listener's option values, which the accepted socket inherits.
    options: Option<Box<Options>>,
    /// The listener's options: an accepted socket inherits its buffer sizes and timeouts
    /// (facts 1.2).
    flow: Option<Box<Flow>>,
    /// The listener's mode: the accepted socket has it too (facts 1.2).
    nonblocking: bool,
}

impl SocketTable {
    /// `accept`: takes the oldest waiting connection and returns the new socket and the
    /// client's address. The new socket inherits the listener's security settings and
    /// principal ([`crate::choices::ACCEPTED_INHERIT_SECURITY`]) and receives what the client sent
    /// before it was accepted.
    ///
    /// Errors: `WSAEINVAL` if the socket is not listening; `WSAEWOULDBLOCK` if nothing is
    /// waiting (the observed `accept` waits on a blocking socket: `model/waits`). `handle`
    /// is the listening socket, as [`Self::socket_of`] names it.
    pub(in crate::model) fn accept_unobserved(
        &self,
        handle: SOCKET,
    ) -> Result<(SOCKET, SocketAddr)> {
        self.require_startup()?;
        let _topology = self.topology.lock();
        let taken = self.pop_oldest(handle, None)?.ok_or(Error::WouldBlock)?;
        self.establish(handle, taken)
    }

    /// `WSAAccept` with a condition function: `decide` is shown the oldest waiting
    /// connection, with no lock held, and its [`Verdict`] is carried out if that connection
    /// is still the oldest; if another call took it meanwhile, `decide` is asked again
    /// about the new oldest one.
    ///
    /// Errors: those of [`SocketTable::accept_unobserved`] (checked before `decide` runs),
    /// `WSAECONNREFUSED` for a rejected connection, `WSATRY_AGAIN` for a deferred one,
    /// `WSAEINVAL` for any other verdict.
    pub(in crate::model) fn accept_deciding_unobserved(
        &self,
        handle: SOCKET,
        mut decide: impl FnMut(Waiting) -> Verdict,
    ) -> Result<(SOCKET, SocketAddr)> {
        let handle = self.socket_of(handle)?;
        loop {
            let (client, waiting) =
                self.blocking("WSAAccept", handle, Awaited::Connection, || {
                    self.oldest_waiting(handle)
                })?;
            let reject = match decide(waiting) {
                Verdict::Accept => false,
                Verdict::Reject => true,
                Verdict::Defer => return Err(Error::TryAgain),
                Verdict::Other => return Err(Error::Invalid),
            };
            self.require_startup()?;
            let _topology = self.topology.lock();
            let Some(taken) = self.pop_oldest(handle, Some(client))? else {
                continue;
            };
            if !reject {
                return self.establish(handle, taken);
            }
            if let Some(entry) = self.shard(client).lock().get_mut(&client) {
                if !entry.refuse_awaiting() {
                    entry.io_mut().reset = true;
                }
            }
            self.waits.changed();
            return Err(Error::ConnectionRefused);
        }
    }

    /// The client handle and the addresses of the oldest connection waiting on `handle`.
    /// Errors: `WSAEINVAL` if it is not listening, `WSAEWOULDBLOCK` if nothing waits.
    fn oldest_waiting(&self, handle: SOCKET) -> Result<(SOCKET, Waiting)> {
        self.with_entry(handle, |entry| {
            let State::Listening(listener) = &entry.state else {
                return Err(Error::Invalid);
            };
            let oldest = listener.pending.front().ok_or(Error::WouldBlock)?;
            let waiting = Waiting {
                from: oldest.from,
                to: oldest.to,
            };
            Ok((oldest.client, waiting))
        })
    }

    /// Removes the oldest connection waiting on `handle`, if there is one and, when `client`
    /// is given, it is that client's (`None` otherwise). `WSAEINVAL` if not listening.
    fn pop_oldest(&self, handle: SOCKET, client: Option<SOCKET>) -> Result<Option<Taken>> {
        self.with_entry(handle, |entry| {
            let inherited = entry
                .security
                .as_ref()
                .map(|security| (security.settings.clone(), security.principal.clone()));
            let flow = entry.flow().cloned().map(|flow| {
                let mut flow = Box::new(flow);
                flow.connect = None;
                flow
            });
            let State::Listening(listener) = &mut entry.state else {
                return Err(Error::Invalid);
            };
            let wanted = |oldest: &Pending| client.is_none_or(|client| oldest.client == client);
            if !listener.pending.front().is_some_and(wanted) {
                return Ok(None);
            }
            Ok(listener.pending.pop_front().map(|pending| Taken {
                pending,
                kind: entry.kind,
                overlapped: entry.overlapped,
                inherited,
                options: entry.io.as_ref().and_then(|io| io.options.clone()),
                flow,
                nonblocking: entry.nonblocking,
            }))
        })
    }

    /// Makes the socket for a connection taken from `listener`'s backlog and tells the
    /// client which socket it talks to: returns the new socket and the client's address.
    /// With the handle space spent (`WSAEMFILE`) the connection goes back, first in the
    /// backlog, as it was (the caller holds the topology lock, so nobody took another).
    fn establish(&self, listener: SOCKET, taken: Taken) -> Result<(SOCKET, SocketAddr)> {
        match self.allocate_handle() {
            Ok(new_handle) => Ok((new_handle, self.establish_at(new_handle, taken, false))),
            Err(error) => {
                self.put_back(listener, taken);
                Err(error)
            }
        }
    }

    /// Puts a taken connection back, first in `listener`'s backlog, as it was.
    fn put_back(&self, listener: SOCKET, taken: Taken) {
        let _ = self.with_entry(listener, |entry| {
            if let State::Listening(queue) = &mut entry.state {
                queue.pending.push_front(taken.pending);
            }
            Ok(())
        });
    }

    /// `AcceptEx`'s accept: takes the oldest connection waiting on `listener` into the
    /// existing socket `target`, which must be an open stream socket of the listener's
    /// family, neither bound nor listening nor connected (`WSAEINVAL` otherwise). It keeps
    /// its own overlapped mode. Returns the local and the remote address. `WSAEWOULDBLOCK`
    /// if nothing waits; a target closed or changed meanwhile leaves the connection first
    /// in the backlog and reports `WSAENOTSOCK` or `WSAEINVAL`. Both are sockets, as
    /// [`Self::socket_of`] names them.
    pub(crate) fn accept_into(
        &self,
        listener: SOCKET,
        target: SOCKET,
    ) -> Result<(SocketAddr, SocketAddr)> {
        let family = self.with_entry(listener, |entry| Ok(entry.kind.family))?;
        let fits = |entry: &SocketEntry| {
            entry.is_stream()
                && entry.kind.family == family
                && entry.local.is_none()
                && entry.state == State::Idle
        };
        let overlapped = self.with_entry(target, |entry| {
            if fits(entry) {
                Ok(entry.overlapped)
            } else {
                Err(Error::Invalid)
            }
        })?;
        self.require_startup()?;
        let _topology = self.topology.lock();
        let mut taken = self.pop_oldest(listener, None)?.ok_or(Error::WouldBlock)?;
        let fitting = self.with_entry(target, |entry| {
            if fits(entry) {
                Ok(())
            } else {
                Err(Error::Invalid)
            }
        });
        if let Err(error) = fitting {
            self.put_back(listener, taken);
            return Err(error);
        }
        taken.overlapped = overlapped;
        let addresses = (taken.pending.to, taken.pending.from);
        self.establish_at(target, taken, true);
        Ok(addresses)
    }

    /// [`Self::establish`] under the handle `new_handle` (new, or `AcceptEx`'s accept
    /// socket, replaced: `replace`): returns the client's address.
    fn establish_at(&self, new_handle: SOCKET, taken: Taken, replace: bool) -> SocketAddr {
        let now = self.waits.now();
        let Taken {
            mut pending,
            kind,
            overlapped,
            inherited,
            options,
            flow,
            nonblocking,
        } = taken;
        let mut io = Io {
            options,
            ..Io::default()
        };
        match self.shard(pending.client).lock().get_mut(&pending.client) {
            Some(client) => {
                if let State::Connected { remote, .. } = &mut client.state {
                    *remote = NonZeroUsize::new(new_handle);
                } else {
                    client.complete_awaiting(new_handle, now);
                }
                if let Some(client_io) = client.io.as_mut() {
                    io.inbound = std::mem::take(&mut client_io.unsent).into();
                    io.peer_finished = client_io.shut_send;
                }
            }
            None => {
                // The client closed before it was accepted: what it sent, then the end.
                io.inbound = std::mem::take(&mut pending.unsent).into();
                io.peer_finished = true;
            }
        }
        io.flow = flow;
        let mut accepted = SocketEntry::new(kind, overlapped);
        accepted.nonblocking = nonblocking;
        accepted.local = Some(pending.to);
        accepted.state = State::Connected {
            peer: pending.from,
            remote: NonZeroUsize::new(pending.client),
        };
        if io != Io::default() {
            accepted.io = Some(Box::new(io));
        }
        accepted.mark_connected(now);
        let (settings, principal) = inherited.unwrap_or_default();
        if settings.is_some() || principal.is_some() || pending.link != Link::default() {
            let link = Some(pending.link).filter(|link| *link != Link::default());
            accepted.security = Some(Box::new(Security {
                settings,
                principal,
                link,
            }));
        }
        if replace {
            if let Some(entry) = self.shard(new_handle).lock().get_mut(&new_handle) {
                accepted.overlapped_started = entry.overlapped_started;
                *entry = accepted;
            }
        } else {
            self.shard(new_handle).lock().insert(new_handle, accepted);
        }
        self.waits.changed();
        pending.from
    }
}
