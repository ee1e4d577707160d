//! The table's locks, condition variable, thread identities and process-wide statics,
//! behind one small interface, so the concurrency scenarios of `tests/model_checked.rs`
//! can run under the `shuttle` model checker while every normal build uses `parking_lot`.
//!
//! - Normal builds: `Mutex`, `MutexGuard` and `Condvar` are `parking_lot`'s own types
//!   (re-exported, so nothing is wrapped and nothing costs more), threads and `AtomicU32`
//!   (the startup count, which every call checks) are `std`'s, and a [`process_wide!`]
//!   value is a `OnceLock`.
//! - Built with `RUSTFLAGS="--cfg winsock_emu_shuttle"` (and only then is the `shuttle`
//!   dependency part of the build graph): the same names, with `parking_lot`'s shape
//!   (`lock()` returns the guard, `Condvar::wait(&mut guard)`), over `shuttle`'s types,
//!   whose every lock, wait, wake-up and startup-count access is a scheduling point the
//!   checker controls. Shuttle
//!   runs its threads as coroutines of one OS thread, so thread identities and
//!   thread-locals are shuttle's too, and process-wide statics are shuttle lazy statics,
//!   built afresh in every explored execution (a lock made in one execution cannot be
//!   used in the next). Such a build runs only inside `shuttle::check_*`.
//!
//! Shuttle's condition variable never times out: [`Condvar::wait_until`] returns
//! `timed_out()` at once if the deadline has passed (so a zero timeout is a poll) and
//! otherwise waits for a wake-up, so a scenario must wake every wait it starts (else shuttle
//! reports the deadlock, which is what a lost wake-up is).
#![forbid(unsafe_code)]

#[cfg(not(winsock_emu_shuttle))]
pub(crate) use parking_lot::{Condvar, Mutex, MutexGuard};
#[cfg(not(winsock_emu_shuttle))]
pub(crate) use std::sync::atomic::AtomicU32;
#[cfg(not(winsock_emu_shuttle))]
pub(crate) use std::thread::{current as current_thread, ThreadId};
#[cfg(not(winsock_emu_shuttle))]
pub(crate) use std::thread_local;

#[cfg(winsock_emu_shuttle)]
pub(crate) use shuttle::sync::atomic::AtomicU32;
#[cfg(winsock_emu_shuttle)]
pub(crate) use shuttle::thread::{current as current_thread, ThreadId};
#[cfg(winsock_emu_shuttle)]
pub(crate) use shuttle::thread_local;
#[cfg(winsock_emu_shuttle)]
pub(crate) use shuttle_types::{Condvar, Mutex, MutexGuard};

/// A value shared by the whole process, built on first use: `process_wide!(Type, init)`
/// is a `&'static Type`. A `OnceLock` normally; under shuttle, a lazy static of the
/// current execution.
#[cfg(not(winsock_emu_shuttle))]
macro_rules! process_wide {
    ($ty:ty, $init:expr) => {{
        static CELL: ::std::sync::OnceLock<$ty> = ::std::sync::OnceLock::new();
        CELL.get_or_init(|| $init)
    }};
}

/// A value shared by the whole process, built on first use: under shuttle, a lazy static of
/// the current execution.
#[cfg(winsock_emu_shuttle)]
macro_rules! process_wide {
    ($ty:ty, $init:expr) => {{
        ::shuttle::lazy_static! {
            static ref CELL: $ty = $init;
        }
        &*CELL
    }};
}

pub(crate) use process_wide;

/// `parking_lot`'s API shape over shuttle's `std`-shaped types.
#[cfg(winsock_emu_shuttle)]
mod shuttle_types {
    use std::fmt;
    use std::ops::{Deref, DerefMut};
    use std::sync::PoisonError;
    use std::time::Instant;

    /// A mutex whose `lock` returns the guard (a panic while it was held is not
    /// remembered, as in `parking_lot`).
    #[derive(Default)]
    pub(crate) struct Mutex<T>(shuttle::sync::Mutex<T>);

    impl<T> Mutex<T> {
        /// A new, unlocked mutex.
        pub(crate) fn new(value: T) -> Self {
            Self(shuttle::sync::Mutex::new(value))
        }

        /// Locks it, waiting while another thread holds it.
        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            MutexGuard(Some(self.0.lock().unwrap_or_else(PoisonError::into_inner)))
        }

        /// Locks it if no other thread holds it.
        pub(crate) fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
            match self.0.try_lock() {
                Ok(guard) => Some(MutexGuard(Some(guard))),
                Err(std::sync::TryLockError::Poisoned(poisoned)) => {
                    Some(MutexGuard(Some(poisoned.into_inner())))
                }
                Err(std::sync::TryLockError::WouldBlock) => None,
            }
        }
    }

    impl<T> fmt::Debug for Mutex<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("Mutex { .. }")
        }
    }

    /// The guard; `None` only for the instant a [`Condvar`] wait holds it.
    pub(crate) struct MutexGuard<'a, T>(Option<shuttle::sync::MutexGuard<'a, T>>);

    impl<T> Deref for MutexGuard<'_, T> {
        type Target = T;

        fn deref(&self) -> &T {
            self.0.as_deref().expect("the guard is held outside a wait")
        }
    }

    impl<T> DerefMut for MutexGuard<'_, T> {
        fn deref_mut(&mut self) -> &mut T {
            self.0
                .as_deref_mut()
                .expect("the guard is held outside a wait")
        }
    }

    /// Whether a [`Condvar::wait_until`] ended at its deadline.
    #[derive(Debug, Clone, Copy)]
    pub(crate) struct WaitTimeoutResult(bool);

    impl WaitTimeoutResult {
        /// The deadline had passed.
        pub(crate) fn timed_out(self) -> bool {
            self.0
        }
    }

    /// A condition variable waited on with `&mut` the guard, as `parking_lot`'s is.
    #[derive(Default)]
    pub(crate) struct Condvar(shuttle::sync::Condvar);

    impl fmt::Debug for Condvar {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("Condvar { .. }")
        }
    }

    impl Condvar {
        /// A new condition variable.
        pub(crate) fn new() -> Self {
            Self(shuttle::sync::Condvar::new())
        }

        /// Releases the lock, waits for a wake-up, and retakes the lock.
        pub(crate) fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
            let inner = guard.0.take().expect("the guard is held outside a wait");
            guard.0 = Some(self.0.wait(inner).unwrap_or_else(PoisonError::into_inner));
        }

        /// As [`Condvar::wait`], or at once `timed_out()` if `deadline` has passed
        /// (shuttle's waits never time out; see the module documentation).
        pub(crate) fn wait_until<T>(
            &self,
            guard: &mut MutexGuard<'_, T>,
            deadline: Instant,
        ) -> WaitTimeoutResult {
            if Instant::now() >= deadline {
                return WaitTimeoutResult(true);
            }
            self.wait(guard);
            WaitTimeoutResult(false)
        }

        /// Wakes every waiter.
        pub(crate) fn notify_all(&self) {
            self.0.notify_all();
        }
    }
}
