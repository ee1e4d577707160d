//! `getaddrinfo`/`freeaddrinfo`, `getnameinfo`, `gethostname`, `inet_pton`, `inet_ntop`,
//! `inet_addr`, `WSAStringToAddressW`, `WSAAddressToStringW`, `WSAConnectByNameW`.
use std::ffi::CString;
use std::net::SocketAddr;
use std::ptr;

use windows_sys::Win32::Networking::WinSock::{ADDRINFOA, SOCKET};

use super::{aligned, last_error, Winsock};
use crate::backend::{AddrInfoHints, AddrInfoList, CallResult, Code, Parsed};
use crate::wire::{decode_sockaddr, encode_sockaddr, PeerAddress};

/// A NUL-terminated copy of `text` (`None`: a NULL pointer; an inner NUL ends it early).
fn c_text(text: Option<&str>) -> Option<CString> {
    text.map(|t| CString::new(t.split('\0').next().unwrap_or_default()).unwrap_or_default())
}

/// A NUL-terminated UTF-16 copy of `text`.
pub(super) fn wide(text: Option<&str>) -> Option<Vec<u16>> {
    text.map(|t| t.encode_utf16().chain([0]).collect())
}

/// The pointer of an optional string.
pub(super) fn ptr_of<T>(text: &Option<Vec<T>>) -> *const T {
    text.as_ref().map_or(ptr::null(), |t| t.as_ptr())
}

/// The address in `bytes` (a `SOCKADDR` the callee wrote), if it is an IP address.
pub(super) fn ip_addr(bytes: &[u8]) -> Option<SocketAddr> {
    match decode_sockaddr(bytes) {
        Ok(PeerAddress::Ip(addr)) => Some(addr),
        _ => None,
    }
}

/// `getaddrinfo(node, service, hints, &list)`, then `freeaddrinfo(list)`: the list's
/// addresses and canonical name, or the code it returned.
pub(crate) fn get_addr_info(
    api: &Winsock,
    node: Option<&str>,
    service: Option<&str>,
    hints: Option<AddrInfoHints>,
) -> CallResult<AddrInfoList> {
    let (node, service) = (c_text(node), c_text(service));
    let hints = hints.map(|h| ADDRINFOA {
        ai_flags: h.flags as i32,
        ai_family: h.family,
        ai_socktype: h.socktype,
        ai_protocol: h.protocol,
        ai_addrlen: h.addrlen,
        ..Default::default()
    });
    let mut list: *mut ADDRINFOA = ptr::null_mut();
    // SAFETY: the strings are NUL-terminated and the hints a whole ADDRINFOA, all living
    // through the call; `list` is a writable pointer.
    let rc = unsafe {
        (api.getaddrinfo)(
            node.as_ref().map_or(ptr::null(), |n| n.as_ptr().cast()),
            service.as_ref().map_or(ptr::null(), |s| s.as_ptr().cast()),
            hints
                .as_ref()
                .map_or(ptr::null(), |h| h as *const ADDRINFOA),
            &mut list,
        )
    };
    if rc != 0 {
        return Err(Code(rc));
    }
    let mut found = AddrInfoList {
        addrs: Vec::new(),
        canonical: None,
    };
    let mut node = list;
    while !node.is_null() {
        // SAFETY: `node` is a node of the list getaddrinfo returned, not yet freed; its
        // `ai_addr` holds `ai_addrlen` bytes and `ai_canonname` is NULL or NUL-terminated.
        // The node is copied out with `read_unaligned`, never referenced: the list is one
        // block the callee lays out as it likes, and Wine packs each node right after the
        // previous node's canonical name and address bytes, so a node after a canonical
        // name is not 8-aligned. The address is read as bytes and the name as a C string,
        // neither of which needs alignment.
        unsafe {
            let entry = node.read_unaligned();
            if !entry.ai_addr.is_null() {
                let bytes =
                    std::slice::from_raw_parts(entry.ai_addr.cast::<u8>(), entry.ai_addrlen);
                found.addrs.extend(ip_addr(bytes));
            }
            if node == list && !entry.ai_canonname.is_null() {
                let name = std::ffi::CStr::from_ptr(entry.ai_canonname.cast());
                found.canonical = Some(name.to_string_lossy().into_owned());
            }
            node = entry.ai_next;
        }
    }
    // SAFETY: `list` is the list getaddrinfo returned, freed once.
    unsafe { (api.freeaddrinfo)(list) };
    Ok(found)
}

/// Reads the NUL-terminated text at the start of `buffer`.
fn text_of(buffer: &[u8]) -> String {
    let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
    String::from_utf8_lossy(&buffer[..end]).into_owned()
}

/// `getnameinfo(&addr, len, host, host_len, service, service_len, flags)` with buffers of
/// the given sizes (`None`: NULL): the texts written, or the code it returned.
pub(crate) fn get_name_info(
    api: &Winsock,
    addr: SocketAddr,
    host_len: Option<u32>,
    service_len: Option<u32>,
    flags: i32,
) -> CallResult<(Option<String>, Option<String>)> {
    let (raw, len) = encode_sockaddr(addr);
    let storage = aligned(&raw[..len]);
    let mut host = host_len.map(|n| vec![0u8; n as usize]);
    let mut service = service_len.map(|n| vec![0u8; n as usize]);
    let out = |b: &mut Option<Vec<u8>>| b.as_mut().map_or(ptr::null_mut(), |b| b.as_mut_ptr());
    // SAFETY: the address holds `len` bytes; each buffer is NULL or as long as its size.
    let rc = unsafe {
        (api.getnameinfo)(
            storage.as_ptr().cast(),
            len as i32,
            out(&mut host),
            host_len.unwrap_or(0),
            out(&mut service),
            service_len.unwrap_or(0),
            flags,
        )
    };
    if rc != 0 {
        return Err(Code(rc));
    }
    Ok((
        host.as_deref().map(text_of),
        service.as_deref().map(text_of),
    ))
}

