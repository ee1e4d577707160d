//! The option table: one entry per socket option `getsockopt`/`setsockopt` know, with its
//! level, name, type, accepted sizes, default, get/set rules and whether it acts.
//!
//! Sources: the `SOL_SOCKET`, `IPPROTO_TCP`, `IPPROTO_IP` and `IPPROTO_IPV6` socket option
//! pages, the [getsockopt] and [setsockopt] pages, and Wine's conformance test
//! `dlls/ws2_32/tests/sock.c` (`test_set_getsockopt` and its `test_optsize` table, which
//! record the lengths Windows accepts that the pages do not list). `docs/options.md` is
//! this table in prose; a test keeps the two in step.
//!
//! [getsockopt]: https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-getsockopt
//! [setsockopt]: https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-setsockopt
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    AF_INET, AF_INET6, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP, IPPROTO_UDP, IPV6_PKTINFO,
    IPV6_UNICAST_HOPS, IPV6_V6ONLY, IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP, IP_MULTICAST_LOOP,
    IP_MULTICAST_TTL, IP_PKTINFO, IP_TOS, IP_TTL, SOCK_DGRAM, SOCK_STREAM, SOL_SOCKET,
    SO_ACCEPTCONN, SO_BROADCAST, SO_CONDITIONAL_ACCEPT, SO_CONNECT_TIME, SO_DONTLINGER, SO_ERROR,
    SO_EXCLUSIVEADDRUSE, SO_KEEPALIVE, SO_LINGER, SO_MAX_MSG_SIZE, SO_OOBINLINE, SO_PROTOCOL_INFOW,
    SO_RCVBUF, SO_RCVTIMEO, SO_REUSEADDR, SO_SNDBUF, SO_SNDTIMEO, SO_TYPE,
    SO_UPDATE_ACCEPT_CONTEXT, SO_UPDATE_CONNECT_CONTEXT, TCP_KEEPALIVE, TCP_KEEPCNT, TCP_KEEPINTVL,
    TCP_NODELAY, WSAPROTOCOL_INFOW,
};

use super::super::catalog::SocketKind;
use crate::choices;
use crate::error::{Error, Result};

/// Which option an entry is: the key its value is stored under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Opt {
    Type,
    ProtocolInfo,
    AcceptConn,
    Error,
    ReuseAddr,
    ExclusiveAddrUse,
    Broadcast,
    KeepAlive,
    Linger,
    DontLinger,
    RecvBuffer,
    SendBuffer,
    RecvTimeout,
    SendTimeout,
    ConditionalAccept,
    UpdateAcceptContext,
    UpdateConnectContext,
    ConnectTime,
    MaxMsgSize,
    OobInline,
    NoDelay,
    KeepIdle,
    KeepInterval,
    KeepCount,
    Ttl,
    Tos,
    MulticastTtl,
    MulticastLoop,
    V6Only,
    UnicastHops,
    AddMembership,
    DropMembership,
    PacketInfo,
    PacketInfo6,
}

/// The C type of an option's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// A `BOOL` (an `int`): nonzero is on, read back as 1.
    Bool,
    /// An `int` or `DWORD`, read back as set.
    Int,
    /// `struct linger { u_short l_onoff; u_short l_linger; }`.
    Linger,
    /// `WSAPROTOCOL_INFOW`.
    ProtocolInfo,
    /// A `SOCKET` handle.
    Socket,
    /// No value at all (`optval` may be NULL and `optlen` 0).
    Nothing,
    /// `struct ip_mreq { IN_ADDR imr_multiaddr; IN_ADDR imr_interface; }`.
    Membership,
}

impl Form {
    /// The value's full size in bytes.
    pub(crate) const fn size(self) -> usize {
        match self {
            Form::Bool | Form::Int | Form::Linger => 4,
            Form::ProtocolInfo => size_of::<WSAPROTOCOL_INFOW>(),
            Form::Socket => size_of::<usize>(),
            Form::Membership => 8,
            Form::Nothing => 0,
        }
    }
}

/// What a `getsockopt` whose `*optlen` is shorter than the value leaves behind, besides
/// failing with `WSAEFAULT` (sock.c's `test_optsize`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Short {
    /// Zero bytes are written into the short buffer; `*optlen` is unchanged (`SO_LINGER`,
    /// `SO_RCVBUF`, `SO_SNDBUF`).
    ZeroFill,
    /// Buffer and `*optlen` untouched (`SO_RCVTIMEO`, `SO_SNDTIMEO`, and the options sock.c
    /// does not record: [`crate::choices::OPTION_SHORT_BUFFERS`]).
    Untouched,
    /// `*optlen` is set to 0, the buffer untouched (`TCP_KEEPALIVE`, `TCP_KEEPCNT`,
    /// `TCP_KEEPINTVL`).
    LengthZero,
    /// `*optlen` is set to the size needed (`SO_PROTOCOL_INFOW`).
    LengthNeeded,
}

