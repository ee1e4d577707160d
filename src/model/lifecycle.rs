//! A socket's life: `WSAStartup`/`WSACleanup`, `socket`, `bind`, `listen`, `connect`,
//! `closesocket` (`accept` is in `accepting.rs`).
//!
//! Connections are real within one table: a stream `connect` to a listening socket queues
//! the connection in its backlog and `accept` takes it; with nobody listening the connect
//! is refused (`WSAECONNREFUSED`). Every operation either succeeds completely or fails and
//! leaves the table as it was.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::sync::atomic::Ordering;

use windows_sys::Win32::Networking::WinSock::{AF_INET, AF_INET6, SOCKET, SOCK_STREAM};

use super::catalog;
use super::negotiation::{negotiate, Endpoint};
use super::options::reuse::Reuse;
use super::overlapped;
use super::socket::{ConnectAttempt, Link, Listener, Pending, SocketEntry, State};
use super::topology::Topology;
use super::SocketTable;
use crate::choices;
use crate::error::{Error, Result};
use crate::wire::{self, PeerAddress, SecuritySettings, SockaddrError, TargetName};

/// What an initiating socket brings to a security negotiation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Initiator {
    /// Its security settings.
    pub settings: Option<SecuritySettings>,
    /// The peer target name it holds for the peer (a stream socket's one name).
    pub target_name: Option<TargetName>,
    /// Its own principal, if the test gave it one.
    pub principal: Option<TargetName>,
}

impl Initiator {
    /// What `entry` brings when it talks to `peer` (`None`: a stream socket's connection).
    pub(crate) fn of(entry: &SocketEntry, peer: Option<SocketAddr>) -> Self {
        let key = super::peer_names::PeerKey::for_peer(entry.kind.socket_type, peer);
        Self {
            settings: entry.settings().cloned(),
            target_name: entry.names.get(&key).map(|stored| stored.name.clone()),
            principal: entry.principal().cloned(),
        }
    }
}

/// A connection offered to a listener.
#[derive(Debug, Clone, Copy)]
struct Offer<'a> {
    family: u16,
    client: Endpoint<'a>,
    target_name: Option<&'a TargetName>,
}

/// The local address a socket bound at `bound` uses toward `target` (once connected to it,
/// or as a datagram's source): a wildcard address becomes the target's, as the route to it
/// would choose ([`choices::ONE_HOST_OWNS_EVERY_ADDRESS`]).
pub(super) fn source_toward(bound: SocketAddr, target: SocketAddr) -> SocketAddr {
    if bound.ip().is_unspecified() {
        SocketAddr::new(target.ip(), bound.port())
    } else {
        bound
    }
}

/// The highest Winsock version there is: 2.2 (`MAKEWORD(2, 2)`).
pub(crate) const HIGHEST_VERSION: u16 = 0x0202;

/// A `SOCKADDR` argument as the caller gave it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum AddrArg<'a> {
    /// A NULL pointer.
    Null,
    /// The caller's bytes, cut to the length it declared (at most `SOCKADDR_STORAGE`).
    Bytes(&'a [u8]),
    /// An address from the safe API.
    Value(SocketAddr),
}

/// Why an [`AddrArg`] gave no address; each call maps this to its documented code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AddrFailure {
    /// The pointer was NULL.
    Null,
    /// The length cannot hold the address form its family names.
    TooShort,
}

impl AddrArg<'_> {
    /// Decodes the argument.
    pub(crate) fn decode(self) -> std::result::Result<PeerAddress, AddrFailure> {
        match self {
            AddrArg::Null => Err(AddrFailure::Null),
            AddrArg::Bytes(bytes) => wire::decode_sockaddr(bytes)
                .map_err(|SockaddrError::TooShort| AddrFailure::TooShort),
            AddrArg::Value(addr) => Ok(PeerAddress::Ip(addr)),
        }
    }
}

/// The family of an IP address, as `AF_INET` or `AF_INET6`.
fn family_of(addr: &SocketAddr) -> u16 {
    if addr.is_ipv4() {
        AF_INET
    } else {
        AF_INET6
    }
}

/// The emulated network addresses only IP sockets ([`choices::ONLY_IP_IS_ADDRESSED`]).
fn require_ip_socket(entry: &SocketEntry) -> Result<()> {
    if entry.kind.family == AF_INET || entry.kind.family == AF_INET6 {
        Ok(())
    } else {
        Err(Error::AddressFamilyNotSupported)
    }
}

