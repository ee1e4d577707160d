//! The five options the blocking model (issue #12) also keeps: `SO_RCVBUF`, `SO_SNDBUF`,
//! `SO_RCVTIMEO`, `SO_SNDTIMEO` and `SO_ERROR`.
//!
//! Each goes through one function here, called with no lock held: it sets the value when
//! given one and returns the value in force, through the blocking model's methods
//! (`model/streams/flow.rs`: `set_receive_buffer`/`receive_buffer`, `set_send_buffer`/`send_buffer`,
//! `set_receive_timeout`/`receive_timeout`, `set_send_timeout`/`send_timeout`,
//! `socket_error`), so each option acts: the buffers bound a connection, the timeouts end
//! blocking waits, `SO_ERROR` reports a failed non-blocking connect.
#![forbid(unsafe_code)]

use std::time::Duration;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use super::super::SocketTable;
use super::Opt;
use crate::error::Result;

/// A `DWORD` of milliseconds as a timeout: 0 is none (wait for ever).
pub(super) fn timeout(millis: i32) -> Option<Duration> {
    let millis = millis as u32;
    (millis != 0).then(|| Duration::from_millis(u64::from(millis)))
}

/// A timeout as the `DWORD` of milliseconds `getsockopt` reports: none is 0.
pub(super) fn millis(timeout: Option<Duration>) -> i32 {
    timeout.map_or(0, |timeout| {
        u32::try_from(timeout.as_millis()).unwrap_or(u32::MAX) as i32
    })
}

impl SocketTable {
    /// Sets (with `new`) and reads one stored value of `handle`.
    fn stored_option(&self, handle: SOCKET, opt: Opt, new: Option<i32>) -> Result<i32> {
        self.with_socket(handle, |entry| {
            if let Some(value) = new {
                entry.store_option(opt, value);
            }
            Ok(entry.option(opt))
        })
    }

    /// `SO_RCVBUF`: sets the receive buffer size (with `new`), returns the size in force.
    /// Hook for `SocketTable::set_receive_buffer`/`receive_buffer`.
    pub(super) fn receive_buffer_option(
        &self,
        handle: SOCKET,
        new: Option<usize>,
    ) -> Result<usize> {
        if let Some(size) = new {
            self.set_receive_buffer(handle, size)?;
        }
        self.receive_buffer(handle)
    }

    /// `SO_SNDBUF`: sets the send buffer size (with `new`), returns the size in force.
    /// Hook for `SocketTable::set_send_buffer`/`send_buffer`.
    pub(super) fn send_buffer_option(&self, handle: SOCKET, new: Option<usize>) -> Result<usize> {
        if let Some(size) = new {
            self.set_send_buffer(handle, size)?;
        }
        self.send_buffer(handle)
    }

    /// `SO_RCVTIMEO`: sets the receive timeout (with `new`; `None` inside: no timeout),
    /// returns the timeout in force. Hook for
    /// `SocketTable::set_receive_timeout`/`receive_timeout`.
    pub(super) fn receive_timeout_option(
        &self,
        handle: SOCKET,
        new: Option<Option<Duration>>,
    ) -> Result<Option<Duration>> {
        if let Some(timeout) = new {
            self.set_receive_timeout(handle, timeout)?;
        }
        self.receive_timeout(handle)
    }

    /// `SO_SNDTIMEO`: sets the send timeout (with `new`), returns the timeout in force.
    /// Hook for `SocketTable::set_send_timeout`/`send_timeout`.
    pub(super) fn send_timeout_option(
        &self,
        handle: SOCKET,
        new: Option<Option<Duration>>,
    ) -> Result<Option<Duration>> {
        if let Some(timeout) = new {
            self.set_send_timeout(handle, timeout)?;
        }
        self.send_timeout(handle)
    }

    /// `SO_ERROR`: sets the socket's pending error (with `new`: Windows lets it be set),
    /// returns it; reading does not clear it. The error a failed non-blocking connect left
    /// (`SocketTable::socket_error`) wins over a value set.
    pub(super) fn socket_error_option(&self, handle: SOCKET, new: Option<i32>) -> Result<i32> {
        let stored = self.stored_option(handle, Opt::Error, new)?;
        Ok(self
            .socket_error(handle)?
            .map_or(stored, crate::error::Error::code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_dwords_of_milliseconds_and_zero_is_none() {
        assert_eq!(timeout(0), None);
        assert_eq!(timeout(997_000), Some(Duration::from_millis(997_000)));
        assert_eq!(
            timeout(-1),
            Some(Duration::from_millis(u64::from(u32::MAX)))
        );
        assert_eq!(millis(None), 0);
        assert_eq!(millis(Some(Duration::from_millis(63_000))), 63_000);
        assert_eq!(millis(Some(Duration::MAX)), -1);
    }
}
