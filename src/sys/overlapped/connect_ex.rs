//! `ConnectEx` and `DisconnectEx`, the extension functions
//! `SIO_GET_EXTENSION_FUNCTION_POINTER` hands out for `WSAID_CONNECTEX` and
//! `WSAID_DISCONNECTEX`.
use core::ffi::c_void;

use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::{FALSE, TRUE};
use windows_sys::Win32::Networking::WinSock::{SOCKADDR, SOCKET, TF_REUSE_SOCKET};
use windows_sys::Win32::System::IO::OVERLAPPED;

use crate::error::{Error, Result};
use crate::model::completion::Association;
use crate::model::current::with_current;
use crate::model::socket::{ConnectAttempt, State};
use crate::model::SocketTable;
use crate::sys::last_error::record;
use crate::sys::memory;
use crate::sys::overlapped::{pending_completer, port_of};

/// The connect of a `ConnectEx`, then its first send: the bytes sent.
fn connect_and_send(
    table: &SocketTable,
    s: SOCKET,
    connect: impl FnOnce() -> Result<()>,
    data: &[u8],
) -> Result<u32> {
    match connect() {
        // A non-blocking socket's connect completes within the call; its outcome is
        // recorded (`SO_ERROR`).
        Err(Error::WouldBlock) => {
            let attempt = table.with_socket(s, |entry| Ok(entry.flow().and_then(|f| f.connect)))?;
            if let Some(ConnectAttempt::Failed(error)) = attempt {
                return Err(error);
            }
        }
        other => other?,
    }
    if data.is_empty() {
        return Ok(0);
    }
    table.send(s, data, 0).map(|sent| sent as u32)
}

/// [`ConnectEx`](https://learn.microsoft.com/windows/win32/api/mswsock/nc-mswsock-lpfn_connectex):
/// connects the bound stream socket `s` to `name` and then sends the optional first data
/// (`dwsenddatalength` bytes at `lpsendbuffer`). The operation always pends (`FALSE`,
/// `ERROR_IO_PENDING`, [`crate::choices::EXTENSIONS_PEND`]) and completes through
/// `lpoverlapped` with the bytes sent: to the socket's port, or its event. A refused
/// connection completes with `ERROR_CONNECTION_REFUSED` (`WSAECONNREFUSED` in the
/// `OVERLAPPED`). `*lpdwbytessent` is never written. Until `SO_UPDATE_CONNECT_CONTEXT` is
/// set on the connected socket, `getpeername` and `shutdown` fail on it with `WSAENOTCONN`
/// ([`crate::choices::CONNECT_EX_CONTEXT`]); the data calls work at once.
///
/// Errors (`FALSE` at once, the `OVERLAPPED` untouched): `WSAENOTSOCK`;
/// `ERROR_INVALID_PARAMETER` for a NULL `lpoverlapped`; `WSAEINVAL` for a socket that is
/// not a stream socket, not bound, or listening; `WSAEISCONN` for a connected one;
/// `WSAEFAULT` for a NULL send buffer with a length; the address errors of `connect`
/// (`WSAEFAULT`, `WSAEAFNOSUPPORT`, `WSAEADDRNOTAVAIL`).
///
/// # Safety
/// `name` must be NULL or valid for reads of `namelen` bytes; `lpsendbuffer` NULL or valid
/// for reads of `dwsenddatalength` bytes; `lpoverlapped` NULL or valid for reads and writes
/// of an `OVERLAPPED` until the operation completes.
#[allow(non_snake_case)]
pub unsafe extern "system" fn ConnectEx(
    s: SOCKET,
    name: *const SOCKADDR,
    namelen: i32,
    lpsendbuffer: *const c_void,
    dwsenddatalength: u32,
    lpdwbytessent: *mut u32,
    lpoverlapped: *mut OVERLAPPED,
) -> BOOL {
    let _ = lpdwbytessent;
    let outcome = with_current(|table| -> Result<()> {
        let state = table.with_socket(s, |entry| {
            Ok((
                entry.is_stream(),
                entry.local.is_some(),
                entry.state.clone(),
            ))
        })?;
        if lpoverlapped.is_null() {
            return Err(Error::InvalidParameter);
        }
        match state {
            (_, _, State::Connected { .. }) => return Err(Error::IsConnected),
            (true, true, State::Idle) => {}
            _ => return Err(Error::Invalid),
        }
        // SAFETY: forwarded from the caller.
        let data = unsafe { memory::data_in(lpsendbuffer.cast(), dwsenddatalength.into())? };
        // SAFETY: forwarded from the caller.
        let target = unsafe { memory::sockaddr(name, namelen.into()) };
        let port = port_of(table, s, None)?;
        let outcome = connect_and_send(table, s, || table.connect(s, target), data);
        if outcome.is_ok() {
            // Until SO_UPDATE_CONNECT_CONTEXT: no peer name, no shutdown.
            table.await_connect_context(s);
        }
        if let Err(
            error @ (Error::Fault | Error::AddressFamilyNotSupported | Error::AddressNotAvailable),
        ) = outcome
        {
            // The address was refused before any connection was tried.
            return Err(error);
        }
        // SAFETY: non-NULL, and the caller promises a valid OVERLAPPED until completion.
        let completer = unsafe { pending_completer(port, lpoverlapped, None) };
        completer(outcome);
        Ok(())
    });
    match outcome {
        Ok(()) => record(Error::IoPending),
        Err(error) => record(error),
    }
    FALSE
}

