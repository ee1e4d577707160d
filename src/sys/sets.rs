//! The caller memory of the readiness calls: `FD_SET`s of any length, `TIMEVAL`,
//! `WSAPOLLFD` arrays, `WSANETWORKEVENTS`. Like `memory.rs`, the one place these structures
//! are read or written: every access is through a raw pointer, unaligned-safe, and never
//! past the count the structure itself declares.
//!
//! An `FD_SET` is read as Windows reads it: `fd_count`, then exactly `fd_count` handles
//! from `fd_array`. The struct is never referenced as a whole, so a caller-allocated set
//! with a larger array (`fd_count` above `FD_SETSIZE`) or one cut short after its last
//! handle works.
use std::mem::offset_of;
use std::ptr;

use windows_sys::Win32::Networking::WinSock::{
    FD_SET, SOCKET, TIMEVAL, WSANETWORKEVENTS, WSAPOLLFD,
};

/// The first handle of `set`'s array.
fn array_of(set: *mut FD_SET) -> *mut SOCKET {
    set.cast::<u8>()
        .wrapping_add(offset_of!(FD_SET, fd_array))
        .cast::<SOCKET>()
}

/// `set->fd_count`.
///
/// # Safety
/// `set` must be non-NULL and valid for reads of its `fd_count` field.
pub(super) unsafe fn count(set: *const FD_SET) -> u32 {
    // SAFETY: guaranteed by the caller.
    unsafe { ptr::read_unaligned(ptr::addr_of!((*set).fd_count)) }
}

/// Appends the first `count` handles of `set` to `out`.
///
/// # Safety
/// `set` must be non-NULL and valid for reads of `fd_count` and `count` handles.
pub(super) unsafe fn read_handles(set: *mut FD_SET, count: usize, out: &mut Vec<SOCKET>) {
    let array = array_of(set);
    // SAFETY: each read stays within the `count` handles the caller promises.
    out.extend((0..count).map(|i| unsafe { ptr::read_unaligned(array.add(i)) }));
}

/// Rewrites `set` to hold `handles`, in order: `fd_count` and the first handles.
///
/// # Safety
/// `set` must be non-NULL and valid for writes of `fd_count` and `handles.len()` handles
/// (at most the count it held before).
pub(super) unsafe fn write_handles(set: *mut FD_SET, handles: &[SOCKET]) {
    let array = array_of(set);
    for (i, handle) in handles.iter().enumerate() {
        // SAFETY: within the handles the set held, as the caller promises.
        unsafe { ptr::write_unaligned(array.add(i), *handle) };
    }
    // SAFETY: guaranteed by the caller; a set never holds more than u32::MAX handles.
    unsafe { ptr::write_unaligned(ptr::addr_of_mut!((*set).fd_count), handles.len() as u32) };
}

/// `*timeout`.
///
/// # Safety
/// `timeout` must be non-NULL and valid for reads of a `TIMEVAL`.
pub(super) unsafe fn timeval(timeout: *const TIMEVAL) -> TIMEVAL {
    // SAFETY: guaranteed by the caller.
    unsafe { ptr::read_unaligned(timeout) }
}

/// The `count` entries at `array`.
///
/// # Safety
/// `array` must be non-NULL and valid for reads of `count` entries.
pub(super) unsafe fn poll_entries(array: *const WSAPOLLFD, count: usize) -> Vec<WSAPOLLFD> {
    // SAFETY: each read stays within the `count` entries the caller promises.
    (0..count)
        .map(|i| unsafe { ptr::read_unaligned(array.add(i)) })
        .collect()
}

/// Writes each entry's `revents` back to `array`, and nothing else.
///
/// # Safety
/// `array` must be non-NULL and valid for writes of `entries.len()` entries.
pub(super) unsafe fn write_revents(array: *mut WSAPOLLFD, entries: &[WSAPOLLFD]) {
    for (i, entry) in entries.iter().enumerate() {
        // SAFETY: within the entries the caller promises.
        unsafe { ptr::write_unaligned(ptr::addr_of_mut!((*array.add(i)).revents), entry.revents) };
    }
}

/// Writes `lNetworkEvents` and the `iErrorCode` entries of the bits it holds; the others
/// are left as they were (facts 2.4).
///
/// # Safety
/// `out` must be non-NULL and valid for writes of a `WSANETWORKEVENTS`.
pub(super) unsafe fn write_network_events(
    out: *mut WSANETWORKEVENTS,
    events: u32,
    errors: &[i32; 10],
) {
    // SAFETY: guaranteed by the caller.
    unsafe { ptr::write_unaligned(ptr::addr_of_mut!((*out).lNetworkEvents), events as i32) };
    // SAFETY: guaranteed by the caller; no reference is made.
    let codes = unsafe { ptr::addr_of_mut!((*out).iErrorCode) }.cast::<i32>();
    for (bit, code) in errors.iter().enumerate() {
        if events & (1 << bit) != 0 {
            // SAFETY: bit < 10, within the array.
            unsafe { ptr::write_unaligned(codes.add(bit), *code) };
        }
    }
}
