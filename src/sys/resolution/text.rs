//! Address text without a socket: `inet_pton`, `InetPtonW`, `inet_ntop`, `InetNtopW`,
//! `inet_addr` and `inet_ntoa`. None of them needs `WSAStartup`.
use core::ffi::c_void;
use std::ptr;

use windows_sys::core::{PCSTR, PCWSTR, PSTR, PWSTR};
use windows_sys::Win32::Foundation::STATUS_INVALID_PARAMETER;
use windows_sys::Win32::Networking::WinSock::{AF_INET, INADDR_NONE, IN_ADDR};

use super::super::last_error::{record, record_code};
use super::super::memory;
use super::TextUnit;
use crate::error::Error;
use crate::rules::resolution as rules;
use crate::wire::address_text;

/// `inet_pton` for either unit; `wide` sets `WSAEINVAL` when the text is no address, as
/// `InetPtonW` does (`inet_pton` leaves the last error alone).
///
/// # Safety
/// As [`inet_pton`], for `C` units.
unsafe fn pton<C: TextUnit>(family: i32, text: *const C, out: *mut c_void, wide: bool) -> i32 {
    // SAFETY: forwarded from the caller.
    let Some(units) = (unsafe { memory::c_string(text) }) else {
        record(Error::Fault);
        return -1;
    };
    let family = match rules::text_family_is_ip(family) {
        Ok(family) => family,
        Err(error) => {
            record(error);
            return -1;
        }
    };
    if out.is_null() {
        record(Error::Fault);
        return -1;
    }
    let parsed = C::decode(units)
        .ok_or(None)
        .and_then(|text| address_text::pton(family, text.as_bytes()));
    let (written, rc) = match &parsed {
        Ok(bytes) => (Some(bytes.as_slice()), 1),
        Err(Some(prefix)) => (Some(&prefix[..]), 0),
        Err(None) => (None, 0),
    };
    if let Some(bytes) = written {
        // SAFETY: the caller promises room for the family's address (4 or 16 bytes), and
        // `bytes` is that address.
        unsafe { memory::write_bytes(out.cast(), bytes) };
    }
    if rc == 0 && wide {
        record(Error::Invalid);
    }
    rc
}

/// [`inet_pton`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-inet_pton):
/// parses an IPv4 (strict dotted decimal) or IPv6 address into `paddrbuf`, in network
/// order. Returns 1, or 0 for a string that is no address (the last error untouched; an
/// IPv4 address followed by other text is still written, as Windows does:
/// [`crate::choices::INET_PTON_PARTIAL_WRITE`]), or -1 with `WSAEFAULT` (NULL string, checked
/// first, or NULL buffer) or `WSAEAFNOSUPPORT` (a family other than `AF_INET`/`AF_INET6`).
///
/// ```
/// use winsock_emu::sys::*;
/// let mut addr = [0u8; 4];
/// let rc = unsafe { inet_pton(AF_INET.into(), c"192.0.2.1".as_ptr().cast(), addr.as_mut_ptr().cast()) };
/// assert_eq!((rc, addr), (1, [192, 0, 2, 1]));
/// ```
///
/// # Safety
/// `pszaddrstring` must be NULL or a NUL-terminated string; `paddrbuf` NULL or valid for
/// writes of 4 bytes (`AF_INET`) or 16 (`AF_INET6`).
pub unsafe extern "system" fn inet_pton(
    family: i32,
    pszaddrstring: PCSTR,
    paddrbuf: *mut c_void,
) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { pton(family, pszaddrstring, paddrbuf, false) }
}

/// [`InetPtonW`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-inet_pton):
/// [`inet_pton`] for a UTF-16 string; a string that is no address also sets `WSAEINVAL`.
///
/// # Safety
/// As [`inet_pton`], for a NUL-terminated UTF-16 string.
#[allow(non_snake_case)]
pub unsafe extern "system" fn InetPtonW(
    family: i32,
    pszaddrstring: PCWSTR,
    paddrbuf: *mut c_void,
) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { pton(family, pszaddrstring, paddrbuf, true) }
}

/// `inet_ntop` for either unit: the buffer, or NULL with the last error set.
///
/// # Safety
/// As [`inet_ntop`], for `C` units.
unsafe fn ntop<C: TextUnit>(
    family: i32,
    addr: *const c_void,
    buffer: *mut C,
    size: usize,
) -> *mut C {
    let family = match rules::text_family_is_ip(family) {
        Ok(family) => family,
        Err(error) => {
            record(error);
            return ptr::null_mut();
        }
    };
    if addr.is_null() || buffer.is_null() {
        record_code(STATUS_INVALID_PARAMETER);
        return ptr::null_mut();
    }
    let len = if family == AF_INET { 4 } else { 16 };
    let mut bytes = [0u8; 16];
    // SAFETY: the caller promises the family's address (4 or 16 bytes) at `addr`.
    unsafe { ptr::copy_nonoverlapping(addr.cast::<u8>(), bytes.as_mut_ptr(), len) };
    let text = address_text::ntop(family, &bytes[..len]);
    // SAFETY: `size` units are writable at `buffer`, as the caller promises.
    match unsafe { super::write_text(buffer, size, &text) } {
        Ok(_) => buffer,
        Err(_) => {
            record_code(STATUS_INVALID_PARAMETER);
            ptr::null_mut()
        }
    }
}

