//! `getsockname` and `getpeername`: a socket's own address and its peer's.
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::{SOCKADDR, SOCKET};

use crate::error::{Error, Result};
use crate::model::completion::Context;
use crate::model::current::with_current;
use crate::sys::last_error::int_result;
use crate::sys::memory;
use crate::wire::encode_sockaddr;

/// Writes `addr` through a `name`/`namelen` pair: `WSAEFAULT` for a NULL pointer or a
/// `*namelen` shorter than the address (16 bytes for IPv4, 28 for IPv6), with nothing
/// written; otherwise the address and its length.
///
/// # Safety
/// `namelen` must be NULL or valid for reads and writes of an `i32`; `name` NULL or valid
/// for writes of `*namelen` bytes.
unsafe fn write_name(addr: SocketAddr, name: *mut SOCKADDR, namelen: *mut i32) -> Result<()> {
    if name.is_null() || namelen.is_null() {
        return Err(Error::Fault);
    }
    let (raw, len) = encode_sockaddr(addr);
    // SAFETY: non-NULL, and the caller promises an i32 there.
    let room = unsafe { memory::read(namelen) };
    if usize::try_from(room).map_or(true, |room| room < len) {
        return Err(Error::Fault);
    }
    // SAFETY: `*namelen` >= `len` bytes are writable at `name`, as the caller promises.
    unsafe {
        memory::write_bytes(name.cast(), &raw[..len]);
        memory::write(namelen, len as i32);
    }
    Ok(())
}

/// [`getsockname`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-getsockname):
/// the socket's local address, also the one an implicit bind chose (`connect`, `sendto`,
/// `WSASendTo`: an unconnected datagram socket reports the wildcard address with its
/// port, as Windows does). On entry `*namelen` is the buffer's size; on return the
/// address's. Errors: `WSANOTINITIALISED`, `WSAENOTSOCK`, `WSAEINVAL` for a socket not
/// bound (checked first, so the buffer is left unchanged), `WSAEFAULT` for a NULL pointer
/// or a `*namelen` too short (then `*namelen` is unchanged).
///
/// # Safety
/// `namelen` must be NULL or valid for reads and writes of an `i32`; `name` NULL or valid
/// for writes of `*namelen` bytes.
pub unsafe extern "system" fn getsockname(
    s: SOCKET,
    name: *mut SOCKADDR,
    namelen: *mut i32,
) -> i32 {
    // SAFETY: forwarded from the caller.
    int_result(with_current(|table| unsafe {
        let local = table.local_addr(s)?;
        if table.awaits_accept_context(s) {
            return Err(Error::Invalid);
        }
        write_name(local, name, namelen)
    }))
}

/// [`getpeername`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-getpeername):
/// the connected peer's address (for a datagram socket, the one `connect` set; never a
/// `sendto` destination). Errors: `WSANOTINITIALISED`, `WSAENOTSOCK`, `WSAENOTCONN`
/// (checked before the pointers, as Windows does), `WSAEFAULT` for a NULL pointer or a
/// `*namelen` too short (then `*namelen` is unchanged).
///
/// # Safety
/// As [`getsockname`].
pub unsafe extern "system" fn getpeername(
    s: SOCKET,
    name: *mut SOCKADDR,
    namelen: *mut i32,
) -> i32 {
    // SAFETY: forwarded from the caller.
    int_result(with_current(|table| unsafe {
        let peer = table.peer_addr(s)?;
        if table.awaits_accept_context(s) || table.awaits_context(s, Context::Connect) {
            return Err(Error::NotConnected);
        }
        write_name(peer, name, namelen)
    }))
}
