//! The one place every model operation passes through on its way in and out: injected
//! faults are applied here and calls are recorded here, for both faces at once.
//!
//! Each operation the faces call (`bind`, `set_peer_target_name`, ...) is defined in this
//! file as a thin wrapper around the operation itself (`bind_unobserved`, ... in
//! `lifecycle.rs` and `names.rs`), so the rules code stays free of instrumentation. With no
//! fault and no trace the wrapper costs one relaxed atomic load.
#![forbid(unsafe_code)]

pub(super) mod injected;
#[cfg(feature = "tracing")]
pub(super) mod tracing_events;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use windows_sys::Win32::Networking::WinSock::{SOCKET, SOCK_DGRAM};

use super::lifecycle::AddrArg;
use super::names::NameArg;
use super::sync::Mutex;
use super::waits::Awaited;
use super::SocketTable;
use crate::error::{Error, Result};
use crate::testing::{
    Call, CallRecord, Fault, FaultAction, FaultId, FaultPlan, Recorder, SocketFacts, StrictReport,
    StrictTracker, Trace,
};
use crate::wire::PeerAddress;

/// A network's faults and trace.
#[derive(Debug, Default)]
pub(crate) struct Observer {
    /// Whether any fault is in force or a trace is being recorded.
    active: AtomicBool,
    faults: Mutex<FaultPlan>,
    pub(super) recorder: Mutex<Recorder>,
    /// Datagrams an injected delay holds back: destination, source, payload.
    delayed: Mutex<Vec<(SocketAddr, SocketAddr, Vec<u8>)>>,
    /// Whether strict mode is on (kept apart so `refresh` needs no third lock).
    pub(super) strict_enabled: AtomicBool,
    pub(super) strict: Mutex<StrictTracker>,
    /// The number of the last `ADDRINFO` list this network handed out.
    lists: AtomicU64,
    /// Why secure connects failed (a leaf lock, taken under the table's locks).
    pub(super) refusals: Mutex<super::refusals::Refusals>,
}

/// How a successful result appears in a trace.
pub(crate) trait Outcome {
    /// The result as a trace shows it.
    fn describe(&self) -> String;

    /// The socket an `accept` made, for the readiness code.
    fn accepted(&self) -> Option<SOCKET> {
        None
    }
}

impl Outcome for () {
    fn describe(&self) -> String {
        "0".into()
    }
}

impl Outcome for SOCKET {
    fn describe(&self) -> String {
        format!("{self:#x}")
    }
}

impl Outcome for SocketAddr {
    fn describe(&self) -> String {
        self.to_string()
    }
}

impl Outcome for u16 {
    fn describe(&self) -> String {
        format!("0 (version {}.{})", self & 0xFF, self >> 8)
    }
}

impl Outcome for (SOCKET, SocketAddr) {
    fn describe(&self) -> String {
        format!("{:#x} from {}", self.0, self.1)
    }

    fn accepted(&self) -> Option<SOCKET> {
        Some(self.0)
    }
}

impl Observer {
    fn refresh(&self, faults: &FaultPlan, recorder: &Recorder) {
        let strict = self.strict_enabled.load(Ordering::Acquire);
        self.active.store(
            !faults.is_empty() || recorder.is_recording() || strict,
            Ordering::Release,
        );
    }

    pub(crate) fn inject(&self, fault: Fault) -> FaultId {
        let mut faults = self.faults.lock();
        let id = faults.add(fault);
        self.refresh(&faults, &self.recorder.lock());
        id
    }

    pub(crate) fn remove_fault(&self, id: FaultId) -> bool {
        let mut faults = self.faults.lock();
        let removed = faults.remove(id);
        self.refresh(&faults, &self.recorder.lock());
        removed
    }

    pub(crate) fn clear_faults(&self) {
        let mut faults = self.faults.lock();
        faults.clear();
        self.refresh(&faults, &self.recorder.lock());
    }

    /// Takes an injected pend for `call` on `socket`, if one is in force.
    pub(crate) fn take_pend(&self, call: Call, socket: SOCKET) -> bool {
        if !self.active.load(Ordering::Acquire) {
            return false;
        }
        let mut faults = self.faults.lock();
        let taken = faults.take_pend(call, socket);
        self.refresh(&faults, &self.recorder.lock());
        taken
    }

    /// Whether faults, a trace or strict mode are on; when not, every call runs
    /// unobserved and every datagram arrives once.
    pub(crate) fn is_active(&self) -> bool {
        self.active.load(Ordering::Acquire)
    }

