//! `WSADuplicateSocketW` and `WSADuplicateSocketA`: the socket's protocol information with a
//! duplication key, for `WSASocketW`/`WSASocketA` in a target "process" of the same network
//! ([`crate::choices::DUPLICATE_IS_A_SECOND_HANDLE`]).
use windows_sys::Win32::Networking::WinSock::{SOCKET, WSAPROTOCOL_INFOA, WSAPROTOCOL_INFOW};

use crate::model::current::with_current;
use crate::rules::duplication as rules;
use crate::sys::last_error::int_result;
use crate::sys::memory;
use crate::sys::protocol_info::protocol_info;

/// [`WSADuplicateSocketW`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaduplicatesocketw):
/// writes the socket's `WSAPROTOCOL_INFOW` (as `getsockopt(SO_PROTOCOL_INFOW)` reports it)
/// with a duplication key in `dwProviderReserved`; [`crate::sys::WSASocketW`] with it, once,
/// returns a new handle naming the same socket: every call through either acts on the one
/// socket, `closesocket` closes one handle, and the socket closes with its last
/// ([`crate::choices::DUPLICATE_IS_A_SECOND_HANDLE`]). `dwprocessid` is any non-zero id (0
/// is `WSAEINVAL`). Errors: `WSANOTINITIALISED`, `WSAEFAULT` (NULL `lpprotocolinfo`),
/// `WSAEINVAL`, `WSAENOTSOCK`, `WSAENOBUFS` (4096 unused duplications), `WSAEMFILE`.
///
/// ```
/// use winsock_emu::sys::*;
///
/// let net = winsock_emu::Network::new();
/// let _current = net.enter();
/// unsafe {
///     let mut data = WSADATA::default();
///     assert_eq!(WSAStartup(0x0202, &mut data), 0);
///     let s = socket(AF_INET.into(), SOCK_DGRAM, IPPROTO_UDP);
///     let mut info = WSAPROTOCOL_INFOW::default();
///     assert_eq!(WSADuplicateSocketW(s, std::process::id(), &mut info), 0);
///     let shared = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0, 0);
///     assert_ne!(shared, s); // a second handle of the one socket
///     assert_eq!(closesocket(s), 0); // one handle closed: the socket stays
///     assert_eq!((closesocket(s), WSAGetLastError()), (SOCKET_ERROR, WSAENOTSOCK));
///     assert_eq!(closesocket(shared), 0); // the last: the socket closes
///     assert_eq!(net.socket_count(), 0);
///     WSACleanup();
/// }
/// ```
///
/// # Safety
/// `lpprotocolinfo` must be NULL or valid for writes of a `WSAPROTOCOL_INFOW`.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSADuplicateSocketW(
    s: SOCKET,
    dwprocessid: u32,
    lpprotocolinfo: *mut WSAPROTOCOL_INFOW,
) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { duplicate(s, dwprocessid, lpprotocolinfo, |info| info) }
}

/// [`WSADuplicateSocketA`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaduplicatesocketa):
/// [`WSADuplicateSocketW`] writing a `WSAPROTOCOL_INFOA` (`szProtocol` in ANSI), for
/// [`crate::sys::WSASocketA`].
///
/// # Safety
/// `lpprotocolinfo` must be NULL or valid for writes of a `WSAPROTOCOL_INFOA`.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSADuplicateSocketA(
    s: SOCKET,
    dwprocessid: u32,
    lpprotocolinfo: *mut WSAPROTOCOL_INFOA,
) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { duplicate(s, dwprocessid, lpprotocolinfo, ansi) }
}

/// Both forms: the checks, the key, then the structure `form` makes of the wide one.
///
/// # Safety
/// `out` must be NULL or valid for writes of a `T`.
unsafe fn duplicate<T: Copy>(
    s: SOCKET,
    process_id: u32,
    out: *mut T,
    form: impl FnOnce(WSAPROTOCOL_INFOW) -> T,
) -> i32 {
    int_result(with_current(|table| {
        table.require_startup()?;
        rules::protocol_info_buffer_given(!out.is_null())?;
        let (key, kind) = table.duplicate(s, process_id)?;
        let info = WSAPROTOCOL_INFOW {
            dwProviderReserved: key,
            ..protocol_info(kind)
        };
        // SAFETY: non-NULL, and the caller promises room for a `T`.
        unsafe { memory::write(out, form(info)) };
        Ok(())
    }))
}

/// The ANSI form of `info`: the same fields, `szProtocol` narrowed (its names are ASCII).
fn ansi(info: WSAPROTOCOL_INFOW) -> WSAPROTOCOL_INFOA {
    let mut sz_protocol = [0i8; 256];
    for (slot, &unit) in sz_protocol.iter_mut().zip(info.szProtocol.iter()) {
        *slot = u8::try_from(unit).unwrap_or(b'?') as i8;
    }
    WSAPROTOCOL_INFOA {
        dwServiceFlags1: info.dwServiceFlags1,
        dwServiceFlags2: info.dwServiceFlags2,
        dwServiceFlags3: info.dwServiceFlags3,
        dwServiceFlags4: info.dwServiceFlags4,
        dwProviderFlags: info.dwProviderFlags,
        ProviderId: info.ProviderId,
        dwCatalogEntryId: info.dwCatalogEntryId,
        ProtocolChain: info.ProtocolChain,
        iVersion: info.iVersion,
        iAddressFamily: info.iAddressFamily,
        iMaxSockAddr: info.iMaxSockAddr,
        iMinSockAddr: info.iMinSockAddr,
        iSocketType: info.iSocketType,
        iProtocol: info.iProtocol,
        iProtocolMaxOffset: info.iProtocolMaxOffset,
        iNetworkByteOrder: info.iNetworkByteOrder,
        iSecurityScheme: info.iSecurityScheme,
        dwMessageSize: info.dwMessageSize,
        dwProviderReserved: info.dwProviderReserved,
        szProtocol: sz_protocol,
    }
}
