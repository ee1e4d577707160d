//! The reference model: a small, obviously correct Winsock written from `src/rules.rs`,
//! `src/choices.rs` and `choices::CHECK_ORDER`, sharing no code with the crate's model.
//! Its security calls are in `reference/security.rs`, its data path in `reference/data.rs`.
//!
//! It keeps plain maps and vectors, decides each call with one `if` per documented rule in
//! the documented order, and can say what the whole table must look like afterwards as a
//! [`NetworkSnapshot`], which the test compares with the emulator's.

use std::collections::{BTreeMap, VecDeque};
use std::net::{IpAddr, SocketAddr};

use super::expected::{LinkInfo, NameInfo, NetworkSnapshot, SocketInfo};
use winsock_emu::sys::{
    AF_INET, AF_INET6, SOCKET, SOCK_DGRAM, SOCK_STREAM, WSAEADDRINUSE, WSAEADDRNOTAVAIL,
    WSAEAFNOSUPPORT, WSAEFAULT, WSAEINVAL, WSAEISCONN, WSAEMSGSIZE, WSAENOTSOCK, WSAEOPNOTSUPP,
    WSAEWOULDBLOCK, WSANOTINITIALISED,
};
use winsock_emu::{SecurityProtocol, SecuritySettings, SocketState, TargetName};

use super::ops::{AddrSpec, Kind, NameSpec};
use super::port_ops::Ports;

mod data;
mod readiness;
mod security;

pub use readiness::Expected;

use data::Io;
use security::{host_principal, negotiate, Link};

pub use data::Received;

/// What a call returns: a handle or 0, or a Winsock error code.
pub type Outcome = Result<SOCKET, i32>;

const FIRST_HANDLE: SOCKET = 0x100;
const EPHEMERAL_FIRST: u16 = 49_152;
const EPHEMERAL_COUNT: u32 = 16_384;
const MAX_BACKLOG: usize = 200;
const HEADER_LEN: u32 = 140;
const MAX_NAME_BYTES: u32 = 65_534;

/// A decoded address argument, as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Peer {
    Null,
    TooShort,
    Unspecified,
    Ip(SocketAddr),
    Other,
}

fn peer_of(spec: &AddrSpec) -> Peer {
    match *spec {
        AddrSpec::Null => Peer::Null,
        AddrSpec::Short(_) | AddrSpec::Empty => Peer::TooShort,
        AddrSpec::UnspecifiedZero => Peer::Unspecified,
        AddrSpec::Other(_) => Peer::Other,
        AddrSpec::Ip(addr) => Peer::Ip(addr),
    }
}

fn family_of(addr: &SocketAddr) -> u16 {
    if addr.is_ipv4() {
        AF_INET
    } else {
        AF_INET6
    }
}

#[derive(Debug, Clone)]
struct Pending {
    client: SOCKET,
    from: SocketAddr,
    to: SocketAddr,
    /// The server's view of the negotiated security (`None`: plain).
    link: Option<Link>,
    /// Set when the client closed before it was accepted: the bytes it had sent, which the
    /// accepted socket receives, followed by the end of the stream (`close-and-reset`).
    closed_with: Option<Vec<u8>>,
}

#[derive(Debug, Clone)]
enum St {
    Idle,
    Listening {
        backlog: usize,
        pending: VecDeque<Pending>,
    },
    Connected(SocketAddr),
}

#[derive(Debug, Clone)]
struct Sock {
    family: u16,
    ty: i32,
    protocol: i32,
    overlapped: bool,
    local: Option<SocketAddr>,
    state: St,
    /// `None` is a stream socket's one name; `Some(peer)` a datagram name.
    names: BTreeMap<Option<SocketAddr>, (SecurityProtocol, Vec<u16>)>,
    /// What `WSASetSocketSecurity` applied (accepted sockets: the listener's).
    settings: Option<SecuritySettings>,
    /// A stream connection's secured link (`None`: plain or not connected).
    link: Option<Link>,
    /// The connection was reset (its listener closed before accepting it, or the peer
    /// closed with data unread, or a send found the peer gone).
    reset: bool,
    /// The last non-blocking connect was refused (`SO_ERROR`): `exceptfds`, until a connect
    /// succeeds.
    refused: bool,
    /// A connected stream socket's far end, once the server accepted the connection.
    remote: Option<SOCKET>,
    /// Data waiting, shutdown state and datagram peers.
    io: Io,
}

