//! A signal: the wake-up of one waiter alone, for waits whose every possible waker knows
//! which waiter it serves (a completion port hands each packet to one waiting thread).
//!
//! The network's eventcount ([`super::Waits::changed`]) wakes every waiter of the network
//! to look again, which is right where a change may concern any of them (data on a socket
//! that several calls watch) but wasteful where it concerns exactly one: with a port's
//! packets going through it, every post woke every worker and every blocked client of the
//! network, and all but one went back to sleep (`docs/performance.md`, comparison 9). A
//! signalled waiter ([`super::Waits::until_signalled`]) is woken by its own signal only,
//! or by the waits' own events (its deadline on a moved clock, an alert, a deadlock, a
//! thread that left), never by the network's other changes.
//!
//! Why no wake-up is lost:
//!
//! - the waiter clears the signal, then looks (under the lock of what it waits on), then,
//!   still finding nothing, watches the signal for a moment, then registers (under the
//!   waits' mutex), marks itself sleeping and reads the signal once more before it sleeps
//!   on the signal's condvar, which releases the waits' mutex;
//! - the waker changes what the waiter waits on (under the same lock the waiter looked
//!   under), sets the signal, then reads the sleeping mark; only if it is set does it take
//!   the waits' mutex and notify.
//!
//! Both marks are `SeqCst`, so of the waiter's read of the signal and the waker's read of
//! the sleeping mark at least one sees the other's store: either the waiter does not sleep,
//! or the waker notifies, under the mutex the waiter held until its sleep began. A signal
//! set before the waiter cleared it is not lost either: the look that follows the clearing
//! sees the change the waker made before it set the signal.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicBool, Ordering};

use crate::model::sync::Condvar;

/// One waiter's wake-up.
#[derive(Debug, Default)]
pub(crate) struct Signal {
    /// Set by the waker, cleared by the waiter before each look.
    set: AtomicBool,
    /// Whether the waiter sleeps (or is about to) on `wake`.
    sleeping: AtomicBool,
    /// Whether a waiter that will be served first came after this one (a port's last
    /// waiter is woken first): this one then sleeps at once rather than watching.
    outrun: AtomicBool,
    /// What the waiter sleeps on, with the waits' mutex.
    pub(super) wake: Condvar,
}

impl Signal {
    /// Whether the signal was set since the waiter last cleared it.
    pub(crate) fn is_set(&self) -> bool {
        self.set.load(Ordering::SeqCst)
    }

    /// Whether a waiter that will be served before this one has begun waiting.
    pub(crate) fn is_outrun(&self) -> bool {
        self.outrun.load(Ordering::Relaxed)
    }

    /// What a waiter served before this one says as it begins waiting: this one stops
    /// watching for the signal and sleeps (no wake-up depends on it: a hint).
    pub(crate) fn outrun(&self) {
        self.outrun.store(true, Ordering::Relaxed);
    }

    /// The waiter, before it looks again.
    pub(super) fn clear(&self) {
        self.set.store(false, Ordering::SeqCst);
    }

    /// The waker: sets the signal, and says whether the waiter may sleep (then the waker
    /// must notify it under the waits' mutex).
    pub(super) fn set(&self) -> bool {
        self.set.store(true, Ordering::SeqCst);
        self.sleeping.load(Ordering::SeqCst)
    }

    /// The waiter, under the waits' mutex: marks itself sleeping, and says whether it may
    /// (the signal still unset). Undone by [`Signal::awake`].
    pub(super) fn may_sleep(&self) -> bool {
        self.sleeping.store(true, Ordering::SeqCst);
        if self.is_set() {
            self.awake();
            return false;
        }
        true
    }

    /// The waiter woke (or did not sleep).
    pub(super) fn awake(&self) {
        self.sleeping.store(false, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_set_before_the_sleep_stops_it_and_one_set_during_it_asks_for_a_notification() {
        let signal = Signal::default();
        assert!(!signal.set(), "nobody sleeps: no notification");
        assert!(
            !signal.may_sleep(),
            "already set: the waiter must not sleep"
        );
        signal.clear();
        assert!(signal.may_sleep());
        assert!(signal.set(), "the waiter sleeps: the waker must notify");
        signal.awake();
        assert!(signal.is_set());
    }
}
