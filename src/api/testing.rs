//! The testing aids on [`Network`]: fault injection, call traces, spawning threads that use
//! the network.
#![forbid(unsafe_code)]

use std::thread::{self, JoinHandle, Scope, ScopedJoinHandle};

use super::{Network, Socket};
use crate::error::Result;
use crate::testing::{Fault, FaultId, StrictGuard, StrictReport, Trace, TraceOnFailure};

impl Network {
    /// Injects a fault: matching calls on this network, through either face, fail as the
    /// fault says. Returns an id to remove it with.
    pub fn inject(&self, fault: Fault) -> FaultId {
        self.table.observer.inject(fault)
    }

    /// Removes an injected fault; false if it was already used up or removed.
    pub fn remove_fault(&self, id: FaultId) -> bool {
        self.table.observer.remove_fault(id)
    }

    /// Removes every injected fault.
    pub fn clear_faults(&self) {
        self.table.observer.clear_faults();
    }

    /// Starts recording every call on this network (both faces, every thread) in order.
    pub fn start_trace(&self) {
        self.table.observer.start_trace();
    }

    /// Stops recording and returns what was recorded.
    pub fn stop_trace(&self) -> Trace {
        self.table.observer.stop_trace()
    }

    /// What has been recorded so far (empty when no trace was started).
    pub fn trace(&self) -> Trace {
        self.table.observer.trace()
    }

    /// Starts recording, and prints the trace to the test's output if the test panics
    /// before the returned guard is dropped.
    pub fn trace_on_failure(&self) -> TraceOnFailure {
        self.start_trace();
        TraceOnFailure {
            network: self.clone(),
        }
    }

    /// Resets the stream connection of `socket`, as a TCP RST from the network would: both
    /// ends then get `WSAECONNRESET`. `WSAENOTCONN` if it is not a connected stream.
    pub fn reset_connection(&self, socket: &Socket) -> Result<()> {
        self.table.reset_connection(socket.as_raw())
    }

    /// Delivers the datagrams that injected delays ([`Fault::delay_datagrams_to`]) held
    /// back, oldest first; returns how many arrived.
    pub fn deliver_delayed(&self) -> usize {
        self.table.deliver_delayed()
    }

    /// Turns strict mode on or off. While on, misuse that Windows accepts silently is
    /// recorded as a [`StrictReport`] naming the rule it breaks
    /// ([`crate::testing::STRICT_RULES`]); nothing is printed.
    pub fn set_strict(&self, enabled: bool) {
        self.table.observer.set_strict(enabled);
    }

    /// Strict mode until the guard is dropped; the guard then panics with every report,
    /// if there is any.
    pub fn strict(&self) -> StrictGuard {
        self.set_strict(true);
        StrictGuard {
            network: self.clone(),
        }
    }

    /// What strict mode has found so far, including threads still impersonating.
    pub fn strict_reports(&self) -> Vec<StrictReport> {
        self.table.observer.strict_reports()
    }

    /// What strict mode has found so far; the reports are then forgotten.
    pub fn take_strict_reports(&self) -> Vec<StrictReport> {
        self.table.observer.take_strict_reports()
    }

    /// Spawns a thread on which this network is current for the `sys` functions, as the
    /// spawning test's own thread has it after [`Network::enter`]. The thread is known to
    /// the network from this call on (no deadlock is declared while it starts), until `f`
    /// returns.
    pub fn spawn<T, F>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let network = self.clone();
        self.table.waits.expect_thread();
        thread::spawn(move || {
            let _current = network.enter();
            network.table.waits.arrived();
            f()
        })
    }

    /// [`Network::spawn`] for a scoped thread ([`std::thread::scope`]): the thread may
    /// borrow from the scope, and is known to the network from this call on, as
    /// [`Network::spawn`]'s are.
    pub fn spawn_scoped<'scope, T, F>(
        &self,
        scope: &'scope Scope<'scope, '_>,
        f: F,
    ) -> ScopedJoinHandle<'scope, T>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        let network = self.clone();
        self.table.waits.expect_thread();
        scope.spawn(move || {
            let _current = network.enter();
            network.table.waits.arrived();
            f()
        })
    }
}