/// The lengths an option accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sizes {
    /// The value's full size at least; shorter is `WSAEFAULT`, and a short `getsockopt`
    /// leaves what [`Short`] says.
    Full(Short),
    /// The "1B-tolerant" options: `setsockopt` accepts 1 or 2 bytes (and 0 when `empty`),
    /// reading the bytes given; `getsockopt` with 1 byte gives 1 byte, with 2 or 3 writes 2
    /// bytes and reports 1, with 4 or more gives 4.
    Tolerant {
        /// `setsockopt` with `optlen` 0 succeeds (the `SOL_SOCKET` booleans).
        empty: bool,
    },
    /// Always one byte from `getsockopt` (`*optlen` becomes 1 even when it was 4); only the
    /// low byte of a `setsockopt` value counts.
    OneByte,
}

/// Which calls an option answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// `getsockopt` and `setsockopt`.
    GetSet,
    /// `getsockopt` only; `setsockopt` is `WSAENOPROTOOPT`.
    GetOnly,
    /// `setsockopt` only; `getsockopt` is `WSAENOPROTOOPT`.
    SetOnly,
}

/// Whether setting an option changes what the emulator does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    /// The emulator behaves differently, as described.
    Acting(&'static str),
    /// Kept and read back; no effect on a network in memory.
    Stored,
}

impl Effect {
    /// `acting` or `stored`, as `docs/options.md` and traces say it.
    pub(crate) const fn word(self) -> &'static str {
        match self {
            Effect::Acting(_) => "acting",
            Effect::Stored => "stored",
        }
    }
}

/// One socket option.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OptionSpec {
    /// The key its value is stored under.
    pub opt: Opt,
    /// `SOL_SOCKET`, `IPPROTO_TCP`, `IPPROTO_IP` or `IPPROTO_IPV6`.
    pub level: i32,
    /// The option's number.
    pub name: i32,
    /// The constant's name.
    pub label: &'static str,
    /// The C type.
    pub form: Form,
    /// The lengths accepted.
    pub sizes: Sizes,
    /// Get, set or both.
    pub access: Access,
    /// Which sockets have it: `Ok`, or the error the others get.
    pub applies: fn(&SocketKind) -> Result<()>,
    /// The value a socket starts with, for an option kept per socket (`None`: the value
    /// is the socket's state, computed when read).
    pub default: Option<i32>,
    /// The largest value `setsockopt` takes (as an unsigned number); larger is `WSAEINVAL`.
    pub max: Option<u32>,
    /// Acting or stored.
    pub effect: Effect,
}

/// Any socket.
fn any(_: &SocketKind) -> Result<()> {
    Ok(())
}

/// Stream sockets; others get `WSAENOPROTOOPT` (`SO_LINGER` on UDP, sock.c).
fn stream(kind: &SocketKind) -> Result<()> {
    if kind.socket_type == SOCK_STREAM {
        Ok(())
    } else {
        Err(Error::NoProtocolOption)
    }
}

/// TCP sockets; others get `WSAENOPROTOOPT` ([`crate::choices::OPTION_APPLICABILITY`]).
fn tcp(kind: &SocketKind) -> Result<()> {
    if kind.protocol == IPPROTO_TCP && is_ip(kind) {
        Ok(())
    } else {
        Err(Error::NoProtocolOption)
    }
}

/// Whether the socket is an IP socket.
fn is_ip(kind: &SocketKind) -> bool {
    kind.family == AF_INET || kind.family == AF_INET6
}

/// IP sockets; others get `WSAEINVAL`, the level being invalid for them
/// ([`crate::choices::OPTION_APPLICABILITY`]).
fn ip(kind: &SocketKind) -> Result<()> {
    if is_ip(kind) {
        Ok(())
    } else {
        Err(Error::Invalid)
    }
}

/// IP datagram sockets; a stream socket gets `WSAEINVAL` (`IP_MULTICAST_*` on TCP, sock.c).
fn ip_datagram(kind: &SocketKind) -> Result<()> {
    ip(kind)?;
    if kind.socket_type == SOCK_DGRAM {
        Ok(())
    } else {
        Err(Error::Invalid)
    }
}

