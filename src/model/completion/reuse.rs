//! `DisconnectEx`: a connected stream socket's sending side shut down, or, with
//! `TF_REUSE_SOCKET`, the connection closed and the handle made a fresh socket again, for
//! a later `AcceptEx` or `ConnectEx`.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{SD_SEND, SOCKET};

use crate::error::{Error, Result};
use crate::model::socket::SocketEntry;
use crate::model::SocketTable;

impl SocketTable {
    /// `DisconnectEx` on `handle`: `WSAENOTCONN` unless it is a connected stream socket.
    /// Without `reuse`, as `shutdown(SD_SEND)`: the peer reads the end of the stream, this
    /// side still receives. With `reuse`, the connection is closed as `closesocket` closes
    /// it (pending operations aborted, the local address freed) and the handle names a new,
    /// unbound socket of the same kind and mode, still associated with its completion port
    /// ([`crate::choices::DISCONNECT_REUSE`]).
    pub(crate) fn disconnect(&self, handle: SOCKET, reuse: bool) -> Result<()> {
        let socket = self.socket_of(handle)?;
        let (kind, overlapped, nonblocking) = self.with_entry(socket, |entry| {
            if !entry.is_stream() || !entry.is_connected() {
                return Err(Error::NotConnected);
            }
            Ok((entry.kind, entry.overlapped, entry.nonblocking))
        })?;
        if !reuse {
            return self.shutdown(handle, SD_SEND);
        }
        // The socket closes, whichever of its handles was given; every handle then names
        // the fresh one ([`crate::choices::DUPLICATE_IS_A_SECOND_HANDLE`]).
        self.require_startup()?;
        self.close_socket(self.topology.lock(), socket)?;
        let mut fresh = SocketEntry::new(kind, overlapped);
        fresh.nonblocking = nonblocking;
        let mut shard = self.shard(socket).lock();
        // As `insert`: a WSACleanup that cleared the shards meanwhile leaves it closed.
        self.require_startup()?;
        shard.insert(socket, fresh);
        drop(shard);
        self.await_accept_context(socket, false);
        Ok(())
    }
}
