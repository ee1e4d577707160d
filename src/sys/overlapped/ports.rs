//! I/O completion ports, as `Win32::System::IO` declares them: `CreateIoCompletionPort`,
//! `GetQueuedCompletionStatus`, `GetQueuedCompletionStatusEx`, `PostQueuedCompletionStatus`
//! (`CloseHandle` on a port is in `handles.rs`). The port itself is `model/completion/`.
//! Each returns `FALSE` (or NULL) with the thread's last error, which `GetLastError` reads.
use std::sync::Arc;
use std::time::Duration;

use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::{
    ERROR_ABANDONED_WAIT_0, FALSE, HANDLE, INVALID_HANDLE_VALUE, TRUE, WAIT_IO_COMPLETION,
    WAIT_TIMEOUT,
};
use windows_sys::Win32::System::IO::{OVERLAPPED, OVERLAPPED_ENTRY};

use crate::error::{Error, Result};
use crate::model::completion::{self, Dequeued, Packet, Pointer, Port};
use crate::model::current::with_current;
use crate::sys::last_error::{record, record_code};
use crate::sys::memory;

/// `INFINITE`: no timeout.
const INFINITE: u32 = u32::MAX;

/// A timeout in milliseconds as the port waits it (`None`: `INFINITE`).
fn timeout_of(milliseconds: u32) -> Option<Duration> {
    (milliseconds != INFINITE).then(|| Duration::from_millis(milliseconds.into()))
}

/// [`CreateIoCompletionPort`](https://learn.microsoft.com/windows/win32/api/ioapiset/nf-ioapiset-createiocompletionport):
/// with `filehandle` `INVALID_HANDLE_VALUE` and `existingcompletionport` NULL, creates a
/// port of the thread's current network (`completionkey` and `numberofconcurrentthreads`
/// are ignored, [`crate::choices::COMPLETION_PORT_ARGUMENTS`]). With a socket, associates
/// it with `existingcompletionport`, its packets carrying `completionkey`, and returns the
/// port (a NULL port: a new one, associated). A socket joins one port only.
///
/// Errors (NULL, last error): `ERROR_INVALID_PARAMETER` for `INVALID_HANDLE_VALUE` with a
/// port, or a socket already associated; `ERROR_INVALID_HANDLE` for a port or a socket
/// that is not open.
///
/// # Safety
/// None needed (handles are numbers); declared `unsafe extern "system"` as windows-sys has
/// it.
#[allow(non_snake_case)]
pub unsafe extern "system" fn CreateIoCompletionPort(
    filehandle: HANDLE,
    existingcompletionport: HANDLE,
    completionkey: usize,
    numberofconcurrentthreads: u32,
) -> HANDLE {
    let _ = numberofconcurrentthreads;
    let outcome = with_current(|table| -> Result<usize> {
        if filehandle == INVALID_HANDLE_VALUE {
            if !existingcompletionport.is_null() {
                return Err(Error::InvalidParameter);
            }
            return completion::create(table);
        }
        let socket = filehandle.addr();
        table
            .with_socket(socket, |_| Ok(()))
            .map_err(|_| Error::InvalidHandle)?;
        if existingcompletionport.is_null() {
            let port = completion::create(table)?;
            return match completion::associate(table, socket, port, completionkey) {
                Ok(()) => Ok(port),
                Err(error) => {
                    // Undo the port this call made: it fails and changes nothing.
                    let _ = completion::close(port);
                    Err(error)
                }
            };
        }
        let port = existingcompletionport.addr();
        match completion::associate(table, socket, port, completionkey) {
            Err(Error::NotSocket | Error::NotInitialised) => Err(Error::InvalidHandle),
            other => other.map(|()| port),
        }
    });
    match outcome {
        Ok(port) => std::ptr::without_provenance_mut(port),
        Err(error) => {
            record(error);
            std::ptr::null_mut()
        }
    }
}

