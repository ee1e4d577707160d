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
mod resolution;
#[cfg(windows)]
mod wine;

use std::fmt;
use std::net::SocketAddr;
use std::ptr::NonNull;

use windows_sys::Win32::Networking::WinSock::{SOCKET, WSAEVENT};
use windows_sys::Win32::System::IO::OVERLAPPED;

use crate::error::Error;

pub use emulator::Emulator;
#[cfg(windows)]
pub use native::Native;
pub use resolution::{AddrInfoHints, AddrInfoList, Parsed};

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

    /// The `u64` at `offset` of the info written (a token handle at 8 or 16, an SA id at 24
    /// or 32 of the IPsec2 form), if the buffer holds it.
    pub fn u64_at(&self, offset: usize) -> Option<u64> {
        let bytes = self.info.as_ref()?.get(offset..offset + 8)?;
        Some(u64::from_le_bytes(bytes.try_into().ok()?))
    }
}

/// A `SERVENT` answer: `s_name`, `s_port` (host order) and `s_proto`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// `s_name`.
    pub name: String,
    /// `s_port`, in host byte order.
    pub port: u16,
    /// `s_proto`.
    pub proto: String,
}

/// What `WSAEnumProtocolsW` gave: the count, `*lpdwBufferLength` after the call, and the
/// (`iAddressFamily`, `iSocketType`, `iProtocol`, `dwCatalogEntryId`) of each entry written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enumerated {
    /// The result: the number of entries.
    pub result: CallResult<u32>,
    /// `*lpdwBufferLength` after the call.
    pub len: u32,
    /// Each entry's triple and catalogue id, in order.
    pub entries: Vec<(i32, i32, i32, u32)>,
}

/// What `getsockopt` gave: the result, the buffer after the call (filled with `0xAB`
/// before it, so bytes not written stay `0xAB`), and `*optlen` after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GotOption {
    /// The result of the call.
    pub result: CallResult,
    /// The buffer after the call: as many bytes as `*optlen` declared (at least 4).
    pub bytes: Vec<u8>,
    /// `*optlen` after the call.
    pub len: i32,
}

impl GotOption {
    /// The first four bytes as a little-endian `int`.
    pub fn int(&self) -> i32 {
        let mut raw = [0u8; 4];
        raw.copy_from_slice(&self.bytes[..4]);
        i32::from_le_bytes(raw)
    }
}

/// What `WSARecvMsg` gave: the result (the byte count), and what the call left in its
/// buffer and `WSAMSG`, also when it failed (a control buffer too small fails with
/// `WSAEMSGSIZE` and `MSG_CTRUNC`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMsg {
    /// The byte count, or the code.
    pub result: CallResult<u32>,
    /// The data: as many bytes as the count says.
    pub data: Vec<u8>,
    /// The sender written to `name`, if any.
    pub from: Option<SocketAddr>,
    /// The control data: the first `Control.len` bytes after the call.
    pub control: Vec<u8>,
    /// `dwFlags` after the call.
    pub flags: u32,
}

/// What `getsockname` or `getpeername` gave: the address, and `*namelen` after the call
/// (`None`: NULL was passed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The address, or the code.
    pub result: CallResult<SocketAddr>,
    /// `*namelen` after the call.
    pub len: Option<i32>,
}

/// How an overlapped call reports its completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// Through the `OVERLAPPED`'s `hEvent`, this event (from `WSACreateEvent`); no routine.
    Event(WSAEVENT),
    /// Through the calling layer's completion routine, which counts its runs on the thread
    /// that runs it ([`Backend::routines_run`]); `hEvent` is 0.
    Routine,
    /// Through the completion port the socket is associated with (and the `OVERLAPPED`):
    /// `hEvent` 0, no routine.
    Port,
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