    /// How many copies of a datagram from `sender` to `to` arrive now: 1 normally, 0 when an
    /// injected fault drops or delays it (a delayed one is parked), 2 when it duplicates it.
    /// Called under the topology lock; takes only this observer's own locks.
    pub(crate) fn datagram_copies(
        &self,
        sender: SOCKET,
        to: SocketAddr,
        source: SocketAddr,
        data: &[u8],
    ) -> usize {
        if !self.active.load(Ordering::Acquire) {
            return 1;
        }
        let mut faults = self.faults.lock();
        let fate = faults.take_datagram(sender, to);
        self.refresh(&faults, &self.recorder.lock());
        drop(faults);
        match fate {
            Some(FaultAction::DropDatagram) => 0,
            Some(FaultAction::DuplicateDatagram) => 2,
            Some(FaultAction::DelayDatagram) => {
                self.delayed.lock().push((to, source, data.to_vec()));
                0
            }
            _ => 1,
        }
    }

    /// A stall was diagnosed: strict mode reports it (`blocked-forever`).
    pub(crate) fn stalled(&self, socket: Option<SOCKET>, diagnosis: &str) {
        if self.strict_enabled.load(Ordering::Acquire) {
            self.strict.lock().stalled(socket, diagnosis.to_owned());
        }
    }

    /// Takes the datagrams held back by injected delays, oldest first.
    pub(crate) fn take_delayed(&self) -> Vec<(SocketAddr, SocketAddr, Vec<u8>)> {
        std::mem::take(&mut *self.delayed.lock())
    }

    /// Turns strict mode on or off; what it found stays until taken.
    pub(crate) fn set_strict(&self, enabled: bool) {
        let faults = self.faults.lock();
        let recorder = self.recorder.lock();
        self.strict.lock().enabled = enabled;
        self.strict_enabled.store(enabled, Ordering::Release);
        self.refresh(&faults, &recorder);
    }

    /// Token handles (0: none) a query on `socket` opened, for strict mode's report of
    /// tokens never closed.
    pub(crate) fn tokens_opened(&self, socket: SOCKET, handles: &[u64]) {
        if self.strict_enabled.load(Ordering::Acquire) {
            self.strict.lock().tokens_opened(socket, handles);
        }
    }

    /// What strict mode found so far.
    pub(crate) fn strict_reports(&self) -> Vec<StrictReport> {
        self.strict.lock().reports()
    }

    /// What strict mode found so far, forgotten once returned.
    pub(crate) fn take_strict_reports(&self) -> Vec<StrictReport> {
        let mut strict = self.strict.lock();
        let reports = strict.reports();
        strict.clear_reports();
        reports
    }

