//! `CancelIo`, `CancelIoEx` and `SetFileCompletionNotificationModes` on sockets: the
//! pending overlapped operations of a socket are completed with
//! `ERROR_OPERATION_ABORTED`, and a socket associated with a port can skip the packets
//! of operations that succeed at once.
use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::{ERROR_NOT_FOUND, FALSE, HANDLE, TRUE};
use windows_sys::Win32::System::IO::OVERLAPPED;

use crate::error::{Error, Result};
use crate::model::completion;
use crate::model::current::with_current;
use crate::model::overlapped::abort;
use crate::model::SocketTable;
use crate::sys::last_error::{record, record_code};

/// `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS`.
const SKIP_COMPLETION_PORT_ON_SUCCESS: u8 = 0x1;

/// `FILE_SKIP_SET_EVENT_ON_HANDLE`: the emulator never signals a file handle, so the mode
/// is accepted and changes nothing.
const SKIP_SET_EVENT_ON_HANDLE: u8 = 0x2;

/// Cancels the pending operations of `socket` (only the one whose `OVERLAPPED` is at
/// `tag`, when given): how many were canceled.
fn cancel(table: &SocketTable, socket: usize, tag: Option<usize>) -> Result<usize> {
    let socket = table.socket_of(socket).map_err(|_| Error::InvalidHandle)?;
    table
        .with_entry(socket, |_| Ok(()))
        .map_err(|_| Error::InvalidHandle)?;
    // The socket's operations, whichever of its handles started them.
    let receives = table.take_receives(socket, tag);
    let sends = table.take_sends(socket, tag);
    let accepts = table.take_accepts(socket, tag);
    // Operations a test deferred carry no `OVERLAPPED` address: canceling everything
    // aborts them too.
    let deferred = if tag.is_none() {
        table.take_pending(Some(socket))
    } else {
        Vec::new()
    };
    let count = receives.len() + sends.len() + accepts.len() + deferred.len();
    for fill in receives {
        fill(Err(Error::OperationAborted));
    }
    for sent in sends {
        sent(Err(Error::OperationAborted));
    }
    for fill in accepts {
        fill(Err(Error::OperationAborted));
    }
    abort(deferred);
    Ok(count)
}

/// [`CancelIoEx`](https://learn.microsoft.com/windows/win32/api/ioapiset/nf-ioapiset-cancelioex):
/// cancels the pending overlapped operations of the socket `hfile` (`lpoverlapped` NULL:
/// all of them, whichever thread started them; otherwise the one it describes). Each
/// completes with `ERROR_OPERATION_ABORTED` (`WSA_OPERATION_ABORTED`): a packet to the
/// socket's port, its event or routine, as any completion. It does not wait. `FALSE`
/// with `ERROR_NOT_FOUND` when nothing was canceled, `ERROR_INVALID_HANDLE` for a handle
/// that names no socket of the current network.
///
/// # Safety
/// None needed (the pointer is compared, never dereferenced); declared `unsafe extern
/// "system"` as windows-sys has it.
#[allow(non_snake_case)]
pub unsafe extern "system" fn CancelIoEx(hfile: HANDLE, lpoverlapped: *const OVERLAPPED) -> BOOL {
    let tag = (!lpoverlapped.is_null()).then(|| lpoverlapped.addr());
    match with_current(|table| cancel(table, hfile.addr(), tag)) {
        Ok(0) => {
            record_code(ERROR_NOT_FOUND as i32);
            FALSE
        }
        Ok(_) => TRUE,
        Err(error) => {
            record(error);
            FALSE
        }
    }
}

/// [`CancelIo`](https://learn.microsoft.com/windows/win32/api/ioapiset/nf-ioapiset-cancelio):
/// cancels the pending overlapped operations started on the socket `hfile`
/// ([`crate::choices::CANCEL_IO_SCOPE`]: every thread's, as `CancelIoEx(hfile, NULL)`);
/// `TRUE` also when there was none. An `AcceptEx` is the listener's operation, so
/// `CancelIo` on its accept socket leaves it pending. `FALSE` with `ERROR_INVALID_HANDLE`
/// for a handle that names no socket.
///
/// # Safety
/// None needed; declared `unsafe extern "system"` as windows-sys has it.
#[allow(non_snake_case)]
pub unsafe extern "system" fn CancelIo(hfile: HANDLE) -> BOOL {
    match with_current(|table| cancel(table, hfile.addr(), None)) {
        Ok(_) => TRUE,
        Err(error) => {
            record(error);
            FALSE
        }
    }
}

/// [`SetFileCompletionNotificationModes`](https://learn.microsoft.com/windows/win32/api/winbase/nf-winbase-setfilecompletionnotificationmodes):
/// `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS` makes an overlapped operation on the socket
/// `filehandle` that succeeds at once (the call returns success, not `WSA_IO_PENDING`)
/// queue no packet; one that pends still queues its packet. Modes are never removed.
/// `FILE_SKIP_SET_EVENT_ON_HANDLE` is accepted (the emulator never signals a socket
/// handle). Errors: `ERROR_INVALID_PARAMETER` for other flags, or a socket not yet
/// associated with a port ([`crate::choices::COMPLETION_PORT_ARGUMENTS`]);
/// `ERROR_INVALID_HANDLE` for a handle that names no socket.
///
/// # Safety
/// None needed; declared `unsafe extern "system"` as windows-sys has it.
#[allow(non_snake_case)]
pub unsafe extern "system" fn SetFileCompletionNotificationModes(
    filehandle: HANDLE,
    flags: u8,
) -> BOOL {
    let outcome = with_current(|table| {
        if flags & !(SKIP_COMPLETION_PORT_ON_SUCCESS | SKIP_SET_EVENT_ON_HANDLE) != 0 {
            return Err(Error::InvalidParameter);
        }
        let socket = filehandle.addr();
        table
            .with_socket(socket, |_| Ok(()))
            .map_err(|_| Error::InvalidHandle)?;
        if flags & SKIP_COMPLETION_PORT_ON_SUCCESS != 0 {
            completion::skip_on_success(table, socket)?;
        }
        Ok(())
    });
    match outcome {
        Ok(()) => TRUE,
        Err(error) => {
            record(error);
            FALSE
        }
    }
}
