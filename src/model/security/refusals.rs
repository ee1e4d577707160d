//! Why secure connects failed: the table keeps each failed negotiation's reason
//! ([`crate::testing::SecurityFailure`]), because the Windows result, `WSAETIMEDOUT`, says
//! nothing of it.
//!
//! A failure is recorded where the negotiation fails (under the table locks of the call:
//! the record's own lock is a leaf), and also left for the calling thread, so that the
//! observer can attach its text to the failed call's trace entry.
#![forbid(unsafe_code)]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::error::Error;
use crate::model::negotiation::Refusal;
use crate::model::SocketTable;
use crate::testing::{Call, SecurityFailure};

/// How many failures a network keeps: the most recent ones, so that a test looping over
/// failing connects holds a bounded record.
const KEPT: usize = 64;

thread_local! {
    /// The failure of this thread's call now running, for its trace entry.
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// A network's record of failed negotiations, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Refusals(VecDeque<SecurityFailure>);

impl Refusals {
    /// Every failure kept, oldest first.
    pub(crate) fn all(&self) -> Vec<SecurityFailure> {
        self.0.iter().cloned().collect()
    }

    /// Forgets every failure kept.
    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }
}

/// Forgets what an earlier call of this thread left, before a call whose trace entry may
/// carry its own failure.
pub(crate) fn forget_last() {
    let _ = LAST.try_with(|last| last.borrow_mut().take());
}

/// The text of the failure the thread's last call recorded, if it recorded one.
pub(crate) fn take_last() -> Option<String> {
    LAST.try_with(|last| last.borrow_mut().take())
        .ok()
        .flatten()
}

impl SocketTable {
    /// Records why `call` on `socket` toward `peer` failed its negotiation; returns the
    /// error the call fails with ([`crate::choices::NEGOTIATION_FAILURE_ERROR`]).
    pub(in crate::model) fn refused(
        &self,
        call: Call,
        socket: SOCKET,
        peer: SocketAddr,
        refusal: Refusal,
    ) -> Error {
        let error = Error::from(refusal.clone());
        let failure = SecurityFailure {
            call,
            socket,
            peer,
            expected: refusal.expected,
            met: refusal.met,
            client_has_settings: refusal.initiator_settings,
            server_has_settings: refusal.responder_settings,
            error,
        };
        let _ = LAST.try_with(|last| *last.borrow_mut() = Some(failure.to_string()));
        let mut kept = self.observer.refusals.lock();
        if kept.0.len() == KEPT {
            kept.0.pop_front();
        }
        kept.0.push_back(failure);
        error
    }
}