/// `gethostname(buffer, len)` with a buffer of `len` bytes (at least 1): the name.
pub(crate) fn host_name(api: &Winsock, len: i32) -> CallResult<String> {
    let mut buffer = vec![0u8; usize::try_from(len).unwrap_or(0).max(1)];
    // SAFETY: the buffer holds at least `len` bytes.
    let rc = unsafe { (api.gethostname)(buffer.as_mut_ptr(), len) };
    last_error::int_result(api, rc).map(|()| text_of(&buffer))
}

/// `inet_pton(family, text, buffer)` with the last error set to 0 before.
pub(crate) fn inet_pton(api: &Winsock, family: i32, text: Option<&str>) -> Parsed {
    let text = c_text(text);
    let mut bytes = [0xABu8; 16];
    last_error::set(api, 0);
    // SAFETY: the string is NUL-terminated (or NULL); the buffer holds 16 bytes, enough for
    // either family.
    let rc = unsafe {
        (api.inet_pton)(
            family,
            text.as_ref().map_or(ptr::null(), |t| t.as_ptr().cast()),
            bytes.as_mut_ptr().cast(),
        )
    };
    Parsed {
        rc,
        bytes,
        last_error: last_error::get(api),
    }
}

/// `inet_ntop(family, address, buffer, size)` with a buffer of `size` bytes: the text, or
/// the last error after a NULL return.
pub(crate) fn inet_ntop(
    api: &Winsock,
    family: i32,
    address: &[u8; 16],
    size: usize,
) -> CallResult<String> {
    let mut buffer = vec![0u8; size.max(1)];
    // SAFETY: the address holds 16 bytes (enough for either family); the buffer `size`.
    let got =
        unsafe { (api.inet_ntop)(family, address.as_ptr().cast(), buffer.as_mut_ptr(), size) };
    if got.is_null() {
        return Err(Code(last_error::get(api)));
    }
    Ok(text_of(&buffer))
}

/// `inet_addr(text)`.
pub(crate) fn inet_addr(api: &Winsock, text: &str) -> u32 {
    let text = c_text(Some(text)).unwrap_or_default();
    // SAFETY: the string is NUL-terminated and outlives the call.
    unsafe { (api.inet_addr)(text.as_ptr().cast()) }
}

/// `WSAStringToAddressW(text, family, NULL, &storage, &len)` with `*len` = `len` before:
/// the address parsed (or the code), and `*len` after.
pub(crate) fn string_to_address(
    api: &Winsock,
    text: &str,
    family: i32,
    len: i32,
) -> (CallResult<SocketAddr>, i32) {
    let text = wide(Some(text));
    let mut storage = [0u64; 16];
    let mut size = len;
    // SAFETY: the string is NUL-terminated; the storage holds 128 bytes, at least `len`
    // when `len` is at most 128 (the scenarios' lengths are).
    let rc = unsafe {
        (api.wsa_string_to_address_w)(
            ptr_of(&text),
            family,
            ptr::null(),
            storage.as_mut_ptr().cast(),
            &mut size,
        )
    };
    let bytes: Vec<u8> = storage.iter().flat_map(|w| w.to_ne_bytes()).collect();
    let result = last_error::int_result(api, rc).and_then(|()| ip_addr(&bytes).ok_or(Code(0)));
    (result, size)
}

/// `WSAAddressToStringW(&addr, len, NULL, buffer, &size)` with `size` characters of room:
/// the text (or the code), and `*size` after.
pub(crate) fn address_to_string(
    api: &Winsock,
    addr: SocketAddr,
    size: u32,
) -> (CallResult<String>, u32) {
    let (raw, len) = encode_sockaddr(addr);
    let storage = aligned(&raw[..len]);
    let mut buffer = vec![0u16; size.max(1) as usize];
    let mut room = size;
    // SAFETY: the address holds `len` bytes; the buffer `size` units (at least one).
    let rc = unsafe {
        (api.wsa_address_to_string_w)(
            storage.as_ptr().cast(),
            len as u32,
            ptr::null(),
            buffer.as_mut_ptr(),
            &mut room,
        )
    };
    let end = buffer.iter().position(|&u| u == 0).unwrap_or(buffer.len());
    let result = last_error::int_result(api, rc).map(|()| String::from_utf16_lossy(&buffer[..end]));
    (result, room)
}

/// `WSAConnectByNameW(s, node, service, &local_len, &local, &remote_len, &remote, NULL,
/// NULL)`: the remote address written.
pub(crate) fn connect_by_name(
    api: &Winsock,
    s: SOCKET,
    node: Option<&str>,
    service: Option<&str>,
) -> CallResult<SocketAddr> {
    let (node, service) = (wide(node), wide(service));
    let mut local = [0u64; 16];
    let mut remote = [0u64; 16];
    let (mut local_len, mut remote_len) = (128u32, 128u32);
    // SAFETY: the strings are NUL-terminated or NULL; each address buffer holds 128 bytes,
    // its length says so; the timeout and reserved pointers are NULL.
    let ok = unsafe {
        (api.wsa_connect_by_name_w)(
            s,
            ptr_of(&node),
            ptr_of(&service),
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
