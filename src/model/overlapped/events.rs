//! Event objects and per-thread completion queues: what `WSACreateEvent`,
//! `WSASetEvent`, `WSAWaitForMultipleEvents` and `SleepEx` act on.
//!
//! Events are process-wide, as Windows event objects are
//! ([`crate::choices::EVENTS_ARE_PROCESS_WIDE`]): one registry serves every network and
//! thread. Each thread also has a queue of completion routines (Windows queues them as
//! user-mode APCs), which run only when that thread enters an alertable wait.
//!
//! One `parking_lot::Mutex` guards the events and the queues, and one `Condvar` wakes
//! every waiter whenever an event is signalled, a routine is queued or an overlapped
//! status is written. This lock is a leaf: nothing else is locked while it is held, and
//! it is released before a queued routine runs, so a routine may call back into any
//! function, wait again, or queue more routines.
#![forbid(unsafe_code)]

use std::cell::Cell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use windows_sys::Win32::Networking::WinSock::WSAEVENT;

use crate::choices;
use crate::error::{Error, Result};
use crate::model::sync::{self, process_wide, thread_local, Condvar, Mutex, MutexGuard, ThreadId};

/// A queued completion routine, ready to call: the `sys` layer wraps the user's routine
/// and its arguments in one.
pub(crate) type Apc = Box<dyn FnOnce() + Send>;

/// Everything the hub's lock guards.
#[derive(Default)]
struct State {
    /// Each live event and whether it is signalled. Events are manual-reset.
    events: HashMap<WSAEVENT, bool>,
    /// How many events were ever created: the next handle is derived from it.
    created: u64,
    /// Each thread's queued completion routines, oldest first. Empty queues are removed.
    apcs: HashMap<ThreadId, VecDeque<Apc>>,
    /// The threads that started an operation with a completion routine and have not ended:
    /// only they can be queued routines ([`register_current_thread`]).
    live: HashSet<ThreadId>,
}

/// The process-wide registry.
struct Hub {
    state: Mutex<State>,
    changed: Condvar,
}

/// The registry, created on first use.
fn hub() -> &'static Hub {
    process_wide!(
        Hub,
        Hub {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        }
    )
}

/// Locks the registry.
fn lock() -> MutexGuard<'static, State> {
    hub().state.lock()
}

/// The `n`th event handle: `FIRST_EVENT + 4n`, so never a socket handle
/// ([`choices::FIRST_EVENT`]).
fn nth_handle(n: u64) -> Option<WSAEVENT> {
    let offset = isize::try_from(n).ok()?.checked_mul(4)?;
    choices::FIRST_EVENT.checked_add(offset)
}

/// `WSACreateEvent`: a new manual-reset event, not signalled.
pub(crate) fn create() -> Result<WSAEVENT> {
    let mut state = lock();
    let handle = nth_handle(state.created).ok_or(Error::NotEnoughMemory)?;
    state.created += 1;
    state.events.insert(handle, false);
    Ok(handle)
}

/// `WSACloseEvent`: forgets the event, and wakes every waiter, so that a wait on it ends
/// (with `WSA_INVALID_HANDLE`) rather than sleeping on a handle that is gone. A handle that
/// names no event is `WSA_INVALID_HANDLE`.
pub(crate) fn close(event: WSAEVENT) -> Result<()> {
    let mut state = lock();
    state.events.remove(&event).ok_or(Error::InvalidHandle)?;
    hub().changed.notify_all();
    Ok(())
}

/// Sets the event's state: `WSASetEvent` (`true`) or `WSAResetEvent` (`false`).
pub(crate) fn set_state(event: WSAEVENT, signalled: bool) -> Result<()> {
    let mut state = lock();
    *state.events.get_mut(&event).ok_or(Error::InvalidHandle)? = signalled;
    drop(state);
    if signalled {
        notify();
    }
    Ok(())
}

/// Whether `event` names a live event.
pub(crate) fn is_event(event: WSAEVENT) -> bool {
    lock().events.contains_key(&event)
}

/// Wakes every waiter so it looks again: after a status is written, an event is set or a
/// routine is queued.
pub(crate) fn notify() {
    // Taking the lock orders this wake-up after any waiter's last look.
    let _state = lock();
    hub().changed.notify_all();
}

/// A thread's registration as one that may be queued completion routines: when the
/// thread ends, its thread-locals are dropped and this forgets it.
struct Registration(Cell<Option<ThreadId>>);

impl Drop for Registration {
    fn drop(&mut self) {
        if let Some(me) = self.0.get() {
            let discarded = {
                let mut state = lock();
                state.live.remove(&me);
                state.apcs.remove(&me)
            };
            // The routines are dropped (never run) with no lock held.
            drop(discarded);
        }
    }
}

thread_local! {
    static REGISTRATION: Registration = const { Registration(Cell::new(None)) };
}