impl Sock {
    fn is_ip_stream_or_dgram(&self) -> bool {
        (self.family == AF_INET || self.family == AF_INET6)
            && (self.ty == SOCK_STREAM || self.ty == SOCK_DGRAM)
    }
}

/// The reference Winsock.
#[derive(Debug, Default, Clone)]
pub struct Reference {
    startups: u32,
    next_handle: SOCKET,
    socks: BTreeMap<SOCKET, Sock>,
    /// (type, port) → (ip, owner) in bind order.
    bound: BTreeMap<(i32, u16), Vec<(IpAddr, SOCKET)>>,
    next_ephemeral: u16,
    /// The socket whose peer this thread impersonates (and, on a datagram socket, the
    /// peer, without its flow label).
    impersonating: Option<(SOCKET, Option<SocketAddr>)>,
    /// Each handle `WSASocketW` made from a `WSADuplicateSocketW` structure, with the socket
    /// (its key in `socks`) it names.
    aliases: BTreeMap<SOCKET, SOCKET>,
    /// Each socket with a second handle: its open handles, its own first while it is open.
    handles: BTreeMap<SOCKET, Vec<SOCKET>>,
    /// The completion ports the sequence made, and the sockets associated with them.
    pub ports: Ports,
}

/// The address a socket bound at `bound` sends to `to` from: a wildcard address becomes
/// the destination's.
fn source_for(bound: SocketAddr, to: SocketAddr) -> SocketAddr {
    if bound.ip().is_unspecified() {
        SocketAddr::new(to.ip(), bound.port())
    } else {
        bound
    }
}

/// Whether two binds without reuse options collide on one port: only on the same address
/// (Windows' second-bind table: a wildcard and a specific address of one port coexist).
fn collide(a: IpAddr, b: IpAddr) -> bool {
    a == b
}

impl Reference {
    pub fn new() -> Self {
        Self {
            next_handle: FIRST_HANDLE,
            ..Self::default()
        }
    }

    fn started(&self) -> Result<(), i32> {
        if self.startups == 0 {
            Err(WSANOTINITIALISED)
        } else {
            Ok(())
        }
    }

    fn sock(&self, h: SOCKET) -> Result<&Sock, i32> {
        self.started()?;
        self.socks.get(&h).ok_or(WSAENOTSOCK)
    }

    fn new_handle(&mut self) -> SOCKET {
        let h = self.next_handle;
        self.next_handle += 4;
        h
    }

    pub fn startup(&mut self, version: u16) -> Result<(), i32> {
        if version & 0xff == 0 {
            return Err(winsock_emu::sys::WSAVERNOTSUPPORTED);
        }
        self.startups += 1;
        Ok(())
    }

    pub fn cleanup(&mut self) -> Outcome {
        self.started()?;
        self.startups -= 1;
        if self.startups == 0 {
            self.socks.clear();
            self.bound.clear();
            self.aliases.clear();
            self.handles.clear();
        }
        Ok(0)
    }

    pub fn create(&mut self, kind: &Kind, overlapped: bool) -> Outcome {
        self.started()?;
        let (family, ty, protocol) = kind.resolved()?;
        let h = self.new_handle();
        let sock = Sock {
            family,
            ty,
            protocol,
            overlapped,
            local: None,
            state: St::Idle,
            names: BTreeMap::new(),
            settings: None,
            link: None,
            reset: false,
            refused: false,
            remote: None,
            io: Io::default(),
        };
        self.socks.insert(h, sock);
        Ok(h)
    }

    fn is_free(&self, ty: i32, addr: SocketAddr) -> bool {
        self.bound
            .get(&(ty, addr.port()))
            .is_none_or(|v| v.iter().all(|&(ip, _)| !collide(ip, addr.ip())))
    }

