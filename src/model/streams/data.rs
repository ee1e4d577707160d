//! Moving data: `send`, `recv`, `sendto`/`WSASendTo`, `recvfrom`, `shutdown`, and the
//! `ioctlsocket` commands `FIONBIO` and `FIONREAD`.
//!
//! A stream send appends to the peer socket's receive queue (or, before the server accepted
//! the connection, to the sender's, handed over at `accept`). A datagram goes to the socket
//! bound to its destination, after the sender and the receiver negotiated security for that
//! peer on the first datagram between them ([`crate::choices::DATAGRAM_SECURITY_PER_PEER`]).
//! These are the attempts: each fails with `WSAEWOULDBLOCK` when it cannot proceed now, and
//! the observed calls wait on a blocking socket (`model/waits`). Each change a waiter could
//! wait for ends with [`crate::model::waits::Waits::changed`].
#![forbid(unsafe_code)]

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroUsize;

use windows_sys::Win32::Networking::WinSock::{
    MSG_DONTROUTE, MSG_PEEK, MSG_WAITALL, SD_BOTH, SD_RECEIVE, SD_SEND, SOCKET, SOCK_STREAM,
};

use crate::error::{Error, Result};
use crate::model::datagram::{datagram_sender, Sender};
use crate::model::lifecycle::AddrArg;
use crate::model::payload::Payload;
use crate::model::pktinfo::reported;
use crate::model::socket::{Queued, SocketEntry, State};
use crate::model::sync::MutexGuard;
use crate::model::topology::Topology;
use crate::model::SocketTable;

/// What a receive produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Received {
    /// The bytes (at most the length asked for).
    pub data: Payload,
    /// The sender: the datagram's source, or a stream socket's peer.
    pub from: Option<SocketAddr>,
    /// A datagram longer than the buffer: the rest was discarded (`WSAEMSGSIZE`).
    pub truncated: bool,
    /// The datagram's destination address, when `IP_PKTINFO` or `IPV6_PKTINFO` asks for
    /// it (`model/pktinfo.rs`): `WSARecvMsg`'s control data.
    pub destination: Option<IpAddr>,
}

/// What `send` found the socket to be.
enum Send {
    /// A connected datagram socket, checked: the datagram goes to its peer.
    Datagram(Sender),
    /// A connected stream socket, with the handle of its far end once accepted, and its
    /// `SO_SNDBUF`.
    Stream(Option<SOCKET>, usize),
}

/// The bytes a stream connection holds in flight toward a receiver with `SO_RCVBUF`
/// `receive_buffer` from a sender with `SO_SNDBUF` `send_buffer`: their sum, at least
/// [`crate::choices::DEFAULT_BUFFER`] ([`crate::choices::FLOW_CONTROL`]). A send is taken
/// whole while less than this is queued.
pub(in crate::model) fn stream_room(receive_buffer: usize, send_buffer: usize) -> usize {
    receive_buffer
        .saturating_add(send_buffer)
        .max(crate::choices::DEFAULT_BUFFER)
}

/// What a queued datagram of `len` bytes costs its receive buffer: its bytes and its queue
/// entry ([`crate::choices::FLOW_CONTROL`]), so that even empty datagrams fill it.
pub(in crate::model) fn datagram_charge(len: usize) -> usize {
    len + crate::choices::DATAGRAM_OVERHEAD
}

/// A socket's `SO_RCVBUF`.
pub(in crate::model) fn receive_buffer(entry: &SocketEntry) -> usize {
    entry
        .flow()
        .map_or(crate::choices::DEFAULT_BUFFER, |options| {
            options.receive_buffer
        })
}

/// A socket's `SO_SNDBUF`.
pub(in crate::model) fn send_buffer(entry: &SocketEntry) -> usize {
    entry
        .flow()
        .map_or(crate::choices::DEFAULT_BUFFER, |options| {
            options.send_buffer
        })
}

/// Checks `flags` against those a call supports ([`crate::choices::DATA_FLAGS`]).
fn flags_supported(flags: i32, supported: i32) -> Result<()> {
    if flags & !supported != 0 {
        return Err(Error::OperationNotSupported);
    }
    Ok(())
}

/// `WSAECONNRESET` once the connection was reset.
fn not_reset(entry: &SocketEntry) -> Result<()> {
    if entry.io.as_ref().is_some_and(|io| io.reset) {
        return Err(Error::ConnectionReset);
    }
    Ok(())
}

