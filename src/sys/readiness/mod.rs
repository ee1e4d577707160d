//! Readiness: `select`, `__WSAFDIsSet`, `WSAPoll`, and safe forms of winsock2.h's
//! `FD_ZERO`, `FD_SET`, `FD_CLR` and `FD_ISSET` macros (windows-sys has no macros).
//!
//! The model decides what is ready (`model/readiness`); this file reads the caller's sets
//! (through `sets.rs`), and writes back only the ready handles, in their order.
//!
//! Readiness: `select`, `WSAPoll` and the `FD_*` helpers (this file), their caller
//! memory (`sets.rs`), and `WSAEventSelect`/`WSAEnumNetworkEvents` (`event_select.rs`).

pub(super) mod event_select;
pub(super) mod sets;

use std::collections::HashSet;
use std::time::Duration;

use windows_sys::Win32::Networking::WinSock::{
    FD_SET as FdSet, FD_SETSIZE, SOCKET, SOCKET_ERROR, TIMEVAL, WSAPOLLFD,
};

use super::last_error::record;
use crate::error::{Error, Result};
use crate::model::current::with_current;
use crate::model::readiness::{SelectEntry, SetKind};
use crate::rules::readiness as rules;

/// `select`'s `WSAEFAULT` ("unable to allocate needed resources for its internal
/// operations") for a set of more than [`crate::choices::READINESS_MAX_ENTRIES`] handles,
/// refused before a handle is read ([`crate::choices::READINESS_LIMITS`]).
fn select_set_fits(count: usize) -> Result<()> {
    if count > crate::choices::READINESS_MAX_ENTRIES {
        return Err(Error::Fault);
    }
    Ok(())
}

/// `WSAPoll`'s `WSAENOBUFS` ("no buffer space is available") for more than
/// [`crate::choices::READINESS_MAX_ENTRIES`] entries, refused before one is read
/// ([`crate::choices::READINESS_LIMITS`]).
fn poll_array_fits(count: usize) -> Result<()> {
    if count > crate::choices::READINESS_MAX_ENTRIES {
        return Err(Error::NoBufferSpace);
    }
    Ok(())
}

/// The `int`-returning count convention of `select` and `WSAPoll`.
fn count_result(result: Result<usize>) -> i32 {
    match result {
        Ok(count) => i32::try_from(count).unwrap_or(i32::MAX),
        Err(error) => {
            record(error);
            SOCKET_ERROR
        }
    }
}

/// A `TIMEVAL` as a duration ([`crate::choices::SELECT_TIMEOUT_VALIDITY`]).
fn select_timeout(timeval: TIMEVAL) -> Result<Duration> {
    rules::select_timeout_is_valid(timeval.tv_sec, timeval.tv_usec)?;
    Ok(Duration::from_secs(timeval.tv_sec as u64) + Duration::from_micros(timeval.tv_usec as u64))
}

/// Up to this many entries live on the stack; more are allocated.
const ON_STACK: usize = 16;

/// A scratch buffer of `len` copies of `fill`: on the stack when short.
fn scratch<'a, T: Copy>(
    len: usize,
    fill: T,
    stack: &'a mut [T; ON_STACK],
    heap: &'a mut Vec<T>,
) -> &'a mut [T] {
    if len <= ON_STACK {
        &mut stack[..len]
    } else {
        *heap = vec![fill; len];
        heap.as_mut_slice()
    }
}

/// Rewrites `set` to hold the ready handles of `entries` (its own), each once, in order;
/// returns how many.
///
/// # Safety
/// `set` must be non-NULL and valid for writes of `fd_count` and `entries.len()` handles.
unsafe fn write_ready(set: *mut FdSet, entries: &[SelectEntry]) -> usize {
    let mut seen: Option<HashSet<SOCKET>> = None;
    let mut count = 0;
    for (index, entry) in entries.iter().enumerate().filter(|(_, entry)| entry.ready) {
        // Few sockets are ready at once: a scan of those before beats hashing until many are.
        let repeated = if count < 32 {
            entries[..index]
                .iter()
                .any(|earlier| earlier.ready && earlier.handle == entry.handle)
        } else {
            let seen = seen.get_or_insert_with(|| {
                // SAFETY: the first `count` handles were written below, within the set.
                (0..count)
                    .map(|i| unsafe { sets::handle(set, i) })
                    .collect()
            });
            !seen.insert(entry.handle)
        };
        if !repeated {
            // SAFETY: count <= index < entries.len(), within the set as promised.
            unsafe { sets::write_handle(set, count, entry.handle) };
            count += 1;
        }
    }
    // SAFETY: as promised; a set never holds more than u32::MAX handles.
    unsafe { sets::write_count(set, count as u32) };
    count
}

