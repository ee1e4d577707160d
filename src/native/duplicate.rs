//! `WSADuplicateSocketW` and `WSASocketW` with the structure it writes.
use std::ptr;

use windows_sys::Win32::Networking::WinSock::{
    FROM_PROTOCOL_INFO, SOCKET, WSAPROTOCOL_INFOW, WSA_FLAG_OVERLAPPED,
};

use super::{last_error, Winsock};
use crate::backend::CallResult;

/// `WSADuplicateSocketW(s, process_id, &info)` (`info` false: NULL), then, `uses` times,
/// `WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0,
/// WSA_FLAG_OVERLAPPED)`: each use's socket or code.
pub(crate) fn duplicate_socket(
    api: &Winsock,
    s: SOCKET,
    process_id: u32,
    info: bool,
    uses: usize,
) -> CallResult<Vec<CallResult<SOCKET>>> {
    let mut written = WSAPROTOCOL_INFOW::default();
    let out: *mut WSAPROTOCOL_INFOW = if info { &mut written } else { ptr::null_mut() };
    // SAFETY: NULL or a live local the synchronous call writes.
    let rc = unsafe { (api.wsa_duplicate_socket_w)(s, process_id, out) };
    last_error::int_result(api, rc)?;
    Ok((0..uses)
        .map(|_| {
            let from = FROM_PROTOCOL_INFO;
            // SAFETY: the structure is a live local that outlives the synchronous call.
            let made =
                unsafe { (api.wsa_socket_w)(from, from, from, &written, 0, WSA_FLAG_OVERLAPPED) };
            last_error::socket_result(api, made)
        })
        .collect())
}
