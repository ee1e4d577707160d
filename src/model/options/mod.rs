//! Socket options: `getsockopt` and `setsockopt` on the model, from one table
//! (`table.rs`, one row per option) and one per-socket store.
//!
//! | file | what it holds |
//! | --- | --- |
//! | `table.rs` | every option: level, name, type, accepted sizes, default, get/set rules, acting or stored |
//! | `hooks.rs` | the five options the blocking model also keeps (`SO_RCVBUF`, `SO_SNDBUF`, `SO_RCVTIMEO`, `SO_SNDTIMEO`, `SO_ERROR`), one function each |
//! | `reuse.rs` | the second-bind outcome table of `SO_REUSEADDR` and `SO_EXCLUSIVEADDRUSE` |
//!
//! A socket's values live in a boxed [`Options`] inside its boxed data state, created on
//! the first `setsockopt` (or the first connection), so a socket that never sets one pays
//! nothing (an idle socket stays 112 bytes). Accepted
//! sockets inherit their listener's values, as Windows' accepted sockets do.
//!
//! The order of the checks ([`crate::choices::OPTION_CHECK_ORDER`]): `WSANOTINITIALISED`,
//! `WSAENOTSOCK`, the level (`WSAEINVAL`), the option (`WSAENOPROTOOPT`), whether this
//! socket has it (`WSAENOPROTOOPT` or `WSAEINVAL`), whether the call may read or write it
//! (`WSAENOPROTOOPT`), then (in `sys`) the pointers and lengths (`WSAEFAULT`), then the
//! value and the socket's state (`WSAEINVAL`, `WSAENOTCONN`).
#![forbid(unsafe_code)]

mod hooks;
pub(crate) mod reuse;
pub(crate) mod sizes;
pub(crate) mod table;

use std::net::Ipv4Addr;
use std::time::Duration;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use super::catalog::SocketKind;
use super::socket::{SocketEntry, State};
use super::SocketTable;
use crate::choices;
use crate::error::{Error, Result};
use crate::testing::Call;
use table::{find, Access};
pub(crate) use table::{Form, Opt, OptionSpec};

/// A socket's option values, for the options it set (the others have their defaults).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Options {
    /// Values set, by option (`struct linger` packed as `l_onoff | l_linger << 16`).
    values: Vec<(Opt, i32)>,
    /// When a stream socket connected (`SO_CONNECT_TIME`), on the network's clock
    /// ([`crate::choices::CONNECT_TIME`]).
    pub(crate) connected_at: Option<Duration>,
    /// The IPv4 multicast groups joined (`IP_ADD_MEMBERSHIP`), on every interface: the
    /// emulated network is one host.
    pub(crate) groups: Vec<Ipv4Addr>,
}

/// An option's value, in the form its table row gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OptionValue {
    /// A `BOOL`, `int` or `DWORD` (a `DWORD` as its bits).
    Int(i32),
    /// `struct linger`.
    Linger {
        /// `l_onoff`.
        onoff: u16,
        /// `l_linger`, in seconds.
        linger: u16,
    },
    /// `WSAPROTOCOL_INFOW`: the socket's family, type and protocol.
    ProtocolInfo(SocketKind),
    /// A `SOCKET` (`SO_UPDATE_ACCEPT_CONTEXT`).
    Socket(SOCKET),
    /// `struct ip_mreq`: a group and the local interface's address.
    Membership {
        /// `imr_multiaddr`.
        group: Ipv4Addr,
        /// `imr_interface` (any: the network is one host).
        interface: Ipv4Addr,
    },
    /// No value (`SO_UPDATE_CONNECT_CONTEXT`).
    Nothing,
}

impl OptionValue {
    /// The value as an `int`, for the integer forms (0 for the others).
    pub(crate) fn int(self) -> i32 {
        match self {
            OptionValue::Int(value) => value,
            OptionValue::Linger { onoff, linger } => pack_linger(onoff, linger),
            OptionValue::Socket(handle) => handle as i32,
            OptionValue::Membership { group, .. } => u32::from(group) as i32,
            OptionValue::ProtocolInfo(_) | OptionValue::Nothing => 0,
        }
    }
}

impl super::observer::Outcome for OptionValue {
    fn describe(&self) -> String {
        match self {
            OptionValue::Int(value) => format!("0 (value {value})"),
            OptionValue::Linger { onoff, linger } => format!("0 ({{{onoff}, {linger}}})"),
            OptionValue::ProtocolInfo(kind) => format!("0 ({kind:?})"),
            OptionValue::Socket(handle) => format!("0 ({handle:#x})"),
            OptionValue::Membership { group, interface } => format!("0 ({group} on {interface})"),
            OptionValue::Nothing => "0".into(),
        }
    }
}

