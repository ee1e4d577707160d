//! `WSAConnectByList`: connecting to one of a caller's addresses.
use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::{FALSE, TRUE};
use windows_sys::Win32::Networking::WinSock::{
    SOCKADDR, SOCKET, SOCKET_ADDRESS, SOCKET_ADDRESS_LIST, TIMEVAL,
};
use windows_sys::Win32::System::IO::OVERLAPPED;

use super::super::last_error::record;
use super::connect_by_name::{check_timeout_and_outs, write_out};
use crate::error::{Error, Result};
use crate::model::current::with_current;

/// The addresses of `list`, each checked as an IP `SOCKADDR` of its stated length, before
/// any connect: a NULL list is `WSAEINVAL`, a negative count `WSAEINVAL`, an entry with a
/// NULL or too short `lpSockaddr` `WSAEFAULT`, one of another family `WSAEAFNOSUPPORT`.
///
/// # Safety
/// `list` must be NULL or a readable `SOCKET_ADDRESS_LIST` whose `Address` array holds
/// `iAddressCount` entries, each `lpSockaddr` NULL or readable for `iSockaddrLength` bytes.
unsafe fn addresses(list: *const SOCKET_ADDRESS_LIST) -> Result<Vec<std::net::SocketAddr>> {
    if list.is_null() {
        return Err(Error::Invalid);
    }
    // SAFETY: non-NULL and readable, as the caller promises.
    let count = unsafe { std::ptr::addr_of!((*list).iAddressCount).read_unaligned() };
    let count = usize::try_from(count).map_err(|_| Error::Invalid)?;
    // SAFETY: the array starts at `Address` and holds `count` entries, as promised.
    let first = unsafe { std::ptr::addr_of!((*list).Address).cast::<SOCKET_ADDRESS>() };
    (0..count)
        .map(|i| {
            // SAFETY: `i < count` entries are readable.
            let entry = unsafe { first.add(i).read_unaligned() };
            // SAFETY: the entry's pointer is NULL or readable for its length.
            unsafe { super::ip_sockaddr(entry.lpSockaddr, entry.iSockaddrLength.into()) }
        })
        .collect()
}

/// [`WSAConnectByList`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaconnectbylist):
/// connects the unbound stream socket `s` to each address of `socketaddress` in turn,
/// until one accepts, then writes the local and remote addresses where asked (as
/// [`WSAConnectByNameW`](super::connect_by_name::WSAConnectByNameW) does). It is the
/// model's own `connect`, so a peer target name and `WSASetSocketSecurity` set before
/// apply; the emulated connect completes at once, so `timeout` is read (negative members
/// are `WSAEINVAL`) but never reached ([`crate::choices::CONNECT_BY_LIST`]).
///
/// Returns `TRUE`, or `FALSE` with the last error: `WSANOTINITIALISED`, `WSAENOTSOCK`,
/// `WSAEINVAL` (non-NULL `Reserved`, a NULL list or a negative count, a bound socket),
/// `WSAEFAULT` (an entry that is no address, an address buffer with a NULL or too small
/// length), `WSAEOPNOTSUPP` (not a stream socket), or the last address's connect error
/// (`WSAEHOSTUNREACH` for an empty list).
///
/// # Safety
/// `socketaddress` NULL or a readable `SOCKET_ADDRESS_LIST` whose `Address` array holds
/// `iAddressCount` entries, each `lpSockaddr` NULL or readable for `iSockaddrLength`
/// bytes; each length NULL or readable and writable for a `u32`, each address NULL or writable for that many bytes; `timeout` NULL or
/// readable.
#[allow(non_snake_case, clippy::too_many_arguments)]
pub unsafe extern "system" fn WSAConnectByList(
    s: SOCKET,
    socketaddress: *const SOCKET_ADDRESS_LIST,
    localaddresslength: *mut u32,
    localaddress: *mut SOCKADDR,
    remoteaddresslength: *mut u32,
    remoteaddress: *mut SOCKADDR,
    timeout: *const TIMEVAL,
    reserved: *const OVERLAPPED,
) -> BOOL {
    let outcome = with_current(|table| -> Result<()> {
        let family = table.with_socket(s, |entry| Ok(entry.kind.family))?;
        if !reserved.is_null() {
            return Err(Error::Invalid);
        }
        // SAFETY: forwarded from the caller.
        unsafe {
            check_timeout_and_outs(
                family,
                timeout,
                (localaddresslength, localaddress),
                (remoteaddresslength, remoteaddress),
            )?
        };
        // SAFETY: forwarded from the caller.
        let list = unsafe { addresses(socketaddress)? };
        let peer = table.connect_by_list(s, &list)?;
        let here = table.local_addr(s)?;
        // SAFETY: both pairs were accepted by `check_out` above.
        unsafe {
            write_out(localaddress, localaddresslength, here);
            write_out(remoteaddress, remoteaddresslength, peer);
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
