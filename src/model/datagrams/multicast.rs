//! IPv4 multicast: group membership (`IP_ADD_MEMBERSHIP`, `IP_DROP_MEMBERSHIP`) and the
//! delivery of a datagram sent to a group.
//!
//! A datagram to a group address (224.0.0.0/4) at port P reaches every datagram socket
//! bound to P (at the wildcard address or at the group's) that joined the group, not one
//! socket as a unicast datagram does; and, as on Windows, where `IP_MULTICAST_LOOP` acts
//! on the *receiving* socket, only those whose `IP_MULTICAST_LOOP` is on (the default):
//! every sender of the emulated network is on the receivers' own host. Nobody joined is
//! no error and draws no port-unreachable notification; multicast traffic is not secured
//! ([`crate::choices::MULTICAST_DELIVERY`]).
#![forbid(unsafe_code)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use crate::model::sync::MutexGuard;
use windows_sys::Win32::Networking::WinSock::{SOCKET, SOCK_DGRAM};

use crate::error::{Error, Result};
use crate::model::datagram::deliver_datagram;
use crate::model::options::Opt;
use crate::model::socket::SocketEntry;
use crate::model::topology::Topology;
use crate::model::SocketTable;

/// The address a multicast datagram comes from when its sender is bound to the wildcard
/// address: loopback, the sending host's own address.
const LOCAL_SOURCE: Ipv4Addr = Ipv4Addr::LOCALHOST;

impl SocketEntry {
    /// Whether the socket joined `group`.
    pub(crate) fn joined(&self, group: Ipv4Addr) -> bool {
        self.options()
            .is_some_and(|options| options.groups.contains(&group))
    }

    /// `IP_ADD_MEMBERSHIP` (`join`) or `IP_DROP_MEMBERSHIP`: `WSAEINVAL` for an address
    /// that is not a multicast group, `WSAEADDRINUSE` for a group already joined,
    /// `WSAEADDRNOTAVAIL` for one not joined ([`crate::choices::MULTICAST_DELIVERY`]).
    pub(crate) fn membership(&mut self, group: Ipv4Addr, join: bool) -> Result<()> {
        if !group.is_multicast() {
            return Err(Error::Invalid);
        }
        match (join, self.joined(group)) {
            (true, true) => Err(Error::AddressInUse),
            (false, false) => Err(Error::AddressNotAvailable),
            (true, false) => {
                self.options_mut().groups.push(group);
                Ok(())
            }
            (false, true) => {
                self.options_mut().groups.retain(|&joined| joined != group);
                Ok(())
            }
        }
    }
}

impl SocketTable {
    /// Steps 2 and 3 of a datagram to the multicast `group` (the sender's checks passed,
    /// `topology` held since): delivered to every member, the sender bound if it was not.
    pub(in crate::model) fn send_multicast(
        &self,
        mut topology: MutexGuard<'_, Topology>,
        handle: SOCKET,
        data: &[u8],
        (to, local, bound): (SocketAddr, Option<SocketAddr>, SocketAddr),
    ) -> Result<usize> {
        let IpAddr::V4(group) = to.ip() else {
            return Err(Error::Invalid);
        };
        let source_ip = if bound.ip().is_unspecified() {
            IpAddr::V4(LOCAL_SOURCE)
        } else {
            bound.ip()
        };
        let source = SocketAddr::new(source_ip, bound.port());
        let copies = self.observer.datagram_copies(handle, to, source, data);
        let members: Vec<SOCKET> = topology.receivers(SOCK_DGRAM, to).collect();
        for member in members {
            if let Some(entry) = self.shard(member).lock().get_mut(&member) {
                if entry.joined(group) && entry.option_on(Opt::MulticastLoop) {
                    for _ in 0..copies {
                        deliver_datagram(entry, source, to.ip(), data);
                    }
                }
            }
        }
        if local.is_none() {
            topology.bind(SOCK_DGRAM, bound, handle);
            self.with_entry(handle, |entry| {
                entry.local = Some(bound);
                Ok(())
            })?;
        }
        Ok(data.len())
    }
}
