//! The older interfaces: `gethostbyname`, `gethostbyaddr` (each with one `HOSTENT` per
//! thread) and `gethostname`, `GetHostNameW`.
use std::cell::Cell;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::ptr;

use windows_sys::core::{PCSTR, PSTR, PWSTR};
use windows_sys::Win32::Networking::WinSock::{
    AF_INET, AF_INET6, AI_CANONNAME, HOSTENT, NI_NAMEREQD,
};

use super::super::last_error::{int_result, record};
use super::TextUnit;
use crate::error::{Error, Result};
use crate::model::current::with_current;
use crate::model::resolution::addrinfo::{Hints, Query};

/// A `HOSTENT` and the memory it points into.
struct HostBlock {
    hostent: HOSTENT,
    name: Vec<u8>,
    aliases: Vec<*mut i8>,
    addrs: Vec<[u8; 16]>,
    addr_list: Vec<*mut i8>,
}

/// The calling thread's `HOSTENT`, replaced by its next call and freed when it ends.
struct ThreadHostent(Cell<*mut HostBlock>);

impl Drop for ThreadHostent {
    fn drop(&mut self) {
        release(self.0.replace(ptr::null_mut()));
    }
}

thread_local! {
    static HOSTENT_OF_THREAD: ThreadHostent = const { ThreadHostent(Cell::new(ptr::null_mut())) };
}

/// Frees a block made by [`publish`] (NULL: nothing).
fn release(block: *mut HostBlock) {
    if !block.is_null() {
        // SAFETY: made by `Box::into_raw` in `publish`, and released once, when replaced.
        drop(unsafe { Box::from_raw(block) });
    }
}

/// Makes the thread's `HOSTENT` describe `name` and `addrs` (all of `family`), freeing the
/// previous one ([`crate::choices::PER_THREAD_RESULTS`]), and returns it.
fn publish(name: &str, family: u16, addrs: &[IpAddr]) -> *mut HOSTENT {
    let mut name = name.as_bytes().to_vec();
    name.push(0);
    let mut block = Box::new(HostBlock {
        hostent: HOSTENT::default(),
        name,
        aliases: vec![ptr::null_mut()],
        addrs: addrs
            .iter()
            .map(|ip| {
                let mut raw = [0u8; 16];
                match ip {
                    IpAddr::V4(v4) => raw[..4].copy_from_slice(&v4.octets()),
                    IpAddr::V6(v6) => raw.copy_from_slice(&v6.octets()),
                }
                raw
            })
            .collect(),
        addr_list: Vec::new(),
    });
    let addr_base = block.addrs.as_mut_ptr();
    block.addr_list = (0..addrs.len())
        .map(|i| addr_base.wrapping_add(i).cast::<i8>())
        .chain([ptr::null_mut()])
        .collect();
    block.hostent = HOSTENT {
        h_name: block.name.as_mut_ptr(),
        h_aliases: block.aliases.as_mut_ptr(),
        h_addrtype: family as i16,
        h_length: if family == AF_INET { 4 } else { 16 },
        h_addr_list: block.addr_list.as_mut_ptr(),
    };
    let block = Box::into_raw(block);
    HOSTENT_OF_THREAD.with(|slot| release(slot.0.replace(block)));
    // SAFETY: `block` is live until this thread's next call replaces it.
    unsafe { ptr::addr_of_mut!((*block).hostent) }
}

/// The pointer convention of the `HOSTENT` functions: the thread's `HOSTENT`, or NULL with
/// the last error set.
fn hostent_result(result: Result<*mut HOSTENT>) -> *mut HOSTENT {
    result.unwrap_or_else(|error| {
        record(error);
        ptr::null_mut()
    })
}

