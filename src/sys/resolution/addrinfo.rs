//! `getaddrinfo`, `GetAddrInfoW`, `freeaddrinfo` and `FreeAddrInfoW`.
use std::ptr;

use windows_sys::core::{PCSTR, PCWSTR};
use windows_sys::Win32::Networking::WinSock::{ADDRINFOA, ADDRINFOW};

use super::super::last_error::{record, record_code};
use super::super::memory;
use super::lists::{self, Node};
use crate::error::{Error, Result};
use crate::model::current::current;
use crate::model::resolution::addrinfo::Query;

/// `getaddrinfo` for either node type.
///
/// # Safety
/// As [`getaddrinfo`], for `N`'s strings and nodes.
unsafe fn get<N: Node>(
    node: *const N::Unit,
    service: *const N::Unit,
    hints: *const N,
    result: *mut *mut N,
) -> i32 {
    let table = current();
    let outcome = (|| -> Result<*mut N> {
        if result.is_null() {
            return Err(Error::Fault);
        }
        // SAFETY: non-NULL; the caller promises a writable pointer there.
        unsafe { memory::write(result, ptr::null_mut()) };
        // SAFETY: forwarded from the caller.
        let node_text = unsafe { super::string_arg(node, Error::HostNotFound)? };
        // SAFETY: forwarded from the caller.
        let service_text = unsafe { super::string_arg(service, Error::TypeNotFound)? };
        // SAFETY: non-NULL hints are a readable node, as the caller promises.
        let hints = (!hints.is_null()).then(|| unsafe { memory::read(hints) }.hints());
        let found = table.get_addr_info(Query {
            node: node_text.as_deref(),
            service: service_text.as_deref(),
            hints,
        })?;
        let description = node_text
            .as_deref()
            .map_or("NULL".to_owned(), |n| format!("{n:?}"));
        Ok(lists::hand_out::<N>(&found, &table, &description))
    })();
    match outcome {
        Ok(head) => {
            // SAFETY: checked non-NULL above.
            unsafe { memory::write(result, head) };
            record_code(0);
            0
        }
        Err(error) => {
            record(error);
            error.code()
        }
    }
}

/// [`getaddrinfo`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-getaddrinfo):
/// resolves a node and a service through the current network's resolver into a list of
/// `ADDRINFOA` nodes, which [`freeaddrinfo`] frees. Returns 0 (and sets the last error to
/// 0) or the error code itself (and sets it): `WSANOTINITIALISED`; `WSAHOST_NOT_FOUND` for
/// an unknown name, a name with `AI_NUMERICHOST`, or NULL node and service;
/// `WSATYPE_NOT_FOUND` for an unknown service; `WSAEAFNOSUPPORT`, `WSAESOCKTNOSUPPORT`,
/// `WSAEINVAL` (flags), `WSANO_RECOVERY` (hints whose last four members are set, or
/// `AI_CANONNAME` without a node), `WSANO_DATA` (the name has no address of the family),
/// `WSATRY_AGAIN` (an injected temporary failure). `*ppresult` is NULL on failure.
///
/// Nodes: NULL is the wildcard addresses with `AI_PASSIVE`, else loopback; a numeric
/// address is itself; `localhost`, `""`, `..localmachine`, the machine name and declared
/// hosts resolve ([`crate::choices::LOCAL_NAMES`]). Each node echoes the hinted
/// `ai_socktype` and `ai_protocol`; `ai_flags` is 0; the first holds the canonical name with
/// `AI_CANONNAME`.
///
/// ```
/// use std::ptr;
/// use winsock_emu::sys::*;
/// use winsock_emu::Network;
///
/// let net = Network::new();
/// net.add_host("server.contoso.com", ["192.0.2.10".parse().unwrap()]);
/// let _current = net.enter();
/// let _wsa = net.startup()?;
/// let hints = ADDRINFOA { ai_family: AF_INET.into(), ai_socktype: SOCK_STREAM, ..Default::default() };
/// let mut list: *mut ADDRINFOA = ptr::null_mut();
/// unsafe {
///     let rc = getaddrinfo(c"server.contoso.com".as_ptr().cast(), c"27015".as_ptr().cast(), &hints, &mut list);
///     assert_eq!(rc, 0);
///     let addr = *(*list).ai_addr.cast::<SOCKADDR_IN>();
///     assert_eq!(ntohs(addr.sin_port), 27015);
///     freeaddrinfo(list);
/// }
/// # Ok::<(), winsock_emu::Error>(())
/// ```
///
/// # Safety
/// `pnodename` and `pservicename` must be NULL or NUL-terminated strings; `phints` NULL or
/// a readable `ADDRINFOA`; `ppresult` NULL or writable.
pub unsafe extern "system" fn getaddrinfo(
    pnodename: PCSTR,
    pservicename: PCSTR,
    phints: *const ADDRINFOA,
    ppresult: *mut *mut ADDRINFOA,
) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { get(pnodename, pservicename, phints, ppresult) }
}

/// [`GetAddrInfoW`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-getaddrinfow):
/// [`getaddrinfo`] with UTF-16 strings and `ADDRINFOW` nodes, freed by [`FreeAddrInfoW`].
///
/// # Safety
/// As [`getaddrinfo`], for UTF-16 strings and `ADDRINFOW`.
#[allow(non_snake_case)]
pub unsafe extern "system" fn GetAddrInfoW(
    pnodename: PCWSTR,
    pservicename: PCWSTR,
    phints: *const ADDRINFOW,
    ppresult: *mut *mut ADDRINFOW,
) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { get(pnodename, pservicename, phints, ppresult) }
}

/// [`freeaddrinfo`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-freeaddrinfo):
/// frees a list [`getaddrinfo`] returned, given its first node; NULL does nothing. A
/// pointer that is no live list of [`getaddrinfo`] (never handed out, freed already, a node
/// inside a list, one of [`GetAddrInfoW`]) is recorded and ignored, never freed: strict
/// mode reports it ([`crate::testing::ADDRINFO_FREED_TWICE`];
/// [`crate::choices::ADDRINFO_LISTS`]). The pointer is never read.
///
/// # Safety
/// None: the pointer is only compared with those handed out. Declared `unsafe extern
/// "system"` to match windows-sys's signature.
pub unsafe extern "system" fn freeaddrinfo(paddrinfo: *const ADDRINFOA) {
    lists::free(paddrinfo, &current());
}

/// [`FreeAddrInfoW`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-freeaddrinfow):
/// [`freeaddrinfo`] for the lists of [`GetAddrInfoW`].
///
/// # Safety
/// None, as [`freeaddrinfo`].
#[allow(non_snake_case)]
pub unsafe extern "system" fn FreeAddrInfoW(paddrinfo: *const ADDRINFOW) {
    lists::free(paddrinfo, &current());
}
