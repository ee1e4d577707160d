//! The protocol catalogue's C face: `WSAEnumProtocolsA`, `WSAEnumProtocolsW`, and
//! `WSASocketA`/`WSASocketW` with a `WSAPROTOCOL_INFO` (both forms share one body: the two
//! structures differ only in `szProtocol`).
use windows_sys::core::GUID;
use windows_sys::Win32::Networking::WinSock::{
    BASE_PROTOCOL, BIGENDIAN, FROM_PROTOCOL_INFO, PFL_MATCHES_PROTOCOL_ZERO,
    SECURITY_PROTOCOL_NONE, SOCKET, SOCKET_ERROR, WSAPROTOCOLCHAIN, WSAPROTOCOL_INFOA,
    WSAPROTOCOL_INFOW, WSAPROTOCOL_LEN, WSA_FLAG_OVERLAPPED,
};

use crate::error::{Error, Result};
use crate::model::catalog::{self, ProtocolEntry};
use crate::model::current::with_current;
use crate::rules;
use crate::rules::catalog as catalog_rules;
use crate::sys::last_error::{record, socket_result};
use crate::sys::memory;

/// The emulator's provider GUID, `7773656d-7072-4f76-8000-000000000001`, for every entry
/// ([`crate::choices::PROTOCOL_INFO_FIELDS`]).
const PROVIDER_ID: GUID = GUID {
    data1: 0x7773_656d,
    data2: 0x7072,
    data3: 0x4f76,
    data4: [0x80, 0, 0, 0, 0, 0, 0, 1],
};

/// What the A and W forms of `WSAPROTOCOL_INFO` have in common here.
pub(in crate::sys) trait ProtocolInfo: Copy {
    /// The structure describing `entry`.
    fn describe(entry: &ProtocolEntry) -> Self;
    /// (`dwCatalogEntryId`, `dwProviderReserved`, `iAddressFamily`, `iSocketType`,
    /// `iProtocol`).
    fn request(&self) -> (u32, u32, i32, i32, i32);
}

/// Declares [`ProtocolInfo`] for one form, whose `szProtocol` holds units of `$unit`.
macro_rules! protocol_info {
    ($info:ty, $unit:ty) => {
        impl ProtocolInfo for $info {
            fn describe(entry: &ProtocolEntry) -> Self {
                let mut info: $info = Default::default();
                info.dwServiceFlags1 = entry.service_flags;
                info.dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO;
                info.ProviderId = PROVIDER_ID;
                info.dwCatalogEntryId = entry.catalog_id;
                info.ProtocolChain = WSAPROTOCOLCHAIN {
                    ChainLen: BASE_PROTOCOL as i32,
                    ChainEntries: [0; 7],
                };
                info.iVersion = 2;
                info.iAddressFamily = entry.family.into();
                info.iMinSockAddr = entry.sockaddr.0;
                info.iMaxSockAddr = entry.sockaddr.1;
                info.iSocketType = entry.socket_type;
                info.iProtocol = entry.protocol;
                info.iProtocolMaxOffset = entry.max_offset;
                info.iNetworkByteOrder = BIGENDIAN as i32;
                info.iSecurityScheme = SECURITY_PROTOCOL_NONE as i32;
                info.dwMessageSize = entry.message_size;
                let name = entry.name.bytes().take(WSAPROTOCOL_LEN as usize);
                for (slot, byte) in info.szProtocol.iter_mut().zip(name) {
                    *slot = byte as $unit;
                }
                info
            }

            fn request(&self) -> (u32, u32, i32, i32, i32) {
                (
                    self.dwCatalogEntryId,
                    self.dwProviderReserved,
                    self.iAddressFamily,
                    self.iSocketType,
                    self.iProtocol,
                )
            }
        }
    };
}

protocol_info!(WSAPROTOCOL_INFOA, i8);
protocol_info!(WSAPROTOCOL_INFOW, u16);

/// The protocol numbers of a 0-terminated `lpiProtocols` array, or `None` for NULL: read
/// up to its terminator, as the page defines the array.
///
/// # Safety
/// `protocols` must be NULL or point to a readable array of `i32` ending with 0.
unsafe fn protocol_filter(protocols: *const i32) -> Option<Vec<i32>> {
    if protocols.is_null() {
        return None;
    }
    let mut wanted = Vec::new();
    for index in 0.. {
        // SAFETY: the caller promises a readable array up to and including its 0.
        let value = unsafe { memory::read(protocols.add(index)) };
        if value == 0 {
            break;
        }
        wanted.push(value);
    }
    Some(wanted)
}

