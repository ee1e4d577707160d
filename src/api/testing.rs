//! The testing aids on [`Network`]: fault injection, call traces, spawning threads that use
//! the network.
#![forbid(unsafe_code)]

use std::thread::{self, JoinHandle};

use super::Network;
use crate::testing::{Fault, FaultId, Trace, TraceOnFailure};

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

    /// Spawns a thread on which this network is current for the `sys` functions, as the
    /// spawning test's own thread has it after [`Network::enter`].
    pub fn spawn<T, F>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let network = self.clone();
        thread::spawn(move || {
            let _current = network.enter();
            f()
        })
    }
}
