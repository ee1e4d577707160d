//! `WSASendDisconnect`, `WSARecvDisconnect`, `WSARecvEx`, `getservbyname`,
//! `getservbyport`, `GetAddrInfoExW`/`FreeAddrInfoExW` (synchronous, and with an event)
//! and `WSAConnectByList`.
use std::ffi::CStr;
use std::net::SocketAddr;
use std::ptr;

use windows_sys::Win32::Networking::WinSock::{
    ADDRINFOEXW, SERVENT, SOCKET, SOCKET_ADDRESS, SOCKET_ADDRESS_LIST, SOCKET_ERROR, WSABUF,
};
use windows_sys::Win32::System::IO::OVERLAPPED;

use super::resolution::{ip_addr, ptr_of, wide};
use super::{last_error, Winsock};
use crate::backend::{CallResult, Code, Service};
use crate::wire::encode_sockaddr;

/// `WSASendDisconnect(s, data)`: a `WSABUF` over a copy of `data` (`None`: NULL).
pub(crate) fn send_disconnect(api: &Winsock, s: SOCKET, data: Option<&[u8]>) -> CallResult {
    let mut bytes = data.map(<[u8]>::to_vec);
    let buf = bytes.as_mut().map(|b| WSABUF {
        len: b.len() as u32,
        buf: b.as_mut_ptr(),
    });
    let ptr = buf.as_ref().map_or(ptr::null(), |b| b as *const WSABUF);
    // SAFETY: NULL or a WSABUF over `bytes`, both outliving the call.
    let rc = unsafe { (api.send_disconnect)(s, ptr) };
    last_error::int_result(api, rc)
}

/// `WSARecvDisconnect(s, NULL)`.
pub(crate) fn recv_disconnect(api: &Winsock, s: SOCKET) -> CallResult {
    // SAFETY: a NULL disconnect-data buffer.
    let rc = unsafe { (api.recv_disconnect)(s, ptr::null()) };
    last_error::int_result(api, rc)
}

/// `WSARecvEx(s, buf, len, &flags)` with a buffer of `len` bytes (at least one allocated):
/// the bytes received and `*flags` after the call.
pub(crate) fn recv_ex(api: &Winsock, s: SOCKET, len: i32) -> CallResult<(Vec<u8>, i32)> {
    let mut buf = vec![0u8; usize::try_from(len).unwrap_or(0).max(1)];
    let mut flags = 0;
    // SAFETY: `buf` holds at least `len` writable bytes, `flags` is a live i32.
    let rc = unsafe { (api.recv_ex)(s, buf.as_mut_ptr(), len, &mut flags) };
    if rc == SOCKET_ERROR {
        return Err(Code(last_error::get(api)));
    }
    buf.truncate(usize::try_from(rc).unwrap_or(0));
    Ok((buf, flags))
}

/// Reads a `SERVENT` answer, or the code of a NULL answer.
///
/// # Safety
/// `entry` must be NULL or the thread's current answer of `getservby*`.
unsafe fn servent(api: &Winsock, entry: *mut SERVENT) -> CallResult<Service> {
    if entry.is_null() {
        return Err(Code(last_error::get(api)));
    }
    // SAFETY: a non-NULL answer's strings are C strings, valid until the thread's next call.
    unsafe {
        let text = |p: *const u8| CStr::from_ptr(p.cast()).to_string_lossy().into_owned();
        Ok(Service {
            name: text((*entry).s_name),
            port: u16::from_be((*entry).s_port as u16),
            proto: text((*entry).s_proto),
        })
    }
}

/// `getservbyname(name, proto)` (`None`: NULL proto).
pub(crate) fn service_by_name(
    api: &Winsock,
    name: &CStr,
    proto: Option<&CStr>,
) -> CallResult<Service> {
    let proto = proto.map_or(ptr::null(), |p| p.as_ptr().cast());
    // SAFETY: NUL-terminated strings that outlive the call; the answer is read at once.
    unsafe { servent(api, (api.getservbyname)(name.as_ptr().cast(), proto)) }
}

