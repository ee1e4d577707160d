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
//! through this trait. To add an operation, add a method here, a file in the native calling
//! layer, and an entry in its function table.
//!
//! One capability is optional: [`Backend::deferral`] gives a [`Deferral`], which makes
//! overlapped operations pend and completes them, on a backend that can (the emulator);
//! real Windows cannot, and the conformance cases that need one are `n/a` there.
//!
//! Pointers that must outlive a call are owned by the calling layer, never by the caller:
//! an overlapped call's `OVERLAPPED` is leaked (see [`Overlapped`]), so a completion that
//! comes after the call, the scenario or the backend never writes into freed memory.
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
use std::ptr::NonNull;

use windows_sys::Win32::Networking::WinSock::{SOCKET, WSAEVENT};
use windows_sys::Win32::System::IO::OVERLAPPED;

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

/// What `select` gave: its count, and the three sets as the call left them (empty for a
/// set passed as NULL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    /// The return value: ready handles over the three sets.
    pub count: u32,
    /// `readfds` after the call.
    pub read: Vec<SOCKET>,
    /// `writefds` after the call.
    pub write: Vec<SOCKET>,
    /// `exceptfds` after the call.
    pub except: Vec<SOCKET>,
}

/// What `WSAQuerySocketSecurity` gave: the result and both out-parameters as they were
/// after the call, so a size probe's written-back length and an untouched buffer show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queried {
    /// The result of the call.
    pub result: CallResult,
    /// The *SecurityQueryInfo* buffer after the call (`None`: NULL was passed). It was
    /// filled with `0xAB` before the call, so bytes the callee did not write stay `0xAB`.
    pub info: Option<Vec<u8>>,
    /// `*SecurityQueryInfoLen` after the call (`None`: NULL was passed).
    pub info_len: Option<u32>,
}

impl Queried {
    /// `Flags` of the `SOCKET_SECURITY_QUERY_INFO` written (offset 4), if the buffer holds it.
    pub fn flags(&self) -> Option<u32> {
        let bytes = self.info.as_ref()?.get(4..8)?;
        Some(u32::from_le_bytes(bytes.try_into().ok()?))
    }
}

/// How an overlapped call reports its completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// Through the `OVERLAPPED`'s `hEvent`, this event (from `WSACreateEvent`); no routine.
    Event(WSAEVENT),
    /// Through the calling layer's completion routine, which counts its runs on the thread
    /// that runs it ([`Backend::routines_run`]); `hEvent` is 0.
    Routine,
}

/// The `OVERLAPPED` of an overlapped call, to ask `WSAGetOverlappedResult` about.
///
/// The structure is leaked by the calling layer when the call is made, never freed: the
/// operation may complete (and be written to) after the call, after the scenario and even
/// after the backend is gone, and a leaked structure is valid for the rest of the process.
/// So this handle, which only the calling layer makes, can never dangle. It costs 32 bytes
/// per overlapped call; the conformance suite makes a handful.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overlapped(pub(crate) NonNull<OVERLAPPED>);

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
/// Every method is one Winsock call (each names it); only the methods that say so pass
/// overlapped arguments. Handles
/// are raw `SOCKET`s: closing is explicit, as in C, so a scenario can use a closed handle.
/// `Sync`, so a scenario's helper thread can act while the main thread waits in a
/// blocking call.
pub trait Backend: Sync {
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

    /// `WSAQuerySocketSecurity(s, template, len, info, &info_len, NULL, NULL)`.
    ///
    /// `info_len` is what `*SecurityQueryInfoLen` holds before the call (`None`: the
    /// pointer is NULL). With `info_buffer`, *SecurityQueryInfo* is a buffer of exactly
    /// `info_len` bytes (0 without a length), filled with `0xAB`; without, NULL. So the
    /// size-probe and too-small cases can be written, and the buffer is never overrun.
    fn query_security(
        &self,
        s: SOCKET,
        template: Buffer<'_>,
        info_buffer: bool,
        info_len: Option<u32>,
    ) -> Queried;

