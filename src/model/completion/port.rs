//! One completion port: its queue of packets, and the threads waiting for one, woken last
//! in, first out, as Windows wakes them ([`crate::choices::COMPLETION_PORT_WAKE_ORDER`]).
//!
//! A packet posted while threads wait is handed to the thread that began waiting last;
//! with nobody waiting it joins the queue, taken first in, first out. So the queue is empty
//! whenever a thread waits. The wait itself is the network's (`model/waits`): bounded by
//! the call's timeout on the network's clock and ended by the stall rules, so a port
//! nobody posts to never hangs a test. Each waiting thread has its own [`Signal`]: a post
//! wakes the thread it hands its packet to and no other (the network's other waiters, a
//! blocked client's `recv`, never see a port's traffic).
//!
//! Locking: the port's mutex is a leaf, taken alone and never across a wait.
#![forbid(unsafe_code)]

use std::collections::VecDeque;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Arc;
use std::time::Duration;

use windows_sys::Win32::System::IO::OVERLAPPED;

use crate::model::events;
use crate::model::sync::{current_thread, Mutex};
use crate::model::waits::{Ended, Signal, WaitRequest, Waits};

/// An `OVERLAPPED` pointer carried from the thread that completes an operation to the one
/// that dequeues its packet, never dereferenced here. An `AtomicPtr` is `Send` and keeps
/// the pointer's provenance, which the caller needs when it uses the pointer again.
#[derive(Debug, Default)]
pub(crate) struct Pointer(AtomicPtr<OVERLAPPED>);

impl Pointer {
    /// Carries `pointer`.
    pub(crate) fn new(pointer: *mut OVERLAPPED) -> Self {
        Self(AtomicPtr::new(pointer))
    }

    /// The pointer carried.
    pub(crate) fn get(&self) -> *mut OVERLAPPED {
        self.0.load(Ordering::Relaxed)
    }
}

impl Clone for Pointer {
    fn clone(&self) -> Self {
        Self::new(self.get())
    }
}

impl PartialEq for Pointer {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.get(), other.get())
    }
}

impl Eq for Pointer {}

/// One completion packet: what `GetQueuedCompletionStatus` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Packet {
    /// `*lpNumberOfBytesTransferred`.
    pub(crate) bytes: u32,
    /// `*lpCompletionKey`.
    pub(crate) key: usize,
    /// `*lpOverlapped`.
    pub(crate) overlapped: Pointer,
    /// 0 for a successful operation, else the Win32 error `GetLastError` reports.
    pub(crate) status: u32,
}

/// How a dequeue ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Dequeued {
    /// At least one packet was taken (at most the number asked for).
    Packets(Vec<Packet>),
    /// The timeout passed with no packet (`WAIT_TIMEOUT`).
    TimedOut,
    /// The port was closed during the wait (`ERROR_ABANDONED_WAIT_0`).
    Abandoned,
    /// An alertable wait ran completion routines queued to the thread
    /// (`WAIT_IO_COMPLETION`).
    Alerted,
    /// Nothing could ever end the wait ([`crate::choices::STALL_ENDS_THE_CALL`]).
    Stalled(Ended),
}

/// What the port's mutex guards.
#[derive(Debug, Default)]
struct State {
    /// Packets nobody waited for, oldest first.
    queue: VecDeque<Packet>,
    /// The waiting threads' tickets and signals, the last to begin waiting on top.
    waiting: Vec<(u64, Arc<Signal>)>,
    /// Packets handed to a waiting ticket, not yet taken by its thread.
    handed: Vec<(u64, Packet)>,
    next_ticket: u64,
    closed: bool,
}

impl State {
    fn take_handed(&mut self, ticket: u64) -> Option<Packet> {
        let at = self.handed.iter().position(|(t, _)| *t == ticket)?;
        Some(self.handed.swap_remove(at).1)
    }

    /// Up to `max` queued packets, oldest first, if any.
    fn take_queued(&mut self, max: usize) -> Option<Dequeued> {
        if self.queue.is_empty() {
            return None;
        }
        let count = max.min(self.queue.len());
        Some(Dequeued::Packets(self.queue.drain(..count).collect()))
    }

    fn stop_waiting(&mut self, ticket: u64) {
        self.waiting.retain(|(t, _)| *t != ticket);
    }
}

/// A completion port.
#[derive(Debug)]
pub(crate) struct Port {
    state: Mutex<State>,
    /// The waits of the network that created the port: its waiters wait there, each on its
    /// own signal.
    waits: Waits,
}

impl Port {
    /// A new, empty port whose waiters wait on `waits`.
    pub(crate) fn new(waits: Waits) -> Self {
        Self {
            state: Mutex::new(State::default()),
            waits,
        }
    }