/// `IPV6_V6ONLY`: every IP socket (Windows answers it on an `AF_INET` socket too, sock.c
/// `test_ipv6only`).
fn v6only(kind: &SocketKind) -> Result<()> {
    ip(kind)
}

/// `AF_INET6` sockets; others get `WSAEINVAL` ([`crate::choices::OPTION_APPLICABILITY`]).
fn ipv6(kind: &SocketKind) -> Result<()> {
    if kind.family == AF_INET6 {
        Ok(())
    } else {
        Err(Error::Invalid)
    }
}

/// `IPV6_PKTINFO`: `AF_INET6` datagram sockets; others get `WSAEINVAL`.
fn ipv6_datagram(kind: &SocketKind) -> Result<()> {
    ipv6(kind)?;
    ip_datagram(kind)
}

/// A short-hand for the table's rows.
#[allow(clippy::too_many_arguments)]
const fn spec(
    opt: Opt,
    level: i32,
    name: i32,
    label: &'static str,
    form: Form,
    sizes: Sizes,
    access: Access,
    applies: fn(&SocketKind) -> Result<()>,
    default: Option<i32>,
    effect: Effect,
) -> OptionSpec {
    OptionSpec {
        opt,
        level,
        name,
        label,
        form,
        sizes,
        access,
        applies,
        default,
        max: None,
        effect,
    }
}

/// `spec` with a largest value (the options sock.c finds refusing 0x100).
const fn capped(spec: OptionSpec, max: u32) -> OptionSpec {
    OptionSpec {
        max: Some(max),
        ..spec
    }
}

use Access::{GetOnly, GetSet, SetOnly};
use Effect::{Acting, Stored};
use Form::{Bool, Int, Linger, Membership, Nothing, ProtocolInfo, Socket};
use Short::{LengthNeeded, LengthZero, Untouched, ZeroFill};

const FULL: Sizes = Sizes::Full(Untouched);
const TOLERANT: Sizes = Sizes::Tolerant { empty: false };
const TOLERANT_EMPTY: Sizes = Sizes::Tolerant { empty: true };
const SO: i32 = SOL_SOCKET;
const TCP: i32 = IPPROTO_TCP;
const IP: i32 = IPPROTO_IP;
const IPV6: i32 = IPPROTO_IPV6;

