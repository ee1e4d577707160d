//! How a blocking call waits, and how the calls that could end a wait signal it.
//!
//! | file | what |
//! | --- | --- |
//! | `eventcount.rs` | the generation counter every change bumps while someone waits, and why no wake-up is lost |
//! | `clock.rs` | the network's clock: real time, or a test clock ([`Clock`]) |
//! | `threads.rs` | which threads a network knows (entered, spawned, its maker), and who waits where |
//! | `stall.rs` | the diagnosis of a wait nothing can end ([`Stall`]) |
//! | `blocking.rs` | the table's blocking calls: one loop around a non-blocking attempt |
//! | `signal.rs` | one waiter's own wake-up, for waits whose waker knows the waiter (a port's) |
//!
//! ## How to wait
//! A blocking call is a non-blocking attempt in a loop; [`Waits::until`] runs it:
//!
//! ```text
//! loop {
//!     let seen = generation();                 // read BEFORE looking at the table
//!     match attempt() {                        // takes and releases its own locks
//!         Some(done) => return Ok(done),
//!         None => wait(seen, &request)?,       // sleeps only while the generation is `seen`
//!     }
//! }
//! ```
//!
//! Before it sleeps, a wait watches the generation for a moment (a few pauses, then a few
//! yields of the processor): between threads of one network the awaited change usually
//! comes within microseconds, and catching it saves the sleep and the wake-up
//! (`docs/performance.md`, comparison 8). It is bounded; nothing ever waits by polling.
//!
//! [`WaitRequest`] says who waits for what (for the diagnosis), until when (a deadline on
//! the network's clock, from [`Waits::deadline_after`]) and whether queued completion
//! routines run during the wait (alertable: every blocking Winsock call is, facts 1.8). The
//! wait ends with `Err(`[`Ended::TimedOut`]`)` at the deadline, or with `Err(`[`Ended::Stalled`]`)`
//! when nothing can ever end it (below); otherwise the attempt is simply made again. The
//! readiness calls (`select`, `WSAPoll`, ...) wait the same way, with an attempt that looks
//! at several sockets.
//!
//! A wait whose every waker knows which waiter it serves (a completion port's: each packet
//! goes to one waiting thread) waits on a [`Signal`] of its own instead
//! ([`Waits::until_signalled`]): the network's other changes do not wake it, and its waker
//! wakes it alone ([`Waits::fire`]). Everything else about the wait (deadline, alerts,
//! stalls) is the same.
//!
//! ## How to signal
//! Every operation that changes something a waiter could wait for (data or a FIN or a
//! reset arriving, a connection queued or taken, a close, a shutdown, `WSACleanup`, buffer
//! space freed, an overlapped operation completed) calls [`Waits::changed`] once, after the
//! change is made (under or after its locks: the waits' mutex is a leaf). With nobody
//! waiting that costs one atomic load.
//!
//! ## Stalls
//! A wait that nothing can end must not hang a test. A network knows some threads: those
//! that entered it, those [`crate::Network::spawn`] started, and the one that made it,
//! while they live. When every known thread is waiting in one of the network's calls, none
//! was woken since it looked, and no deadline can end a wait (on the real clock, none has a
//! deadline; an [`Clock::Auto`] test clock instead jumps to the earliest deadline), the code
//! under test is deadlocked: every wait on the network ends at once. Otherwise a wait that
//! saw nothing change for the stall limit (real time, [`Waits::set_stall_limit`]) ends
//! alone. The process-wide network knows no threads, so only its stall limit ends waits.
//! The call then fails ([`crate::choices::STALL_ENDS_THE_CALL`]) and the table records a
//! [`Stall`]: printed to stderr, kept for [`crate::Network::stalls`].
//!
//! ## Locking
//! The waits' mutex is a leaf, like the events lock: nothing else is taken while it is
//! held, and nobody holds another lock while sleeping on its condvar.
#![forbid(unsafe_code)]

mod blocking;
mod clock;
mod eventcount;
mod signal;
mod stall;
pub(crate) mod threads;

use crate::model::sync::{current_thread, ThreadId};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::model::sync::{Condvar, Mutex, MutexGuard};
use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::choices;
use crate::model::events;
pub(crate) use blocking::Awaited;
pub use clock::Clock;
use clock::ClockState;
use eventcount::EventCount;
pub(crate) use signal::Signal;
pub use stall::Stall;
pub(crate) use stall::WaiterInfo;

/// How many times [`spin_until`] looks, pausing, before it yields: few, because a pause
/// is lost time when the thread that will answer shares this core (it cannot run until
/// the waiter yields); measured in `docs/performance.md`, comparison 8.
const SPINS: u32 = 2;

