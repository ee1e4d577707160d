//! The documented rules of name resolution and the address helpers, one function each.
//!
//! Sources: [getaddrinfo], [getnameinfo], [gethostname], [inet_pton], [inet_ntop],
//! [WSAStringToAddressW], [WSAAddressToStringW], [WSAConnectByNameW]; where a page is silent,
//! what Wine's `dlls/ws2_32/tests/protocol.c` records Windows doing.
//!
//! [getaddrinfo]: https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-getaddrinfo
//! [getnameinfo]: https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-getnameinfo
//! [gethostname]: https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-gethostname
//! [inet_pton]: https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-inet_pton
//! [inet_ntop]: https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-inet_ntop
//! [WSAStringToAddressW]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsastringtoaddressw
//! [WSAAddressToStringW]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaaddresstostringw
//! [WSAConnectByNameW]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaconnectbynamew
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    AF_INET, AF_INET6, AF_UNSPEC, AI_CANONNAME, AI_FQDN, AI_NUMERICHOST,
};

use crate::error::{Error, Result};

/// `EAI_NONAME` (`WSAHOST_NOT_FOUND`): "the pNodeName and pServiceName parameters were both
/// NULL" is one of its causes. Source: getaddrinfo, Return value; Wine's `test_getaddrinfo`
/// (`getaddrinfo(NULL, NULL, NULL, &res)` gives 11001).
pub fn node_or_service_given(node: bool, service: bool) -> Result<()> {
    if !node && !service {
        return Err(Error::HostNotFound);
    }
    Ok(())
}

/// `EAI_FAIL` (`WSANO_RECOVERY`): "the ai_addrlen, ai_canonname, ai_addr, and ai_next members
/// of the addrinfo structure pointed to by the pHints parameter must be zero or NULL".
/// Source: getaddrinfo, Remarks (the hints).
pub fn hints_tail_is_zero(tail_set: bool) -> Result<()> {
    if tail_set {
        return Err(Error::NoRecovery);
    }
    Ok(())
}

/// `EAI_BADFLAGS` (`WSAEINVAL`): "an invalid value was provided for the ai_flags member",
/// which includes AI_FQDN together with AI_CANONNAME ("if both AI_CANONNAME and AI_FQDN are
/// set, getaddrinfo fails with EAI_BADFLAGS"), and any bit the headers do not define.
/// Source: getaddrinfo, Return value and Remarks.
pub fn flags_are_valid(flags: u32, known: u32) -> Result<()> {
    if flags & !known != 0 || (flags & AI_CANONNAME != 0 && flags & AI_FQDN != 0) {
        return Err(Error::Invalid);
    }
    Ok(())
}

/// `EAI_FAIL` (`WSANO_RECOVERY`): with `AI_CANONNAME` (or `AI_FQDN`) the *pNodeName*
/// parameter must not be NULL; the call otherwise "fails with EAI_FAIL". Source: getaddrinfo,
/// Remarks (AI_CANONNAME, AI_FQDN).
pub fn canonical_name_needs_a_node(flags: u32, node: bool) -> Result<()> {
    if !node && flags & (AI_CANONNAME | AI_FQDN) != 0 {
        return Err(Error::NoRecovery);
    }
    Ok(())
}

/// `EAI_FAMILY` (`WSAEAFNOSUPPORT`): "the ai_family member of the pHints parameter is not
/// supported". `AF_UNSPEC`, `AF_INET` and `AF_INET6` are. Source: getaddrinfo.
pub fn family_is_supported(family: i32) -> Result<()> {
    if ![AF_UNSPEC, AF_INET, AF_INET6]
        .map(i32::from)
        .contains(&family)
    {
        return Err(Error::AddressFamilyNotSupported);
    }
    Ok(())
}

/// `EAI_SOCKTYPE` (`WSAESOCKTNOSUPPORT`): "the ai_socktype member of the pHints parameter is
/// not supported". 0 (any), `SOCK_STREAM`, `SOCK_DGRAM`, `SOCK_RAW`, `SOCK_RDM` and
/// `SOCK_SEQPACKET` are; Wine's `test_getaddrinfo` records 999 refused. Source: getaddrinfo.
pub fn socket_type_is_supported(socktype: i32) -> Result<()> {
    if !(0..=5).contains(&socktype) {
        return Err(Error::SocketTypeNotSupported);
    }
    Ok(())
}

/// `EAI_NONAME` (`WSAHOST_NOT_FOUND`) for a name with `AI_NUMERICHOST`: "the pNodeName
/// parameter must contain a numeric host address string ... otherwise, the EAI_NONAME
/// error is returned". Source: getaddrinfo, Remarks (AI_NUMERICHOST).
pub fn numeric_host_is_numeric(flags: u32) -> Result<()> {
    if flags & AI_NUMERICHOST != 0 {
        return Err(Error::HostNotFound);
    }
    Ok(())
}

/// `WSAEAFNOSUPPORT`: `inet_pton`, `inet_ntop` and their wide forms take only `AF_INET` and
/// `AF_INET6` ("the Family parameter specified was not AF_INET or AF_INET6"). Source:
/// inet_pton, inet_ntop, Return value.
pub fn text_family_is_ip(family: i32) -> Result<u16> {
    match u16::try_from(family) {
        Ok(f @ (AF_INET | AF_INET6)) => Ok(f),
        _ => Err(Error::AddressFamilyNotSupported),
    }
}

/// `WSAEFAULT`: a length out-parameter that cannot hold what the call must write ("the
/// lpszAddressString buffer is too small", "namelen ... is too small", "the lpAddress
/// buffer is too small"): the call writes the size needed where the page says so. Source:
/// WSAAddressToString, WSAStringToAddress, gethostname.
pub fn buffer_holds(needed: usize, room: usize) -> Result<()> {
    if room < needed {
        return Err(Error::Fault);
    }
    Ok(())
}

/// `EAI_BADFLAGS` (`WSAEINVAL`) from getnameinfo: "a host name was requested, but the
/// NodeBufferSize parameter was zero; or a service name was requested, but the
/// ServiceBufferSize parameter was zero". Source: getnameinfo, Return value.
pub fn requested_buffer_has_room(requested: bool, size: u32) -> Result<()> {
    if requested && size == 0 {
        return Err(Error::Invalid);
    }
    Ok(())
}

/// `EAI_NONAME` (`WSAHOST_NOT_FOUND`) from getnameinfo: "both the pNodeBuffer and
/// pServiceBuffer parameters were NULL". Source: getnameinfo, Return value.
pub fn host_or_service_wanted(host: bool, service: bool) -> Result<()> {
    if !host && !service {
        return Err(Error::HostNotFound);
    }
    Ok(())
}

/// `WSAEINVAL` from WSAConnectByName: "the nodename or the servicename parameter must not
/// be NULL. The Reserved parameter must be NULL." Source: WSAConnectByNameW, Return value.
pub fn connect_by_name_arguments(node: bool, service: bool, reserved_null: bool) -> Result<()> {
    if !node || !service || !reserved_null {
        return Err(Error::Invalid);
    }
    Ok(())
}
