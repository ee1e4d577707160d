//! `bind`, `listen`, `connect`, `accept`, `WSAAccept`.
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