    /// A number for the next `ADDRINFO` list this network hands out: 1, 2, ... in the
    /// network's own order, so traces name lists the same way in every run.
    pub(crate) fn next_list_id(&self) -> u64 {
        self.lists.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// `getaddrinfo` handed out `ADDRINFO` list number `id`, for `node`: strict mode
    /// expects it freed.
    pub(crate) fn list_handed_out(&self, id: u64, node: &str) {
        if self.strict_enabled.load(Ordering::Acquire) {
            self.strict.lock().list_handed_out(id, node.to_owned());
        }
    }

    /// `freeaddrinfo` was called: on list number `id`, or (`None`) on a pointer that is no
    /// live list, which strict mode reports. Recorded in the trace either way.
    pub(crate) fn list_freed(&self, id: Option<u64>) {
        let mut recorder = self.recorder.lock();
        if recorder.is_recording() {
            recorder.record(CallRecord {
                seq: 0,
                thread: crate::testing::thread_label(),
                call: Call::FreeAddrInfo,
                socket: None,
                peer: None,
                args: id.map_or("list=<not a live list>".into(), |id| format!("list=#{id}")),
                result: Ok(if id.is_some() { "freed" } else { "ignored" }.into()),
                injected: false,
                note: None,
            });
        }
        drop(recorder);
        if self.strict_enabled.load(Ordering::Acquire) {
            let mut strict = self.strict.lock();
            match id {
                Some(id) => strict.list_freed(id),
                None => strict.bad_free(
                    "freeaddrinfo was given a pointer that is not a live list (never handed \
                     out, already freed, or not a list's first node); ignored"
                        .into(),
                ),
            }
        }
    }

    pub(crate) fn start_trace(&self) {
        let faults = self.faults.lock();
        let mut recorder = self.recorder.lock();
        recorder.start();
        self.refresh(&faults, &recorder);
    }

    pub(crate) fn stop_trace(&self) -> Trace {
        let faults = self.faults.lock();
        let mut recorder = self.recorder.lock();
        let trace = recorder.stop();
        self.refresh(&faults, &recorder);
        trace
    }

    pub(crate) fn trace(&self) -> Trace {
        self.recorder.lock().trace()
    }

    /// Why secure connects failed, oldest first.
    pub(crate) fn security_failures(&self) -> Vec<crate::testing::SecurityFailure> {
        self.refusals.lock().all()
    }

    /// Forgets the failures recorded so far.
    pub(crate) fn clear_security_failures(&self) {
        self.refusals.lock().clear();
    }
}

/// The peer an address argument names, for fault matching and traces.
pub(super) fn addr_peer(arg: &AddrArg<'_>) -> Option<SocketAddr> {
    match arg.decode() {
        Ok(PeerAddress::Ip(addr)) => Some(addr),
        _ => None,
    }
}

pub(super) fn addr_args(arg: &AddrArg<'_>) -> String {
    match (arg, arg.decode()) {
        (AddrArg::Null, _) => "addr=NULL".into(),
        (_, Ok(PeerAddress::Ip(_))) => String::new(),
        (_, Ok(other)) => format!("addr={other:?}"),
        (AddrArg::Bytes(bytes), Err(_)) => format!("addr=<{} bytes, undecodable>", bytes.len()),
        (AddrArg::Value(_), Err(_)) => String::new(),
    }
}

impl SocketTable {
    /// Runs `op` as `call`: an injected fault may answer instead, and the call is recorded
    /// if a trace is running. No lock is held while `op` runs.
    pub(super) fn observe<R: Outcome>(
        &self,
        call: Call,
        socket: Option<SOCKET>,
        peer: Option<SocketAddr>,
        args: impl FnOnce() -> String,
        op: impl FnOnce() -> Result<R>,
    ) -> Result<R> {
        if !self.observer.active.load(Ordering::Acquire) {
            let result = op();
            if matches!(result, Err(Error::NotInitialised)) {
                self.failed_unstarted(call, socket);
            }
            self.after(call, socket, &result);
            #[cfg(feature = "tracing")]
            super::tracing_events::emit(call, socket, peer, args, &result);
            return result;
        }
        let injected = {
            let mut faults = self.observer.faults.lock();
            let injected = faults.take(call, socket, peer);
            self.observer
                .refresh(&faults, &self.observer.recorder.lock());
            injected
        };
        super::refusals::forget_last();
        let result = match injected {
            Some(FaultAction::Fail(error)) => Err(error),
            _ => op(),
        };
        self.record(call, socket, peer, args, &result, injected.is_some());
        if matches!(result, Err(Error::NotInitialised)) {
            self.failed_unstarted(call, socket);
        }
        self.after(call, socket, &result);
        result
    }

    /// Runs a name lookup as `call`: an injected resolution fault for `name` may answer
    /// instead ([`FaultAction::Fail`]) or be handed to `op` to act on
    /// ([`FaultAction::PoisonAnswer`]); the call is recorded if a trace is running.
    pub(crate) fn observe_lookup<R: Outcome>(
        &self,
        call: Call,
        name: Option<&str>,
        args: impl FnOnce() -> String,
        op: impl FnOnce(Option<FaultAction>) -> Result<R>,
    ) -> Result<R> {
        if !self.observer.active.load(Ordering::Acquire) {
            let result = op(None);
            #[cfg(feature = "tracing")]
            super::tracing_events::emit(call, None, None, args, &result);
            return result;
        }
        let injected = {
            let mut faults = self.observer.faults.lock();
            let injected = faults.take_lookup(call, name);
            self.observer
                .refresh(&faults, &self.observer.recorder.lock());
            injected
        };
        super::refusals::forget_last();
        let result = match injected {
            Some(FaultAction::Fail(error)) => Err(error),
            other => op(other),
        };
        self.record(call, None, None, args, &result, injected.is_some());
        result
    }