/// `WSAEnumProtocols`, either form: the catalogue entries (those whose `iProtocol` is in
/// `protocols`, when given) written to `buffer`, returning how many; `WSAENOBUFS` with
/// `*length` set to the bytes needed when `buffer` is NULL or `*length` is smaller.
///
/// # Safety
/// As [`WSAEnumProtocolsW`].
unsafe fn enum_protocols<T: ProtocolInfo>(
    protocols: *const i32,
    buffer: *mut T,
    length: *mut u32,
) -> i32 {
    let result = with_current(|table| {
        table.require_startup()?;
        rules::pointer_is_present(length.is_null())?;
        // SAFETY: forwarded from the caller.
        let filter = unsafe { protocol_filter(protocols) };
        let entries = catalog::entries(filter.as_deref());
        let needed = u32::try_from(entries.len() * std::mem::size_of::<T>())
            .map_err(|_| Error::NoBufferSpace)?;
        // SAFETY: non-NULL, and the caller promises a readable and writable u32.
        let given = unsafe { memory::read(length) };
        if let Err(error) =
            catalog_rules::protocol_buffer_holds_every_entry(!buffer.is_null(), given, needed)
        {
            // SAFETY: as above.
            unsafe { memory::write(length, needed) };
            return Err(error);
        }
        for (index, entry) in entries.iter().enumerate() {
            // SAFETY: the caller promises `*length` writable bytes at `buffer`, and
            // `index` entries fit in `needed <= *length` of them.
            unsafe { memory::write(buffer.add(index), T::describe(entry)) };
        }
        Ok(entries.len() as i32)
    });
    result.unwrap_or_else(|error| {
        record(error);
        SOCKET_ERROR
    })
}

/// [`WSAEnumProtocolsW`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaenumprotocolsw):
/// the emulated catalogue's transport protocols ([`crate::choices::SOCKET_CATALOG`]), as
/// `WSAPROTOCOL_INFOW` structures in catalogue order; with `lpiprotocols` (a
/// 0-terminated array), only the entries whose `iProtocol` it lists. Returns how many were
/// written, or `SOCKET_ERROR` with:
///
/// - `WSANOTINITIALISED`; `WSAEFAULT`: `lpdwbufferlength` is NULL;
/// - `WSAENOBUFS`: `lpprotocolbuffer` is NULL or `*lpdwbufferlength` is smaller than every
///   requested entry needs; `*lpdwbufferlength` is then set to that size.
///
/// # Safety
/// `lpiprotocols` must be NULL or a readable 0-terminated array; `lpdwbufferlength` NULL or
/// valid for reads and writes of a `u32`; `lpprotocolbuffer` NULL or valid for writes of
/// `*lpdwbufferlength` bytes.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAEnumProtocolsW(
    lpiprotocols: *const i32,
    lpprotocolbuffer: *mut WSAPROTOCOL_INFOW,
    lpdwbufferlength: *mut u32,
) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { enum_protocols(lpiprotocols, lpprotocolbuffer, lpdwbufferlength) }
}

/// [`WSAEnumProtocolsA`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaenumprotocolsa):
/// [`WSAEnumProtocolsW`] with `WSAPROTOCOL_INFOA` structures (`szProtocol` in ANSI).
///
/// # Safety
/// As [`WSAEnumProtocolsW`].
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAEnumProtocolsA(
    lpiprotocols: *const i32,
    lpprotocolbuffer: *mut WSAPROTOCOL_INFOA,
    lpdwbufferlength: *mut u32,
) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { enum_protocols(lpiprotocols, lpprotocolbuffer, lpdwbufferlength) }
}