/// The open port `handle` names, or `None` with `ERROR_INVALID_HANDLE` recorded.
fn open_port(handle: HANDLE) -> Option<Arc<Port>> {
    completion::get(handle.addr()).map_err(record).ok()
}

/// How a dequeue that took nothing is reported: its last error.
fn failed(outcome: Dequeued) -> u32 {
    match outcome {
        Dequeued::Packets(_) => 0,
        Dequeued::TimedOut => WAIT_TIMEOUT,
        Dequeued::Abandoned => ERROR_ABANDONED_WAIT_0,
        Dequeued::Alerted => WAIT_IO_COMPLETION,
        Dequeued::Stalled(ended) => with_current(|table| table.wait_failed(ended)).code() as u32,
    }
}

/// [`GetQueuedCompletionStatus`](https://learn.microsoft.com/windows/win32/api/ioapiset/nf-ioapiset-getqueuedcompletionstatus):
/// takes one packet from `completionport`, waiting up to `dwmilliseconds` on the network's
/// clock (`INFINITE`: until a packet comes, the port is closed, or the network's stall
/// rules end the wait, [`crate::choices::STALL_ENDS_THE_CALL`]). Several threads waiting
/// are woken last in, first out ([`crate::choices::COMPLETION_PORT_WAKE_ORDER`]).
///
/// - A packet of a successful operation: `TRUE`, the three outputs written.
/// - A packet of a failed operation: `FALSE`, the outputs written, the last error the
///   operation's (`ERROR_NETNAME_DELETED` for a reset, `ERROR_CONNECTION_ABORTED`,
///   `ERROR_OPERATION_ABORTED`, `ERROR_CONNECTION_REFUSED`, else its Winsock code).
/// - No packet: `FALSE`, `*lpoverlapped` NULL, the bytes and key untouched; the last error
///   `WAIT_TIMEOUT`, `ERROR_ABANDONED_WAIT_0` (the port closed during the wait),
///   `ERROR_INVALID_HANDLE` (no open port) or, for a stall, `WSAENETDOWN`.
/// - A NULL output: `ERROR_INVALID_PARAMETER` before anything is taken (Windows would
///   crash, [`crate::choices::COMPLETION_PORT_ARGUMENTS`]).
///
/// # Safety
/// Each output must be NULL or valid for writes of its type.
#[allow(non_snake_case)]
pub unsafe extern "system" fn GetQueuedCompletionStatus(
    completionport: HANDLE,
    lpnumberofbytestransferred: *mut u32,
    lpcompletionkey: *mut usize,
    lpoverlapped: *mut *mut OVERLAPPED,
    dwmilliseconds: u32,
) -> BOOL {
    if lpnumberofbytestransferred.is_null() || lpcompletionkey.is_null() || lpoverlapped.is_null() {
        record(Error::InvalidParameter);
        return FALSE;
    }
    // SAFETY: non-NULL, and the caller promises a writable pointer.
    unsafe { memory::write(lpoverlapped, std::ptr::null_mut()) };
    let Some(port) = open_port(completionport) else {
        return FALSE;
    };
    let outcome = port.dequeue(
        "GetQueuedCompletionStatus",
        1,
        timeout_of(dwmilliseconds),
        false,
    );
    let Dequeued::Packets(packets) = outcome else {
        record_code(failed(outcome) as i32);
        return FALSE;
    };
    let Some(packet) = packets.into_iter().next() else {
        unreachable!("a dequeue takes at least one packet");
    };
    // SAFETY: all three non-NULL (checked above) and writable, as the caller promises.
    unsafe {
        memory::write(lpnumberofbytestransferred, packet.bytes);
        memory::write(lpcompletionkey, packet.key);
        memory::write(lpoverlapped, packet.overlapped.get());
    }
    if packet.status == 0 {
        TRUE
    } else {
        record_code(packet.status as i32);
        FALSE
    }
}

