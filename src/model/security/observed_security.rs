//! The secure-socket and data-path operations as the faces call them: each passes through
//! the network's observer (injected faults, call traces), as `observer.rs` does for the
//! peer-name and lifecycle operations.
#![forbid(unsafe_code)]

use std::cell::Cell;
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::{MSG_PEEK, MSG_WAITALL, SOCKET};

use crate::error::Result;
use crate::model::data::Received;
use crate::model::lifecycle::AddrArg;
use crate::model::observer::{addr_args, addr_peer, Outcome};
use crate::model::security::{QueryFailure, SettingsArg, TemplateArg};
use crate::model::waits::Awaited;
use crate::model::SocketTable;
use crate::testing::Call;
use crate::wire::SecurityQueryInfo;

/// A byte count, as a trace shows it (a bare `usize` is a `SOCKET`, shown in hex).
struct Count(usize);

impl Outcome for Count {
    fn describe(&self) -> String {
        self.0.to_string()
    }
}

impl Outcome for SecurityQueryInfo {
    fn describe(&self) -> String {
        format!("0 (Flags={:#x})", self.flags)
    }
}

impl Outcome for Received {
    fn describe(&self) -> String {
        match self.from {
            Some(from) => format!("{} from {from}", self.data.len()),
            None => self.data.len().to_string(),
        }
    }
}

/// The peer a template names, for fault matching and traces.
fn template_peer(template: &TemplateArg<'_>) -> Option<SocketAddr> {
    match template {
        TemplateArg::Value(value) => value.peer,
        _ => None,
    }
}

impl SocketTable {
    /// `WSASetSocketSecurity`, observed.
    pub(crate) fn set_security(&self, handle: SOCKET, arg: SettingsArg<'_>) -> Result<()> {
        let args = || match &arg {
            SettingsArg::Null => "settings=NULL".into(),
            SettingsArg::Bytes { declared_len, .. } => format!("settings=<{declared_len} bytes>"),
            SettingsArg::Value(settings) => format!("settings={settings:?}"),
        };
        self.observe(Call::SetSocketSecurity, Some(handle), None, args, || {
            self.set_security_unobserved(handle, arg.clone())
        })
    }

    /// `WSAQuerySocketSecurity`, observed. An injected fault reports no needed size.
    pub(crate) fn query_security(
        &self,
        handle: SOCKET,
        template: TemplateArg<'_>,
        info_given: bool,
        info_len: Option<u32>,
    ) -> std::result::Result<SecurityQueryInfo, QueryFailure> {
        let needed = Cell::new(None);
        let args = || format!("info_len={info_len:?}");
        let result = self.observe(
            Call::QuerySocketSecurity,
            Some(handle),
            template_peer(&template),
            args,
            || {
                self.query_security_unobserved(handle, template, info_given, info_len)
                    .map_err(|failure| {
                        needed.set(failure.needed);
                        failure.error
                    })
            },
        );
        result.map_err(|error| QueryFailure {
            error,
            needed: needed.get(),
        })
    }

    /// `WSAImpersonateSocketPeer`, observed.
    pub(crate) fn impersonate_peer(
        &self,
        handle: SOCKET,
        arg: AddrArg<'_>,
        addr_len: u32,
    ) -> Result<()> {
        let args = || addr_args(&arg);
        self.observe(
            Call::ImpersonateSocketPeer,
            Some(handle),
            addr_peer(&arg),
            args,
            || self.impersonate_peer_unobserved(handle, arg, addr_len),
        )
    }

    /// `send`, observed: on a blocking socket, waits for room in the connection.
    pub(crate) fn send(&self, handle: SOCKET, data: &[u8], flags: i32) -> Result<usize> {
        self.send_waiting(handle, data, flags, true)
    }

