//! `AcceptEx` and `GetAcceptExSockaddrs`, the extension functions
//! `SIO_GET_EXTENSION_FUNCTION_POINTER` hands out for `WSAID_ACCEPTEX` and
//! `WSAID_GETACCEPTEXSOCKADDRS` (the pending operation itself is
//! `model/completion/accepts.rs`).
//!
//! The output buffer is `[first data: dwReceiveDataLength][local address area][remote
//! address area]`; each area holds the `SOCKADDR` at its start (the emulator's "internal
//! format", [`crate::choices::ACCEPT_EX_BUFFER`]), which `GetAcceptExSockaddrs` decodes.
use core::ffi::c_void;

use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::FALSE;
use windows_sys::Win32::Networking::WinSock::{AF_INET6, SOCKADDR, SOCKET};
use windows_sys::Win32::System::IO::OVERLAPPED;

use crate::error::{Error, Result};
use crate::model::completion::accepts::Accepted;
use crate::model::current::with_current;
use crate::sys::last_error::record;
use crate::sys::memory;
use crate::sys::overlapped::{pending_completer, port_of};
use crate::wire::encode_sockaddr;

/// The room each address area needs beyond the family's `SOCKADDR`: 16 bytes, as the
/// page requires.
const AREA_SLACK: usize = 16;

/// The `SOCKADDR` size of `family`.
fn address_size(family: u16) -> usize {
    if family == AF_INET6 {
        28
    } else {
        16
    }
}

/// The caller's output buffer, carried to the thread that completes the accept.
struct Output {
    buffer: *mut u8,
    data_len: usize,
    local_len: usize,
}

// SAFETY: the buffer is written only by the completion, once, which the caller of AcceptEx
// allowed until the operation completes ("the buffer must stay valid until completion"),
// from whichever thread completes it.
unsafe impl Send for Output {}

impl Output {
    /// Writes the first data and the two addresses: the byte count of the data.
    fn deliver(self, accepted: Accepted) -> u32 {
        let data = &accepted.data[..accepted.data.len().min(self.data_len)];
        let (local, local_size) = encode_sockaddr(accepted.local);
        let (remote, remote_size) = encode_sockaddr(accepted.remote);
        // SAFETY: the caller promised `data_len + local_len + remote_len` writable bytes,
        // and each address fits its area (checked when the call started).
        unsafe {
            memory::write_bytes(self.buffer, data);
            if self.local_len > 0 {
                memory::write_bytes(self.buffer.add(self.data_len), &local[..local_size]);
            }
            let remote_at = self.buffer.add(self.data_len + self.local_len);
            memory::write_bytes(remote_at, &remote[..remote_size]);
        }
        data.len() as u32
    }
}

/// [`AcceptEx`](https://learn.microsoft.com/windows/win32/api/mswsock/nf-mswsock-acceptex):
/// accepts the next connection on `slistensocket` into `sacceptsocket`, an open stream
/// socket that is neither bound nor connected, and, when `dwreceivedatalength` > 0, waits
/// for the first data (completing with 0 bytes if the client closes without sending).
/// The first data, then the local and the remote address, go to `lpoutputbuffer`
/// (decode them with [`GetAcceptExSockaddrs`]). The operation always pends
/// (`FALSE`, `ERROR_IO_PENDING`, [`crate::choices::EXTENSIONS_PEND`]); it completes
/// through `lpoverlapped`: to the *listener's* port and key, or its event.
/// `*lpdwbytesreceived` is never written. Closing either socket, or `CancelIoEx` on the
/// listener, completes it with `ERROR_OPERATION_ABORTED`.
///
/// Errors (`FALSE` at once): `WSAENOTSOCK` for either handle; `ERROR_INVALID_PARAMETER`
/// for a NULL `lpoverlapped`; `WSAEFAULT` for a NULL buffer, a zero
/// `dwremoteaddresslength`, or an address length (local 0 is allowed) below the family's
/// `SOCKADDR` + 16 ([`crate::choices::ACCEPT_EX_BUFFER`]); `WSAEINVAL` for a listener that
/// is not listening, an accept socket bound, connected, of another type or family, or
/// already waiting in another `AcceptEx`. `SO_UPDATE_ACCEPT_CONTEXT` is accepted on the
/// accepted socket afterwards ([`crate::choices::ACCEPT_EX_CONTEXT`]).
///
/// # Safety
/// `lpoutputbuffer` must be NULL or valid for writes of the three lengths' sum;
/// `lpoverlapped` NULL or valid for reads and writes of an `OVERLAPPED`; both until the
/// operation completes.
#[allow(non_snake_case, clippy::too_many_arguments)]
pub unsafe extern "system" fn AcceptEx(
    slistensocket: SOCKET,
    sacceptsocket: SOCKET,
    lpoutputbuffer: *mut c_void,
    dwreceivedatalength: u32,
    dwlocaladdresslength: u32,
    dwremoteaddresslength: u32,
    lpdwbytesreceived: *mut u32,
    lpoverlapped: *mut OVERLAPPED,
) -> BOOL {
    let _ = lpdwbytesreceived;
    let outcome = with_current(|table| -> Result<()> {
        let family = table.with_socket(slistensocket, |entry| Ok(entry.kind.family))?;
        table.with_socket(sacceptsocket, |_| Ok(()))?;
        if lpoverlapped.is_null() {
            return Err(Error::InvalidParameter);
        }
        let need = address_size(family) + AREA_SLACK;
        let (local_len, remote_len) = (
            dwlocaladdresslength as usize,
            dwremoteaddresslength as usize,
        );
        let short = |len: usize| len < need;
        if lpoutputbuffer.is_null()
            || remote_len == 0
            || short(remote_len)
            || (local_len != 0 && short(local_len))
        {
            return Err(Error::Fault);
        }
        let port = port_of(table, slistensocket, None)?;
        let output = Output {
            buffer: lpoutputbuffer.cast(),
            data_len: dwreceivedatalength as usize,
            local_len,
        };
        let tag = lpoverlapped.addr();
        let data_len = output.data_len;
        table.post_accept(slistensocket, sacceptsocket, data_len, tag, || {
            // SAFETY: non-NULL, and the caller promises a valid OVERLAPPED until
            // completion. It is marked pending only once the checks passed, so a refused
            // call leaves it untouched.
            let completer = unsafe { pending_completer(port, lpoverlapped, None) };
            Box::new(move |outcome: Result<Accepted>| {
                completer(outcome.map(|accepted| output.deliver(accepted)));
            })
        })
    });
    match outcome {
        Ok(()) => record(Error::IoPending),
        Err(error) => record(error),
    }
    FALSE
}