/// How many times it then looks, yielding the processor, before the thread sleeps: a
/// yield costs one system call when nothing else is runnable here and hands the core to
/// the answering thread when it is, so many yields catch a reply either way; they bound
/// the time a waiter takes from other work before it sleeps.
const YIELDS: u32 = 128;

/// Who waits for what, and until when.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WaitRequest {
    /// The Windows function waiting (`"recv"`, `"accept"`, ...).
    pub(crate) call: &'static str,
    /// The socket it waits on, if one.
    pub(crate) socket: Option<SOCKET>,
    /// What it waits for, in words ("data, the peer's FIN, a reset or a close").
    pub(crate) what: &'static str,
    /// When the wait times out, on the network's clock; `None`: never.
    pub(crate) deadline: Option<Duration>,
    /// Whether completion routines queued to the thread run during the wait.
    pub(crate) alertable: bool,
}

/// Why a wait ended without what it waited for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ended {
    /// The deadline passed.
    TimedOut,
    /// Nothing could end the wait: the code under test deadlocked, or nothing changed for
    /// the stall limit. `Some` for the one waiter that found it, which reports it, with
    /// every waiter of the moment (itself first); `None` for the others it ended.
    Stalled(Option<Found>),
}

/// A stall as the waiter that found it saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// Every known thread waited (`true`), or the stall limit passed (`false`).
    pub(crate) deadlock: bool,
    /// The waiters, the finder first.
    pub(crate) waiters: Vec<WaiterInfo>,
}

/// A thread the network knows.
#[derive(Debug)]
struct Known {
    name: String,
}

/// One waiting call.
#[derive(Debug)]
struct Waiter {
    id: u64,
    thread: ThreadId,
    /// The thread's name, for a thread the network does not know (a known thread's is
    /// looked up when a diagnosis needs it: no allocation per wait).
    name: Option<String>,
    request: WaitRequest,
    /// The generation it last looked at (a waiter on the eventcount).
    seen: u64,
    /// Its own signal (a signalled waiter).
    signal: Option<Arc<Signal>>,
    deadline: Option<Duration>,
    /// Set when a deadlock ended every wait.
    ended: bool,
}

/// What ends a wait's sleep, besides the waits' own events.
#[derive(Clone, Copy)]
enum Wake<'a> {
    /// The generation moved from the one read before the attempt.
    Moved(u64),
    /// The waiter's own signal was set.
    Signalled(&'a Arc<Signal>),
}

impl Wake<'_> {
    fn woken(&self, count: &EventCount) -> bool {
        match self {
            Wake::Moved(seen) => count.generation() != *seen,
            Wake::Signalled(signal) => signal.is_set(),
        }
    }
}

/// What [`State::deadlocked`] found.
enum Deadlock {
    /// Some thread may still act, or a deadline will end a wait.
    No,
    /// An auto test clock jumped to the earliest deadline.
    Jumped,
    /// Nothing can end any wait.
    Yes,
}

/// What the waits' mutex guards.
#[derive(Debug)]
struct State {
    clock: ClockState,
    stall_limit: Duration,
    /// Whether deadlocks are looked for (not on the process-wide network).
    detect: bool,
    known: HashMap<ThreadId, Known>,
    /// Threads [`crate::Network::spawn`] started that have not joined yet: while any is
    /// starting, no deadlock is declared.
    starting: usize,
    waiters: Vec<Waiter>,
    next_waiter: u64,
    /// Threads a completion routine was queued to while they wait.
    alerted: HashSet<ThreadId>,
    /// The stalls recorded so far.
    stalls: Vec<Stall>,
    /// Threads in [`Waits::until_blocked`]: only then does a new waiter notify.
    watchers: usize,
}

/// The shared part: what threads' memberships point at.
#[derive(Debug)]
pub(crate) struct Shared {
    count: EventCount,
    state: Mutex<State>,
    wake: Condvar,
}

/// One network's waits.
#[derive(Debug, Clone)]
pub(crate) struct Waits {
    shared: Arc<Shared>,
}

