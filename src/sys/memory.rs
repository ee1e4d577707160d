//! The only place caller memory is touched: raw pointers in, slices and values out.
//!
//! Each function here trusts exactly what the Windows prototype promises (SAL annotations
//! such as `_In_reads_bytes_(PeerTargetNameLen)`) and nothing more: a NULL pointer is never
//! dereferenced, no read goes past the length the caller declared *or* past what the
//! structure itself says it holds, and every read and write is unaligned-safe. Everything
//! else (which length is too short, which family is wrong) is decided by the safe `wire`
//! and `model` layers on the slices produced here.
use std::mem::size_of;
use std::ptr;
use std::slice;
use std::sync::atomic::{AtomicUsize, Ordering};

use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::HANDLE;
use windows_sys::Win32::Networking::WinSock::{
    SOCKADDR, SOCKET_PEER_TARGET_NAME, SOCKET_SECURITY_QUERY_TEMPLATE, SOCKET_SECURITY_SETTINGS,
    WSABUF,
};
use windows_sys::Win32::System::IO::OVERLAPPED;

use crate::error::Error;
use crate::model::{AddrArg, NameArg, SettingsArg, TemplateArg};
use crate::wire::{
    peer_target_name_readable_len, settings_readable_len, PeerTargetNameBytes, MAX_SOCKADDR_LEN,
    SETTINGS_STRINGS_OFFSET, TEMPLATE_IPSEC2_LEN,
};

/// `len` bytes at `ptr`.
///
/// # Safety
/// `ptr` must be non-NULL and valid for reads of `len` bytes for `'a`.
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if len == 0 {
        return &[];
    }
    // SAFETY: the caller guarantees `ptr` is valid for `len` bytes; `u8` has no alignment.
    unsafe { slice::from_raw_parts(ptr, len) }
}

/// The *PeerTargetName* argument: NULL, or the bytes that may be read.
///
/// The header is read first (at most `len` bytes of it); then only as much of the name as
/// both `len` and the header's `PeerTargetNameStringLen` allow.
///
/// # Safety
/// If non-NULL, `ptr` must be valid for reads of `len` bytes (the prototype's
/// `_In_reads_bytes_(PeerTargetNameLen)`).
pub(super) unsafe fn peer_target_name<'a>(
    ptr: *const SOCKET_PEER_TARGET_NAME,
    len: u32,
) -> NameArg<'a> {
    if ptr.is_null() {
        return NameArg::Null;
    }
    let ptr = ptr.cast::<u8>();
    // SAFETY: `len` bytes are readable, and the header prefix is at most `len` bytes.
    let header = unsafe { bytes(ptr, peer_target_name_readable_len(len, &[])) };
    let readable = peer_target_name_readable_len(len, header);
    // SAFETY: `readable_len` never exceeds `len`.
    NameArg::Bytes(PeerTargetNameBytes {
        declared_len: len,
        bytes: unsafe { bytes(ptr, readable) },
    })
}

/// A `SOCKADDR` argument: NULL, or at most `SOCKADDR_STORAGE` bytes of it (no address
/// form is longer); a negative length reads nothing.
///
/// # Safety
/// If non-NULL, `ptr` must be valid for reads of `len` bytes.
pub(super) unsafe fn sockaddr<'a>(ptr: *const SOCKADDR, len: i64) -> AddrArg<'a> {
    if ptr.is_null() {
        return AddrArg::Null;
    }
    let readable = usize::try_from(len).unwrap_or(0).min(MAX_SOCKADDR_LEN);
    // SAFETY: at most `len` bytes are read.
    AddrArg::Bytes(unsafe { bytes(ptr.cast(), readable) })
}