    fn choose(&self, ty: i32, addr: SocketAddr) -> Result<SocketAddr, i32> {
        if addr.port() != 0 {
            return if self.is_free(ty, addr) {
                Ok(addr)
            } else {
                Err(WSAEADDRINUSE)
            };
        }
        (0..EPHEMERAL_COUNT)
            .map(|i| {
                EPHEMERAL_FIRST + ((u32::from(self.next_ephemeral) + i) % EPHEMERAL_COUNT) as u16
            })
            .map(|port| SocketAddr::new(addr.ip(), port))
            .find(|&a| !self.bound.contains_key(&(ty, a.port())))
            .ok_or(winsock_emu::sys::WSAENOBUFS)
    }

    fn record_binding(&mut self, ty: i32, addr: SocketAddr, h: SOCKET) {
        if addr.port() >= EPHEMERAL_FIRST {
            self.next_ephemeral =
                ((u32::from(addr.port() - EPHEMERAL_FIRST) + 1) % EPHEMERAL_COUNT) as u16;
        }
        self.bound
            .entry((ty, addr.port()))
            .or_default()
            .push((addr.ip(), h));
    }

    fn ip_sock(&self, h: SOCKET) -> Result<Sock, i32> {
        let s = self.sock(h)?.clone();
        if s.family != AF_INET && s.family != AF_INET6 {
            return Err(WSAEAFNOSUPPORT);
        }
        Ok(s)
    }

    pub fn bind(&mut self, h: SOCKET, addr: &AddrSpec) -> Outcome {
        let s = self.ip_sock(h)?;
        let addr = match peer_of(addr) {
            Peer::Ip(a) if family_of(&a) == s.family => a,
            _ => return Err(WSAEFAULT),
        };
        if s.local.is_some() {
            return Err(WSAEINVAL);
        }
        let chosen = self.choose(s.ty, addr)?;
        self.record_binding(s.ty, chosen, h);
        self.socks.get_mut(&h).unwrap().local = Some(chosen);
        Ok(0)
    }

    pub fn listen(&mut self, h: SOCKET, backlog: i32) -> Outcome {
        let s = self.sock(h)?;
        if s.ty != SOCK_STREAM {
            return Err(WSAEOPNOTSUPP);
        }
        if matches!(s.state, St::Connected(_)) {
            return Err(WSAEISCONN);
        }
        if s.local.is_none() {
            return Err(WSAEINVAL);
        }
        let backlog = usize::try_from(backlog).unwrap_or(0).clamp(1, MAX_BACKLOG);
        let s = self.socks.get_mut(&h).unwrap();
        match &mut s.state {
            St::Listening { backlog: b, .. } => *b = backlog,
            state => {
                *state = St::Listening {
                    backlog,
                    pending: VecDeque::new(),
                }
            }
        }
        Ok(0)
    }

