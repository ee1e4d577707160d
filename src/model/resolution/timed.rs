//! A lookup that takes time on the network clock ([`crate::testing::Fault::slow_lookup`]):
//! the lookup waits, as a blocking call does (`model/waits/`), until the clock passes its
//! delay, until it is cancelled (`GetAddrInfoExCancel`), or until a stall ends it.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::model::waits::{Ended, WaitRequest};
use crate::model::SocketTable;

/// How a caller can end a lookup early: `GetAddrInfoExCancel`'s flag, `GetAddrInfoExW`'s
/// *timeout*.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LookupControl<'a> {
    /// Set to cancel the lookup.
    pub(crate) cancel: Option<&'a AtomicBool>,
    /// How long the caller waits for the answer.
    pub(crate) timeout: Option<Duration>,
}

/// What a slowed lookup's wait says it waits for (the stall diagnosis shows it).
const WAITS_FOR: &str =
    "a slowed name lookup (Fault::slow_lookup) to pass its delay on the network clock";

impl SocketTable {
    /// Waits `delay` on the network clock for the lookup `call` makes: `Ok` once the clock
    /// passed it; `WSAETIMEDOUT` when the caller's `timeout` passes first (a tie goes to
    /// the answer); `WSA_E_CANCELLED` as soon as `control.cancel` is set (whoever sets it
    /// calls `waits.changed()`); `WSAENETDOWN` with a recorded diagnosis when nothing can
    /// move the clock ([`crate::choices::STALL_ENDS_THE_CALL`]).
    pub(crate) fn lookup_delay(
        &self,
        call: &'static str,
        delay: Duration,
        control: LookupControl<'_>,
    ) -> Result<()> {
        let LookupControl { cancel, timeout } = control;
        let times_out = timeout.is_some_and(|timeout| timeout < delay);
        let wait = if times_out {
            timeout.unwrap_or(delay)
        } else {
            delay
        };
        let request = WaitRequest {
            call,
            socket: None,
            what: WAITS_FOR,
            deadline: self.waits.deadline_after(wait),
            alertable: false,
        };
        let cancelled = || cancel.is_some_and(|flag| flag.load(Ordering::Acquire));
        if cancelled() {
            return Err(Error::Cancelled);
        }
        if wait.is_zero() && !times_out {
            return Ok(());
        }
        match self.waits.until(&request, || cancelled().then_some(())) {
            Ok(()) => Err(Error::Cancelled),
            Err(Ended::TimedOut) if times_out => Err(Error::TimedOut),
            Err(Ended::TimedOut) => Ok(()),
            Err(ended) => Err(self.wait_failed(ended)),
        }
    }
}
