//! Aids for tests of Windows network code: fault injection, call traces, and the names of
//! the calls they speak of.
//!
//! Everything here is scoped to one [`Network`](crate::Network) and applies to both faces
//! (the `sys` functions and the safe API), because both reach the same model operations:
//!
//! - [`Fault`]: make the next call, the next N calls, or every call matching a function
//!   (and a socket) fail with a chosen `WSAE*` code, or refuse connections; the
//!   [`FaultGuard`] `inject` returns removes the rule when dropped.
//! - strict mode ([`StrictGuard`]): misuse Windows accepts silently, reported with the rule
//!   it breaks and its source.
//! - [`Trace`]: every call in order, with its thread, its decoded arguments, its result or
//!   error code; ordering assertions that print the whole trace when they fail.
//!
//! See [`docs/testing.md`](https://github.com/winsock-emu/winsock-emu/blob/main/docs/testing.md) for a user's test that uses them.
#![forbid(unsafe_code)]

mod call;
mod fault_guard;
mod faults;
mod mermaid;
mod security_failure;
mod strict;
mod trace;

pub use crate::model::waits::{Clock, Stall};
pub use call::Call;
pub use fault_guard::FaultGuard;
pub(crate) use faults::FaultPlan;
pub use faults::{Fault, FaultAction, FaultId};
pub use security_failure::SecurityFailure;
pub(crate) use strict::{SocketFacts, StrictTracker};
pub use strict::{
    StrictGuard, StrictReport, StrictRule, ADDRINFO_FREED_TWICE, ADDRINFO_NOT_FREED,
    BLOCKED_FOREVER, IMPERSONATION_NOT_REVERTED, NAME_AFTER_FIRST_SEND, NAME_WITHOUT_SECURITY,
    NETWORK_NOT_ENTERED, SETTINGS_AFTER_CONNECT, STRICT_RULES, TOKEN_NOT_CLOSED,
};
pub(crate) use trace::{thread_label, Recorder};
pub use trace::{CallRecord, Trace, TraceOnFailure};

/// What a failed test prints about `network`: its trace (if one was recorded), why its
/// secure connects failed, and its socket table.
fn failure_report(network: &crate::Network, trace: &Trace) -> String {
    use std::fmt::Write;
    let mut text = String::new();
    if !trace.records().is_empty() {
        let _ = writeln!(text, "{trace}");
    }
    let failures = network.security_failures();
    if !failures.is_empty() {
        let _ = writeln!(text, "secure connects that failed:");
        for failure in &failures {
            let _ = writeln!(text, "  {failure}");
        }
        text.push('\n');
    }
    let _ = write!(text, "{}", network.snapshot());
    text
}
