//! [`Session`]: one scenario's use of a backend, torn down afterwards.
#![forbid(unsafe_code)]

use std::fmt;
use std::net::SocketAddr;
use std::thread;
use std::time::Duration;

use windows_sys::Win32::Networking::WinSock::{
    AF_INET, AF_INET6, FIONBIO, IPPROTO_TCP, IPPROTO_UDP, SIO_SET_SECURITY, SOCKET, SOCK_DGRAM,
    SOCK_STREAM, WSAEVENT, WSAEWOULDBLOCK,
};

use parking_lot::{Mutex, MutexGuard};

use super::verdict::Stopped;
use crate::backend::{Backend, BackendKind, Buffer, CallResult, Code, Deferral};

/// Why a case about pending operations is not applicable on a backend without a
/// [`Deferral`].
pub(crate) const CANNOT_PEND: &str = "the backend cannot make an overlapped operation pend";

/// Held by every session on the real Winsock: it is one per process, so scenarios on it
/// run one at a time, even from parallel tests.
static REAL_WINSOCK: Mutex<()> = Mutex::new(());

/// A setup step of a scenario failed, so the call under test was never made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SetupFailure {
    /// The step, as the call it made (`"connect(tcp, listener)"`).
    pub step: &'static str,
    /// What the backend said.
    pub code: Code,
}

impl fmt::Display for SetupFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "setup failed: {} gave {}", self.step, self.code)
    }
}

/// The result of a setup step.
pub type Setup<T = ()> = Result<T, SetupFailure>;

/// Names a failing setup step.
fn step<T>(step: &'static str, result: CallResult<T>) -> Setup<T> {
    result.map_err(|code| SetupFailure { step, code })
}

/// One scenario's view of a backend: setup helpers that remember what they opened, the
/// calls under test, and a teardown that closes every socket and event and matches every
/// `WSAStartup`, so the next scenario starts from a process with Winsock not started (and,
/// on a backend with a [`Deferral`], with no operation left to defer; closing the sockets
/// aborts any still pending).
///
/// On the real Winsock, which is one per process, a session holds a process-wide lock
/// from [`Session::new`] to [`Session::finish`], so scenarios never overlap.
pub struct Session<'b> {
    backend: &'b dyn Backend,
    sockets: Vec<SOCKET>,
    events: Vec<WSAEVENT>,
    startups: u32,
    _exclusive: Option<MutexGuard<'static, ()>>,
}

impl<'b> Session<'b> {
    /// A session on `backend`, which must not be started.
    pub fn new(backend: &'b dyn Backend) -> Self {
        let exclusive = (backend.kind() == BackendKind::Windows).then(|| REAL_WINSOCK.lock());
        Self {
            backend,
            sockets: Vec::new(),
            events: Vec::new(),
            startups: 0,
            _exclusive: exclusive,
        }
    }

