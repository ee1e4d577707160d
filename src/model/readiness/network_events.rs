//! `WSAEventSelect` and `WSAEnumNetworkEvents`: each socket's record of network events,
//! the re-enabling rules of the `WSAEventSelect` page, and the event object.
//!
//! A socket that was ever given to `WSAEventSelect` holds a [`NetworkEvents`] record. Each
//! event is *armed* (it may be recorded) or not: when its condition holds while it is
//! armed, it is recorded and disarmed, and if it is in the selected mask the event object
//! is set. The re-enabling calls arm it again ([`SocketTable::after_call`]): `recv`-type
//! calls `FD_READ`, `accept` `FD_ACCEPT` (not when a condition function deferred), a
//! send that failed with `WSAEWOULDBLOCK` `FD_WRITE`; `FD_CLOSE` is never re-armed, and
//! `FD_CONNECT` is recorded by each connect that finishes. `FD_READ` and `FD_ACCEPT` are
//! level-triggered (recorded again after a re-enabling call while the condition still
//! holds) and are also recorded again when more data or another connection arrives before
//! the re-enabling call (facts 2.4).
//!
//! After every call the faces make ([`SocketTable::after_call`], from the observer), the
//! conditions of every socket with a record are looked at again. With no record anywhere
//! that costs one atomic load. The record and the event object change together: the event
//! is set or reset under the socket's shard lock (the events lock is a leaf), so
//! `WSAEnumNetworkEvents` clears the record and resets the event as one step, as its page
//! requires, and no signal recorded meanwhile is lost.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::model::sync::Mutex;
use windows_sys::Win32::Networking::WinSock::{
    FD_ACCEPT, FD_CLOSE, FD_CLOSE_BIT, FD_CONNECT, FD_CONNECT_BIT, FD_OOB, FD_READ, FD_WRITE,
    SOCKET, WSAECONNABORTED, WSAEVENT,
};

use super::Conditions;
use crate::error::{Error, Result};
use crate::model::events;
use crate::model::socket::SocketEntry;
use crate::model::SocketTable;
use crate::rules;
use crate::testing::Call;

/// The events a new record may record at once (`FD_CONNECT` is recorded by a connect).
const ARMED_AT_FIRST: u32 = FD_READ | FD_WRITE | FD_OOB | FD_ACCEPT | FD_CLOSE;

/// One socket's record of network events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkEvents {
    /// The event object `WSAEventSelect` named (0 once the selection is cancelled).
    pub event: WSAEVENT,
    /// The selected events (`lNetworkEvents`); 0: no selection.
    pub mask: u32,
    /// Events recorded and not yet enumerated.
    pub recorded: u32,
    /// Events that may be recorded when their condition holds.
    pub armed: u32,
    /// `iErrorCode`, by event bit.
    pub errors: [i32; 10],
    /// The data waiting when `FD_READ` was last recorded: more data records it again.
    data_mark: usize,
    /// The connections waiting when `FD_ACCEPT` was last recorded.
    connection_mark: usize,
}

impl NetworkEvents {
    fn new(event: WSAEVENT, mask: u32) -> Self {
        Self {
            event,
            mask,
            recorded: 0,
            armed: ARMED_AT_FIRST,
            errors: [0; 10],
            data_mark: 0,
            connection_mark: 0,
        }
    }

    /// Records what `conditions` make true among the armed events (and the level-triggered
    /// events whose amount grew); returns the events newly recorded.
    fn look(&mut self, conditions: &Conditions, stream: bool) -> u32 {
        let mut new = 0;
        self.data_mark = self.data_mark.min(conditions.data);
        if conditions.data > 0 && (self.armed & FD_READ != 0 || conditions.data > self.data_mark) {
            new |= FD_READ;
            self.data_mark = conditions.data;
        }
        self.connection_mark = self.connection_mark.min(conditions.connections);
        if conditions.connections > 0
            && (self.armed & FD_ACCEPT != 0 || conditions.connections > self.connection_mark)
        {
            new |= FD_ACCEPT;
            self.connection_mark = conditions.connections;
        }
        if self.armed & FD_WRITE != 0 && conditions.can_send && conditions.bound {
            new |= FD_WRITE;
        }
        if self.armed & FD_CLOSE != 0 && stream && (conditions.finished || conditions.reset) {
            new |= FD_CLOSE;
            // DOC≠WIN: WSAECONNABORTED after a reset, not the page's WSAECONNRESET (facts 8.2).
            self.errors[FD_CLOSE_BIT as usize] = if conditions.reset { WSAECONNABORTED } else { 0 };
        }
        self.armed &= !new;
        self.recorded |= new;
        new
    }

    /// Records `FD_CONNECT` with the connect's error code (0: connected), and signals.
    fn record_connect(&mut self, code: i32) {
        self.recorded |= FD_CONNECT;
        self.errors[FD_CONNECT_BIT as usize] = code;
        self.signal(FD_CONNECT);
    }

