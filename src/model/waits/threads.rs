//! Which threads a network knows, and which threads wait where.
//!
//! A thread is known to a network while it has [entered](crate::Network::enter) it (so
//! also while it runs a closure [`crate::Network::spawn`] started), and for its whole life
//! if it made the network ([`crate::Network::new`]). Each thread keeps, in a thread-local,
//! the networks it is known to; when the thread ends, that list's destructor tells each
//! network, which wakes its waiters to look again (the thread that left may have been the
//! last one running).
//!
//! Waiting threads are also listed process-wide ([`alert`]), so that a completion routine
//! queued to a thread blocked in a socket call wakes it: a blocking call is an alertable
//! wait (facts 1.8).
#![forbid(unsafe_code)]

use crate::model::sync::{current_thread, thread_local, ThreadId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, Weak};

use crate::model::sync::Mutex;

use super::Shared;

/// One network this thread is known to, and how many reasons it has.
struct Membership {
    network: Weak<Shared>,
    /// Enters not yet left.
    entered: usize,
    /// The thread made the network: known until it ends.
    creator: bool,
}

/// This thread's memberships; dropped when the thread ends.
#[derive(Default)]
struct Memberships(Vec<Membership>);

impl Drop for Memberships {
    fn drop(&mut self) {
        for membership in self.0.drain(..) {
            if let Some(network) = membership.network.upgrade() {
                network.forget_thread(current_thread().id());
            }
        }
    }
}

thread_local! {
    static MEMBERSHIPS: RefCell<Memberships> = RefCell::new(Memberships::default());
}

/// The thread's name as a diagnosis shows it.
pub(crate) fn thread_label() -> String {
    let current = current_thread();
    match current.name() {
        Some(name) => name.to_owned(),
        None => format!("{:?}", current.id()),
    }
}

/// Makes this thread known to `network`: it entered it (`creator` false) or made it.
pub(crate) fn join(network: &Arc<Shared>, creator: bool) {
    let first = MEMBERSHIPS.try_with(|memberships| {
        let mut memberships = memberships.borrow_mut();
        let list = &mut memberships.0;
        let found = list
            .iter_mut()
            .find(|m| std::ptr::eq(m.network.as_ptr(), Arc::as_ptr(network)));
        match found {
            Some(membership) => {
                membership.creator |= creator;
                membership.entered += usize::from(!creator);
                false
            }
            None => {
                list.push(Membership {
                    network: Arc::downgrade(network),
                    entered: usize::from(!creator),
                    creator,
                });
                true
            }
        }
    });
    if first == Ok(true) {
        network.know_thread(current_thread().id(), thread_label());
    }
}

/// Undoes one [`join`] as an entering thread; the thread stops being known when no reason
/// is left.
pub(crate) fn leave(network: &Arc<Shared>) {
    let last = MEMBERSHIPS.try_with(|memberships| {
        let mut memberships = memberships.borrow_mut();
        let list = &mut memberships.0;
        let Some(at) = list
            .iter()
            .position(|m| std::ptr::eq(m.network.as_ptr(), Arc::as_ptr(network)))
        else {
            return false;
        };
        let membership = &mut list[at];
        membership.entered = membership.entered.saturating_sub(1);
        if membership.entered == 0 && !membership.creator {
            list.remove(at);
            return true;
        }
        false
    });
    if last == Ok(true) {
        network.forget_thread(current_thread().id());
    }
}

/// Threads waiting in an alertable socket call, and the network they wait on.
fn waiting() -> &'static Mutex<HashMap<ThreadId, Weak<Shared>>> {
    static WAITING: OnceLock<Mutex<HashMap<ThreadId, Weak<Shared>>>> = OnceLock::new();
    WAITING.get_or_init(Mutex::default)
}

/// Lists this thread as waiting on `network` (before it looks for queued routines).
pub(crate) fn mark_waiting(network: &Arc<Shared>) {
    waiting()
        .lock()
        .insert(current_thread().id(), Arc::downgrade(network));
}

/// Undoes [`mark_waiting`].
pub(crate) fn unmark_waiting() {
    waiting().lock().remove(&current_thread().id());
}

/// A completion routine was queued to `thread`: if it waits in a socket call, wake it so
/// that the routine runs (called with no other lock held).
pub(crate) fn alert(thread: ThreadId) {
    let network = waiting().lock().get(&thread).and_then(Weak::upgrade);
    if let Some(network) = network {
        network.alert(thread);
    }
}
