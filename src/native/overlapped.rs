//! Overlapped calls: `WSACreateEvent`, `WSACloseEvent`, `WSAWaitForMultipleEvents`,
//! `WSAIoctl` with an `OVERLAPPED`, `WSAGetOverlappedResult`, and the completion routine
//! the backends pass.
//!
//! Every `OVERLAPPED` handed to a call is leaked, on purpose: Windows (and the emulator)
//! may write it, and signal through it, at any time until the operation completes, which
//! can be after the call returns, after the scenario ends, even after its socket or
//! backend is gone. A leaked `OVERLAPPED` is valid for the rest of the process, so no
//! completion can write into freed memory, and an [`Overlapped`] (a plain pointer to it,
//! made only here) can never dangle. It costs 32 bytes a call; the conformance suite makes
//! a handful.
use std::cell::Cell;
use std::ptr::{self, NonNull};

use windows_sys::Win32::Foundation::{FALSE, HANDLE, TRUE};
use windows_sys::Win32::Networking::WinSock::{
    SOCKET, WSABUF, WSAEVENT, WSA_INVALID_EVENT, WSA_WAIT_FAILED,
};
use windows_sys::Win32::System::IO::OVERLAPPED;

use super::peer_name::{pointer, raw_buffer};
use super::{last_error, Winsock};
use crate::backend::{Buffer, CallResult, Code, Completion, Overlapped};

thread_local! {
    /// How many times [`routine`] ran on this thread.
    static ROUTINES_RUN: Cell<u32> = const { Cell::new(0) };
    /// The `dwError` of [`routine`]'s latest run on this thread.
    static LAST_ROUTINE_ERROR: Cell<Option<u32>> = const { Cell::new(None) };
}

/// The completion routine both backends pass: counts its runs on the thread that runs it,
/// and keeps the `dwError` of the latest.
unsafe extern "system" fn routine(
    error: u32,
    _transferred: u32,
    _ov: *mut OVERLAPPED,
    _flags: u32,
) {
    ROUTINES_RUN.with(|count| count.set(count.get().saturating_add(1)));
    LAST_ROUTINE_ERROR.with(|last| last.set(Some(error)));
}

/// How many completion routines have run on this thread so far.
pub(crate) fn routines_run() -> u32 {
    ROUTINES_RUN.with(Cell::get)
}

/// The `dwError` of the latest completion routine run on this thread (`None`: none ran).
pub(crate) fn last_routine_error() -> Option<u32> {
    LAST_ROUTINE_ERROR.with(Cell::get)
}

/// `WSACreateEvent()`.
pub(crate) fn create_event(api: &Winsock) -> CallResult<WSAEVENT> {
    // SAFETY: takes no arguments.
    let event = unsafe { (api.create_event)() };
    if event == WSA_INVALID_EVENT {
        Err(Code(last_error::get(api)))
    } else {
        Ok(event)
    }
}

/// `WSACloseEvent(event)`.
pub(crate) fn close_event(api: &Winsock, event: WSAEVENT) -> CallResult {
    // SAFETY: a plain handle value; one that names no event is an error, not UB.
    let ok = unsafe { (api.close_event)(event) };
    if ok == FALSE {
        Err(Code(last_error::get(api)))
    } else {
        Ok(())
    }
}

/// `WSAWaitForMultipleEvents(1, &event, FALSE, timeout, alertable)`: the value returned
/// (`WSA_WAIT_EVENT_0`, `WSA_WAIT_TIMEOUT`, `WSA_WAIT_IO_COMPLETION`), or the code of a
/// `WSA_WAIT_FAILED`.
pub(crate) fn wait(
    api: &Winsock,
    event: WSAEVENT,
    timeout: u32,
    alertable: bool,
) -> CallResult<u32> {
    let handles = [event as HANDLE];
    let alertable = if alertable { TRUE } else { FALSE };
    // SAFETY: `handles` holds the one handle declared and outlives the call.
    let rc =
        unsafe { (api.wait_for_multiple_events)(1, handles.as_ptr(), FALSE, timeout, alertable) };
    if rc == WSA_WAIT_FAILED {
        Err(Code(last_error::get(api)))
    } else {
        Ok(rc)
    }
}

/// The routine argument a call passes for `completion`.
type RoutineArg = Option<unsafe extern "system" fn(u32, u32, *mut OVERLAPPED, u32)>;

/// A fresh leaked `OVERLAPPED` whose `hEvent` is the completion's event (0 with the
/// routine or the port), and the routine argument to pass with it.
pub(super) fn leaked(completion: Completion) -> (Overlapped, RoutineArg) {
    let mut overlapped = OVERLAPPED::default();
    let routine_arg: RoutineArg = match completion {
        Completion::Event(event) => {
            overlapped.hEvent = event as HANDLE;
            None
        }
        Completion::Routine => Some(routine),
        Completion::Port => None,
    };
    (
        Overlapped(NonNull::from(Box::leak(Box::new(overlapped)))),
        routine_arg,
    )
}

