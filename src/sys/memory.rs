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

    /// The buffers' bytes, concatenated in order, but at most the first `limit` of them: a
    /// gather send's one payload. A send that refuses any payload over some length passes
    /// one byte more than it as `limit`, so that it never gathers (allocates) in proportion
    /// to a length it is about to refuse.
    ///
    /// # Safety
    /// Each buffer must be valid for reads of its `len` bytes (the send's `lpBuffers`
    /// contract).
    pub(super) unsafe fn gather(&self, limit: usize) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        // A 32-bit process may not have room for what a stream send names: WSAENOBUFS, not
        // an abort.
        out.try_reserve_exact(self.total.min(limit))
            .map_err(|_| Error::NoBufferSpace)?;
        for buffer in &self.buffers {
            let len = (buffer.len as usize).min(limit - out.len());
            if len == 0 {
                break;
            }
            // SAFETY: non-NULL (checked when the array was read) and readable for `len`
            // bytes (at most its `len`), as the caller promises.
            out.extend_from_slice(unsafe { bytes(buffer.buf, len) });
        }
        Ok(out)
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

/// Writes an operation's status to its `OVERLAPPED`: `Internal` is `STATUS_PENDING`, 0
/// for success or the Winsock error code, `InternalHigh` the bytes transferred
/// ([`crate::choices::OVERLAPPED_STATUS_FIELDS`]). `InternalHigh` is written first, so a
/// reader that sees the final `Internal` also sees the count.
///
/// The fields are written through raw field pointers derived from `ptr` itself (no
/// reference, let alone an `&AtomicUsize`, is made to the caller's memory), with volatile
/// stores: the write carries exactly the provenance of the pointer the caller passed, and is
/// never elided or merged. These are not atomic accesses: the `sys` layer makes every status
/// write and every `WSAGetOverlappedResult` read under the events lock
/// (`model::events::locked`), and the completion signals the event or queues the routine
/// after the write, so a caller that reads the structure after its wait ends (the event,
/// `SleepEx`, `WSAGetOverlappedResult`) is ordered after the write.
///
/// # Safety
/// `ptr` must be non-NULL, aligned, and valid for writes of an `OVERLAPPED`, with write
/// permission: derived from `&mut` (or a raw allocation), **not** from a shared reference
/// (`&ov as *const _` is read-only: writing through it is undefined behaviour, whatever the
/// prototype's `const`). It must stay so until the operation completes. While the
/// operation pends, the caller must not read the structure from a thread other than the one
/// completing it except through `WSAGetOverlappedResult` or after a wait that saw the
/// completion (its event signalled, its routine run), and must hold no reference to it
/// across the completion (take the pointer once, `ptr::addr_of_mut!(ov)`, and read
/// through it): a reference's reads would conflict with the completion's write.
pub(super) unsafe fn write_status(ptr: *const OVERLAPPED, status: usize, transferred: usize) {
    let ptr = ptr.cast_mut();
    // SAFETY: the fields are aligned `usize`s inside the caller's structure, which the
    // caller promises is writable through this pointer.
    unsafe {
        ptr::addr_of_mut!((*ptr).InternalHigh).write_volatile(transferred);
        ptr::addr_of_mut!((*ptr).Internal).write_volatile(status);
    }
}

/// Writes the `Pointer` member of an `OVERLAPPED` (the union over `Offset`/`OffsetHigh`),
/// with a volatile store through a raw field pointer, as [`write_status`] writes.
///
/// # Safety
/// As [`write_status`].
pub(super) unsafe fn write_pointer(ptr: *const OVERLAPPED, value: *mut core::ffi::c_void) {
    let ptr = ptr.cast_mut();
    // SAFETY: the member is an aligned pointer inside the caller's structure, writable
    // through this pointer as the caller promises.
    unsafe { ptr::addr_of_mut!((*ptr).Anonymous.Pointer).write_volatile(value) };
}

/// Reads `(Internal, InternalHigh)`, as [`write_status`] wrote them, with volatile loads
/// through raw field pointers: no reference is made, so a pointer from a shared reference
/// (`WSAGetOverlappedResult(s, &ov, ..)`, as Windows code writes it) is read soundly.
///
/// # Safety
/// `ptr` must be non-NULL, aligned and valid for reads of an `OVERLAPPED`; read-only
/// permission is enough.
pub(super) unsafe fn read_status(ptr: *const OVERLAPPED) -> (usize, usize) {
    // SAFETY: the fields are aligned `usize`s inside the caller's structure, readable as
    // the caller promises.
    unsafe {
        let status = ptr::addr_of!((*ptr).Internal).read_volatile();
        (status, ptr::addr_of!((*ptr).InternalHigh).read_volatile())
    }
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
