//! The likeliest first mistake: a test makes a network (`Network::new`) but forgets
//! `net.enter()`, so the `sys` calls of the code under test reach the process-wide network,
//! which was never started, and fail with `WSANOTINITIALISED`, as a Windows process's
//! calls before `WSAStartup` do.
//!
//! The error stays the Windows one. What this file adds is the explanation: each network
//! made on a thread is remembered (weakly) by that thread, and when one of the thread's
//! calls fails with `WSANOTINITIALISED` on the process-wide network while it has entered
//! none, the thread's own live networks are told: strict mode reports
//! [`crate::testing::NETWORK_NOT_ENTERED`], and a trace records the stray call with a note.
//! All of it runs only on that failure (`#[cold]`).
#![forbid(unsafe_code)]

use std::cell::RefCell;
use std::sync::{Arc, Weak};

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::error::Error;
use crate::model::{current, SocketTable};
use crate::testing::{Call, CallRecord};

thread_local! {
    /// The networks made on this thread that may still be alive.
    static OWN: RefCell<Vec<Weak<SocketTable>>> = const { RefCell::new(Vec::new()) };
}

/// Remembers that this thread made `table` (forgetting networks already dropped, so the
/// list holds at most the thread's live networks plus this one).
pub(crate) fn made_here(table: &Arc<SocketTable>) {
    let _ = OWN.try_with(|own| {
        let mut own = own.borrow_mut();
        own.retain(|table| table.strong_count() > 0);
        own.push(Arc::downgrade(table));
    });
}

/// The note a stray call leaves.
fn note(call: Call) -> String {
    format!(
        "{call} on this thread reached the process-wide network, which has no WSAStartup, \
         while this thread made a network of its own and entered none: the test probably \
         forgot `let _current = net.enter();` (or `net.spawn` for a new thread), so the \
         sys functions use the process-wide network"
    )
}

impl SocketTable {
    /// Called when `call` failed with `WSANOTINITIALISED`: if this is the process-wide
    /// table, reached by a thread that entered none but made its own, tell those.
    #[cold]
    #[inline(never)]
    pub(in crate::model) fn failed_unstarted(&self, call: Call, socket: Option<SOCKET>) {
        if !current::is_global(self) || current::entered_any() {
            return;
        }
        let own: Vec<Arc<SocketTable>> = OWN
            .try_with(|own| own.borrow().iter().filter_map(Weak::upgrade).collect())
            .unwrap_or_default();
        for table in own {
            table.note_stray(call, socket);
        }
    }

    /// Records in this (the thread's own) table that `call` strayed to the process-wide one.
    fn note_stray(&self, call: Call, socket: Option<SOCKET>) {
        let text = note(call);
        let mut recorder = self.observer.recorder.lock();
        if recorder.is_recording() {
            recorder.record(CallRecord {
                seq: 0,
                thread: crate::testing::thread_label(),
                call,
                socket,
                peer: None,
                args: "on the process-wide network".into(),
                result: Err(Error::NotInitialised),
                injected: false,
                note: Some(text.clone()),
            });
        }
        drop(recorder);
        if self
            .observer
            .strict_enabled
            .load(std::sync::atomic::Ordering::Acquire)
        {
            self.observer.strict.lock().strayed(socket, text);
        }
    }
}
