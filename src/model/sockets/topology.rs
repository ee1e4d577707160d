//! Port bindings: who owns which local address, and the ephemeral port counter.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::net::{IpAddr, SocketAddr};

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::choices;
use crate::error::{Error, Result};
use crate::model::options::reuse::{second_bind, Reuse};
use crate::wire::TargetName;

/// A socket bound to a port: its address, its handle, and the reuse option it bound with.
type Owner = (IpAddr, SOCKET, Reuse);

/// (socket type, port) → the sockets bound to that port, with their addresses.
type Bindings = HashMap<(i32, u16), Owners, BuildHasherDefault<crate::model::FoldHasher>>;

/// The sockets bound to one port. Almost every port has one owner, kept inline so that a
/// bind allocates nothing beyond its map entry (`docs/performance.md`, comparison 2).
#[derive(Debug)]
enum Owners {
    One(Owner),
    Many(Vec<Owner>),
}

impl Owners {
    fn as_slice(&self) -> &[Owner] {
        match self {
            Owners::One(owner) => std::slice::from_ref(owner),
            Owners::Many(owners) => owners,
        }
    }

    fn push(&mut self, owner: Owner) {
        match self {
            Owners::One(first) => *self = Owners::Many(vec![*first, owner]),
            Owners::Many(owners) => owners.push(owner),
        }
    }

    /// Removes `handle`'s binding; true when no owner is left.
    fn remove(&mut self, handle: SOCKET) -> bool {
        match self {
            Owners::One((_, owner, _)) => *owner == handle,
            Owners::Many(owners) => {
                owners.retain(|&(_, owner, _)| owner != handle);
                owners.is_empty()
            }
        }
    }
}

/// The bound local addresses of one network. Each socket type has its own port space (TCP
/// port 80 and UDP port 80 are different ports).
#[derive(Debug, Default)]
pub(crate) struct Topology {
    /// (socket type, port) → the sockets bound to that port, with their addresses.
    bound: Bindings,
    /// Offset into [`choices::EPHEMERAL_PORTS`] of the next ephemeral port to try.
    next_ephemeral: u16,
    /// Emulated principals of host addresses, as tests give them
    /// ([`choices::DEFAULT_PRINCIPALS`]). Kept across the last `WSACleanup`: they describe
    /// the network, not Winsock's state.
    principals: HashMap<IpAddr, TargetName>,
}

impl Topology {
    /// Whether `addr` (with a non-zero port) may be bound by a socket of `socket_type`
    /// with `reuse`: the second-bind table against every socket bound there
    /// ([`second_bind`]).
    fn admits(&self, socket_type: i32, addr: SocketAddr, reuse: Reuse) -> Result<()> {
        let Some(owners) = self.bound.get(&(socket_type, addr.port())) else {
            return Ok(());
        };
        owners
            .as_slice()
            .iter()
            .try_for_each(|&(ip, _, first)| second_bind((ip, first), (addr.ip(), reuse)))
    }

    /// Picks the address `bind` would give: `addr` itself, or with port 0 the next
    /// ephemeral port no socket of `socket_type` holds. `WSAEADDRINUSE` or `WSAEACCES` if
    /// taken (as [`Topology::choose_with`] says), `WSAENOBUFS` if no ephemeral port is left.
    pub(crate) fn choose(&self, socket_type: i32, addr: SocketAddr) -> Result<SocketAddr> {
        self.choose_with(socket_type, addr, Reuse::Default)
    }

    /// [`Topology::choose`] for a socket that set `reuse`: a port another socket holds is
    /// granted or refused by the second-bind table of `SO_REUSEADDR` and
    /// `SO_EXCLUSIVEADDRUSE`.
    pub(crate) fn choose_with(
        &self,
        socket_type: i32,
        addr: SocketAddr,
        reuse: Reuse,
    ) -> Result<SocketAddr> {
        if addr.port() != 0 {
            return self.admits(socket_type, addr, reuse).map(|()| addr);
        }
        let first = *choices::EPHEMERAL_PORTS.start();
        let count = choices::EPHEMERAL_PORTS.len() as u32;
        (0..count)
            .map(|i| first + ((u32::from(self.next_ephemeral) + i) % count) as u16)
            .map(|port| SocketAddr::new(addr.ip(), port))
            .find(|candidate| !self.bound.contains_key(&(socket_type, candidate.port())))
            .ok_or(Error::NoBufferSpace)
    }

    /// Records `handle` as bound to `addr` (which [`Topology::choose`] gave).
    pub(crate) fn bind(&mut self, socket_type: i32, addr: SocketAddr, handle: SOCKET) {
        self.bind_with(socket_type, addr, handle, Reuse::Default);
    }

