//! `WSASend`, `WSARecv`, `WSARecvFrom` and `WSASendMsg` over `WSABUF` arrays, without
//! overlapped arguments.
use std::net::SocketAddr;
use std::ptr;

use windows_sys::Win32::Networking::WinSock::{SOCKET, WSABUF, WSAMSG};

use super::data::{count_result, sender};
use super::Winsock;
use crate::backend::CallResult;
use crate::wire::MAX_SOCKADDR_LEN;

/// One `WSABUF` over each of `storage`'s buffers.
pub(super) fn wsabufs(storage: &mut [Vec<u8>]) -> Vec<WSABUF> {
    storage
        .iter_mut()
        .map(|buf| WSABUF {
            len: u32::try_from(buf.len()).unwrap_or(u32::MAX),
            buf: buf.as_mut_ptr(),
        })
        .collect()
}

/// Buffers of `capacities` bytes each, zeroed.
fn buffers_of(capacities: &[u16]) -> Vec<Vec<u8>> {
    capacities
        .iter()
        .map(|&capacity| vec![0u8; usize::from(capacity)])
        .collect()
}

/// `storage` cut to the `count` bytes received, spread over the buffers in order.
fn filled(mut storage: Vec<Vec<u8>>, count: u32) -> Vec<Vec<u8>> {
    let mut left = count as usize;
    for buf in &mut storage {
        let taken = left.min(buf.len());
        buf.truncate(taken);
        left -= taken;
    }
    storage
}

/// `WSASend(s, bufs, n, &sent, 0, NULL, NULL)`, a `WSABUF` over each of `buffers`: the
/// count sent.
pub(crate) fn wsa_send(api: &Winsock, s: SOCKET, buffers: &[&[u8]]) -> CallResult<u32> {
    let mut storage: Vec<Vec<u8>> = buffers.iter().map(|buf| buf.to_vec()).collect();
    let array = wsabufs(&mut storage);
    let mut sent = 0u32;
    // SAFETY: `array` holds `array.len()` WSABUFs, each over a live buffer of its `len`
    // bytes; `sent` is a live u32; all outlive the call, which has no overlapped arguments.
    let rc = unsafe {
        (api.wsa_send)(
            s,
            array.as_ptr(),
            array.len() as u32,
            &mut sent,
            0,
            ptr::null_mut(),
            None,
        )
    };
    count_result(api, rc).map(|_| sent)
}

/// `WSARecv(s, bufs, n, &received, &flags, NULL, NULL)` with flags 0, over buffers of
/// `capacities` bytes: what each buffer received, in order.
pub(crate) fn wsa_recv(api: &Winsock, s: SOCKET, capacities: &[u16]) -> CallResult<Vec<Vec<u8>>> {
    let mut storage = buffers_of(capacities);
    let array = wsabufs(&mut storage);
    let (mut received, mut flags) = (0u32, 0u32);
    // SAFETY: `array` holds `array.len()` WSABUFs, each over a live writable buffer of its
    // `len` bytes; `received` and `flags` are live u32s; all outlive the call.
    let rc = unsafe {
        (api.wsa_recv)(
            s,
            array.as_ptr(),
            array.len() as u32,
            &mut received,
            &mut flags,
            ptr::null_mut(),
            None,
        )
    };
    count_result(api, rc)?;
    Ok(filled(storage, received))
}

/// `WSARecvFrom(s, bufs, n, &received, &flags, &from, &fromlen, NULL, NULL)` with flags 0,
/// over buffers of `capacities` bytes: what each buffer received, and the sender.
pub(crate) fn wsa_recv_from(
    api: &Winsock,
    s: SOCKET,
    capacities: &[u16],
) -> CallResult<(Vec<Vec<u8>>, Option<SocketAddr>)> {
    let mut storage = buffers_of(capacities);
    let array = wsabufs(&mut storage);
    let (mut received, mut flags) = (0u32, 0u32);
    let mut from = [0u64; MAX_SOCKADDR_LEN.div_ceil(8)];
    let mut from_len = MAX_SOCKADDR_LEN as i32;
    // SAFETY: as `wsa_recv`; `from` is 8-aligned writable storage of `from_len` bytes and
    // `from_len` a live i32; all outlive the call.
    let rc = unsafe {
        (api.wsa_recv_from)(
            s,
            array.as_ptr(),
            array.len() as u32,
            &mut received,
            &mut flags,
            from.as_mut_ptr().cast(),
            &mut from_len,
            ptr::null_mut(),
            None,
        )
    };
    count_result(api, rc)?;
    Ok((filled(storage, received), sender(&from, from_len)))
}

/// `WSASendMsg(s, &msg, 0, &sent, NULL, NULL)` with a `WSAMSG` naming `to` (NULL when
/// `None`) over a `WSABUF` for each of `buffers`, no control data; or with a NULL `lpMsg`
/// when `msg` is `None`: the count sent.
pub(crate) fn wsa_send_msg(
    api: &Winsock,
    s: SOCKET,
    msg: Option<(Option<SocketAddr>, &[&[u8]])>,
) -> CallResult<u32> {
    let (to, buffers) = msg.unwrap_or((None, &[]));
    let mut storage: Vec<Vec<u8>> = buffers.iter().map(|buf| buf.to_vec()).collect();
    let mut array = wsabufs(&mut storage);
    let mut name = to.map(|to| {
        let (raw, len) = crate::wire::encode_sockaddr(to);
        (super::aligned(&raw[..len]), len as i32)
    });
    let message = WSAMSG {
        name: name
            .as_mut()
            .map_or(ptr::null_mut(), |(storage, _)| storage.as_mut_ptr().cast()),
        namelen: name.as_ref().map_or(0, |(_, len)| *len),
        lpBuffers: array.as_mut_ptr(),
        dwBufferCount: array.len() as u32,
        Control: WSABUF {
            len: 0,
            buf: ptr::null_mut(),
        },
        dwFlags: 0,
    };
    let lpmsg = if msg.is_some() {
        &raw const message
    } else {
        ptr::null()
    };
    let mut sent = 0u32;
    // SAFETY: `lpmsg` is NULL or a live WSAMSG whose name holds `namelen` bytes and whose
    // array holds `dwBufferCount` WSABUFs over live buffers; `sent` is a live u32; all
    // outlive the call, which has no overlapped arguments.
    let rc = unsafe { (api.wsa_send_msg)(s, lpmsg, 0, &mut sent, ptr::null_mut(), None) };
    count_result(api, rc).map(|_| sent)
}

#[cfg(test)]
mod tests {
    use super::filled;

    #[test]
    fn filled_spreads_the_count_over_the_buffers_in_order() {
        let storage = vec![vec![1, 2, 3], vec![4, 5, 6], vec![7]];
        assert_eq!(filled(storage.clone(), 4), [vec![1, 2, 3], vec![4], vec![]]);
        assert_eq!(filled(storage.clone(), 7), storage);
        assert_eq!(filled(storage, 0), [vec![], vec![], vec![]] as [Vec<u8>; 3]);
    }
}
