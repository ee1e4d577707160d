//! Sending one datagram: `send` on a connected datagram socket, `sendto`/`WSASendTo` on an
//! unconnected one.
//!
//! The topology lock is held from the sender's checks to the end, so the receiver bound at
//! the destination cannot change half-way. Every step takes one shard lock at a time:
//!
//! 1. the sender ([`datagram_sender`]): the checks, in their documented order, and what
//!    the sender knows of the destination (a link from an earlier exchange or none yet);
//! 2. the receiver: the datagram is queued, and on a first exchange the receiver's side of
//!    the security link is recorded;
//! 3. the sender again, only when something changed for it: its new local address, the
//!    link of a first exchange, the port-unreachable mark and, unless `SIO_UDP_CONNRESET`
//!    turned reporting off or receiving was shut down, the port-unreachable notification
//!    its next receive meets ([`crate::choices::UDP_PORT_UNREACHABLE`]).
//!
//! Closing a datagram socket ends its exchanges: the sockets it exchanged with forget it
//! ([`SocketTable::end_exchanges`]).
//!
//! A first exchange negotiates security ([`crate::choices::DATAGRAM_SECURITY_PER_PEER`]).
//! When neither end applied settings and no fault is injected, that outcome is known
//! without negotiating (a plain link both ways), and step 2 settles it under the lock it
//! takes anyway. Otherwise the receiver's settings are read first, the negotiation runs,
//! and if it fails nothing is sent and nothing changes.
#![forbid(unsafe_code)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use windows_sys::Win32::Networking::WinSock::{SOCKET, SOCK_DGRAM};

use crate::choices;
use crate::error::{Error, Result};
use crate::model::data::{datagram_charge, receive_buffer};
use crate::model::dual_stack::{bind_ipv4_part, unmapped};
use crate::model::lifecycle::{source_toward, AddrArg, AddrFailure, Initiator};
use crate::model::negotiation::{negotiate, peer_key, Endpoint};
use crate::model::options::reuse::Reuse;
use crate::model::options::Opt;
use crate::model::small_map::SmallMap;
use crate::model::socket::{Exchange, Link, Queued, SocketEntry, State};
use crate::model::sync::MutexGuard;
use crate::model::topology::Topology;
use crate::model::SocketTable;
use crate::wire::PeerAddress;

/// What step 1 learnt of the sender.
#[derive(Debug)]
pub(in crate::model) struct Sender {
    /// The destination (a mapped one's IPv4 address, from a dual-stack socket).
    to: SocketAddr,
    /// The sender is a dual-stack socket (`dual_stack.rs`).
    dual: bool,
    /// The sender's local address, if bound.
    local: Option<SocketAddr>,
    /// The link from an earlier exchange with `to`; `None` on a first exchange.
    known: Option<Link>,
    /// On a first exchange of a sender with security settings, what it brings to the
    /// negotiation (read now, as it is needed in any case; boxed, as it is rare and large).
    initiator: Option<Box<Initiator>>,
    /// Whether the last datagram to `to` found no socket.
    unreachable: bool,
}

/// Step 1: the checks of a datagram from `entry` to `to`, in order, and what the sender
/// knows of `to`. Errors: `WSAEOPNOTSUPP` (not an IP datagram socket), `WSAEDESTADDRREQ`,
/// `WSAEFAULT` (short address), `WSAEAFNOSUPPORT`, `WSAEADDRNOTAVAIL` (the zero address;
/// a port of 0 is sent to, as Windows does: Wine's `sock.c`, `test_UDP`), `WSAEMSGSIZE` (over [`choices::MAX_DATAGRAM`]), `WSAESHUTDOWN`.
pub(in crate::model) fn datagram_sender(
    entry: &SocketEntry,
    data: &[u8],
    to: Option<AddrArg<'_>>,
) -> Result<Sender> {
    if entry.kind.socket_type != SOCK_DGRAM || !entry.is_ip() {
        return Err(Error::OperationNotSupported);
    }
    let to = match to.map(AddrArg::decode) {
        None | Some(Err(AddrFailure::Null)) => return Err(Error::DestinationRequired),
        Some(Err(AddrFailure::TooShort)) => return Err(Error::Fault),
        Some(Ok(PeerAddress::Ip(addr))) if entry.family_of(&addr) => entry.route(addr),
        Some(Ok(_)) => return Err(Error::AddressFamilyNotSupported),
    };
    if to.ip().is_unspecified() {
        return Err(Error::AddressNotAvailable);
    }
    if data.len() > choices::MAX_DATAGRAM {
        return Err(Error::MessageSize);
    }
    if entry.io.as_ref().is_some_and(|io| io.shut_send) {
        return Err(Error::Shutdown);
    }
    let exchange = entry.io.as_ref().and_then(|io| io.peers.get(&peer_key(to)));
    let known = exchange.map(|exchange| exchange.link.clone());
    let unreachable = exchange.is_some_and(|exchange| exchange.unreachable);
    // A peer that found nobody last time may be a first exchange again (step 2 knows).
    let initiator = ((known.is_none() || unreachable) && entry.settings().is_some())
        .then(|| Box::new(Initiator::of(entry, Some(to))));
    Ok(Sender {
        to,
        dual: entry.dual_stack(),
        local: entry.local,
        known,
        initiator,
        unreachable,
    })
}