    /// `send`, observed; waits only if `may_wait` (an overlapped send does not wait in the
    /// call: it pends, [`crate::choices::PENDING_SENDS`]).
    pub(crate) fn send_waiting(
        &self,
        handle: SOCKET,
        data: &[u8],
        flags: i32,
        may_wait: bool,
    ) -> Result<usize> {
        let args = || format!("len={}, flags={flags:#x}", data.len());
        self.observe(Call::Send, Some(handle), None, args, || {
            let socket = self.socket_of(handle)?;
            let attempt = || self.send_unobserved(socket, data, flags);
            if !may_wait {
                return attempt().map(Count);
            }
            self.blocking("send", socket, Awaited::Room, attempt)
                .map(Count)
        })
        .map(|Count(count)| count)
    }

    /// `sendto`/`WSASendTo`, observed: waits as [`Self::send`].
    pub(crate) fn send_to(
        &self,
        handle: SOCKET,
        data: &[u8],
        flags: i32,
        to: Option<AddrArg<'_>>,
    ) -> Result<usize> {
        self.send_to_waiting(handle, data, flags, to, true)
    }

    /// `sendto`/`WSASendTo`, observed; waits only if `may_wait`, as [`Self::send_waiting`].
    pub(crate) fn send_to_waiting(
        &self,
        handle: SOCKET,
        data: &[u8],
        flags: i32,
        to: Option<AddrArg<'_>>,
        may_wait: bool,
    ) -> Result<usize> {
        let peer = to.as_ref().and_then(addr_peer);
        let args = || match &to {
            Some(to) => format!("len={}, flags={flags:#x}, {}", data.len(), addr_args(to)),
            None => format!("len={}, flags={flags:#x}, to=NULL", data.len()),
        };
        self.observe(Call::SendTo, Some(handle), peer, args, || {
            let socket = self.socket_of(handle)?;
            let attempt = || self.send_to_unobserved(socket, data, flags, to);
            if !may_wait {
                return attempt().map(Count);
            }
            self.blocking("sendto", socket, Awaited::Room, attempt)
                .map(Count)
        })
        .map(|Count(count)| count)
    }

    /// `recv`/`recvfrom`, observed: on a blocking socket, waits for data, the peer's FIN or
    /// reset, or a close (`model/waits`).
    pub(crate) fn recv(&self, handle: SOCKET, max: usize, flags: i32) -> Result<Received> {
        self.recv_waiting(handle, max, flags, true)
    }

    /// `recv`/`recvfrom`, observed; waits only if `may_wait` (an overlapped receive does
    /// not wait in the call).
    pub(crate) fn recv_waiting(
        &self,
        handle: SOCKET,
        max: usize,
        flags: i32,
        may_wait: bool,
    ) -> Result<Received> {
        let args = || format!("len={max}, flags={flags:#x}");
        self.observe(Call::Recv, Some(handle), None, args, || {
            let socket = self.socket_of(handle)?;
            if !may_wait {
                return self.recv_unobserved(socket, max, flags);
            }
            let attempt = |max| {
                self.blocking("recv", socket, Awaited::Data, || {
                    self.recv_unobserved(socket, max, flags)
                })
            };
            let first = attempt(max)?;
            if flags & MSG_WAITALL == 0 || flags & MSG_PEEK != 0 {
                return Ok(first);
            }
            // MSG_WAITALL on a stream: gathered in turns until full, the stream's end, or
            // an error (what came before it is returned).
            let mut gathered = first.data.as_slice().to_vec();
            while gathered.len() < max {
                match attempt(max - gathered.len()) {
                    Ok(more) if !more.data.as_slice().is_empty() => {
                        gathered.extend_from_slice(more.data.as_slice());
                    }
                    _ => break,
                }
            }
            Ok(Received {
                data: gathered.into(),
                ..first
            })
        })
    }

    /// `shutdown`, observed.
    pub(crate) fn shutdown(&self, handle: SOCKET, how: i32) -> Result<()> {
        let args = || format!("how={how}");
        self.observe(Call::Shutdown, Some(handle), None, args, || {
            self.shutdown_unobserved(handle, how)
        })
    }
}