impl Default for Waits {
    fn default() -> Self {
        Self {
            shared: Arc::new(Shared {
                count: EventCount::default(),
                state: Mutex::new(State {
                    clock: ClockState::default(),
                    stall_limit: choices::STALL_LIMIT,
                    detect: true,
                    known: HashMap::new(),
                    starting: 0,
                    waiters: Vec::new(),
                    next_waiter: 0,
                    alerted: HashSet::new(),
                    stalls: Vec::new(),
                    watchers: 0,
                }),
                wake: Condvar::new(),
            }),
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock()
    }

    /// Wakes every sleeper to look again, after a change of the waits' own.
    fn wake_all(&self, locked: &MutexGuard<'_, State>) {
        self.count.bump();
        notify_everyone(&self.wake, locked);
    }

    pub(crate) fn know_thread(&self, thread: ThreadId, name: String) {
        self.lock().known.insert(thread, Known { name });
    }

    pub(crate) fn forget_thread(&self, thread: ThreadId) {
        let mut state = self.lock();
        if state.known.remove(&thread).is_some() {
            self.wake_all(&state);
        }
    }

    pub(crate) fn alert(&self, thread: ThreadId) {
        let mut state = self.lock();
        state.alerted.insert(thread);
        self.wake_all(&state);
    }
}

impl State {
    /// Whether every known thread waits, unwoken since it looked at `generation`, with no
    /// deadline that can end a wait. An auto test clock jumps to the earliest deadline
    /// instead.
    fn deadlocked(&mut self, generation: u64) -> Deadlock {
        if !self.detect || self.known.is_empty() || self.starting > 0 {
            return Deadlock::No;
        }
        let unwoken = |w: &Waiter| match &w.signal {
            Some(signal) => !signal.is_set(),
            None => w.seen == generation,
        };
        let stuck = |thread: &ThreadId| {
            self.waiters
                .iter()
                .any(|w| w.thread == *thread && unwoken(w) && !w.ended)
        };
        if !self.known.keys().all(stuck) {
            return Deadlock::No;
        }
        let earliest = self.waiters.iter().filter_map(|w| w.deadline).min();
        match (self.clock.mode, earliest) {
            (Clock::Real, Some(_)) => Deadlock::No,
            (Clock::Auto, Some(deadline)) => {
                self.clock.jump_to(deadline);
                Deadlock::Jumped
            }
            _ => Deadlock::Yes,
        }
    }

    fn infos(&self, first: u64) -> Vec<WaiterInfo> {
        let mut infos: Vec<(bool, WaiterInfo)> = self
            .waiters
            .iter()
            .map(|w| {
                let thread = match (&w.name, self.known.get(&w.thread)) {
                    (Some(name), _) => name.clone(),
                    (None, Some(known)) => known.name.clone(),
                    (None, None) => format!("{:?}", w.thread),
                };
                let info = WaiterInfo {
                    thread,
                    call: w.request.call,
                    socket: w.request.socket,
                    what: w.request.what,
                    deadline: w.request.deadline,
                };
                (w.id != first, info)
            })
            .collect();
        infos.sort_by_key(|(later, _)| *later);
        infos.into_iter().map(|(_, info)| info).collect()
    }
}

impl Waits {
    /// The waits of the process-wide network: no thread is known there, so no deadlock is
    /// looked for; the stall limit alone ends waits.
    pub(crate) fn process_wide() -> Self {
        let waits = Self::default();
        waits.shared.lock().detect = false;
        waits
    }

    /// Every thread waiting now, in the order they began (for the snapshot's "who waits").
    pub(crate) fn waiting(&self) -> Vec<WaiterInfo> {
        self.shared.lock().infos(u64::MAX)
    }

    /// The generation now: read it before the attempt a wait follows.
    pub(crate) fn generation(&self) -> u64 {
        self.shared.count.generation()
    }

    /// Something a waiter could wait for changed: wakes the waiters on the eventcount, if
    /// any (not the signalled ones: [`Waits::fire`] wakes those).
    #[inline]
    pub(crate) fn changed(&self) {
        if self.shared.count.must_signal() {
            let _state = self.shared.lock();
            self.shared.wake.notify_all();
        }
    }

    /// Wakes the one waiter of `signal` (what it waits for was changed first, under the
    /// lock it looks under): costs one atomic store and load unless it sleeps.
    pub(crate) fn fire(&self, signal: &Signal) {
        if signal.set() {
            let _state = self.shared.lock();
            signal.wake.notify_all();
        }
    }

    /// The deadline `timeout` from now on the network's clock (`None`: too far to tell).
    pub(crate) fn deadline_after(&self, timeout: Duration) -> Option<Duration> {
        self.shared.lock().clock.now().checked_add(timeout)
    }

    /// The time on the network's clock.
    pub(crate) fn now(&self) -> Duration {
        self.shared.lock().clock.now()
    }

    /// Switches the network's clock.
    pub(crate) fn set_clock(&self, mode: Clock) {
        let mut state = self.shared.lock();
        state.clock.set_mode(mode);
        self.shared.wake_all(&state);
    }