/// A queue entry's size if it is a datagram (a port-unreachable notification has none).
fn datagram_len(queued: &Queued) -> Option<usize> {
    queued.payload().map(Payload::len)
}

/// `WSAESHUTDOWN` once the direction was shut down.
fn direction_open(entry: &SocketEntry, sending: bool) -> Result<()> {
    let shut = entry.io.as_ref().is_some_and(|io| {
        if sending {
            io.shut_send
        } else {
            io.shut_receive
        }
    });
    if shut {
        return Err(Error::Shutdown);
    }
    Ok(())
}

impl SocketTable {
    /// `send`: a stream socket's bytes to its peer; a connected datagram socket's datagram
    /// to its peer. Returns the bytes sent. `handle` is the socket, as
    /// [`Self::socket_of`] names it (here and for `sendto` and `recv`: the observed calls
    /// wait on the socket, whichever of its handles they were given).
    ///
    /// Errors: `WSAEOPNOTSUPP` (flags other than `MSG_DONTROUTE`), `WSAENOTCONN`,
    /// `WSAESHUTDOWN`, `WSAECONNRESET`, and for datagrams those of [`Self::send_to`].
    pub(in crate::model) fn send_unobserved(
        &self,
        handle: SOCKET,
        data: &[u8],
        flags: i32,
    ) -> Result<usize> {
        self.require_startup()?;
        self.send_locked(self.topology.lock(), handle, data, flags)
    }

    /// [`Self::send_unobserved`] with the topology lock already held.
    fn send_locked(
        &self,
        topology: MutexGuard<'_, Topology>,
        handle: SOCKET,
        data: &[u8],
        flags: i32,
    ) -> Result<usize> {
        let plan = self.with_entry(handle, |entry| {
            flags_supported(flags, MSG_DONTROUTE)?;
            let State::Connected { peer, remote } = entry.state else {
                return Err(Error::NotConnected);
            };
            direction_open(entry, true)?;
            not_reset(entry)?;
            if !entry.is_stream() {
                let sender = datagram_sender(entry, data, Some(AddrArg::Value(peer)))?;
                return Ok(Send::Datagram(sender));
            }
            let sending = send_buffer(entry);
            if remote.is_none() && !data.is_empty() {
                // Not accepted yet: the bytes wait with the client, as much as a connection
                // holds.
                let unsent = &mut entry.io_mut().unsent;
                if unsent.len() >= stream_room(crate::choices::DEFAULT_BUFFER, sending) {
                    return Err(Error::WouldBlock);
                }
                unsent.extend_from_slice(data);
            }
            Ok(Send::Stream(remote.map(NonZeroUsize::get), sending))
        })?;
        let (remote, sending) = match plan {
            Send::Datagram(sender) => return self.send_datagram(topology, handle, data, sender),
            Send::Stream(remote, sending) => (remote, sending),
        };
        let Some(remote) = remote else {
            return Ok(data.len());
        };
        if data.is_empty() {
            return Ok(0);
        }
        // What the send did: `Ok` queued the bytes; `Err(true)` found the receiver's
        // receive side shut, which resets the connection though the send succeeds
        // ([`crate::choices::RECEIVE_SHUTDOWN_RESETS`]); `Err(false)` found the peer gone.
        let delivered: std::result::Result<(), bool> =
            match self.shard(remote).lock().get_mut(&remote) {
                Some(receiver) => {
                    let room = stream_room(receive_buffer(receiver), sending);
                    let io = receiver.io_mut();
                    if io.inbound.len() >= room {
                        // Full: the sender waits (blocking) or gets WSAEWOULDBLOCK.
                        return Err(Error::WouldBlock);
                    }
                    let shut = io.shut_receive;
                    if crate::rules::shutdown::receive_shutdown_resets(true, shut, data.len()) {
                        io.inbound.clear();
                        io.reset = true;
                        Err(true)
                    } else {
                        io.inbound.extend(data);
                        Ok(())
                    }
                }
                None => Err(false),
            };
        if let Err(sent) = delivered {
            self.with_entry(handle, |entry| {
                entry.io_mut().reset = true;
                Ok(())
            })?;
            drop(topology);
            self.signal();
            return if sent {
                Ok(data.len())
            } else {
                Err(Error::ConnectionReset)
            };
        }
        drop(topology);
        self.signal();
        Ok(data.len())
    }