/// `getservbyport(htons(port), proto)`.
pub(crate) fn service_by_port(
    api: &Winsock,
    port: u16,
    proto: Option<&CStr>,
) -> CallResult<Service> {
    let proto = proto.map_or(ptr::null(), |p| p.as_ptr().cast());
    // SAFETY: as above.
    unsafe { servent(api, (api.getservbyport)(i32::from(port.to_be()), proto)) }
}

/// The addresses of an `ADDRINFOEXW` list.
///
/// # Safety
/// `node` must be NULL or a list `GetAddrInfoExW` returned, not yet freed.
unsafe fn addresses(mut node: *const ADDRINFOEXW) -> Vec<SocketAddr> {
    let mut out = Vec::new();
    while !node.is_null() {
        // SAFETY: a live node of the list; `ai_addr` holds `ai_addrlen` bytes.
        unsafe {
            let raw = std::slice::from_raw_parts((*node).ai_addr.cast::<u8>(), (*node).ai_addrlen);
            out.extend(ip_addr(raw));
            node = (*node).ai_next;
        }
    }
    out
}

/// `GetAddrInfoExW(node, service, namespace, ...)` synchronously, then `FreeAddrInfoExW`:
/// the list's addresses, or the code returned.
pub(crate) fn get_addr_info_ex(
    api: &Winsock,
    node: Option<&str>,
    service: Option<&str>,
    namespace: u32,
) -> CallResult<Vec<SocketAddr>> {
    let (node, service) = (wide(node), wide(service));
    let mut result: *mut ADDRINFOEXW = ptr::null_mut();
    // SAFETY: NULL or NUL-terminated strings, a live out pointer, every optional argument
    // NULL (a synchronous call).
    let rc = unsafe {
        (api.get_addr_info_ex_w)(
            ptr_of(&node),
            ptr_of(&service),
            namespace,
            ptr::null(),
            ptr::null(),
            &mut result,
            ptr::null(),
            ptr::null(),
            None,
            ptr::null_mut(),
        )
    };
    if rc != 0 {
        return Err(Code(rc));
    }
    // SAFETY: the list was just returned and is freed once, after it is read.
    unsafe {
        let found = addresses(result);
        (api.free_addr_info_ex_w)(result);
        Ok(found)
    }
}

/// `GetAddrInfoExW(node, NULL, NS_ALL, ...)` with an `OVERLAPPED` and an event: the code
/// the call returned, then (if it pended) the wait's outcome and
/// `GetAddrInfoExOverlappedResult`, and the addresses (the list freed). The wait is
/// bounded (10 s); a lookup still pending then is cancelled and waited for again, so the
/// `OVERLAPPED` and the result outlive it.
pub(crate) fn get_addr_info_ex_event(
    api: &Winsock,
    node: &str,
) -> CallResult<(i32, i32, Vec<SocketAddr>)> {
    let name = wide(Some(node));
    // SAFETY: no arguments.
    let event = unsafe { (api.create_event)() };
    let mut overlapped = Box::new(OVERLAPPED {
        hEvent: event as _,
        ..OVERLAPPED::default()
    });
    let mut result: Box<*mut ADDRINFOEXW> = Box::new(ptr::null_mut());
    let mut handle = ptr::null_mut();
    // SAFETY: the strings are NUL-terminated; the OVERLAPPED and the result are boxed and
    // live until the lookup has completed (waited for below); the handle is a live out
    // pointer.
    let rc = unsafe {
        (api.get_addr_info_ex_w)(
            ptr_of(&name),
            ptr::null(),
            windows_sys::Win32::Networking::WinSock::NS_ALL,
            ptr::null(),
            ptr::null(),
            &mut *result,
            ptr::null(),
            // A pointer with write permission (the lookup writes its status through it),
            // never `&mut *overlapped` coerced to `*const`, which only grants reading.
            ptr::addr_of_mut!(*overlapped),
            None,
            &mut handle,
        )
    };
    let mut code = rc;
    if rc == windows_sys::Win32::Networking::WinSock::WSA_IO_PENDING {
        let events = [event as _];
        // SAFETY: one live event handle.
        let waited = unsafe { (api.wait_for_multiple_events)(1, events.as_ptr(), 1, 10_000, 0) };
        if waited != 0 {
            // SAFETY: the handle the call gave; then an unbounded wait for the
            // completion the cancel causes, so nothing outlives its memory.
            unsafe {
                (api.get_addr_info_ex_cancel)(&handle);
                (api.wait_for_multiple_events)(1, events.as_ptr(), 1, u32::MAX, 0);
            }
        }
        // SAFETY: the OVERLAPPED of the call, completed.
        code = unsafe { (api.get_addr_info_ex_overlapped_result)(&*overlapped) };
    }
    // SAFETY: the list (if any) was returned through `result` and is freed once.
    let found = unsafe {
        let found = addresses(*result);
        if !(*result).is_null() {
            (api.free_addr_info_ex_w)(*result);
        }
        found
    };
    // SAFETY: the event this function created.
    unsafe { (api.close_event)(event) };
    Ok((rc, code, found))
}

