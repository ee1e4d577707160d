//! The documented rules, one function each.
//!
//! Each function checks one rule and returns the Winsock error the documentation gives for
//! breaking it. Its doc comment quotes the rule (in paraphrase) and names the page. The
//! functions take plain facts, not sockets, so each can be read and tested on its own; the
//! model calls them in the order fixed by [`crate::choices::CHECK_ORDER`]. [`docs/rules.md`](https://github.com/winsock-emu/winsock-emu/blob/main/docs/rules.md)
//! lists every rule with the test that proves it.
//!
//! Sources: [WSASetSocketPeerTargetName] (the seed of this crate),
//! [WSADeleteSocketPeerTargetName], [SOCKET_PEER_TARGET_NAME], [SOCKET_SECURITY_PROTOCOL],
//! [WSAStartup].
//!
//! [WSASetSocketPeerTargetName]: https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsasetsocketpeertargetname
//! [WSADeleteSocketPeerTargetName]: https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsadeletesocketpeertargetname
//! [SOCKET_PEER_TARGET_NAME]: https://learn.microsoft.com/windows/win32/api/mstcpip/ns-mstcpip-socket_peer_target_name
//! [SOCKET_SECURITY_PROTOCOL]: https://learn.microsoft.com/windows/win32/api/mstcpip/ne-mstcpip-socket_security_protocol
//! [WSAStartup]: https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-wsastartup
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{AF_INET, AF_INET6, SOCK_DGRAM, SOCK_STREAM};

use crate::choices;
use crate::error::{Error, Result};
use crate::wire::{PeerAddress, SecurityProtocol};

/// `WSANOTINITIALISED`: "A successful WSAStartup call must occur before using this
/// function." Every emulated function but `WSAStartup`, `WSAGetLastError` and
/// `WSASetLastError` needs at least one `WSAStartup` not yet matched by `WSACleanup`.
/// Source: [WSAStartup], Windows Sockets Error Codes.
///
/// [WSAStartup]: https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-wsastartup
pub fn startup_done(startup_count: u32) -> Result<()> {
    if startup_count == 0 {
        return Err(Error::NotInitialised);
    }
    Ok(())
}

/// `WSAENOTSOCK`: "The descriptor passed in the *Socket* parameter is not a valid socket."
/// A handle never created, already closed, or closed by the last `WSACleanup` names no
/// socket; handles are never reused while a network lives, so a stale handle can never reach
/// another socket. Source: WSASetSocketPeerTargetName, WSADeleteSocketPeerTargetName.
pub fn handle_names_a_socket<T>(found: Option<T>) -> Result<T> {
    found.ok_or(Error::NotSocket)
}

/// `WSAEFAULT`: "This error is returned if the *PeerTargetName* parameter was a NULL
/// pointer" (and, for the delete function, the *PeerAddr* parameter).
/// Source: WSASetSocketPeerTargetName, WSADeleteSocketPeerTargetName.
pub fn pointer_is_present(is_null: bool) -> Result<()> {
    if is_null {
        return Err(Error::Fault);
    }
    Ok(())
}

/// `WSAEINVAL`: "This error is returned if the socket passed in the *Socket* parameter was
/// not created with an address family of the AF_INET or AF_INET6 and a socket type of
/// SOCK_DGRAM or SOCK_STREAM." Source: WSASetSocketPeerTargetName (Remarks repeat it:
/// "The address family of the Socket parameter must be either AF_INET or AF_INET6. The
/// socket type must be either SOCK_STREAM or SOCK_DGRAM"), WSADeleteSocketPeerTargetName.
pub fn socket_is_ip_stream_or_datagram(family: u16, socket_type: i32) -> Result<()> {
    let family_ok = family == AF_INET || family == AF_INET6;
    let type_ok = socket_type == SOCK_STREAM || socket_type == SOCK_DGRAM;
    if family_ok && type_ok {
        Ok(())
    } else {
        Err(Error::Invalid)
    }
}

/// `WSAEMSGSIZE`: "A buffer passed was too small." The *PeerTargetNameLen* cannot even hold
/// the structure's header (the 140 bytes before `AllStrings`).
/// Source: WSASetSocketPeerTargetName; layout from SOCKET_PEER_TARGET_NAME.
pub fn length_holds_header(declared_len: usize, header_len: usize) -> Result<()> {
    if declared_len < header_len {
        return Err(Error::MessageSize);
    }
    Ok(())
}

