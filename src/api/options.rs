//! The safe face of `getsockname`, `getpeername`, `getsockopt` and `setsockopt`: typed
//! option getters and setters, named as socket2 names them where the option is the same.
//!
//! Each goes through the same option table as [`crate::sys::getsockopt`] (see
//! `docs/options.md`, which marks each option acting or stored), with the same checks.
#![forbid(unsafe_code)]

use std::net::Ipv4Addr;
use std::time::Duration;

use windows_sys::Win32::Networking::WinSock::{
    IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP, IPV6_UNICAST_HOPS, IPV6_V6ONLY, IP_ADD_MEMBERSHIP,
    IP_DROP_MEMBERSHIP, IP_MULTICAST_LOOP, IP_MULTICAST_TTL, IP_TOS, IP_TTL, SOL_SOCKET,
    SO_ACCEPTCONN, SO_BROADCAST, SO_EXCLUSIVEADDRUSE, SO_KEEPALIVE, SO_LINGER, SO_OOBINLINE,
    SO_PROTOCOL_INFOW, SO_REUSEADDR, SO_TYPE, TCP_NODELAY,
};

use super::{Domain, Protocol, Socket, Type};
use crate::error::Result;
use crate::model::options::{Direction, OptionValue};

impl Socket {
    /// `getsockopt(level, name)`, as a value.
    fn option(&self, level: i32, name: i32) -> Result<OptionValue> {
        let table = &self.network.table;
        let spec = table.option_for(self.handle, level, name, Direction::Get)?;
        table.get_option(self.handle, spec)
    }

    /// `getsockopt(level, name)` of an integer option.
    fn int_option(&self, level: i32, name: i32) -> Result<i32> {
        Ok(self.option(level, name)?.int())
    }

    /// `setsockopt(level, name, value)`.
    fn set_option(&self, level: i32, name: i32, value: OptionValue) -> Result<()> {
        let table = &self.network.table;
        let spec = table.option_for(self.handle, level, name, Direction::Set)?;
        table.set_option(self.handle, spec, value)
    }

    /// `setsockopt(level, name, value)` of a `BOOL` option.
    fn set_bool(&self, level: i32, name: i32, on: bool) -> Result<()> {
        self.set_option(level, name, OptionValue::Int(i32::from(on)))
    }

