//! [`CompletionPort`]: a completion port of a [`Network`], for tests written in safe Rust
//! (the C face is `sys::CreateIoCompletionPort` and its family).
#![forbid(unsafe_code)]

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::{Network, Socket};
use crate::error::{Error, Result};
use crate::model::completion::{self, Dequeued, Packet, Port};

/// One completion packet, as `GetQueuedCompletionStatus` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompletionPacket {
    /// The bytes the operation transferred (`*lpNumberOfBytesTransferred`).
    pub bytes: u32,
    /// The key of the socket's association, or the one posted (`*lpCompletionKey`).
    pub key: usize,
    /// The operation's `OVERLAPPED` address, or the value posted (`*lpOverlapped`).
    pub overlapped: usize,
    /// 0 for a successful operation, else the Win32 error `GetLastError` would report.
    pub status: u32,
}

/// A completion port
/// ([`CreateIoCompletionPort`](https://learn.microsoft.com/windows/win32/api/ioapiset/nf-ioapiset-createiocompletionport)),
/// closed when dropped (`CloseHandle`). Its waits are its network's: bounded by their
/// timeout on the network's clock and by the stall rules.
///
/// ```
/// use std::time::Duration;
/// use winsock_emu::{CompletionPacket, CompletionPort, Network};
///
/// let net = Network::new();
/// let port = CompletionPort::new(&net)?;
/// let packet = CompletionPacket { bytes: 3, key: 7, overlapped: 0, status: 0 };
/// port.post(packet)?;
/// assert_eq!(port.get(Some(Duration::ZERO))?, Some(packet));
/// assert_eq!(port.get(Some(Duration::ZERO))?, None, "a timeout");
/// # Ok::<(), winsock_emu::Error>(())
/// ```
pub struct CompletionPort {
    handle: usize,
    port: Arc<Port>,
    network: Network,
}

impl fmt::Debug for CompletionPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompletionPort")
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

impl CompletionPort {
    /// Creates a port of `network`
    /// ([`CreateIoCompletionPort`](https://learn.microsoft.com/windows/win32/api/ioapiset/nf-ioapiset-createiocompletionport)
    /// with `INVALID_HANDLE_VALUE`).
    pub fn new(network: &Network) -> Result<Self> {
        let handle = completion::create(&network.table)?;
        let port = completion::get(handle)?;
        Ok(Self {
            handle,
            port,
            network: network.clone(),
        })
    }

    /// The port's handle, for the C face (`sys::GetQueuedCompletionStatus` and the like).
    pub fn handle(&self) -> usize {
        self.handle
    }

    /// Associates `socket` (of this port's network) with the port, its packets carrying
    /// `key`
    /// ([`CreateIoCompletionPort`](https://learn.microsoft.com/windows/win32/api/ioapiset/nf-ioapiset-createiocompletionport)).
    /// `WSAENOTSOCK` for a socket of another network or closed; `WSA_INVALID_PARAMETER`
    /// for one already associated.
    pub fn associate(&self, socket: &Socket, key: usize) -> Result<()> {
        if !socket.network.same_as(&self.network) {
            return Err(Error::NotSocket);
        }
        completion::associate(&self.network.table, socket.handle, self.handle, key)
    }

    /// Queues `packet`
    /// ([`PostQueuedCompletionStatus`](https://learn.microsoft.com/windows/win32/api/ioapiset/nf-ioapiset-postqueuedcompletionstatus)).
    pub fn post(&self, packet: CompletionPacket) -> Result<()> {
        let posted = Packet {
            bytes: packet.bytes,
            key: packet.key,
            overlapped: completion::Pointer::new(std::ptr::without_provenance_mut(
                packet.overlapped,
            )),
            status: packet.status,
        };
        if self.port.post(posted) {
            Ok(())
        } else {
            Err(Error::InvalidHandle)
        }
    }

    /// Takes the next packet, waiting at most `timeout` (`None`: until one comes or the
    /// stall rules end the wait): `Ok(None)` when the timeout passed
    /// ([`GetQueuedCompletionStatus`](https://learn.microsoft.com/windows/win32/api/ioapiset/nf-ioapiset-getqueuedcompletionstatus)).
    /// `WSAENETDOWN` for a stall.
    pub fn get(&self, timeout: Option<Duration>) -> Result<Option<CompletionPacket>> {
        Ok(self.get_many(1, timeout)?.into_iter().next())
    }

    /// Takes up to `max` packets at once, waiting as [`CompletionPort::get`] does; empty
    /// when the timeout passed
    /// ([`GetQueuedCompletionStatusEx`](https://learn.microsoft.com/windows/win32/api/ioapiset/nf-ioapiset-getqueuedcompletionstatusex)).
    pub fn get_many(&self, max: usize, timeout: Option<Duration>) -> Result<Vec<CompletionPacket>> {
        match self
            .port
            .dequeue("GetQueuedCompletionStatusEx", max, timeout, false)
        {
            Dequeued::Packets(packets) => Ok(packets
                .into_iter()
                .map(|packet| CompletionPacket {
                    bytes: packet.bytes,
                    key: packet.key,
                    overlapped: packet.overlapped.get().addr(),
                    status: packet.status,
                })
                .collect()),
            Dequeued::TimedOut | Dequeued::Alerted => Ok(Vec::new()),
            Dequeued::Abandoned => Err(Error::InvalidHandle),
            Dequeued::Stalled(ended) => Err(self.network.table.wait_failed(ended)),
        }
    }
}

impl Drop for CompletionPort {
    /// `CloseHandle` on the port: threads still waiting wake with `ERROR_ABANDONED_WAIT_0`.
    fn drop(&mut self) {
        let _ = completion::close(self.handle);
    }
}
