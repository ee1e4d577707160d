//! Readiness: what `select`, `WSAPoll` and `WSAEventSelect` report of a socket, in one
//! place.
//!
//! | file | what |
//! | --- | --- |
//! | `mod.rs` | [`Conditions`]: one socket's readable / writable / exceptional state, and the `revents` of `WSAPoll` |
//! | `select.rs` | `select` and `WSAPoll` over many sockets, waiting on the network's clock |
//! | `network_events.rs` | `WSAEventSelect` / `WSAEnumNetworkEvents`: the record of network events, its re-enabling rules, the event object |
//!
//! Every readiness call reads a socket through [`Conditions::of`], so `select`, `WSAPoll`,
//! the network events and the reference model of the tests cannot disagree on what
//! "readable" means. The emulator has no urgent (out-of-band) data (`MSG_OOB` is refused,
//! [`crate::choices::DATA_FLAGS`]), so `FD_OOB`, `POLLRDBAND` and the OOB half of
//! `exceptfds` never arise ([`crate::choices::NO_URGENT_DATA`]).
#![forbid(unsafe_code)]

pub(crate) mod network_events;
mod select;

use windows_sys::Win32::Networking::WinSock::{
    POLLERR, POLLHUP, POLLRDNORM, POLLWRNORM, SOCKET, WSAPOLL_EVENT_FLAGS,
};

pub(crate) use select::{SelectEntry, SetKind};

use super::socket::{ConnectAttempt, SocketEntry, State};
use super::SocketTable;

impl SocketTable {
    /// Completes `conditions` with what the far end of a connected stream holds: a send is
    /// possible only while it holds less than the connection's room (flow control,
    /// [`crate::choices::FLOW_CONTROL`]; facts 1.4: a full send buffer is not writable).
    /// Takes the far end's shard lock: call it with no shard lock held.
    pub(crate) fn settle(&self, conditions: &mut Conditions) {
        if let Some((remote, sending)) = conditions.room_at.take() {
            if let Some(far) = self.shard(remote).lock().get(&remote) {
                let held = far.io.as_deref().map_or(0, |io| io.inbound.len());
                let room = super::data::stream_room(super::data::receive_buffer(far), sending);
                conditions.can_send &= held < room;
            }
        }
    }
}

/// What one socket offers now, as the readiness calls see it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Conditions {
    /// A listener holds a connection `accept` can take at once.
    pub(crate) connections: usize,
    /// Stream bytes, or datagrams and port-unreachable notifications, a receive would meet
    /// now.
    pub(crate) data: usize,
    /// A stream's peer finished sending: a receive returns 0 (the FIN).
    pub(crate) finished: bool,
    /// A stream's peer reset the connection: a receive fails with `WSAECONNRESET`.
    pub(crate) reset: bool,
    /// A send would not block: a connected stream, or any datagram socket.
    pub(crate) can_send: bool,
    /// The socket is bound (an unbound datagram socket is writable but records no
    /// `FD_WRITE`, facts 2.4).
    pub(crate) bound: bool,
    /// The last non-blocking connect failed (`SO_ERROR` holds its error).
    pub(crate) connect_failed: bool,
    /// A connected stream's far end and this socket's `SO_SNDBUF`: whether a send would
    /// be taken depends on what the far end holds, which [`SocketTable::settle`] looks at
    /// (under the far end's own shard lock, after this one's is released).
    pub(crate) room_at: Option<(SOCKET, usize)>,
}

/// How the last non-blocking connect of `entry` ended, if one did: `Ok` for a connection,
/// the error otherwise (model/options.rs keeps it for `SO_ERROR`).
pub(crate) fn connect_outcome(entry: &SocketEntry) -> Option<Result<(), crate::error::Error>> {
    match entry.flow()?.connect? {
        ConnectAttempt::Completed => Some(Ok(())),
        ConnectAttempt::Failed(error) => Some(Err(error)),
        ConnectAttempt::Awaiting(_) => None,
    }
}

impl Conditions {
    /// The conditions of `entry` now: the `select` page's list, item by item.
    pub(crate) fn of(entry: &SocketEntry) -> Self {
        let io = entry.io.as_deref();
        let stream = entry.is_stream();
        let sending = || super::data::send_buffer(entry);
        let (connections, can_send, room_at) = match &entry.state {
            State::Listening(listener) => (listener.pending.len(), false, None),
            // A connection not accepted yet holds what it sent with the client.
            State::Connected { remote: None, .. } if stream => {
                let held = io.map_or(0, |io| io.unsent.len());
                let room = super::data::stream_room(crate::choices::DEFAULT_BUFFER, sending());
                (0, held < room, None)
            }
            State::Connected { remote, .. } => (
                0,
                true,
                remote.filter(|_| stream).map(|r| (r.get(), sending())),
            ),
            State::Idle => (0, !stream, None),
        };
        // A queued port-unreachable notice counts: the receive that meets it fails at once.
        let data = io.map_or(0, |io| {
            if stream {
                io.inbound.len()
            } else {
                io.datagrams.len()
            }
        });
        Self {
            connections,
            data,
            finished: stream && io.is_some_and(|io| io.peer_finished),
            reset: stream && io.is_some_and(|io| io.reset),
            can_send,
            bound: entry.local.is_some(),
            connect_failed: !entry.is_connected() && matches!(connect_outcome(entry), Some(Err(_))),
            room_at,
        }
    }

    /// `readfds`: a connection to accept, data to read, or the connection closed or reset
    /// (the receive would not block).
    pub(crate) fn readable(&self) -> bool {
        self.connections > 0 || self.data > 0 || self.finished || self.reset
    }

    /// `writefds`: a connect completed, or a send can be made.
    pub(crate) fn writable(&self) -> bool {
        self.can_send
    }

    /// `exceptfds`: a failed non-blocking connect (OOB data never arises,
    /// [`crate::choices::NO_URGENT_DATA`]).
    pub(crate) fn exceptional(&self) -> bool {
        self.connect_failed
    }

    /// `WSAPoll`'s `revents` for an entry that asked for `events` (already validated):
    /// `POLLRDNORM` (a connection or data) and `POLLWRNORM` only when asked for,
    /// `POLLHUP` (FIN, reset or failed connect) and `POLLERR` (reset or failed connect)
    /// always (facts 2.3's table). A failed connect is `POLLHUP | POLLERR | POLLWRNORM`, as
    /// on Windows 10 2004 and later ([`crate::choices::WSAPOLL_FAILED_CONNECT`]).
    pub(crate) fn revents(&self, events: WSAPOLL_EVENT_FLAGS) -> WSAPOLL_EVENT_FLAGS {
        let mut revents = 0;
        if self.connections > 0 || self.data > 0 {
            revents |= POLLRDNORM;
        }
        if self.can_send || self.connect_failed {
            revents |= POLLWRNORM;
        }
        revents &= events;
        if self.finished || self.reset || self.connect_failed {
            revents |= POLLHUP;
        }
        if self.reset || self.connect_failed {
            revents |= POLLERR;
        }
        revents
    }
}
