//! The safe face of the options blocking calls read, with socket2's names:
//! `SO_RCVTIMEO`, `SO_SNDTIMEO`, `SO_RCVBUF`, `SO_SNDBUF`, `SO_ERROR`.
#![forbid(unsafe_code)]

use std::time::Duration;

use super::Socket;
use crate::error::{Error, Result};

impl Socket {
    /// [`setsockopt(SO_RCVTIMEO)`](https://learn.microsoft.com/windows/win32/winsock/sol-socket-socket-options):
    /// how long a blocking receive waits before failing with `WSAETIMEDOUT`; `None` (or
    /// zero) waits without a limit. Runs on the network's clock ([`crate::Network::set_clock`]).
    pub fn set_read_timeout(&self, timeout: Option<Duration>) -> Result<()> {
        self.network.table.set_receive_timeout(self.handle, timeout)
    }

    /// [`getsockopt(SO_RCVTIMEO)`](https://learn.microsoft.com/windows/win32/winsock/sol-socket-socket-options).
    pub fn read_timeout(&self) -> Result<Option<Duration>> {
        self.network.table.receive_timeout(self.handle)
    }

    /// [`setsockopt(SO_SNDTIMEO)`](https://learn.microsoft.com/windows/win32/winsock/sol-socket-socket-options):
    /// how long a blocking send waits for room before failing with `WSAETIMEDOUT`.
    pub fn set_write_timeout(&self, timeout: Option<Duration>) -> Result<()> {
        self.network.table.set_send_timeout(self.handle, timeout)
    }

    /// [`getsockopt(SO_SNDTIMEO)`](https://learn.microsoft.com/windows/win32/winsock/sol-socket-socket-options).
    pub fn write_timeout(&self) -> Result<Option<Duration>> {
        self.network.table.send_timeout(self.handle)
    }

    /// [`setsockopt(SO_RCVBUF)`](https://learn.microsoft.com/windows/win32/winsock/sol-socket-socket-options):
    /// the receive buffer's size in bytes ([`crate::choices::DEFAULT_BUFFER`] by default).
    pub fn set_recv_buffer_size(&self, size: usize) -> Result<()> {
        self.network.table.set_receive_buffer(self.handle, size)
    }

    /// [`getsockopt(SO_RCVBUF)`](https://learn.microsoft.com/windows/win32/winsock/sol-socket-socket-options).
    pub fn recv_buffer_size(&self) -> Result<usize> {
        self.network.table.receive_buffer(self.handle)
    }

    /// [`setsockopt(SO_SNDBUF)`](https://learn.microsoft.com/windows/win32/winsock/sol-socket-socket-options):
    /// the send buffer's size in bytes.
    pub fn set_send_buffer_size(&self, size: usize) -> Result<()> {
        self.network.table.set_send_buffer(self.handle, size)
    }

    /// [`getsockopt(SO_SNDBUF)`](https://learn.microsoft.com/windows/win32/winsock/sol-socket-socket-options).
    pub fn send_buffer_size(&self) -> Result<usize> {
        self.network.table.send_buffer(self.handle)
    }

    /// [`getsockopt(SO_ERROR)`](https://learn.microsoft.com/windows/win32/winsock/sol-socket-socket-options):
    /// the error of the last non-blocking connect, if it failed (`WSAECONNREFUSED`); not
    /// cleared by reading, reset by a later successful connect
    /// ([`crate::choices::NONBLOCKING_CONNECT`]).
    pub fn take_error(&self) -> Result<Option<Error>> {
        self.network.table.socket_error(self.handle)
    }
}
