//! The extension functions `AcceptEx`, `GetAcceptExSockaddrs`, `ConnectEx` and
//! `DisconnectEx`, looked up as Windows code looks them up:
//! `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)` with their GUIDs, then called through the
//! `LPFN_*` pointers it gives.
//!
//! Each operation's `OVERLAPPED`, and every buffer it may use after the call returns (the
//! `AcceptEx` output buffer, the `ConnectEx` data), is leaked as in `overlapped.rs`: the
//! operation may write or read them until it completes, whenever that is.
use std::net::SocketAddr;
use std::ptr::{self, NonNull};

use windows_sys::Win32::Networking::WinSock::{
    LPFN_ACCEPTEX, LPFN_CONNECTEX, LPFN_DISCONNECTEX, LPFN_GETACCEPTEXSOCKADDRS, SOCKADDR, SOCKET,
    WSAEINVAL, WSAID_ACCEPTEX, WSAID_CONNECTEX, WSAID_DISCONNECTEX, WSAID_GETACCEPTEXSOCKADDRS,
};

use super::ioctl::extension_function;
use super::overlapped::leaked;
use super::transmit::bool_result;
use super::Winsock;
use crate::backend::{Accepted, Accepting, CallResult, Code, Completion, Overlapped};
use crate::wire::{decode_sockaddr, encode_sockaddr, PeerAddress, MAX_SOCKADDR_LEN};

/// Each `AcceptEx` address area: room for any `SOCKADDR` and the 16 bytes the page asks for.
const AREA: u32 = MAX_SOCKADDR_LEN as u32 + 16;

/// The function a lookup gave; one that gave NULL cannot be called, reported as
/// `WSAEINVAL`, what an unknown GUID gets.
fn found<F>(lookup: CallResult<Option<F>>) -> CallResult<F> {
    lookup?.ok_or(Code(WSAEINVAL))
}

/// `AcceptEx(listener, accept, buffer, receive_len, AREA, AREA, &received, &overlapped)`,
/// the function looked up on `listener`, with a leaked `OVERLAPPED` (`hEvent` 0) and a
/// leaked output buffer of `receive_len` bytes and two address areas of [`AREA`] bytes.
pub(crate) fn accept_ex(
    api: &Winsock,
    listener: SOCKET,
    accept: SOCKET,
    receive_len: u16,
) -> (Accepting, CallResult) {
    let (overlapped, _) = leaked(Completion::Port);
    let len = usize::from(receive_len) + 2 * AREA as usize;
    let buffer: &'static mut [u8] = Box::leak(vec![0u8; len].into_boxed_slice());
    let buffer = NonNull::from(buffer).cast::<u8>();
    let accepting = Accepting {
        overlapped,
        buffer,
        receive_len,
    };
    // SAFETY: LPFN_ACCEPTEX is the type WSAID_ACCEPTEX's function has.
    let function = match found(unsafe {
        extension_function::<LPFN_ACCEPTEX>(api, listener, WSAID_ACCEPTEX)
    }) {
        Ok(function) => function,
        Err(code) => return (accepting, Err(code)),
    };
    let mut received = 0u32;
    // SAFETY: the output buffer is leaked, writable for `receive_len + 2 * AREA` bytes for
    // the rest of the process; `received` is a live u32; the OVERLAPPED is leaked, valid
    // and writable for as long as the operation may use it.
    let ok = unsafe {
        function(
            listener,
            accept,
            buffer.as_ptr().cast(),
            u32::from(receive_len),
            AREA,
            AREA,
            &mut received,
            overlapped.0.as_ptr(),
        )
    };
    (accepting, bool_result(api, ok))
}

/// The address at `at` of `len` bytes, if it lies inside the `total` bytes from `start`.
fn address_in(start: NonNull<u8>, total: usize, at: *mut SOCKADDR, len: i32) -> Option<SocketAddr> {
    let offset = at.addr().checked_sub(start.as_ptr().addr())?;
    let len = usize::try_from(len).ok()?;
    if offset.checked_add(len)? > total {
        return None;
    }
    // SAFETY: the range lies inside the leaked buffer (checked above), which the AcceptEx
    // has completed writing (the caller's contract in `accept_ex_sockaddrs`).
    let bytes = unsafe { std::slice::from_raw_parts(start.as_ptr().add(offset), len) };
    match decode_sockaddr(bytes) {
        Ok(PeerAddress::Ip(addr)) => Some(addr),
        _ => None,
    }
}