    /// Records a finished call, if a trace is running (and emits its `tracing` event),
    /// then applies strict mode's rules.
    fn record<R: Outcome>(
        &self,
        call: Call,
        socket: Option<SOCKET>,
        peer: Option<SocketAddr>,
        args: impl FnOnce() -> String,
        result: &Result<R>,
        injected: bool,
    ) {
        let note = super::refusals::take_last();
        let mut recorder = self.observer.recorder.lock();
        let recording = recorder.is_recording();
        #[cfg(feature = "tracing")]
        let recording = recording || super::tracing_events::enabled();
        let args = if recording { args() } else { String::new() };
        #[cfg(feature = "tracing")]
        super::tracing_events::emit(call, socket, peer, || args.clone(), result);
        if recorder.is_recording() {
            recorder.record(CallRecord {
                seq: 0,
                thread: crate::testing::thread_label(),
                call,
                socket,
                peer,
                args,
                result: result
                    .as_ref()
                    .map(Outcome::describe)
                    .map_err(|&e: &Error| e),
                injected,
                note,
            });
        }
        drop(recorder);
        if self.observer.strict_enabled.load(Ordering::Acquire) {
            // A non-blocking connect's WSAEWOULDBLOCK is its success.
            let ok = result.is_ok()
                || (call == Call::Connect && matches!(result, Err(Error::WouldBlock)));
            self.check_strict(call, socket, peer, ok);
        }
    }

    /// Hands a finished call to the readiness code ([`SocketTable::after_call`]).
    fn after<R: Outcome>(&self, call: Call, socket: Option<SOCKET>, result: &Result<R>) {
        let accepted = result.as_ref().ok().and_then(Outcome::accepted);
        self.after_call(call, socket, result.as_ref().err().copied(), accepted);
    }

    /// The facts strict mode needs about `socket`, as the table holds them now.
    fn strict_facts(&self, socket: SOCKET) -> (SocketFacts, Option<SocketAddr>, bool) {
        self.with_socket(socket, |entry| {
            let facts = SocketFacts {
                has_names: entry.names.iter().next().is_some(),
                has_settings: entry.settings().is_some(),
                connected: entry.is_connected(),
            };
            let peer = match entry.state {
                super::socket::State::Connected { peer, .. } => Some(peer),
                _ => None,
            };
            Ok((facts, peer, entry.kind.socket_type == SOCK_DGRAM))
        })
        .unwrap_or_default()
    }

    /// Feeds a finished call to strict mode ([`crate::testing::STRICT_RULES`]). Runs with no
    /// table lock held.
    fn check_strict(&self, call: Call, socket: Option<SOCKET>, peer: Option<SocketAddr>, ok: bool) {
        let facts = socket.map(|socket| (socket, self.strict_facts(socket)));
        let mut strict = self.observer.strict.lock();
        match (call, facts) {
            (Call::SendTo, Some((socket, (facts, _, _)))) if ok => {
                if let Some(peer) = peer {
                    strict.sent(socket, peer, facts);
                }
            }
            (Call::Send, Some((socket, (facts, Some(peer), true)))) if ok => {
                strict.sent(socket, peer, facts)
            }
            (Call::Connect, Some((socket, (facts, _, _)))) if ok => strict.connected(socket, facts),
            (Call::SetPeerTargetName, Some((socket, _))) if ok => strict.named(socket, peer),
            (Call::SetSocketSecurity, Some((socket, (facts, _, _)))) => {
                strict.settings_applied(socket, facts)
            }
            (Call::ImpersonateSocketPeer, Some((socket, _))) if ok => strict.impersonated(socket),
            (Call::RevertImpersonation, _) => strict.reverted(),
            _ => {}
        }
    }

    /// `WSARevertImpersonation`, observed: the calling thread stops impersonating.
    pub(crate) fn revert_impersonation(&self) {
        let _ = self.observe(Call::RevertImpersonation, None, None, String::new, || {
            super::impersonation::revert();
            Ok(())
        });
    }

    /// `WSAStartup`, observed.
    pub(crate) fn startup(&self, requested: u16) -> Result<u16> {
        let args = || format!("version={}.{}", requested & 0xFF, requested >> 8);
        self.observe(Call::Startup, None, None, args, || {
            self.startup_unobserved(requested)
        })
    }

    /// `WSACleanup`, observed.
    pub(crate) fn cleanup(&self) -> Result<()> {
        self.observe(Call::Cleanup, None, None, String::new, || {
            self.cleanup_unobserved()
        })
    }

    /// `socket`/`WSASocketW`, observed.
    pub(crate) fn create(
        &self,
        family: i32,
        socket_type: i32,
        protocol: i32,
        overlapped: bool,
    ) -> Result<SOCKET> {
        let args = || {
            format!("af={family}, type={socket_type}, protocol={protocol}, overlapped={overlapped}")
        };
        self.observe(Call::Socket, None, None, args, || {
            self.create_unobserved(family, socket_type, protocol, overlapped)
        })
    }

    /// `bind`, observed.
    pub(crate) fn bind(&self, handle: SOCKET, arg: AddrArg<'_>) -> Result<SocketAddr> {
        let args = || addr_args(&arg);
        self.observe(Call::Bind, Some(handle), addr_peer(&arg), args, || {
            self.bind_unobserved(handle, arg)
        })
    }

