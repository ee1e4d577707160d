//! The network's clock: what timeouts (`SO_RCVTIMEO`, `SO_SNDTIMEO`, and the readiness
//! calls' timeouts) are measured on.
//!
//! Time is a [`Duration`] since the network was made. The real clock reads a monotonic
//! [`Instant`]; a test clock stands still until the test advances it
//! ([`crate::Network::advance`]) or, in [`Clock::Auto`], until every thread known to the
//! network waits, when it jumps to the earliest deadline (`waits/mod.rs`). The stall limit
//! is always real time: it guards against hangs, whatever the test clock says.
#![forbid(unsafe_code)]

use std::time::{Duration, Instant};

/// Which clock a network's timeouts run on ([`crate::Network::set_clock`]).
///
/// Windows has one clock, the real one; the test clocks make a 30-second `SO_RCVTIMEO`
/// testable in microseconds and with no dependence on timing
/// ([`crate::choices::TEST_CLOCK`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// Real time (the default).
    #[default]
    Real,
    /// A test clock that moves only when [`crate::Network::advance`] moves it.
    Manual,
    /// A test clock that moves when advanced, and that jumps to the earliest deadline of a
    /// waiting call when every thread known to the network waits.
    Auto,
}

/// The clock's state, kept under the waits' mutex.
#[derive(Debug)]
pub(crate) struct ClockState {
    /// Which clock.
    pub(crate) mode: Clock,
    /// Real time zero.
    origin: Instant,
    /// A test clock's reading.
    test_now: Duration,
}

impl Default for ClockState {
    fn default() -> Self {
        Self {
            mode: Clock::Real,
            origin: Instant::now(),
            test_now: Duration::ZERO,
        }
    }
}

impl ClockState {
    /// The time now.
    pub(crate) fn now(&self) -> Duration {
        match self.mode {
            Clock::Real => self.origin.elapsed(),
            Clock::Manual | Clock::Auto => self.test_now,
        }
    }

    /// Switches clocks; time goes on from where it stood, so it never runs backwards.
    pub(crate) fn set_mode(&mut self, mode: Clock) {
        let now = self.now();
        self.mode = mode;
        if mode == Clock::Real {
            // Real time zero moves so that real time reads `now` at once.
            self.origin = Instant::now().checked_sub(now).unwrap_or(self.origin);
        } else {
            self.test_now = now;
        }
    }

    /// Moves a test clock forward (a real clock cannot be moved: `false`).
    pub(crate) fn advance(&mut self, by: Duration) -> bool {
        if self.mode == Clock::Real {
            return false;
        }
        self.test_now = self.test_now.saturating_add(by);
        true
    }

    /// Moves an auto test clock to `deadline`, if that is ahead.
    pub(crate) fn jump_to(&mut self, deadline: Duration) {
        self.test_now = self.test_now.max(deadline);
    }

    /// The real instant at which `deadline` falls, for a real clock; a test clock's
    /// deadlines fall when the clock is moved, so they have none.
    pub(crate) fn instant_of(&self, deadline: Duration) -> Option<Instant> {
        match self.mode {
            Clock::Real => self.origin.checked_add(deadline),
            Clock::Manual | Clock::Auto => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_clock_moves_only_when_moved_and_never_backwards() {
        let mut clock = ClockState::default();
        assert!(!clock.advance(Duration::from_secs(1)));
        clock.set_mode(Clock::Manual);
        let start = clock.now();
        assert_eq!(clock.now(), start);
        assert!(clock.advance(Duration::from_secs(30)));
        assert_eq!(clock.now(), start + Duration::from_secs(30));
        clock.jump_to(start);
        assert_eq!(clock.now(), start + Duration::from_secs(30), "never back");
        assert_eq!(clock.instant_of(start), None);
        clock.set_mode(Clock::Real);
        assert!(clock.now() >= start + Duration::from_secs(30));
        assert!(clock.instant_of(clock.now()).is_some());
    }
}