/// `GetAcceptExSockaddrs(buffer, receive_len, AREA, AREA, ..)` over a completed
/// `AcceptEx`'s buffer, the function looked up on `s`: the first `received` data bytes
/// and the two addresses (`None` where the outputs point outside the buffer).
pub(crate) fn accept_ex_sockaddrs(
    api: &Winsock,
    s: SOCKET,
    accepting: Accepting,
    received: u32,
) -> CallResult<Accepted> {
    // SAFETY: LPFN_GETACCEPTEXSOCKADDRS is the type WSAID_GETACCEPTEXSOCKADDRS's has.
    let function = found(unsafe {
        extension_function::<LPFN_GETACCEPTEXSOCKADDRS>(api, s, WSAID_GETACCEPTEXSOCKADDRS)
    })?;
    let receive_len = u32::from(accepting.receive_len);
    let total = receive_len as usize + 2 * AREA as usize;
    let (mut local, mut remote) = (ptr::null_mut::<SOCKADDR>(), ptr::null_mut::<SOCKADDR>());
    let (mut local_len, mut remote_len) = (0i32, 0i32);
    // SAFETY: the buffer is the leaked one AcceptEx was given with these lengths, and the
    // operation has completed; the four outputs are live locals of the types written.
    unsafe {
        function(
            accepting.buffer.as_ptr().cast(),
            receive_len,
            AREA,
            AREA,
            &mut local,
            &mut local_len,
            &mut remote,
            &mut remote_len,
        )
    };
    let count = received.min(receive_len) as usize;
    // SAFETY: `count` is at most `receive_len`, the data area at the buffer's start, which
    // the completed AcceptEx no longer writes.
    let data = unsafe { std::slice::from_raw_parts(accepting.buffer.as_ptr(), count) }.to_vec();
    Ok(Accepted {
        data,
        local: address_in(accepting.buffer, total, local, local_len),
        remote: address_in(accepting.buffer, total, remote, remote_len),
    })
}

/// `ConnectEx(s, &to, len, data, data_len, &sent, &overlapped)`, the function looked up
/// on `s`, with a leaked `OVERLAPPED` (`hEvent` 0) and the data copied into a leaked
/// buffer, which the operation may read until it completes.
pub(crate) fn connect_ex(
    api: &Winsock,
    s: SOCKET,
    to: SocketAddr,
    data: &[u8],
) -> (Overlapped, CallResult) {
    let (overlapped, _) = leaked(Completion::Port);
    // SAFETY: LPFN_CONNECTEX is the type WSAID_CONNECTEX's function has.
    let function =
        match found(unsafe { extension_function::<LPFN_CONNECTEX>(api, s, WSAID_CONNECTEX) }) {
            Ok(function) => function,
            Err(code) => return (overlapped, Err(code)),
        };
    let (raw, len) = encode_sockaddr(to);
    let name = super::aligned(&raw[..len]);
    let bytes: &'static mut [u8] = Box::leak(data.to_vec().into_boxed_slice());
    let mut sent = 0u32;
    // SAFETY: `name` holds `len` bytes of a SOCKADDR, 8-aligned, and outlives the call;
    // the data is leaked, readable for its length for the rest of the process; `sent` is
    // a live u32; the OVERLAPPED is leaked, valid for as long as the operation may use it.
    let ok = unsafe {
        function(
            s,
            name.as_ptr().cast(),
            len as i32,
            bytes.as_ptr().cast(),
            bytes.len() as u32,
            &mut sent,
            overlapped.0.as_ptr(),
        )
    };
    (overlapped, bool_result(api, ok))
}

/// `DisconnectEx(s, &overlapped, flags, 0)`, the function looked up on `s`, with a leaked
/// `OVERLAPPED` (`hEvent` 0).
pub(crate) fn disconnect_ex(api: &Winsock, s: SOCKET, flags: u32) -> (Overlapped, CallResult) {
    let (overlapped, _) = leaked(Completion::Port);
    // SAFETY: LPFN_DISCONNECTEX is the type WSAID_DISCONNECTEX's function has.
    let function =
        match found(unsafe { extension_function::<LPFN_DISCONNECTEX>(api, s, WSAID_DISCONNECTEX) })
        {
            Ok(function) => function,
            Err(code) => return (overlapped, Err(code)),
        };
    // SAFETY: the OVERLAPPED is leaked, valid and writable for as long as the operation
    // may use it; the rest are plain integers.
    let ok = unsafe { function(s, overlapped.0.as_ptr(), flags, 0) };
    (overlapped, bool_result(api, ok))
}
