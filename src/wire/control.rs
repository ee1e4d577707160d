//! `WSARecvMsg`'s control data: one `WSACMSGHDR` followed by an `IN_PKTINFO` or an
//! `IN6_PKTINFO`, laid out as ws2def.h's `WSA_CMSG_*` macros lay it out.
//!
//! The header (`cmsg_len`, a `SIZE_T`; `cmsg_level` and `cmsg_type`, `INT`s) is padded to
//! `MAX_NATURAL_ALIGNMENT` (a pointer's size) before the data (`WSA_CMSG_DATA`); the
//! message takes `WSA_CMSG_SPACE(data)` bytes, the data padded to the header's alignment.
#![forbid(unsafe_code)]

use std::mem::{align_of, size_of};
use std::net::IpAddr;

use windows_sys::Win32::Networking::WinSock::{
    CMSGHDR, IN6_PKTINFO, IN_PKTINFO, IPPROTO_IP, IPPROTO_IPV6, IPV6_PKTINFO, IP_PKTINFO,
};

/// `length` rounded up to a multiple of `to` (a power of two).
const fn align(length: usize, to: usize) -> usize {
    (length + to - 1) & !(to - 1)
}

/// `WSA_CMSG_DATA`'s offset: the header padded to `MAX_NATURAL_ALIGNMENT`.
pub(crate) const DATA_OFFSET: usize = align(size_of::<CMSGHDR>(), size_of::<usize>());

/// `WSA_CMSG_SPACE(length)`: the bytes one message with `length` bytes of data takes.
pub(crate) const fn space(length: usize) -> usize {
    align(
        DATA_OFFSET + align(length, align_of::<CMSGHDR>()),
        size_of::<usize>(),
    )
}

/// The packet information message for a datagram to `destination`, received on the
/// interface `interface`: (`IPPROTO_IP`, `IP_PKTINFO`, `IN_PKTINFO`) for an IPv4 address,
/// (`IPPROTO_IPV6`, `IPV6_PKTINFO`, `IN6_PKTINFO`) for an IPv6 one; `WSA_CMSG_SPACE` bytes,
/// the padding zero.
pub(crate) fn packet_info(destination: IpAddr, interface: u32) -> Vec<u8> {
    let (level, kind, address, size): (i32, i32, Vec<u8>, usize) = match destination {
        IpAddr::V4(v4) => (
            IPPROTO_IP,
            IP_PKTINFO,
            v4.octets().to_vec(),
            size_of::<IN_PKTINFO>(),
        ),
        IpAddr::V6(v6) => (
            IPPROTO_IPV6,
            IPV6_PKTINFO,
            v6.octets().to_vec(),
            size_of::<IN6_PKTINFO>(),
        ),
    };
    let mut out = vec![0; space(size)];
    out[..size_of::<usize>()].copy_from_slice(&(DATA_OFFSET + size).to_ne_bytes());
    let level_at = size_of::<usize>();
    out[level_at..level_at + 4].copy_from_slice(&level.to_ne_bytes());
    out[level_at + 4..level_at + 8].copy_from_slice(&kind.to_ne_bytes());
    let data = &mut out[DATA_OFFSET..DATA_OFFSET + size];
    data[..address.len()].copy_from_slice(&address);
    data[address.len()..address.len() + 4].copy_from_slice(&interface.to_ne_bytes());
    out
}

#[cfg(test)]
mod tests {
    use std::mem::offset_of;
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;

    #[test]
    fn the_layout_is_windows_sys_s() {
        assert_eq!(offset_of!(CMSGHDR, cmsg_level), size_of::<usize>());
        assert_eq!(offset_of!(CMSGHDR, cmsg_type), size_of::<usize>() + 4);
        assert_eq!(offset_of!(IN_PKTINFO, ipi_ifindex), 4);
        assert_eq!(offset_of!(IN6_PKTINFO, ipi6_ifindex), 16);
        // 64-bit: a 16-byte header; IN_PKTINFO takes 24 bytes in all, IN6_PKTINFO 40.
        if cfg!(target_pointer_width = "64") {
            assert_eq!((DATA_OFFSET, space(8), space(20)), (16, 24, 40));
        } else {
            assert_eq!((DATA_OFFSET, space(8), space(20)), (12, 20, 32));
        }
    }

    #[test]
    fn an_ipv4_message_carries_the_destination_and_interface() {
        let bytes = packet_info(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 7)), 1);
        let len = usize::from_ne_bytes(bytes[..size_of::<usize>()].try_into().unwrap());
        assert_eq!(len, DATA_OFFSET + 8);
        let at = size_of::<usize>();
        assert_eq!(&bytes[at..at + 4], &IPPROTO_IP.to_ne_bytes());
        assert_eq!(&bytes[at + 4..at + 8], &IP_PKTINFO.to_ne_bytes());
        assert_eq!(&bytes[DATA_OFFSET..DATA_OFFSET + 4], &[10, 0, 0, 7]);
        assert_eq!(
            &bytes[DATA_OFFSET + 4..DATA_OFFSET + 8],
            &1u32.to_ne_bytes()
        );
    }

    #[test]
    fn an_ipv6_message_carries_the_destination_and_interface() {
        let bytes = packet_info(IpAddr::V6(Ipv6Addr::LOCALHOST), 3);
        assert_eq!(bytes.len(), space(20));
        let at = size_of::<usize>();
        assert_eq!(&bytes[at..at + 4], &IPPROTO_IPV6.to_ne_bytes());
        assert_eq!(&bytes[at + 4..at + 8], &IPV6_PKTINFO.to_ne_bytes());
        assert_eq!(
            &bytes[DATA_OFFSET..DATA_OFFSET + 16],
            &Ipv6Addr::LOCALHOST.octets()
        );
        assert_eq!(
            &bytes[DATA_OFFSET + 16..DATA_OFFSET + 20],
            &3u32.to_ne_bytes()
        );
    }
}