/// `WSAIoctl(s, code, input, len, NULL, 0, &returned, &overlapped, routine)`, with a fresh
/// leaked `OVERLAPPED` whose `hEvent` is the completion's event (0 with the routine).
/// Returns the `OVERLAPPED` to ask [`get_result`] about, and the result of the call itself
/// (success: completed at once; `WSA_IO_PENDING`: started).
pub(crate) fn ioctl(
    api: &Winsock,
    s: SOCKET,
    code: u32,
    input: Buffer<'_>,
    completion: Completion,
) -> (Overlapped, CallResult) {
    let (storage, len) = raw_buffer(input);
    let (leaked, routine_arg) = leaked(completion);
    let mut returned = 0u32;
    // SAFETY: the input pointer is NULL or points at `len` readable bytes that outlive the
    // call; no output buffer (NULL, 0); `returned` is a live u32; the OVERLAPPED is leaked,
    // so valid and writable for as long as the operation may use it.
    let rc = unsafe {
        (api.ioctl)(
            s,
            code,
            pointer(&storage),
            len,
            ptr::null_mut(),
            0,
            &mut returned,
            leaked.0.as_ptr(),
            routine_arg,
        )
    };
    (leaked, last_error::int_result(api, rc))
}

/// `WSASend(s, &buf, 1, &sent, 0, &overlapped, routine)` of `data`, with a fresh leaked
/// `OVERLAPPED` as [`ioctl`]'s, and the data copied into a leaked buffer too, since the
/// send may read it until it completes. Returns the `OVERLAPPED` and the call's result
/// (success: completed at once; `WSA_IO_PENDING`: started).
pub(crate) fn send(
    api: &Winsock,
    s: SOCKET,
    data: &[u8],
    completion: Completion,
) -> (Overlapped, CallResult) {
    let (leaked, routine_arg) = leaked(completion);
    let bytes: &'static mut [u8] = Box::leak(data.to_vec().into_boxed_slice());
    let buffer = WSABUF {
        len: bytes.len() as u32,
        buf: bytes.as_mut_ptr(),
    };
    let mut sent = 0u32;
    // SAFETY: one WSABUF over a leaked buffer of its `len` bytes (valid for the rest of the
    // process, as the send may read it until it completes); `sent` is a live u32; the
    // OVERLAPPED is leaked, so valid and writable for as long as the operation may use it.
    let rc = unsafe { (api.wsa_send)(s, &buffer, 1, &mut sent, 0, leaked.0.as_ptr(), routine_arg) };
    (leaked, last_error::int_result(api, rc))
}

/// `WSARecv(s, &buf, 1, &received, &flags, &overlapped, routine)` with flags 0 into a
/// leaked buffer of `capacity` bytes (the receive may write it until it completes), with
/// a fresh leaked `OVERLAPPED` as [`ioctl`]'s. Returns the `OVERLAPPED` and the call's
/// result (success: completed at once; `WSA_IO_PENDING`: started).
pub(crate) fn recv(
    api: &Winsock,
    s: SOCKET,
    capacity: u16,
    completion: Completion,
) -> (Overlapped, CallResult) {
    let (leaked, routine_arg) = leaked(completion);
    let bytes: &'static mut [u8] = Box::leak(vec![0u8; usize::from(capacity)].into_boxed_slice());
    let buffer = WSABUF {
        len: u32::from(capacity),
        buf: bytes.as_mut_ptr(),
    };
    let (mut received, mut flags) = (0u32, 0u32);
    // SAFETY: one WSABUF over a leaked buffer of its `len` bytes (writable for the rest of
    // the process, as the receive may write it until it completes); `received` and `flags`
    // are live u32s; the OVERLAPPED is leaked, valid for as long as the operation may use
    // it.
    let rc = unsafe {
        (api.wsa_recv)(
            s,
            &buffer,
            1,
            &mut received,
            &mut flags,
            leaked.0.as_ptr(),
            routine_arg,
        )
    };
    (leaked, last_error::int_result(api, rc))
}

/// `WSAGetOverlappedResult(s, overlapped, &transferred, wait, &flags)`: the bytes
/// transferred.
pub(crate) fn get_result(
    api: &Winsock,
    s: SOCKET,
    overlapped: Overlapped,
    wait: bool,
) -> CallResult<u32> {
    let mut transferred = 0u32;
    let mut flags = 0u32;
    let wait = if wait { TRUE } else { FALSE };
    // SAFETY: the OVERLAPPED was leaked by `ioctl`, so it is valid for the whole process;
    // `transferred` and `flags` are live, writable u32s.
    let ok = unsafe {
        (api.get_overlapped_result)(s, overlapped.0.as_ptr(), &mut transferred, wait, &mut flags)
    };
    if ok == FALSE {
        Err(Code(last_error::get(api)))
    } else {
        Ok(transferred)
    }
}
