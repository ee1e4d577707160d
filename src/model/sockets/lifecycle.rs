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

use crate::choices;
use crate::error::{Error, Result};
use crate::model::catalog;
use crate::model::dual_stack::{bind_ipv4_part, check_ipv4_part, mapped, unmapped};
use crate::model::duplication::Released;
use crate::model::negotiation::{negotiate, Endpoint};
use crate::model::options::reuse::Reuse;
use crate::model::overlapped;
use crate::model::socket::{ConnectAttempt, Link, Listener, Pending, SocketEntry, State};
use crate::model::sync::MutexGuard;
use crate::model::topology::Topology;
use crate::model::SocketTable;
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
        let key = crate::model::peer_names::PeerKey::for_peer(entry.kind.socket_type, peer);
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
pub(in crate::model) fn source_toward(bound: SocketAddr, target: SocketAddr) -> SocketAddr {
    if bound.ip().is_unspecified() {
        SocketAddr::new(target.ip(), bound.port())
    } else {
        bound
    }
}

/// How a stream `connect` went: connected now, or queued on a listener with
/// `SO_CONDITIONAL_ACCEPT`, whose decision the connection waits for (`conditional.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Made {
    Now,
    Awaiting,
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
    pub(in crate::model) fn startup_unobserved(&self, requested: u16) -> Result<u16> {
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
    pub(in crate::model) fn cleanup_unobserved(&self) -> Result<()> {
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
            self.clear_duplications();
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
    pub(in crate::model) fn create_unobserved(
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
    pub(in crate::model) fn bind_unobserved(
        &self,
        handle: SOCKET,
        arg: AddrArg<'_>,
    ) -> Result<SocketAddr> {
        self.require_startup()?;
        let mut topology = self.topology.lock();
        let handle = self.socket_of(handle)?;
        self.with_entry(handle, |entry| {
            require_ip_socket(entry)?;
            let addr = ip_address_for(entry, arg, Error::Fault)?;
            if entry.local.is_some() {
                return Err(Error::Invalid);
            }
            let reuse = Reuse::of(entry);
            let socket_type = entry.kind.socket_type;
            let chosen = topology.choose_with(socket_type, addr, reuse)?;
            let dual = entry.dual_stack();
            if dual {
                check_ipv4_part(&topology, socket_type, chosen, reuse)?;
            }
            topology.bind_with(socket_type, chosen, handle, reuse);
            if dual {
                bind_ipv4_part(&mut topology, socket_type, chosen, handle, reuse);
            }
            entry.local = Some(chosen);
            Ok(chosen)
        })
    }

    /// `listen`: a bound stream socket starts queueing connections.
    ///
    /// Errors: `WSAEOPNOTSUPP` for a socket that is not a stream, `WSAEISCONN` if connected,
    /// `WSAEINVAL` if unbound. A second call only changes the backlog, which is clamped to
    /// 1..=[`choices::MAX_BACKLOG`].
    pub(in crate::model) fn listen_unobserved(&self, handle: SOCKET, backlog: i32) -> Result<()> {
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
    pub(in crate::model) fn connect_unobserved(
        &self,
        handle: SOCKET,
        arg: AddrArg<'_>,
    ) -> Result<()> {
        let handle = self.socket_of(handle)?;
        let mut nonblocking = false;
        let outcome = self.connect_now(handle, arg, &mut nonblocking);
        // A pending AcceptEx may take the connection just queued.
        self.fill_accepts();
        match (outcome, nonblocking) {
            // Recorded by `connect_now` as it connected, or waiting for the listener.
            (Ok(Made::Now | Made::Awaiting), true) => Err(Error::WouldBlock),
            (Ok(Made::Now), false) => Ok(()),
            (Ok(Made::Awaiting), false) => self.await_decision(handle),
            (Err(Error::ConnectionRefused), true) => {
                self.with_entry(handle, |entry| {
                    let attempt = ConnectAttempt::Failed(Error::ConnectionRefused);
                    entry.flow_mut().connect = Some(attempt);
                    Ok(())
                })?;
                Err(Error::WouldBlock)
            }
            (Err(error), _) => Err(error),
        }
    }

    /// The connect itself: its outcome, as a blocking connect returns it (a success is
    /// recorded as [`ConnectAttempt::Completed`], which clears `SO_ERROR`); `nonblocking`
    /// says whether the socket is a non-blocking stream socket.
    fn connect_now(
        &self,
        handle: SOCKET,
        arg: AddrArg<'_>,
        nonblocking: &mut bool,
    ) -> Result<Made> {
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
    ) -> Result<Option<Made>> {
        let now = self.waits.now();
        let (kind, local, target, route, initiator) = self.with_entry(handle, |entry| {
            *nonblocking = entry.is_stream() && entry.nonblocking;
            require_ip_socket(entry)?;
            let target = ip_address_for(entry, arg, Error::AddressFamilyNotSupported)?;
            let unspecified = target.ip().is_unspecified();
            if entry.is_stream() {
                match entry.state {
                    State::Idle if entry.awaiting_decision() => return Err(Error::Already),
                    State::Listening(_) => return Err(Error::Invalid),
                    State::Connected { .. } => return Err(Error::IsConnected),
                    State::Idle if unspecified || target.port() == 0 => {
                        return Err(Error::AddressNotAvailable)
                    }
                    State::Idle => {}
                }
            } else if unspecified && target.port() == 0 {
                entry.state = State::Idle;
                return Ok((entry.kind, None, None, target, Initiator::default()));
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
                return Ok((entry.kind, None, None, target, Initiator::default()));
            }
            Ok((
                entry.kind,
                entry.local,
                Some(target),
                entry.route(target),
                Initiator::of(entry, None),
            ))
        })?;
        let Some(target) = target else {
            return Ok(Some(Made::Now));
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
        // A dual-stack client connecting to a mapped address reaches the IPv4 listener as an
        // IPv4 client (`dual_stack.rs`).
        let routed = route != target;
        let pending = Pending {
            client: handle,
            from: if routed {
                unmapped(source).unwrap_or(source)
            } else {
                source
            },
            to: route,
            link: Link::default(),
            unsent: Vec::new(),
        };
        let mut queued = None;
        for listener in topology.receivers(SOCK_STREAM, route) {
            let server_principal = |entry: &SocketEntry| {
                entry
                    .principal()
                    .cloned()
                    .unwrap_or_else(|| topology.host_principal(target.ip()))
            };
            let offer = Offer {
                family: if routed { AF_INET } else { kind.family },
                client,
                target_name: initiator.target_name.as_ref(),
            };
            if let Some(found) = self.enqueue(listener, offer, pending.clone(), server_principal)? {
                queued = Some((listener, found));
                break;
            }
        }
        let (listener, (link, conditional)) = queued.ok_or(Error::ConnectionRefused)?;
        let connected = self.with_entry(handle, |entry| {
            let unchanged = matches!(entry.state, State::Idle)
                && entry.local == local
                && Initiator::of(entry, None) == initiator;
            if !unchanged {
                return Ok(false);
            }
            entry.local = Some(source);
            if link != Link::default() {
                entry.security_mut().link = Some(link.clone());
            }
            if conditional {
                // The handshake waits for the listener's decision (`conditional.rs`).
                entry.flow_mut().connect = Some(ConnectAttempt::Awaiting(target));
                return Ok(true);
            }
            entry.state = State::Connected {
                peer: target,
                remote: None,
            };
            entry.mark_connected(now);
            // Blocking or not, the connection is recorded: it resets SO_ERROR, and the
            // first WSAEventSelect reports it as FD_CONNECT, as Windows does (sock.c
            // test_connect_events: connect, then select).
            entry.flow_mut().connect = Some(ConnectAttempt::Completed);
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
        Ok(Some(if conditional {
            Made::Awaiting
        } else {
            Made::Now
        }))
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
    ) -> Result<Option<(Link, bool)>> {
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
        let takes = entry.takes_family(offer.family);
        let conditional = entry.conditional_accept();
        let ipv6 = entry.kind.family == AF_INET6;
        match &mut entry.state {
            State::Listening(queue) if takes && queue.pending.len() < queue.backlog => {
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
                if ipv6 {
                    // An IPv4 client of a dual-stack listener: its accepted socket sees
                    // mapped addresses.
                    pending.from = mapped(pending.from);
                    pending.to = mapped(pending.to);
                }
                queue.pending.push_back(pending);
                Ok(Some((client_view, conditional)))
            }
            _ => Ok(None),
        }
    }

    /// `closesocket`: removes the socket and frees its local address. Its handle is never
    /// handed out again. Overlapped operations still pending on it complete with
    /// `WSA_OPERATION_ABORTED`, after every lock is released. A socket shared by
    /// `WSADuplicateSocket` closes with its last handle; an earlier close ends that handle
    /// only, and the socket, with its pending operations and waits, goes on
    /// ([`crate::choices::DUPLICATE_IS_A_SECOND_HANDLE`]).
    /// Returns the socket that closed (`None`: the socket stays open).
    pub(in crate::model) fn close_unobserved(&self, handle: SOCKET) -> Result<Option<SOCKET>> {
        self.require_startup()?;
        let topology = self.topology.lock();
        match self.release_handle(handle)? {
            Released::Handle => Ok(None),
            Released::Socket(socket) => self.close_socket(topology, socket).map(Some),
        }
    }

    /// Closes the socket the table keys by `handle`, whatever handles name it, under the
    /// topology lock the caller took (and which this releases before aborting the
    /// socket's pending operations): [`Self::close_unobserved`] once its last handle is
    /// closed, and `DisconnectEx`'s reuse.
    pub(in crate::model) fn close_socket(
        &self,
        mut topology: MutexGuard<'_, Topology>,
        handle: SOCKET,
    ) -> Result<SOCKET> {
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
                        if !client.refuse_awaiting() {
                            client.io_mut().reset = true;
                        }
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
        Ok(handle)
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
