//! Overlapped completion, as Winsock runs it: the one entry point every overlapped `sys`
//! function goes through ([`overlapped_result`]), and `WSAGetOverlappedResult`.
//!
//! An operation that completes (at once, or later when a test completes a deferred one)
//! writes its status into the caller's `OVERLAPPED` and then either signals `hEvent`
//! (no completion routine) or queues the routine to the calling thread, to run at its
//! next alertable wait. On a socket associated with a completion port it also queues a
//! packet to the port (unless `hEvent`'s low bit is set, or the operation succeeded at
//! once in `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS` mode); a completion routine is then
//! refused with `WSAEINVAL`, before the operation runs. See [`docs/overlapped.md`](https://github.com/winsock-emu/winsock-emu/blob/main/docs/overlapped.md).
//!
//! Overlapped completion as Winsock runs it (this file: `WSAGetOverlappedResult`,
//! completion routines, the packets of completion ports), event objects and their waits
//! (`event_objects.rs`), completion ports (`ports.rs`), `CancelIo`/`CancelIoEx` and
//! `SetFileCompletionNotificationModes` (`cancel.rs`), and the extension functions
//! `AcceptEx`/`GetAcceptExSockaddrs` (`accept_ex.rs`) and `ConnectEx`/`DisconnectEx`
//! (`connect_ex.rs`).

pub(super) mod accept_ex;
pub(super) mod cancel;
pub(super) mod connect_ex;
pub(super) mod event_objects;
pub(super) mod ports;

pub(in crate::sys) use connect_ex::{complete_if_overlapped, extension_result};

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::{
    ERROR_CONNECTION_ABORTED, ERROR_CONNECTION_REFUSED, ERROR_NETNAME_DELETED,
    ERROR_OPERATION_ABORTED, FALSE, HANDLE, TRUE,
};
use windows_sys::Win32::Networking::WinSock::{LPWSAOVERLAPPED_COMPLETION_ROUTINE, SOCKET};
use windows_sys::Win32::System::IO::OVERLAPPED;

use super::last_error::record;
use super::memory::{self, STATUS_PENDING};
use crate::error::{Error, Result};
use crate::model::completion::{self, Association, Packet, Pointer};
use crate::model::current::with_current;
use crate::model::events::{self, Apc};
use crate::model::overlapped::{Completer, Start};
use crate::model::sync::{current_thread, ThreadId};
use crate::model::SocketTable;
use crate::testing::Call;

/// The caller's `OVERLAPPED`, carried to the thread that completes the operation.
#[derive(Clone, Copy)]
struct OverlappedPtr(*const OVERLAPPED);

// SAFETY: the pointer is only dereferenced through `memory`'s atomic status writes, which
// the caller of the overlapped function allowed until the operation completes ("the
// OVERLAPPED must stay valid until completion"), from whichever thread completes it.
unsafe impl Send for OverlappedPtr {}

impl OverlappedPtr {
    /// The pointer (a method, so closures capture the whole `Send` wrapper).
    fn get(self) -> *const OVERLAPPED {
        self.0
    }
}

/// Where an operation's completion goes.
#[derive(Clone)]
struct Target {
    overlapped: OverlappedPtr,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    /// `hEvent`, read when the call starts on an overlapped socket (a non-overlapped socket
    /// ignores `lpOverlapped`, so it is never read there).
    event: HANDLE,
    /// The thread that made the call: the routine runs there.
    thread: ThreadId,
    /// The port the socket is associated with, if any: the completion queues a packet.
    port: Option<Association>,
    /// Set when the operation completed at once, for a port in skip-on-success mode.
    at_once: Option<Arc<AtomicBool>>,
}

// SAFETY: `event` is an opaque handle value, never dereferenced.
unsafe impl Send for Target {}

