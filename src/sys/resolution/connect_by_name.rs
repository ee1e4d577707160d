//! `WSAConnectByNameW` and `WSAConnectByNameA`.
use windows_sys::core::{BOOL, PCSTR, PCWSTR};
use windows_sys::Win32::Foundation::{FALSE, TRUE};
use windows_sys::Win32::Networking::WinSock::{SOCKADDR, SOCKET, TIMEVAL};
use windows_sys::Win32::System::IO::OVERLAPPED;

use super::super::last_error::record;
use super::super::memory;
use super::TextUnit;
use crate::error::{Error, Result};
use crate::model::current::with_current;
use crate::rules::resolution as rules;
use crate::wire::encode_sockaddr;

/// Checks an optional address out-parameter of `WSAConnectByName` before connecting: NULL
/// is ignored (and so is its length); otherwise the length pointer must be non-NULL and
/// hold at least `needed` bytes (`WSAEFAULT`).
///
/// # Safety
/// `len` must be NULL or readable for a `u32`.
unsafe fn check_out(addr: *mut SOCKADDR, len: *mut u32, needed: u32) -> Result<()> {
    if addr.is_null() {
        return Ok(());
    }
    // SAFETY: non-NULL, as checked; readable as the caller promises.
    if len.is_null() || unsafe { memory::read(len) } < needed {
        return Err(Error::Fault);
    }
    Ok(())
}

/// The checks `WSAConnectByName` and `WSAConnectByList` share: a `timeout` with a
/// negative member is `WSAEINVAL`; each address out-parameter pair is checked as
/// [`check_out`] does, for the socket family's `SOCKADDR` size.
///
/// # Safety
/// `timeout` NULL or readable; each length NULL or readable for a `u32`.
pub(super) unsafe fn check_timeout_and_outs(
    family: u16,
    timeout: *const TIMEVAL,
    (local_len, local): (*mut u32, *mut SOCKADDR),
    (remote_len, remote): (*mut u32, *mut SOCKADDR),
) -> Result<()> {
    if !timeout.is_null() {
        // SAFETY: non-NULL, and the caller promises a readable TIMEVAL.
        let limit = unsafe { memory::read(timeout) };
        if limit.tv_sec < 0 || limit.tv_usec < 0 {
            return Err(Error::Invalid);
        }
    }
    let needed = if family == windows_sys::Win32::Networking::WinSock::AF_INET {
        16
    } else {
        28
    };
    // SAFETY: forwarded from the caller.
    unsafe {
        check_out(local, local_len, needed)?;
        check_out(remote, remote_len, needed)
    }
}

/// Writes `value` to a checked out-parameter pair (nothing when `addr` is NULL).
///
/// # Safety
/// [`check_out`] accepted the pair, which is still valid.
pub(super) unsafe fn write_out(addr: *mut SOCKADDR, len: *mut u32, value: std::net::SocketAddr) {
    if addr.is_null() {
        return;
    }
    let (raw, size) = encode_sockaddr(value);
    // SAFETY: `*len >= size` bytes are writable at `addr` ([`check_out`]).
    unsafe {
        memory::write_bytes(addr.cast(), &raw[..size]);
        memory::write(len, size as u32);
    }
}