/// Records that the calling thread started an operation whose completion routine is to be
/// queued to it. When the thread ends, the routines still queued to it are discarded and any
/// queued later are dropped, as Windows discards the APCs of a thread that exits (defect 10
/// of issue 13: they were kept forever). A thread being torn down is not recorded, so
/// nothing is ever queued to it.
pub(crate) fn register_current_thread() {
    let _ = REGISTRATION.try_with(|registration| {
        if registration.0.get().is_none() {
            let me = sync::current_thread().id();
            lock().live.insert(me);
            registration.0.set(Some(me));
        }
    });
}

/// Queues `apc` to run on `thread` at its next alertable wait; drops it if that thread has
/// ended (or never registered, [`register_current_thread`]).
pub(crate) fn queue_apc(thread: ThreadId, apc: Apc) {
    let mut state = lock();
    if !state.live.contains(&thread) {
        drop(state);
        drop(apc);
        return;
    }
    state.apcs.entry(thread).or_default().push_back(apc);
    drop(state);
    notify();
    // A thread blocked in a socket call waits alertably too (`model/waits`).
    crate::model::waits::threads::alert(thread);
}

/// Whether completion routines are queued to `thread`.
pub(crate) fn has_queued(thread: ThreadId) -> bool {
    lock().apcs.contains_key(&thread)
}

/// How a wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wait {
    /// The events were signalled: for a wait on any, the lowest index of a signalled one.
    Signalled(usize),
    /// The timeout passed first.
    Timeout,
    /// Queued completion routines ran (`WAIT_IO_COMPLETION`).
    IoCompletion,
}

/// What a wait waits for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WaitFor<'a> {
    /// The events; empty for `SleepEx`.
    pub(crate) events: &'a [WSAEVENT],
    /// All of them (`fWaitAll`) or any.
    pub(crate) all: bool,
    /// `None`: forever.
    pub(crate) timeout: Option<Duration>,
    /// Whether queued completion routines end the wait (and run).
    pub(crate) alertable: bool,
}

impl WaitFor<'_> {
    /// The wait's outcome if it can end now without running routines, or `None`.
    /// A handle closed meanwhile is `WSA_INVALID_HANDLE`.
    fn satisfied(&self, state: &State) -> Result<Option<usize>> {
        let mut first = None;
        let mut all = true;
        for (index, event) in self.events.iter().enumerate() {
            let signalled = *state.events.get(event).ok_or(Error::InvalidHandle)?;
            all &= signalled;
            if signalled && first.is_none() {
                first = Some(index);
            }
        }
        Ok(match (self.all, self.events.is_empty()) {
            (_, true) => None,
            (true, false) => all.then_some(0),
            (false, false) => first,
        })
    }
}

/// Waits as `WSAWaitForMultipleEvents` and `SleepEx` do. Signalled events win over queued
/// routines ([`choices::SIGNALLED_EVENTS_WIN`]); in an alertable wait with none signalled,
/// every routine queued to this thread runs, with no lock held, and the wait ends with
/// [`Wait::IoCompletion`].
pub(crate) fn wait(request: WaitFor<'_>) -> Result<Wait> {
    let deadline = request
        .timeout
        .map(|timeout| Instant::now().checked_add(timeout));
    let me = sync::current_thread().id();
    let mut state = lock();
    loop {
        if let Some(index) = request.satisfied(&state)? {
            return Ok(Wait::Signalled(index));
        }
        if request.alertable && state.apcs.contains_key(&me) {
            drop(state);
            run_queued(me);
            return Ok(Wait::IoCompletion);
        }
        match deadline {
            Some(Some(deadline)) => {
                if hub().changed.wait_until(&mut state, deadline).timed_out() {
                    // Look once more: something may have changed as time ran out.
                    if request.satisfied(&state)?.is_none()
                        && !(request.alertable && state.apcs.contains_key(&me))
                    {
                        return Ok(Wait::Timeout);
                    }
                }
            }
            // A timeout too long to represent, or none: wait until woken.
            Some(None) | None => hub().changed.wait(&mut state),
        }
    }
}

/// Runs every routine queued to `thread`, oldest first, one at a time with no lock held;
/// routines queued meanwhile (by a routine, say) run too.
pub(crate) fn run_queued(thread: ThreadId) {
    loop {
        let next = {
            let mut state = lock();
            let Some(queue) = state.apcs.get_mut(&thread) else {
                return;
            };
            let next = queue.pop_front();
            if queue.is_empty() {
                state.apcs.remove(&thread);
            }
            next
        };
        match next {
            Some(apc) => {
                ROUTINES_RUN.with(|count| count.set(count.get() + 1));
                apc()
            }
            None => return,
        }
    }
}

thread_local! {
    /// How many completion routines ran on this thread: a wait that runs some reports it
    /// (`GetQueuedCompletionStatusEx`'s `WAIT_IO_COMPLETION`).
    static ROUTINES_RUN: Cell<u64> = const { Cell::new(0) };
}