    /// The backend, for calls no helper makes.
    pub fn backend(&self) -> &'b dyn Backend {
        self.backend
    }

    /// `WSAStartup(version)`, counted for teardown when it succeeds.
    pub fn try_startup(&mut self, version: u16) -> CallResult<u16> {
        let granted = self.backend.startup(version)?;
        self.startups += 1;
        Ok(granted)
    }

    /// `WSACleanup()`, counted when it succeeds.
    pub fn try_cleanup(&mut self) -> CallResult {
        self.backend.cleanup()?;
        self.startups = self.startups.saturating_sub(1);
        Ok(())
    }

    /// Setup: `WSAStartup(2.2)`.
    pub fn startup(&mut self) -> Setup {
        step("WSAStartup(2.2)", self.try_startup(0x0202)).map(drop)
    }

    /// Setup: `WSACleanup()`.
    pub fn cleanup(&mut self) -> Setup {
        step("WSACleanup()", self.try_cleanup())
    }

    /// Setup: `socket(af, type, protocol)`, closed at teardown.
    pub fn socket(&mut self, af: u16, socket_type: i32, protocol: i32) -> Setup<SOCKET> {
        let s = step("socket()", self.backend.socket(af, socket_type, protocol))?;
        self.sockets.push(s);
        Ok(s)
    }

    /// Setup: `WSASocketW(af, type, protocol, NULL, 0, flags)`, closed at teardown.
    pub fn wsa_socket(
        &mut self,
        af: u16,
        socket_type: i32,
        protocol: i32,
        flags: u32,
    ) -> Setup<SOCKET> {
        let s = step(
            "WSASocketW()",
            self.backend.wsa_socket(af, socket_type, protocol, flags),
        )?;
        self.sockets.push(s);
        Ok(s)
    }

    /// Setup: an `AF_INET` UDP socket.
    pub fn udp4(&mut self) -> Setup<SOCKET> {
        self.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP)
    }

    /// Setup: an `AF_INET6` UDP socket.
    pub fn udp6(&mut self) -> Setup<SOCKET> {
        self.socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP)
    }

    /// Setup: an `AF_INET` TCP socket.
    pub fn tcp4(&mut self) -> Setup<SOCKET> {
        self.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)
    }

    /// Setup: an `AF_INET` UDP socket bound to `at`, with the address it got.
    pub fn udp4_at(&mut self, at: &str) -> Setup<(SOCKET, SocketAddr)> {
        let s = self.udp4()?;
        self.bind(s, addr(at))?;
        let local = self.local_addr(s)?;
        Ok((s, local))
    }

    /// Setup: an `AF_INET6` TCP socket.
    pub fn tcp6(&mut self) -> Setup<SOCKET> {
        self.socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP)
    }

    /// Setup: `setsockopt(s, level, name, &value, 4)`, which must succeed.
    pub fn option(&mut self, s: SOCKET, level: i32, name: i32, value: i32) -> Setup {
        let bytes = value.to_le_bytes();
        step(
            "setsockopt()",
            self.backend.set_option(s, level, name, Some(&bytes), 4),
        )
    }

    /// Setup: a call made by the scenario itself, which must succeed (`step` names it).
    pub fn required<T>(&mut self, step_name: &'static str, result: CallResult<T>) -> Setup<T> {
        step(step_name, result)
    }

    /// Setup: `closesocket(s)`.
    pub fn close(&mut self, s: SOCKET) -> Setup {
        step("closesocket()", self.backend.close(s))?;
        self.sockets.retain(|&open| open != s);
        Ok(())
    }

    /// Setup: a UDP socket connected to `peer` (`connect` on a datagram socket only
    /// records the peer; nothing needs to listen there).
    pub fn connected_udp4(&mut self, peer: &str) -> Setup<SOCKET> {
        let s = self.udp4()?;
        self.connect(s, peer)?;
        Ok(s)
    }

    /// Setup: `connect(s, peer)`.
    pub fn connect(&mut self, s: SOCKET, peer: &str) -> Setup {
        step("connect()", self.backend.connect(s, addr(peer)))
    }

    /// Setup: a TCP socket bound to `127.0.0.1:0` and listening; with its address.
    pub fn listener4(&mut self) -> Setup<(SOCKET, SocketAddr)> {
        let s = self.tcp4()?;
        step(
            "bind(tcp, 127.0.0.1:0)",
            self.backend.bind(s, addr("127.0.0.1:0")),
        )?;
        step("listen(tcp)", self.backend.listen(s, 5))?;
        let local = step("getsockname(listener)", self.backend.local_addr(s))?;
        Ok((s, local))
    }

    /// Setup: a TCP client connected to a fresh loopback listener (the connection is
    /// accepted, so nothing is left waiting). Returns the client.
    pub fn connected_tcp4(&mut self) -> Setup<SOCKET> {
        let (listener, at) = self.listener4()?;
        let client = self.tcp4()?;
        step("connect(tcp, listener)", self.backend.connect(client, at))?;
        let accepted = step("accept(listener)", self.backend.accept(listener))?;
        self.sockets.push(accepted);
        Ok(client)
    }

    /// Setup: `bind(s, at)`.
    pub fn bind(&mut self, s: SOCKET, at: SocketAddr) -> Setup {
        step("bind()", self.backend.bind(s, at))
    }

    /// Setup: `WSAIoctl(SIO_SET_SECURITY)` with the default settings, which must succeed.
    pub fn secured(&mut self, s: SOCKET) -> Setup {
        let defaults = [0u8; 8];
        step(
            "WSAIoctl(SIO_SET_SECURITY)",
            self.backend
                .ioctl(s, SIO_SET_SECURITY, Buffer::Bytes(&defaults))
                .map(drop),
        )
    }

    /// Setup: a connected loopback TCP pair: the client and the accepted socket.
    pub fn tcp_pair4(&mut self) -> Setup<(SOCKET, SOCKET)> {
        let (listener, at) = self.listener4()?;
        let client = self.tcp4()?;
        step("connect(tcp, listener)", self.backend.connect(client, at))?;
        let accepted = step("accept(listener)", self.backend.accept(listener))?;
        self.sockets.push(accepted);
        Ok((client, accepted))
    }

    /// Setup: `WSAIoctl(SIO_SET_SECURITY)` with `SOCKET_SECURITY_SETTINGS { DEFAULT,
    /// flags }`, which must succeed.
    pub fn secured_with(&mut self, s: SOCKET, flags: u32) -> Setup {
        let mut settings = [0u8; 8];
        settings[4..].copy_from_slice(&flags.to_le_bytes());
        step(
            "WSAIoctl(SIO_SET_SECURITY)",
            self.backend
                .ioctl(s, SIO_SET_SECURITY, Buffer::Bytes(&settings))
                .map(drop),
        )
    }

    /// Setup: a secured loopback TCP pair (both ends with `flags`, the client naming the
    /// server `target` in its peer target name; `connect` must succeed): the client and
    /// the accepted socket.
    pub fn secured_pair4(&mut self, flags: u32, target: &[u8]) -> Setup<(SOCKET, SOCKET)> {
        let listener = self.tcp4()?;
        self.secured_with(listener, flags)?;
        self.bind(listener, addr("127.0.0.1:0"))?;
        step("listen(tcp)", self.backend.listen(listener, 5))?;
        let at = step("getsockname(listener)", self.backend.local_addr(listener))?;
        let client = self.tcp4()?;
        self.secured_with(client, flags)?;
        self.named(client, target)?;
        step("connect(secured tcp)", self.backend.connect(client, at))?;
        let accepted = step("accept(listener)", self.backend.accept(listener))?;
        self.sockets.push(accepted);
        Ok((client, accepted))
    }

    /// Setup: `ioctlsocket(s, FIONBIO, 1)`: non-blocking, so a `recv` with nothing to read
    /// fails at once on every backend.
    pub fn nonblocking(&mut self, s: SOCKET) -> Setup {
        step(
            "ioctlsocket(FIONBIO)",
            self.backend.ioctlsocket(s, FIONBIO, 1).map(drop),
        )
    }

    /// Setup: `send(s, data)`, which must send it all.
    pub fn sent(&mut self, s: SOCKET, data: &[u8]) -> Setup {
        step("send()", self.backend.send(s, data)).map(drop)
    }

    /// Setup: `sendto(s, data, to)`, which must send it all.
    pub fn sent_to(&mut self, s: SOCKET, data: &[u8], to: &[u8]) -> Setup {
        step("sendto()", self.backend.send_to(s, data, Buffer::Bytes(to))).map(drop)
    }

    /// Setup: `connect(s, at)`.
    pub fn connect_to(&mut self, s: SOCKET, at: SocketAddr) -> Setup {
        step("connect()", self.backend.connect(s, at))
    }

    /// Setup: `accept(listener)`, the accepted socket closed at teardown.
    pub fn accept(&mut self, listener: SOCKET) -> Setup<SOCKET> {
        let accepted = step("accept()", self.backend.accept(listener))?;
        self.sockets.push(accepted);
        Ok(accepted)
    }

    /// Closes `s` at teardown: a socket the call under test returned.
    pub fn keep(&mut self, s: SOCKET) {
        self.sockets.push(s);
    }

    /// Setup: `listen(s, 5)`.
    pub fn listen(&mut self, s: SOCKET) -> Setup {
        step("listen()", self.backend.listen(s, 5))
    }

    /// Setup: `getsockname(s)`.
    pub fn local_addr(&mut self, s: SOCKET) -> Setup<SocketAddr> {
        step("getsockname()", self.backend.local_addr(s))
    }

    /// Setup: `recv(s, capacity)`, which must succeed; the bytes.
    pub fn received(&mut self, s: SOCKET, capacity: u16) -> Setup<Vec<u8>> {
        step("recv()", self.backend.recv(s, capacity))
    }

    /// Setup: `WSACloseEvent(event)`, no longer closed at teardown (a handle closed twice
    /// could name another thread's new handle on Windows).
    pub fn close_event(&mut self, event: WSAEVENT) -> Setup {
        step("WSACloseEvent()", self.backend.close_event(event))?;
        self.events.retain(|&open| open != event);
        Ok(())
    }

    /// Setup: `WSACreateEvent()`, closed at teardown.
    pub fn event(&mut self) -> Setup<WSAEVENT> {
        let event = step("WSACreateEvent()", self.backend.create_event())?;
        self.events.push(event);
        Ok(event)
    }

    /// Setup: `WSASetSocketPeerTargetName` that must succeed (a name to delete later).
    pub fn named(&mut self, s: SOCKET, name: &[u8]) -> Setup {
        step(
            "WSASetSocketPeerTargetName()",
            self.backend.set_peer_target_name(s, Buffer::Bytes(name)),
        )
    }

    /// Under test: `WSASetSocketPeerTargetName(s, name, name.len())`.
    pub fn set(&self, s: SOCKET, name: &[u8]) -> CallResult {
        self.backend.set_peer_target_name(s, Buffer::Bytes(name))
    }

    /// Under test: `WSADeleteSocketPeerTargetName(s, addr, addr.len())`.
    pub fn delete(&self, s: SOCKET, addr: &[u8]) -> CallResult {
        self.backend.delete_peer_target_name(s, Buffer::Bytes(addr))
    }

    /// The backend's [`Deferral`], or [`Stopped::NotApplicable`] when it has none (real
    /// Windows): a scenario about pending operations asks for it first.
    pub fn deferral(&self) -> Result<&'b dyn Deferral, Stopped> {
        self.backend
            .deferral()
            .ok_or(Stopped::NotApplicable(CANNOT_PEND))
    }

    /// Ends the scenario: closes every socket and event still open and matches every `WSAStartup`
    /// still counted (dropping the session does the same, even in a panic).
    pub fn finish(self) {}
}

