//! The socket options the blocking calls and flow control read: `SO_RCVBUF`, `SO_SNDBUF`,
//! `SO_RCVTIMEO`, `SO_SNDTIMEO`, and `SO_ERROR` after a non-blocking connect (facts 1.5,
//! 1.6). `getsockopt`/`setsockopt` reach them through these methods; an accepted socket
//! inherits its listener's.
#![forbid(unsafe_code)]

use std::time::Duration;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::error::{Error, Result};
use crate::model::socket::{ConnectAttempt, Flow};
use crate::model::SocketTable;

impl SocketTable {
    /// Reads one option of `handle`.
    fn flow_of<R>(&self, handle: SOCKET, read: impl FnOnce(&Flow) -> R) -> Result<R> {
        self.with_socket(handle, |entry| {
            Ok(match entry.flow() {
                Some(options) => read(options),
                None => read(&Flow::default()),
            })
        })
    }

    /// Changes one option of `handle`; waiters look again (more room may let a send on).
    fn set_flow(&self, handle: SOCKET, write: impl FnOnce(&mut Flow)) -> Result<()> {
        self.with_socket(handle, |entry| {
            write(entry.flow_mut());
            Ok(())
        })?;
        self.waits.changed();
        self.room_changed();
        Ok(())
    }

    /// `setsockopt(SO_RCVBUF)`: the receive buffer's size, in bytes (0 allowed).
    pub(crate) fn set_receive_buffer(&self, handle: SOCKET, bytes: usize) -> Result<()> {
        self.set_flow(handle, |options| options.receive_buffer = bytes)
    }

    /// `getsockopt(SO_RCVBUF)`.
    pub(crate) fn receive_buffer(&self, handle: SOCKET) -> Result<usize> {
        self.flow_of(handle, |options| options.receive_buffer)
    }

    /// `setsockopt(SO_SNDBUF)`: the send buffer's size, in bytes (0 allowed).
    pub(crate) fn set_send_buffer(&self, handle: SOCKET, bytes: usize) -> Result<()> {
        self.set_flow(handle, |options| options.send_buffer = bytes)
    }

    /// `getsockopt(SO_SNDBUF)`.
    pub(crate) fn send_buffer(&self, handle: SOCKET) -> Result<usize> {
        self.flow_of(handle, |options| options.send_buffer)
    }

    /// `setsockopt(SO_RCVTIMEO)`: `None` (0 ms) for no timeout. A wait already under way
    /// keeps the deadline it started with.
    pub(crate) fn set_receive_timeout(
        &self,
        handle: SOCKET,
        timeout: Option<Duration>,
    ) -> Result<()> {
        let timeout = timeout.filter(|timeout| !timeout.is_zero());
        self.set_flow(handle, |options| options.receive_timeout = timeout)
    }

    /// `getsockopt(SO_RCVTIMEO)`: `None` for none.
    pub(crate) fn receive_timeout(&self, handle: SOCKET) -> Result<Option<Duration>> {
        self.flow_of(handle, |options| options.receive_timeout)
    }

    /// `setsockopt(SO_SNDTIMEO)`: `None` (0 ms) for no timeout.
    pub(crate) fn set_send_timeout(&self, handle: SOCKET, timeout: Option<Duration>) -> Result<()> {
        let timeout = timeout.filter(|timeout| !timeout.is_zero());
        self.set_flow(handle, |options| options.send_timeout = timeout)
    }

    /// `getsockopt(SO_SNDTIMEO)`: `None` for none.
    pub(crate) fn send_timeout(&self, handle: SOCKET) -> Result<Option<Duration>> {
        self.flow_of(handle, |options| options.send_timeout)
    }

    /// `getsockopt(SO_ERROR)`: the error of the last non-blocking connect, if it failed;
    /// reading does not clear it, a later successful connect does (facts 1.5).
    pub(crate) fn socket_error(&self, handle: SOCKET) -> Result<Option<Error>> {
        self.flow_of(handle, |options| match options.connect {
            Some(ConnectAttempt::Failed(error)) => Some(error),
            _ => None,
        })
    }
}
