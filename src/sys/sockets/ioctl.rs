//! `WSAIoctl`, for the secure-socket control codes and `SIO_UDP_CONNRESET`.
use core::ffi::c_void;

use windows_sys::Win32::Networking::WinSock::{
    LPWSAOVERLAPPED_COMPLETION_ROUTINE, SIO_DELETE_PEER_TARGET_NAME,
    SIO_GET_EXTENSION_FUNCTION_POINTER, SIO_QUERY_SECURITY, SIO_SET_PEER_TARGET_NAME,
    SIO_SET_SECURITY, SIO_UDP_CONNRESET, SOCKET,
};
use windows_sys::Win32::System::IO::OVERLAPPED;

use crate::error::Error;
use crate::model::current::with_current;
use crate::sys::extensions;
use crate::sys::last_error::int_result;
use crate::sys::memory;
use crate::sys::overlapped::overlapped_result;
use crate::sys::security::finish_query;
use crate::testing::Call;

/// [`WSAIoctl`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaioctl)
/// for the secure-socket codes and `SIO_UDP_CONNRESET`. The seed says `WSASetSocketPeerTargetName` "simplifies
/// having to call WSAIoctl with SIO_SET_PEER_TARGET_NAME"; here each code and its function
/// reach the same code ([`crate::choices::SECURITY_IOCTLS`]):
///
/// - `SIO_SET_PEER_TARGET_NAME`: the input buffer is a `SOCKET_PEER_TARGET_NAME` of
///   `cbinbuffer` bytes; same checks and results as [`crate::sys::WSASetSocketPeerTargetName`].
/// - `SIO_DELETE_PEER_TARGET_NAME`: the input buffer is a `SOCKADDR` of `cbinbuffer` bytes;
///   same as [`crate::sys::WSADeleteSocketPeerTargetName`].
/// - `SIO_SET_SECURITY`: the input buffer is the settings (NULL: the defaults); same as
///   [`crate::sys::WSASetSocketSecurity`].
/// - `SIO_QUERY_SECURITY`: the input buffer is the template, the output buffer of
///   `cboutbuffer` bytes receives the `SOCKET_SECURITY_QUERY_INFO`; same as
///   [`crate::sys::WSAQuerySocketSecurity`], with `*lpcbbytesreturned` playing
///   *SecurityQueryInfoLen*'s part on the way out (24, or the size needed).
/// - `SIO_UDP_CONNRESET`: the input buffer is a `BOOL` of `cbinbuffer` bytes: TRUE (any
///   non-zero value) reports the ICMP Port Unreachable a datagram drew in the next receive
///   (`WSAECONNRESET`, the default), FALSE stops it and discards those waiting. NULL or
///   under 4 bytes: `WSAEFAULT`; a socket other than a UDP one: `WSAEINVAL`
///   ([`crate::choices::UDP_CONNRESET_CONTROL`]).
/// - `SIO_GET_EXTENSION_FUNCTION_POINTER`: the input buffer is a `GUID`; the output
///   buffer receives the address of the extension function it names (`WSAID_WSASENDMSG`:
///   [`crate::sys::WSASendMsg`]; `WSAID_WSARECVMSG`: `WSARecvMsg`, as `LPFN_WSARECVMSG`) and `*lpcbbytesreturned` its size; an unknown GUID is
///   `WSAEINVAL` ([`crate::choices::EXTENSION_FUNCTIONS`]).
/// - any other code: `WSAEINVAL`, "the dwIoControlCode parameter is not a valid command"
///   ([`crate::choices::IOCTL_CODES`]).
///
/// The set codes produce no output: on success `*lpcbbytesreturned` is set to 0. For a call
/// without overlapped arguments `lpcbbytesreturned` must not be NULL (`WSAEFAULT`), checked
/// after the socket and the code. On failure nothing changes.
///
/// Overlapped socket with `lpoverlapped`: the page's rules. Completed at once: 0, and
/// `*lpcbbytesreturned` written; the status goes into the `OVERLAPPED`, then `hEvent` is
/// signalled or the routine queued to this thread (it runs in an alertable wait, with
/// `dwFlags` 0). Deferred by the network: `SOCKET_ERROR` with `WSA_IO_PENDING`,
/// `*lpcbbytesreturned` untouched, the result arriving later (see [`docs/overlapped.md`](https://github.com/winsock-emu/winsock-emu/blob/main/docs/overlapped.md)).
/// On a non-overlapped socket both arguments are ignored.
///
/// # Safety
/// `lpvinbuffer` must be NULL or valid for reads of `cbinbuffer` bytes; `lpvoutbuffer` NULL
/// or valid for writes of `cboutbuffer` bytes; `lpcbbytesreturned` must be NULL or valid for
/// writes of a `u32`; `lpoverlapped` must be NULL or aligned and valid for reads and writes
/// of an `OVERLAPPED` until the operation completes.
#[allow(non_snake_case, clippy::too_many_arguments)]
pub unsafe extern "system" fn WSAIoctl(
    s: SOCKET,
    dwiocontrolcode: u32,
    lpvinbuffer: *const c_void,
    cbinbuffer: u32,
    lpvoutbuffer: *mut c_void,
    cboutbuffer: u32,
    lpcbbytesreturned: *mut u32,
    lpoverlapped: *mut OVERLAPPED,
    lpcompletionroutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    let overlapped_args = !lpoverlapped.is_null() || lpcompletionroutine.is_some();
    let call = match dwiocontrolcode {
        SIO_SET_PEER_TARGET_NAME => Some(Call::SetPeerTargetName),
        SIO_DELETE_PEER_TARGET_NAME => Some(Call::DeletePeerTargetName),
        SIO_SET_SECURITY => Some(Call::SetSocketSecurity),
        SIO_QUERY_SECURITY => Some(Call::QuerySocketSecurity),
        SIO_UDP_CONNRESET => Some(Call::UdpConnReset),
        SIO_GET_EXTENSION_FUNCTION_POINTER => Some(Call::GetExtensionFunctionPointer),
        _ => None,
    };
    with_current(|table| {
        let precheck = table.with_socket(s, |_| Ok(())).and_then(|()| {
            let call = call.ok_or(Error::Invalid)?;
            if !overlapped_args && lpcbbytesreturned.is_null() {
                return Err(Error::Fault);
            }
            Ok(call)
        });
        let call = match precheck {
            Ok(call) => call,
            Err(error) => return int_result(Err(error)),
        };
        if call == Call::QuerySocketSecurity {
            // SAFETY: forwarded from the caller.
            let template = unsafe { memory::query_template(lpvinbuffer.cast(), cbinbuffer) };
            let outcome =
                table.query_security(s, template, !lpvoutbuffer.is_null(), Some(cboutbuffer));
            let (info, len) = (lpvoutbuffer.cast(), lpcbbytesreturned);
            // SAFETY: `lpvoutbuffer` holds `cboutbuffer` bytes, which the model checked hold
            // the answer before succeeding; the rest is forwarded from the caller.
            return unsafe {
                finish_query(
                    table,
                    s,
                    outcome,
                    info,
                    len,
                    lpoverlapped,
                    lpcompletionroutine,
                )
            };
        }
        if call == Call::GetExtensionFunctionPointer {
            // SAFETY: forwarded from the caller.
            return unsafe {
                finish(
                    table,
                    call,
                    s,
                    (lpoverlapped, lpcompletionroutine),
                    lpcbbytesreturned,
                    || {
                        extensions::function_pointer(
                            lpvinbuffer,
                            cbinbuffer,
                            lpvoutbuffer,
                            cboutbuffer,
                        )
                    },
                )
            };
        }
        let operation = || match call {
            Call::SetPeerTargetName => {
                // SAFETY: forwarded from the caller.
                let name = unsafe { memory::peer_target_name(lpvinbuffer.cast(), cbinbuffer) };
                table.set_peer_target_name(s, name)
            }
            Call::DeletePeerTargetName => {
                // SAFETY: forwarded from the caller.
                let addr = unsafe { memory::sockaddr(lpvinbuffer.cast(), cbinbuffer.into()) };
                table.delete_peer_target_name(s, addr)
            }
            Call::UdpConnReset => {
                // SAFETY: forwarded from the caller.
                let report = unsafe { memory::bool_input(lpvinbuffer.cast(), cbinbuffer) };
                table.set_port_unreachable_reports(s, report)
            }
            _ => {
                // SAFETY: forwarded from the caller.
                let settings = unsafe { memory::security_settings(lpvinbuffer.cast(), cbinbuffer) };
                table.set_security(s, settings)
            }
        };
        let overlapped = (lpoverlapped, lpcompletionroutine);
        // SAFETY: forwarded from the caller.
        unsafe {
            finish(table, call, s, overlapped, lpcbbytesreturned, || {
                operation().map(|()| 0)
            })
        }
    })
}

/// Runs a `WSAIoctl`'s `operation` (which returns the bytes returned) and completes it:
/// through the overlapped arguments when given, then `*returned` written on success.
///
/// # Safety
/// `overlapped` as [`overlapped_result`] requires; `returned` NULL or valid for writes of
/// a `u32`.
unsafe fn finish(
    table: &crate::model::SocketTable,
    call: Call,
    s: SOCKET,
    (overlapped, routine): (*mut OVERLAPPED, LPWSAOVERLAPPED_COMPLETION_ROUTINE),
    returned: *mut u32,
    operation: impl FnOnce() -> crate::error::Result<u32>,
) -> i32 {
    // SAFETY: forwarded from the caller.
    let done = unsafe { overlapped_result(table, call, s, overlapped, routine, operation) };
    int_result(done.map(|count| {
        if !returned.is_null() {
            // SAFETY: non-NULL, and the caller promises a writable u32.
            unsafe { memory::write(returned, count) };
        }
    }))
}
