//! Datagrams: sending one (`datagram.rs`: `sendto`, `WSASendTo`, `send` on a connected
//! datagram socket), IPv4 multicast groups (`multicast.rs`), and the ICMP port-unreachable
//! report of `SIO_UDP_CONNRESET` (`unreachable.rs`).
#![forbid(unsafe_code)]

pub(super) mod datagram;
pub(super) mod multicast;
pub(super) mod pktinfo;
pub(super) mod unreachable;
