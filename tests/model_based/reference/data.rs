//! The reference's data path: `send`, `sendto`, `WSASendTo`, `recv`, `recvfrom`,
//! `shutdown`, and what `accept` and `closesocket` do to data and datagram peers.
//!
//! Written from the doc comments of `src/sys/data/mod.rs` (the argument checks and their
//! order), the module documentation of `src/model/streams/data.rs` and `src/model/datagrams/datagram.rs`, and
//! the `data-flags`, `close-and-reset`, `receive-shutdown-resets`, `datagram-security-per-peer`,
//! `udp-port-unreachable`, `exchanges-end-at-close` and `one-host-owns-every-address`
//! choices, in the reference's own terms:
//!
//! - A stream socket's bytes go to its far end's queue once the server accepted the
//!   connection, and wait on the sender until then (`accept` hands them over).
//! - A datagram socket remembers each peer it exchanged datagrams with, by address (without
//!   the IPv6 flow label): the link the first datagram between them settled, and whether the
//!   last datagram it sent there found nobody (the emulated ICMP port unreachable).
//! - A socket that has not bound is bound by its first datagram, to its family's wildcard
//!   address and the next ephemeral port, before the datagram leaves.
//! - A datagram that finds nobody leaves the sender a port-unreachable notice in its own
//!   receive queue, behind what it received before (unless it shut down receiving, or the
//!   last thing queued is already such a notice: a run of lost datagrams is one): the
//!   receive that comes to the notice fails with `WSAECONNRESET`, and takes it unless it
//!   only peeks. The snapshot's `waiting` counts datagrams, not notices
//!   (`port-unreachable-uncounted`).

use std::collections::{BTreeMap, VecDeque};
use std::net::{IpAddr, SocketAddr};

use winsock_emu::sys::{
    AF_INET, AF_INET6, MSG_DONTROUTE, MSG_PEEK, MSG_WAITALL, SD_BOTH, SD_RECEIVE, SD_SEND, SOCKET,
    SOCK_DGRAM, SOCK_STREAM, WSAEADDRNOTAVAIL, WSAEAFNOSUPPORT, WSAECONNRESET, WSAEDESTADDRREQ,
    WSAEFAULT, WSAEINVAL, WSAEMSGSIZE, WSAENOTCONN, WSAEOPNOTSUPP, WSAESHUTDOWN, WSAEWOULDBLOCK,
};

use super::security::{host_principal, negotiate, Link};
use super::{family_of, peer_of, source_for, Outcome, Peer, Reference, Sock, St};
use crate::data_ops::{FromArg, Payload, Room, To};

/// The longest datagram `sendto` takes (65,535 less the IPv4 and UDP headers).
const MAX_DATAGRAM: usize = 65_507;

/// What a datagram socket knows of one peer.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The security the first datagram between the two settled (`None`: plain).
    pub link: Option<Link>,
    /// The last datagram this socket sent to the peer found no socket there.
    pub unreachable: bool,
}

/// One thing waiting in a datagram socket's receive queue.
#[derive(Debug, Clone)]
pub enum Arrival {
    /// A datagram and its sender.
    Datagram(SocketAddr, Vec<u8>),
    /// One of this socket's datagrams found nobody: the ICMP Port Unreachable it drew.
    PortUnreachable,
}

/// A socket's data and shutdown state.
#[derive(Debug, Clone, Default)]
pub struct Io {
    /// Stream bytes received, not read yet.
    pub inbound: VecDeque<u8>,
    /// Stream bytes sent before the server accepted the connection.
    pub unsent: Vec<u8>,
    /// What a datagram socket has to read, in arrival order.
    pub datagrams: VecDeque<Arrival>,
    pub shut_send: bool,
    pub shut_receive: bool,
    /// The stream's far end will send no more (it shut down sending, or closed).
    pub peer_finished: bool,
    /// A datagram socket's peers, by address without the flow label.
    pub peers: BTreeMap<SocketAddr, Exchange>,
    /// `SIO_UDP_CONNRESET` FALSE: datagrams that find nobody leave no notice.
    pub notices_off: bool,
}