impl Target {
    /// Marks the operation pending: `Internal = STATUS_PENDING` and, for event completion,
    /// the event reset, as starting an overlapped operation does on Windows.
    fn begin(mut self) -> Completer {
        // SAFETY: the overlapped function's caller promised a valid, writable OVERLAPPED.
        self.event = unsafe { memory::event_of(self.overlapped.get()) };
        // `hEvent | 1`: the event is signalled, no packet is queued (GetQueuedCompletionStatus).
        if self.event.addr() & 1 != 0 {
            self.event = self.event.map_addr(|addr| addr & !1);
            self.port = None;
        }
        let overlapped = self.overlapped;
        // SAFETY: as above.
        events::locked(|| unsafe { memory::write_status(overlapped.get(), STATUS_PENDING, 0) });
        if self.routine.is_none() {
            // An hEvent that is no event is simply not signalled ("if it holds a valid event").
            let _ = events::set_state(self.event as isize, false);
        }
        Box::new(move |outcome| self.complete(outcome))
    }

    /// Reports `outcome`: the status into the OVERLAPPED, then the routine queued to the
    /// calling thread (`dwFlags` 0, as `WSAIoctl`'s page says) or `hEvent` signalled.
    fn complete(self, outcome: Result<u32>) {
        let (status, transferred) = match outcome {
            Ok(transferred) => (0, transferred),
            Err(error) => (error.code() as u32, 0),
        };
        let packet_error = outcome.err().map_or(0, win32_error);
        let overlapped = self.overlapped;
        // SAFETY: as in `begin`: valid until this completion, which happens once; written
        // under the events lock, as every status is read.
        events::locked(|| unsafe {
            memory::write_status(overlapped.get(), status as usize, transferred as usize)
        });
        match self.routine {
            Some(routine) => {
                let overlapped = self.overlapped;
                let apc: Apc = Box::new(move || {
                    // SAFETY: the routine is the caller's, called with the arguments Windows
                    // passes, on the thread that made the call, with no lock held.
                    unsafe { routine(status, transferred, overlapped.get().cast_mut(), 0) }
                });
                events::queue_apc(self.thread, apc);
            }
            None => {
                if events::set_state(self.event as isize, true).is_err() {
                    // No event to signal: still wake `WSAGetOverlappedResult(.., TRUE)`.
                    events::notify();
                }
            }
        }
        let skipped = self
            .at_once
            .as_ref()
            .is_some_and(|at_once| at_once.load(Ordering::SeqCst));
        if let Some(port) = self.port.filter(|_| !skipped) {
            port.port.post(Packet {
                bytes: transferred,
                key: port.key,
                overlapped: Pointer::new(self.overlapped.get().cast_mut()),
                status: packet_error,
            });
        }
    }
}

/// The Win32 error a completion packet (and `GetLastError` after
/// `GetQueuedCompletionStatus`) carries for a failed operation: the NTSTATUS's Win32 form
/// where it differs from the Winsock code (facts 7.5, [`crate::choices::PACKET_ERRORS`]).
pub(super) fn win32_error(error: Error) -> u32 {
    match error {
        Error::ConnectionReset => ERROR_NETNAME_DELETED,
        Error::ConnectionAborted => ERROR_CONNECTION_ABORTED,
        Error::ConnectionRefused => ERROR_CONNECTION_REFUSED,
        Error::OperationAborted => ERROR_OPERATION_ABORTED,
        other => other.code() as u32,
    }
}