/// The *SecuritySettings* argument: NULL, or the bytes that may be read.
///
/// At most the IPsec header is read first; then only as much as both `len` and the string
/// lengths that header states allow.
///
/// # Safety
/// If non-NULL, `ptr` must be valid for reads of `len` bytes (the prototype's
/// `_In_reads_bytes_opt_(SecuritySettingsLen)`).
pub(super) unsafe fn security_settings<'a>(
    ptr: *const SOCKET_SECURITY_SETTINGS,
    len: u32,
) -> SettingsArg<'a> {
    if ptr.is_null() {
        return SettingsArg::Null;
    }
    let ptr = ptr.cast::<u8>();
    // SAFETY: `len` bytes are readable, and at most `len` are read.
    let header = unsafe { bytes(ptr, (len as usize).min(SETTINGS_STRINGS_OFFSET)) };
    let readable = settings_readable_len(len, header);
    // SAFETY: `settings_readable_len` never exceeds `len`.
    SettingsArg::Bytes {
        declared_len: len,
        bytes: unsafe { bytes(ptr, readable) },
    }
}

/// The *SecurityQueryTemplate* argument: NULL, or at most its 144 bytes.
///
/// # Safety
/// If non-NULL, `ptr` must be valid for reads of `len` bytes.
pub(super) unsafe fn query_template<'a>(
    ptr: *const SOCKET_SECURITY_QUERY_TEMPLATE,
    len: u32,
) -> TemplateArg<'a> {
    if ptr.is_null() {
        return TemplateArg::Null;
    }
    // SAFETY: at most `len` bytes are read.
    let bytes = unsafe { bytes(ptr.cast(), (len as usize).min(TEMPLATE_IPSEC2_LEN)) };
    TemplateArg::Bytes {
        declared_len: len,
        bytes,
    }
}

/// A data buffer to send: `len` bytes at `ptr`. NULL with a non-zero length, or a negative
/// length, is `WSAEFAULT`.
///
/// # Safety
/// If non-NULL, `ptr` must be valid for reads of `len` bytes.
pub(super) unsafe fn data_in<'a>(ptr: *const u8, len: i64) -> Result<&'a [u8], Error> {
    let len = usize::try_from(len).map_err(|_| Error::Fault)?;
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Error::Fault);
    }
    // SAFETY: guaranteed by the caller.
    Ok(unsafe { bytes(ptr, len) })
}

/// The most bytes one `WSABUF` array may hold in total: what the DWORD byte counts
/// (`*lpNumberOfBytesSent`, `*lpNumberOfBytesRecvd`, `InternalHigh`) can report
/// ([`crate::choices::WSABUF_ARRAYS`]).
const MAX_ARRAY_BYTES: u64 = u32::MAX as u64;

/// A caller's `WSABUF` array, checked: the non-empty buffers' pointers and lengths, in
/// order, and their total. No byte of any buffer has been read or written yet.
pub(super) struct BufferArray {
    buffers: Vec<WSABUF>,
    total: usize,
}

/// Reads and checks the `count` `WSABUF`s at `array` ([`crate::choices::WSABUF_ARRAYS`]),
/// in order, before any of their bytes is touched: a NULL array with a non-zero count, or a
/// NULL `buf` with a non-zero `len`, is `WSAEFAULT`; lengths whose running total exceeds
/// `u32::MAX` are `WSAEINVAL`. A zero count is an empty array (the array is not read).
///
/// # Safety
/// If `count` is non-zero and `array` non-NULL, `array` must be valid for reads of `count`
/// `WSABUF`s. Their buffers are not read here; see [`BufferArray::gather`] and
/// [`BufferArray::scatter`].
pub(super) unsafe fn buffer_array(array: *const WSABUF, count: u32) -> Result<BufferArray, Error> {
    let mut checked = BufferArray {
        buffers: Vec::new(),
        total: 0,
    };
    if count == 0 {
        return Ok(checked);
    }
    if array.is_null() {
        return Err(Error::Fault);
    }
    let mut total = 0u64;
    for i in 0..count as usize {
        // SAFETY: `i < count`, and the caller promises `count` readable WSABUFs.
        let buffer = unsafe { read(array.add(i)) };
        if buffer.len == 0 {
            continue;
        }
        if buffer.buf.is_null() {
            return Err(Error::Fault);
        }
        total += u64::from(buffer.len);
        if total > MAX_ARRAY_BYTES {
            return Err(Error::Invalid);
        }
        checked.buffers.push(buffer);
    }
    checked.total = usize::try_from(total).map_err(|_| Error::Invalid)?;
    Ok(checked)
}