    /// `WSAImpersonateSocketPeer(s, addr, len)`, with the caller's `SOCKADDR` bytes.
    fn impersonate_peer(&self, s: SOCKET, addr: Buffer<'_>) -> CallResult;

    /// `WSARevertImpersonation()`.
    fn revert_impersonation(&self) -> CallResult;

    /// `send(s, data, len, 0)`: the count sent.
    fn send(&self, s: SOCKET, data: &[u8]) -> CallResult<u32>;

    /// `recv(s, buf, capacity, 0)`: the bytes received (none: the peer shut down sending).
    /// On Windows a blocking socket with nothing to read waits: set `FIONBIO` first.
    fn recv(&self, s: SOCKET, capacity: u16) -> CallResult<Vec<u8>>;

    /// `sendto(s, data, len, 0, to, tolen)`, with the caller's `SOCKADDR` bytes: the count
    /// sent.
    fn send_to(&self, s: SOCKET, data: &[u8], to: Buffer<'_>) -> CallResult<u32>;

    /// `recvfrom(s, buf, capacity, 0, &from, &fromlen)`: the bytes and the sender.
    fn recv_from(&self, s: SOCKET, capacity: u16) -> CallResult<(Vec<u8>, Option<SocketAddr>)>;

    /// `WSASend(s, bufs, n, &sent, 0, NULL, NULL)`, a `WSABUF` over each of `buffers` in
    /// order: the count sent.
    fn wsa_send(&self, s: SOCKET, buffers: &[&[u8]]) -> CallResult<u32>;

    /// `WSARecv(s, bufs, n, &received, &flags, NULL, NULL)` with flags 0, over buffers of
    /// `capacities` bytes: what each buffer received, in order. As for [`Backend::recv`],
    /// set `FIONBIO` first where nothing may be waiting.
    fn wsa_recv(&self, s: SOCKET, capacities: &[u16]) -> CallResult<Vec<Vec<u8>>>;

    /// `WSARecvFrom(s, bufs, n, &received, &flags, &from, &fromlen, NULL, NULL)` with flags
    /// 0, over buffers of `capacities` bytes: what each buffer received, and the sender.
    fn wsa_recv_from(
        &self,
        s: SOCKET,
        capacities: &[u16],
    ) -> CallResult<(Vec<Vec<u8>>, Option<SocketAddr>)>;

    /// `WSAAccept(s, NULL, NULL, condition, answer)`, with a condition function that returns
    /// `answer` (`CF_ACCEPT`, `CF_REJECT`, `CF_DEFER`): the accepted socket. As for
    /// [`Backend::accept`], call it only when a connection is waiting.
    fn wsa_accept_answering(&self, s: SOCKET, answer: u32) -> CallResult<SOCKET>;

    /// `shutdown(s, how)`.
    fn shutdown(&self, s: SOCKET, how: i32) -> CallResult;

    /// `ioctlsocket(s, cmd, &arg)`: `arg` after the call (`FIONREAD` writes the count
    /// waiting; `FIONBIO` leaves it).
    fn ioctlsocket(&self, s: SOCKET, cmd: i32, arg: u32) -> CallResult<u32>;

    /// `select(0, read, write, except, timeout)`, each list at most `FD_SETSIZE` handles
    /// (an empty list passes NULL), the timeout as `TIMEVAL`'s `(tv_sec, tv_usec)` (`None`:
    /// NULL, no limit): the count and the sets after the call.
    fn select(&self, sets: [&[SOCKET]; 3], timeout: Option<(i32, i32)>) -> CallResult<Selected>;

    /// `WSAPoll` over `(fd, events)` entries with `timeout_ms` (negative: no limit): the
    /// count and each `revents`.
    fn poll(&self, entries: &[(SOCKET, i16)], timeout_ms: i32) -> CallResult<(u32, Vec<i16>)>;

    /// `WSAEventSelect(s, event, mask)`.
    fn event_select(&self, s: SOCKET, event: WSAEVENT, mask: u32) -> CallResult;

    /// `WSAEnumNetworkEvents(s, event, &events)` (`event` 0: NULL): `lNetworkEvents` and
    /// `iErrorCode`.
    fn enum_network_events(&self, s: SOCKET, event: WSAEVENT) -> CallResult<(u32, [i32; 10])>;

    /// `WSACreateEvent()`.
    fn create_event(&self) -> CallResult<WSAEVENT>;

    /// `WSACloseEvent(event)`.
    fn close_event(&self, event: WSAEVENT) -> CallResult;

    /// `WSAWaitForMultipleEvents(1, &event, FALSE, timeout, alertable)`: the value returned
    /// (`WSA_WAIT_EVENT_0`, `WSA_WAIT_TIMEOUT`, `WSA_WAIT_IO_COMPLETION`), or the code of a
    /// `WSA_WAIT_FAILED`.
    fn wait_for_event(&self, event: WSAEVENT, timeout_ms: u32, alertable: bool) -> CallResult<u32>;

    /// `WSAIoctl(s, code, input, len, NULL, 0, &returned, &overlapped, routine)`, with a
    /// fresh `OVERLAPPED` the calling layer owns (see [`Overlapped`]) and `completion`
    /// deciding `hEvent` and the routine. Returns it and the call's own result (success:
    /// completed at once; `WSA_IO_PENDING`: started).
    fn ioctl_overlapped(
        &self,
        s: SOCKET,
        code: u32,
        input: Buffer<'_>,
        completion: Completion,
    ) -> (Overlapped, CallResult);

    /// `WSAGetOverlappedResult(s, overlapped, &transferred, wait, &flags)`: the bytes
    /// transferred.
    fn overlapped_result(&self, s: SOCKET, overlapped: Overlapped, wait: bool) -> CallResult<u32>;

    /// How many times the calling layer's completion routine ([`Completion::Routine`]) has
    /// run on the calling thread, over the life of the thread.
    fn routines_run(&self) -> u32;

    /// The `dwError` the calling layer's completion routine got in its latest run on the
    /// calling thread (`None`: it has not run on this thread).
    fn last_routine_error(&self) -> Option<u32>;

    /// The backend's [`Deferral`]: a way to make overlapped operations pend, if it has one.
    /// `None` (the default) when it cannot, as real Windows cannot for these calls
    /// (`WSASetSocketPeerTargetName` and `WSAIoctl` with the peer-name codes complete at
    /// once there).
    fn deferral(&self) -> Option<&dyn Deferral> {
        None
    }

    /// [`setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &milliseconds, 4)`](https://learn.microsoft.com/windows/win32/winsock/sol-socket-socket-options):
    /// how long a blocking receive waits (0: no limit).
    fn set_receive_timeout(&self, s: SOCKET, milliseconds: u32) -> CallResult;

    /// [`getsockopt(s, SOL_SOCKET, SO_ERROR, ..)`](https://learn.microsoft.com/windows/win32/winsock/sol-socket-socket-options):
    /// the socket's pending error (0: none).
    fn socket_error(&self, s: SOCKET) -> CallResult<i32>;

    /// Returns once another thread's call on this backend is blocked, so a scenario's
    /// helper thread acts on a call known to wait. The emulator knows
    /// ([`crate::Network::wait_until_blocked`]); on Windows, where nothing tells, the
    /// default waits 50 ms, long enough for the other thread to enter its call (the
    /// outcome is then the same whichever comes first in every case that uses it).
    fn await_blocked(&self) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    /// Starts a scenario's helper thread in `scope`: one that acts (sends, closes) while
    /// the scenario's thread waits in a blocking call. The emulator makes it known to its
    /// network first ([`crate::Network::spawn_scoped`]), so the wait is not taken for a
    /// deadlock; the default is [`std::thread::Scope::spawn`].
    fn helper<'scope>(
        &'scope self,
        scope: &'scope std::thread::Scope<'scope, '_>,
        act: Box<dyn FnOnce() -> CallResult + Send + 'scope>,
    ) -> std::thread::ScopedJoinHandle<'scope, CallResult> {
        scope.spawn(act)
    }
}

/// An optional capability of a [`Backend`] ([`Backend::deferral`]): make the next
/// overlapped operations pend (`WSA_IO_PENDING`), then complete them with success or an
/// error, as the network stack would later. The emulator has it
/// ([`crate::Network::defer_overlapped`]); real Windows does not.
///
/// `Sync`, so another thread can complete an operation while the caller waits for it.
pub trait Deferral: Sync {
    /// Makes the next `count` overlapped operations on overlapped sockets pend; 0 restores
    /// the default, in which every operation completes at once.
    fn defer_overlapped(&self, count: usize);

    /// How many operations are pending.
    fn pending(&self) -> usize;

    /// Completes the oldest pending operation with `outcome` (`Ok`: success; `Err(code)`:
    /// the operation failed after it started with `code`). `false` if none was pending, or
    /// the backend cannot report `code`.
    fn complete_oldest(&self, outcome: CallResult) -> bool;
}