    pub fn connect(&mut self, h: SOCKET, addr: &AddrSpec) -> Outcome {
        let s = self.ip_sock(h)?;
        let target = match peer_of(addr) {
            Peer::Null | Peer::TooShort => return Err(WSAEFAULT),
            Peer::Ip(a) if family_of(&a) == s.family => a,
            _ => return Err(WSAEAFNOSUPPORT),
        };
        let zero_ip = target.ip().is_unspecified();
        if s.ty == SOCK_STREAM {
            match s.state {
                St::Listening { .. } => return Err(WSAEINVAL),
                St::Connected(_) => return Err(WSAEISCONN),
                St::Idle if zero_ip || target.port() == 0 => return Err(WSAEADDRNOTAVAIL),
                St::Idle => {}
            }
        } else if zero_ip && target.port() == 0 {
            self.socks.get_mut(&h).unwrap().state = St::Idle;
            return Ok(0);
        } else if target.port() == 0 {
            return Err(WSAEADDRNOTAVAIL);
        }
        let bound = match s.local {
            Some(local) => local,
            None => self.choose(s.ty, SocketAddr::new(target.ip(), 0))?,
        };
        let source = source_for(bound, target);
        if s.ty == SOCK_STREAM {
            let owners = self
                .bound
                .get(&(SOCK_STREAM, target.port()))
                .cloned()
                .unwrap_or_default();
            let exact = owners.iter().filter(|(ip, _)| *ip == target.ip());
            let wild = owners
                .iter()
                .filter(|(ip, _)| ip.is_unspecified() && ip.is_ipv4() == target.is_ipv4());
            let listener = exact.chain(wild).map(|&(_, o)| o).find(|o| {
                matches!(self.socks.get(o), Some(Sock { family, state: St::Listening { backlog, pending }, .. })
                    if *family == s.family && pending.len() < *backlog)
            });
            let Some(listener) = listener else {
                // Non-blocking: the refusal becomes SO_ERROR (`nonblocking-connect`).
                self.socks.get_mut(&h).unwrap().refused = true;
                return Err(WSAEWOULDBLOCK);
            };
            let server = &self.socks[&listener];
            let (client_view, server_view) = match negotiate(
                s.settings.as_ref(),
                s.names.get(&None).map(|(_, units)| &units[..]),
                host_principal(source.ip()),
                server.settings.as_ref(),
                host_principal(target.ip()),
            )? {
                Some((mine, theirs)) => (Some(mine), Some(theirs)),
                None => (None, None),
            };
            if let St::Listening { pending, .. } = &mut self.socks.get_mut(&listener).unwrap().state
            {
                pending.push_back(Pending {
                    client: h,
                    from: source,
                    to: target,
                    link: server_view,
                    closed_with: None,
                });
            }
            self.socks.get_mut(&h).unwrap().link = client_view;
        }
        if s.local.is_none() {
            self.record_binding(s.ty, bound, h);
        }
        let s = self.socks.get_mut(&h).unwrap();
        s.local = Some(source);
        s.state = St::Connected(target);
        s.refused = false;
        if s.ty == SOCK_STREAM {
            // A non-blocking stream connect completes in the call and still reports
            // WSAEWOULDBLOCK (`nonblocking-connect`).
            return Err(WSAEWOULDBLOCK);
        }
        Ok(0)
    }

    pub fn accept(&mut self, h: SOCKET) -> Outcome {
        let s = self.sock(h)?.clone();
        let St::Listening { .. } = s.state else {
            return Err(WSAEINVAL);
        };
        let St::Listening { pending, .. } = &mut self.socks.get_mut(&h).unwrap().state else {
            unreachable!()
        };
        let mut p = pending.pop_front().ok_or(WSAEWOULDBLOCK)?;
        let new = self.new_handle();
        // What the client sent before it was accepted, and whether it finished sending.
        let mut io = Io::default();
        match self.socks.get_mut(&p.client) {
            Some(client) => {
                client.remote = Some(new);
                io.inbound = std::mem::take(&mut client.io.unsent).into();
                io.peer_finished = client.io.shut_send;
            }
            None => {
                io.inbound = p.closed_with.take().unwrap_or_default().into();
                io.peer_finished = true;
            }
        }
        let sock = Sock {
            family: s.family,
            ty: s.ty,
            protocol: s.protocol,
            overlapped: s.overlapped,
            local: Some(p.to),
            state: St::Connected(p.from),
            names: BTreeMap::new(),
            settings: s.settings.clone(),
            link: p.link,
            reset: false,
            refused: false,
            remote: Some(p.client),
            io,
        };
        self.socks.insert(new, sock);
        Ok(new)
    }

    /// The address room `accept` needs on `h` (checked after the handle, before the state).
    pub fn check_accept_room(&self, h: SOCKET) -> Result<i32, i32> {
        Ok(if self.sock(h)?.family == AF_INET {
            16
        } else {
            28
        })
    }

    /// The peer of a connected socket.
    pub fn connected_peer(&self, h: SOCKET) -> Option<SocketAddr> {
        match self.socks.get(&h)?.state {
            St::Connected(peer) => Some(peer),
            _ => None,
        }
    }

    /// The socket (its key in `socks`) the caller's handle `h` names: an alias's socket, 0
    /// (which names nothing) for a socket's own handle closed while an alias is open, else
    /// `h` (`duplicate-is-a-second-handle`).
    pub fn socket_of(&self, h: SOCKET) -> SOCKET {
        match (self.aliases.get(&h), self.handles.get(&h)) {
            (Some(&socket), _) => socket,
            (None, Some(open)) if !open.contains(&h) => 0,
            _ => h,
        }
    }

    /// Whether the socket `m` (a key in `socks`) was made for overlapped calls.
    pub fn is_overlapped(&self, m: SOCKET) -> bool {
        self.sock(m).is_ok_and(|s| s.overlapped)
    }

