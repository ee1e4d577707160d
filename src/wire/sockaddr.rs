//! `SOCKADDR`, `SOCKADDR_IN`, `SOCKADDR_IN6` and `SOCKADDR_STORAGE` on bytes.
//!
//! Layouts (windows-sys 0.61, [ws2def.h]): every form starts with `sa_family: u16` at 0.
//! `SOCKADDR_IN` (16 bytes) has the port at 2 (network order) and the address at 4.
//! `SOCKADDR_IN6` (28 bytes) has the port at 2, `sin6_flowinfo` at 4, the address at 8 and
//! `sin6_scope_id` at 24. `SOCKADDR_STORAGE` is 128 bytes, the most any form needs.
//!
//! [ws2def.h]: https://learn.microsoft.com/windows/win32/api/ws2def/ns-ws2def-sockaddr_in
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use windows_sys::Win32::Networking::WinSock::{AF_INET, AF_INET6, AF_UNSPEC};

use super::{u16_at, u32_at};

/// `sizeof(SOCKADDR_IN)`.
pub(crate) const SOCKADDR_IN_LEN: usize = 16;
/// `sizeof(SOCKADDR_IN6)`.
pub(crate) const SOCKADDR_IN6_LEN: usize = 28;
/// `sizeof(SOCKADDR_STORAGE)`: no address form is longer, so no call reads more than this.
pub(crate) const MAX_SOCKADDR_LEN: usize = 128;

/// A peer address as a caller wrote it: what a `SOCKADDR` (or the `PeerAddress` member of a
/// `SOCKET_PEER_TARGET_NAME`) holds once decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeerAddress {
    /// Every byte zero, family `AF_UNSPEC`: the caller left the address out, as Microsoft's
    /// secure TCP client sample does (it allocates the structure zeroed and never sets it).
    Unspecified,
    /// An `AF_INET` or `AF_INET6` address with its port.
    Ip(SocketAddr),
    /// Any other family (or `AF_UNSPEC` with non-zero bytes): no IP peer can be named by it.
    OtherFamily(u16),
}

/// Why a `SOCKADDR` could not be decoded. Each call maps it to its own documented code
/// (`bind` and `connect` say `WSAEFAULT`, the secure-socket functions `WSAEMSGSIZE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SockaddrError {
    /// The length cannot hold the address form its family names.
    TooShort,
}

/// Decodes the `SOCKADDR` in `bytes` (the caller's buffer, cut to the length it declared).
///
/// A family this crate cannot address (`AF_UNIX`, `AF_NETBIOS`, ...) decodes to
/// [`PeerAddress::OtherFamily`] and leaves the choice of error to the caller.
pub fn decode(bytes: &[u8]) -> Result<PeerAddress, SockaddrError> {
    let family = u16_at(bytes, 0).ok_or(SockaddrError::TooShort)?;
    match family {
        AF_INET => {
            let raw = bytes
                .get(..SOCKADDR_IN_LEN)
                .ok_or(SockaddrError::TooShort)?;
            let port = u16::from_be_bytes([raw[2], raw[3]]);
            let ip = Ipv4Addr::new(raw[4], raw[5], raw[6], raw[7]);
            Ok(PeerAddress::Ip(SocketAddr::V4(SocketAddrV4::new(ip, port))))
        }
        AF_INET6 => {
            let raw = bytes
                .get(..SOCKADDR_IN6_LEN)
                .ok_or(SockaddrError::TooShort)?;
            let port = u16::from_be_bytes([raw[2], raw[3]]);
            let flowinfo = u32_at(raw, 4).ok_or(SockaddrError::TooShort)?;
            let mut octets = [0u8; 16];
            octets.copy_from_slice(&raw[8..24]);
            let scope_id = u32_at(raw, 24).ok_or(SockaddrError::TooShort)?;
            let ip = Ipv6Addr::from(octets);
            Ok(PeerAddress::Ip(SocketAddr::V6(SocketAddrV6::new(
                ip, port, flowinfo, scope_id,
            ))))
        }
        AF_UNSPEC if bytes.iter().all(|&b| b == 0) => Ok(PeerAddress::Unspecified),
        other => Ok(PeerAddress::OtherFamily(other)),
    }
}

/// Encodes `addr` as a `SOCKADDR_IN` or `SOCKADDR_IN6`; returns the bytes and how many are used.
pub(crate) fn encode(addr: SocketAddr) -> ([u8; SOCKADDR_IN6_LEN], usize) {
    let mut out = [0u8; SOCKADDR_IN6_LEN];
    match addr {
        SocketAddr::V4(v4) => {
            out[0..2].copy_from_slice(&AF_INET.to_le_bytes());
            out[2..4].copy_from_slice(&v4.port().to_be_bytes());
            out[4..8].copy_from_slice(&v4.ip().octets());
            (out, SOCKADDR_IN_LEN)
        }
        SocketAddr::V6(v6) => {
            out[0..2].copy_from_slice(&AF_INET6.to_le_bytes());
            out[2..4].copy_from_slice(&v6.port().to_be_bytes());
            out[4..8].copy_from_slice(&v6.flowinfo().to_le_bytes());
            out[8..24].copy_from_slice(&v6.ip().octets());
            out[24..28].copy_from_slice(&v6.scope_id().to_le_bytes());
            (out, SOCKADDR_IN6_LEN)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};
    use windows_sys::Win32::Networking::WinSock::{SOCKADDR_IN, SOCKADDR_IN6, SOCKADDR_STORAGE};

    #[test]
    fn lengths_match_windows_sys() {
        assert_eq!(size_of::<SOCKADDR_IN>(), SOCKADDR_IN_LEN);
        assert_eq!(size_of::<SOCKADDR_IN6>(), SOCKADDR_IN6_LEN);
        assert_eq!(size_of::<SOCKADDR_STORAGE>(), MAX_SOCKADDR_LEN);
        assert_eq!(offset_of!(SOCKADDR_IN, sin_port), 2);
        assert_eq!(offset_of!(SOCKADDR_IN, sin_addr), 4);
        assert_eq!(offset_of!(SOCKADDR_IN6, sin6_flowinfo), 4);
        assert_eq!(offset_of!(SOCKADDR_IN6, sin6_addr), 8);
        assert_eq!(offset_of!(SOCKADDR_IN6, Anonymous), 24);
    }

    #[test]
    fn round_trips_both_families() {
        for addr in ["192.0.2.7:5000", "[2001:db8::1]:443", "[fe80::1%7]:9"] {
            let addr: SocketAddr = addr.parse().unwrap();
            let (bytes, len) = encode(addr);
            assert_eq!(decode(&bytes[..len]), Ok(PeerAddress::Ip(addr)));
        }
    }

    #[test]
    fn short_buffers_are_too_short() {
        let (bytes, _) = encode("192.0.2.7:5000".parse().unwrap());
        assert_eq!(decode(&bytes[..15]), Err(SockaddrError::TooShort));
        assert_eq!(decode(&bytes[..1]), Err(SockaddrError::TooShort));
        assert_eq!(decode(&[]), Err(SockaddrError::TooShort));
        let (bytes, _) = encode("[::1]:1".parse().unwrap());
        assert_eq!(decode(&bytes[..27]), Err(SockaddrError::TooShort));
    }

    #[test]
    fn zero_and_foreign_families() {
        assert_eq!(decode(&[0u8; 16]), Ok(PeerAddress::Unspecified));
        assert_eq!(decode(&[0, 0, 1, 0]), Ok(PeerAddress::OtherFamily(0)));
        assert_eq!(decode(&[1, 0, b'/', b't']), Ok(PeerAddress::OtherFamily(1)));
    }
}