impl Drop for Session<'_> {
    /// The teardown. Failures are ignored: a socket may already be gone (closed by the
    /// last `WSACleanup`), and teardown has no one to tell.
    fn drop(&mut self) {
        if let Some(deferral) = self.backend.deferral() {
            deferral.defer_overlapped(0);
        }
        for s in std::mem::take(&mut self.sockets).into_iter().rev() {
            let _ = self.backend.close(s);
        }
        for event in std::mem::take(&mut self.events) {
            let _ = self.backend.close_event(event);
        }
        for _ in 0..self.startups {
            let _ = self.backend.cleanup();
        }
        self.startups = 0;
    }
}

/// How many times, 10 ms apart, [`polled`] retries a call while it would block.
const POLLS: u32 = 200;

/// `call`, retried while it fails with `WSAEWOULDBLOCK`, up to [`POLLS`] times 10 ms apart:
/// for a receive on a non-blocking socket, where on Windows the data (or an ICMP message)
/// may arrive a moment later. The emulator answers the first call.
pub(crate) fn polled<T>(mut call: impl FnMut() -> CallResult<T>) -> CallResult<T> {
    let mut polls = 0;
    loop {
        match call() {
            Err(Code(WSAEWOULDBLOCK)) if polls < POLLS => {
                polls += 1;
                thread::sleep(Duration::from_millis(10));
            }
            result => return result,
        }
    }
}

