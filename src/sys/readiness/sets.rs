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
pub(in crate::sys) unsafe fn count(set: *const FD_SET) -> u32 {
    // SAFETY: guaranteed by the caller.
    unsafe { ptr::read_unaligned(ptr::addr_of!((*set).fd_count)) }
}

/// The handle at `index` of `set`'s array.
///
/// # Safety
/// `set` must be non-NULL and valid for reads of `index + 1` handles.
pub(in crate::sys) unsafe fn handle(set: *mut FD_SET, index: usize) -> SOCKET {
    // SAFETY: within the handles the caller promises.
    unsafe { ptr::read_unaligned(array_of(set).add(index)) }
}

/// Writes `handle` at `index` of `set`'s array.
///
/// # Safety
/// `set` must be non-NULL and valid for writes of `index + 1` handles.
pub(in crate::sys) unsafe fn write_handle(set: *mut FD_SET, index: usize, handle: SOCKET) {
    // SAFETY: within the handles the caller promises.
    unsafe { ptr::write_unaligned(array_of(set).add(index), handle) }
}

/// Writes `set->fd_count`.
///
/// # Safety
/// `set` must be non-NULL and valid for writes of its `fd_count` field.
pub(in crate::sys) unsafe fn write_count(set: *mut FD_SET, count: u32) {
    // SAFETY: guaranteed by the caller.
    unsafe { ptr::write_unaligned(ptr::addr_of_mut!((*set).fd_count), count) }
}

/// `*timeout`.
///
/// # Safety
/// `timeout` must be non-NULL and valid for reads of a `TIMEVAL`.
pub(in crate::sys) unsafe fn timeval(timeout: *const TIMEVAL) -> TIMEVAL {
    // SAFETY: guaranteed by the caller.
    unsafe { ptr::read_unaligned(timeout) }
}

/// Copies the first `out.len()` entries at `array` into `out`.
///
/// # Safety
/// `array` must be non-NULL and valid for reads of `out.len()` entries.
pub(in crate::sys) unsafe fn read_poll_entries(array: *const WSAPOLLFD, out: &mut [WSAPOLLFD]) {
    for (i, slot) in out.iter_mut().enumerate() {
        // SAFETY: within the entries the caller promises.
        *slot = unsafe { ptr::read_unaligned(array.add(i)) };
    }
}

/// Writes each entry's `revents` back to `array`, and nothing else.
///
/// # Safety
/// `array` must be non-NULL and valid for writes of `entries.len()` entries.
pub(in crate::sys) unsafe fn write_revents(array: *mut WSAPOLLFD, entries: &[WSAPOLLFD]) {
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
pub(in crate::sys) unsafe fn write_network_events(
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