/// Every option, one row each.
#[rustfmt::skip]
pub(crate) const TABLE: &[OptionSpec] = &[
    spec(Opt::Type, SO, SO_TYPE, "SO_TYPE", Int, FULL, GetOnly, any, None,
        Acting("the socket's type: SOCK_STREAM 1, SOCK_DGRAM 2")),
    spec(Opt::ProtocolInfo, SO, SO_PROTOCOL_INFOW, "SO_PROTOCOL_INFOW", ProtocolInfo,
        Sizes::Full(LengthNeeded), GetOnly, any, None,
        Acting("the socket's protocol entry: family, type and protocol as created")),
    spec(Opt::AcceptConn, SO, SO_ACCEPTCONN, "SO_ACCEPTCONN", Bool, FULL, GetOnly, any, None,
        Acting("TRUE once listen succeeded")),
    spec(Opt::Error, SO, SO_ERROR, "SO_ERROR", Int, FULL, GetSet, any, Some(0),
        Acting("the socket's pending error; reading does not clear it; Windows lets it be set")),
    spec(Opt::ReuseAddr, SO, SO_REUSEADDR, "SO_REUSEADDR", Bool, TOLERANT_EMPTY, GetSet, any,
        Some(0), Acting("read at bind: the second-bind outcome table of \"Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE\"")),
    spec(Opt::ExclusiveAddrUse, SO, SO_EXCLUSIVEADDRUSE, "SO_EXCLUSIVEADDRUSE", Bool,
        TOLERANT_EMPTY, GetSet, any, Some(0),
        Acting("read at bind: the second-bind outcome table; WSAEINVAL while SO_REUSEADDR is set")),
    spec(Opt::Broadcast, SO, SO_BROADCAST, "SO_BROADCAST", Bool, TOLERANT_EMPTY, GetSet, any,
        Some(0), Acting("without it, sendto 255.255.255.255 is WSAEACCES")),
    spec(Opt::KeepAlive, SO, SO_KEEPALIVE, "SO_KEEPALIVE", Bool, Sizes::OneByte, GetSet, any,
        Some(0), Stored),
    spec(Opt::Linger, SO, SO_LINGER, "SO_LINGER", Linger, Sizes::Full(ZeroFill), GetSet,
        stream, Some(0),
        Acting("{1, 0}: closesocket resets the connection; the peer's recv gets WSAECONNRESET")),
    spec(Opt::DontLinger, SO, SO_DONTLINGER, "SO_DONTLINGER", Bool, TOLERANT_EMPTY, GetSet,
        stream, None, Acting("the inverse of SO_LINGER's l_onoff")),
    spec(Opt::RecvBuffer, SO, SO_RCVBUF, "SO_RCVBUF", Int, Sizes::Full(ZeroFill), GetSet, any,
        Some(choices::DEFAULT_BUFFER_SIZE as i32),
        Acting("bounds what a connection holds in flight and drops datagrams past a full queue")),
    spec(Opt::SendBuffer, SO, SO_SNDBUF, "SO_SNDBUF", Int, Sizes::Full(ZeroFill), GetSet, any,
        Some(choices::DEFAULT_BUFFER_SIZE as i32),
        Acting("bounds, with the peer's SO_RCVBUF, what a stream send queues before it waits")),
    spec(Opt::RecvTimeout, SO, SO_RCVTIMEO, "SO_RCVTIMEO", Int, FULL, GetSet, any, Some(0),
        Acting("a blocking receive that waits longer fails with WSAETIMEDOUT")),
    spec(Opt::SendTimeout, SO, SO_SNDTIMEO, "SO_SNDTIMEO", Int, FULL, GetSet, any, Some(0),
        Acting("a blocking send that waits longer for room fails with WSAETIMEDOUT")),
    spec(Opt::ConditionalAccept, SO, SO_CONDITIONAL_ACCEPT, "SO_CONDITIONAL_ACCEPT", Bool,
        FULL, GetSet, stream, Some(0),
        Acting("a client's handshake waits for accept or WSAAccept's condition function: CF_REJECT refuses its connect")),
    spec(Opt::UpdateAcceptContext, SO, SO_UPDATE_ACCEPT_CONTEXT, "SO_UPDATE_ACCEPT_CONTEXT",
        Socket, FULL, SetOnly, stream, None, Stored),
    spec(Opt::UpdateConnectContext, SO, SO_UPDATE_CONNECT_CONTEXT,
        "SO_UPDATE_CONNECT_CONTEXT", Nothing, FULL, SetOnly, stream, None, Stored),
    spec(Opt::ConnectTime, SO, SO_CONNECT_TIME, "SO_CONNECT_TIME", Int, FULL, GetOnly, any,
        None, Acting("seconds since a stream socket connected; 0xFFFFFFFF when not connected or not a stream")),
    spec(Opt::MaxMsgSize, SO, SO_MAX_MSG_SIZE, "SO_MAX_MSG_SIZE", Int, FULL, GetOnly, any,
        None, Acting("the largest datagram sendto takes (65507); streams 0xFFFFFFFF")),
    spec(Opt::OobInline, SO, SO_OOBINLINE, "SO_OOBINLINE", Bool, TOLERANT_EMPTY, GetSet, any,
        Some(0), Stored),
    spec(Opt::NoDelay, TCP, TCP_NODELAY, "TCP_NODELAY", Bool, Sizes::OneByte, GetSet, tcp,
        Some(0), Stored),
    spec(Opt::KeepIdle, TCP, TCP_KEEPALIVE, "TCP_KEEPALIVE", Int, Sizes::Full(LengthZero),
        GetSet, tcp, Some(7200), Stored),
    spec(Opt::KeepInterval, TCP, TCP_KEEPINTVL, "TCP_KEEPINTVL", Int,
        Sizes::Full(LengthZero), GetSet, tcp, Some(1), Stored),
    capped(spec(Opt::KeepCount, TCP, TCP_KEEPCNT, "TCP_KEEPCNT", Int, Sizes::Full(LengthZero),
        GetSet, tcp, Some(10), Stored), 255),
    capped(spec(Opt::Ttl, IP, IP_TTL, "IP_TTL", Int, TOLERANT, GetSet, ip, Some(128), Stored),
        255),
    capped(spec(Opt::Tos, IP, IP_TOS, "IP_TOS", Int, TOLERANT, GetSet, ip, Some(0), Stored),
        255),
    capped(spec(Opt::MulticastTtl, IP, IP_MULTICAST_TTL, "IP_MULTICAST_TTL", Int, TOLERANT,
        GetSet, ip_datagram, Some(1), Stored), 255),
    spec(Opt::MulticastLoop, IP, IP_MULTICAST_LOOP, "IP_MULTICAST_LOOP", Bool, TOLERANT,
        GetSet, ip_datagram, Some(1),
        Acting("FALSE: this socket receives no group datagram (every sender is on its host)")),
    spec(Opt::AddMembership, IP, IP_ADD_MEMBERSHIP, "IP_ADD_MEMBERSHIP", Membership, FULL,
        SetOnly, ip_datagram, None,
        Acting("joins a group: datagrams to it at the socket's port are delivered")),
    spec(Opt::DropMembership, IP, IP_DROP_MEMBERSHIP, "IP_DROP_MEMBERSHIP", Membership, FULL,
        SetOnly, ip_datagram, None, Acting("leaves a group")),
    spec(Opt::V6Only, IPV6, IPV6_V6ONLY, "IPV6_V6ONLY", Bool, Sizes::OneByte, GetSet, v6only,
        Some(1),
        Acting("FALSE: an IPv6 socket also holds the port's IPv4 side and talks to IPv4 peers through mapped addresses")),
    capped(spec(Opt::UnicastHops, IPV6, IPV6_UNICAST_HOPS, "IPV6_UNICAST_HOPS", Int, TOLERANT,
        GetSet, ipv6, Some(128), Stored), 255),
    spec(Opt::PacketInfo, IP, IP_PKTINFO, "IP_PKTINFO", Bool, Sizes::Full(LengthZero), GetSet,
        ip_datagram, Some(0),
        Acting("WSARecvMsg returns IN_PKTINFO (the destination address) with each IPv4 datagram")),
    spec(Opt::PacketInfo6, IPV6, IPV6_PKTINFO, "IPV6_PKTINFO", Bool, Sizes::Full(LengthZero),
        GetSet, ipv6_datagram, Some(0),
        Acting("WSARecvMsg returns IN6_PKTINFO (the destination address) with each IPv6 datagram")),
];