impl BufferArray {
    /// The buffers' total length in bytes (at most `u32::MAX`).
    pub(super) fn total(&self) -> usize {
        self.total
    }

    /// The buffers' bytes, concatenated in order: a gather send's one payload.
    ///
    /// # Safety
    /// Each buffer must be valid for reads of its `len` bytes (the send's `lpBuffers`
    /// contract).
    pub(super) unsafe fn gather(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.total);
        for buffer in &self.buffers {
            // SAFETY: non-NULL (checked when the array was read) and readable for `len`
            // bytes, as the caller promises.
            out.extend_from_slice(unsafe { bytes(buffer.buf, buffer.len as usize) });
        }
        out
    }

    /// Copies `data` across the buffers in order, each filled before the next; `data` must
    /// be at most [`Self::total`] bytes (a longer tail is not copied).
    ///
    /// # Safety
    /// Each buffer must be valid for writes of its `len` bytes (the receive's `lpBuffers`
    /// contract) and must not overlap `data`.
    pub(super) unsafe fn scatter(&self, mut data: &[u8]) {
        for buffer in &self.buffers {
            if data.is_empty() {
                break;
            }
            let (part, rest) = data.split_at(data.len().min(buffer.len as usize));
            // SAFETY: non-NULL and writable for `len` bytes, of which `part` is at most.
            unsafe { write_bytes(buffer.buf, part) };
            data = rest;
        }
    }
}

/// The `BOOL` input buffer of `WSAIoctl(SIO_UDP_CONNRESET)`: `None` when `ptr` is NULL or
/// `len` is under 4 bytes; any non-zero value is TRUE.
///
/// # Safety
/// If non-NULL, `ptr` must be valid for reads of `len` bytes.
pub(super) unsafe fn bool_input(ptr: *const u8, len: u32) -> Option<bool> {
    if ptr.is_null() || (len as usize) < size_of::<BOOL>() {
        return None;
    }
    // SAFETY: non-NULL and, as the caller promises, readable for `len` >= 4 bytes.
    Some(unsafe { read(ptr.cast::<BOOL>()) } != 0)
}

/// Reads a `T` at `ptr`, whatever its alignment.
///
/// # Safety
/// `ptr` must be non-NULL and valid for reads of `size_of::<T>()` bytes.
pub(super) unsafe fn read<T: Copy>(ptr: *const T) -> T {
    // SAFETY: guaranteed by the caller.
    unsafe { ptr::read_unaligned(ptr) }
}

/// Writes `value` at `ptr`, whatever its alignment.
///
/// # Safety
/// `ptr` must be non-NULL and valid for writes of `size_of::<T>()` bytes.
pub(super) unsafe fn write<T: Copy>(ptr: *mut T, value: T) {
    // SAFETY: guaranteed by the caller.
    unsafe { ptr::write_unaligned(ptr, value) }
}

/// Copies `src` to `ptr`.
///
/// # Safety
/// `ptr` must be non-NULL and valid for writes of `src.len()` bytes.
pub(super) unsafe fn write_bytes(ptr: *mut u8, src: &[u8]) {
    // SAFETY: guaranteed by the caller; `src` is a distinct Rust slice, so no overlap.
    unsafe { ptr::copy_nonoverlapping(src.as_ptr(), ptr, src.len()) }
}

/// `OVERLAPPED::Internal` while an operation is pending: `STATUS_PENDING`, which
/// `HasOverlappedIoCompleted` tests for.
pub(super) const STATUS_PENDING: usize = 0x103;

/// `Internal` and `InternalHigh` of an `OVERLAPPED`, as atomics: a completion may write
/// them on one thread while the caller reads them on another.
///
/// # Safety
/// `ptr` must be non-NULL, aligned, and valid for reads and writes of an `OVERLAPPED`
/// for `'a`.
unsafe fn status_fields<'a>(ptr: *const OVERLAPPED) -> (&'a AtomicUsize, &'a AtomicUsize) {
    let ptr = ptr.cast_mut();
    // SAFETY: the fields are aligned `usize`s inside the caller's structure, which the
    // caller promises is valid for `'a`; only atomic accesses are made through them.
    unsafe {
        (
            AtomicUsize::from_ptr(ptr::addr_of_mut!((*ptr).Internal)),
            AtomicUsize::from_ptr(ptr::addr_of_mut!((*ptr).InternalHigh)),
        )
    }
}