    /// Sets the event object if an event in `events` is selected.
    fn signal(&self, events: u32) {
        if events & self.mask != 0 {
            // An event closed meanwhile is the application's affair (the page says it must
            // still close it itself): nothing to set.
            let _ = events::set_state(self.event, true);
        }
    }
}

/// The socket's record, if it has one.
fn record_of(entry: &SocketEntry) -> Option<&NetworkEvents> {
    entry.io.as_deref()?.network_events.as_deref()
}

/// The socket's record, if it has one, to change.
fn record_mut(entry: &mut SocketEntry) -> Option<&mut NetworkEvents> {
    entry.io.as_deref_mut()?.network_events.as_deref_mut()
}

/// Whether `WSAEventSelect` has a selection on the socket now.
pub(crate) fn selected(entry: &SocketEntry) -> bool {
    record_of(entry).is_some_and(|record| record.mask != 0)
}

/// Whether a connect that failed with `error` finished its attempt (`FD_CONNECT` carries the
/// error): the failures `WSAEnumNetworkEvents`'s page lists for `FD_CONNECT`, not the
/// argument and state errors that start no attempt.
fn finishes_a_connect(error: Error) -> bool {
    matches!(
        error,
        Error::ConnectionRefused
            | Error::TimedOut
            | Error::HostUnreachable
            | Error::NoBufferSpace
            | Error::AddressFamilyNotSupported
    )
}

/// `iErrorCode[FD_CONNECT_BIT]` for a connect's outcome.
fn outcome_code(outcome: Result<()>) -> i32 {
    outcome.err().map_or(0, Error::code)
}

/// The sockets of a table that hold a record: those [`SocketTable::after_call`] looks at.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    /// How many handles `sockets` holds: 0 makes [`SocketTable::after_call`] free.
    count: AtomicUsize,
    /// The handles, perhaps of sockets closed since (dropped at the next look). A leaf lock.
    sockets: Mutex<Vec<SOCKET>>,
}

impl Registry {
    fn add(&self, handle: SOCKET) {
        let mut sockets = self.sockets.lock();
        sockets.push(handle);
        self.count.store(sockets.len(), Ordering::Release);
    }
}

/// What `WSAEnumNetworkEvents` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Enumerated {
    /// `lNetworkEvents`.
    pub(crate) events: u32,
    /// `iErrorCode`: only the entries of `events` are meant to be written.
    pub(crate) errors: [i32; 10],
}

impl SocketTable {
    /// `WSAEventSelect`: associates `event` with the events of `mask` on `handle` (0
    /// cancels), makes the socket non-blocking whatever `mask` is, and sets the event at once
    /// if a selected event is already recorded or its condition already holds. The event is
    /// not reset, and events recorded before (selected or not) stay recorded
    /// ([`crate::choices::EVENT_SELECT_KEEPS_THE_RECORD`]).
    ///
    /// The association is the socket's, whichever of its handles made it: a call through
    /// any handle replaces it (the WSADuplicateSocket page: it "cancels any previous event
    /// registration for the socket, regardless of which descriptor was used").
    ///
    /// Errors: `WSANOTINITIALISED`, `WSAENOTSOCK`, `WSAEINVAL`
    /// ([`rules::readiness::event_select_arguments_valid`]).
    pub(crate) fn event_select(&self, handle: SOCKET, event: WSAEVENT, mask: i32) -> Result<()> {
        self.require_startup()?;
        let handle = self.socket_of(handle)?;
        self.with_entry(handle, |_| Ok(()))?;
        rules::readiness::event_select_arguments_valid(mask, mask == 0 || events::is_event(event))?;
        let mask = mask as u32;
        let created = self.with_entry(handle, |entry| {
            entry.nonblocking = true;
            let event = if mask == 0 { 0 } else { event };
            let created = record_of(entry).is_none();
            let finished_connect = super::connect_outcome(entry).map(outcome_code);
            let record = entry
                .io_mut()
                .network_events
                .get_or_insert_with(|| Box::new(NetworkEvents::new(event, mask)));
            record.event = event;
            record.mask = mask;
            if let (true, Some(code)) = (created, finished_connect) {
                // A connect that finished before the first WSAEventSelect is still reported
                // (facts 2.4).
                record.record_connect(code);
            }
            record.signal(record.recorded);
            Ok(created)
        })?;
        if created {
            self.network_events.add(handle);
        }
        self.refresh(handle);
        Ok(())
    }

