//! The table's side of a wait: how a wait that ended without what it waited for becomes
//! the call's error, and where a stall is reported.
#![forbid(unsafe_code)]

use super::{Ended, Stall};
use crate::error::Error;
use crate::model::SocketTable;

impl SocketTable {
    /// The error a blocking call reports when its wait ended without what it waited for:
    /// `WSAETIMEDOUT` at its deadline, `WSAENETDOWN` for a stall
    /// ([`crate::choices::STALL_ENDS_THE_CALL`]). The waiter that found a stall composes its
    /// diagnosis (with no lock held), prints it to stderr and records it.
    pub(crate) fn wait_failed(&self, ended: Ended) -> Error {
        match ended {
            Ended::TimedOut => Error::TimedOut,
            Ended::Stalled(found) => {
                if let Some(found) = found {
                    let stall = Stall::compose(&found, self.waits.stall_limit(), &self.snapshot());
                    eprint!("{stall}");
                    self.waits.record(stall);
                }
                Error::NetworkDown
            }
        }
    }
}
