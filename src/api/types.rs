//! Typed socket parameters: `Domain` (`AF_*`), `Type` (`SOCK_*`), `Protocol` (`IPPROTO_*`).
//!
//! Newtypes over the raw Winsock values, named as socket2 names them, so that any value
//! Winsock knows (and any it does not) can be passed.
#![forbid(unsafe_code)]

use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock as ws;

/// An address family, `AF_*`: the `af` argument of `socket`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Domain(pub u16);

impl Domain {
    /// `AF_INET`.
    pub const IPV4: Domain = Domain(ws::AF_INET);
    /// `AF_INET6` (23 on Windows, not Linux's 10).
    pub const IPV6: Domain = Domain(ws::AF_INET6);
    /// `AF_UNIX`.
    pub const UNIX: Domain = Domain(ws::AF_UNIX);
    /// `AF_NETBIOS`.
    pub const NETBIOS: Domain = Domain(ws::AF_NETBIOS);
    /// `AF_IRDA`.
    pub const IRDA: Domain = Domain(ws::AF_IRDA);
    /// `AF_HYPERV`.
    pub const HYPERV: Domain = Domain(ws::AF_HYPERV);

    /// The IP family of `addr`.
    ///
    /// ```
    /// use winsock_emu::Domain;
    ///
    /// assert_eq!(Domain::for_address("[::1]:80".parse().unwrap()), Domain::IPV6);
    /// ```
    pub fn for_address(addr: SocketAddr) -> Domain {
        if addr.is_ipv4() {
            Domain::IPV4
        } else {
            Domain::IPV6
        }
    }
}

/// A socket type, `SOCK_*`: the `type` argument of `socket`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Type(pub i32);

impl Type {
    /// `SOCK_STREAM`.
    pub const STREAM: Type = Type(ws::SOCK_STREAM);
    /// `SOCK_DGRAM`.
    pub const DGRAM: Type = Type(ws::SOCK_DGRAM);
    /// `SOCK_RAW`.
    pub const RAW: Type = Type(ws::SOCK_RAW);
    /// `SOCK_RDM`.
    pub const RDM: Type = Type(ws::SOCK_RDM);
    /// `SOCK_SEQPACKET`.
    pub const SEQPACKET: Type = Type(ws::SOCK_SEQPACKET);
}

/// A protocol, `IPPROTO_*`: the `protocol` argument of `socket`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Protocol(pub i32);

impl Protocol {
    /// `IPPROTO_TCP`.
    pub const TCP: Protocol = Protocol(ws::IPPROTO_TCP);
    /// `IPPROTO_UDP`.
    pub const UDP: Protocol = Protocol(ws::IPPROTO_UDP);
    /// `IPPROTO_ICMP`.
    pub const ICMP: Protocol = Protocol(ws::IPPROTO_ICMP);
    /// `IPPROTO_RM` (PGM reliable multicast).
    pub const RM: Protocol = Protocol(ws::IPPROTO_RM);
}