/// How many completion routines ran on the calling thread so far.
pub(crate) fn routines_run() -> u64 {
    ROUTINES_RUN.with(Cell::get)
}

/// Runs `f` under the registry's lock: how an overlapped status is written and read, so
/// that a completion on one thread and a `WSAGetOverlappedResult` on another never race on
/// the caller's `OVERLAPPED` (the completion's wake-up, under the same lock, then orders
/// the status before anything a woken waiter reads). `f` must only touch that memory.
pub(crate) fn locked<R>(f: impl FnOnce() -> R) -> R {
    let _state = lock();
    f()
}

/// Blocks until `done()` holds, looking again each time anything changes. `done` runs
/// under the registry's lock, so it must only read (an overlapped status, say).
pub(crate) fn wait_until(mut done: impl FnMut() -> bool) {
    let mut state = lock();
    while !done() {
        hub().changed.wait(&mut state);
    }
}

#[cfg(test)]
mod tests {
    use std::thread;

    use super::*;

    fn poll(events: &[WSAEVENT], all: bool) -> Result<Wait> {
        wait(WaitFor {
            events,
            all,
            timeout: Some(Duration::ZERO),
            alertable: false,
        })
    }

    #[test]
    fn events_start_unsignalled_and_are_manual_reset() {
        let a = create().unwrap();
        let b = create().unwrap();
        assert_eq!(poll(&[a, b], false), Ok(Wait::Timeout));
        set_state(b, true).unwrap();
        assert_eq!(poll(&[a, b], false), Ok(Wait::Signalled(1)));
        assert_eq!(
            poll(&[a, b], false),
            Ok(Wait::Signalled(1)),
            "a wait does not reset it"
        );
        assert_eq!(poll(&[a, b], true), Ok(Wait::Timeout));
        set_state(a, true).unwrap();
        assert_eq!(poll(&[a, b], true), Ok(Wait::Signalled(0)));
        set_state(a, false).unwrap();
        assert_eq!(poll(&[a, b], false), Ok(Wait::Signalled(1)));
        close(a).unwrap();
        close(b).unwrap();
        assert_eq!(close(a), Err(Error::InvalidHandle));
        assert_eq!(poll(&[a], false), Err(Error::InvalidHandle));
    }

    #[test]
    fn handles_are_never_socket_handles() {
        for n in [0, 1, 2, 1000] {
            let handle = nth_handle(n).unwrap() as usize;
            assert_eq!(handle % 4, choices::FIRST_EVENT as usize % 4);
            assert_ne!(handle % 4, choices::FIRST_HANDLE % 4);
        }
        assert_eq!(nth_handle(u64::MAX), None);
    }

    #[test]
    fn routines_run_only_in_alertable_waits_on_their_thread() {
        register_current_thread();
        let me = thread::current().id();
        let (tx, rx) = std::sync::mpsc::channel();
        queue_apc(
            me,
            Box::new(move || tx.send(thread::current().id()).unwrap()),
        );
        let sleep = |alertable| {
            wait(WaitFor {
                events: &[],
                all: false,
                timeout: Some(Duration::ZERO),
                alertable,
            })
        };
        assert_eq!(sleep(false), Ok(Wait::Timeout));
        assert!(
            rx.try_recv().is_err(),
            "not run by a wait that is not alertable"
        );
        assert_eq!(sleep(true), Ok(Wait::IoCompletion));
        assert_eq!(rx.try_recv(), Ok(me));
        assert_eq!(sleep(true), Ok(Wait::Timeout), "each routine runs once");
    }

    /// Defect 10 of issue 13: the routines queued to a thread that ended are freed, and so
    /// is a routine queued to it after it ended.
    #[test]
    fn routines_of_a_thread_that_ended_are_freed() {
        use std::sync::Arc;
        let alive = Arc::new(());
        let queued = |apcs: &Arc<()>| -> Apc {
            let held = Arc::clone(apcs);
            Box::new(move || drop(held))
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let (go_tx, go) = std::sync::mpsc::channel::<()>();
        let ended = thread::spawn(move || {
            register_current_thread();
            tx.send(thread::current().id()).unwrap();
            go.recv().unwrap();
        });
        let id = rx.recv().unwrap();
        queue_apc(id, queued(&alive));
        queue_apc(id, queued(&alive));
        assert_eq!(
            Arc::strong_count(&alive),
            3,
            "queued while the thread lives"
        );
        go_tx.send(()).unwrap();
        ended.join().unwrap();
        assert_eq!(Arc::strong_count(&alive), 1, "freed when the thread ended");
        queue_apc(id, queued(&alive));
        assert_eq!(Arc::strong_count(&alive), 1, "dropped when queued after");
        assert!(!lock().apcs.contains_key(&id));
    }
}