/// `WSAEINVAL` for a completion routine given on a socket associated with a completion
/// port (facts 7.5); otherwise the socket's association, if any.
pub(super) fn port_of(
    table: &SocketTable,
    socket: SOCKET,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> Result<Option<Association>> {
    let association = completion::association(table, socket);
    if association.is_some() && routine.is_some() {
        return Err(Error::Invalid);
    }
    Ok(association)
}

/// Marks `overlapped` pending and gives the completer that reports to it (its event or
/// `routine`, on this thread): for an operation that pends until something happens, such
/// as an overlapped receive waiting for data.
///
/// # Safety
/// As [`overlapped_result`]: `overlapped` non-NULL, aligned and valid for reads and
/// writes until the completer runs.
pub(super) unsafe fn pending_completer(
    port: Option<Association>,
    overlapped: *const OVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> Completer {
    if routine.is_some() {
        events::register_current_thread();
    }
    Target {
        overlapped: OverlappedPtr(overlapped),
        routine,
        event: std::ptr::null_mut(),
        thread: current_thread().id(),
        port,
        at_once: None,
    }
    .begin()
}

/// **The entry point for every function that takes `lpOverlapped` and
/// `lpCompletionRoutine`.** Give it the operation itself (`operation`, which returns
/// `Ok(bytes transferred)` or the error found), and return what it returns (through
/// `int_result` and the like). With an `OVERLAPPED`, whether the socket is overlapped is
/// looked up before `operation` runs, so that a `closesocket` racing the call never makes it
/// fail after the operation did its work ([`SocketTable::prepare_overlapped`]):
///
/// - `Err(e)` from the operation: returned unchanged. An error found before the operation
///   starts is reported at once (`SOCKET_ERROR`); nothing is queued, nothing written.
/// - `overlapped` NULL: the call is synchronous and a routine is ignored
///   ([`crate::choices::ROUTINE_WITHOUT_OVERLAPPED`]): `Ok(bytes)`.
/// - a socket that is not overlapped: both arguments ignored, as the pages say: `Ok(bytes)`.
/// - otherwise the operation completes through the structure: at once by default
///   (`Ok(bytes)`: write the call's out-parameters, such as `*lpcbBytesReturned`, and
///   return 0), or, when the network was told to defer it, later (`Err(Error::IoPending)`:
///   write no out-parameter). Either way the status goes into `Internal`/`InternalHigh`,
///   then `hEvent` is signalled, or the routine is queued to this thread.
///
/// An operation whose socket is closed while the call runs completes at once (it did its
/// work before the close).
///
/// The operation's effect happens before this is called, also when it then pends
/// ([`crate::choices::DEFERRED_COMPLETION`]). A call that fills an output *buffer* (a
/// query's result, say) may fill it before calling this, since Windows guarantees the
/// buffer only at completion; counts and lengths returned through out-parameters
/// (`*lpcbBytesReturned`, `*lpNumberOfBytesSent`, ...) are written only on `Ok`. Pass the
/// count as `Ok(bytes)`: it becomes `InternalHigh`, the routine's `cbTransferred` and
/// `WSAGetOverlappedResult`'s `*lpcbTransfer`.
///
/// ```ignore
/// int_result(with_current(|table| {
///     let operation = || table.set_peer_target_name(socket, name).map(|()| 0);
///     let call = Call::SetPeerTargetName; // names the call for injected pend faults
///     // SAFETY: forwarded from the caller.
///     unsafe { overlapped_result(table, call, socket, overlapped, completionroutine, operation) }.map(drop)
/// }))
/// ```
///
/// # Safety
/// `overlapped` must be NULL, or aligned and valid for reads and writes of an
/// `OVERLAPPED` until the operation completes (immediately, or when a deferred operation
/// is completed or aborted), with write permission (a pointer from `ptr::addr_of_mut!` or
/// `&mut`, never from a shared reference: `&mut ov` coerced to `*const` is one), since its
/// status fields are written; the caller keeps to [`memory::write_status`]'s rules while it
/// pends. `routine`, if any, must be safe to call with that pointer on this thread.
pub(super) unsafe fn overlapped_result(
    table: &SocketTable,
    call: Call,
    socket: SOCKET,
    overlapped: *const OVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    operation: impl FnOnce() -> Result<u32>,
) -> Result<u32> {
    if overlapped.is_null() {
        return operation();
    }
    // The operation is the socket's, whichever of its handles started it (a closed
    // handle's operation fails by itself).
    let socket = table.canonical(socket);
    let prepared = table.prepare_overlapped(socket);
    let port = port_of(table, socket, routine)?;
    let transferred = operation()?;
    // The operation succeeded, so the socket was open when `prepared` looked (a handle
    // that is gone never comes back): its error, if any, is one the operation also met.
    if !prepared? {
        return Ok(transferred);
    }
    if routine.is_some() {
        events::register_current_thread();
    }
    let at_once = port
        .as_ref()
        .filter(|port| port.skip_on_success)
        .map(|_| Arc::new(AtomicBool::new(false)));
    let target = Target {
        overlapped: OverlappedPtr(overlapped),
        routine,
        event: std::ptr::null_mut(),
        thread: current_thread().id(),
        port,
        at_once: at_once.clone(),
    };
    match table.start_overlapped(call, socket, transferred, || target.begin()) {
        Start::Now(completer) => {
            if let Some(at_once) = at_once {
                at_once.store(true, Ordering::SeqCst);
            }
            completer(Ok(transferred));
            Ok(transferred)
        }
        Start::Pending => Err(Error::IoPending),
    }
}

/// [`WSAGetOverlappedResult`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsagetoverlappedresult):
/// the outcome of the overlapped operation `lpoverlapped` describes, read from its status
/// fields ([`crate::choices::OVERLAPPED_STATUS_FIELDS`]).
///
/// - Completed successfully: `TRUE`, `*lpcbtransfer` = bytes transferred, `*lpdwflags` = 0.
/// - Completed with an error: `FALSE`, the last error is the operation's
///   (`WSA_OPERATION_ABORTED` when its socket was closed); out-parameters untouched.
/// - Still pending, `fwait` FALSE: `FALSE` with `WSA_IO_INCOMPLETE`.
/// - Still pending, `fwait` TRUE: blocks until it completes. `hEvent` must be an event
///   (`WSA_INVALID_HANDLE` otherwise), as waiting is allowed only with event completion.
///
/// Errors found first: `WSANOTINITIALISED`, `WSAENOTSOCK`, then `WSAEFAULT` for a NULL
/// `lpoverlapped`, `lpcbtransfer` or `lpdwflags` (Windows Vista and later would crash).
///
/// # Safety
/// `lpoverlapped` must be NULL or aligned and valid for reads of an `OVERLAPPED` (it is only
/// read, so `&ov` is enough); `lpcbtransfer` and `lpdwflags` NULL or valid for writes of a
/// `u32`.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAGetOverlappedResult(
    s: SOCKET,
    lpoverlapped: *const OVERLAPPED,
    lpcbtransfer: *mut u32,
    fwait: BOOL,
    lpdwflags: *mut u32,
) -> BOOL {
    let outcome = with_current(|table| {
        table.with_socket(s, |_| Ok(()))?;
        if lpoverlapped.is_null() || lpcbtransfer.is_null() || lpdwflags.is_null() {
            return Err(Error::Fault);
        }
        // SAFETY: non-NULL; the caller promises a valid, readable OVERLAPPED (read only
        // under the events lock, as completions write it: `memory::write_status`).
        let read = || unsafe { memory::read_status(lpoverlapped) };
        if events::locked(read).0 == STATUS_PENDING {
            if fwait == FALSE {
                return Err(Error::IoIncomplete);
            }
            // SAFETY: as above.
            if !events::is_event(unsafe { memory::event_of(lpoverlapped) } as isize) {
                return Err(Error::InvalidHandle);
            }
            events::wait_until(|| read().0 != STATUS_PENDING);
        }
        Ok(events::locked(read))
    });
    match outcome {
        Ok((0, transferred)) => {
            // SAFETY: both non-NULL (checked above) and writable, as the caller promises.
            unsafe {
                memory::write(lpcbtransfer, transferred as u32);
                memory::write(lpdwflags, 0);
            }
            TRUE
        }
        Ok((status, _)) => {
            // SAFETY: none needed; declared unsafe to match windows-sys.
            unsafe { super::WSASetLastError(status as i32) };
            FALSE
        }
        Err(error) => {
            record(error);
            FALSE
        }
    }
}
