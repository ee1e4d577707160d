//! Readiness: `select`, `__WSAFDIsSet`, `WSAPoll`, and safe forms of winsock2.h's
//! `FD_ZERO`, `FD_SET`, `FD_CLR` and `FD_ISSET` macros (windows-sys has no macros).
//!
//! The model decides what is ready (`model/readiness`); this file reads the caller's sets
//! (through `sets.rs`), and writes back only the ready handles, in their order.
use std::collections::HashSet;
use std::time::Duration;

use windows_sys::Win32::Networking::WinSock::{
    FD_SET as FdSet, FD_SETSIZE, SOCKET, SOCKET_ERROR, TIMEVAL, WSAPOLLFD,
};

use super::last_error::record;
use super::sets;
use crate::error::{Error, Result};
use crate::model::current::with_current;
use crate::model::readiness::{SelectEntry, SetKind};
use crate::rules::readiness as rules;

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

/// The ready handles of `entries`, each once, in order.
fn ready_once(entries: &[SelectEntry]) -> Vec<SOCKET> {
    let mut ready: Vec<SOCKET> = Vec::new();
    let mut seen = HashSet::new();
    for entry in entries.iter().filter(|entry| entry.ready) {
        // Few sockets are ready at once: a scan beats hashing until many are.
        let repeated = if ready.len() < 32 {
            ready.contains(&entry.handle)
        } else {
            if seen.is_empty() {
                seen.extend(ready.iter().copied());
            }
            !seen.insert(entry.handle)
        };
        if !repeated {
            ready.push(entry.handle);
        }
    }
    ready
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
                rules::select_set_fits(*count)?;
            }
        }
        rules::select_has_a_handle(counts.iter().sum())?;
        let timeout = if timeout.is_null() {
            None
        } else {
            // SAFETY: non-NULL, and the caller promises a readable TIMEVAL.
            Some(select_timeout(unsafe { sets::timeval(timeout) })?)
        };
        let mut handles = Vec::with_capacity(counts.iter().sum());
        let mut entries = Vec::with_capacity(counts.iter().sum());
        for ((set, kind), count) in sets.iter().zip(counts) {
            if count > 0 {
                handles.clear();
                // SAFETY: non-NULL (its count is not 0), `count` handles as promised.
                unsafe { sets::read_handles(*set, count, &mut handles) };
                entries.extend(handles.iter().map(|&handle| SelectEntry {
                    handle,
                    set: *kind,
                    ready: false,
                }));
            }
        }
        table.select(&mut entries, timeout)?;
        let mut total = 0;
        let mut rest = entries.as_slice();
        for ((set, _), count) in sets.iter().zip(counts) {
            let (mine, others) = rest.split_at(count);
            rest = others;
            if !set.is_null() {
                let ready = ready_once(mine);
                total += ready.len();
                // SAFETY: the set held `count` >= `ready.len()` handles, writable as promised.
                unsafe { sets::write_handles(*set, &ready) };
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
    let mut handles = Vec::new();
    // SAFETY: `count` handles, as promised.
    unsafe { sets::read_handles(param1, count, &mut handles) };
    i32::from(handles.contains(&fd))
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
        rules::poll_array_fits(fds)?;
        // SAFETY: non-NULL, `fds` entries as promised.
        let mut entries = unsafe { sets::poll_entries(fdarray, fds) };
        let outcome = table.poll(&mut entries, poll_timeout(timeout));
        if matches!(outcome, Ok(_) | Err(Error::NotSocket)) {
            // SAFETY: as above.
            unsafe { sets::write_revents(fdarray, &entries) };
        }
        outcome
    }))
}
