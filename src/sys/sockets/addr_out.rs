//! Returning an address through an `addr`/`addrlen` pair, as `accept`, `WSAAccept`,
//! `recvfrom` and `WSARecvFrom` do: the room is checked before the call consumes anything,
//! and the address is written only once there is one to report.
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::{AF_INET, SOCKADDR};

use crate::error::{Error, Result};
use crate::sys::memory;
use crate::wire::encode_sockaddr;

/// Checks an optional address out-parameter before the call consumes anything: if `addr`
/// is not NULL, `addrlen` must be non-NULL and `*addrlen` hold at least the size of a
/// `family` address (16 bytes for `AF_INET`, 28 for `AF_INET6`); `WSAEFAULT` otherwise, as
/// the pages of `accept` and `recvfrom` document.
///
/// # Safety
/// `addrlen` must be NULL or valid for reads of an `i32`.
pub(in crate::sys) unsafe fn check_room(
    family: u16,
    addr: *mut SOCKADDR,
    addrlen: *mut i32,
) -> Result<()> {
    if addr.is_null() {
        return Ok(());
    }
    if addrlen.is_null() {
        return Err(Error::Fault);
    }
    let needed = if family == AF_INET { 16 } else { 28 };
    // SAFETY: non-NULL, and the caller promises an i32 there.
    if unsafe { memory::read(addrlen) } < needed {
        return Err(Error::Fault);
    }
    Ok(())
}

/// Writes `peer` to `addr` and its length to `*addrlen`; nothing when `addr` is NULL or
/// there is no address to report.
///
/// # Safety
/// [`check_room`] must have accepted `addr` and `addrlen` for the socket's family (so
/// `*addrlen` bytes, at least the address's size, are writable at `addr`), and both must
/// still be valid.
pub(in crate::sys) unsafe fn write(
    addr: *mut SOCKADDR,
    addrlen: *mut i32,
    peer: Option<SocketAddr>,
) {
    let (false, Some(peer)) = (addr.is_null(), peer) else {
        return;
    };
    let (raw, len) = encode_sockaddr(peer);
    // SAFETY: checked by `check_room`, as the caller promises.
    unsafe {
        memory::write_bytes(addr.cast(), &raw[..len]);
        memory::write(addrlen, len as i32);
    }
}