/// Writes an operation's status to its `OVERLAPPED`: `Internal` is `STATUS_PENDING`, 0
/// for success or the Winsock error code, `InternalHigh` the bytes transferred
/// ([`crate::choices::OVERLAPPED_STATUS_FIELDS`]). `InternalHigh` is written first, so a
/// reader that sees the final `Internal` also sees the count.
///
/// # Safety
/// As [`status_fields`].
pub(super) unsafe fn write_status(ptr: *const OVERLAPPED, status: usize, transferred: usize) {
    // SAFETY: forwarded from the caller.
    let (internal, internal_high) = unsafe { status_fields(ptr) };
    internal_high.store(transferred, Ordering::Relaxed);
    internal.store(status, Ordering::Release);
}

/// Reads `(Internal, InternalHigh)`, as [`write_status`] wrote them.
///
/// # Safety
/// As [`status_fields`].
pub(super) unsafe fn read_status(ptr: *const OVERLAPPED) -> (usize, usize) {
    // SAFETY: forwarded from the caller.
    let (internal, internal_high) = unsafe { status_fields(ptr) };
    let status = internal.load(Ordering::Acquire);
    (status, internal_high.load(Ordering::Relaxed))
}

/// Reads `hEvent`.
///
/// # Safety
/// `ptr` must be non-NULL and valid for reads of an `OVERLAPPED`.
pub(super) unsafe fn event_of(ptr: *const OVERLAPPED) -> HANDLE {
    // SAFETY: guaranteed by the caller.
    unsafe { ptr::read_unaligned(ptr::addr_of!((*ptr).hEvent)) }
}

/// The `count` handles at `ptr`, whatever their alignment.
///
/// # Safety
/// `ptr` must be non-NULL and valid for reads of `count` handles.
pub(super) unsafe fn handles(ptr: *const HANDLE, count: usize) -> Vec<HANDLE> {
    // SAFETY: each read stays within the `count` handles the caller promises.
    (0..count)
        .map(|i| unsafe { ptr::read_unaligned(ptr.add(i)) })
        .collect()
}

/// The most units a NUL-terminated string argument is read for: a longer string is cut
/// there, and every function that takes one refuses a string that long (no host name,
/// service or address text comes near it).
pub(super) const MAX_STRING_UNITS: usize = 4096;

/// A NUL-terminated string of `C` units (bytes for the `A` functions, UTF-16 units for the
/// `W` ones) at `ptr`, without its NUL: `None` when `ptr` is NULL. At most
/// [`MAX_STRING_UNITS`] units are read; a string that has no NUL by then is returned cut
/// at that length.
///
/// # Safety
/// If non-NULL, `ptr` must point to a NUL-terminated string of `C`s (the prototypes'
/// `PCSTR`/`PCWSTR`), readable up to its NUL or [`MAX_STRING_UNITS`] units, whichever
/// comes first.
pub(super) unsafe fn c_string<'a, C: Copy + Default + PartialEq>(ptr: *const C) -> Option<&'a [C]> {
    if ptr.is_null() {
        return None;
    }
    let nul = C::default();
    let mut len = 0;
    // SAFETY: each unit up to the NUL (or the cap) is readable, as the caller promises.
    while len < MAX_STRING_UNITS && unsafe { ptr::read_unaligned(ptr.add(len)) } != nul {
        len += 1;
    }
    // SAFETY: the `len` units just read are readable; `C` is a plain integer unit.
    Some(unsafe { slice::from_raw_parts(ptr, len) })
}

/// Copies `src` to `ptr`, unit by unit.
///
/// # Safety
/// `ptr` must be non-NULL and valid for writes of `src.len()` `C`s.
pub(super) unsafe fn write_units<C: Copy>(ptr: *mut C, src: &[C]) {
    for (i, &unit) in src.iter().enumerate() {
        // SAFETY: `i < src.len()`, within what the caller promises is writable.
        unsafe { ptr::write_unaligned(ptr.add(i), unit) };
    }
}
