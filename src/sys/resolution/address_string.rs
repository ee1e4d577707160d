//! Socket addresses as text, through the provider: `WSAStringToAddressA`/`W` and
//! `WSAAddressToStringA`/`W`. Both need `WSAStartup`.
use windows_sys::core::{PCSTR, PCWSTR, PSTR, PWSTR};
use windows_sys::Win32::Networking::WinSock::{
    AF_INET, AF_INET6, SOCKADDR, WSAPROTOCOL_INFOA, WSAPROTOCOL_INFOW,
};

use super::super::last_error::int_result;
use super::super::memory;
use super::TextUnit;
use crate::error::{Error, Result};
use crate::model::current::with_current;
use crate::rules::resolution as rules;
use crate::wire::{address_text, encode_sockaddr};

/// `WSAStringToAddress` for either unit ([`crate::choices::ADDRESS_STRINGS`]).
///
/// # Safety
/// As [`WSAStringToAddressW`], for `C` units.
unsafe fn string_to_address<C: TextUnit>(
    text: *const C,
    family: i32,
    out: *mut SOCKADDR,
    out_len: *mut i32,
) -> i32 {
    int_result(with_current(|table| -> Result<()> {
        table.require_startup()?;
        if out_len.is_null() || out.is_null() {
            return Err(Error::Fault);
        }
        let family = match u16::try_from(family) {
            Ok(f @ (AF_INET | AF_INET6)) => f,
            _ => return Err(Error::Invalid),
        };
        let needed = if family == AF_INET { 16 } else { 28 };
        // SAFETY: non-NULL, and the caller promises an i32 there.
        let room = unsafe { memory::read(out_len) };
        if room < needed {
            // SAFETY: as above.
            unsafe { memory::write(out_len, needed) };
            return Err(Error::Fault);
        }
        // SAFETY: forwarded from the caller.
        let units = unsafe { memory::c_string(text) }.ok_or(Error::Invalid)?;
        let parsed = C::decode(units)
            .and_then(|text| address_text::parse_socket_addr(text.as_bytes(), family));
        let (bytes, len) = match parsed {
            Some(addr) => encode_sockaddr(addr),
            // A failed parse leaves the address zeroed, so its family reads 0, as Wine's
            // tests record Windows doing; the length is left as it was.
            None => ([0u8; 28], needed as usize),
        };
        // SAFETY: `room >= needed >= len` bytes are writable at `out`.
        unsafe { memory::write_bytes(out.cast(), &bytes[..len]) };
        if parsed.is_none() {
            return Err(Error::Invalid);
        }
        // SAFETY: as above.
        unsafe { memory::write(out_len, needed) };
        Ok(())
    }))
}

/// [`WSAStringToAddressW`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsastringtoaddressw):
/// parses a socket address: for `AF_INET` the BSD forms ("1.2" is 1.0.0.2; hex and octal
/// parts) with an optional `:port`; for `AF_INET6` an address with an optional `%scope`, in
/// brackets before a `:port`. Errors: `WSANOTINITIALISED`; `WSAEFAULT` for a NULL
/// `lpaddress` or `lpaddresslength`, or a length under the family's `SOCKADDR` size (16 or
/// 28), which is then written there; `WSAEINVAL` for another family, a NULL string, or text
/// that is no address (the address is then zeroed, the length unchanged). On success the
/// length is set to the size written. `lpprotocolinfo` is not read.
///
/// # Safety
/// `addressstring` must be NULL or a NUL-terminated UTF-16 string; `lpaddresslength` NULL or
/// valid for reads and writes of an `i32`; `lpaddress` NULL or writable for that many bytes.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAStringToAddressW(
    addressstring: PCWSTR,
    addressfamily: i32,
    _lpprotocolinfo: *const WSAPROTOCOL_INFOW,
    lpaddress: *mut SOCKADDR,
    lpaddresslength: *mut i32,
) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { string_to_address(addressstring, addressfamily, lpaddress, lpaddresslength) }
}

