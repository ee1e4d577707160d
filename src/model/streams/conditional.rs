//! `SO_CONDITIONAL_ACCEPT` on a listener: the stack no longer completes a connection's
//! handshake by itself; the server's `accept`, or `WSAAccept` whose condition function
//! returns `CF_ACCEPT`, completes it, and `CF_REJECT` refuses it.
//!
//! A connect that reaches such a listener is queued in its backlog as any other, but the
//! client is not connected yet: its attempt is [`ConnectAttempt::Awaiting`]. A blocking
//! `connect` waits for the decision ([`Awaited::Decision`]); a non-blocking one returns
//! `WSAEWOULDBLOCK` and the socket becomes writable (`FD_CONNECT`) when it is accepted, or
//! reports `WSAECONNREFUSED` (`SO_ERROR`, `FD_CONNECT`'s error) when it is rejected. `CF_DEFER`
//! leaves it waiting. A second `connect` meanwhile is `WSAEALREADY`; a send is
//! `WSAENOTCONN`. The listener's close refuses every connection still waiting
//! ([`crate::choices::CONDITIONAL_ACCEPT`]).
#![forbid(unsafe_code)]

use std::num::NonZeroUsize;
use std::time::Duration;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::error::{Error, Result};
use crate::model::options::Opt;
use crate::model::socket::{ConnectAttempt, SocketEntry, State};
use crate::model::waits::Awaited;
use crate::model::SocketTable;

impl SocketEntry {
    /// Whether a connection to this listener waits for its decision.
    pub(in crate::model) fn conditional_accept(&self) -> bool {
        self.option_on(Opt::ConditionalAccept)
    }

    /// Whether the socket's connect waits for a listener's decision.
    pub(in crate::model) fn awaiting_decision(&self) -> bool {
        matches!(
            self.flow().and_then(|flow| flow.connect),
            Some(ConnectAttempt::Awaiting(_))
        )
    }

    /// The server took this client's waiting connection as `remote`: the handshake
    /// completes, the socket is connected to the peer it named. False if it was not
    /// waiting (an ordinary connection, already connected). `now`: the network's clock.
    pub(in crate::model) fn complete_awaiting(&mut self, remote: SOCKET, now: Duration) -> bool {
        let Some(ConnectAttempt::Awaiting(peer)) = self.flow().and_then(|flow| flow.connect) else {
            return false;
        };
        self.state = State::Connected {
            peer,
            remote: NonZeroUsize::new(remote),
        };
        self.mark_connected(now);
        self.flow_mut().connect = Some(ConnectAttempt::Completed);
        true
    }

    /// The server refused this client's waiting connection (`CF_REJECT`, or its close):
    /// the connect fails with `WSAECONNREFUSED`. False if it was not waiting.
    pub(in crate::model) fn refuse_awaiting(&mut self) -> bool {
        if !self.awaiting_decision() {
            return false;
        }
        self.flow_mut().connect = Some(ConnectAttempt::Failed(Error::ConnectionRefused));
        true
    }
}

impl SocketTable {
    /// A blocking `connect` whose connection waits for the listener's decision: waits for
    /// it, and returns the outcome as `connect` does (a success or a refusal leaves nothing
    /// for `SO_ERROR`, as for any blocking connect).
    pub(in crate::model) fn await_decision(&self, handle: SOCKET) -> Result<()> {
        self.blocking("connect", handle, Awaited::Decision, || {
            self.with_entry(handle, |entry| {
                let outcome = match entry.flow().and_then(|flow| flow.connect) {
                    Some(ConnectAttempt::Awaiting(_)) => return Err(Error::WouldBlock),
                    Some(ConnectAttempt::Failed(error)) => Err(error),
                    _ => Ok(()),
                };
                entry.flow_mut().connect = None;
                outcome
            })
        })
    }
}