    /// `sendto`/`WSASendTo`: one datagram to `to` (`None`: NULL). On a connected socket
    /// (stream or datagram) `to` is ignored and the call is [`Self::send`]. The first
    /// datagram to a peer negotiates security with it ([`crate::choices::DATAGRAM_SECURITY_PER_PEER`]);
    /// if that fails, nothing is sent and nothing changes.
    ///
    /// Errors: `WSAEOPNOTSUPP` (flags), `WSAEDESTADDRREQ` (no address, unconnected),
    /// `WSAEFAULT` (short address), `WSAEAFNOSUPPORT` (a family the socket cannot use),
    /// `WSAEADDRNOTAVAIL` (zero address or port), `WSAEMSGSIZE` (over 65,507 bytes),
    /// `WSAEACCES` (255.255.255.255 without `SO_BROADCAST`), `WSAESHUTDOWN`, `WSAENOTCONN`
    /// (unconnected stream), and the negotiation's error.
    pub(in crate::model) fn send_to_unobserved(
        &self,
        handle: SOCKET,
        data: &[u8],
        flags: i32,
        to: Option<AddrArg<'_>>,
    ) -> Result<usize> {
        self.require_startup()?;
        let topology = self.topology.lock();
        let sender = self.with_entry(handle, |entry| {
            flags_supported(flags, MSG_DONTROUTE)?;
            if entry.is_connected() || entry.is_stream() {
                return Ok(None);
            }
            datagram_sender(entry, data, to)?
                .check_broadcast(entry)
                .map(Some)
        })?;
        match sender {
            Some(sender) => self.send_datagram(topology, handle, data, sender),
            // Still under the topology lock: a datagram socket disconnected meanwhile would
            // make the send fail with WSAENOTCONN (found by the audit of issue 13).
            None => self.send_locked(topology, handle, data, flags),
        }
    }

    /// `recv`/`recvfrom`: up to `max` bytes of a stream, or the next datagram.
    ///
    /// Errors: `WSAEOPNOTSUPP` (flags other than `MSG_PEEK` and, on streams, `MSG_WAITALL`),
    /// `WSAENOTCONN` (unconnected stream), `WSAEINVAL` (unbound datagram socket),
    /// `WSAESHUTDOWN`, `WSAECONNRESET` (a reset stream; on a datagram socket, a
    /// port-unreachable notification next in the queue: [`crate::choices::UDP_PORT_UNREACHABLE`],
    /// consumed unless `MSG_PEEK`), and `WSAEWOULDBLOCK` when nothing can be read yet (the
    /// observed `recv` then waits on a blocking socket). A stream whose peer finished
    /// sending gives an empty result: the graceful close.
    pub(in crate::model) fn recv_unobserved(
        &self,
        handle: SOCKET,
        max: usize,
        flags: i32,
    ) -> Result<Received> {
        let received = self.recv_now(handle, max, flags)?;
        if flags & MSG_PEEK == 0 && !received.data.as_slice().is_empty() {
            // Room freed: a sender may go on.
            self.waits.changed();
            self.room_changed();
        }
        Ok(received)
    }

    /// The receive itself, signalling nobody (the posted receives' fill uses it under
    /// their lock).
    pub(in crate::model) fn recv_now(
        &self,
        handle: SOCKET,
        max: usize,
        flags: i32,
    ) -> Result<Received> {
        self.with_entry(handle, |entry| {
            let peek = flags & MSG_PEEK != 0;
            if entry.kind.socket_type == SOCK_STREAM {
                flags_supported(flags, MSG_PEEK | MSG_WAITALL)?;
                if flags & MSG_WAITALL != 0 && entry.nonblocking {
                    // recv's page: MSG_WAITALL on a non-blocking socket is WSAEOPNOTSUPP.
                    return Err(Error::OperationNotSupported);
                }
                let State::Connected { peer, .. } = entry.state else {
                    return Err(Error::NotConnected);
                };
                direction_open(entry, false)?;
                not_reset(entry)?;
                // MSG_WAITALL takes what a full receive buffer holds, so that a length
                // beyond it is gathered in turns (the observed `recv`) as the sender refills it.
                let most = receive_buffer(entry).max(1);
                let io = entry.io_mut();
                let finished = io.peer_finished;
                let waiting = io.inbound.len();
                let enough = if flags & MSG_WAITALL != 0 {
                    waiting >= max.min(most)
                } else {
                    waiting > 0 || max == 0
                };
                if !enough && !finished {
                    return Err(Error::WouldBlock);
                }
                let take = waiting.min(max);
                let data: Vec<u8> = if peek {
                    io.inbound.iter().take(take).copied().collect()
                } else {
                    io.inbound.drain(..take).collect()
                };
                return Ok(Received {
                    data: data.into(),
                    from: Some(peer),
                    truncated: false,
                    destination: None,
                });
            }
            flags_supported(flags, MSG_PEEK)?;
            if entry.local.is_none() {
                return Err(Error::Invalid);
            }
            direction_open(entry, false)?;
            let io = entry.io_mut();
            let next = if peek {
                io.datagrams.front().cloned()
            } else {
                io.datagrams.pop_front()
            };
            // A peek leaves a port-unreachable notification for the next receive
            // (`udp-port-unreachable`).
            let (from, datagram, to) = next
                .ok_or(Error::WouldBlock)?
                .into_datagram()
                .ok_or(Error::ConnectionReset)?;
            if !peek {
                io.queued_bytes -= datagram_charge(datagram.len());
            }
            let truncated = datagram.len() > max;
            let data = datagram.prefix(max);
            Ok(Received {
                data,
                from: Some(from),
                truncated,
                destination: reported(entry, to),
            })
        })
    }