impl Sender {
    /// A `sendto` to the limited broadcast address needs `SO_BROADCAST` (`WSAEACCES`
    /// otherwise, as `sendto`'s page says); a datagram socket connected to it sends without
    /// (Windows lets the connect succeed: [`crate::choices::BROADCAST_DELIVERY`]).
    pub(in crate::model) fn check_broadcast(self, entry: &SocketEntry) -> Result<Self> {
        if self.to.ip() == IpAddr::V4(Ipv4Addr::BROADCAST) && !entry.option_on(Opt::Broadcast) {
            return Err(Error::AccessDenied);
        }
        Ok(self)
    }
}

/// Puts a datagram from `source` to `to` in `entry`'s receive queue, unless the socket is
/// connected to someone else or has shut down receiving.
/// A full receive buffer drops the datagram silently ([`choices::FLOW_CONTROL`]).
pub(in crate::model) fn deliver_datagram(
    entry: &mut SocketEntry,
    source: SocketAddr,
    to: IpAddr,
    data: &[u8],
) {
    let accepts = match entry.state {
        State::Connected { peer, .. } => peer_key(peer) == peer_key(source),
        _ => true,
    };
    let source = entry.as_seen(source);
    let accepts = accepts
        || matches!(entry.state, State::Connected { peer, .. } if peer_key(peer) == peer_key(source));
    if accepts && !entry.io.as_ref().is_some_and(|io| io.shut_receive) {
        let room = receive_buffer(entry);
        if entry.io.as_ref().is_some_and(|io| io.queued_bytes >= room) {
            return;
        }
        let queued = Queued::arriving(entry, source, to, data);
        let io = entry.io_mut();
        io.queued_bytes += datagram_charge(data.len());
        io.datagrams.push_back(queued);
    }
}

/// Records on the receiving `entry` a first exchange with `source`, unless it knows that
/// peer already (a datagram it sent there first settled the link).
fn record_exchange(entry: &mut SocketEntry, source: SocketAddr, link: Link) {
    let exchange = Exchange {
        link,
        unreachable: false,
    };
    entry
        .io_mut()
        .peers
        .insert_if_absent(peer_key(source), exchange);
}

/// How a first exchange settled security, as each side records it.
struct Settled {
    /// The sender's link.
    mine: Link,
    /// The receiver's link, recorded when the datagram reaches it.
    theirs: Link,
}

/// One datagram's way: who sends it, from which address, and which socket receives it.
#[derive(Clone, Copy)]
struct Route<'a> {
    /// The sending socket.
    handle: SOCKET,
    /// What step 1 learnt of it.
    sender: &'a Sender,
    /// The address the datagram comes from.
    source: SocketAddr,
    /// The socket bound at the destination, if any.
    receiver: Option<SOCKET>,
}

/// What [`SocketTable::deliver_plain`] did.
enum Plain {
    /// Delivered; on a first exchange, with the sender's plain link to record.
    Delivered(Option<Link>),
    /// Nothing, as the receiver has security settings: a negotiation must run first.
    Secured,
}

impl SocketTable {
    /// The most bytes a gather send on `handle` needs to gather: all of them on a stream
    /// socket, one more than [`choices::MAX_DATAGRAM`] otherwise, as a longer datagram is
    /// refused whatever its length (`WSAEMSGSIZE`): so no gather allocates in proportion to
    /// a length it is about to refuse (defect 4 of issue 13).
    pub(crate) fn gather_limit(&self, handle: SOCKET) -> Result<usize> {
        let stream = self.with_socket(handle, |entry| Ok(entry.is_stream()))?;
        Ok(if stream {
            usize::MAX
        } else {
            choices::MAX_DATAGRAM + 1
        })
    }

