//! `IPV6_V6ONLY` FALSE: a dual-stack IPv6 socket, which talks to IPv4 peers through
//! IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`), as the "Dual-Stack Sockets for IPv6
//! Winsock Applications" page describes.
//!
//! - Bound to `[::]:p` (or to a mapped address), the socket also holds the IPv4 wildcard
//!   (or that IPv4 address) at `p`: an IPv4 bind there then meets it as the second-bind
//!   table says, and what IPv4 peers send to the port reaches it.
//! - What reaches it from an IPv4 peer carries the peer's mapped address (`recvfrom`,
//!   `accept`, `getpeername`), and an accepted connection's local address is mapped too.
//! - What it sends to a mapped address, or the connection it makes to one, goes to the
//!   IPv4 address, whose socket sees an ordinary IPv4 peer.
//!
//! An IPv6-only socket (the default on Windows) is untouched by all this: a mapped
//! destination reaches nobody ([`crate::choices::DUAL_STACK`]).
#![forbid(unsafe_code)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use windows_sys::Win32::Networking::WinSock::{AF_INET, AF_INET6, SOCKET};

use crate::error::Result;
use crate::model::options::reuse::Reuse;
use crate::model::options::Opt;
use crate::model::socket::SocketEntry;
use crate::model::topology::Topology;

/// `addr` as an IPv6 socket sees it: an IPv4 address mapped (`::ffff:a.b.c.d`).
pub(in crate::model) fn mapped(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V4(v4) => SocketAddr::new(IpAddr::V6(v4.ip().to_ipv6_mapped()), v4.port()),
        SocketAddr::V6(_) => addr,
    }
}

/// The IPv4 address a mapped IPv6 address stands for; `None` for any other.
pub(in crate::model) fn unmapped(addr: SocketAddr) -> Option<SocketAddr> {
    match addr {
        SocketAddr::V6(v6) => v6
            .ip()
            .to_ipv4_mapped()
            .map(|v4| SocketAddr::new(IpAddr::V4(v4), v6.port())),
        SocketAddr::V4(_) => None,
    }
}

impl SocketEntry {
    /// Whether the socket is a dual-stack IPv6 socket (`IPV6_V6ONLY` FALSE).
    pub(in crate::model) fn dual_stack(&self) -> bool {
        self.kind.family == AF_INET6 && !self.option_on(Opt::V6Only)
    }

    /// `addr` as this socket reports a peer or local address: mapped on an IPv6 socket.
    pub(in crate::model) fn as_seen(&self, addr: SocketAddr) -> SocketAddr {
        if self.kind.family == AF_INET6 {
            mapped(addr)
        } else {
            addr
        }
    }

    /// Where what this socket sends to `to` goes: the IPv4 address a mapped `to` stands for
    /// on a dual-stack socket, `to` itself otherwise.
    pub(in crate::model) fn route(&self, to: SocketAddr) -> SocketAddr {
        unmapped(to).filter(|_| self.dual_stack()).unwrap_or(to)
    }

    /// Whether a listening socket takes a connection from a client of `family`: its own,
    /// or IPv4 on a dual-stack socket.
    pub(in crate::model) fn takes_family(&self, family: u16) -> bool {
        self.kind.family == family || (family == AF_INET && self.dual_stack())
    }
}

/// The IPv4 address a dual-stack socket bound at `bound` also holds: the IPv4 wildcard
/// for the IPv6 wildcard, the IPv4 address for a mapped one; `None` for another address.
fn ipv4_part(bound: SocketAddr) -> Option<SocketAddr> {
    if bound.ip().is_unspecified() {
        return Some(SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), bound.port()));
    }
    unmapped(bound)
}

/// Checks that `handle`, a dual-stack socket about to be bound at `bound`, may also hold
/// the IPv4 part of it (the second-bind table against IPv4 sockets there): the error an
/// IPv4 bind there would get.
pub(in crate::model) fn check_ipv4_part(
    topology: &Topology,
    socket_type: i32,
    bound: SocketAddr,
    reuse: Reuse,
) -> Result<()> {
    match ipv4_part(bound) {
        Some(v4) => topology.choose_with(socket_type, v4, reuse).map(drop),
        None => Ok(()),
    }
}

/// Records the IPv4 part of a dual-stack socket's binding at `bound` (its unbinding
/// removes every binding of the handle at the port).
pub(in crate::model) fn bind_ipv4_part(
    topology: &mut Topology,
    socket_type: i32,
    bound: SocketAddr,
    handle: SOCKET,
    reuse: Reuse,
) {
    if let Some(v4) = ipv4_part(bound) {
        topology.bind_with(socket_type, v4, handle, reuse);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_round_trips_ipv4_only() {
        let v4: SocketAddr = "127.0.0.1:80".parse().unwrap();
        let m = mapped(v4);
        assert_eq!(m.to_string(), "[::ffff:127.0.0.1]:80");
        assert_eq!(unmapped(m), Some(v4));
        assert_eq!(unmapped("[::1]:80".parse().unwrap()), None);
        assert_eq!(
            ipv4_part("[::]:7".parse().unwrap()),
            Some("0.0.0.0:7".parse().unwrap())
        );
        assert_eq!(ipv4_part("[::1]:7".parse().unwrap()), None);
    }
}
