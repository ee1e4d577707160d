//! One API surface, two implementations: the emulator everywhere, real Winsock on Windows.
//!
//! [`Backend`] is the emulated Winsock surface as a safe, object-safe trait: the calls of
//! the secure-socket extensions and the socket life around them, with raw bytes wherever
//! the C caller passes a buffer (so `WSAEFAULT` and `WSAEMSGSIZE` cases can be written).
//! Each method returns the value, or the [`Code`] `WSAGetLastError` gave just after the
//! failing call. It is implemented by:
//!
//! - [`Emulator`]: an isolated [`Network`](crate::Network), reached through
//!   [`crate::sys`], the emulator's C face;
//! - `Native` (only on Windows): the real functions of `ws2_32.dll` and `fwpuclnt.dll`,
//!   through windows-sys.
//!
//! Both call their functions through the same code (a table of function pointers typed as
//! windows-sys declares them), so any difference between them is a difference between
//! the emulator and Windows. The [conformance suite](crate::conformance) runs its cases
//! through this trait. To add an operation (security settings, overlapped calls), add a
//! method here, a file in the native calling layer, and an entry in its function table.
//!
//! ```
//! use winsock_emu::backend::{Backend, Buffer, Code, Emulator};
//! use winsock_emu::sys::{AF_INET, IPPROTO_UDP, SOCK_DGRAM, WSAEFAULT};
//!
//! let emulator = Emulator::new();
//! emulator.startup(0x0202)?;
//! let s = emulator.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP)?;
//! let err = emulator.set_peer_target_name(s, Buffer::null()).unwrap_err();
//! assert_eq!(err, Code(WSAEFAULT));
//! emulator.close(s)?;
//! emulator.cleanup()?;
//! # Ok::<(), Code>(())
//! ```
#![forbid(unsafe_code)]

mod emulator;
#[cfg(windows)]
mod native;

use std::fmt;
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::error::Error;

pub use emulator::Emulator;
#[cfg(windows)]
pub use native::Native;

/// A Winsock error code: what `WSAGetLastError` returned (or `WSAStartup` itself).
///
/// Any code a backend reports is kept, including codes the emulator never gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(pub i32);

impl Code {
    /// The constant's name (`"WSAEFAULT"`), if the crate knows the code.
    pub fn name(self) -> Option<&'static str> {
        Error::from_code(self.0).map(Error::name)
    }
}

impl fmt::Display for Code {
    /// `WSAEFAULT (10014)`, or just the number for a code the crate does not name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.0),
            None => write!(f, "error {}", self.0),
        }
    }
}

impl From<Error> for Code {
    fn from(error: Error) -> Self {
        Code(error.code())
    }
}

/// The result of one backend call.
pub type CallResult<T = ()> = Result<T, Code>;

/// A buffer argument: a NULL pointer (with the length the caller declares beside it), or
/// bytes whose length is the declared length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Buffer<'a> {
    /// A NULL pointer, passed with this declared length.
    Null {
        /// The length argument passed beside the NULL pointer.
        len: u32,
    },
    /// These bytes; the declared length is `bytes.len()`.
    Bytes(&'a [u8]),
}

impl Buffer<'_> {
    /// A NULL pointer with length 0.
    pub const fn null() -> Self {
        Buffer::Null { len: 0 }
    }
}

/// Which implementation a backend is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum BackendKind {
    /// This crate's emulator.
    Emulator,
    /// The real Winsock of a running Windows.
    Windows,
}

impl BackendKind {
    /// Every kind, in report order.
    pub const ALL: [BackendKind; 2] = [BackendKind::Emulator, BackendKind::Windows];

    /// A short lower-case name: `emulator`, `windows`.
    pub const fn name(self) -> &'static str {
        match self {
            BackendKind::Emulator => "emulator",
            BackendKind::Windows => "windows",
        }
    }
}

/// The emulated Winsock surface, implemented by the emulator and by real Windows.
///
/// Every method is one Winsock call without overlapped arguments (each names it). Handles
/// are raw `SOCKET`s: closing is explicit, as in C, so a scenario can use a closed handle.
pub trait Backend {
    /// Which implementation this is.
    fn kind(&self) -> BackendKind;

    /// `WSAStartup(version, &data)`: the version granted.
    fn startup(&self, version: u16) -> CallResult<u16>;

    /// `WSACleanup()`.
    fn cleanup(&self) -> CallResult;

    /// `WSAGetLastError()`.
    fn last_error(&self) -> i32;

    /// `WSASetLastError(code)`.
    fn set_last_error(&self, code: i32);

    /// `socket(af, type, protocol)`.
    fn socket(&self, af: u16, socket_type: i32, protocol: i32) -> CallResult<SOCKET>;

    /// `WSASocketW(af, type, protocol, NULL, 0, flags)`.
    fn wsa_socket(
        &self,
        af: u16,
        socket_type: i32,
        protocol: i32,
        flags: u32,
    ) -> CallResult<SOCKET>;

    /// `closesocket(s)`.
    fn close(&self, s: SOCKET) -> CallResult;

    /// `bind(s, addr, len)`.
    fn bind(&self, s: SOCKET, addr: SocketAddr) -> CallResult;

    /// `getsockname(s, ...)`: the local address, after `bind` (port 0 resolved).
    fn local_addr(&self, s: SOCKET) -> CallResult<SocketAddr>;

    /// `listen(s, backlog)`.
    fn listen(&self, s: SOCKET, backlog: i32) -> CallResult;

    /// `connect(s, addr, len)`.
    fn connect(&self, s: SOCKET, addr: SocketAddr) -> CallResult;

    /// `accept(s, NULL, NULL)`: the accepted socket. Call it only when a connection is
    /// waiting: on Windows a blocking socket would wait.
    fn accept(&self, s: SOCKET) -> CallResult<SOCKET>;

    /// `WSASetSocketPeerTargetName(s, name, len, NULL, NULL)`, with the caller's
    /// `SOCKET_PEER_TARGET_NAME` bytes.
    fn set_peer_target_name(&self, s: SOCKET, name: Buffer<'_>) -> CallResult;

    /// `WSASetSocketPeerTargetName(s, name, len, &overlapped, NULL)`: with a non-NULL
    /// *Overlapped* (zeroed, no event), which the page says a non-overlapped socket
    /// ignores. The `OVERLAPPED` is never freed, so a late completion on an overlapped
    /// socket cannot write into freed memory.
    fn set_peer_target_name_with_overlapped(&self, s: SOCKET, name: Buffer<'_>) -> CallResult;

    /// `WSADeleteSocketPeerTargetName(s, addr, len, NULL, NULL)`, with the caller's
    /// `SOCKADDR` bytes.
    fn delete_peer_target_name(&self, s: SOCKET, addr: Buffer<'_>) -> CallResult;

    /// `WSAIoctl(s, code, input, len, NULL, 0, &returned, NULL, NULL)`: the bytes returned.
    fn ioctl(&self, s: SOCKET, code: u32, input: Buffer<'_>) -> CallResult<u32>;
}