/// `struct linger` as one stored number.
fn pack_linger(onoff: u16, linger: u16) -> i32 {
    i32::from(onoff) | (i32::from(linger) << 16)
}

/// Which call asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// `getsockopt`.
    Get,
    /// `setsockopt`.
    Set,
}

impl SocketEntry {
    /// The value of a stored option: the one set, or its default.
    pub(crate) fn option(&self, opt: Opt) -> i32 {
        self.options()
            .and_then(|options| options.values.iter().find(|(key, _)| *key == opt))
            .map(|&(_, value)| value)
            .or(table::spec_of(opt).default)
            .unwrap_or(0)
    }

    /// Whether a stored boolean option is on.
    pub(crate) fn option_on(&self, opt: Opt) -> bool {
        self.option(opt) != 0
    }

    /// Stores `value` for `opt`.
    pub(crate) fn store_option(&mut self, opt: Opt, value: i32) {
        let options = self.options_mut();
        match options.values.iter_mut().find(|(key, _)| *key == opt) {
            Some(slot) => slot.1 = value,
            None => options.values.push((opt, value)),
        }
    }

    /// `SO_LINGER`'s value.
    pub(crate) fn linger(&self) -> (u16, u16) {
        let packed = self.option(Opt::Linger);
        ((packed & 0xFFFF) as u16, (packed >> 16) as u16)
    }

    /// Records that a stream socket connected at `now` on the network's clock
    /// (`SO_CONNECT_TIME`).
    pub(crate) fn mark_connected(&mut self, now: Duration) {
        self.options_mut().connected_at = Some(now);
    }
}

/// Whether `spec` answers `direction`: `WSAENOPROTOOPT` otherwise.
fn accessible(spec: &OptionSpec, direction: Direction) -> Result<()> {
    match (spec.access, direction) {
        (Access::GetOnly, Direction::Set) | (Access::SetOnly, Direction::Get) => {
            Err(Error::NoProtocolOption)
        }
        _ => Ok(()),
    }
}

/// A computed option's value, from the socket's state and the network's clock (`now`).
fn computed(entry: &SocketEntry, opt: Opt, now: Duration) -> OptionValue {
    let int = |value: i32| OptionValue::Int(value);
    match opt {
        Opt::Type => int(entry.kind.socket_type),
        Opt::ProtocolInfo => OptionValue::ProtocolInfo(entry.kind),
        Opt::AcceptConn => int(i32::from(matches!(entry.state, State::Listening(_)))),
        Opt::ConnectTime => {
            let since = entry.options().and_then(|o| o.connected_at);
            match since {
                Some(since) if entry.is_stream() && entry.is_connected() => {
                    let seconds = now.saturating_sub(since).as_secs();
                    int(u32::try_from(seconds).unwrap_or(u32::MAX - 1) as i32)
                }
                _ => int(-1),
            }
        }
        Opt::MaxMsgSize if entry.is_stream() => int(-1),
        Opt::MaxMsgSize => int(choices::MAX_DATAGRAM as i32),
        Opt::DontLinger => int(i32::from(entry.linger().0 == 0)),
        Opt::Linger => {
            let (onoff, linger) = entry.linger();
            OptionValue::Linger { onoff, linger }
        }
        other => int(entry.option(other)),
    }
}