    /// `WSAEnumNetworkEvents`: the selected events recorded on `handle`, with their error
    /// codes; they are cleared and `reset` (if given) is reset in the same step. Events
    /// recorded while not selected stay recorded. A socket never selected reports none.
    ///
    /// Errors: `WSANOTINITIALISED`, `WSAENOTSOCK`, `WSAEINVAL` for a `reset` that names no
    /// event ([`crate::choices::EVENT_SELECT_ARGUMENTS`]); on an error nothing is cleared or reset.
    pub(crate) fn enum_network_events(
        &self,
        handle: SOCKET,
        reset: Option<WSAEVENT>,
    ) -> Result<Enumerated> {
        self.require_startup()?;
        self.with_socket(handle, |entry| {
            if reset.is_some_and(|event| !events::is_event(event)) {
                return Err(Error::Invalid);
            }
            let found = match record_mut(entry) {
                Some(record) => {
                    let events = record.recorded & record.mask;
                    record.recorded &= !events;
                    Enumerated {
                        events,
                        errors: record.errors,
                    }
                }
                None => Enumerated {
                    events: 0,
                    errors: [0; 10],
                },
            };
            if let Some(event) = reset {
                events::set_state(event, false)?;
            }
            Ok(found)
        })
    }

    /// After every call of either face (the observer calls it, once the call's locks are
    /// released): wakes the waits of blocking and readiness calls, applies the call's
    /// re-enabling rule, and looks again at every socket with a record of network events.
    ///
    /// `failed` is the call's error, `accepted` the socket an `accept` made.
    pub(crate) fn after_call(
        &self,
        call: Call,
        socket: Option<SOCKET>,
        failed: Option<Error>,
        accepted: Option<SOCKET>,
    ) {
        self.waits.changed();
        if self.network_events.count.load(Ordering::Acquire) == 0 {
            return;
        }
        if let Some(handle) = socket {
            self.re_enable(call, self.canonical(handle), failed, accepted);
        }
        let handles = self.network_events.sockets.lock().clone();
        let mut closed = Vec::new();
        for handle in handles {
            if !self.refresh(handle) {
                closed.push(handle);
            }
        }
        if !closed.is_empty() {
            let mut sockets = self.network_events.sockets.lock();
            sockets.retain(|handle| !closed.contains(handle));
            self.network_events
                .count
                .store(sockets.len(), Ordering::Release);
        }
    }

    /// Brings the record of `handle` up to date: records what holds among its armed events
    /// and sets the event object for those selected. What the socket offers is read first
    /// (and settled against its far end, [`SocketTable::settle`]), then applied under the
    /// socket's lock again. `false` when `handle` names no socket.
    fn refresh(&self, handle: SOCKET) -> bool {
        let Some(looked) = self
            .shard(handle)
            .lock()
            .get(&handle)
            .map(|entry| (Conditions::of(entry), entry.is_stream()))
        else {
            return false;
        };
        let (mut settled, stream) = looked;
        self.settle(&mut settled);
        if let Some(entry) = self.shard(handle).lock().get_mut(&handle) {
            // The socket's own state is read again under this lock (another thread may have
            // read its data meanwhile); only the far end's room comes from the first look.
            let mut conditions = Conditions::of(entry);
            conditions.can_send &= settled.can_send;
            if let Some(record) = record_mut(entry) {
                let new = record.look(&conditions, stream);
                record.signal(new);
            }
        }
        true
    }

    /// The re-enabling rule of `call` on `handle` (the `WSAEventSelect` page's table).
    fn re_enable(
        &self,
        call: Call,
        handle: SOCKET,
        failed: Option<Error>,
        accepted: Option<SOCKET>,
    ) {
        let rearm = match (call, failed) {
            (Call::Recv, _) => FD_READ | FD_OOB,
            (Call::Send | Call::SendTo, Some(Error::WouldBlock)) => FD_WRITE,
            // CF_DEFER leaves the connection first in line: no re-enabling.
            (Call::Accept, Some(Error::TryAgain)) => 0,
            (Call::Accept, _) => FD_ACCEPT,
            _ => 0,
        };
        let inherited = self
            .shard(handle)
            .lock()
            .get_mut(&handle)
            .and_then(|entry| {
                // A non-blocking connect finishes within the call ([`crate::choices::NONBLOCKING_CONNECT`]),
                // which returns WSAEWOULDBLOCK and leaves the outcome for SO_ERROR.
                let connected = match (call, failed) {
                    (Call::Connect, None) => Some(0),
                    (Call::Connect, Some(Error::WouldBlock)) => {
                        super::connect_outcome(entry).map(outcome_code)
                    }
                    (Call::Connect, Some(error)) if finishes_a_connect(error) => Some(error.code()),
                    _ => None,
                };
                let record = record_mut(entry)?;
                record.armed |= rearm;
                if let Some(code) = connected {
                    record.record_connect(code);
                }
                Some((record.event, record.mask))
            });
        // "Any WSAEventSelect association ... of the listening socket apply to the
        // [accepted] socket" (accept's page).
        if let (Some(new), Some((event, mask))) = (accepted, inherited) {
            let inherits = self.with_entry(new, |entry| {
                entry.io_mut().network_events = Some(Box::new(NetworkEvents::new(event, mask)));
                entry.nonblocking = true;
                Ok(())
            });
            if inherits.is_ok() {
                self.network_events.add(new);
            }
        }
    }
}
