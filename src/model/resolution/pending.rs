//! The asynchronous lookups of `GetAddrInfoExW` in flight, by the handle `lpHandle`
//! receives, so that `GetAddrInfoExCancel` can cancel one
//! ([`crate::choices::GETADDRINFOEX_ASYNC`]).
//!
//! The registry is process-wide (a handle names its lookup whatever network is current
//! when it is cancelled) and its mutex is a leaf: taken alone, briefly. A handle is valid
//! from the call until the lookup completes or is cancelled; handles are never reused.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};

use crate::choices;
use crate::error::{Error, Result};
use crate::model::SocketTable;
use parking_lot::Mutex;

/// One lookup in flight: its cancel flag and the network whose waits it may sleep in.
struct InFlight {
    cancel: Arc<AtomicBool>,
    table: Weak<SocketTable>,
}

/// The lookups in flight, and how many handles were ever handed out.
struct Registry {
    started: u64,
    live: HashMap<usize, InFlight>,
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);

/// The `n`th lookup handle: `FIRST_LOOKUP_HANDLE + 4n`.
fn nth_handle(n: u64) -> Option<usize> {
    let offset = usize::try_from(n).ok()?.checked_mul(4)?;
    choices::FIRST_LOOKUP_HANDLE.checked_add(offset)
}

/// Registers a lookup about to start on `table`: its handle and its cancel flag. Once
/// the handle space is spent, `WSA_NOT_ENOUGH_MEMORY`.
pub(crate) fn start(table: &Arc<SocketTable>) -> Result<(usize, Arc<AtomicBool>)> {
    let mut registry = REGISTRY.lock();
    let registry = registry.get_or_insert_with(|| Registry {
        started: 0,
        live: HashMap::new(),
    });
    let handle = nth_handle(registry.started).ok_or(Error::NotEnoughMemory)?;
    registry.started += 1;
    let cancel = Arc::new(AtomicBool::new(false));
    registry.live.insert(
        handle,
        InFlight {
            cancel: Arc::clone(&cancel),
            table: Arc::downgrade(table),
        },
    );
    Ok((handle, cancel))
}

/// The lookup `handle` has its answer: its handle names nothing from now on. `false` if
/// it was cancelled first (it then completes with `WSA_E_CANCELLED`, whatever the
/// answer): cancel and finish take the same lock, so exactly one of them wins.
pub(crate) fn finish(handle: usize) -> bool {
    REGISTRY
        .lock()
        .as_mut()
        .is_some_and(|registry| registry.live.remove(&handle).is_some())
}

/// `GetAddrInfoExCancel`: cancels the lookup `handle` (it completes with
/// `WSA_E_CANCELLED`) and makes the handle name nothing. `WSA_INVALID_HANDLE` for a handle
/// that names no lookup in flight (never handed out, completed, cancelled already).
pub(crate) fn cancel(handle: usize) -> Result<()> {
    let found = REGISTRY
        .lock()
        .as_mut()
        .and_then(|registry| registry.live.remove(&handle))
        .ok_or(Error::InvalidHandle)?;
    found.cancel.store(true, Ordering::Release);
    if let Some(table) = found.table.upgrade() {
        table.waits.changed();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_distinct_cancelled_once_and_dead_after_finishing() {
        let table = Arc::new(SocketTable::default());
        let (a, flag_a) = start(&table).unwrap();
        let (b, flag_b) = start(&table).unwrap();
        assert_ne!(a, b);
        assert_eq!(a % 4, choices::FIRST_LOOKUP_HANDLE % 4);
        assert_eq!(cancel(a), Ok(()));
        assert!(flag_a.load(Ordering::Acquire));
        assert_eq!(cancel(a), Err(Error::InvalidHandle));
        assert!(finish(b));
        assert!(!finish(a), "cancelled first");
        assert_eq!(cancel(b), Err(Error::InvalidHandle));
        assert!(!flag_b.load(Ordering::Acquire));
        assert_eq!(cancel(0x100), Err(Error::InvalidHandle));
    }
}