/// `WSASocket`, either form: with `info`, the socket is made by the catalogue entry it
/// names (`af`, `type`, `protocol` each `FROM_PROTOCOL_INFO` take the structure's values),
/// or, from `WSADuplicateSocket` (a non-zero `dwProviderReserved`), it is the duplicated
/// socket ([`crate::choices::DUPLICATE_IS_A_SECOND_HANDLE`]); without, as `socket`. A
/// non-zero group is `WSAEINVAL`.
///
/// # Safety
/// `info` must be NULL or valid for reads of a `T`.
pub(in crate::sys) unsafe fn wsa_socket<T: ProtocolInfo>(
    af: i32,
    r#type: i32,
    protocol: i32,
    info: *const T,
    g: u32,
    flags: u32,
) -> SOCKET {
    let overlapped = flags & WSA_FLAG_OVERLAPPED != 0;
    socket_result(with_current(|table| {
        table.require_startup()?;
        if g != 0 {
            // Socket groups are not emulated ([`crate::choices::UNEMULATED_ARGUMENTS`]).
            return Err(Error::Invalid);
        }
        let (af, r#type, protocol) = if info.is_null() {
            (af, r#type, protocol)
        } else {
            // SAFETY: non-NULL, and the caller promises a readable structure.
            let request = unsafe { memory::read(info) }.request();
            let duplication_key = request.1;
            if duplication_key != 0 {
                return table.open_duplicate(duplication_key);
            }
            from_protocol_info((af, r#type, protocol), request)?
        };
        table.create(af, r#type, protocol, overlapped)
    }))
}

/// The socket triple a `WSAPROTOCOL_INFO` request gives `socket()`
/// ([`crate::choices::WSASOCKET_PROTOCOL_INFO`]): `af`, `type` and `protocol` that are
/// `FROM_PROTOCOL_INFO` or 0 take the structure's values, as on Windows (sock.c
/// `test_WSASocket`). The caller has taken structures from `WSADuplicateSocket` (non-zero
/// `dwProviderReserved`) aside.
fn from_protocol_info(
    (af, r#type, protocol): (i32, i32, i32),
    (catalog_id, _, info_af, info_type, info_protocol): (u32, u32, i32, i32, i32),
) -> Result<(i32, i32, i32)> {
    let pick = |given: i32, from_info: i32| {
        if given == FROM_PROTOCOL_INFO || given == 0 {
            from_info
        } else {
            given
        }
    };
    let af = pick(af, info_af);
    catalog::check_entry(catalog_id, af)?;
    Ok((af, pick(r#type, info_type), pick(protocol, info_protocol)))
}

/// [`WSASocketA`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsasocketa):
/// [`crate::sys::WSASocketW`] with a `WSAPROTOCOL_INFOA`.
///
/// # Safety
/// `lpprotocolinfo` must be NULL or valid for reads of a `WSAPROTOCOL_INFOA`.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSASocketA(
    af: i32,
    r#type: i32,
    protocol: i32,
    lpprotocolinfo: *const WSAPROTOCOL_INFOA,
    g: u32,
    dwflags: u32,
) -> SOCKET {
    // SAFETY: forwarded from the caller.
    unsafe { wsa_socket(af, r#type, protocol, lpprotocolinfo, g, dwflags) }
}

#[cfg(test)]
mod tests {
    use core::mem::{offset_of, size_of};

    use super::*;

    #[test]
    fn layouts_are_windows_sys_s() {
        assert_eq!(size_of::<WSAPROTOCOL_INFOW>(), 628);
        assert_eq!(size_of::<WSAPROTOCOL_INFOA>(), 372);
        assert_eq!(offset_of!(WSAPROTOCOL_INFOW, dwCatalogEntryId), 36);
        assert_eq!(offset_of!(WSAPROTOCOL_INFOW, szProtocol), 116);
    }

    #[test]
    fn both_forms_describe_an_entry_alike() {
        let entry = catalog::entries(None)[0];
        let wide = WSAPROTOCOL_INFOW::describe(&entry);
        let ansi = WSAPROTOCOL_INFOA::describe(&entry);
        assert_eq!(wide.request(), ansi.request());
        let name: String = wide
            .szProtocol
            .iter()
            .take_while(|&&u| u != 0)
            .map(|&u| u as u8 as char)
            .collect();
        assert_eq!(name, "MSAFD Tcpip [TCP/IP]");
        assert_eq!(ansi.szProtocol[0] as u8, b'M');
        assert_eq!(wide.ProtocolChain.ChainLen, 1);
    }
}
