//! `WSAEnumProtocolsW`, `WSASocketW` with a `WSAPROTOCOL_INFOW`, `getprotobyname`,
//! `getprotobynumber`, `WSAGetQOSByName` and `WSACancelBlockingCall`.
use std::ffi::CStr;
use std::ptr;

use windows_sys::Win32::Networking::WinSock::{
    PROTOENT, QOS, SOCKET, SOCKET_ERROR, WSABUF, WSAPROTOCOL_INFOW,
};

use super::{last_error, Winsock};
use crate::backend::{CallResult, Code, Enumerated};

/// `WSAEnumProtocolsW(filter, buffer, &len)`: `filter` is copied with a terminating 0
/// (`None`: NULL); the buffer holds `room` entries (`None`: NULL) and `*len` is their size.
pub(crate) fn enum_protocols(
    api: &Winsock,
    filter: Option<&[i32]>,
    room: Option<u32>,
) -> Enumerated {
    let filter: Option<Vec<i32>> = filter.map(|wanted| wanted.iter().copied().chain([0]).collect());
    let filter_ptr = filter
        .as_ref()
        .map_or(ptr::null(), |wanted| wanted.as_ptr());
    let mut buffer: Option<Vec<WSAPROTOCOL_INFOW>> =
        room.map(|room| vec![WSAPROTOCOL_INFOW::default(); room.max(1) as usize]);
    let buffer_ptr = buffer
        .as_mut()
        .map_or(ptr::null_mut(), |entries| entries.as_mut_ptr());
    let entry = std::mem::size_of::<WSAPROTOCOL_INFOW>() as u32;
    let mut len = room.unwrap_or(0).saturating_mul(entry);
    // SAFETY: the filter is NULL or a 0-terminated array; the buffer is NULL or holds at
    // least `len` writable bytes; `len` is a live u32; all outlive the synchronous call.
    let rc = unsafe { (api.enum_protocols_w)(filter_ptr, buffer_ptr, &mut len) };
    if rc == SOCKET_ERROR {
        return Enumerated {
            result: Err(Code(last_error::get(api))),
            len,
            entries: Vec::new(),
        };
    }
    let count = usize::try_from(rc).unwrap_or(0);
    let entries = buffer
        .unwrap_or_default()
        .iter()
        .take(count)
        .map(|info| {
            let triple = (info.iAddressFamily, info.iSocketType, info.iProtocol);
            (triple.0, triple.1, triple.2, info.dwCatalogEntryId)
        })
        .collect();
    Enumerated {
        result: Ok(count as u32),
        len,
        entries,
    }
}

/// Reads a `PROTOENT` answer: (`p_name`, `p_proto`), or the code of a NULL answer.
///
/// # Safety
/// `entry` must be NULL or the thread's current answer of `getprotoby*`.
unsafe fn protoent(api: &Winsock, entry: *mut PROTOENT) -> CallResult<(String, i16)> {
    if entry.is_null() {
        return Err(Code(last_error::get(api)));
    }
    // SAFETY: a non-NULL answer points to a PROTOENT whose p_name is a C string, valid
    // until the thread's next call.
    unsafe {
        let name = CStr::from_ptr((*entry).p_name.cast())
            .to_string_lossy()
            .into_owned();
        Ok((name, (*entry).p_proto))
    }
}

/// `getprotobyname(name)`.
pub(crate) fn protocol_by_name(api: &Winsock, name: &CStr) -> CallResult<(String, i16)> {
    // SAFETY: `name` is a NUL-terminated string that outlives the call; the answer is read
    // before any other call on this thread.
    unsafe { protoent(api, (api.getprotobyname)(name.as_ptr().cast())) }
}

/// `getprotobynumber(number)`.
pub(crate) fn protocol_by_number(api: &Winsock, number: i32) -> CallResult<(String, i16)> {
    // SAFETY: a plain integer in; the answer is read before any other call on this thread.
    unsafe { protoent(api, (api.getprotobynumber)(number)) }
}

/// `WSASocketW(af, type, protocol, &info, 0, 0)` with a zeroed `WSAPROTOCOL_INFOW` but
/// for `dwCatalogEntryId` and the triple.
pub(crate) fn wsa_socket_from_info(
    api: &Winsock,
    (af, r#type, protocol): (i32, i32, i32),
    catalog_id: u32,
    (info_af, info_type, info_protocol): (i32, i32, i32),
) -> CallResult<SOCKET> {
    let info = WSAPROTOCOL_INFOW {
        dwCatalogEntryId: catalog_id,
        iAddressFamily: info_af,
        iSocketType: info_type,
        iProtocol: info_protocol,
        ..WSAPROTOCOL_INFOW::default()
    };
    // SAFETY: the structure is a live local that outlives the synchronous call.
    let s = unsafe { (api.wsa_socket_w)(af, r#type, protocol, &info, 0, 0) };
    last_error::socket_result(api, s)
}

/// `WSAGetQOSByName(s, &name, qos)`.
pub(crate) fn get_qos_by_name(
    api: &Winsock,
    s: SOCKET,
    name: Option<&[u8]>,
    qos: bool,
) -> CallResult {
    let mut storage: Option<Vec<u8>> = name.map(<[u8]>::to_vec);
    let buffer = storage.as_mut().map(|bytes| WSABUF {
        len: bytes.len() as u32,
        buf: if bytes.is_empty() {
            ptr::null_mut()
        } else {
            bytes.as_mut_ptr()
        },
    });
    let buffer_ptr = buffer
        .as_ref()
        .map_or(ptr::null(), |buffer| buffer as *const WSABUF);
    let mut out = QOS::default();
    let out_ptr: *mut QOS = if qos { &mut out } else { ptr::null_mut() };
    // SAFETY: the WSABUF (and the bytes it points to) and the QOS are live locals that
    // outlive the synchronous call; the buffer is exactly `len` bytes.
    let ok = unsafe { (api.get_qos_by_name)(s, buffer_ptr, out_ptr) };
    if ok == 0 {
        return Err(Code(last_error::get(api)));
    }
    Ok(())
}

/// `WSACancelBlockingCall()`.
pub(crate) fn cancel_blocking_call(api: &Winsock) -> CallResult {
    // SAFETY: takes no arguments.
    let rc = unsafe { (api.cancel_blocking_call)() };
    last_error::int_result(api, rc)
}
