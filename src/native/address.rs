//! `bind`, `listen`, `connect`, `accept`, `WSAAccept`, and (on Windows) `getsockname`.
use std::net::SocketAddr;
use std::ptr;

use windows_sys::Win32::Networking::WinSock::{QOS, SOCKET, WSABUF};

use super::{aligned, last_error, Winsock};
use crate::backend::CallResult;
use crate::wire::encode_sockaddr;

/// `addr` as an aligned `SOCKADDR_IN`/`SOCKADDR_IN6`, and its length.
fn sockaddr(addr: SocketAddr) -> (Vec<u64>, i32) {
    let (raw, len) = encode_sockaddr(addr);
    (aligned(&raw[..len]), len as i32)
}

/// `bind(s, &addr, len)`.
pub(crate) fn bind(api: &Winsock, s: SOCKET, addr: SocketAddr) -> CallResult {
    let (storage, len) = sockaddr(addr);
    // SAFETY: `storage` holds `len` readable bytes of the address and outlives the call.
    let rc = unsafe { (api.bind)(s, storage.as_ptr().cast(), len) };
    last_error::int_result(api, rc)
}

/// `listen(s, backlog)`.
pub(crate) fn listen(api: &Winsock, s: SOCKET, backlog: i32) -> CallResult {
    // SAFETY: plain integers only.
    let rc = unsafe { (api.listen)(s, backlog) };
    last_error::int_result(api, rc)
}

/// `connect(s, &addr, len)`.
pub(crate) fn connect(api: &Winsock, s: SOCKET, addr: SocketAddr) -> CallResult {
    let (storage, len) = sockaddr(addr);
    // SAFETY: `storage` holds `len` readable bytes of the address and outlives the call.
    let rc = unsafe { (api.connect)(s, storage.as_ptr().cast(), len) };
    last_error::int_result(api, rc)
}

/// `accept(s, NULL, NULL)`: the new socket's handle.
pub(crate) fn accept(api: &Winsock, s: SOCKET) -> CallResult<SOCKET> {
    // SAFETY: NULL address and length are allowed by the prototype; nothing is written.
    let accepted = unsafe { (api.accept)(s, ptr::null_mut(), ptr::null_mut()) };
    last_error::socket_result(api, accepted)
}

/// A condition function that answers what `WSAAccept` passed as its callback data.
extern "system" fn answer_callback_data(
    _caller_id: *mut WSABUF,
    _caller_data: *mut WSABUF,
    _sqos: *mut QOS,
    _gqos: *mut QOS,
    _callee_id: *mut WSABUF,
    _callee_data: *mut WSABUF,
    _group: *mut u32,
    callback_data: usize,
) -> i32 {
    callback_data as i32
}

/// `WSAAccept(s, NULL, NULL, condition, answer)`, with a condition function that returns
/// `answer` (`CF_ACCEPT`, `CF_REJECT`, `CF_DEFER`): the new socket's handle.
pub(crate) fn wsa_accept(api: &Winsock, s: SOCKET, answer: u32) -> CallResult<SOCKET> {
    // SAFETY: NULL address and length are allowed by the prototype; the condition function
    // reads none of its pointers.
    let accepted = unsafe {
        (api.wsa_accept)(
            s,
            ptr::null_mut(),
            ptr::null_mut(),
            Some(answer_callback_data),
            answer as usize,
        )
    };
    last_error::socket_result(api, accepted)
}

/// `getsockname(s, ...)` on the real Winsock: the socket's local address.
#[cfg(windows)]
pub(crate) fn local_addr(s: SOCKET) -> CallResult<SocketAddr> {
    use windows_sys::Win32::Networking::WinSock::{getsockname, SOCKADDR_STORAGE};

    use crate::backend::Code;
    use crate::wire::{decode_sockaddr, PeerAddress, MAX_SOCKADDR_LEN};

    let api = &super::WINDOWS;
    let mut storage = SOCKADDR_STORAGE::default();
    let mut len = MAX_SOCKADDR_LEN as i32;
    // SAFETY: `storage` is a writable SOCKADDR_STORAGE of `len` bytes; `len` is a live i32.
    let rc = unsafe { getsockname(s, (&raw mut storage).cast(), &mut len) };
    last_error::int_result(api, rc)?;
    let filled = usize::try_from(len).unwrap_or(0).min(MAX_SOCKADDR_LEN);
    // SAFETY: SOCKADDR_STORAGE is plain bytes; `filled` never exceeds its size.
    let bytes = unsafe { std::slice::from_raw_parts((&raw const storage).cast::<u8>(), filled) };
    match decode_sockaddr(bytes) {
        Ok(PeerAddress::Ip(addr)) => Ok(addr),
        // getsockname gave something that is not an IP address: as Winsock would say.
        _ => Err(Code(
            windows_sys::Win32::Networking::WinSock::WSAEAFNOSUPPORT,
        )),
    }
}