impl Io {
    /// What the snapshot's `waiting` counts: stream bytes received or not yet handed over,
    /// and datagrams (not port-unreachable notices).
    pub fn waiting(&self) -> usize {
        let datagrams = self
            .datagrams
            .iter()
            .filter(|a| matches!(a, Arrival::Datagram(..)))
            .count();
        self.inbound.len() + self.unsent.len() + datagrams
    }
}

/// What a successful receive gives (a truncated datagram too, which fails with
/// `WSAEMSGSIZE` after filling the buffer).
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    pub data: Vec<u8>,
    /// The datagram's sender, or the stream's peer.
    pub from: SocketAddr,
    pub truncated: bool,
}

/// The key a datagram peer is kept under: its address without the IPv6 flow label.
pub fn key(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V6(mut v6) => {
            v6.set_flowinfo(0);
            SocketAddr::V6(v6)
        }
        v4 => v4,
    }
}

/// The bytes a `buf`/`len` pair gives: a negative length, or NULL with a non-zero length,
/// is `WSAEFAULT`.
fn data_of(payload: &Payload) -> Result<Vec<u8>, i32> {
    match payload {
        Payload::Negative | Payload::Null(1..) | Payload::Null(..0) => Err(WSAEFAULT),
        Payload::Null(0) => Ok(Vec::new()),
        Payload::Bytes { .. } => Ok(payload.bytes()),
    }
}

fn unsupported(flags: i32, supported: i32) -> Result<(), i32> {
    if flags & !supported != 0 {
        return Err(WSAEOPNOTSUPP);
    }
    Ok(())
}

impl Reference {
    /// `send`: the handle, the buffer, then the connected socket's checks.
    pub fn send(&mut self, h: SOCKET, payload: &Payload, flags: i32) -> Outcome {
        self.sock(h)?;
        let data = data_of(payload)?;
        self.send_connected(h, &data, flags)
    }

    /// `sendto`: on a connected (or stream) socket the address is ignored.
    pub fn send_to(&mut self, h: SOCKET, payload: &Payload, flags: i32, to: &To) -> Outcome {
        self.sock(h)?;
        let data = data_of(payload)?;
        self.send_datagram_to(h, &data, flags, to)
    }

    /// `WSASendTo`: `bufs` None is a NULL array (with a count of 1); `sent` whether
    /// `lpNumberOfBytesSent` is given, needed unless there are overlapped arguments.
    pub fn wsa_send_to(
        &mut self,
        h: SOCKET,
        bufs: Option<&[Payload]>,
        sent: bool,
        overlapped_args: bool,
        flags: u32,
        to: &To,
    ) -> Outcome {
        self.sock(h)?;
        if !sent && !overlapped_args {
            return Err(WSAEFAULT);
        }
        let mut data = Vec::new();
        for payload in bufs.ok_or(WSAEFAULT)? {
            data.extend(data_of(payload)?);
        }
        self.send_datagram_to(h, &data, flags as i32, to)
    }

    fn send_datagram_to(&mut self, h: SOCKET, data: &[u8], flags: i32, to: &To) -> Outcome {
        let s = self.sock(h)?;
        unsupported(flags, MSG_DONTROUTE)?;
        if matches!(s.state, St::Connected(_)) || s.ty == SOCK_STREAM {
            return self.send_connected(h, data, flags);
        }
        // A negative length leaves no byte of a non-NULL address readable.
        let peer = match peer_of(&to.addr) {
            Peer::Null => Peer::Null,
            _ if to.negative_len => Peer::TooShort,
            peer => peer,
        };
        let to = datagram_checks(s, data, peer)?;
        self.send_datagram(h, data, to)
    }

    fn send_connected(&mut self, h: SOCKET, data: &[u8], flags: i32) -> Outcome {
        let s = self.sock(h)?;
        unsupported(flags, MSG_DONTROUTE)?;
        let peer = connection(s, s.io.shut_send)?;
        if s.ty != SOCK_STREAM {
            let to = datagram_checks(s, data, Peer::Ip(peer))?;
            return self.send_datagram(h, data, to);
        }
        let Some(remote) = s.remote else {
            self.socks.get_mut(&h).unwrap().io.unsent.extend(data);
            return Ok(data.len());
        };
        match self.socks.get_mut(&remote) {
            Some(far) => {
                if far.ty == SOCK_STREAM && far.io.shut_receive && !data.is_empty() {
                    // `receive-shutdown-resets`: data after the far end's SD_RECEIVE.
                    far.io.inbound.clear();
                    far.reset = true;
                    self.socks.get_mut(&h).unwrap().reset = true;
                } else if !far.io.shut_receive {
                    far.io.inbound.extend(data);
                }
                Ok(data.len())
            }
            // A zero-byte send moves nothing, so it cannot find the peer gone.
            None if data.is_empty() => Ok(0),
            None => {
                self.socks.get_mut(&h).unwrap().reset = true;
                Err(WSAECONNRESET)
            }
        }
    }