    /// Moves a test clock forward, waking the waits whose deadline it passes; `false` on
    /// the real clock, which cannot be moved.
    pub(crate) fn advance(&self, by: Duration) -> bool {
        let mut state = self.shared.lock();
        let moved = state.clock.advance(by);
        if moved {
            self.shared.wake_all(&state);
        }
        moved
    }

    /// The stall limit in force.
    pub(crate) fn stall_limit(&self) -> Duration {
        self.shared.lock().stall_limit
    }

    /// Sets the stall limit.
    pub(crate) fn set_stall_limit(&self, limit: Duration) {
        let mut state = self.shared.lock();
        state.stall_limit = limit;
        self.shared.wake_all(&state);
    }

    /// Makes this thread known to the network: it made it (`creator`) or entered it.
    pub(crate) fn join(&self, creator: bool) {
        if self.shared.lock().detect {
            threads::join(&self.shared, creator);
        }
    }

    /// A thread is about to be started for the network ([`crate::Network::spawn`]): it
    /// counts as running until it [arrived](Waits::arrived).
    pub(crate) fn expect_thread(&self) {
        let mut state = self.shared.lock();
        if state.detect {
            state.starting += 1;
        }
    }

    /// The thread [`Waits::expect_thread`] announced has joined (entered the network).
    pub(crate) fn arrived(&self) {
        let mut state = self.shared.lock();
        state.starting = state.starting.saturating_sub(1);
    }

    /// Undoes one entering [`Waits::join`].
    pub(crate) fn leave(&self) {
        threads::leave(&self.shared);
    }

    /// Blocks the calling thread until at least `count` calls wait on the network, or the
    /// stall limit passes (`false`): a test aid, to act on a call known to be waiting.
    pub(crate) fn until_blocked(&self, count: usize) -> bool {
        let mut state = self.shared.lock();
        let give_up = Instant::now().checked_add(state.stall_limit);
        state.watchers += 1;
        let found = self.watch(&mut state, count, give_up);
        state.watchers -= 1;
        found
    }

    /// [`Waits::until_blocked`]'s loop, with the watcher counted.
    fn watch(
        &self,
        state: &mut MutexGuard<'_, State>,
        count: usize,
        give_up: Option<Instant>,
    ) -> bool {
        while state.waiters.len() < count {
            let timed_out = match give_up {
                Some(at) => self.shared.wake.wait_until(state, at).timed_out(),
                None => {
                    self.shared.wake.wait(state);
                    false
                }
            };
            if timed_out {
                return state.waiters.len() >= count;
            }
        }
        true
    }

    /// Records a stall's diagnosis.
    pub(crate) fn record(&self, stall: Stall) {
        self.shared.lock().stalls.push(stall);
    }

    /// The stalls recorded so far.
    pub(crate) fn stalls(&self) -> Vec<Stall> {
        self.shared.lock().stalls.clone()
    }

    /// Runs `attempt` until it gives a result, waiting as [`WaitRequest`] says between
    /// attempts (see the module doc).
    pub(crate) fn until<R>(
        &self,
        request: &WaitRequest,
        mut attempt: impl FnMut() -> Option<R>,
    ) -> Result<R, Ended> {
        self.shared.count.interest();
        let _interest = Interest(&self.shared.count);
        loop {
            let seen = self.generation();
            if let Some(done) = attempt() {
                return Ok(done);
            }
            if spin_until(|| self.generation() != seen) {
                continue;
            }
            self.wait(Wake::Moved(seen), request)?;
        }
    }

    /// As [`Waits::until`], for a wait woken by its own `signal` alone (see the module
    /// doc): whoever makes `attempt` succeed must [`Waits::fire`] the signal after.
    pub(crate) fn until_signalled<R>(
        &self,
        request: &WaitRequest,
        signal: &Arc<Signal>,
        mut attempt: impl FnMut() -> Option<R>,
    ) -> Result<R, Ended> {
        loop {
            signal.clear();
            if let Some(done) = attempt() {
                return Ok(done);
            }
            // A waiter outrun by a later one sleeps at once: the later one is served first,
            // and watching would only take the processor from the threads that post.
            if spin_until(|| signal.is_set() || signal.is_outrun()) && signal.is_set() {
                continue;
            }
            self.wait(Wake::Signalled(signal), request)?;
        }
    }