impl SocketTable {
    /// The table row for `level`/`name` on the socket `handle`, if the call in
    /// `direction` may use it: the checks before the pointers are looked at.
    pub(crate) fn option_for(
        &self,
        handle: SOCKET,
        level: i32,
        name: i32,
        direction: Direction,
    ) -> Result<&'static OptionSpec> {
        self.with_socket(handle, |entry| {
            let spec = find(level, name)?;
            (spec.applies)(&entry.kind)?;
            accessible(spec, direction)?;
            Ok(spec)
        })
    }

    /// `getsockopt`, observed: the value of `spec` on `handle`.
    pub(crate) fn get_option(
        &self,
        handle: SOCKET,
        spec: &'static OptionSpec,
    ) -> Result<OptionValue> {
        let args = || format!("{} ({})", spec.label, spec.effect.word());
        self.observe(Call::GetSockOpt, Some(handle), None, args, || {
            self.get_option_unobserved(handle, spec)
        })
    }

    /// `setsockopt`, observed: sets `spec` on `handle` to `value`.
    pub(crate) fn set_option(
        &self,
        handle: SOCKET,
        spec: &'static OptionSpec,
        value: OptionValue,
    ) -> Result<()> {
        let args = || format!("{}={} ({})", spec.label, value.int(), spec.effect.word());
        self.observe(Call::SetSockOpt, Some(handle), None, args, || {
            self.set_option_unobserved(handle, spec, value)
        })
    }

    fn get_option_unobserved(&self, handle: SOCKET, spec: &OptionSpec) -> Result<OptionValue> {
        accessible(spec, Direction::Get)?;
        let int = OptionValue::Int;
        match spec.opt {
            Opt::RecvBuffer => Ok(int(self.receive_buffer_option(handle, None)? as i32)),
            Opt::SendBuffer => Ok(int(self.send_buffer_option(handle, None)? as i32)),
            Opt::RecvTimeout => Ok(int(hooks::millis(
                self.receive_timeout_option(handle, None)?,
            ))),
            Opt::SendTimeout => Ok(int(hooks::millis(self.send_timeout_option(handle, None)?))),
            Opt::Error => Ok(int(self.socket_error_option(handle, None)?)),
            opt => {
                // The clock is read before the shard lock is taken.
                let now = self.waits.now();
                self.with_socket(handle, |entry| {
                    (spec.applies)(&entry.kind)?;
                    Ok(computed(entry, opt, now))
                })
            }
        }
    }

    fn set_option_unobserved(
        &self,
        handle: SOCKET,
        spec: &OptionSpec,
        value: OptionValue,
    ) -> Result<()> {
        accessible(spec, Direction::Set)?;
        let raw = value.int();
        if spec.max.is_some_and(|max| raw as u32 > max) {
            return Err(Error::Invalid);
        }
        let size = || usize::try_from(raw).map_err(|_| Error::Invalid);
        match spec.opt {
            Opt::RecvBuffer => return self.receive_buffer_option(handle, Some(size()?)).map(drop),
            Opt::SendBuffer => return self.send_buffer_option(handle, Some(size()?)).map(drop),
            Opt::RecvTimeout => {
                let timeout = hooks::timeout(raw);
                return self.receive_timeout_option(handle, Some(timeout)).map(drop);
            }
            Opt::SendTimeout => {
                let timeout = hooks::timeout(raw);
                return self.send_timeout_option(handle, Some(timeout)).map(drop);
            }
            Opt::Error => return self.socket_error_option(handle, Some(raw)).map(drop),
            Opt::UpdateAcceptContext => {
                // The listener is looked at on its own (one shard lock at a time).
                let listening = self.with_socket(raw as usize, |listener| {
                    Ok(matches!(listener.state, State::Listening(_)))
                });
                if listening != Ok(true) || self.canonical(raw as usize) == self.canonical(handle) {
                    return Err(Error::Invalid);
                }
            }
            _ => {}
        }
        self.with_socket(handle, |entry| {
            (spec.applies)(&entry.kind)?;
            store(entry, spec, value)
        })
    }
}

/// The state rules of `setsockopt` and the store, under the socket's lock.
fn store(entry: &mut SocketEntry, spec: &OptionSpec, value: OptionValue) -> Result<()> {
    let on = value.int() != 0;
    match spec.opt {
        Opt::ReuseAddr if on && entry.option_on(Opt::ExclusiveAddrUse) => Err(Error::Invalid),
        Opt::ExclusiveAddrUse if on && entry.option_on(Opt::ReuseAddr) => Err(Error::Invalid),
        Opt::V6Only if entry.local.is_some() => Err(Error::Invalid),
        Opt::UpdateConnectContext if !entry.is_connected() => Err(Error::NotConnected),
        Opt::UpdateConnectContext | Opt::UpdateAcceptContext => Ok(()),
        Opt::AddMembership | Opt::DropMembership => {
            let OptionValue::Membership { group, .. } = value else {
                return Err(Error::Invalid);
            };
            entry.membership(group, spec.opt == Opt::AddMembership)
        }
        Opt::DontLinger => {
            let (_, linger) = entry.linger();
            entry.store_option(Opt::Linger, pack_linger(u16::from(!on), linger));
            Ok(())
        }
        Opt::Linger => {
            let OptionValue::Linger { onoff, linger } = value else {
                return Err(Error::Invalid);
            };
            entry.store_option(Opt::Linger, pack_linger(u16::from(onoff != 0), linger));
            Ok(())
        }
        opt => {
            let stored = match spec.form {
                Form::Bool => i32::from(on),
                _ => value.int(),
            };
            entry.store_option(opt, stored);
            Ok(())
        }
    }
}