    /// One datagram that passed the checks: the implicit bind, the first exchange's
    /// negotiation (whose failure changes nothing), the delivery, and what each end records.
    fn send_datagram(&mut self, h: SOCKET, data: &[u8], to: SocketAddr) -> Outcome {
        let s = &self.socks[&h];
        let was_bound = s.local.is_some();
        let bound = match s.local {
            Some(local) => local,
            None => {
                let wildcard: SocketAddr = if to.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }
                    .parse()
                    .unwrap();
                self.choose(SOCK_DGRAM, wildcard)?
            }
        };
        let source = source_for(bound, to);
        // The implicit bind comes first, so a socket can reach itself at its new address.
        let receiver = self
            .receiver(SOCK_DGRAM, to)
            .or_else(|| (!was_bound && bound.port() == to.port()).then_some(h));
        // A first exchange: a new peer, or one whose last datagram found nobody, where a
        // socket is now.
        let first =
            s.io.peers
                .get(&key(to))
                .is_none_or(|e| e.unreachable && receiver.is_some());
        let settled = if !first {
            None
        } else {
            let theirs = receiver.and_then(|r| self.socks[&r].settings.as_ref());
            let name = s.names.get(&Some(key(to))).map(|(_, units)| &units[..]);
            let links = negotiate(
                s.settings.as_ref(),
                name,
                host_principal(source.ip()),
                theirs,
                host_principal(to.ip()),
            )?;
            Some(links.map_or((None, None), |(mine, theirs)| (Some(mine), Some(theirs))))
        };
        if !was_bound {
            self.record_binding(SOCK_DGRAM, bound, h);
            self.socks.get_mut(&h).unwrap().local = Some(bound);
        }
        if let Some(r) = receiver.and_then(|r| self.socks.get_mut(&r)) {
            let hears = match r.state {
                St::Connected(peer) => key(peer) == key(source),
                _ => true,
            };
            if hears && !r.io.shut_receive {
                r.io.datagrams
                    .push_back(Arrival::Datagram(source, data.to_vec()));
            }
            if let Some((_, theirs)) = &settled {
                r.io.peers.entry(key(source)).or_insert(Exchange {
                    link: theirs.clone(),
                    unreachable: false,
                });
            }
        }
        let unreachable = receiver.is_none();
        let io = &mut self.socks.get_mut(&h).unwrap().io;
        // A run of lost datagrams with nothing queued between them is one notice.
        let after_notice = matches!(io.datagrams.back(), Some(Arrival::PortUnreachable));
        if unreachable && !io.shut_receive && !io.notices_off && !after_notice {
            io.datagrams.push_back(Arrival::PortUnreachable);
        }
        let peers = &mut io.peers;
        match settled {
            Some((mine, _)) => {
                peers.insert(
                    key(to),
                    Exchange {
                        link: mine,
                        unreachable,
                    },
                );
            }
            None => peers.get_mut(&key(to)).unwrap().unreachable = unreachable,
        }
        // A socket keeps the record of one destination that found nobody: the last.
        if unreachable {
            peers.retain(|peer, e| !e.unreachable || *peer == key(to));
        }
        Ok(data.len())
    }

    /// `recv` (`from` None) or `recvfrom`.
    pub fn recv(
        &mut self,
        h: SOCKET,
        room: &Room,
        flags: i32,
        from: Option<&FromArg>,
    ) -> Result<Received, i32> {
        let s = self.sock(h)?;
        let max = usize::try_from(room.len).map_err(|_| WSAEFAULT)?;
        if room.null && max != 0 {
            return Err(WSAEFAULT);
        }
        if let Some(FromArg { null: false, len }) = from {
            let needed = if s.family == AF_INET { 16 } else { 28 };
            if len.is_none_or(|len| len < needed) {
                return Err(WSAEFAULT);
            }
        }
        if s.ty == SOCK_STREAM {
            return self.recv_stream(h, max, flags);
        }
        unsupported(flags, MSG_PEEK)?;
        if s.local.is_none() {
            return Err(WSAEINVAL);
        }
        if s.io.shut_receive {
            return Err(WSAESHUTDOWN);
        }
        let queue = &mut self.socks.get_mut(&h).unwrap().io.datagrams;
        let arrival = if flags & MSG_PEEK != 0 {
            queue.front().cloned()
        } else {
            queue.pop_front()
        }
        .ok_or(WSAEWOULDBLOCK)?;
        let Arrival::Datagram(from, datagram) = arrival else {
            return Err(WSAECONNRESET);
        };
        Ok(Received {
            truncated: datagram.len() > max,
            data: datagram[..datagram.len().min(max)].to_vec(),
            from,
        })
    }

    fn recv_stream(&mut self, h: SOCKET, max: usize, flags: i32) -> Result<Received, i32> {
        unsupported(flags, MSG_PEEK | MSG_WAITALL)?;
        if flags & MSG_WAITALL != 0 {
            // Every socket is non-blocking, where recv's page refuses MSG_WAITALL.
            return Err(WSAEOPNOTSUPP);
        }
        let s = self.socks.get_mut(&h).unwrap();
        let peer = connection(s, s.io.shut_receive)?;
        let waiting = s.io.inbound.len();
        let enough = if flags & MSG_WAITALL != 0 {
            waiting >= max
        } else {
            waiting > 0 || max == 0
        };
        if !enough && !s.io.peer_finished {
            return Err(WSAEWOULDBLOCK);
        }
        let take = waiting.min(max);
        let data = if flags & MSG_PEEK != 0 {
            s.io.inbound.iter().take(take).copied().collect()
        } else {
            s.io.inbound.drain(..take).collect()
        };
        Ok(Received {
            data,
            from: peer,
            truncated: false,
        })
    }

    /// `WSAIoctl(SIO_UDP_CONNRESET)` (`udp-connreset-control`): `input` the `BOOL` (None:
    /// NULL), `len` its declared size. A whole `BOOL` is needed (`WSAEFAULT`), on a UDP
    /// socket (`WSAEINVAL`); FALSE also drops the notices waiting.
    pub fn udp_connreset(&mut self, h: SOCKET, input: Option<i32>, len: u32) -> Outcome {
        self.sock(h)?;
        let on = match input {
            Some(value) if len >= 4 => value != 0,
            _ => return Err(WSAEFAULT),
        };
        let s = self.socks.get_mut(&h).unwrap();
        if s.ty != SOCK_DGRAM || !(s.family == AF_INET || s.family == AF_INET6) {
            return Err(WSAEINVAL);
        }
        s.io.notices_off = !on;
        if !on {
            s.io.datagrams
                .retain(|a| matches!(a, Arrival::Datagram(..)));
        }
        Ok(0)
    }

    /// `shutdown`: a stream must be connected; shutting down sending ends the far end's
    /// stream once it has read what came before.
    pub fn shutdown(&mut self, h: SOCKET, how: i32) -> Outcome {
        let s = self.sock(h)?;
        if ![SD_RECEIVE, SD_SEND, SD_BOTH].contains(&how) {
            return Err(WSAEINVAL);
        }
        let connected = matches!(s.state, St::Connected(_));
        if s.ty == SOCK_STREAM && !connected {
            return Err(WSAENOTCONN);
        }
        let s = self.socks.get_mut(&h).unwrap();
        s.io.shut_receive |= how != SD_SEND;
        s.io.shut_send |= how != SD_RECEIVE;
        // `receive-shutdown-resets`: data still queued resets the connection.
        let reset =
            s.ty == SOCK_STREAM && s.remote.is_some() && how != SD_SEND && !s.io.inbound.is_empty();
        if reset {
            s.io.inbound.clear();
            s.reset = true;
        }
        if let (SOCK_STREAM, Some(remote), true) = (s.ty, s.remote, reset || how != SD_RECEIVE) {
            if let Some(far) = self.socks.get_mut(&remote) {
                if reset {
                    far.reset = true;
                } else {
                    far.io.peer_finished = true;
                }
            }
        }
        Ok(0)
    }

    /// A connected stream socket `h` closed: its far end reads to the end and then 0, or is
    /// reset if `h` left data unread; a client not yet accepted leaves what it sent to the
    /// connection waiting in the backlog.
    pub(super) fn stream_closed(&mut self, h: SOCKET, sock: &Sock) {
        match sock.remote {
            Some(remote) => {
                if let Some(far) = self.socks.get_mut(&remote) {
                    if sock.io.inbound.is_empty() {
                        far.io.peer_finished = true;
                    } else {
                        far.reset = true;
                    }
                }
            }
            None => {
                for listener in self.socks.values_mut() {
                    if let St::Listening { pending, .. } = &mut listener.state {
                        for p in pending.iter_mut().filter(|p| p.client == h) {
                            p.closed_with = Some(sock.io.unsent.clone());
                        }
                    }
                }
            }
        }
    }

    /// `exchanges-end-at-close`: the datagram socket bound at `binding` closed; every socket
    /// it exchanged with forgets every address at which it reached the closed socket.
    /// (Called once the closed socket left the port table.) A wildcard-bound socket was
    /// reached at an address of its port only where no socket is bound to exactly that
    /// address: a specific and a wildcard bind of one port coexist.
    pub(super) fn end_exchanges(&mut self, binding: SocketAddr, sock: &Sock) {
        let exact: Vec<IpAddr> = self
            .bound
            .get(&(SOCK_DGRAM, binding.port()))
            .map(|owners| owners.iter().map(|&(ip, _)| ip).collect())
            .unwrap_or_default();
        let designates = |addr: &SocketAddr| {
            addr.port() == binding.port()
                && addr.is_ipv4() == binding.is_ipv4()
                && (addr.ip() == binding.ip()
                    || (binding.ip().is_unspecified() && !exact.contains(&addr.ip())))
        };
        for peer in sock.io.peers.keys() {
            if let Some(other) = self.receiver(SOCK_DGRAM, *peer) {
                let peers = &mut self.socks.get_mut(&other).unwrap().io.peers;
                peers.retain(|addr, _| !designates(addr));
            }
        }
    }
}