    /// Whether the socket `m` (a key in `socks`) is open, in a started Winsock.
    pub fn is_open(&self, m: SOCKET) -> bool {
        self.sock(m).is_ok()
    }

    /// `WSADuplicateSocketW` then `WSASocketW` with its structure: a new handle naming the
    /// socket `h` names.
    pub fn duplicate(&mut self, h: SOCKET) -> Outcome {
        self.started()?;
        let socket = self.socket_of(h);
        self.sock(socket)?;
        let new = self.new_handle();
        self.aliases.insert(new, socket);
        self.handles
            .entry(socket)
            .or_insert_with(|| vec![socket])
            .push(new);
        Ok(new)
    }

    /// `closesocket` of the caller's handle `h`: closes the handle, and with the last the
    /// socket.
    pub fn close_handle(&mut self, h: SOCKET) -> Outcome {
        self.started()?;
        let socket = self.socket_of(h);
        let Some(open) = self.handles.get_mut(&socket) else {
            return self.close(socket);
        };
        open.retain(|&o| o != h);
        self.aliases.remove(&h);
        if !open.is_empty() {
            return Ok(0);
        }
        self.handles.remove(&socket);
        self.close(socket)
    }

    fn close(&mut self, h: SOCKET) -> Outcome {
        self.sock(h)?;
        let sock = self.socks.remove(&h).unwrap();
        let binding = self.binding_of(h);
        for owners in self.bound.values_mut() {
            owners.retain(|&(_, o)| o != h);
        }
        self.bound.retain(|_, owners| !owners.is_empty());
        match &sock.state {
            St::Listening { pending, .. } => {
                for p in pending {
                    if let Some(client) = self.socks.get_mut(&p.client) {
                        client.reset = true;
                    }
                }
            }
            St::Connected(_) if sock.ty == SOCK_STREAM => self.stream_closed(h, &sock),
            _ => {}
        }
        if let (SOCK_DGRAM, Some(binding)) = (sock.ty, binding) {
            self.end_exchanges(binding, &sock);
        }
        Ok(0)
    }

    /// The (type, address) `h` is bound at in the port table.
    fn binding_of(&self, h: SOCKET) -> Option<SocketAddr> {
        self.bound.iter().find_map(|(&(_, port), owners)| {
            owners
                .iter()
                .find(|&&(_, o)| o == h)
                .map(|&(ip, _)| SocketAddr::new(ip, port))
        })
    }

    /// The socket a datagram (or connection) of type `ty` sent to `addr` reaches: the one
    /// bound at exactly that address, else the one bound at its family's wildcard address.
    fn receiver(&self, ty: i32, addr: SocketAddr) -> Option<SOCKET> {
        let owners = self.bound.get(&(ty, addr.port()))?;
        let exact = owners.iter().find(|(ip, _)| *ip == addr.ip());
        let wild = owners
            .iter()
            .find(|(ip, _)| ip.is_unspecified() && ip.is_ipv4() == addr.is_ipv4());
        exact.or(wild).map(|&(_, o)| o)
    }

    /// `WSASetSocketPeerTargetName`, in the order of `choices::CHECK_ORDER`. An `OVERLAPPED`
    /// changes only how success is reported, not the result.
    pub fn set_name(&mut self, h: SOCKET, spec: &NameSpec) -> Outcome {
        let s = self.sock(h)?;
        if spec.null {
            return Err(WSAEFAULT);
        }
        if !s.is_ip_stream_or_dgram() {
            return Err(WSAEINVAL);
        }
        let declared = spec.declared_len();
        if declared < HEADER_LEN
            || u64::from(declared) < u64::from(HEADER_LEN) + u64::from(spec.string_len())
        {
            return Err(WSAEMSGSIZE);
        }
        let protocol = match spec.protocol {
            0 => SecurityProtocol::Default,
            1 => SecurityProtocol::Ipsec,
            2 => SecurityProtocol::Ipsec2,
            _ => return Err(WSAEINVAL),
        };
        let n = spec.string_len();
        if n == 0 || n % 2 == 1 || n > MAX_NAME_BYTES {
            return Err(WSAEINVAL);
        }
        let peer = peer_of(&spec.peer);
        let key = self.peer_checks(s, peer)?;
        if matches!(s.state, St::Connected(_)) {
            return Err(WSAEISCONN);
        }
        let units = spec.stored_units(n);
        self.socks
            .get_mut(&h)
            .unwrap()
            .names
            .insert(key, (protocol, units));
        Ok(0)
    }