/// An `AcceptEx` the calling layer started ([`Backend::accept_ex`]): its `OVERLAPPED` and
/// its output buffer, both leaked as [`Overlapped`] says, so the operation can write them
/// whenever it completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepting {
    /// The operation's `OVERLAPPED`, which its completion packet carries.
    pub overlapped: Overlapped,
    /// The leaked output buffer: `receive_len` data bytes, then two address areas.
    pub(crate) buffer: NonNull<u8>,
    /// `dwReceiveDataLength`.
    pub(crate) receive_len: u16,
}

/// What `GetAcceptExSockaddrs` read from a completed `AcceptEx`'s buffer
/// ([`Backend::accept_ex_sockaddrs`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The first data received: as many bytes as the completion counted.
    pub data: Vec<u8>,
    /// `*LocalSockaddr` (`None`: not written, or not an IP address).
    pub local: Option<SocketAddr>,
    /// `*RemoteSockaddr` (`None`: not written, or not an IP address).
    pub remote: Option<SocketAddr>,
}

/// The version of the Wine the process runs under (`"8.0"`), found through
/// `wine_get_version` in `ntdll.dll`; `None` on real Windows and off Windows. The `Native`
/// backend is then Wine's `ws2_32`, not Windows's: see the [Wine FAQ on detecting
/// Wine](https://gitlab.winehq.org/wine/wine/-/wikis/Developer-FAQ#how-can-i-detect-wine).
pub fn wine_version() -> Option<&'static str> {
    #[cfg(windows)]
    {
        crate::native::wine::version()
    }
    #[cfg(not(windows))]
    {
        None
    }
}

/// The exception Wine raises when a program calls a function it has only as a stub
/// (`EXCEPTION_WINE_STUB`, which Wine's stubs raise), with the module's and the function's
/// names as its two parameters; a process that does not handle it ends with it as its
/// exit code.
pub(crate) const EXCEPTION_WINE_STUB: u32 = 0x8000_0100;