/// `WSAConnectByName` for either unit ([`crate::choices::CONNECT_BY_NAME`]).
///
/// # Safety
/// As [`WSAConnectByNameW`], for `C` strings.
#[allow(clippy::too_many_arguments)]
unsafe fn connect<C: TextUnit>(
    s: SOCKET,
    node: *const C,
    service: *const C,
    local_len: *mut u32,
    local: *mut SOCKADDR,
    remote_len: *mut u32,
    remote: *mut SOCKADDR,
    timeout: *const TIMEVAL,
    reserved: *const OVERLAPPED,
) -> BOOL {
    let outcome = with_current(|table| -> Result<()> {
        let family = table.with_socket(s, |entry| Ok(entry.kind.family))?;
        rules::connect_by_name_arguments(!node.is_null(), !service.is_null(), reserved.is_null())?;
        // SAFETY: forwarded from the caller.
        unsafe {
            check_timeout_and_outs(family, timeout, (local_len, local), (remote_len, remote))?
        };
        // SAFETY: forwarded from the caller; both are non-NULL (checked above).
        let node = unsafe { super::string_arg(node, Error::HostNotFound)? }.unwrap_or_default();
        // SAFETY: as above.
        let service =
            unsafe { super::string_arg(service, Error::TypeNotFound)? }.unwrap_or_default();
        let peer = table.connect_by_name(s, &node, &service)?;
        let here = table.local_addr(s)?;
        // SAFETY: both pairs were accepted by `check_out` above.
        unsafe {
            write_out(local, local_len, here);
            write_out(remote, remote_len, peer);
        }
        Ok(())
    });
    match outcome {
        Ok(()) => TRUE,
        Err(error) => {
            record(error);
            FALSE
        }
    }
}

/// [`WSAConnectByNameW`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaconnectbynamew):
/// resolves `nodename` and `servicename` for the socket's family, as `getaddrinfo` does,
/// and connects the stream socket to each address in turn until one accepts; the local and
/// remote addresses are then written where asked. It is the model's own `connect`, so a
/// peer target name and `WSASetSocketSecurity` set before apply: a name that resolves to an
/// impostor fails to connect. The emulated connect completes at once, so `timeout` is read
/// (negative members are `WSAEINVAL`) but never reached ([`crate::choices::CONNECT_BY_NAME`]).
///
/// Returns `TRUE`, or `FALSE` with the last error: `WSANOTINITIALISED`, `WSAENOTSOCK`,
/// `WSAEINVAL` (NULL `nodename` or `servicename`, non-NULL `Reserved`), `WSAEFAULT` (an
/// address buffer with a NULL or too small length), `WSAEOPNOTSUPP` (not a stream
/// socket), the lookup's errors (`WSAHOST_NOT_FOUND`, `WSATYPE_NOT_FOUND`, ...), or the
/// last address's connect error.
///
/// # Safety
/// The strings must be NULL or NUL-terminated UTF-16; each length NULL or readable and
/// writable for a `u32`, and each address NULL or writable for that many bytes; `timeout`
/// NULL or readable.
#[allow(non_snake_case, clippy::too_many_arguments)]
pub unsafe extern "system" fn WSAConnectByNameW(
    s: SOCKET,
    nodename: PCWSTR,
    servicename: PCWSTR,
    localaddresslength: *mut u32,
    localaddress: *mut SOCKADDR,
    remoteaddresslength: *mut u32,
    remoteaddress: *mut SOCKADDR,
    timeout: *const TIMEVAL,
    reserved: *const OVERLAPPED,
) -> BOOL {
    // SAFETY: forwarded from the caller.
    unsafe {
        connect(
            s,
            nodename,
            servicename,
            localaddresslength,
            localaddress,
            remoteaddresslength,
            remoteaddress,
            timeout,
            reserved,
        )
    }
}

/// [`WSAConnectByNameA`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaconnectbynamea):
/// [`WSAConnectByNameW`] with byte strings.
///
/// # Safety
/// As [`WSAConnectByNameW`], for NUL-terminated byte strings.
#[allow(non_snake_case, clippy::too_many_arguments)]
pub unsafe extern "system" fn WSAConnectByNameA(
    s: SOCKET,
    nodename: PCSTR,
    servicename: PCSTR,
    localaddresslength: *mut u32,
    localaddress: *mut SOCKADDR,
    remoteaddresslength: *mut u32,
    remoteaddress: *mut SOCKADDR,
    timeout: *const TIMEVAL,
    reserved: *const OVERLAPPED,
) -> BOOL {
    // SAFETY: forwarded from the caller.
    unsafe {
        connect(
            s,
            nodename,
            servicename,
            localaddresslength,
            localaddress,
            remoteaddresslength,
            remoteaddress,
            timeout,
            reserved,
        )
    }
}