    /// The family and zero-peer rules shared by set and delete; gives the name's key.
    fn peer_checks(&self, s: &Sock, peer: Peer) -> Result<Option<SocketAddr>, i32> {
        match peer {
            Peer::Ip(a) if family_of(&a) != s.family => return Err(WSAEAFNOSUPPORT),
            Peer::Other => return Err(WSAEAFNOSUPPORT),
            _ => {}
        }
        if s.ty == SOCK_DGRAM {
            match peer {
                Peer::Unspecified => return Err(WSAEINVAL),
                Peer::Ip(a) if a.ip().is_unspecified() && a.port() == 0 => return Err(WSAEINVAL),
                _ => {}
            }
        }
        Ok(match peer {
            Peer::Ip(SocketAddr::V6(mut v6)) if s.ty == SOCK_DGRAM => {
                v6.set_flowinfo(0);
                Some(SocketAddr::V6(v6))
            }
            Peer::Ip(a) if s.ty == SOCK_DGRAM => Some(a),
            _ => None,
        })
    }

    /// `WSADeleteSocketPeerTargetName`: set's order, WSAEMSGSIZE for a short address, no WSAEISCONN.
    pub fn delete_name(&mut self, h: SOCKET, addr: &AddrSpec) -> Outcome {
        let s = self.sock(h)?;
        let peer = peer_of(addr);
        if peer == Peer::Null {
            return Err(WSAEFAULT);
        }
        if !s.is_ip_stream_or_dgram() {
            return Err(WSAEINVAL);
        }
        if peer == Peer::TooShort {
            return Err(WSAEMSGSIZE);
        }
        let key = self.peer_checks(s, peer)?;
        self.socks.get_mut(&h).unwrap().names.remove(&key);
        Ok(0)
    }

    /// What the emulator's snapshot must be now.
    pub fn snapshot(&self) -> NetworkSnapshot {
        let mut sockets: Vec<SocketInfo> = self
            .socks
            .iter()
            .map(|(&handle, s)| SocketInfo {
                handle: self.handles.get(&handle).map_or(handle, |open| open[0]),
                duplicates: self
                    .handles
                    .get(&handle)
                    .map_or(Vec::new(), |open| open[1..].to_vec()),
                family: s.family,
                socket_type: s.ty,
                protocol: s.protocol,
                overlapped: s.overlapped,
                local: s.local,
                state: match &s.state {
                    St::Idle => SocketState::Idle,
                    St::Listening { backlog, pending } => SocketState::Listening {
                        backlog: *backlog,
                        pending: pending.len(),
                    },
                    St::Connected(peer) => SocketState::Connected { peer: *peer },
                },
                names: s
                    .names
                    .iter()
                    .map(|(peer, (protocol, units))| NameInfo {
                        peer: *peer,
                        protocol: *protocol,
                        name: TargetName::from_units(units),
                    })
                    .collect(),
                security: s.settings.clone(),
                links: std::iter::once((None, &s.link))
                    .chain(s.io.peers.iter().map(|(peer, e)| (Some(*peer), &e.link)))
                    .filter(|(peer, link)| peer.is_some() || link.is_some())
                    .map(|(peer, link)| LinkInfo {
                        peer,
                        secured: link.is_some(),
                        encrypted: link.as_ref().is_some_and(|link| link.encrypted),
                        peer_principal: link
                            .as_ref()
                            .map(|link| TargetName::from_units(&link.peer)),
                    })
                    .collect(),
                // Every socket is made non-blocking as it is created (accepted ones inherit
                // it); no principal calls.
                nonblocking: true,
                principal: None,
                waiting: s.io.waiting(),
            })
            .collect();
        sockets.sort_by_key(|s| s.handle);
        NetworkSnapshot {
            startups: self.startups,
            next_handle: self.next_handle,
            sockets,
        }
    }
}