/// `WSAConnectByList(s, list of addrs, ...)` with room for both addresses: the remote
/// address written back.
pub(crate) fn connect_by_list(
    api: &Winsock,
    s: SOCKET,
    addrs: &[SocketAddr],
) -> CallResult<SocketAddr> {
    let mut sockaddrs: Vec<[u64; 4]> = addrs
        .iter()
        .map(|&addr| {
            let (raw, _) = encode_sockaddr(addr);
            let mut words = [0u64; 4];
            for (word, chunk) in words.iter_mut().zip(raw.chunks(8)) {
                let mut eight = [0u8; 8];
                eight[..chunk.len()].copy_from_slice(chunk);
                *word = u64::from_ne_bytes(eight);
            }
            words
        })
        .collect();
    let mut storage = vec![SOCKET_ADDRESS::default(); addrs.len() + 1];
    let head = storage.as_mut_ptr().cast::<SOCKET_ADDRESS_LIST>();
    // SAFETY: `storage` holds the header and one entry per address at `Address`; each
    // entry points into `sockaddrs`, which outlives the call.
    unsafe {
        ptr::addr_of_mut!((*head).iAddressCount).write(addrs.len() as i32);
        let first = ptr::addr_of_mut!((*head).Address).cast::<SOCKET_ADDRESS>();
        for (i, (addr, raw)) in addrs.iter().zip(sockaddrs.iter_mut()).enumerate() {
            first.add(i).write(SOCKET_ADDRESS {
                lpSockaddr: raw.as_mut_ptr().cast(),
                iSockaddrLength: if addr.is_ipv4() { 16 } else { 28 },
            });
        }
    }
    let mut local = [0u64; 16];
    let mut remote = [0u64; 16];
    let (mut local_len, mut remote_len) = (128u32, 128u32);
    // SAFETY: the list is laid out above; each address buffer holds 128 bytes, its length
    // says so; timeout and reserved are NULL.
    let ok = unsafe {
        (api.wsa_connect_by_list)(
            s,
            head,
            &mut local_len,
            local.as_mut_ptr().cast(),
            &mut remote_len,
            remote.as_mut_ptr().cast(),
            ptr::null(),
            ptr::null(),
        )
    };
    if ok == 0 {
        return Err(Code(last_error::get(api)));
    }
    let bytes: Vec<u8> = remote.iter().flat_map(|w| w.to_ne_bytes()).collect();
    ip_addr(&bytes[..remote_len.min(128) as usize]).ok_or(Code(0))
}