/// One address area of an `AcceptEx` buffer: a pointer to the `SOCKADDR` at its start and
/// its length, or `None` for an area too short for the family it holds.
///
/// # Safety
/// `area` must be valid for reads of `len` bytes.
unsafe fn decode_area(area: *const u8, len: usize) -> Option<(*mut SOCKADDR, i32)> {
    if len < 2 {
        return None;
    }
    // SAFETY: at least 2 readable bytes, as the caller promises.
    let family = unsafe { memory::read(area.cast::<u16>()) };
    let size = address_size(family);
    (len >= size).then_some((area.cast_mut().cast(), size as i32))
}

/// Writes one decoded area to the caller's out-parameters (both non-NULL), if decoded.
///
/// # Safety
/// `address` and `length` must be NULL or valid for writes; `area` as [`decode_area`].
unsafe fn report(area: *const u8, len: usize, address: *mut *mut SOCKADDR, length: *mut i32) {
    if address.is_null() || length.is_null() {
        return;
    }
    // SAFETY: forwarded from the caller.
    if let Some((pointer, size)) = unsafe { decode_area(area, len) } {
        // SAFETY: both non-NULL and writable, as the caller promises.
        unsafe {
            memory::write(address, pointer);
            memory::write(length, size);
        }
    }
}

/// [`GetAcceptExSockaddrs`](https://learn.microsoft.com/windows/win32/api/mswsock/nf-mswsock-getacceptexsockaddrs):
/// decodes the local and remote addresses an [`AcceptEx`] wrote to `lpoutputbuffer`
/// (given the same three lengths): `*localsockaddr` and `*remotesockaddr` point into the
/// buffer, the lengths are the addresses' (16 for `AF_INET`, 28 for `AF_INET6`). An area of
/// length 0 (a local length of 0), a NULL buffer or NULL out-parameters leave the
/// corresponding out-parameters unwritten, as does an area too short for its address.
///
/// # Safety
/// `lpoutputbuffer` must be NULL or valid for reads of the three lengths' sum (the
/// buffer `AcceptEx` completed into); each out-parameter NULL or valid for writes.
#[allow(non_snake_case, clippy::too_many_arguments)]
pub unsafe extern "system" fn GetAcceptExSockaddrs(
    lpoutputbuffer: *const c_void,
    dwreceivedatalength: u32,
    dwlocaladdresslength: u32,
    dwremoteaddresslength: u32,
    localsockaddr: *mut *mut SOCKADDR,
    localsockaddrlength: *mut i32,
    remotesockaddr: *mut *mut SOCKADDR,
    remotesockaddrlength: *mut i32,
) {
    if lpoutputbuffer.is_null() {
        return;
    }
    let buffer = lpoutputbuffer.cast::<u8>();
    let (data_len, local_len) = (dwreceivedatalength as usize, dwlocaladdresslength as usize);
    let local = buffer.wrapping_add(data_len);
    let remote = local.wrapping_add(local_len);
    // SAFETY: the areas lie inside the buffer, readable as the caller promises; the
    // out-parameters are forwarded.
    unsafe {
        report(local, local_len, localsockaddr, localsockaddrlength);
        let remote_len = dwremoteaddresslength as usize;
        report(remote, remote_len, remotesockaddr, remotesockaddrlength);
    }
}
