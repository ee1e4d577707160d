//! `send`, `recv`, `sendto`, `recvfrom`, `shutdown` and `ioctlsocket`.
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::{SOCKET, SOCKET_ERROR};

use super::peer_name::{pointer, raw_buffer};
use super::{last_error, Winsock};
use crate::backend::{Buffer, CallResult, Code};
use crate::wire::{decode_sockaddr, PeerAddress, MAX_SOCKADDR_LEN};

/// The count convention: a count, or `SOCKET_ERROR` meaning "ask `WSAGetLastError`".
pub(super) fn count_result(api: &Winsock, rc: i32) -> CallResult<u32> {
    if rc == SOCKET_ERROR {
        Err(Code(last_error::get(api)))
    } else {
        Ok(u32::try_from(rc).unwrap_or(0))
    }
}

/// `data`'s length as the `int` the calls take (a longer buffer is declared shorter,
/// never longer).
fn int_len(data: &[u8]) -> i32 {
    i32::try_from(data.len()).unwrap_or(i32::MAX)
}

/// `send(s, data, len, 0)`: the count sent.
pub(crate) fn send(api: &Winsock, s: SOCKET, data: &[u8]) -> CallResult<u32> {
    // SAFETY: `data` holds at least `int_len(data)` readable bytes for the whole call.
    let rc = unsafe { (api.send)(s, data.as_ptr(), int_len(data), 0) };
    count_result(api, rc)
}

/// `recv(s, buf, capacity, 0)`: the bytes received (empty: the peer shut down sending).
pub(crate) fn recv(api: &Winsock, s: SOCKET, capacity: u16) -> CallResult<Vec<u8>> {
    let mut buf = vec![0u8; usize::from(capacity)];
    // SAFETY: `buf` holds `capacity` writable bytes for the whole call.
    let rc = unsafe { (api.recv)(s, buf.as_mut_ptr(), i32::from(capacity), 0) };
    let count = count_result(api, rc)? as usize;
    buf.truncate(count);
    Ok(buf)
}

/// `sendto(s, data, len, 0, to, tolen)`: the count sent.
pub(crate) fn send_to(api: &Winsock, s: SOCKET, data: &[u8], to: Buffer<'_>) -> CallResult<u32> {
    let (storage, to_len) = raw_buffer(to);
    let to_len = i32::try_from(to_len).unwrap_or(i32::MAX);
    // SAFETY: `data` holds `int_len(data)` readable bytes; the address pointer is NULL or
    // points at `to_len` readable bytes; both outlive the call.
    let rc = unsafe {
        (api.sendto)(
            s,
            data.as_ptr(),
            int_len(data),
            0,
            pointer(&storage),
            to_len,
        )
    };
    count_result(api, rc)
}

/// `recvfrom(s, buf, capacity, 0, &from, &fromlen)`: the bytes and the sender's address
/// (`None` if it is no IP address).
pub(crate) fn recv_from(
    api: &Winsock,
    s: SOCKET,
    capacity: u16,
) -> CallResult<(Vec<u8>, Option<SocketAddr>)> {
    let mut buf = vec![0u8; usize::from(capacity)];
    let mut from = [0u64; MAX_SOCKADDR_LEN.div_ceil(8)];
    let mut from_len = MAX_SOCKADDR_LEN as i32;
    // SAFETY: `buf` holds `capacity` writable bytes; `from` is 8-aligned writable storage of
    // `from_len` bytes; `from_len` is a live i32; all outlive the call.
    let rc = unsafe {
        (api.recvfrom)(
            s,
            buf.as_mut_ptr(),
            i32::from(capacity),
            0,
            from.as_mut_ptr().cast(),
            &mut from_len,
        )
    };
    let count = count_result(api, rc)? as usize;
    buf.truncate(count);
    Ok((buf, sender(&from, from_len)))
}

/// The IP address in the first `from_len` bytes of `from` (`None` if it is no IP address).
pub(super) fn sender(from: &[u64], from_len: i32) -> Option<SocketAddr> {
    let bytes: Vec<u8> = from.iter().flat_map(|word| word.to_ne_bytes()).collect();
    let filled = usize::try_from(from_len).unwrap_or(0).min(bytes.len());
    match decode_sockaddr(&bytes[..filled]) {
        Ok(PeerAddress::Ip(addr)) => Some(addr),
        _ => None,
    }
}

/// `shutdown(s, how)`.
pub(crate) fn shutdown(api: &Winsock, s: SOCKET, how: i32) -> CallResult {
    // SAFETY: plain integers only.
    let rc = unsafe { (api.shutdown)(s, how) };
    last_error::int_result(api, rc)
}

/// `ioctlsocket(s, cmd, &arg)`: `arg` after the call (`FIONREAD` writes the bytes waiting).
pub(crate) fn ioctlsocket(api: &Winsock, s: SOCKET, cmd: i32, arg: u32) -> CallResult<u32> {
    let mut arg = arg;
    // SAFETY: `arg` is a live, readable and writable u32 for the whole call.
    let rc = unsafe { (api.ioctlsocket)(s, cmd, &mut arg) };
    last_error::int_result(api, rc).map(|()| arg)
}
