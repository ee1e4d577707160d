//! `getnameinfo` and `GetNameInfoW`.
use windows_sys::core::{PSTR, PWSTR};
use windows_sys::Win32::Networking::WinSock::{socklen_t, SOCKADDR};

use super::super::last_error::record;
use super::TextUnit;
use crate::error::{Error, Result};
use crate::model::current::with_current;
use crate::rules::resolution as rules;

/// `getnameinfo` for either unit.
///
/// # Safety
/// As [`getnameinfo`], for `C` buffers.
unsafe fn get<C: TextUnit>(
    addr: *const SOCKADDR,
    addr_len: socklen_t,
    host: *mut C,
    host_len: u32,
    service: *mut C,
    service_len: u32,
    flags: i32,
) -> i32 {
    let outcome = with_current(|table| -> Result<()> {
        table.require_startup()?;
        // SAFETY: forwarded from the caller.
        let addr = unsafe { super::ip_sockaddr(addr, addr_len.into())? };
        let (want_host, want_service) = (!host.is_null(), !service.is_null());
        rules::requested_buffer_has_room(want_host, host_len)?;
        rules::requested_buffer_has_room(want_service, service_len)?;
        let (host_text, service_text) =
            table.get_name_info(addr, want_host, want_service, flags as u32)?;
        let fits = |text: &Option<String>, room: u32| {
            text.as_deref()
                .is_none_or(|t| C::encode(t).len() < room as usize)
        };
        if !fits(&host_text, host_len) || !fits(&service_text, service_len) {
            return Err(Error::Fault);
        }
        if let Some(text) = host_text {
            // SAFETY: `host_len` units are writable, as the caller promises; the text fits.
            unsafe { super::write_text(host, host_len as usize, &text)? };
        }
        if let Some(text) = service_text {
            // SAFETY: as above, for the service buffer.
            unsafe { super::write_text(service, service_len as usize, &text)? };
        }
        Ok(())
    });
    match outcome {
        Ok(()) => 0,
        Err(error) => {
            record(error);
            error.code()
        }
    }
}

/// [`getnameinfo`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-getnameinfo):
/// the host and service of a socket address, as text, from the current network's
/// resolver ([`crate::choices::GETNAMEINFO_TEXT`]): the declared host's name (its first
/// label with `NI_NOFQDN`), or the numeric address (always with `NI_NUMERICHOST`; an
/// unknown address with `NI_NAMEREQD` is `WSAHOST_NOT_FOUND`); the common service's name
/// (UDP's with `NI_DGRAM`) or the port number. Returns 0 or the error code itself (also
/// set as the last error): `WSANOTINITIALISED`; `WSAEFAULT` (NULL address, a length under
/// its family's size, or a buffer too small for its text and NUL); `WSAEAFNOSUPPORT`;
/// `WSAEINVAL` (a buffer given with size 0, unknown flags); `WSAHOST_NOT_FOUND` (both
/// buffers NULL). Nothing is written on failure.
///
/// # Safety
/// `psockaddr` must be NULL or readable for `sockaddrlength` bytes; each buffer NULL or
/// writable for its size.
pub unsafe extern "system" fn getnameinfo(
    psockaddr: *const SOCKADDR,
    sockaddrlength: socklen_t,
    pnodebuffer: PSTR,
    nodebuffersize: u32,
    pservicebuffer: PSTR,
    servicebuffersize: u32,
    flags: i32,
) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        get(
            psockaddr,
            sockaddrlength,
            pnodebuffer,
            nodebuffersize,
            pservicebuffer,
            servicebuffersize,
            flags,
        )
    }
}

/// [`GetNameInfoW`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-getnameinfow):
/// [`getnameinfo`] into UTF-16 buffers, their sizes in characters.
///
/// # Safety
/// As [`getnameinfo`], the buffers writable for their sizes in UTF-16 units.
#[allow(non_snake_case)]
pub unsafe extern "system" fn GetNameInfoW(
    psockaddr: *const SOCKADDR,
    sockaddrlength: socklen_t,
    pnodebuffer: PWSTR,
    nodebuffersize: u32,
    pservicebuffer: PWSTR,
    servicebuffersize: u32,
    flags: i32,
) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        get(
            psockaddr,
            sockaddrlength,
            pnodebuffer,
            nodebuffersize,
            pservicebuffer,
            servicebuffersize,
            flags,
        )
    }
}