/// The levels `getsockopt`/`setsockopt` know; another level is `WSAEINVAL`.
pub(crate) const LEVELS: &[i32] = &[
    SOL_SOCKET,
    IPPROTO_TCP,
    IPPROTO_IP,
    IPPROTO_IPV6,
    IPPROTO_UDP,
];

/// The entry for `level` and `name`: `WSAEINVAL` for a level the calls do not know,
/// `WSAENOPROTOOPT` for an option the level does not have.
pub(crate) fn find(level: i32, name: i32) -> Result<&'static OptionSpec> {
    if !LEVELS.contains(&level) {
        return Err(Error::Invalid);
    }
    TABLE
        .iter()
        .find(|spec| spec.level == level && spec.name == name)
        .ok_or(Error::NoProtocolOption)
}

/// The entry for `opt`.
pub(crate) fn spec_of(opt: Opt) -> &'static OptionSpec {
    TABLE
        .iter()
        .find(|spec| spec.opt == opt)
        .expect("every Opt has a row")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_option_has_one_row_and_one_key() {
        for (i, row) in TABLE.iter().enumerate() {
            for other in &TABLE[i + 1..] {
                assert!(
                    (row.level, row.name) != (other.level, other.name),
                    "{}",
                    row.label
                );
                assert_ne!(row.opt, other.opt, "{}", row.label);
            }
            assert_eq!(spec_of(row.opt).label, row.label);
            assert_eq!(find(row.level, row.name).unwrap().label, row.label);
        }
    }

    #[test]
    fn unknown_levels_and_names_are_the_documented_errors() {
        assert_eq!(find(0x1234_ffff, SO_TYPE).unwrap_err(), Error::Invalid);
        assert_eq!(find(IPPROTO_IP, -1).unwrap_err(), Error::NoProtocolOption);
        assert_eq!(find(IPPROTO_UDP, 1).unwrap_err(), Error::NoProtocolOption);
    }

    #[test]
    fn the_docs_table_lists_every_option_as_acting_or_stored() {
        let doc = include_str!("../../../docs/options.md");
        for row in TABLE {
            let line = doc
                .lines()
                .find(|line| line.starts_with(&format!("| `{}` ", row.label)))
                .unwrap_or_else(|| panic!("docs/options.md misses {}", row.label));
            let marked = row.effect.word();
            assert!(
                line.contains(&format!("| {marked} |")),
                "{}: {line}",
                row.label
            );
        }
    }
}
