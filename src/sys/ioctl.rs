//! `WSAIoctl`, for the secure-socket control codes.
use core::ffi::c_void;

use windows_sys::Win32::Networking::WinSock::{
    LPWSAOVERLAPPED_COMPLETION_ROUTINE, SIO_DELETE_PEER_TARGET_NAME, SIO_QUERY_SECURITY,
    SIO_SET_PEER_TARGET_NAME, SIO_SET_SECURITY, SOCKET,
};
use windows_sys::Win32::System::IO::OVERLAPPED;

use super::last_error::int_result;
use super::memory;
use super::overlapped::overlapped_result;
use crate::error::Error;
use crate::model::current::with_current;
use crate::testing::Call;

/// [`WSAIoctl`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaioctl)
/// for the secure-socket codes. The seed says `WSASetSocketPeerTargetName` "simplifies
/// having to call WSAIoctl with SIO_SET_PEER_TARGET_NAME"; here both reach the same code:
///
/// - `SIO_SET_PEER_TARGET_NAME`: the input buffer is a `SOCKET_PEER_TARGET_NAME` of
///   `cbinbuffer` bytes; same checks and results as [`super::WSASetSocketPeerTargetName`].
/// - `SIO_DELETE_PEER_TARGET_NAME`: the input buffer is a `SOCKADDR` of `cbinbuffer` bytes;
///   same as [`super::WSADeleteSocketPeerTargetName`].
/// - `SIO_SET_SECURITY`, `SIO_QUERY_SECURITY`: `WSAEOPNOTSUPP` (not emulated yet, as Wine
///   answers them).
/// - any other code: `WSAEINVAL`, "the dwIoControlCode parameter is not a valid command"
///   ([`crate::choices::IOCTL_CODES`]).
///
/// No output is produced: on success `*lpcbbytesreturned` is set to 0. For a call without
/// overlapped arguments `lpcbbytesreturned` must not be NULL (`WSAEFAULT`), checked after
/// the socket and the code. On failure nothing is written and nothing changes.
///
/// Overlapped socket with `lpoverlapped`: the page's rules. Completed at once: 0, and
/// `*lpcbbytesreturned` written; the status goes into the `OVERLAPPED`, then `hEvent` is
/// signalled or the routine queued to this thread (it runs in an alertable wait, with
/// `dwFlags` 0). Deferred by the network: `SOCKET_ERROR` with `WSA_IO_PENDING`,
/// `*lpcbbytesreturned` untouched, the result arriving later (see `docs/overlapped.md`).
/// On a non-overlapped socket both arguments are ignored.
///
/// # Safety
/// `lpvinbuffer` must be NULL or valid for reads of `cbinbuffer` bytes;
/// `lpcbbytesreturned` must be NULL or valid for writes of a `u32`; `lpoverlapped` must
/// be NULL or aligned and valid for reads and writes of an `OVERLAPPED` until the
/// operation completes. The output buffer is never dereferenced.
#[allow(non_snake_case, clippy::too_many_arguments)]
pub unsafe extern "system" fn WSAIoctl(
    s: SOCKET,
    dwiocontrolcode: u32,
    lpvinbuffer: *const c_void,
    cbinbuffer: u32,
    _lpvoutbuffer: *mut c_void,
    _cboutbuffer: u32,
    lpcbbytesreturned: *mut u32,
    lpoverlapped: *mut OVERLAPPED,
    lpcompletionroutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    let overlapped_args = !lpoverlapped.is_null() || lpcompletionroutine.is_some();
    int_result(with_current(|table| {
        table.with_socket(s, |_| Ok(()))?;
        let result = match dwiocontrolcode {
            SIO_SET_PEER_TARGET_NAME | SIO_DELETE_PEER_TARGET_NAME
                if !overlapped_args && lpcbbytesreturned.is_null() =>
            {
                Err(Error::Fault)
            }
            SIO_SET_PEER_TARGET_NAME => {
                // SAFETY: forwarded from the caller.
                let name = unsafe { memory::peer_target_name(lpvinbuffer.cast(), cbinbuffer) };
                table.set_peer_target_name(s, name)
            }
            SIO_DELETE_PEER_TARGET_NAME => {
                // SAFETY: forwarded from the caller.
                let addr = unsafe { memory::sockaddr(lpvinbuffer.cast(), cbinbuffer.into()) };
                table.delete_peer_target_name(s, addr)
            }
            SIO_SET_SECURITY | SIO_QUERY_SECURITY => Err(Error::OperationNotSupported),
            _ => Err(Error::Invalid),
        };
        let call = if dwiocontrolcode == SIO_DELETE_PEER_TARGET_NAME {
            Call::DeletePeerTargetName
        } else {
            Call::SetPeerTargetName
        };
        // SAFETY: forwarded from the caller.
        let returned = unsafe {
            overlapped_result(
                table,
                call,
                s,
                lpoverlapped,
                lpcompletionroutine,
                result.map(|()| 0),
            )
        }?;
        if !lpcbbytesreturned.is_null() {
            // SAFETY: non-NULL, and the caller promises a writable u32.
            unsafe { memory::write(lpcbbytesreturned, returned) };
        }
        Ok(())
    }))
}