/// Parses a socket address written in a case.
pub(crate) fn addr(text: &str) -> SocketAddr {
    text.parse().expect("a case's address literal parses")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::Emulator;

    #[test]
    fn dropping_a_session_closes_its_sockets_and_matches_its_startups() {
        let emulator = Emulator::new();
        {
            let mut session = Session::new(&emulator);
            session.startup().unwrap();
            session.startup().unwrap();
            session.udp4().unwrap();
            session.listener4().unwrap();
            session.tcp_pair4().unwrap();
            let event = session.event().unwrap();
            session.close_event(event).unwrap();
            session.event().unwrap();
            assert_eq!(emulator.network().startup_count(), 2);
        }
        assert_eq!(emulator.network().startup_count(), 0);
        assert_eq!(emulator.network().socket_count(), 0);
    }

    #[test]
    fn a_failed_setup_step_is_named_with_its_code() {
        let emulator = Emulator::new();
        let mut session = Session::new(&emulator);
        let failure = session.udp4().unwrap_err();
        assert_eq!(failure.step, "socket()");
        assert_eq!(
            failure.code,
            Code(windows_sys::Win32::Networking::WinSock::WSANOTINITIALISED)
        );
        assert_eq!(
            failure.to_string(),
            "setup failed: socket() gave WSANOTINITIALISED (10093)"
        );
    }
}
