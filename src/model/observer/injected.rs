//! Network events a test causes directly, beyond injected call faults: a connection reset,
//! and the delivery of datagrams an injected delay held back.
#![forbid(unsafe_code)]

use std::num::NonZeroUsize;

use windows_sys::Win32::Networking::WinSock::{SOCKET, SOCK_DGRAM};

use crate::error::{Error, Result};
use crate::model::datagram::deliver_datagram;
use crate::model::socket::State;
use crate::model::SocketTable;

impl SocketTable {
    /// Resets the stream connection of `handle`, as a TCP RST would: both ends then get
    /// `WSAECONNRESET` from `send` and `recv`. `WSAENOTCONN` for a socket that is not a
    /// connected stream.
    pub(crate) fn reset_connection(&self, handle: SOCKET) -> Result<()> {
        self.require_startup()?;
        let topology = self.topology.lock();
        let remote = self.with_socket(handle, |entry| match entry.state {
            State::Connected { remote, .. } if entry.is_stream() => {
                entry.io_mut().reset = true;
                Ok(remote.map(NonZeroUsize::get))
            }
            _ => Err(Error::NotConnected),
        })?;
        if let Some(remote) = remote {
            if let Some(peer) = self.shard(remote).lock().get_mut(&remote) {
                peer.io_mut().reset = true;
            }
        }
        drop(topology);
        self.signal();
        Ok(())
    }

    /// Delivers every datagram an injected delay held back, oldest first, to whoever is
    /// bound at its destination now. Returns how many were delivered (a datagram whose
    /// destination has no socket any more is lost, as on a real network).
    pub(crate) fn deliver_delayed(&self) -> usize {
        let topology = self.topology.lock();
        let mut delivered = 0;
        for (to, source, data) in self.observer.take_delayed() {
            let Some(receiver) = topology.receivers(SOCK_DGRAM, to).next() else {
                continue;
            };
            if let Some(entry) = self.shard(receiver).lock().get_mut(&receiver) {
                deliver_datagram(entry, source, to.ip(), &data);
                delivered += 1;
            }
        }
        drop(topology);
        self.signal();
        delivered
    }
}