/// `WSAEMSGSIZE`: "A buffer passed was too small." *PeerTargetNameLen* must hold the header
/// plus `PeerTargetNameStringLen` bytes of name: the structure page gives that member as
/// "the length, in bytes, of the peer target name", so the smallest valid length is
/// `140 + PeerTargetNameStringLen` ([`choices::NAME_LENGTH_IN_BYTES`]).
/// Source: WSASetSocketPeerTargetName, SOCKET_PEER_TARGET_NAME.
pub fn length_holds_name(declared_len: usize, header_len: usize, string_len: u32) -> Result<()> {
    if (declared_len as u64) < header_len as u64 + u64::from(string_len) {
        return Err(Error::MessageSize);
    }
    Ok(())
}

/// `WSAEINVAL`: "An invalid parameter was passed." `SecurityProtocol` must be
/// `SOCKET_SECURITY_PROTOCOL_DEFAULT`, `_IPSEC` or `_IPSEC2`; `SOCKET_SECURITY_PROTOCOL_INVALID`
/// "is not a legal value", nor is anything else.
/// Source: WSASetSocketPeerTargetName (the WSAEINVAL row), SOCKET_SECURITY_PROTOCOL.
pub fn protocol_is_legal(raw: i32) -> Result<SecurityProtocol> {
    SecurityProtocol::from_raw(raw).ok_or(Error::Invalid)
}

/// `WSAEINVAL` for a name no peer can have: empty, an odd number of bytes (half a UTF-16
/// unit), or longer than [`choices::MAX_TARGET_NAME_BYTES`]. The pages are silent; this is
/// [`choices::NAME_SHAPE`].
pub fn name_is_well_formed(string_len: u32) -> Result<()> {
    if string_len == 0 || string_len % 2 == 1 || string_len > choices::MAX_TARGET_NAME_BYTES {
        return Err(Error::Invalid);
    }
    Ok(())
}

/// `WSAEAFNOSUPPORT`: "The specified address family is not supported." The peer address must
/// be one the socket can reach: `AF_INET` on an `AF_INET` socket, `AF_INET6` on an
/// `AF_INET6` socket ([`choices::PEER_FAMILY_MUST_MATCH`]). A stream socket may leave the
/// address zeroed, as Microsoft's client sample does ([`choices::STREAM_PEER_ADDRESS_IGNORED`]).
/// Source: WSASetSocketPeerTargetName, WSADeleteSocketPeerTargetName.
pub fn peer_family_is_usable(socket_family: u16, peer: &PeerAddress) -> Result<()> {
    match peer {
        PeerAddress::Unspecified => Ok(()),
        PeerAddress::Ip(addr) => {
            let peer_family = if addr.is_ipv4() { AF_INET } else { AF_INET6 };
            if peer_family == socket_family {
                Ok(())
            } else {
                Err(Error::AddressFamilyNotSupported)
            }
        }
        PeerAddress::OtherFamily(_) => Err(Error::AddressFamilyNotSupported),
    }
}

/// `WSAEINVAL`: "This error is also returned for a connectionless socket if the IP address
/// and port are zero in the **PeerAddress** member." A zeroed structure (family
/// `AF_UNSPEC`) counts as zero address and port ([`choices::ZERO_PEER_MEANS_BOTH_ZERO`]).
/// Source: WSASetSocketPeerTargetName.
pub fn connectionless_peer_is_not_zero(socket_type: i32, peer: &PeerAddress) -> Result<()> {
    if socket_type != SOCK_DGRAM {
        return Ok(());
    }
    match peer {
        PeerAddress::Unspecified => Err(Error::Invalid),
        PeerAddress::Ip(addr) if addr.ip().is_unspecified() && addr.port() == 0 => {
            Err(Error::Invalid)
        }
        _ => Ok(()),
    }
}

/// `WSAEISCONN`: "The socket is connected. This function is not permitted with a connected
/// socket, whether the socket is connection oriented or connectionless." The Remarks add
/// that the name must be set before `WSAConnect` (and, for datagrams, before the first
/// `WSASendTo` to that peer). Source: WSASetSocketPeerTargetName.
pub fn socket_is_not_connected(connected: bool) -> Result<()> {
    if connected {
        return Err(Error::IsConnected);
    }
    Ok(())
}

/// `WSAEMSGSIZE`: "A buffer passed was too small." *PeerAddrLen* must hold the address form
/// its family names (16 bytes for `SOCKADDR_IN`, 28 for `SOCKADDR_IN6`).
/// Source: WSADeleteSocketPeerTargetName.
pub fn peer_address_fits(fits: bool) -> Result<()> {
    if !fits {
        return Err(Error::MessageSize);
    }
    Ok(())
}

pub mod catalog;
pub mod duplication;
pub mod readiness;
pub mod resolution;
pub mod security;
pub mod shutdown;
