//! `GetAddrInfoExW`, `FreeAddrInfoExW`, `GetAddrInfoExCancel` and
//! `GetAddrInfoExOverlappedResult`: `GetAddrInfoW` with a namespace, a timeout on the
//! network clock, and asynchronous forms completed on a thread of their own
//! ([`crate::choices::GETADDRINFOEX_ARGUMENTS`], [`crate::choices::GETADDRINFOEX_ASYNC`]).
use std::ptr;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use windows_sys::core::{GUID, PCWSTR};
use windows_sys::Win32::Foundation::HANDLE;
use windows_sys::Win32::Networking::WinSock::{
    ADDRINFOEXW, LPLOOKUPSERVICE_COMPLETION_ROUTINE, NS_ALL, NS_DNS, TIMEVAL,
};
use windows_sys::Win32::System::IO::OVERLAPPED;

use super::super::last_error::{record, record_code};
use super::super::memory;
use super::lists::{self, Node};
use crate::error::{Error, Result};
use crate::model::current::{self, current};
use crate::model::events;
use crate::model::resolution::addrinfo::{Hints, Query, Results};
use crate::model::resolution::pending;
use crate::model::resolution::timed::LookupControl;
use crate::model::SocketTable;

/// A lookup's arguments, read and owned before anything starts.
struct Request {
    node: Option<String>,
    service: Option<String>,
    hints: Option<Hints>,
    timeout: Option<Duration>,
}

impl Request {
    /// Runs the lookup on `table`, cancellable through `cancel`.
    fn run(&self, table: &SocketTable, cancel: Option<&AtomicBool>) -> Result<Results> {
        table.get_addr_info_controlled(
            Query {
                node: self.node.as_deref(),
                service: self.service.as_deref(),
                hints: self.hints,
            },
            LookupControl {
                cancel,
                timeout: self.timeout,
            },
        )
    }

    /// How the list's node is described to strict mode.
    fn description(&self) -> String {
        self.node
            .as_deref()
            .map_or("NULL".to_owned(), |n| format!("{n:?}"))
    }
}

/// Where an asynchronous lookup reports: the caller's result pointer and `OVERLAPPED`,
/// and its event or routine.
struct Completion {
    result: *mut *mut ADDRINFOEXW,
    overlapped: *const OVERLAPPED,
    routine: LPLOOKUPSERVICE_COMPLETION_ROUTINE,
    event: HANDLE,
}

// SAFETY: the pointers are the caller's, which `GetAddrInfoExW`'s caller promises stay
// valid until the completion; only the completing thread writes through them, under the
// events lock, before it signals the event or calls the routine.
unsafe impl Send for Completion {}

impl Completion {
    /// Reports `code` and `head`: `*ppResult`, then the status, then the event or routine.
    fn complete(self, table: &Arc<SocketTable>, code: i32, head: *mut ADDRINFOEXW) {
        events::locked(|| {
            // SAFETY: both pointers are valid and writable until this completion, as the
            // caller of `GetAddrInfoExW` promised; nobody else writes them meanwhile.
            unsafe {
                memory::write(self.result, head);
                memory::write_status(self.overlapped, code as u32 as usize, 0);
            }
        });
        match self.routine {
            Some(routine) => {
                current::enter(Arc::clone(table));
                // SAFETY: the caller gave a routine of this signature, to be called once
                // with its OVERLAPPED.
                unsafe { routine(code as u32, 0, self.overlapped) };
                current::leave(table);
            }
            None => {
                // A closed event cannot be signalled; the status is written all the same.
                let _ = events::set_state(self.event as isize, true);
            }
        }
    }
}

/// The pending status written into the `OVERLAPPED` until the completion.
const PENDING: usize = Error::InProgress.code() as usize;

/// Reads and checks every argument, in the order [`GetAddrInfoExW`] documents.
///
/// # Safety
/// As [`GetAddrInfoExW`].
unsafe fn request(
    table: &SocketTable,
    name: PCWSTR,
    service: PCWSTR,
    namespace: u32,
    hints: *const ADDRINFOEXW,
    timeout: *const TIMEVAL,
) -> Result<Request> {
    table.require_startup()?;
    if namespace != NS_ALL && namespace != NS_DNS {
        return Err(Error::ServiceNotFound);
    }
    let timeout = if timeout.is_null() {
        None
    } else {
        // SAFETY: non-NULL, and the caller promises a readable TIMEVAL.
        let limit = unsafe { memory::read(timeout) };
        if limit.tv_sec < 0 || limit.tv_usec < 0 {
            return Err(Error::Invalid);
        }
        Some(Duration::from_secs(limit.tv_sec as u64) + Duration::from_micros(limit.tv_usec as u64))
    };
    // SAFETY: forwarded from the caller.
    let node = unsafe { super::string_arg(name, Error::HostNotFound)? };
    // SAFETY: forwarded from the caller.
    let service = unsafe { super::string_arg(service, Error::TypeNotFound)? };
    // SAFETY: non-NULL hints are a readable node, as the caller promises.
    let hints = (!hints.is_null()).then(|| unsafe { memory::read(hints) }.hints());
    Ok(Request {
        node,
        service,
        hints,
        timeout,
    })
}