/// [`gethostbyname`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-gethostbyname):
/// the IPv4 addresses of a name, as `getaddrinfo` with `AF_INET` finds them (a dotted
/// address is itself; NULL and `""` are the machine), in the calling thread's `HOSTENT`,
/// which its next `gethostbyname` or `gethostbyaddr` replaces. NULL on failure, with
/// `WSANOTINITIALISED`, `WSAHOST_NOT_FOUND`, `WSANO_DATA` (no IPv4 address) or
/// `WSATRY_AGAIN` as the last error.
///
/// # Safety
/// `name` must be NULL or a NUL-terminated string. The result is valid until the thread's
/// next call of either function, and must not be freed.
pub unsafe extern "system" fn gethostbyname(name: PCSTR) -> *mut HOSTENT {
    hostent_result(with_current(|table| {
        table.require_startup()?;
        // SAFETY: forwarded from the caller.
        let name = unsafe { super::string_arg(name, Error::HostNotFound)? }
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| table.machine_name());
        let hints = Hints {
            flags: AI_CANONNAME,
            family: AF_INET.into(),
            ..Hints::default()
        };
        let found = table.get_addr_info(Query {
            node: Some(&name),
            service: None,
            hints: Some(hints),
        })?;
        let addrs: Vec<IpAddr> = found.entries.iter().map(|entry| entry.addr.ip()).collect();
        Ok(publish(
            found.canonical.as_deref().unwrap_or(&name),
            AF_INET,
            &addrs,
        ))
    }))
}

/// [`gethostbyaddr`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-gethostbyaddr):
/// the name of the host at an address (4 bytes for `AF_INET`, 16 for `AF_INET6`, in network
/// order), as `getnameinfo` with `NI_NAMEREQD` finds it, in the thread's `HOSTENT` as for
/// [`gethostbyname`]. NULL on failure: `WSANOTINITIALISED`; `WSAEFAULT` (NULL address, or
/// `len` too small for `type`); `WSAEAFNOSUPPORT` (another type); `WSAHOST_NOT_FOUND`.
///
/// # Safety
/// `addr` must be NULL or readable for `len` bytes. The result is as [`gethostbyname`]'s.
pub unsafe extern "system" fn gethostbyaddr(addr: PCSTR, len: i32, r#type: i32) -> *mut HOSTENT {
    hostent_result(with_current(|table| {
        table.require_startup()?;
        if addr.is_null() {
            return Err(Error::Fault);
        }
        let family = match u16::try_from(r#type) {
            Ok(f @ (AF_INET | AF_INET6)) => f,
            _ => return Err(Error::AddressFamilyNotSupported),
        };
        let needed = if family == AF_INET { 4 } else { 16 };
        if len < needed {
            return Err(Error::Fault);
        }
        let mut raw = [0u8; 16];
        // SAFETY: `len >= needed` bytes are readable at `addr`, as the caller promises.
        unsafe { ptr::copy_nonoverlapping(addr, raw.as_mut_ptr(), needed as usize) };
        let ip = if family == AF_INET {
            IpAddr::V4(Ipv4Addr::new(raw[0], raw[1], raw[2], raw[3]))
        } else {
            IpAddr::V6(Ipv6Addr::from(raw))
        };
        let (name, _) = table.get_name_info(SocketAddr::new(ip, 0), true, false, NI_NAMEREQD)?;
        Ok(publish(&name.unwrap_or_default(), family, &[ip]))
    }))
}

/// `gethostname` for either unit.
///
/// # Safety
/// As [`gethostname`], for `C` units.
unsafe fn host_name<C: TextUnit>(name: *mut C, namelen: i32) -> i32 {
    int_result(with_current(|table| {
        let machine = table.host_name()?;
        if name.is_null() {
            return Err(Error::Fault);
        }
        let room = usize::try_from(namelen).unwrap_or(0);
        // SAFETY: `namelen` units are writable at `name`, as the caller promises.
        unsafe { super::write_text(name, room, &machine) }.map(drop)
    }))
}

/// [`gethostname`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-gethostname):
/// the current network's machine name ([`crate::Network::set_machine_name`]) and a NUL.
/// Errors: `WSANOTINITIALISED`; `WSAEFAULT` for a NULL buffer, or a `namelen` that leaves no
/// room for the NUL (the buffer is then untouched).
///
/// # Safety
/// `name` must be NULL or writable for `namelen` bytes.
pub unsafe extern "system" fn gethostname(name: PSTR, namelen: i32) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { host_name(name, namelen) }
}

/// [`GetHostNameW`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-gethostnamew):
/// [`gethostname`] into a UTF-16 buffer of `namelen` characters.
///
/// # Safety
/// `name` must be NULL or writable for `namelen` UTF-16 units.
#[allow(non_snake_case)]
pub unsafe extern "system" fn GetHostNameW(name: PWSTR, namelen: i32) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { host_name(name, namelen) }
}