    /// `getsockopt(SOL_SOCKET, SO_TYPE)`: the socket's type.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// assert_eq!(s.r#type()?, Type::DGRAM);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn r#type(&self) -> Result<Type> {
        self.int_option(SOL_SOCKET, SO_TYPE).map(Type)
    }

    /// `getsockopt(SOL_SOCKET, SO_PROTOCOL_INFOW)`'s `iAddressFamily`: the socket's domain.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV6, Type::STREAM, None)?;
    /// assert_eq!(s.domain()?, Domain::IPV6);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn domain(&self) -> Result<Domain> {
        match self.option(SOL_SOCKET, SO_PROTOCOL_INFOW)? {
            OptionValue::ProtocolInfo(kind) => Ok(Domain(kind.family)),
            _ => Err(crate::Error::NoProtocolOption),
        }
    }

    /// `getsockopt(SOL_SOCKET, SO_PROTOCOL_INFOW)`'s `iProtocol`: the socket's protocol,
    /// resolved (a socket created with protocol 0 reports its type's default).
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Protocol, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// assert_eq!(s.protocol()?, Some(Protocol::TCP));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn protocol(&self) -> Result<Option<Protocol>> {
        match self.option(SOL_SOCKET, SO_PROTOCOL_INFOW)? {
            OptionValue::ProtocolInfo(kind) => {
                Ok(Some(Protocol(kind.protocol)).filter(|p| p.0 != 0))
            }
            _ => Err(crate::Error::NoProtocolOption),
        }
    }

    /// `getsockopt(SOL_SOCKET, SO_ACCEPTCONN)`: whether the socket is listening.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// s.bind("127.0.0.1:0".parse().unwrap())?;
    /// assert!(!s.is_listener()?);
    /// s.listen(1)?;
    /// assert!(s.is_listener()?);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn is_listener(&self) -> Result<bool> {
        Ok(self.int_option(SOL_SOCKET, SO_ACCEPTCONN)? != 0)
    }

    /// `getsockopt(SOL_SOCKET, SO_REUSEADDR)`.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// assert!(!s.reuse_address()?);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn reuse_address(&self) -> Result<bool> {
        Ok(self.int_option(SOL_SOCKET, SO_REUSEADDR)? != 0)
    }

    /// `setsockopt(SOL_SOCKET, SO_REUSEADDR)`: read at `bind`, which then follows Windows'
    /// second-bind table. `WSAEINVAL` while `SO_EXCLUSIVEADDRUSE` is set.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let a = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// a.set_reuse_address(true)?;
    /// let at = a.bind("127.0.0.1:0".parse().unwrap())?;
    /// let b = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// b.set_reuse_address(true)?;
    /// b.bind(at)?; // both set SO_REUSEADDR: granted
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_reuse_address(&self, on: bool) -> Result<()> {
        self.set_bool(SOL_SOCKET, SO_REUSEADDR, on)
    }

    /// `getsockopt(SOL_SOCKET, SO_EXCLUSIVEADDRUSE)`.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// assert!(!s.exclusive_address_use()?);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn exclusive_address_use(&self) -> Result<bool> {
        Ok(self.int_option(SOL_SOCKET, SO_EXCLUSIVEADDRUSE)? != 0)
    }

    /// `setsockopt(SOL_SOCKET, SO_EXCLUSIVEADDRUSE)`: read at `bind`; a later bind to the
    /// port by another socket is refused as Windows' table says. `WSAEINVAL` while
    /// `SO_REUSEADDR` is set.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Error, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let a = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// a.set_exclusive_address_use(true)?;
    /// let at = a.bind("0.0.0.0:0".parse().unwrap())?;
    /// let b = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// let loopback = std::net::SocketAddr::new([127, 0, 0, 1].into(), at.port());
    /// assert_eq!(b.bind(loopback), Err(Error::AccessDenied));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_exclusive_address_use(&self, on: bool) -> Result<()> {
        self.set_bool(SOL_SOCKET, SO_EXCLUSIVEADDRUSE, on)
    }

    /// `getsockopt(SOL_SOCKET, SO_BROADCAST)`.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// assert!(!s.broadcast()?);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn broadcast(&self) -> Result<bool> {
        Ok(self.int_option(SOL_SOCKET, SO_BROADCAST)? != 0)
    }

    /// `setsockopt(SOL_SOCKET, SO_BROADCAST)`: without it, `sendto` 255.255.255.255 is
    /// `WSAEACCES`.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Error, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// let all = "255.255.255.255:5000".parse().unwrap();
    /// assert_eq!(s.send_to(b"hi", all), Err(Error::AccessDenied));
    /// s.set_broadcast(true)?;
    /// assert_eq!(s.send_to(b"hi", all), Ok(2));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_broadcast(&self, on: bool) -> Result<()> {
        self.set_bool(SOL_SOCKET, SO_BROADCAST, on)
    }

    /// `getsockopt(SOL_SOCKET, SO_KEEPALIVE)` (stored: no keep-alive runs in memory).
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// s.set_keepalive(true)?;
    /// assert!(s.keepalive()?);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn keepalive(&self) -> Result<bool> {
        Ok(self.int_option(SOL_SOCKET, SO_KEEPALIVE)? != 0)
    }

    /// `setsockopt(SOL_SOCKET, SO_KEEPALIVE)` (stored).
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// s.set_keepalive(false)?;
    /// assert!(!s.keepalive()?);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_keepalive(&self, on: bool) -> Result<()> {
        self.set_bool(SOL_SOCKET, SO_KEEPALIVE, on)
    }

    /// `getsockopt(SOL_SOCKET, SO_LINGER)`: `None` when `l_onoff` is 0, else `l_linger`
    /// seconds. Stream sockets only (`WSAENOPROTOOPT` otherwise).
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// assert_eq!(s.linger()?, None);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn linger(&self) -> Result<Option<Duration>> {
        match self.option(SOL_SOCKET, SO_LINGER)? {
            OptionValue::Linger { onoff: 0, .. } => Ok(None),
            OptionValue::Linger { linger, .. } => Ok(Some(Duration::from_secs(linger.into()))),
            _ => Err(crate::Error::NoProtocolOption),
        }
    }

    /// `setsockopt(SOL_SOCKET, SO_LINGER)`: `Some(Duration::ZERO)` makes `closesocket`
    /// reset the connection (the peer's `recv` then fails with `WSAECONNRESET`); seconds
    /// above 65,535 are kept as 65,535.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use winsock_emu::{Domain, Error, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let listener = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// let at = listener.bind("127.0.0.1:0".parse().unwrap())?;
    /// listener.listen(1)?;
    /// let client = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// client.connect(at)?;
    /// let (server, _) = listener.accept()?;
    /// client.set_linger(Some(Duration::ZERO))?;
    /// client.close()?;
    /// assert_eq!(server.recv(&mut [0; 8]), Err(Error::ConnectionReset));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_linger(&self, linger: Option<Duration>) -> Result<()> {
        let value = OptionValue::Linger {
            onoff: u16::from(linger.is_some()),
            linger: linger.map_or(0, |time| u16::try_from(time.as_secs()).unwrap_or(u16::MAX)),
        };
        self.set_option(SOL_SOCKET, SO_LINGER, value)
    }

    /// `getsockopt(SOL_SOCKET, SO_OOBINLINE)` (stored).
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// assert!(!s.out_of_band_inline()?);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn out_of_band_inline(&self) -> Result<bool> {
        Ok(self.int_option(SOL_SOCKET, SO_OOBINLINE)? != 0)
    }

    /// `setsockopt(SOL_SOCKET, SO_OOBINLINE)` (stored).
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// s.set_out_of_band_inline(true)?;
    /// assert!(s.out_of_band_inline()?);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_out_of_band_inline(&self, on: bool) -> Result<()> {
        self.set_bool(SOL_SOCKET, SO_OOBINLINE, on)
    }

    /// `getsockopt(IPPROTO_TCP, TCP_NODELAY)` (stored). TCP sockets only.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// assert!(!s.nodelay()?); // Nagle on, as on Windows
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn nodelay(&self) -> Result<bool> {
        Ok(self.int_option(IPPROTO_TCP, TCP_NODELAY)? != 0)
    }

    /// `setsockopt(IPPROTO_TCP, TCP_NODELAY)` (stored). TCP sockets only.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Error, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// s.set_nodelay(true)?;
    /// assert!(s.nodelay()?);
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// assert_eq!(udp.set_nodelay(true), Err(Error::NoProtocolOption));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_nodelay(&self, on: bool) -> Result<()> {
        self.set_bool(IPPROTO_TCP, TCP_NODELAY, on)
    }

    /// `getsockopt(IPPROTO_IP, IP_TTL)` (stored; 128 by default).
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// assert_eq!(s.ttl()?, 128);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn ttl(&self) -> Result<u32> {
        Ok(self.int_option(IPPROTO_IP, IP_TTL)? as u32)
    }

    /// `setsockopt(IPPROTO_IP, IP_TTL)` (stored). Above 255 is `WSAEINVAL`.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Error, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// s.set_ttl(64)?;
    /// assert_eq!(s.ttl()?, 64);
    /// assert_eq!(s.set_ttl(256), Err(Error::Invalid));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> Result<()> {
        self.set_option(IPPROTO_IP, IP_TTL, OptionValue::Int(ttl as i32))
    }

    /// `getsockopt(IPPROTO_IP, IP_TOS)` (stored).
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// s.set_tos(0x10)?;
    /// assert_eq!(s.tos()?, 0x10);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn tos(&self) -> Result<u32> {
        Ok(self.int_option(IPPROTO_IP, IP_TOS)? as u32)
    }

    /// `setsockopt(IPPROTO_IP, IP_TOS)` (stored). Above 255 is `WSAEINVAL`.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Error, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// assert_eq!(s.set_tos(0x100), Err(Error::Invalid));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_tos(&self, tos: u32) -> Result<()> {
        self.set_option(IPPROTO_IP, IP_TOS, OptionValue::Int(tos as i32))
    }

    /// `getsockopt(IPPROTO_IP, IP_MULTICAST_TTL)` (stored; 1 by default). Datagram sockets.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// assert_eq!(s.multicast_ttl_v4()?, 1);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn multicast_ttl_v4(&self) -> Result<u32> {
        Ok(self.int_option(IPPROTO_IP, IP_MULTICAST_TTL)? as u32)
    }

    /// `setsockopt(IPPROTO_IP, IP_MULTICAST_TTL)` (stored). Above 255 is `WSAEINVAL`; a
    /// stream socket is `WSAEINVAL`.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// s.set_multicast_ttl_v4(8)?;
    /// assert_eq!(s.multicast_ttl_v4()?, 8);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_multicast_ttl_v4(&self, ttl: u32) -> Result<()> {
        self.set_option(IPPROTO_IP, IP_MULTICAST_TTL, OptionValue::Int(ttl as i32))
    }

    /// `getsockopt(IPPROTO_IP, IP_MULTICAST_LOOP)` (TRUE by default).
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// assert!(s.multicast_loop_v4()?);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn multicast_loop_v4(&self) -> Result<bool> {
        Ok(self.int_option(IPPROTO_IP, IP_MULTICAST_LOOP)? != 0)
    }

    /// `setsockopt(IPPROTO_IP, IP_MULTICAST_LOOP)`: acts on the receiving socket, as on
    /// Windows: FALSE, and it receives no group datagram (every sender is on its host).
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// s.set_multicast_loop_v4(false)?;
    /// assert!(!s.multicast_loop_v4()?);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_multicast_loop_v4(&self, on: bool) -> Result<()> {
        self.set_bool(IPPROTO_IP, IP_MULTICAST_LOOP, on)
    }

    /// `setsockopt(IPPROTO_IP, IP_ADD_MEMBERSHIP)`: joins the IPv4 group `multiaddr` (the
    /// interface is not checked: the network is one host). Datagrams sent to the group at
    /// this socket's port are then delivered to it. `WSAEADDRINUSE` if already joined.
    ///
    /// ```
    /// # use std::net::Ipv4Addr;
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let member = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// let port = member.bind("0.0.0.0:0".parse().unwrap())?.port();
    /// let group = Ipv4Addr::new(239, 1, 2, 3);
    /// member.join_multicast_v4(&group, &Ipv4Addr::UNSPECIFIED)?;
    /// let sender = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// sender.send_to(b"hello", (group, port).into())?;
    /// let mut buf = [0; 8];
    /// assert_eq!(member.recv(&mut buf)?, 5);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn join_multicast_v4(&self, multiaddr: &Ipv4Addr, interface: &Ipv4Addr) -> Result<()> {
        let value = OptionValue::Membership {
            group: *multiaddr,
            interface: *interface,
        };
        self.set_option(IPPROTO_IP, IP_ADD_MEMBERSHIP, value)
    }

    /// `setsockopt(IPPROTO_IP, IP_DROP_MEMBERSHIP)`: leaves the group. `WSAEADDRNOTAVAIL`
    /// if not joined.
    ///
    /// ```
    /// # use std::net::Ipv4Addr;
    /// # use winsock_emu::{Domain, Error, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// let group = Ipv4Addr::new(239, 1, 2, 3);
    /// s.join_multicast_v4(&group, &Ipv4Addr::UNSPECIFIED)?;
    /// s.leave_multicast_v4(&group, &Ipv4Addr::UNSPECIFIED)?;
    /// let again = s.leave_multicast_v4(&group, &Ipv4Addr::UNSPECIFIED);
    /// assert_eq!(again, Err(Error::AddressNotAvailable));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn leave_multicast_v4(&self, multiaddr: &Ipv4Addr, interface: &Ipv4Addr) -> Result<()> {
        let value = OptionValue::Membership {
            group: *multiaddr,
            interface: *interface,
        };
        self.set_option(IPPROTO_IP, IP_DROP_MEMBERSHIP, value)
    }

    /// `getsockopt(IPPROTO_IPV6, IPV6_V6ONLY)`: TRUE by default on Windows.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV6, Type::STREAM, None)?;
    /// assert!(s.only_v6()?);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn only_v6(&self) -> Result<bool> {
        Ok(self.int_option(IPPROTO_IPV6, IPV6_V6ONLY)? != 0)
    }

    /// `setsockopt(IPPROTO_IPV6, IPV6_V6ONLY)`: before `bind` only (`WSAEINVAL` after).
    /// Stored: FALSE does not yet let the socket reach IPv4 peers through mapped
    /// addresses (README, not emulated).
    ///
    /// ```
    /// # use winsock_emu::{Domain, Error, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV6, Type::STREAM, None)?;
    /// s.set_only_v6(false)?;
    /// assert!(!s.only_v6()?);
    /// s.bind("[::1]:0".parse().unwrap())?;
    /// assert_eq!(s.set_only_v6(true), Err(Error::Invalid));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_only_v6(&self, only_v6: bool) -> Result<()> {
        self.set_bool(IPPROTO_IPV6, IPV6_V6ONLY, only_v6)
    }

    /// `getsockopt(IPPROTO_IPV6, IPV6_UNICAST_HOPS)` (stored; 128 by default). IPv6 only.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV6, Type::DGRAM, None)?;
    /// assert_eq!(s.unicast_hops_v6()?, 128);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn unicast_hops_v6(&self) -> Result<u32> {
        Ok(self.int_option(IPPROTO_IPV6, IPV6_UNICAST_HOPS)? as u32)
    }

    /// `setsockopt(IPPROTO_IPV6, IPV6_UNICAST_HOPS)` (stored). Above 255 is `WSAEINVAL`.
    ///
    /// ```
    /// # use winsock_emu::{Domain, Network, Type};
    /// # let net = Network::new(); let _wsa = net.startup()?;
    /// let s = net.socket(Domain::IPV6, Type::DGRAM, None)?;
    /// s.set_unicast_hops_v6(32)?;
    /// assert_eq!(s.unicast_hops_v6()?, 32);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_unicast_hops_v6(&self, hops: u32) -> Result<()> {
        self.set_option(
            IPPROTO_IPV6,
            IPV6_UNICAST_HOPS,
            OptionValue::Int(hops as i32),
        )
    }
}
