//! `getsockopt`, `setsockopt`, `getsockname` and `getpeername`.
use std::net::SocketAddr;
use std::ptr;

use windows_sys::Win32::Networking::WinSock::{SOCKADDR, SOCKET, WSAEAFNOSUPPORT};

use super::{last_error, Winsock};
use crate::backend::{CallResult, Code, GotOption, Named};
use crate::wire::{decode_sockaddr, PeerAddress, MAX_SOCKADDR_LEN};

/// The most bytes a `getsockopt` buffer or a `setsockopt` value gets: more than any option
/// needs (`WSAPROTOCOL_INFOW` is 628 bytes), so a length above it is declared as given but
/// never backed by memory the callee could be told to use beyond it.
pub(crate) const OPTION_ROOM: usize = 1024;

/// `getsockopt(s, level, name, buf, &len)` with a buffer of `OPTION_ROOM` bytes filled with
/// `0xAB` and `*optlen` = `len` clamped to the buffer (negative lengths passed as given).
pub(crate) fn get(api: &Winsock, s: SOCKET, level: i32, name: i32, len: i32) -> GotOption {
    let mut bytes = vec![0xABu8; OPTION_ROOM];
    let mut optlen = len.min(OPTION_ROOM as i32);
    // SAFETY: `bytes` holds `OPTION_ROOM` writable bytes, at least `optlen`; `optlen` is a
    // live i32; both outlive the call.
    let rc = unsafe { (api.getsockopt)(s, level, name, bytes.as_mut_ptr(), &mut optlen) };
    let declared = usize::try_from(len).unwrap_or(0).min(OPTION_ROOM);
    bytes.truncate(declared.clamp(4, OPTION_ROOM));
    GotOption {
        result: last_error::int_result(api, rc),
        bytes,
        len: optlen,
    }
}

/// `setsockopt(s, level, name, value, len)`: `value` NULL (`None`) or copied into a buffer
/// of at least `OPTION_ROOM` bytes (zero after the value), so a negative or overlong `len`
/// never makes the callee read outside it.
pub(crate) fn set(
    api: &Winsock,
    s: SOCKET,
    level: i32,
    name: i32,
    value: Option<&[u8]>,
    len: i32,
) -> CallResult {
    let storage = value.map(|value| {
        let mut storage = vec![0u8; value.len().max(OPTION_ROOM)];
        storage[..value.len()].copy_from_slice(value);
        storage
    });
    let optval = storage
        .as_ref()
        .map_or(ptr::null(), |storage| storage.as_ptr());
    let len = len.min(storage.as_ref().map_or(i32::MAX, |s| s.len() as i32));
    // SAFETY: `optval` is NULL or points at a buffer of at least `max(len, OPTION_ROOM)`
    // readable bytes that outlives the call.
    let rc = unsafe { (api.setsockopt)(s, level, name, optval, len) };
    last_error::int_result(api, rc)
}

/// Which name call.
type NameCall = unsafe extern "system" fn(SOCKET, *mut SOCKADDR, *mut i32) -> i32;

/// `getsockname`/`getpeername` with a `SOCKADDR_STORAGE`-sized buffer and `*namelen` =
/// `namelen` (`None`: NULL), or a NULL buffer when `buffer` is false.
fn name_call(
    api: &Winsock,
    call: NameCall,
    s: SOCKET,
    buffer: bool,
    namelen: Option<i32>,
) -> Named {
    let mut storage = [0u64; MAX_SOCKADDR_LEN / 8];
    let mut len = namelen.unwrap_or(0).min(MAX_SOCKADDR_LEN as i32);
    let name = if buffer {
        storage.as_mut_ptr().cast()
    } else {
        ptr::null_mut()
    };
    let len_ptr = if namelen.is_some() {
        &raw mut len
    } else {
        ptr::null_mut()
    };
    // SAFETY: `name` is NULL or `storage`, `MAX_SOCKADDR_LEN` writable bytes, at least
    // `len`; `len_ptr` is NULL or a live i32; all outlive the call.
    let rc = unsafe { call(s, name, len_ptr) };
    let result = last_error::int_result(api, rc).and_then(|()| {
        let filled = usize::try_from(len).unwrap_or(0).min(MAX_SOCKADDR_LEN);
        let bytes: Vec<u8> = storage.iter().flat_map(|word| word.to_ne_bytes()).collect();
        match decode_sockaddr(&bytes[..filled]) {
            Ok(PeerAddress::Ip(addr)) => Ok(addr),
            _ => Err(Code(WSAEAFNOSUPPORT)),
        }
    });
    Named {
        result,
        len: namelen.map(|_| len),
    }
}

/// `getsockname(s, &storage, &len)`.
pub(crate) fn local_name(api: &Winsock, s: SOCKET, buffer: bool, namelen: Option<i32>) -> Named {
    name_call(api, api.getsockname, s, buffer, namelen)
}

/// `getpeername(s, &storage, &len)`.
pub(crate) fn peer_name(api: &Winsock, s: SOCKET, buffer: bool, namelen: Option<i32>) -> Named {
    name_call(api, api.getpeername, s, buffer, namelen)
}

/// `getsockname` with room for any address: the local address.
pub(crate) fn local_addr(api: &Winsock, s: SOCKET) -> CallResult<SocketAddr> {
    local_name(api, s, true, Some(MAX_SOCKADDR_LEN as i32)).result
}

/// `getpeername` with room for any address: the peer's address.
pub(crate) fn peer_addr(api: &Winsock, s: SOCKET) -> CallResult<SocketAddr> {
    peer_name(api, s, true, Some(MAX_SOCKADDR_LEN as i32)).result
}