/// `not implemented by Wine <version>: <call>`: why a case is `n/a` on the Windows column
/// run under Wine, whether Wine answered the call as unknown or aborted in a stub.
pub(crate) fn not_implemented_by_wine(version: &str, call: &str) -> String {
    format!("not implemented by Wine {version}: {call}")
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

    /// The kind named `name` ([`BackendKind::name`]), if any.
    pub fn from_name(name: &str) -> Option<BackendKind> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

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

    /// `getpeername(s, ...)`: the connected peer's address.
    fn peer_addr(&self, s: SOCKET) -> CallResult<SocketAddr>;

    /// `getsockname(s, name, namelen)` with a `SOCKADDR_STORAGE` (`buffer`) or NULL, and
    /// `*namelen` = `namelen` (`None`: NULL).
    fn local_name(&self, s: SOCKET, buffer: bool, namelen: Option<i32>) -> Named;

    /// `getpeername(s, name, namelen)`, as [`Backend::local_name`].
    fn peer_name(&self, s: SOCKET, buffer: bool, namelen: Option<i32>) -> Named;

    /// `getsockopt(s, level, name, buf, &len)` with a buffer of 1,024 bytes filled with
    /// `0xAB` and `*optlen` = `len` (at most 1,024).
    fn get_option(&self, s: SOCKET, level: i32, name: i32, len: i32) -> GotOption;

    /// `setsockopt(s, level, name, value, len)`: `value` NULL (`None`) or its bytes, in a
    /// buffer of at least 1,024 bytes (zeros after them), so any `len` is safe to pass.
    fn set_option(
        &self,
        s: SOCKET,
        level: i32,
        name: i32,
        value: Option<&[u8]>,
        len: i32,
    ) -> CallResult;

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

    /// `WSASendMsg(s, &msg, 0, &sent, NULL, NULL)`: `msg` is the destination (`None`: a
    /// NULL `name`) and the buffers, no control data; `None` passes a NULL `lpMsg`. The
    /// count sent.
    fn wsa_send_msg(
        &self,
        s: SOCKET,
        msg: Option<(Option<SocketAddr>, &[&[u8]])>,
    ) -> CallResult<u32>;

    /// `WSARecvMsg(s, &msg, &received, NULL, NULL)`, the function looked up through
    /// `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_WSARECVMSG)`: one buffer of
    /// `capacity` bytes, room for any sender, `control` bytes of control room (a NULL
    /// `Control.buf` when 0), `dwFlags` 0; `msg` false passes a NULL `lpMsg`. As for
    /// [`Backend::recv`], set `FIONBIO` first where nothing may be waiting.
    fn wsa_recv_msg(&self, s: SOCKET, msg: bool, capacity: u16, control: u16) -> ReceivedMsg;

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

    /// `WSASend(s, &buf, 1, &sent, 0, &overlapped, routine)` of `data`, with a fresh
    /// `OVERLAPPED` the calling layer owns (as [`Backend::ioctl_overlapped`]'s) and the
    /// data kept alive until the send completes. Returns it and the call's own result
    /// (success: completed at once; `WSA_IO_PENDING`: started).
    fn wsa_send_overlapped(
        &self,
        s: SOCKET,
        data: &[u8],
        completion: Completion,
    ) -> (Overlapped, CallResult);

    /// `WSARecv(s, &buf, 1, &received, &flags, &overlapped, routine)` with flags 0 into a
    /// buffer of `capacity` bytes, both the buffer and the `OVERLAPPED` owned by the
    /// calling layer (as [`Backend::ioctl_overlapped`]'s). Returns the `OVERLAPPED` and the
    /// call's own result (success: completed at once; `WSA_IO_PENDING`: started).
    fn wsa_recv_overlapped(
        &self,
        s: SOCKET,
        capacity: u16,
        completion: Completion,
    ) -> (Overlapped, CallResult);

    /// [`AcceptEx`](https://learn.microsoft.com/windows/win32/api/mswsock/nf-mswsock-acceptex)`(listener,
    /// accept, buffer, receive_len, area, area, &received, &overlapped)`, looked up through
    /// `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_ACCEPTEX)` on `listener`; both
    /// address areas have room for any `SOCKADDR` and 16 bytes; the buffer and the
    /// `OVERLAPPED` (`hEvent` 0: [`Completion::Port`]) are owned by the calling layer.
    /// Returns the operation and the call's result (`TRUE`: `Ok`; `WSA_IO_PENDING`:
    /// started).
    fn accept_ex(
        &self,
        listener: SOCKET,
        accept: SOCKET,
        receive_len: u16,
    ) -> (Accepting, CallResult);

    /// [`GetAcceptExSockaddrs`](https://learn.microsoft.com/windows/win32/api/mswsock/nf-mswsock-getacceptexsockaddrs)
    /// over the buffer of `accepting`, looked up on `s`: the first `received` data bytes
    /// (the count its completion gave) and both addresses. Call it only once the `AcceptEx`
    /// has completed (its packet dequeued), when nothing writes the buffer any more.
    fn accept_ex_sockaddrs(
        &self,
        s: SOCKET,
        accepting: Accepting,
        received: u32,
    ) -> CallResult<Accepted>;

    /// [`ConnectEx`](https://learn.microsoft.com/windows/win32/api/mswsock/nc-mswsock-lpfn_connectex)`(s,
    /// &to, len, data, data_len, &sent, &overlapped)`, looked up on `s`; the data and the
    /// `OVERLAPPED` (`hEvent` 0) owned by the calling layer. Returns the `OVERLAPPED` and
    /// the call's result (`TRUE`: `Ok`; `WSA_IO_PENDING`: started).
    fn connect_ex(&self, s: SOCKET, to: SocketAddr, data: &[u8]) -> (Overlapped, CallResult);

    /// [`DisconnectEx`](https://learn.microsoft.com/windows/win32/api/mswsock/nc-mswsock-lpfn_disconnectex)`(s,
    /// &overlapped, flags, 0)`, looked up on `s`; the `OVERLAPPED` (`hEvent` 0) owned by
    /// the calling layer. Returns it and the call's result (`TRUE`: `Ok`;
    /// `WSA_IO_PENDING`: started).
    fn disconnect_ex(&self, s: SOCKET, flags: u32) -> (Overlapped, CallResult);

    /// [`CancelIoEx`](https://learn.microsoft.com/windows/win32/fileio/cancelioex-func)`(s,
    /// overlapped)` (`None`: NULL, every pending operation of `s`); failures read with
    /// `GetLastError`.
    fn cancel_io_ex(&self, s: SOCKET, overlapped: Option<Overlapped>) -> CallResult;

    /// [`SetFileCompletionNotificationModes`](https://learn.microsoft.com/windows/win32/api/winbase/nf-winbase-setfilecompletionnotificationmodes)`(s,
    /// FILE_SKIP_COMPLETION_PORT_ON_SUCCESS)`; failures read with `GetLastError`.
    fn skip_completion_on_success(&self, s: SOCKET) -> CallResult;

    /// `WSAGetOverlappedResult(s, overlapped, &transferred, wait, &flags)`: the bytes
    /// transferred.
    fn overlapped_result(&self, s: SOCKET, overlapped: Overlapped, wait: bool) -> CallResult<u32>;

    /// How many times the calling layer's completion routine ([`Completion::Routine`]) has
    /// run on the calling thread, over the life of the thread.
    fn routines_run(&self) -> u32;

    /// The `dwError` the calling layer's completion routine got in its latest run on the
    /// calling thread (`None`: it has not run on this thread).
    fn last_routine_error(&self) -> Option<u32>;

    /// The call of the scenario so far that this backend does not implement although
    /// Windows does, as the reason the case is not applicable (`not implemented by Wine
    /// 8.0: WSAIoctl(SIO_SET_SECURITY)`); reading it clears it. `None` (the default) on
    /// every backend but `Native` under Wine, which finds such calls by their answers
    /// (see [`wine_version`]).
    fn take_not_implemented(&self) -> Option<String> {
        None
    }
    /// `getaddrinfo(node, service, hints, &list)` (`None`: NULL), then `freeaddrinfo(list)`:
    /// the nodes' addresses and the first one's canonical name, or the code returned.
    fn get_addr_info(
        &self,
        node: Option<&str>,
        service: Option<&str>,
        hints: Option<AddrInfoHints>,
    ) -> CallResult<AddrInfoList>;

    /// `getnameinfo(&addr, len, host, host_len, service, service_len, flags)` with buffers
    /// of the sizes given (`None`: NULL): the texts, or the code returned.
    fn get_name_info(
        &self,
        addr: SocketAddr,
        host_len: Option<u32>,
        service_len: Option<u32>,
        flags: i32,
    ) -> CallResult<(Option<String>, Option<String>)>;

    /// `gethostname(buffer, len)` with a buffer of `len` bytes.
    fn host_name(&self, len: i32) -> CallResult<String>;

    /// `inet_pton(family, text, buffer)` (`None`: NULL), the last error set to 0 before.
    fn inet_pton(&self, family: i32, text: Option<&str>) -> Parsed;

    /// `inet_ntop(family, address, buffer, size)` with a buffer of `size` bytes: the text,
    /// or the last error after a NULL return.
    fn inet_ntop(&self, family: i32, address: &[u8; 16], size: usize) -> CallResult<String>;

    /// `inet_addr(text)`.
    fn inet_addr(&self, text: &str) -> u32;

    /// `WSAStringToAddressW(text, family, NULL, &address, &len)` with `len` before: the
    /// address (or the code) and `len` after.
    fn string_to_address(&self, text: &str, family: i32, len: i32)
        -> (CallResult<SocketAddr>, i32);

    /// `WSAAddressToStringW(&addr, len, NULL, buffer, &size)` with `size` characters: the
    /// text (or the code) and `size` after.
    fn address_to_string(&self, addr: SocketAddr, size: u32) -> (CallResult<String>, u32);

    /// `WSAConnectByNameW(s, node, service, ...)` with room for both addresses (`None`:
    /// NULL strings): the remote address it wrote.
    fn connect_by_name(
        &self,
        s: SOCKET,
        node: Option<&str>,
        service: Option<&str>,
    ) -> CallResult<SocketAddr>;
    /// `CloseHandle(handle)`, its failure read with `GetLastError`.
    fn close_handle(&self, handle: u64) -> CallResult;

    /// `CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0)`: a new completion port
    /// (close it with [`Backend::close_handle`]); failures read with `GetLastError`.
    fn create_port(&self) -> CallResult<u64>;

    /// `CreateIoCompletionPort(s, port, key, 0)`: the port returned.
    fn associate_port(&self, s: SOCKET, port: u64, key: usize) -> CallResult<u64>;

    /// `PostQueuedCompletionStatus(port, bytes, key, overlapped)`, `overlapped` an address
    /// carried, never dereferenced.
    fn post_packet(&self, port: u64, bytes: u32, key: usize, overlapped: usize) -> CallResult;

    /// `GetQueuedCompletionStatus(port, .., milliseconds)` with its outputs preset to
    /// sentinels. Pass a bounded wait (never `INFINITE`), so that a case cannot hang on a
    /// backend that queues no packet.
    fn dequeue_packet(&self, port: u64, milliseconds: u32) -> Dequeued;

    /// `WSAEnumProtocolsW(filter, buffer, &len)`: `filter` 0-terminated by the calling
    /// layer (`None`: NULL); a buffer of `room` entries, `len` their size (`None`: NULL, 0).
    fn enum_protocols(&self, filter: Option<&[i32]>, room: Option<u32>) -> Enumerated;

    /// `getprotobyname(name)`: (`p_name`, `p_proto`).
    fn protocol_by_name(&self, name: &std::ffi::CStr) -> CallResult<(String, i16)>;

    /// `getprotobynumber(number)`: (`p_name`, `p_proto`).
    fn protocol_by_number(&self, number: i32) -> CallResult<(String, i16)>;

    /// `WSACancelBlockingCall()`.
    fn cancel_blocking_call(&self) -> CallResult;

    /// `WSASendDisconnect(s, data)`: a `WSABUF` over a copy of `data` (`None`: NULL).
    fn send_disconnect(&self, s: SOCKET, data: Option<&[u8]>) -> CallResult;

    /// `WSARecvDisconnect(s, NULL)`.
    fn recv_disconnect(&self, s: SOCKET) -> CallResult;

    /// `WSARecvEx(s, buf, len, &flags)`: the bytes received and `*flags`.
    fn recv_ex(&self, s: SOCKET, len: i32) -> CallResult<(Vec<u8>, i32)>;

    /// `TransmitFile(s, NULL, 0, 0, NULL, buffers, flags)`, looked up through
    /// `SIO_GET_EXTENSION_FUNCTION_POINTER` on `s`: `buffers` `None` is a NULL
    /// `lpTransmitBuffers`, otherwise the head and the tail (copies, or NULL with a length).
    fn transmit_file(
        &self,
        s: SOCKET,
        buffers: Option<(Buffer<'_>, Buffer<'_>)>,
        flags: u32,
    ) -> CallResult;

    /// `TransmitPackets(s, elements, n, 0, NULL, flags)`, looked up as `transmit_file` is:
    /// one `TP_ELEMENT_MEMORY` element per `(bytes, end_of_packet)`, `TP_ELEMENT_EOP` where
    /// `end_of_packet`.
    fn transmit_packets(&self, s: SOCKET, elements: &[(&[u8], bool)], flags: u32) -> CallResult;

    /// `getservbyname(name, proto)` (`None`: NULL).
    fn service_by_name(
        &self,
        name: &std::ffi::CStr,
        proto: Option<&std::ffi::CStr>,
    ) -> CallResult<Service>;

    /// `getservbyport(htons(port), proto)` (`None`: NULL).
    fn service_by_port(&self, port: u16, proto: Option<&std::ffi::CStr>) -> CallResult<Service>;

    /// `GetAddrInfoExW(node, service, namespace, ...)` synchronously, then
    /// `FreeAddrInfoExW`: the addresses, or the code returned.
    fn get_addr_info_ex(
        &self,
        node: Option<&str>,
        service: Option<&str>,
        namespace: u32,
    ) -> CallResult<Vec<std::net::SocketAddr>>;

    /// `GetAddrInfoExW(node, NULL, NS_ALL, ...)` with an `OVERLAPPED` whose `hEvent` is an
    /// event: the call's code, `GetAddrInfoExOverlappedResult` after the (bounded) wait,
    /// and the addresses.
    fn get_addr_info_ex_event(
        &self,
        node: &str,
    ) -> CallResult<(i32, i32, Vec<std::net::SocketAddr>)>;

    /// `WSAConnectByList(s, addrs, ...)`: the remote address written back.
    fn connect_by_list(
        &self,
        s: SOCKET,
        addrs: &[std::net::SocketAddr],
    ) -> CallResult<std::net::SocketAddr>;

    /// `WSASocketW(af, type, protocol, &info, 0, 0)` with a `WSAPROTOCOL_INFOW` whose
    /// `dwCatalogEntryId` is `catalog_id` and whose `iAddressFamily`, `iSocketType` and
    /// `iProtocol` are `info_triple` (the rest zero).
    fn wsa_socket_from_info(
        &self,
        triple: (i32, i32, i32),
        catalog_id: u32,
        info_triple: (i32, i32, i32),
    ) -> CallResult<SOCKET>;

    /// `WSADuplicateSocketW(s, process_id, &info)` (`info` false: NULL), then, `uses` times,
    /// `WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0,
    /// WSA_FLAG_OVERLAPPED)`: each use's socket or code.
    fn duplicate_socket(
        &self,
        s: SOCKET,
        process_id: u32,
        info: bool,
        uses: usize,
    ) -> CallResult<Vec<CallResult<SOCKET>>>;

    /// `WSAGetQOSByName(s, &name, qos)`: a `WSABUF` over a copy of `name` (`None`: a NULL
    /// *lpQOSName*), and a `QOS` to fill unless `qos` is false (NULL).
    fn get_qos_by_name(&self, s: SOCKET, name: Option<&[u8]>, qos: bool) -> CallResult;

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

    /// Returns once `count` calls of other threads on this backend are blocked, so a
    /// scenario's helper thread acts on a call known to wait. The emulator knows
    /// ([`crate::Network::wait_until_blocked`]); on Windows, where nothing tells, the
    /// default waits 50 ms, long enough for the thread started last to enter its call (the
    /// outcome is then the same whichever comes first in every case that uses it, but for
    /// the order of a completion port's waiters, which these 50 ms make).
    fn await_blocked(&self, count: usize) {
        let _ = count;
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

/// What a completion packet carried: `GetQueuedCompletionStatus`'s outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet {
    /// `*lpNumberOfBytesTransferred`.
    pub bytes: u32,
    /// `*lpCompletionKey`.
    pub key: usize,
    /// `*lpOverlapped`, as an address.
    pub overlapped: usize,
}

/// What [`Backend::dequeue_packet`] saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dequeued {
    /// `Ok` for `TRUE`; the `GetLastError` code for `FALSE`.
    pub result: CallResult,
    /// The outputs after the call (sentinels where it wrote nothing).
    pub packet: Packet,
    /// Whether the bytes and key outputs still hold their sentinels.
    pub untouched: bool,
}