/// [`GetQueuedCompletionStatusEx`](https://learn.microsoft.com/windows/win32/api/ioapiset/nf-ioapiset-getqueuedcompletionstatusex):
/// takes up to `ulcount` packets at once into `lpcompletionportentries` (each entry's
/// `Internal` holds the operation's Win32 error, 0 for success) and writes how many to
/// `*ulnumentriesremoved`: `TRUE` when at least one was taken (some may be of failed
/// operations). With `falertable`, completion routines queued to the thread run and end
/// the wait: `FALSE` with `WAIT_IO_COMPLETION`. Otherwise as
/// [`GetQueuedCompletionStatus`]: `FALSE` with `WAIT_TIMEOUT`, `ERROR_ABANDONED_WAIT_0`,
/// `ERROR_INVALID_HANDLE`; `ERROR_INVALID_PARAMETER` for a NULL array, a count of 0 or a
/// NULL `ulnumentriesremoved` (checked first). `*ulnumentriesremoved` is 0 on failure.
///
/// # Safety
/// `lpcompletionportentries` must be NULL or valid for writes of `ulcount` entries;
/// `ulnumentriesremoved` NULL or valid for writes of a `u32`.
#[allow(non_snake_case)]
pub unsafe extern "system" fn GetQueuedCompletionStatusEx(
    completionport: HANDLE,
    lpcompletionportentries: *mut OVERLAPPED_ENTRY,
    ulcount: u32,
    ulnumentriesremoved: *mut u32,
    dwmilliseconds: u32,
    falertable: BOOL,
) -> BOOL {
    if lpcompletionportentries.is_null() || ulcount == 0 || ulnumentriesremoved.is_null() {
        record(Error::InvalidParameter);
        return FALSE;
    }
    // SAFETY: non-NULL, and the caller promises a writable u32.
    unsafe { memory::write(ulnumentriesremoved, 0) };
    let Some(port) = open_port(completionport) else {
        return FALSE;
    };
    let outcome = port.dequeue(
        "GetQueuedCompletionStatusEx",
        ulcount as usize,
        timeout_of(dwmilliseconds),
        falertable != FALSE,
    );
    let Dequeued::Packets(packets) = outcome else {
        record_code(failed(outcome) as i32);
        return FALSE;
    };
    for (index, packet) in packets.iter().enumerate() {
        let entry = OVERLAPPED_ENTRY {
            lpCompletionKey: packet.key,
            lpOverlapped: packet.overlapped.get(),
            Internal: packet.status as usize,
            dwNumberOfBytesTransferred: packet.bytes,
        };
        // SAFETY: at most `ulcount` packets are taken, and the caller promises that many
        // writable entries.
        unsafe { memory::write(lpcompletionportentries.add(index), entry) };
    }
    // SAFETY: as above.
    unsafe { memory::write(ulnumentriesremoved, packets.len() as u32) };
    TRUE
}

/// [`PostQueuedCompletionStatus`](https://learn.microsoft.com/windows/win32/api/ioapiset/nf-ioapiset-postqueuedcompletionstatus):
/// queues a packet carrying the three values as given (never checked, never
/// dereferenced: `lpoverlapped` need not point to an `OVERLAPPED`) for a successful
/// operation. `FALSE` with `ERROR_INVALID_HANDLE` for a handle that names no open port.
///
/// # Safety
/// None needed (the pointer is carried, never dereferenced); declared `unsafe extern
/// "system"` as windows-sys has it.
#[allow(non_snake_case)]
pub unsafe extern "system" fn PostQueuedCompletionStatus(
    completionport: HANDLE,
    dwnumberofbytestransferred: u32,
    dwcompletionkey: usize,
    lpoverlapped: *const OVERLAPPED,
) -> BOOL {
    let packet = Packet {
        bytes: dwnumberofbytestransferred,
        key: dwcompletionkey,
        overlapped: Pointer::new(lpoverlapped.cast_mut()),
        status: 0,
    };
    match completion::get(completionport.addr()) {
        Ok(port) if port.post(packet) => TRUE,
        _ => {
            record(Error::InvalidHandle);
            FALSE
        }
    }
}