    /// One wait: returns once `wake` says the waiter was woken (or routines ran), or ends as
    /// [`Ended`] says. A waiter on the eventcount must be interested ([`Waits::until`] is).
    fn wait(&self, wake: Wake<'_>, request: &WaitRequest) -> Result<(), Ended> {
        let me = current_thread().id();
        if request.alertable {
            threads::mark_waiting(&self.shared);
            if events::has_queued(me) {
                threads::unmark_waiting();
                events::run_queued(me);
                return Ok(());
            }
        }
        let mut state = self.shared.lock();
        let id = state.next_waiter;
        state.next_waiter += 1;
        let name = (!state.known.contains_key(&me)).then(threads::thread_label);
        let (seen, signal) = match wake {
            Wake::Moved(seen) => (seen, None),
            Wake::Signalled(signal) => (self.generation(), Some(Arc::clone(signal))),
        };
        state.waiters.push(Waiter {
            id,
            thread: me,
            name,
            request: *request,
            seen,
            signal,
            deadline: request.deadline,
            ended: false,
        });
        if state.watchers > 0 {
            // For `Network::wait_until_blocked`.
            self.shared.wake.notify_all();
        }
        let stall_at = Instant::now().checked_add(state.stall_limit);
        let outcome = loop {
            let mine = state.waiters.iter().find(|w| w.id == id);
            if mine.is_some_and(|w| w.ended) {
                break Err(Ended::Stalled(None));
            }
            if wake.woken(&self.shared.count) {
                break Ok(false);
            }
            if request.alertable && state.alerted.remove(&me) {
                break Ok(true);
            }
            if request.deadline.is_some_and(|d| state.clock.now() >= d) {
                break Err(Ended::TimedOut);
            }
            match state.deadlocked(self.generation()) {
                Deadlock::No => {}
                Deadlock::Jumped => {
                    self.shared.wake_all(&state);
                    continue;
                }
                Deadlock::Yes => {
                    for waiter in &mut state.waiters {
                        waiter.ended = true;
                    }
                    let found = Found {
                        deadlock: true,
                        waiters: state.infos(id),
                    };
                    notify_everyone(&self.shared.wake, &state);
                    break Err(Ended::Stalled(Some(found)));
                }
            }
            let until = request
                .deadline
                .and_then(|d| state.clock.instant_of(d))
                .into_iter()
                .chain(stall_at)
                .min();
            let timed_out = match wake {
                Wake::Moved(_) => sleep(&self.shared.wake, &mut state, until),
                Wake::Signalled(signal) => {
                    if !signal.may_sleep() {
                        continue;
                    }
                    let timed_out = sleep(&signal.wake, &mut state, until);
                    signal.awake();
                    timed_out
                }
            };
            if timed_out && stall_at.is_some_and(|at| Instant::now() >= at) {
                break Err(Ended::Stalled(Some(Found {
                    deadlock: false,
                    waiters: state.infos(id),
                })));
            }
        };
        state.waiters.retain(|w| w.id != id);
        drop(state);
        if request.alertable {
            threads::unmark_waiting();
        }
        match outcome {
            Ok(true) => {
                events::run_queued(me);
                Ok(())
            }
            Ok(false) => Ok(()),
            Err(ended) => Err(ended),
        }
    }
}

/// Watches for a change (the generation moved, the signal set) for a short while before sleeping: between threads of one
/// network the awaited change often comes within microseconds (a ping-pong's reply),
/// and catching it here saves the sleep and the wake-up, which cost more than the
/// whole exchange (`docs/performance.md`, comparison 8). Bounded, and it reads one
/// atomic: the wait proper follows if nothing changed.
fn spin_until(changed: impl Fn() -> bool) -> bool {
    for round in 0..SPINS + YIELDS {
        if changed() {
            return true;
        }
        if round < SPINS {
            std::hint::spin_loop();
        } else {
            // Lets the thread that will answer run, on a machine with few cores.
            std::thread::yield_now();
        }
    }
    false
}

/// Sleeps on `condvar` (with the waits' mutex) until notified or `until`; whether it timed
/// out.
fn sleep(condvar: &Condvar, state: &mut MutexGuard<'_, State>, until: Option<Instant>) -> bool {
    match until {
        Some(until) => condvar.wait_until(state, until).timed_out(),
        None => {
            condvar.wait(state);
            false
        }
    }
}

/// Wakes every waiter: those on the eventcount's condvar and each signalled one.
fn notify_everyone(condvar: &Condvar, state: &MutexGuard<'_, State>) {
    condvar.notify_all();
    for signal in state.waiters.iter().filter_map(|w| w.signal.as_ref()) {
        signal.wake.notify_all();
    }
}

/// One thread's interest, lost when dropped (also when the attempt panics).
struct Interest<'a>(&'a EventCount);

impl Drop for Interest<'_> {
    fn drop(&mut self) {
        self.0.lose_interest();
    }
}

#[cfg(test)]
mod tests;