/// [`WSAStringToAddressA`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsastringtoaddressa):
/// [`WSAStringToAddressW`] for a byte string.
///
/// # Safety
/// As [`WSAStringToAddressW`], for a NUL-terminated byte string.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAStringToAddressA(
    addressstring: PCSTR,
    addressfamily: i32,
    _lpprotocolinfo: *const WSAPROTOCOL_INFOA,
    lpaddress: *mut SOCKADDR,
    lpaddresslength: *mut i32,
) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { string_to_address(addressstring, addressfamily, lpaddress, lpaddresslength) }
}

/// `WSAAddressToString` for either unit.
///
/// # Safety
/// As [`WSAAddressToStringW`], for `C` units.
unsafe fn address_to_string<C: TextUnit>(
    addr: *const SOCKADDR,
    addr_len: u32,
    out: *mut C,
    out_len: *mut u32,
) -> i32 {
    int_result(with_current(|table| -> Result<()> {
        table.require_startup()?;
        // SAFETY: forwarded from the caller.
        let addr =
            unsafe { super::ip_sockaddr(addr, addr_len.into()) }.map_err(|error| match error {
                Error::AddressFamilyNotSupported => Error::Invalid,
                other => other,
            })?;
        if out_len.is_null() {
            return Err(Error::Fault);
        }
        let text = address_text::socket_addr_text(addr);
        let needed = C::encode(&text).len() + 1;
        // SAFETY: non-NULL, and the caller promises a u32 there.
        let room = unsafe { memory::read(out_len) } as usize;
        if rules::buffer_holds(needed, room).is_err() || out.is_null() {
            // SAFETY: as above.
            unsafe { memory::write(out_len, needed as u32) };
            return Err(Error::Fault);
        }
        // SAFETY: `room` units are writable at `out`, as the caller promises.
        unsafe { super::write_text(out, room, &text)? };
        // SAFETY: as above.
        unsafe { memory::write(out_len, needed as u32) };
        Ok(())
    }))
}

/// [`WSAAddressToStringW`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaaddresstostringw):
/// writes a socket address as text: "192.0.2.1", with ":port" when the port is not 0, and
/// for IPv6 "%scope" when the scope id is not 0 and brackets around the address before a
/// port ("[20ab::2001%4660]:33274"). `*lpdwaddressstringlength` is the buffer's size in
/// characters; one too small (or a NULL buffer) is `WSAEFAULT`, with the size needed,
/// NUL included, written there; on success it is set to that size. Errors also:
/// `WSANOTINITIALISED`; `WSAEFAULT` for a NULL address or length pointer, or an address
/// length under its family's size; `WSAEINVAL` for a family other than `AF_INET` and
/// `AF_INET6`. `lpprotocolinfo` is not read.
///
/// # Safety
/// `lpsaaddress` must be NULL or valid for reads of `dwaddresslength` bytes;
/// `lpdwaddressstringlength` NULL or valid for reads and writes of a `u32`;
/// `lpszaddressstring` NULL or writable for that many UTF-16 units.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAAddressToStringW(
    lpsaaddress: *const SOCKADDR,
    dwaddresslength: u32,
    _lpprotocolinfo: *const WSAPROTOCOL_INFOW,
    lpszaddressstring: PWSTR,
    lpdwaddressstringlength: *mut u32,
) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        address_to_string(
            lpsaaddress,
            dwaddresslength,
            lpszaddressstring,
            lpdwaddressstringlength,
        )
    }
}

/// [`WSAAddressToStringA`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaaddresstostringa):
/// [`WSAAddressToStringW`] into a byte buffer.
///
/// # Safety
/// As [`WSAAddressToStringW`], the buffer writable for that many bytes.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAAddressToStringA(
    lpsaaddress: *const SOCKADDR,
    dwaddresslength: u32,
    _lpprotocolinfo: *const WSAPROTOCOL_INFOA,
    lpszaddressstring: PSTR,
    lpdwaddressstringlength: *mut u32,
) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        address_to_string(
            lpsaaddress,
            dwaddresslength,
            lpszaddressstring,
            lpdwaddressstringlength,
        )
    }
}