    /// Steps 2 and 3 for a datagram that passed step 1: `topology` is held since then.
    pub(in crate::model) fn send_datagram(
        &self,
        mut topology: MutexGuard<'_, Topology>,
        handle: SOCKET,
        data: &[u8],
        mut sender: Sender,
    ) -> Result<usize> {
        let to = sender.to;
        let bound = match sender.local {
            Some(local) => local,
            None => {
                let ipv4 = to.is_ipv4() && !sender.dual;
                let wildcard = if ipv4 { "0.0.0.0:0" } else { "[::]:0" };
                topology.choose(SOCK_DGRAM, wildcard.parse().map_err(|_| Error::Invalid)?)?
            }
        };
        // A dual-stack socket's datagram to an IPv4 peer leaves from its IPv4 side.
        let bound_toward = match (sender.dual, to.is_ipv4()) {
            (true, true) if bound.ip().is_unspecified() => {
                SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), bound.port())
            }
            (true, true) => unmapped(bound).unwrap_or(bound),
            _ => bound,
        };
        if matches!(to.ip(), IpAddr::V4(ip) if ip.is_multicast()) {
            return self.send_multicast(topology, handle, data, (to, sender.local, bound_toward));
        }
        let source = source_toward(bound_toward, to);
        // An unbound sender is bound before its datagram leaves, so one sent to the very
        // address it is given reaches it (nobody else can be bound at that free port).
        let receiver = topology
            .receivers(SOCK_DGRAM, to)
            .next()
            .or_else(|| (sender.local.is_none() && bound.port() == to.port()).then_some(handle));
        // The exchange with whoever was there when a datagram found nobody is no exchange
        // with a socket: the first datagram that finds one there now is a first exchange.
        if sender.unreachable && receiver.is_some() {
            sender.known = None;
        }
        let first = sender.known.is_none();
        let plain = if !self.observer.is_active() && sender.initiator.is_none() {
            self.deliver_plain(receiver, (source, to.ip()), data, first)
        } else {
            Plain::Secured
        };
        let mine = match plain {
            Plain::Delivered(mine) => mine,
            Plain::Secured => {
                let route = Route {
                    handle,
                    sender: &sender,
                    source,
                    receiver,
                };
                self.deliver_negotiated(&topology, &route, data)?
            }
        };
        if sender.local.is_none() {
            topology.bind(SOCK_DGRAM, bound, handle);
            if sender.dual {
                bind_ipv4_part(&mut topology, SOCK_DGRAM, bound, handle, Reuse::Default);
            }
        }
        let reached = receiver.is_some();
        let changed = sender.local.is_none() || mine.is_some() || !reached || sender.unreachable;
        if changed {
            self.with_entry(handle, |entry| {
                if sender.local.is_none() {
                    entry.local = Some(bound);
                }
                let io = entry.io_mut();
                // One notification for a run of lost datagrams with nothing queued between
                // them, so a socket that only sends keeps a bounded queue.
                let after_notice = matches!(io.datagrams.back(), Some(Queued::PortUnreachable));
                if !reached && !io.unreachable_unreported && !io.shut_receive && !after_notice {
                    io.datagrams.push_back(Queued::PortUnreachable);
                }
                let key = peer_key(to);
                let peers = &mut io.peers;
                match (mine, peers.get_mut(&key)) {
                    (Some(link), _) => {
                        let exchange = Exchange {
                            link,
                            unreachable: !reached,
                        };
                        peers.insert(key, exchange);
                    }
                    (None, Some(exchange)) => exchange.unreachable = !reached,
                    (None, None) => {}
                }
                // Only the last destination that found nobody keeps its record (which only
                // answers queries): a socket sending to many unbound ports keeps one.
                if reached {
                    if io.last_lost == Some(key) {
                        io.last_lost = None;
                    }
                } else if let Some(earlier) = io.last_lost.replace(key).filter(|&e| e != key) {
                    if io.peers.get(&earlier).is_some_and(|e| e.unreachable) {
                        io.peers.remove(&earlier);
                    }
                }
                Ok(())
            })?;
        }
        drop(topology);
        self.signal();
        Ok(data.len())
    }

    /// Ends the exchanges of the datagram socket `handle`, which is closing, with `peers`:
    /// each socket bound at one of those addresses forgets every address at which it
    /// reached `handle` (whether it learnt it from a datagram `handle` sent, or by sending
    /// there itself), so a later socket there is a new peer
    /// ([`crate::choices::EXCHANGES_END_AT_CLOSE`]). Called under the topology lock while
    /// `handle` is still bound at `local`; takes one shard lock at a time.
    ///
    /// A peer's record of `handle` can only be at an address with `handle`'s port, so only
    /// those records are looked up in the port bindings: a server with many peers pays one
    /// compare per record for each of them that closes, not a lookup.
    pub(in crate::model) fn end_exchanges(
        &self,
        topology: &Topology,
        handle: SOCKET,
        local: SocketAddr,
        peers: &SmallMap<SocketAddr, Exchange>,
    ) {
        let reaches_closing = |addr: &SocketAddr| {
            addr.port() == local.port()
                && topology.receivers(SOCK_DGRAM, *addr).next() == Some(handle)
        };
        for (&peer, _) in peers.iter() {
            let Some(receiver) = topology.receivers(SOCK_DGRAM, peer).next() else {
                continue;
            };
            if let Some(entry) = self.shard(receiver).lock().get_mut(&receiver) {
                if let Some(io) = entry.io.as_mut() {
                    io.peers.retain(|addr, _| !reaches_closing(addr));
                }
            }
        }
    }

    /// Step 2 when no fault applies and the sender brings no settings: an exchange already
    /// settled (`first` false), or a first one to a receiver without settings (or to no
    /// socket at all), which is plain both ways, settled under the receiver's lock.
    fn deliver_plain(
        &self,
        receiver: Option<SOCKET>,
        (source, to): (SocketAddr, IpAddr),
        data: &[u8],
        first: bool,
    ) -> Plain {
        let plain = first.then(Link::default);
        let Some(receiver) = receiver else {
            return Plain::Delivered(plain);
        };
        let mut shard = self.shard(receiver).lock();
        let Some(entry) = shard.get_mut(&receiver) else {
            return Plain::Delivered(plain);
        };
        if first && entry.settings().is_some() {
            return Plain::Secured;
        }
        deliver_datagram(entry, source, to, data);
        if first {
            record_exchange(entry, source, Link::default());
        }
        Plain::Delivered(plain)
    }

    /// Step 2 otherwise: on a first exchange, the negotiation (which may fail the call,
    /// before anything changed), then the injected faults' say on the datagram, then the
    /// delivery. Returns the sender's link to record, on a first exchange.
    fn deliver_negotiated(
        &self,
        topology: &Topology,
        route: &Route<'_>,
        data: &[u8],
    ) -> Result<Option<Link>> {
        let Route {
            handle,
            sender,
            source,
            receiver,
        } = *route;
        let settled = match sender.known {
            Some(_) => None,
            None => Some(self.negotiate_datagram(topology, route)?),
        };
        let copies = self
            .observer
            .datagram_copies(handle, sender.to, source, data);
        if let Some(receiver) = receiver {
            if let Some(entry) = self.shard(receiver).lock().get_mut(&receiver) {
                for _ in 0..copies {
                    deliver_datagram(entry, source, sender.to.ip(), data);
                }
                if let Some(settled) = &settled {
                    record_exchange(entry, source, settled.theirs.clone());
                }
            }
        }
        Ok(settled.map(|settled| settled.mine))
    }

    /// A first exchange's negotiation, with the receiver's settings and principal as they
    /// stand (each end's principal defaults to its host's).
    fn negotiate_datagram(&self, topology: &Topology, route: &Route<'_>) -> Result<Settled> {
        let to = route.sender.to;
        let initiator = match &route.sender.initiator {
            Some(initiator) => Initiator::clone(initiator),
            None => self.with_entry(route.handle, |entry| Ok(Initiator::of(entry, Some(to))))?,
        };
        let (settings, responder_principal) = route
            .receiver
            .and_then(|r| {
                self.shard(r)
                    .lock()
                    .get(&r)
                    .map(|e| (e.settings().cloned(), e.principal().cloned()))
            })
            .unwrap_or_default();
        if initiator.settings.is_none() && settings.is_none() {
            // Neither side asked for security: a plain exchange, no principals.
            return Ok(Settled {
                mine: Link::default(),
                theirs: Link::default(),
            });
        }
        let principal = initiator
            .principal
            .clone()
            .unwrap_or_else(|| topology.host_principal(route.source.ip()));
        let responder_principal =
            responder_principal.unwrap_or_else(|| topology.host_principal(to.ip()));
        let (mut mine, mut theirs) = negotiate(
            Endpoint {
                settings: initiator.settings.as_ref(),
                principal: &principal,
            },
            initiator.target_name.as_ref(),
            Endpoint {
                settings: settings.as_ref(),
                principal: &responder_principal,
            },
        )
        .map_err(|refusal| self.refused(crate::testing::Call::SendTo, route.handle, to, refusal))?;
        let hosts = (route.source.ip(), to.ip());
        self.sas
            .lock()
            .assign(hosts.0, hosts.1, [&mut mine, &mut theirs]);
        Ok(Settled { mine, theirs })
    }
}
