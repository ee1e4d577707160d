//! Which table the `sys` functions of a thread use.
//!
//! Like Windows, a process has one Winsock: code that never asks uses the process-wide
//! table. A test can make its own table current for its thread (`Network::enter`), so
//! that parallel tests never share sockets, ports or `WSAStartup` counts. Entering nests:
//! the innermost entered table wins until its guard is dropped. A thread that entered a
//! table is known to it ([`crate::model::waits`]) until it leaves.
#![forbid(unsafe_code)]

use std::cell::RefCell;
use std::sync::Arc;

use crate::model::sync::{process_wide, thread_local};
use crate::model::SocketTable;

thread_local! {
    /// Tables this thread has entered, innermost last.
    static ENTERED: RefCell<Vec<Arc<SocketTable>>> = const { RefCell::new(Vec::new()) };
}

/// The process-wide table, created on first use.
pub(crate) fn global() -> &'static Arc<SocketTable> {
    process_wide!(Arc<SocketTable>, Arc::new(SocketTable::process_wide()))
}

/// The thread's current table, shared.
pub(crate) fn current() -> Arc<SocketTable> {
    with_current(Arc::clone)
}

/// Runs `f` with the thread's current table. Neither an entered table nor the process-wide
/// one has its reference count touched: threads sharing a table share no counter on every
/// call (see `docs/performance.md`, comparison 5).
///
/// `f` runs while this thread's stack of entered tables is borrowed, so it must not enter
/// or leave a table, nor run user code that could: the `sys` functions pass it model
/// operations only.
#[inline]
pub(crate) fn with_current<R>(f: impl FnOnce(&Arc<SocketTable>) -> R) -> R {
    let mut f = Some(f);
    let ran = ENTERED.try_with(|stack| {
        let stack = stack.borrow();
        let f = f.take().expect("try_with runs its closure at most once");
        match stack.last() {
            Some(table) => f(table),
            None => f(global()),
        }
    });
    // `try_with` fails only while the thread's locals are torn down, before `f` ran.
    ran.unwrap_or_else(|_| f.take().expect("f has not run")(global()))
}

/// Makes `table` the thread's current table until [`leave`] is called with it.
pub(crate) fn enter(table: Arc<SocketTable>) {
    table.waits.join(false);
    ENTERED.with(|stack| stack.borrow_mut().push(table));
}

/// Undoes the innermost [`enter`] of `table`.
pub(crate) fn leave(table: &Arc<SocketTable>) {
    // A guard dropped while the thread is being torn down has nothing left to undo.
    let _ = ENTERED.try_with(|stack| {
        let mut stack = stack.borrow_mut();
        if let Some(at) = stack
            .iter()
            .rposition(|entered| Arc::ptr_eq(entered, table))
        {
            stack.remove(at);
        }
    });
    table.waits.leave();
}

/// Whether this thread has entered any table.
pub(crate) fn entered_any() -> bool {
    ENTERED
        .try_with(|stack| !stack.borrow().is_empty())
        .unwrap_or(false)
}

/// Whether `table` is the process-wide one.
pub(crate) fn is_global(table: &SocketTable) -> bool {
    std::ptr::eq(Arc::as_ptr(global()), table)
}