/// [`inet_ntop`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-inet_ntop):
/// writes the text of an IPv4 or IPv6 address (Windows' form: [`crate::choices::IPV6_TEXT_FORM`])
/// and a NUL to `pstringbuf`, and returns it. NULL with `WSAEAFNOSUPPORT` for another
/// family; NULL with `STATUS_INVALID_PARAMETER` (0xC000000D) as the last error, as Windows 8
/// and later leave it, when the address or buffer is NULL or `stringbufsize` cannot hold the
/// text and its NUL ([`crate::choices::INET_NTOP_ERRORS`]).
///
/// # Safety
/// `paddr` must be NULL or valid for reads of the family's address; `pstringbuf` NULL or
/// valid for writes of `stringbufsize` bytes.
pub unsafe extern "system" fn inet_ntop(
    family: i32,
    paddr: *const c_void,
    pstringbuf: PSTR,
    stringbufsize: usize,
) -> PCSTR {
    // SAFETY: forwarded from the caller.
    unsafe { ntop(family, paddr, pstringbuf, stringbufsize) }
}

/// [`InetNtopW`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-inet_ntop):
/// [`inet_ntop`] into a UTF-16 buffer of `stringbufsize` characters.
///
/// # Safety
/// As [`inet_ntop`], `pstringbuf` writable for `stringbufsize` UTF-16 units.
#[allow(non_snake_case)]
pub unsafe extern "system" fn InetNtopW(
    family: i32,
    paddr: *const c_void,
    pstringbuf: PWSTR,
    stringbufsize: usize,
) -> PCWSTR {
    // SAFETY: forwarded from the caller.
    unsafe { ntop(family, paddr, pstringbuf, stringbufsize) }
}

/// [`inet_addr`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-inet_addr):
/// an IPv4 address in the BSD forms (1 to 4 parts, octal and hex), ended by the string's
/// end or whitespace, as a `u_long` in network order; `INADDR_NONE` otherwise
/// ([`crate::choices::INET_ADDR_FORMS`]). NULL is `INADDR_NONE` with `WSAEFAULT`; no other
/// case touches the last error.
///
/// ```
/// use winsock_emu::sys::*;
/// assert_eq!(unsafe { inet_addr(c"1.2.3.4".as_ptr().cast()) }, 0x0403_0201);
/// assert_eq!(unsafe { inet_addr(c"1.2".as_ptr().cast()) }, 0x0200_0001);
/// ```
///
/// # Safety
/// `cp` must be NULL or a NUL-terminated string.
pub unsafe extern "system" fn inet_addr(cp: PCSTR) -> u32 {
    // SAFETY: forwarded from the caller.
    match unsafe { memory::c_string(cp) } {
        None => {
            record(Error::Fault);
            INADDR_NONE
        }
        Some(text) => address_text::inet_addr(text),
    }
}

/// The calling thread's `inet_ntoa` buffer, freed when the thread ends.
struct NtoaBuffer(*mut [u8; 16]);

impl Drop for NtoaBuffer {
    fn drop(&mut self) {
        // SAFETY: made by `Box::into_raw` below and freed only here.
        drop(unsafe { Box::from_raw(self.0) });
    }
}

thread_local! {
    static NTOA: NtoaBuffer = NtoaBuffer(Box::into_raw(Box::new([0u8; 16])));
}

/// [`inet_ntoa`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-inet_ntoa):
/// the dotted-decimal text of an IPv4 address, in a buffer of the calling thread that the
/// next `inet_ntoa` call on the thread overwrites, as the page documents ("the data is
/// guaranteed to be valid until the next Windows Sockets function call within the same
/// thread"; [`crate::choices::PER_THREAD_RESULTS`]).
///
/// # Safety
/// None needed to call it; the returned pointer is valid until the thread's next
/// `inet_ntoa` call or its end.
pub unsafe extern "system" fn inet_ntoa(r#in: IN_ADDR) -> PSTR {
    // SAFETY: every bit pattern of the union is a valid `u32`.
    let octets = unsafe { r#in.S_un.S_addr }.to_ne_bytes();
    let mut text = std::net::Ipv4Addr::from(octets).to_string().into_bytes();
    text.push(0);
    NTOA.with(|buffer| {
        // SAFETY: the thread's own 16-byte buffer; the text is at most 16 bytes with its NUL.
        unsafe { memory::write_bytes(buffer.0.cast(), &text) };
        buffer.0.cast()
    })
}