/// Checks the asynchronous arguments: a routine needs an `OVERLAPPED`; without a routine
/// `hEvent` must be an event, with one it must be NULL.
///
/// # Safety
/// `overlapped` NULL or readable.
unsafe fn check_async(
    overlapped: *const OVERLAPPED,
    routine: LPLOOKUPSERVICE_COMPLETION_ROUTINE,
) -> Result<HANDLE> {
    if overlapped.is_null() {
        return if routine.is_some() {
            Err(Error::Invalid)
        } else {
            Ok(ptr::null_mut())
        };
    }
    // SAFETY: non-NULL, readable as the caller promises.
    let event = unsafe { memory::event_of(overlapped) };
    match (routine, event.is_null()) {
        (Some(_), true) => Ok(event),
        (None, false) if events::is_event(event as isize) => Ok(event),
        _ => Err(Error::Invalid),
    }
}

/// [`GetAddrInfoExW`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-getaddrinfoexw):
/// [`GetAddrInfoW`](super::addrinfo::GetAddrInfoW) with a namespace (`NS_ALL` or `NS_DNS`,
/// else `WSASERVICE_NOT_FOUND`; *lpNspId* ignored), an optional *timeout* on the network
/// clock (a lookup slowed past it is `WSAETIMEDOUT`), and `ADDRINFOEXW` nodes freed by
/// [`FreeAddrInfoExW`] ([`crate::choices::GETADDRINFOEX_ARGUMENTS`]). Returns 0 or the
/// error code itself (also the last error); `*ppResult` is NULL on failure.
///
/// With *lpOverlapped* it returns `WSA_IO_PENDING` and completes on a thread of its own:
/// `*ppResult` written, the code in the `OVERLAPPED` (read it with
/// [`GetAddrInfoExOverlappedResult`]), then *hEvent* set or *lpCompletionRoutine* called;
/// *lpHandle* receives a handle for [`GetAddrInfoExCancel`]
/// ([`crate::choices::GETADDRINFOEX_ASYNC`]). A lookup slowed by
/// [`crate::testing::Fault::slow_lookup`] completes when the network clock passes its delay.
///
/// ```
/// use std::ptr;
/// use winsock_emu::sys::*;
///
/// let net = winsock_emu::Network::new();
/// let _current = net.enter();
/// let _wsa = net.startup()?;
/// let name: Vec<u16> = "localhost".encode_utf16().chain([0]).collect();
/// let mut result: *mut ADDRINFOEXW = ptr::null_mut();
/// unsafe {
///     let rc = GetAddrInfoExW(name.as_ptr(), ptr::null(), NS_ALL, ptr::null(), ptr::null(),
///         &mut result, ptr::null(), ptr::null(), None, ptr::null_mut());
///     assert_eq!(rc, 0);
///     assert!(!(*result).ai_addr.is_null());
///     FreeAddrInfoExW(result);
/// }
/// # Ok::<(), winsock_emu::Error>(())
/// ```
///
/// # Safety
/// `pname` and `pservicename` NULL or NUL-terminated; `lpnspid` is not read; `hints` NULL
/// or a readable `ADDRINFOEXW`; `ppresult` NULL or writable; `timeout` NULL or a readable
/// `TIMEVAL`; `lpoverlapped` NULL or an `OVERLAPPED` writable (derived from `&mut`) until
/// the completion, as `ppresult` must then stay; `lphandle` NULL or writable.
#[allow(non_snake_case, clippy::too_many_arguments)]
pub unsafe extern "system" fn GetAddrInfoExW(
    pname: PCWSTR,
    pservicename: PCWSTR,
    dwnamespace: u32,
    _lpnspid: *const GUID,
    hints: *const ADDRINFOEXW,
    ppresult: *mut *mut ADDRINFOEXW,
    timeout: *const TIMEVAL,
    lpoverlapped: *const OVERLAPPED,
    lpcompletionroutine: LPLOOKUPSERVICE_COMPLETION_ROUTINE,
    lphandle: *mut HANDLE,
) -> i32 {
    let table = current();
    let outcome = (|| -> Result<Option<*mut ADDRINFOEXW>> {
        if ppresult.is_null() {
            return Err(Error::Fault);
        }
        // SAFETY: non-NULL; the caller promises a writable pointer there.
        unsafe { memory::write(ppresult, ptr::null_mut()) };
        // SAFETY: forwarded from the caller.
        let request = unsafe { request(&table, pname, pservicename, dwnamespace, hints, timeout)? };
        // SAFETY: forwarded from the caller.
        let event = unsafe { check_async(lpoverlapped, lpcompletionroutine)? };
        if lpoverlapped.is_null() {
            let found = request.run(&table, None)?;
            return Ok(Some(lists::hand_out(
                &found,
                &table,
                &request.description(),
            )));
        }
        let (handle, cancel) = pending::start(&table)?;
        if !lphandle.is_null() {
            // SAFETY: non-NULL; the caller promises a writable HANDLE.
            unsafe { memory::write(lphandle, handle as HANDLE) };
        }
        events::locked(|| {
            // SAFETY: non-NULL; writable until the completion, as the caller promises.
            unsafe { memory::write_status(lpoverlapped, PENDING, 0) };
            // SAFETY: as above: `Pointer` holds *ppResult's address, as the page says.
            unsafe { memory::write_pointer(lpoverlapped, ppresult.cast()) };
        });
        let completion = Completion {
            result: ppresult,
            overlapped: lpoverlapped,
            routine: lpcompletionroutine,
            event,
        };
        let worker = Arc::clone(&table);
        std::thread::spawn(move || {
            let found = request.run(&worker, Some(&cancel));
            let still_wanted = pending::finish(handle);
            let (code, head) = match found {
                Ok(_) if !still_wanted => (Error::Cancelled.code(), ptr::null_mut()),
                Ok(found) => (0, lists::hand_out(&found, &worker, &request.description())),
                Err(error) => (error.code(), ptr::null_mut()),
            };
            completion.complete(&worker, code, head);
        });
        Ok(None)
    })();
    match outcome {
        Ok(Some(head)) => {
            // SAFETY: checked non-NULL above.
            unsafe { memory::write(ppresult, head) };
            record_code(0);
            0
        }
        Ok(None) => {
            record(Error::IoPending);
            Error::IoPending.code()
        }
        Err(error) => {
            record(error);
            error.code()
        }
    }
}