/// The checks of a connection's use, in order: connected (`WSAENOTCONN`), the direction
/// not shut down (`WSAESHUTDOWN`), not reset (`WSAECONNRESET`). Gives the peer.
fn connection(s: &Sock, shut: bool) -> Result<SocketAddr, i32> {
    let St::Connected(peer) = s.state else {
        return Err(WSAENOTCONN);
    };
    if shut {
        return Err(WSAESHUTDOWN);
    }
    if s.reset {
        return Err(WSAECONNRESET);
    }
    Ok(peer)
}

/// A datagram's checks, in order: an IP datagram socket, an address (`WSAEDESTADDRREQ`), a
/// whole one (`WSAEFAULT`), of the socket's family, neither zero address nor zero port, at
/// most [`MAX_DATAGRAM`] bytes, sending not shut down.
fn datagram_checks(s: &Sock, data: &[u8], to: Peer) -> Result<SocketAddr, i32> {
    let ip = s.family == AF_INET || s.family == AF_INET6;
    if s.ty != SOCK_DGRAM || !ip {
        return Err(WSAEOPNOTSUPP);
    }
    let to = match to {
        Peer::Null => return Err(WSAEDESTADDRREQ),
        Peer::TooShort => return Err(WSAEFAULT),
        Peer::Ip(a) if family_of(&a) == s.family => a,
        _ => return Err(WSAEAFNOSUPPORT),
    };
    // Port 0 is sent to, as Windows does (sock.c test_UDP); nobody can be bound there.
    if to.ip().is_unspecified() {
        return Err(WSAEADDRNOTAVAIL);
    }
    if data.len() > MAX_DATAGRAM {
        return Err(WSAEMSGSIZE);
    }
    if s.io.shut_send {
        return Err(WSAESHUTDOWN);
    }
    Ok(to)
}
