//! The waiting aids on [`Network`]: the clock timeouts run on, the stall limit, and the
//! stalls recorded (`model/waits`).
#![forbid(unsafe_code)]

use std::time::Duration;

use super::Network;
use crate::testing::{Clock, Stall};

impl Network {
    /// Chooses the clock this network's timeouts (`SO_RCVTIMEO`, `SO_SNDTIMEO`, ...) run
    /// on: real time by default, or a test clock ([`Clock`],
    /// [`crate::choices::TEST_CLOCK`]). Time goes on from where it stood.
    pub fn set_clock(&self, clock: Clock) {
        self.table.waits.set_clock(clock);
    }

    /// Moves a test clock forward by `by`, ending the waits whose deadline that passes;
    /// `false` (nothing moved) on the real clock.
    pub fn advance(&self, by: Duration) -> bool {
        self.table.waits.advance(by)
    }

    /// The time on this network's clock, since the network was made.
    pub fn now(&self) -> Duration {
        self.table.waits.now()
    }

    /// Sets how long a blocking call may wait with nothing changing on the network before
    /// it fails as a stall (real time; [`crate::choices::STALL_LIMIT`] by default,
    /// [`crate::choices::STALL_ENDS_THE_CALL`]).
    pub fn set_stall_limit(&self, limit: Duration) {
        self.table.waits.set_stall_limit(limit);
    }

    /// Blocks until at least `count` blocking calls wait on this network (from any
    /// threads), so a test can act on a call it knows to be waiting: close its socket,
    /// send what it waits for. `false` if the stall limit passed first. The calling thread
    /// counts as running meanwhile (it may still act), so the waiters are not declared
    /// deadlocked.
    pub fn wait_until_blocked(&self, count: usize) -> bool {
        self.table.waits.until_blocked(count)
    }

    /// The stall limit in force.
    pub fn stall_limit(&self) -> Duration {
        self.table.waits.stall_limit()
    }

    /// The stalls this network recorded: each a wait that nothing could end, ended with
    /// `WSAENETDOWN`, with a diagnosis a person can read (its `Display`), which was also
    /// printed to stderr when it happened.
    pub fn stalls(&self) -> Vec<Stall> {
        self.table.waits.stalls()
    }
}