/// Decodes a `bind` or `connect` address: NULL or too short is `WSAEFAULT`; an address the
/// socket's family cannot use is `mismatch`.
fn ip_address_for(entry: &SocketEntry, arg: AddrArg<'_>, mismatch: Error) -> Result<SocketAddr> {
    match arg.decode() {
        Err(AddrFailure::Null | AddrFailure::TooShort) => Err(Error::Fault),
        Ok(PeerAddress::Ip(addr)) if family_of(&addr) == entry.kind.family => Ok(addr),
        Ok(_) => Err(mismatch),
    }
}

impl SocketTable {
    /// `WSAStartup`: counts one more user and grants the version asked for, at most 2.2.
    /// A version below 1.0 is `WSAVERNOTSUPPORTED` ([`choices::STARTUP_VERSIONS`]).
    pub(super) fn startup_unobserved(&self, requested: u16) -> Result<u16> {
        let [major, minor] = requested.to_le_bytes();
        if major == 0 {
            return Err(Error::VersionNotSupported);
        }
        let granted = if (major, minor) > (2, 2) {
            HIGHEST_VERSION
        } else {
            requested
        };
        self.startups
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |count| {
                count.checked_add(1)
            })
            .map_err(|_| Error::ProcessLimit)?;
        Ok(granted)
    }

    /// `WSACleanup`: one user fewer. The last one closes every socket, as Windows resets and
    /// frees the sockets still open ([`choices::CLEANUP_CLOSES_SOCKETS`]), aborting their
    /// pending overlapped operations as `closesocket` does.
    pub(super) fn cleanup_unobserved(&self) -> Result<()> {
        let mut topology = self.topology.lock();
        let before = self
            .startups
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |count| {
                count.checked_sub(1)
            })
            .map_err(|_| Error::NotInitialised)?;
        if before == 1 {
            for shard in self.shards.iter() {
                shard.lock().clear();
            }
            topology.clear();
            let pending = self.take_pending(None);
            drop(topology);
            self.signal();
            overlapped::abort(pending);
        }
        Ok(())
    }

    /// The number of `WSAStartup` calls not yet matched by `WSACleanup`.
    pub(crate) fn startup_count(&self) -> u32 {
        self.startups.load(Ordering::Acquire)
    }

    /// `socket`/`WSASocketW`: creates a socket the catalogue offers.
    pub(super) fn create_unobserved(
        &self,
        family: i32,
        socket_type: i32,
        protocol: i32,
        overlapped: bool,
    ) -> Result<SOCKET> {
        self.require_startup()?;
        let kind = catalog::resolve(family, socket_type, protocol)?;
        self.insert(SocketEntry::new(kind, overlapped))
    }

    /// `bind`: gives the socket a local address (port 0: the next free ephemeral port).
    ///
    /// Errors: `WSAEAFNOSUPPORT` for a socket the network cannot address, `WSAEFAULT` for a
    /// NULL, short or wrong-family address (bind's page: "an incorrect address format for
    /// the associated address family"), `WSAEINVAL` if already bound, `WSAEADDRINUSE` or
    /// `WSAEACCES` if another socket holds the port and the second-bind table of
    /// `SO_REUSEADDR`/`SO_EXCLUSIVEADDRUSE` says so (`options/reuse.rs`).
    pub(super) fn bind_unobserved(&self, handle: SOCKET, arg: AddrArg<'_>) -> Result<SocketAddr> {
        self.require_startup()?;
        let mut topology = self.topology.lock();
        self.with_socket(handle, |entry| {
            require_ip_socket(entry)?;
            let addr = ip_address_for(entry, arg, Error::Fault)?;
            if entry.local.is_some() {
                return Err(Error::Invalid);
            }
            let reuse = Reuse::of(entry);
            let chosen = topology.choose_with(entry.kind.socket_type, addr, reuse)?;
            topology.bind_with(entry.kind.socket_type, chosen, handle, reuse);
            entry.local = Some(chosen);
            Ok(chosen)
        })
    }

    /// `listen`: a bound stream socket starts queueing connections.
    ///
    /// Errors: `WSAEOPNOTSUPP` for a socket that is not a stream, `WSAEISCONN` if connected,
    /// `WSAEINVAL` if unbound. A second call only changes the backlog, which is clamped to
    /// 1..=[`choices::MAX_BACKLOG`].
    pub(super) fn listen_unobserved(&self, handle: SOCKET, backlog: i32) -> Result<()> {
        self.with_socket(handle, |entry| {
            if !entry.is_stream() {
                return Err(Error::OperationNotSupported);
            }
            if entry.is_connected() {
                return Err(Error::IsConnected);
            }
            if entry.local.is_none() {
                return Err(Error::Invalid);
            }
            let backlog = usize::try_from(backlog)
                .unwrap_or(0)
                .clamp(1, choices::MAX_BACKLOG);
            match &mut entry.state {
                State::Listening(listener) => listener.backlog = backlog,
                state => {
                    *state = State::Listening(Box::new(Listener {
                        backlog,
                        pending: Default::default(),
                    }))
                }
            }
            Ok(())
        })
    }

    /// `connect`/`WSAConnect`.
    ///
    /// A stream socket is queued on a listening socket bound to the destination (or to the
    /// wildcard address of its family) and is connected at once, as TCP completes the
    /// handshake before `accept`; with no listener, or a full backlog, it is refused. A
    /// datagram socket just records its peer; connecting it to the zero address and port
    /// disconnects it, as `connect`'s page says. An unbound socket is bound implicitly
    /// ([`choices::ONE_HOST_OWNS_EVERY_ADDRESS`]).
    ///
    /// On a non-blocking stream socket the outcome is recorded instead of returned, and the
    /// call fails with `WSAEWOULDBLOCK` ([`choices::NONBLOCKING_CONNECT`]): a refusal
    /// becomes `SO_ERROR`.
    ///
    /// A stream socket is looked at, the listener's shard locked, and the socket locked again
    /// to be connected: `listen`, `WSASetSocketSecurity` or a peer-name call (which take no
    /// topology lock) may change it in between. If one did, the connection is withdrawn from
    /// the backlog and the connect starts again from the socket as it now is, so it is as if
    /// that call came first (defect 9 of issue 13: connect and listen both succeeded).
    pub(super) fn connect_unobserved(&self, handle: SOCKET, arg: AddrArg<'_>) -> Result<()> {
        let mut nonblocking = false;
        let outcome = self.connect_now(handle, arg, &mut nonblocking);
        // A pending AcceptEx may take the connection just queued.
        self.fill_accepts();
        match (outcome, nonblocking) {
            // Recorded by `connect_now` as it connected.
            (Ok(()), true) => Err(Error::WouldBlock),
            (Err(Error::ConnectionRefused), true) => {
                self.with_socket(handle, |entry| {
                    let attempt = ConnectAttempt::Failed(Error::ConnectionRefused);
                    entry.flow_mut().connect = Some(attempt);
                    Ok(())
                })?;
                Err(Error::WouldBlock)
            }
            (outcome, _) => outcome,
        }
    }

    /// The connect itself: its outcome, as a blocking connect returns it; `nonblocking`
    /// says whether the socket is a non-blocking stream socket (whose success it records
    /// as [`ConnectAttempt::Completed`]; a blocking one's clears `SO_ERROR`).
    fn connect_now(&self, handle: SOCKET, arg: AddrArg<'_>, nonblocking: &mut bool) -> Result<()> {
        self.require_startup()?;
        let mut topology = self.topology.lock();
        loop {
            if let Some(done) = self.connect_once(&mut topology, handle, arg, nonblocking)? {
                return Ok(done);
            }
        }
    }

    /// One attempt of [`Self::connect_unobserved`]: `Ok(None)` if the socket changed while
    /// its connection was queued (the connection was withdrawn; try again).
    fn connect_once(
        &self,
        topology: &mut Topology,
        handle: SOCKET,
        arg: AddrArg<'_>,
        nonblocking: &mut bool,
    ) -> Result<Option<()>> {
        let (kind, local, target, initiator) = self.with_socket(handle, |entry| {
            *nonblocking = entry.is_stream() && entry.nonblocking;
            require_ip_socket(entry)?;
            let target = ip_address_for(entry, arg, Error::AddressFamilyNotSupported)?;
            let unspecified = target.ip().is_unspecified();
            if entry.is_stream() {
                match entry.state {
                    State::Listening(_) => return Err(Error::Invalid),
                    State::Connected { .. } => return Err(Error::IsConnected),
                    State::Idle if unspecified || target.port() == 0 => {
                        return Err(Error::AddressNotAvailable)
                    }
                    State::Idle => {}
                }
            } else if unspecified && target.port() == 0 {
                entry.state = State::Idle;
                return Ok((entry.kind, None, None, Initiator::default()));
            } else if target.port() == 0 {
                return Err(Error::AddressNotAvailable);
            } else {
                // A datagram socket's connect only binds it (if it was not) and records the
                // peer: done in this one turn, as nothing else needs a lock.
                let bound = match entry.local {
                    Some(local) => local,
                    None => {
                        let socket_type = entry.kind.socket_type;
                        let bound =
                            topology.choose(socket_type, SocketAddr::new(target.ip(), 0))?;
                        topology.bind(socket_type, bound, handle);
                        bound
                    }
                };
                entry.local = Some(source_toward(bound, target));
                entry.state = State::Connected {
                    peer: target,
                    remote: None,
                };
                return Ok((entry.kind, None, None, Initiator::default()));
            }
            Ok((
                entry.kind,
                entry.local,
                Some(target),
                Initiator::of(entry, None),
            ))
        })?;
        let Some(target) = target else {
            return Ok(Some(()));
        };
        let bound = match local {
            Some(local) => local,
            None => topology.choose(kind.socket_type, SocketAddr::new(target.ip(), 0))?,
        };
        let source = source_toward(bound, target);
        // Only a stream socket gets here: it needs a listener to take the connection.
        let principal = initiator
            .principal
            .clone()
            .unwrap_or_else(|| topology.host_principal(source.ip()));
        let client = Endpoint {
            settings: initiator.settings.as_ref(),
            principal: &principal,
        };
        let pending = Pending {
            client: handle,
            from: source,
            to: target,
            link: Link::default(),
            unsent: Vec::new(),
        };
        let mut queued = None;
        for listener in topology.receivers(SOCK_STREAM, target) {
            let server_principal = |entry: &SocketEntry| {
                entry
                    .principal()
                    .cloned()
                    .unwrap_or_else(|| topology.host_principal(target.ip()))
            };
            let offer = Offer {
                family: kind.family,
                client,
                target_name: initiator.target_name.as_ref(),
            };
            if let Some(found) = self.enqueue(listener, offer, pending.clone(), server_principal)? {
                queued = Some((listener, found));
                break;
            }
        }
        let (listener, link) = queued.ok_or(Error::ConnectionRefused)?;
        let connected = self.with_socket(handle, |entry| {
            let unchanged = matches!(entry.state, State::Idle)
                && entry.local == local
                && Initiator::of(entry, None) == initiator;
            if !unchanged {
                return Ok(false);
            }
            entry.local = Some(source);
            entry.state = State::Connected {
                peer: target,
                remote: None,
            };
            entry.mark_connected();
            if link != Link::default() {
                entry.security_mut().link = Some(link);
            }
            if *nonblocking {
                entry.flow_mut().connect = Some(ConnectAttempt::Completed);
            } else if let Some(flow) = entry.io.as_mut().and_then(|io| io.flow.as_mut()) {
                // A successful connect resets SO_ERROR.
                flow.connect = None;
            }
            Ok(true)
        })?;
        if !connected {
            self.withdraw(listener, handle);
            return Ok(None);
        }
        if local.is_none() {
            topology.bind(kind.socket_type, bound, handle);
        }
        self.waits.changed();
        Ok(Some(()))
    }

    /// Takes the connection of `client` back out of `listener`'s backlog, where this
    /// connect queued it under the topology lock it still holds (so nobody accepted it).
    fn withdraw(&self, listener: SOCKET, client: SOCKET) {
        if let Some(entry) = self.shard(listener).lock().get_mut(&listener) {
            if let State::Listening(queue) = &mut entry.state {
                queue.pending.retain(|pending| pending.client != client);
            }
        }
    }

    /// Negotiates with `listener` and queues `pending` on it, if it is a listening socket
    /// of the offer's family with room: `Ok(Some(link))` with the client's view of the
    /// connection's security, `Ok(None)` if the socket cannot take it, or the error of a
    /// failed negotiation ([`choices::SECURE_NEGOTIATION`]), in which case nothing is queued.
    fn enqueue(
        &self,
        listener: SOCKET,
        offer: Offer<'_>,
        mut pending: Pending,
        server_principal: impl FnOnce(&SocketEntry) -> TargetName,
    ) -> Result<Option<Link>> {
        let mut shard = self.shard(listener).lock();
        let Some(entry) = shard.get_mut(&listener) else {
            return Ok(None);
        };
        let principal = server_principal(entry);
        let settings = entry.settings().cloned();
        let server = Endpoint {
            settings: settings.as_ref(),
            principal: &principal,
        };
        match &mut entry.state {
            State::Listening(queue)
                if entry.kind.family == offer.family && queue.pending.len() < queue.backlog =>
            {
                let (mut client_view, mut server_view) =
                    negotiate(offer.client, offer.target_name, server).map_err(|refusal| {
                        self.refused(
                            crate::testing::Call::Connect,
                            pending.client,
                            pending.to,
                            refusal,
                        )
                    })?;
                let hosts = (pending.from.ip(), pending.to.ip());
                let views = [&mut client_view, &mut server_view];
                self.sas.lock().assign(hosts.0, hosts.1, views);
                pending.link = server_view;
                queue.pending.push_back(pending);
                Ok(Some(client_view))
            }
            _ => Ok(None),
        }
    }

    /// `closesocket`: removes the socket and frees its local address. Its handle is never
    /// handed out again. Overlapped operations still pending on it complete with
    /// `WSA_OPERATION_ABORTED`, after every lock is released.
    pub(super) fn close_unobserved(&self, handle: SOCKET) -> Result<()> {
        self.require_startup()?;
        let mut topology = self.topology.lock();
        let entry = self
            .shard(handle)
            .lock()
            .remove(&handle)
            .ok_or(Error::NotSocket)?;
        if let Some(local) = entry.local {
            if let Some(io) = entry.io.as_deref() {
                self.end_exchanges(&topology, handle, local, &io.peers);
            }
            topology.unbind(entry.kind.socket_type, local, handle);
        }
        match &entry.state {
            State::Connected {
                remote: Some(remote),
                ..
            } if entry.is_stream() => {
                // Unread data, or SO_LINGER {1, 0} (an abortive close), resets the peer.
                let unread = entry.io.as_ref().is_some_and(|io| !io.inbound.is_empty())
                    || entry.linger() == (1, 0);
                let remote = remote.get();
                if let Some(peer) = self.shard(remote).lock().get_mut(&remote) {
                    let io = peer.io_mut();
                    if unread {
                        io.reset = true;
                    } else {
                        io.peer_finished = true;
                    }
                }
            }
            State::Connected {
                peer, remote: None, ..
            } if entry.is_stream() => {
                // Not accepted yet: what it sent waits with the connection in the backlog.
                let unsent = entry.io.map(|io| io.unsent).unwrap_or_default();
                if !unsent.is_empty() {
                    self.leave_unsent(&topology, handle, *peer, unsent);
                }
            }
            State::Listening(listener) => {
                for pending in &listener.pending {
                    if let Some(client) = self.shard(pending.client).lock().get_mut(&pending.client)
                    {
                        client.io_mut().reset = true;
                    }
                }
            }
            _ => {}
        }
        // Only a socket that started an overlapped operation can have one pending (it is
        // marked under its shard lock while the pending list is locked, so none slips by).
        let pending = if entry.overlapped_started {
            self.take_pending(Some(handle))
        } else {
            Vec::new()
        };
        drop(topology);
        self.signal();
        overlapped::abort(pending);
        Ok(())
    }

    /// Gives what the stream client `handle`, closing before it was accepted, had sent
    /// to its connection in the backlog of the listener at `peer`.
    fn leave_unsent(&self, topology: &Topology, handle: SOCKET, peer: SocketAddr, unsent: Vec<u8>) {
        for listener in topology.receivers(SOCK_STREAM, peer) {
            if let Some(entry) = self.shard(listener).lock().get_mut(&listener) {
                if let State::Listening(queue) = &mut entry.state {
                    if let Some(pending) = queue.pending.iter_mut().find(|p| p.client == handle) {
                        pending.unsent = unsent;
                        return;
                    }
                }
            }
        }
    }

    /// The socket's local address: `getsockname`. Unbound sockets get `WSAEINVAL`.
    pub(crate) fn local_addr(&self, handle: SOCKET) -> Result<SocketAddr> {
        self.with_socket(handle, |entry| entry.local.ok_or(Error::Invalid))
    }

    /// The connected peer's address: `getpeername`. Unconnected sockets get `WSAENOTCONN`.
    pub(crate) fn peer_addr(&self, handle: SOCKET) -> Result<SocketAddr> {
        self.with_socket(handle, |entry| match entry.state {
            State::Connected { peer, .. } => Ok(peer),
            _ => Err(Error::NotConnected),
        })
    }
}