    /// Records `handle` as bound to `addr` with `reuse` (which
    /// [`Topology::choose_with`] gave).
    pub(crate) fn bind_with(
        &mut self,
        socket_type: i32,
        addr: SocketAddr,
        handle: SOCKET,
        reuse: Reuse,
    ) {
        let first = *choices::EPHEMERAL_PORTS.start();
        if choices::EPHEMERAL_PORTS.contains(&addr.port()) {
            let count = choices::EPHEMERAL_PORTS.len() as u32;
            self.next_ephemeral = ((u32::from(addr.port() - first) + 1) % count) as u16;
        }
        let owner = (addr.ip(), handle, reuse);
        self.bound
            .entry((socket_type, addr.port()))
            .and_modify(|owners| owners.push(owner))
            .or_insert(Owners::One(owner));
    }

    /// Forgets `handle`'s binding to `addr`.
    pub(crate) fn unbind(&mut self, socket_type: i32, addr: SocketAddr, handle: SOCKET) {
        let key = (socket_type, addr.port());
        if let Some(owners) = self.bound.get_mut(&key) {
            if owners.remove(handle) {
                self.bound.remove(&key);
            }
        }
    }

    /// The sockets that could receive what is sent to `addr`: bound to exactly that address
    /// first, then bound to the wildcard address of its family.
    pub(crate) fn receivers(
        &self,
        socket_type: i32,
        addr: SocketAddr,
    ) -> impl Iterator<Item = SOCKET> + '_ {
        let owners = self
            .bound
            .get(&(socket_type, addr.port()))
            .map_or(&[][..], Owners::as_slice);
        let exact = owners.iter().filter(move |&&(ip, _, _)| ip == addr.ip());
        let wildcard = owners
            .iter()
            .filter(move |&&(ip, _, _)| ip.is_unspecified() && ip.is_ipv4() == addr.is_ipv4());
        exact.chain(wildcard).map(|&(_, handle, _)| handle)
    }

    /// Gives the host at `ip` the principal `name`.
    pub(crate) fn set_host_principal(&mut self, ip: IpAddr, name: TargetName) {
        self.principals.insert(ip, name);
    }

    /// The principal of the host at `ip`: the one a test gave it, or `host/<ip>`
    /// ([`choices::DEFAULT_PRINCIPALS`]).
    pub(crate) fn host_principal(&self, ip: IpAddr) -> TargetName {
        self.principals
            .get(&ip)
            .cloned()
            .unwrap_or_else(|| TargetName::from(format!("host/{ip}").as_str()))
    }

    /// Forgets every binding (the last `WSACleanup`).
    pub(crate) fn clear(&mut self) {
        self.bound.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use windows_sys::Win32::Networking::WinSock::{SOCK_DGRAM, SOCK_STREAM};

    fn addr(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn binds_follow_the_reuse_table_within_a_family_only() {
        let mut topology = Topology::default();
        topology.bind(SOCK_STREAM, addr("0.0.0.0:80"), 0x100);
        // Default wildcard, then default specific: Windows grants it (the more specific
        // socket then receives what is sent to its address).
        assert!(topology.choose(SOCK_STREAM, addr("127.0.0.1:80")).is_ok());
        assert_eq!(
            topology.choose(SOCK_STREAM, addr("0.0.0.0:80")),
            Err(Error::AddressInUse)
        );
        assert_eq!(
            topology.choose_with(SOCK_STREAM, addr("0.0.0.0:80"), Reuse::Shared),
            Err(Error::AccessDenied)
        );
        assert!(topology.choose(SOCK_STREAM, addr("[::]:80")).is_ok());
        assert!(topology.choose(SOCK_DGRAM, addr("0.0.0.0:80")).is_ok());
        topology.unbind(SOCK_STREAM, addr("0.0.0.0:80"), 0x100);
        assert!(topology.choose(SOCK_STREAM, addr("0.0.0.0:80")).is_ok());
    }

    #[test]
    fn ephemeral_ports_are_handed_out_in_order() {
        let mut topology = Topology::default();
        let first = topology.choose(SOCK_STREAM, addr("10.0.0.1:0")).unwrap();
        assert_eq!(first.port(), 49_152);
        topology.bind(SOCK_STREAM, first, 0x100);
        let second = topology.choose(SOCK_STREAM, addr("10.0.0.1:0")).unwrap();
        assert_eq!(second.port(), 49_153);
    }

    #[test]
    fn receivers_prefer_the_exact_address() {
        let mut topology = Topology::default();
        topology.bind(SOCK_STREAM, addr("0.0.0.0:80"), 0x100);
        topology.bind(SOCK_STREAM, addr("[::]:80"), 0x104);
        assert_eq!(
            topology
                .receivers(SOCK_STREAM, addr("192.0.2.1:80"))
                .collect::<Vec<_>>(),
            vec![0x100]
        );
        assert_eq!(
            topology
                .receivers(SOCK_STREAM, addr("[::1]:80"))
                .collect::<Vec<_>>(),
            vec![0x104]
        );
        assert!(topology
            .receivers(SOCK_STREAM, addr("192.0.2.1:81"))
            .next()
            .is_none());
    }
}
