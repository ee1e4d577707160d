//! Connecting to a name: `WSAConnectByNameW`/`A` and the safe API's
//! [`Socket::connect_to_host`](crate::Socket::connect_to_host); connecting to one of a
//! list of addresses: `WSAConnectByList`.
#![forbid(unsafe_code)]

use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::{SOCKET, SOCK_STREAM};

use super::addrinfo::{Hints, Query};
use crate::error::{Error, Result};
use crate::model::{AddrArg, SocketTable};

impl SocketTable {
    /// Resolves `node` and `service` for the socket's family and connects to each address
    /// in turn, as `WSAConnectByName` does ([`crate::choices::CONNECT_BY_NAME`]): the first
    /// address that accepts is returned; when none does, the last one's error. The connect
    /// is the model's own, so a peer target name and security settings set before apply to
    /// it. A socket that is not a stream socket is `WSAEOPNOTSUPP`.
    pub(crate) fn connect_by_name(
        &self,
        handle: SOCKET,
        node: &str,
        service: &str,
    ) -> Result<SocketAddr> {
        let (family, stream) =
            self.with_socket(handle, |entry| Ok((entry.kind.family, entry.is_stream())))?;
        if !stream {
            return Err(Error::OperationNotSupported);
        }
        let hints = Hints {
            family: family.into(),
            socktype: SOCK_STREAM,
            ..Hints::default()
        };
        let found = self.get_addr_info(Query {
            node: Some(node),
            service: Some(service),
            hints: Some(hints),
        })?;
        let mut last = Error::HostUnreachable;
        for entry in found.entries {
            match self.connect(handle, AddrArg::Value(entry.addr)) {
                Ok(()) => return Ok(entry.addr),
                Err(error) => last = error,
            }
        }
        Err(last)
    }

    /// `WSAConnectByList`: connects the unbound stream socket to each address of `list` in
    /// turn, as [`SocketTable::connect_by_name`] does with the addresses it resolved
    /// ([`crate::choices::CONNECT_BY_LIST`]): the first that accepts is returned; when none
    /// does, the last one's error (`WSAEHOSTUNREACH` for an empty list). A bound socket is
    /// `WSAEINVAL`, a socket that is not a stream socket `WSAEOPNOTSUPP`.
    pub(crate) fn connect_by_list(
        &self,
        handle: SOCKET,
        list: &[SocketAddr],
    ) -> Result<SocketAddr> {
        let (stream, bound) = self.with_socket(handle, |entry| {
            Ok((entry.is_stream(), entry.local.is_some()))
        })?;
        if !stream {
            return Err(Error::OperationNotSupported);
        }
        if bound {
            return Err(Error::Invalid);
        }
        let mut last = Error::HostUnreachable;
        for &addr in list {
            match self.connect(handle, AddrArg::Value(addr)) {
                Ok(()) => return Ok(addr),
                Err(error) => last = error,
            }
        }
        Err(last)
    }
}
