//! `getservbyname` and `getservbyport`: the service table
//! (`model/resolution/services.rs`), answered in the one `SERVENT` each thread owns.
//!
//! "Only one copy of this structure is allocated per thread": each answer replaces the
//! thread's previous one, whose pointers then dangle, as on Windows (the thread's
//! `PROTOENT` and `HOSTENT` are other structures, kept apart). The structure and its
//! strings are separate heap blocks made with `Box::into_raw`, so the pointers handed out
//! stay valid (and Miri-clean) until the next call on the thread, or its end.
use std::cell::RefCell;
use std::ptr;

use windows_sys::core::PCSTR;
use windows_sys::Win32::Networking::WinSock::SERVENT;

use crate::error::{Error, Result};
use crate::model::current::with_current;
use crate::model::resolution::services::{self, ServiceEntry, LONGEST_SERVICE};
use crate::rules;
use crate::sys::last_error::record;
use crate::sys::protoent::c_prefix;

/// The thread's `SERVENT` and the blocks it points to.
struct Storage {
    entry: *mut SERVENT,
    strings: Vec<*mut [u8]>,
    aliases: *mut [*mut i8],
}

impl Storage {
    /// The blocks for `service`: its name, aliases and protocol NUL-terminated, the alias
    /// list ending with NULL, the port in network order.
    fn new(service: ServiceEntry) -> Self {
        let c_string = |text: &str| {
            let mut bytes = text.as_bytes().to_vec();
            bytes.push(0);
            Box::into_raw(bytes.into_boxed_slice())
        };
        let name = c_string(service.name);
        let proto = c_string(service.proto);
        let alias_strings: Vec<*mut [u8]> = service.aliases.iter().map(|a| c_string(a)).collect();
        let list: Vec<*mut i8> = alias_strings
            .iter()
            .map(|alias| alias.cast::<i8>())
            .chain([ptr::null_mut()])
            .collect();
        let aliases = Box::into_raw(list.into_boxed_slice());
        let entry = Box::into_raw(Box::new(SERVENT {
            s_name: name.cast::<u8>(),
            s_aliases: aliases.cast::<*mut i8>(),
            s_proto: proto.cast::<u8>(),
            s_port: service.port.to_be() as i16,
        }));
        let mut strings = vec![name, proto];
        strings.extend(alias_strings);
        Self {
            entry,
            strings,
            aliases,
        }
    }
}

impl Drop for Storage {
    fn drop(&mut self) {
        // SAFETY: each block came from `Box::into_raw` in `new` and is freed once, here.
        unsafe {
            drop(Box::from_raw(self.entry));
            drop(Box::from_raw(self.aliases));
            for string in self.strings.drain(..) {
                drop(Box::from_raw(string));
            }
        }
    }
}

thread_local! {
    /// The thread's answer, until the next one.
    static ANSWER: RefCell<Option<Storage>> = const { RefCell::new(None) };
}

/// The pointer convention of both calls: the entry, or NULL with the last error set.
fn entry_result(result: Result<ServiceEntry>) -> *mut SERVENT {
    match result {
        Ok(service) => {
            let storage = Storage::new(service);
            let entry = storage.entry;
            ANSWER.with(|answer| *answer.borrow_mut() = Some(storage));
            entry
        }
        Err(error) => {
            record(error);
            ptr::null_mut()
        }
    }
}

/// The `proto` argument: `None` for NULL.
///
/// # Safety
/// `proto` must be NULL or a NUL-terminated string.
unsafe fn proto_arg(proto: PCSTR) -> Option<Vec<u8>> {
    // SAFETY: forwarded from the caller; "tcp" and "udp" are 3 bytes.
    (!proto.is_null()).then(|| unsafe { c_prefix(proto, 3) })
}

/// [`getservbyname`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-getservbyname):
/// the service whose name or alias is `name`, for the protocol `proto` (`"tcp"` or
/// `"udp"`; NULL: the first entry of the name), in the thread's one `SERVENT`, `s_port` in
/// network byte order ([`crate::choices::SERVICE_DATABASE`]). Returns NULL with
/// `WSANOTINITIALISED`, `WSAEFAULT` (`name` is NULL) or `WSANO_DATA` (no such service).
///
/// ```
/// use winsock_emu::sys::*;
/// let net = winsock_emu::Network::new();
/// let _current = net.enter();
/// unsafe {
///     let mut data = WSADATA::default();
///     assert_eq!(WSAStartup(0x0202, &mut data), 0);
///     let http = getservbyname(c"http".as_ptr().cast(), c"tcp".as_ptr().cast());
///     assert_eq!(u16::from_be((*http).s_port as u16), 80);
///     WSACleanup();
/// }
/// ```
///
/// # Safety
/// `name` and `proto` must be NULL or NUL-terminated strings. The result is valid until the
/// thread's next `getservbyname` or `getservbyport`, and must not be written to.
pub unsafe extern "system" fn getservbyname(name: PCSTR, proto: PCSTR) -> *mut SERVENT {
    entry_result(with_current(|table| {
        table.require_startup()?;
        rules::pointer_is_present(name.is_null())?;
        // SAFETY: forwarded from the caller.
        let (name, proto) = unsafe { (c_prefix(name, LONGEST_SERVICE), proto_arg(proto)) };
        services::service_by_name(&name, proto.as_deref()).ok_or(Error::NoData)
    }))
}

/// [`getservbyport`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-getservbyport):
/// the service at `port` (network byte order, in the low 16 bits) for `proto`, as
/// [`getservbyname`]. Returns NULL with `WSANOTINITIALISED` or `WSANO_DATA`.
///
/// # Safety
/// `proto` must be NULL or a NUL-terminated string; the result is valid as for
/// [`getservbyname`].
pub unsafe extern "system" fn getservbyport(port: i32, proto: PCSTR) -> *mut SERVENT {
    entry_result(with_current(|table| {
        table.require_startup()?;
        // SAFETY: forwarded from the caller.
        let proto = unsafe { proto_arg(proto) };
        let port = u16::from_be(port as u16);
        services::service_by_port(port, proto.as_deref()).ok_or(Error::NoData)
    }))
}