/// [`FreeAddrInfoExW`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-freeaddrinfoexw):
/// frees a list [`GetAddrInfoExW`] returned, given its first node; NULL does nothing. A
/// pointer that is no live list of [`GetAddrInfoExW`] (never handed out, freed already, a
/// node inside a list, a list of `getaddrinfo` or `GetAddrInfoW`) is recorded and ignored,
/// never freed or read: strict mode reports it ([`crate::testing::ADDRINFO_FREED_TWICE`]).
///
/// # Safety
/// None: the pointer is only compared with those handed out. Declared `unsafe extern
/// "system"` to match windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn FreeAddrInfoExW(paddrinfoex: *const ADDRINFOEXW) {
    lists::free(paddrinfoex, &current());
}

/// [`GetAddrInfoExCancel`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-getaddrinfoexcancel):
/// cancels the asynchronous lookup whose handle `*lphandle` holds; the lookup completes
/// with `WSA_E_CANCELLED`. Returns 0 or the code (also the last error):
/// `WSA_INVALID_HANDLE` for a handle that names no lookup in flight, `WSAEFAULT` for a
/// NULL *lpHandle*.
///
/// # Safety
/// `lphandle` NULL or a readable `HANDLE`.
#[allow(non_snake_case)]
pub unsafe extern "system" fn GetAddrInfoExCancel(lphandle: *const HANDLE) -> i32 {
    let outcome = if lphandle.is_null() {
        Err(Error::Fault)
    } else {
        // SAFETY: non-NULL; the caller promises a readable HANDLE.
        pending::cancel(unsafe { memory::read(lphandle) } as usize)
    };
    match outcome {
        Ok(()) => {
            record_code(0);
            0
        }
        Err(error) => {
            record(error);
            error.code()
        }
    }
}

/// [`GetAddrInfoExOverlappedResult`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-getaddrinfoexoverlappedresult):
/// the code of the asynchronous lookup started with `lpoverlapped`: `WSAEINPROGRESS` until
/// it completes, then its result (0 on success); `WSAEINVAL` for NULL.
///
/// # Safety
/// `lpoverlapped` NULL or the readable `OVERLAPPED` of a [`GetAddrInfoExW`] call.
#[allow(non_snake_case)]
pub unsafe extern "system" fn GetAddrInfoExOverlappedResult(
    lpoverlapped: *const OVERLAPPED,
) -> i32 {
    if lpoverlapped.is_null() {
        return Error::Invalid.code();
    }
    // SAFETY: non-NULL and readable, as the caller promises; read under the events lock,
    // as the completion writes it.
    let (status, _) = events::locked(|| unsafe { memory::read_status(lpoverlapped) });
    status as u32 as i32
}
