//! The documented rules of `WSASetSocketSecurity`, `WSAQuerySocketSecurity`,
//! `WSAImpersonateSocketPeer` and `WSARevertImpersonation`, one function each. Each doc
//! comment paraphrases the rule and names its page.
//!
//! Sources: [WSASetSocketSecurity], [WSAQuerySocketSecurity], [WSAImpersonateSocketPeer],
//! [SOCKET_SECURITY_SETTINGS], [SOCKET_SECURITY_SETTINGS_IPSEC].
//!
//! [WSASetSocketSecurity]: https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsasetsocketsecurity
//! [WSAQuerySocketSecurity]: https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsaquerysocketsecurity
//! [WSAImpersonateSocketPeer]: https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsaimpersonatesocketpeer
//! [SOCKET_SECURITY_SETTINGS]: https://learn.microsoft.com/windows/win32/api/mstcpip/ns-mstcpip-socket_security_settings
//! [SOCKET_SECURITY_SETTINGS_IPSEC]: https://learn.microsoft.com/windows/win32/api/mstcpip/ns-mstcpip-socket_security_settings_ipsec
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::SOCK_STREAM;

use crate::choices;
use crate::error::{Error, Result};
use crate::wire::SecurityProtocol;

/// `WSAEMSGSIZE`: A buffer passed was too small. A non-NULL *SecuritySettings* must hold
/// at least a `SOCKET_SECURITY_SETTINGS` (8 bytes). Source: WSASetSocketSecurity.
pub fn settings_length_holds_structure(declared_len: usize) -> Result<()> {
    if declared_len < crate::wire::SETTINGS_LEN {
        return Err(Error::MessageSize);
    }
    Ok(())
}

/// `WSAEINVAL`: the SecuritySettings parameter ... contained an incorrect value. Flags
/// outside those the structure defines are incorrect ([`choices::UNKNOWN_SECURITY_FLAGS`]).
/// Source: WSASetSocketSecurity, SOCKET_SECURITY_SETTINGS, SOCKET_SECURITY_SETTINGS_IPSEC.
pub fn settings_flags_are_known(flags: u32, known: u32) -> Result<()> {
    if flags & !known != 0 {
        return Err(Error::Invalid);
    }
    Ok(())
}

/// `WSAEINVAL`: for `SOCKET_SECURITY_SETTINGS_IPSEC`, the SecurityProtocol member must be
/// SOCKET_SECURITY_PROTOCOL_IPSEC (DEFAULT is wrong there). IPSEC2 is accepted as well
/// ([`choices::SECURITY_SETTINGS_FORM`]). Source: SOCKET_SECURITY_SETTINGS_IPSEC.
pub fn ipsec_settings_name_ipsec(protocol: SecurityProtocol) -> Result<()> {
    if protocol == SecurityProtocol::Default {
        return Err(Error::Invalid);
    }
    Ok(())
}

/// `WSAEINVAL`: the user, domain and password lengths are in bytes of UTF-16 text, so an
/// odd length, or one over [`choices::MAX_TARGET_NAME_BYTES`], is an incorrect value.
/// Source: SOCKET_SECURITY_SETTINGS_IPSEC.
pub fn settings_string_is_well_formed(byte_len: u32) -> Result<()> {
    if byte_len % 2 == 1 || byte_len > choices::MAX_TARGET_NAME_BYTES {
        return Err(Error::Invalid);
    }
    Ok(())
}

/// `WSAEMSGSIZE`: A buffer passed was too small. *SecuritySettingsLen* must hold the
/// IPsec header and the strings its lengths announce. Source: WSASetSocketSecurity.
pub fn settings_length_holds_strings(
    declared_len: usize,
    header_len: usize,
    strings_len: u64,
) -> Result<()> {
    if (declared_len as u64) < header_len as u64 + strings_len {
        return Err(Error::MessageSize);
    }
    Ok(())
}

/// `WSAEISCONN`: The socket is connected. This function is not permitted with a connected
/// socket, whether the socket is connection oriented or connectionless. A TCP client must
/// call it before calling connect. Source: WSASetSocketSecurity.
pub fn security_set_before_connect(connected: bool) -> Result<()> {
    if connected {
        return Err(Error::IsConnected);
    }
    Ok(())
}

/// `WSAEINVAL`: the security settings must be applied before bind (a TCP server should
/// call WSASetSocketSecurity before calling bind; a call afterwards should fail). The
/// page gives no code; see [`choices::SECURITY_TIMING_ERRORS`]. Source: WSASetSocketSecurity.
pub fn security_set_before_bind(bound: bool) -> Result<()> {
    if bound {
        return Err(Error::Invalid);
    }
    Ok(())
}

