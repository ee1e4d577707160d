//! The destination address of a received datagram, for `WSARecvMsg`'s `IP_PKTINFO` and
//! `IPV6_PKTINFO` control data.
//!
//! A datagram keeps its destination only when it reaches a socket with one of the two
//! options on ([`Queued::Addressed`]), so the other sockets' queues cost no more; a receive
//! reports it when the option of the destination's family is on as the datagram is taken:
//! `IP_PKTINFO` for an IPv4 destination, `IPV6_PKTINFO` for an IPv6 one (the
//! `LPFN_WSARECVMSG` page: on a dual-stack socket only `IP_PKTINFO` gives the packet
//! information of datagrams received over IPv4). [`crate::choices::WSARECVMSG_CONTROL`].
#![forbid(unsafe_code)]

use std::net::{IpAddr, SocketAddr};

use crate::model::options::Opt;
use crate::model::payload::Payload;
use crate::model::socket::{Queued, SocketEntry};

impl Queued {
    /// A datagram from `source` to `to` as `entry` queues it: with its destination when
    /// `entry` has `IP_PKTINFO` or `IPV6_PKTINFO` on.
    pub(in crate::model) fn arriving(
        entry: &SocketEntry,
        source: SocketAddr,
        to: IpAddr,
        data: &[u8],
    ) -> Self {
        let payload = Payload::new(data);
        if entry.option_on(Opt::PacketInfo) || entry.option_on(Opt::PacketInfo6) {
            Queued::Addressed(Box::new((source, to)), payload)
        } else {
            Queued::Datagram(source, payload)
        }
    }

    /// Whether the entry is a datagram (not a port-unreachable notification).
    pub(crate) fn is_datagram(&self) -> bool {
        !matches!(self, Queued::PortUnreachable)
    }

    /// A datagram's sender, bytes and recorded destination; `None` for a notification.
    pub(in crate::model) fn into_datagram(self) -> Option<(SocketAddr, Payload, Option<IpAddr>)> {
        match self {
            Queued::Datagram(from, data) => Some((from, data, None)),
            Queued::Addressed(addresses, data) => Some((addresses.0, data, Some(addresses.1))),
            Queued::PortUnreachable => None,
        }
    }

    /// A datagram's bytes; `None` for a notification.
    pub(in crate::model) fn payload(&self) -> Option<&Payload> {
        match self {
            Queued::Datagram(_, data) | Queued::Addressed(_, data) => Some(data),
            Queued::PortUnreachable => None,
        }
    }
}

/// The destination a receive on `entry` reports for a datagram that recorded `to`: when
/// the option of `to`'s family is on now.
pub(in crate::model) fn reported(entry: &SocketEntry, to: Option<IpAddr>) -> Option<IpAddr> {
    to.filter(|to| match to {
        IpAddr::V4(_) => entry.option_on(Opt::PacketInfo),
        IpAddr::V6(_) => entry.option_on(Opt::PacketInfo6),
    })
}
