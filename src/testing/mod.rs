//! Aids for tests of Windows network code: fault injection, call traces, and the names of
//! the calls they speak of.
//!
//! Everything here is scoped to one [`Network`](crate::Network) and applies to both faces
//! (the `sys` functions and the safe API), because both reach the same model operations:
//!
//! - [`Fault`]: make the next call, the next N calls, or every call matching a function
//!   (and a socket) fail with a chosen `WSAE*` code, or refuse connections; removable.
//! - strict mode ([`StrictGuard`]): misuse Windows accepts silently, reported with the rule
//!   it breaks and its source.
//! - [`Trace`]: every call in order, with its thread, its decoded arguments, its result or
//!   error code; ordering assertions that print the whole trace when they fail.
//!
//! See `docs/testing.md` for a user's test that uses them.
#![forbid(unsafe_code)]

mod call;
mod faults;
mod strict;
mod trace;

pub use crate::model::waits::{Clock, Stall};
pub use call::Call;
pub(crate) use faults::FaultPlan;
pub use faults::{Fault, FaultAction, FaultId};
pub(crate) use strict::{SocketFacts, StrictTracker};
pub use strict::{
    StrictGuard, StrictReport, StrictRule, BLOCKED_FOREVER, IMPERSONATION_NOT_REVERTED,
    NAME_AFTER_FIRST_SEND, NAME_WITHOUT_SECURITY, SETTINGS_AFTER_CONNECT, STRICT_RULES,
};
pub(crate) use trace::{thread_label, Recorder};
pub use trace::{CallRecord, Trace, TraceOnFailure};