/// [`DisconnectEx`](https://learn.microsoft.com/windows/win32/api/mswsock/nc-mswsock-lpfn_disconnectex):
/// ends the connection of `s` as `shutdown(SD_SEND)` does (the peer reads the end of the
/// stream, this side still receives), or, with `TF_REUSE_SOCKET`, closes it and leaves the
/// handle a fresh socket for `AcceptEx` or `ConnectEx`. With `lpoverlapped` it pends
/// (`FALSE`, `ERROR_IO_PENDING`) and completes with 0 bytes to the socket's port or
/// event; without, it returns `TRUE`.
///
/// Errors (`FALSE`): `WSAENOTSOCK`; `WSAEINVAL` for flags other than `TF_REUSE_SOCKET` or
/// a non-zero `dwreserved`; `WSAENOTCONN` for a socket that is not a connected stream
/// socket.
///
/// # Safety
/// `lpoverlapped` must be NULL or valid for reads and writes of an `OVERLAPPED` until the
/// operation completes.
#[allow(non_snake_case)]
pub unsafe extern "system" fn DisconnectEx(
    s: SOCKET,
    lpoverlapped: *mut OVERLAPPED,
    dwflags: u32,
    dwreserved: u32,
) -> BOOL {
    let outcome = with_current(|table| -> Result<bool> {
        table.with_socket(s, |_| Ok(()))?;
        if dwflags & !TF_REUSE_SOCKET != 0 || dwreserved != 0 {
            return Err(Error::Invalid);
        }
        let port = port_of(table, s, None)?;
        table.disconnect(s, dwflags & TF_REUSE_SOCKET != 0)?;
        // SAFETY: forwarded from the caller.
        Ok(unsafe { complete_if_overlapped(port, lpoverlapped, 0) })
    });
    extension_result(outcome)
}

/// For an extension function that did its work within the call: with `overlapped`, marks
/// it pending and completes it at once with `transferred` bytes, to the socket's `port` or
/// the event, and returns `true` (the call reports `ERROR_IO_PENDING`); without, `false`.
///
/// # Safety
/// `overlapped` must be NULL or valid for reads and writes of an `OVERLAPPED` until the
/// operation completes.
pub(in crate::sys) unsafe fn complete_if_overlapped(
    port: Option<Association>,
    overlapped: *mut OVERLAPPED,
    transferred: u32,
) -> bool {
    if overlapped.is_null() {
        return false;
    }
    // SAFETY: non-NULL, and the caller promises a valid OVERLAPPED until completion.
    let completer = unsafe { pending_completer(port, overlapped, None) };
    completer(Ok(transferred));
    true
}

/// The `BOOL` of such an extension function: `TRUE` when it completed without an
/// `OVERLAPPED`, `FALSE` with `ERROR_IO_PENDING` when it completed through one, `FALSE`
/// with the error when it failed.
pub(in crate::sys) fn extension_result(outcome: Result<bool>) -> BOOL {
    match outcome {
        Ok(false) => TRUE,
        Ok(true) => {
            record(Error::IoPending);
            FALSE
        }
        Err(error) => {
            record(error);
            FALSE
        }
    }
}
