//! The eventcount: a generation counter that every change a waiter could wait for bumps,
//! and a count of the threads interested in it.
//!
//! A changer pays one atomic load when nobody waits ([`EventCount::must_signal`] false): the
//! generation moves only while some thread is interested. Why no wake-up is lost:
//!
//! - a waiter first registers its interest ([`EventCount::interest`], `SeqCst`), then reads
//!   the generation, then looks at the table (under a shard lock), then sleeps only if the
//!   generation is still the one it read (checked under the condvar's mutex);
//! - a changer changes the table (under a shard lock), then loads the interest (`SeqCst`);
//!   if some thread is interested it bumps the generation and notifies under the condvar's
//!   mutex.
//!
//! If the changer's load saw no interest, the waiter's registration came after it; the
//! shard lock orders the change before the waiter's look, so the waiter sees the change.
//! If the load saw interest, the generation moves after the change: a waiter that looked
//! before the change read the old generation, and finds it changed either before it sleeps
//! or by the notification, which the condvar's mutex orders after its check.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// The generation and the interest count.
#[derive(Debug, Default)]
pub(crate) struct EventCount {
    generation: AtomicU64,
    interested: AtomicUsize,
}

impl EventCount {
    /// The generation now.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Registers one more interested thread (undone by [`EventCount::lose_interest`]).
    pub(crate) fn interest(&self) {
        self.interested.fetch_add(1, Ordering::SeqCst);
    }

    /// Undoes one [`EventCount::interest`].
    pub(crate) fn lose_interest(&self) {
        self.interested.fetch_sub(1, Ordering::SeqCst);
    }

    /// After a change: bumps the generation when some thread is interested, and says
    /// whether the caller must then notify the sleepers.
    pub(crate) fn must_signal(&self) -> bool {
        if self.interested.load(Ordering::SeqCst) == 0 {
            return false;
        }
        self.generation.fetch_add(1, Ordering::SeqCst);
        true
    }

    /// Bumps the generation whatever the interest: for changes the waits themselves make
    /// (a clock that moved, a thread that left), under the condvar's mutex.
    pub(crate) fn bump(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generation_moves_only_while_someone_is_interested() {
        let count = EventCount::default();
        assert!(!count.must_signal());
        assert_eq!(count.generation(), 0);
        count.interest();
        assert!(count.must_signal());
        assert_eq!(count.generation(), 1);
        count.lose_interest();
        assert!(!count.must_signal());
        count.bump();
        assert_eq!(count.generation(), 2);
    }
}
