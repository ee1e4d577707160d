//! Names and addresses: the resolver's C functions and the address helpers.
//!
//! | file | functions |
//! | --- | --- |
//! | `byte_order.rs` | `htons`, `ntohs`, `htonl`, `ntohl`, `WSAHtons`, `WSANtohs`, `WSAHtonl`, `WSANtohl` |
//! | `text.rs` | `inet_pton`, `InetPtonW`, `inet_ntop`, `InetNtopW`, `inet_addr`, `inet_ntoa` |
//! | `address_string.rs` | `WSAStringToAddressA`/`W`, `WSAAddressToStringA`/`W` |
//! | `addrinfo.rs` | `getaddrinfo`, `GetAddrInfoW`, `freeaddrinfo`, `FreeAddrInfoW` |
//! | `addrinfo_ex.rs` | `GetAddrInfoExW`, `FreeAddrInfoExW`, `GetAddrInfoExCancel`, `GetAddrInfoExOverlappedResult` |
//! | `lists.rs` | the `ADDRINFO` lists handed out, and their registry |
//! | `nameinfo.rs` | `getnameinfo`, `GetNameInfoW` |
//! | `hostent.rs` | `gethostbyname`, `gethostbyaddr`, `gethostname`, `GetHostNameW` |
//! | `connect_by_name.rs` | `WSAConnectByNameW`, `WSAConnectByNameA` |
//! | `connect_by_list.rs` | `WSAConnectByList` |
//!
//! Each pair of `A` and `W` functions is one generic function over the string's unit
//! ([`TextUnit`]: bytes or UTF-16 units), so the two cannot drift apart.

pub(super) mod address_string;
pub(super) mod addrinfo;
pub(super) mod addrinfo_ex;
pub(super) mod byte_order;
pub(super) mod connect_by_list;
pub(super) mod connect_by_name;
pub(super) mod hostent;
mod lists;
pub(super) mod nameinfo;
pub(super) mod text;

use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::{AF_INET, AF_INET6, SOCKADDR};

use super::memory;
use crate::error::{Error, Result};
use crate::wire::{decode_sockaddr, PeerAddress};

/// The unit of a string argument: `u8` for the `A` functions (read as UTF-8, which ASCII
/// is), `u16` for the `W` ones (UTF-16).
pub(crate) trait TextUnit: Copy + Default + PartialEq + 'static {
    /// The units as text; `None` when they are not valid in their encoding.
    fn decode(units: &[Self]) -> Option<String>;
    /// `text` as units, without a NUL.
    fn encode(text: &str) -> Vec<Self>;
}

impl TextUnit for u8 {
    fn decode(units: &[u8]) -> Option<String> {
        String::from_utf8(units.to_vec()).ok()
    }

    fn encode(text: &str) -> Vec<u8> {
        text.as_bytes().to_vec()
    }
}

impl TextUnit for u16 {
    fn decode(units: &[u16]) -> Option<String> {
        String::from_utf16(units).ok()
    }

    fn encode(text: &str) -> Vec<u16> {
        text.encode_utf16().collect()
    }
}

/// A string argument read and decoded: `Ok(None)` for NULL, `Err(invalid)` for text that is
/// not valid in its encoding.
///
/// # Safety
/// As [`memory::c_string`].
unsafe fn string_arg<C: TextUnit>(ptr: *const C, invalid: Error) -> Result<Option<String>> {
    // SAFETY: forwarded from the caller.
    match unsafe { memory::c_string(ptr) } {
        None => Ok(None),
        Some(units) => C::decode(units).map(Some).ok_or(invalid),
    }
}

/// `text` and a NUL, written to the caller's buffer of `room` units when it fits
/// (`WSAEFAULT` otherwise, nothing written): how many units were written, with the NUL.
///
/// # Safety
/// `buffer` must be NULL or valid for writes of `room` `C`s.
unsafe fn write_text<C: TextUnit>(buffer: *mut C, room: usize, text: &str) -> Result<usize> {
    let mut units = C::encode(text);
    units.push(C::default());
    crate::rules::resolution::buffer_holds(units.len(), room)?;
    if buffer.is_null() {
        return Err(Error::Fault);
    }
    // SAFETY: `units.len() <= room` units are writable, as the caller promises.
    unsafe { memory::write_units(buffer, &units) };
    Ok(units.len())
}

/// An IP socket address argument (`SOCKADDR_IN` or `SOCKADDR_IN6`): NULL, or a length that
/// cannot hold its family's form, is `WSAEFAULT`; any other family is `WSAEAFNOSUPPORT`.
///
/// # Safety
/// As [`memory::sockaddr`].
unsafe fn ip_sockaddr(ptr: *const SOCKADDR, len: i64) -> Result<SocketAddr> {
    // SAFETY: forwarded from the caller.
    let crate::model::AddrArg::Bytes(bytes) = (unsafe { memory::sockaddr(ptr, len) }) else {
        return Err(Error::Fault);
    };
    let family = bytes.get(..2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    match family {
        Some(AF_INET | AF_INET6) => match decode_sockaddr(bytes) {
            Ok(PeerAddress::Ip(addr)) => Ok(addr),
            _ => Err(Error::Fault),
        },
        Some(_) => Err(Error::AddressFamilyNotSupported),
        None => Err(Error::Fault),
    }
}