    /// Queues `packet`, or hands it to the thread that began waiting last. `false` (the
    /// packet dropped) once the port is closed.
    pub(crate) fn post(&self, packet: Packet) -> bool {
        let woken = {
            let mut state = self.state.lock();
            if state.closed {
                return false;
            }
            match state.waiting.pop() {
                Some((ticket, signal)) => {
                    state.handed.push((ticket, packet));
                    Some(signal)
                }
                None => {
                    state.queue.push_back(packet);
                    None
                }
            }
        };
        if let Some(signal) = woken {
            self.waits.fire(&signal);
        }
        true
    }

    /// Closes the port: the threads waiting on it wake with [`Dequeued::Abandoned`] (a
    /// packet already handed to one is still its), queued packets are dropped.
    pub(crate) fn close(&self) {
        let waiting: Vec<Arc<Signal>> = {
            let mut state = self.state.lock();
            state.closed = true;
            state.queue.clear();
            state
                .waiting
                .iter()
                .map(|(_, signal)| Arc::clone(signal))
                .collect()
        };
        for signal in &waiting {
            self.waits.fire(signal);
        }
    }

    /// How many threads wait, and how many packets are queued.
    #[cfg(test)]
    pub(super) fn counts(&self) -> (usize, usize) {
        let state = self.state.lock();
        (state.waiting.len(), state.queue.len())
    }

    /// Whether each waiting thread, the first to begin waiting first, is outrun by a
    /// later one (and so sleeps rather than watches).
    #[cfg(test)]
    pub(super) fn outrun(&self) -> Vec<bool> {
        let state = self.state.lock();
        state.waiting.iter().map(|(_, s)| s.is_outrun()).collect()
    }

    /// Takes up to `max` (at least 1) packets, waiting at most `timeout` (`None`: no limit
    /// but the stall rules) on the network's clock. `alertable`: completion routines
    /// queued to the thread run during the wait and end it ([`Dequeued::Alerted`]).
    pub(crate) fn dequeue(
        &self,
        call: &'static str,
        max: usize,
        timeout: Option<Duration>,
        alertable: bool,
    ) -> Dequeued {
        let max = max.max(1);
        let me = current_thread().id();
        if alertable && events::has_queued(me) {
            events::run_queued(me);
            return Dequeued::Alerted;
        }
        {
            // A packet there already, or the port closed: no wait, so no signal to make.
            let mut state = self.state.lock();
            if state.closed {
                return Dequeued::Abandoned;
            }
            if let Some(packets) = state.take_queued(max) {
                return packets;
            }
        }
        if timeout == Some(Duration::ZERO) {
            return Dequeued::TimedOut;
        }
        let signal = Arc::new(Signal::default());
        let mut ticket = None;
        let mut attempt = || self.attempt(max, &mut ticket, &signal);
        if let Some(done) = attempt() {
            return done;
        }
        let request = WaitRequest {
            call,
            socket: None,
            what: "a completion packet",
            deadline: timeout.and_then(|timeout| self.waits.deadline_after(timeout)),
            alertable,
        };
        let ran_before = events::routines_run();
        let outcome = self.waits.until_signalled(&request, &signal, || {
            if alertable && events::routines_run() != ran_before {
                return Some(Dequeued::Alerted);
            }
            attempt()
        });
        match outcome {
            Ok(Dequeued::Alerted) => self.give_up(ticket, Dequeued::Alerted),
            Ok(done) => done,
            Err(Ended::TimedOut) => self.give_up(ticket, Dequeued::TimedOut),
            Err(ended) => self.give_up(ticket, Dequeued::Stalled(ended)),
        }
    }

    /// One look: a packet handed to this ticket, the queue's packets, or the port closed;
    /// with nothing, the thread begins waiting (its ticket on top).
    fn attempt(
        &self,
        max: usize,
        ticket: &mut Option<u64>,
        signal: &Arc<Signal>,
    ) -> Option<Dequeued> {
        let mut state = self.state.lock();
        if let Some(mine) = *ticket {
            if let Some(packet) = state.take_handed(mine) {
                return Some(Dequeued::Packets(vec![packet]));
            }
        }
        if state.closed {
            if let Some(mine) = ticket.take() {
                state.stop_waiting(mine);
            }
            return Some(Dequeued::Abandoned);
        }
        if ticket.is_none() {
            if let Some(packets) = state.take_queued(max) {
                return Some(packets);
            }
            let mine = state.next_ticket;
            state.next_ticket += 1;
            if let Some((_, before)) = state.waiting.last() {
                before.outrun(); // last in, first woken: this one goes ahead of it
            }
            state.waiting.push((mine, Arc::clone(signal)));
            *ticket = Some(mine);
        }
        None
    }

    /// Ends a wait that got no packet through its attempt: a packet handed to it
    /// meanwhile is still taken (it was dequeued for this thread); otherwise it stops
    /// waiting and reports `ended`.
    fn give_up(&self, ticket: Option<u64>, ended: Dequeued) -> Dequeued {
        let Some(mine) = ticket else {
            return ended;
        };
        let mut state = self.state.lock();
        if let Some(packet) = state.take_handed(mine) {
            return Dequeued::Packets(vec![packet]);
        }
        state.stop_waiting(mine);
        ended
    }
}