/// [`select`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-select):
/// waits until a socket of `readfds` is readable (a connection to accept, data, the peer's
/// FIN or reset), one of `writefds` writable (connected, or a datagram socket), or one of
/// `exceptfds` exceptional, or until `timeout` passes (NULL: no limit; `{0, 0}`: at once),
/// on the network's clock. Each set is rewritten to hold its ready sockets, each once, in
/// order; the return value counts them over the three sets (0 on timeout). `nfds` is
/// ignored. Only the first `fd_count` handles of a set are read, so a set larger than
/// `FD_SETSIZE` works.
///
/// Errors: `WSANOTINITIALISED`; `WSAEINVAL` (every set NULL or empty, a negative timeout:
/// [`crate::choices::SELECT_TIMEOUT_VALIDITY`]); `WSAEFAULT` (a set over
/// [`crate::choices::READINESS_MAX_ENTRIES`] handles); `WSAENOTSOCK` (a handle that names
/// no socket: the sets are left unchanged); `WSAENETDOWN` when the wait stalls
/// ([`crate::choices::STALL_ENDS_THE_CALL`]). A socket closed during the wait:
/// [`crate::choices::SELECT_CLOSED_DURING_WAIT`].
///
/// # Safety
/// Each set must be NULL or valid for reads and writes of `fd_count` and `fd_count`
/// handles; `timeout` NULL or valid for reads of a `TIMEVAL`.
pub unsafe extern "system" fn select(
    nfds: i32,
    readfds: *mut FdSet,
    writefds: *mut FdSet,
    exceptfds: *mut FdSet,
    timeout: *const TIMEVAL,
) -> i32 {
    let _ = nfds;
    let sets = [
        (readfds, SetKind::Read),
        (writefds, SetKind::Write),
        (exceptfds, SetKind::Except),
    ];
    count_result(with_current(|table| {
        table.require_startup()?;
        let mut counts = [0usize; 3];
        for ((set, _), count) in sets.iter().zip(&mut counts) {
            if !set.is_null() {
                // SAFETY: non-NULL, and the caller promises a readable set.
                *count = unsafe { sets::count(*set) } as usize;
                select_set_fits(*count)?;
            }
        }
        rules::select_has_a_handle(counts.iter().sum())?;
        let timeout = if timeout.is_null() {
            None
        } else {
            // SAFETY: non-NULL, and the caller promises a readable TIMEVAL.
            Some(select_timeout(unsafe { sets::timeval(timeout) })?)
        };
        let total_len = counts.iter().sum();
        let fill = SelectEntry {
            handle: 0,
            set: SetKind::Read,
            ready: false,
        };
        let (mut stack, mut heap) = ([fill; ON_STACK], Vec::new());
        let entries = scratch(total_len, fill, &mut stack, &mut heap);
        let mut next = 0;
        for ((set, kind), count) in sets.iter().zip(counts) {
            for index in 0..count {
                // SAFETY: non-NULL (its count is not 0), `count` handles as promised.
                let handle = unsafe { sets::handle(*set, index) };
                entries[next] = SelectEntry {
                    handle,
                    set: *kind,
                    ready: false,
                };
                next += 1;
            }
        }
        table.select(entries, timeout)?;
        let mut total = 0;
        let mut rest = &entries[..];
        for ((set, _), count) in sets.iter().zip(counts) {
            let (mine, others) = rest.split_at(count);
            rest = others;
            if !set.is_null() {
                // SAFETY: the set held `count` handles, writable as promised.
                total += unsafe { write_ready(*set, mine) };
            }
        }
        Ok(total)
    }))
}

/// [`__WSAFDIsSet`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-__wsafdisset):
/// non-zero if `fd` is one of the first `fd_count` handles of the set (what the
/// `FD_ISSET` macro calls). A NULL set holds nothing.
///
/// # Safety
/// `param1` must be NULL or valid for reads of `fd_count` and `fd_count` handles.
#[allow(non_snake_case)]
pub unsafe extern "system" fn __WSAFDIsSet(fd: SOCKET, param1: *mut FdSet) -> i32 {
    if param1.is_null() {
        return 0;
    }
    // SAFETY: non-NULL, readable as promised.
    let count = unsafe { sets::count(param1) } as usize;
    // SAFETY: `count` handles, as promised.
    i32::from((0..count).any(|index| unsafe { sets::handle(param1, index) } == fd))
}

/// The `FD_ZERO` macro of winsock2.h: empties the set.
///
/// ```
/// use winsock_emu::sys::{FD_ISSET, FD_SET, FD_ZERO};
/// let mut set = winsock_emu::sys::FD_SET::default();
/// FD_SET(0x104, &mut set);
/// FD_ZERO(&mut set);
/// assert_eq!(set.fd_count, 0);
/// assert!(!FD_ISSET(0x104, &set));
/// ```
#[allow(non_snake_case)]
pub fn FD_ZERO(set: &mut FdSet) {
    set.fd_count = 0;
}