    /// `shutdown`: stops receiving (`SD_RECEIVE`), sending (`SD_SEND`: the peer's receives
    /// then end with 0 once drained) or both. A stream's receive shutdown with data still
    /// queued resets the connection, as does data arriving after it
    /// ([`crate::choices::RECEIVE_SHUTDOWN_RESETS`]). Errors: `WSAEINVAL` (bad *how*), `WSAENOTCONN`
    /// (unconnected stream).
    pub(in crate::model) fn shutdown_unobserved(&self, handle: SOCKET, how: i32) -> Result<()> {
        self.require_startup()?;
        let topology = self.topology.lock();
        let remote = self.with_socket(handle, |entry| {
            if ![SD_RECEIVE, SD_SEND, SD_BOTH].contains(&how) {
                return Err(Error::Invalid);
            }
            let remote = match entry.state {
                State::Connected { remote, .. } => remote.map(NonZeroUsize::get),
                _ if entry.is_stream() => return Err(Error::NotConnected),
                _ => None,
            };
            let stream = entry.is_stream();
            let io = entry.io_mut();
            io.shut_receive |= how != SD_SEND;
            io.shut_send |= how != SD_RECEIVE;
            // Data still queued resets the connection ([`crate::choices::RECEIVE_SHUTDOWN_RESETS`]).
            let reset = remote.is_some()
                && crate::rules::shutdown::receive_shutdown_resets(
                    stream,
                    how != SD_SEND,
                    io.inbound.len(),
                );
            if reset {
                io.inbound.clear();
                io.reset = true;
            }
            Ok(remote
                .filter(|_| stream && (reset || how != SD_RECEIVE))
                .map(|remote| (remote, reset)))
        })?;
        if let Some((remote, reset)) = remote {
            if let Some(peer) = self.shard(remote).lock().get_mut(&remote) {
                if reset {
                    peer.io_mut().reset = true;
                } else {
                    peer.io_mut().peer_finished = true;
                }
            }
        }
        drop(topology);
        self.signal();
        Ok(())
    }

    /// `ioctlsocket(FIONBIO)`: non-blocking mode on or off; not off while `WSAEventSelect`
    /// has a selection ([`crate::rules::readiness::blocking_mode_allowed`]).
    pub(crate) fn set_nonblocking(&self, handle: SOCKET, nonblocking: bool) -> Result<()> {
        self.with_socket(handle, |entry| {
            crate::rules::readiness::blocking_mode_allowed(
                crate::model::readiness::network_events::selected(entry),
                nonblocking,
            )?;
            entry.nonblocking = nonblocking;
            Ok(())
        })
    }

    /// `ioctlsocket(FIONREAD)`: the bytes a stream socket can read, or the size of the next
    /// datagram (behind any port-unreachable notification: [`crate::choices::PORT_UNREACHABLE_UNCOUNTED`]).
    pub(crate) fn readable(&self, handle: SOCKET) -> Result<usize> {
        self.with_socket(handle, |entry| {
            Ok(entry.io.as_ref().map_or(0, |io| {
                if entry.kind.socket_type == SOCK_STREAM {
                    io.inbound.len()
                } else {
                    io.datagrams.iter().find_map(datagram_len).unwrap_or(0)
                }
            }))
        })
    }
}