/// `WSAEINVAL`: The function may be called only once per socket. No code is given; see
/// [`choices::SECURITY_TIMING_ERRORS`]. Source: WSASetSocketSecurity.
pub fn security_set_once(already_set: bool) -> Result<()> {
    if already_set {
        return Err(Error::Invalid);
    }
    Ok(())
}

/// `WSAEFAULT`: the SecurityQueryInfoLen parameter was a NULL pointer.
/// Source: WSAQuerySocketSecurity.
pub fn query_info_len_present(is_null: bool) -> Result<()> {
    if is_null {
        return Err(Error::Fault);
    }
    Ok(())
}

/// `WSAEMSGSIZE`: the template may be NULL only for IPPROTO_TCP sockets; otherwise
/// *SecurityQueryTemplateLen* must be at least sizeof(SOCKET_SECURITY_QUERY_TEMPLATE).
/// The error row: for non-TCP sockets if the SecurityQueryTemplate parameter is NULL or
/// the SecurityQueryTemplateLen parameter is less than the size of a
/// SOCKET_SECURITY_QUERY_TEMPLATE. A stream socket that passes a template with a non-zero
/// but short length gets the same code. Source: WSAQuerySocketSecurity.
pub fn query_template_fits(
    socket_type: i32,
    template_given: bool,
    template_len: usize,
) -> Result<()> {
    let stream_without_template =
        socket_type == SOCK_STREAM && (!template_given || template_len == 0);
    if stream_without_template {
        return Ok(());
    }
    if !template_given || template_len < crate::wire::TEMPLATE_LEN {
        return Err(Error::MessageSize);
    }
    Ok(())
}

/// The size-probe rule: If the buffer is too small, the function fails and
/// *SecurityQueryInfoLen* is set to the size needed. The page's sample expects
/// `WSAEFAULT`, Windows' own code `WSAEMSGSIZE`; see [`choices::QUERY_SIZE_PROBE_CODE`].
/// Source: WSAQuerySocketSecurity.
pub fn query_info_fits(info_given: bool, info_len: u32, needed: usize) -> Result<()> {
    if !info_given || (info_len as usize) < needed {
        return Err(choices::QUERY_TOO_SMALL_ERROR);
    }
    Ok(())
}

/// `WSAENOTCONN`: a TCP client calls the query after the connect ... returns, a server
/// after the accept ... returns, and a UDP socket after the WSASendTo or WSARecvFrom
/// call returns for a new peer address. Before that there is nothing to query; the page
/// gives no code ([`choices::QUERY_BEFORE_CONNECTION`]). Source: WSAQuerySocketSecurity.
pub fn query_has_a_connection(has_link: bool) -> Result<()> {
    if !has_link {
        return Err(Error::NotConnected);
    }
    Ok(())
}

/// `WSAECONNRESET`: "For a TCP socket, the remote host reset the connection. For a UDP
/// socket, a previous send operation resulted in an ICMP Port Unreachable message" (the
/// emulated one: [`crate::choices::UDP_PORT_UNREACHABLE`]). Source: WSAQuerySocketSecurity.
pub fn connection_not_reset(reset: bool) -> Result<()> {
    if reset {
        return Err(Error::ConnectionReset);
    }
    Ok(())
}

/// `WSAEINVAL` for a *PeerAddr* length that names bytes a NULL pointer cannot hold, or that
/// exceeds any address (128 bytes): what Windows' own code checks. The page lists
/// `WSAEFAULT` for a NULL *PeerAddr* yet calls it optional and its sample passes NULL and 0;
/// see [`choices::IMPERSONATE_NULL_ADDRESS`]. Source: WSAImpersonateSocketPeer.
pub fn impersonate_address_arguments(is_null: bool, len: u32) -> Result<()> {
    if (is_null && len != 0) || len as usize > crate::wire::MAX_SOCKADDR_LEN {
        return Err(Error::Invalid);
    }
    Ok(())
}

/// `WSAEFAULT`: the PeerAddr parameter was a NULL pointer, where the peer cannot be known
/// otherwise: on a connectionless socket (ignored for connection-oriented sockets).
/// Source: WSAImpersonateSocketPeer.
pub fn impersonate_datagram_names_peer(socket_type: i32, is_null: bool) -> Result<()> {
    if socket_type != SOCK_STREAM && is_null {
        return Err(Error::Fault);
    }
    Ok(())
}

/// `WSAEOPNOTSUPP` when the peer has no token to impersonate: the connection was not
/// secured, so no peer was authenticated (what Windows' own code returns;
/// [`choices::IMPERSONATE_NEEDS_SECURED_PEER`]). Source: WSAImpersonateSocketPeer (uses the
/// peer's user token ... otherwise the peer computer token).
pub fn impersonation_needs_authenticated_peer(secured: bool) -> Result<()> {
    if !secured {
        return Err(Error::OperationNotSupported);
    }
    Ok(())
}