/// The `FD_SET` macro of winsock2.h: adds `fd` unless it is there already or the set holds
/// `FD_SETSIZE` (64) handles.
///
/// ```
/// use winsock_emu::sys::{FD_ISSET, FD_SET};
/// let mut set = winsock_emu::sys::FD_SET::default();
/// FD_SET(0x104, &mut set);
/// FD_SET(0x104, &mut set);
/// assert_eq!(set.fd_count, 1);
/// assert!(FD_ISSET(0x104, &set));
/// ```
#[allow(non_snake_case)]
pub fn FD_SET(fd: SOCKET, set: &mut FdSet) {
    let count = (set.fd_count as usize).min(FD_SETSIZE as usize);
    if !set.fd_array[..count].contains(&fd) && count < FD_SETSIZE as usize {
        set.fd_array[count] = fd;
        set.fd_count = count as u32 + 1;
    }
}

/// The `FD_CLR` macro of winsock2.h: removes `fd`, moving the later handles down.
///
/// ```
/// use winsock_emu::sys::{FD_CLR, FD_SET};
/// let mut set = winsock_emu::sys::FD_SET::default();
/// FD_SET(0x104, &mut set);
/// FD_SET(0x108, &mut set);
/// FD_CLR(0x104, &mut set);
/// assert_eq!((set.fd_count, set.fd_array[0]), (1, 0x108));
/// ```
#[allow(non_snake_case)]
pub fn FD_CLR(fd: SOCKET, set: &mut FdSet) {
    let count = (set.fd_count as usize).min(FD_SETSIZE as usize);
    if let Some(at) = set.fd_array[..count].iter().position(|&h| h == fd) {
        set.fd_array.copy_within(at + 1..count, at);
        set.fd_count = count as u32 - 1;
    }
}

/// The `FD_ISSET` macro of winsock2.h (which calls [`__WSAFDIsSet`]): whether `fd` is in
/// the set.
///
/// ```
/// use winsock_emu::sys::{FD_ISSET, FD_SET};
/// let mut set = winsock_emu::sys::FD_SET::default();
/// assert!(!FD_ISSET(0x104, &set));
/// FD_SET(0x104, &mut set);
/// assert!(FD_ISSET(0x104, &set));
/// ```
#[allow(non_snake_case)]
pub fn FD_ISSET(fd: SOCKET, set: &FdSet) -> bool {
    let count = (set.fd_count as usize).min(FD_SETSIZE as usize);
    set.fd_array[..count].contains(&fd)
}

/// The `timeout` of `WSAPoll`: negative waits with no limit.
fn poll_timeout(milliseconds: i32) -> Option<Duration> {
    u64::try_from(milliseconds).ok().map(Duration::from_millis)
}

/// [`WSAPoll`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsapoll):
/// waits until an entry of `fdarray` is ready or `timeout` milliseconds pass (negative: no
/// limit; 0: at once), on the network's clock, and writes each `revents`: `POLLRDNORM` (a
/// connection to accept, or data) and `POLLWRNORM` when asked for, `POLLHUP` (the peer's
/// FIN or reset) and `POLLERR` (a reset) always, `POLLNVAL` for a negative `fd` (ignored,
/// not counted) or a socket closed during the wait (counted). Returns the entries with a
/// non-zero `revents`, 0 on timeout.
///
/// Errors: `WSANOTINITIALISED`; `WSAEINVAL` (NULL with `fds` 0, `fds` 0, `events` other
/// than `POLLRDNORM`/`POLLRDBAND`/`POLLWRNORM`); `WSAEFAULT` (NULL with `fds` non-zero);
/// `WSAENOBUFS` (more than [`crate::choices::READINESS_MAX_ENTRIES`] entries);
/// `WSAENOTSOCK` when no entry names a socket (each `revents` is then `POLLNVAL`, as on
/// Windows); `WSAENETDOWN` when the wait stalls.
///
/// # Safety
/// `fdarray` must be NULL or valid for reads and writes of `fds` entries.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAPoll(fdarray: *mut WSAPOLLFD, fds: u32, timeout: i32) -> i32 {
    count_result(with_current(|table| {
        table.require_startup()?;
        if fdarray.is_null() {
            return Err(if fds == 0 {
                Error::Invalid
            } else {
                Error::Fault
            });
        }
        let fds = fds as usize;
        poll_array_fits(fds)?;
        let fill = WSAPOLLFD {
            fd: 0,
            events: 0,
            revents: 0,
        };
        let (mut stack, mut heap) = ([fill; ON_STACK], Vec::new());
        let entries = scratch(fds, fill, &mut stack, &mut heap);
        // SAFETY: non-NULL, `fds` entries as promised.
        unsafe { sets::read_poll_entries(fdarray, entries) };
        let outcome = table.poll(entries, poll_timeout(timeout));
        if matches!(outcome, Ok(_) | Err(Error::NotSocket)) {
            // SAFETY: as above.
            unsafe { sets::write_revents(fdarray, entries) };
        }
        outcome
    }))
}