    /// `listen`, observed.
    pub(crate) fn listen(&self, handle: SOCKET, backlog: i32) -> Result<()> {
        let args = || format!("backlog={backlog}");
        self.observe(Call::Listen, Some(handle), None, args, || {
            self.listen_unobserved(handle, backlog)
        })
    }

    /// `connect`/`WSAConnect`, observed.
    pub(crate) fn connect(&self, handle: SOCKET, arg: AddrArg<'_>) -> Result<()> {
        let args = || addr_args(&arg);
        self.observe(Call::Connect, Some(handle), addr_peer(&arg), args, || {
            self.connect_unobserved(handle, arg)
        })
    }

    /// `accept`, observed.
    pub(crate) fn accept(&self, handle: SOCKET) -> Result<(SOCKET, SocketAddr)> {
        self.observe(Call::Accept, Some(handle), None, String::new, || {
            let socket = self.socket_of(handle)?;
            self.blocking("accept", socket, Awaited::Connection, || {
                self.accept_unobserved(socket)
            })
        })
    }

    /// `WSAAccept` with a condition function, observed as one `accept` call: an injected
    /// failure is reported before `decide` runs.
    pub(crate) fn accept_deciding(
        &self,
        handle: SOCKET,
        decide: impl FnMut(super::Waiting) -> super::Verdict,
    ) -> Result<(SOCKET, SocketAddr)> {
        self.observe(Call::Accept, Some(handle), None, String::new, || {
            self.accept_deciding_unobserved(handle, decide)
        })
    }

    /// `closesocket`, observed. A closed socket leaves its completion port (and its wait for
    /// `SO_UPDATE_ACCEPT_CONTEXT`) behind; a handle closed while another names its socket
    /// leaves them to the socket.
    pub(crate) fn close(&self, handle: SOCKET) -> Result<()> {
        self.observe(Call::CloseSocket, Some(handle), None, String::new, || {
            if let Some(socket) = self.close_unobserved(handle)? {
                super::completion::forget(self, socket);
            }
            Ok(())
        })
    }

    /// `WSASetSocketPeerTargetName`, observed.
    #[inline]
    pub(crate) fn set_peer_target_name(&self, handle: SOCKET, arg: NameArg<'_>) -> Result<()> {
        #[cfg(feature = "tracing")]
        if super::tracing_events::enabled() {
            return self.set_peer_target_name_observed(handle, arg);
        }
        if !self.observer.active.load(Ordering::Acquire) {
            let result = self.set_peer_target_name_unobserved(handle, arg);
            if result == Err(Error::NotInitialised) {
                self.failed_unstarted(Call::SetPeerTargetName, Some(handle));
            }
            return result;
        }
        self.set_peer_target_name_observed(handle, arg)
    }

    /// `WSASetSocketPeerTargetName` while faults, a trace, strict mode (or a `tracing`
    /// subscriber) are on: decodes and describes the name before the operation consumes it.
    #[cold]
    fn set_peer_target_name_observed(&self, handle: SOCKET, arg: NameArg<'_>) -> Result<()> {
        let decoded = match &arg {
            NameArg::Value(value) => Some(value.clone()),
            NameArg::Bytes(bytes) => bytes.decode().ok(),
            NameArg::Null => None,
        };
        let peer = decoded.as_ref().and_then(|name| match name.peer {
            PeerAddress::Ip(addr) => Some(addr),
            _ => None,
        });
        let description = match (&arg, &decoded) {
            (NameArg::Null, _) => "name=NULL".into(),
            (_, Some(name)) => format!("name={:?}, protocol={:?}", name.name, name.protocol),
            (NameArg::Bytes(bytes), None) => {
                format!("name=<{} bytes, undecodable>", bytes.declared_len)
            }
            (NameArg::Value(_), None) => String::new(),
        };
        self.observe(
            Call::SetPeerTargetName,
            Some(handle),
            peer,
            move || description,
            || self.set_peer_target_name_unobserved(handle, arg),
        )
    }

    /// `WSADeleteSocketPeerTargetName`, observed.
    pub(crate) fn delete_peer_target_name(&self, handle: SOCKET, arg: AddrArg<'_>) -> Result<()> {
        let args = || addr_args(&arg);
        self.observe(
            Call::DeletePeerTargetName,
            Some(handle),
            addr_peer(&arg),
            args,
            || self.delete_peer_target_name_unobserved(handle, arg),
        )
    }
}
