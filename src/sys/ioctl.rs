//! `WSAIoctl`, for the secure-socket control codes.
use core::ffi::c_void;

use windows_sys::Win32::Networking::WinSock::{
    LPWSAOVERLAPPED_COMPLETION_ROUTINE, SIO_DELETE_PEER_TARGET_NAME, SIO_QUERY_SECURITY,
    SIO_SET_PEER_TARGET_NAME, SIO_SET_SECURITY, SOCKET,
};
use windows_sys::Win32::System::IO::OVERLAPPED;

use super::last_error::int_result;
use super::memory;
use super::security::answer_query;
use crate::error::Error;
use crate::model::current::with_current;

/// [`WSAIoctl`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaioctl)
/// for the secure-socket codes. The seed says `WSASetSocketPeerTargetName` "simplifies
/// having to call WSAIoctl with SIO_SET_PEER_TARGET_NAME"; here each code and its function
/// reach the same code ([`crate::choices::SECURITY_IOCTLS`]):
///
/// - `SIO_SET_PEER_TARGET_NAME`: the input buffer is a `SOCKET_PEER_TARGET_NAME` of
///   `cbinbuffer` bytes; same checks and results as [`super::WSASetSocketPeerTargetName`].
/// - `SIO_DELETE_PEER_TARGET_NAME`: the input buffer is a `SOCKADDR` of `cbinbuffer` bytes;
///   same as [`super::WSADeleteSocketPeerTargetName`].
/// - `SIO_SET_SECURITY`: the input buffer is the settings (NULL: the defaults); same as
///   [`super::WSASetSocketSecurity`].
/// - `SIO_QUERY_SECURITY`: the input buffer is the template, the output buffer of
///   `cboutbuffer` bytes receives the `SOCKET_SECURITY_QUERY_INFO`; same as
///   [`super::WSAQuerySocketSecurity`], with `*lpcbbytesreturned` playing
///   *SecurityQueryInfoLen*'s part on the way out (24, or the size needed).
/// - any other code: `WSAEINVAL`, "the dwIoControlCode parameter is not a valid command"
///   ([`crate::choices::IOCTL_CODES`]).
///
/// The set codes produce no output: on success `*lpcbbytesreturned` is set to 0. For a call
/// without overlapped arguments `lpcbbytesreturned` must not be NULL (`WSAEFAULT`), checked
/// after the socket and the code. On failure nothing changes.
///
/// # Safety
/// `lpvinbuffer` must be NULL or valid for reads of `cbinbuffer` bytes; `lpvoutbuffer` NULL
/// or valid for writes of `cboutbuffer` bytes; `lpcbbytesreturned` must be NULL or valid for
/// writes of a `u32`. `lpoverlapped` is never dereferenced.
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
    let known = matches!(
        dwiocontrolcode,
        SIO_SET_PEER_TARGET_NAME
            | SIO_DELETE_PEER_TARGET_NAME
            | SIO_SET_SECURITY
            | SIO_QUERY_SECURITY
    );
    let precheck = with_current(|table| {
        table.with_socket(s, |_| Ok(()))?;
        if !known {
            return Err(Error::Invalid);
        }
        if !overlapped_args && lpcbbytesreturned.is_null() {
            return Err(Error::Fault);
        }
        Ok(())
    });
    if let Err(error) = precheck {
        return int_result(Err(error));
    }
    if dwiocontrolcode == SIO_QUERY_SECURITY {
        // SAFETY: forwarded from the caller.
        let template = unsafe { memory::query_template(lpvinbuffer.cast(), cbinbuffer) };
        let outcome = with_current(|table| {
            let info_len = (!lpcbbytesreturned.is_null()).then_some(cboutbuffer);
            table.query_security(
                s,
                template,
                !lpvoutbuffer.is_null(),
                info_len,
                overlapped_args,
            )
        });
        // SAFETY: `lpvoutbuffer` holds `cboutbuffer` bytes, which the model checked hold the
        // answer before succeeding; `lpcbbytesreturned` is NULL or a writable u32.
        return unsafe { answer_query(outcome, lpvoutbuffer.cast(), lpcbbytesreturned) };
    }
    int_result(with_current(|table| {
        let result = match dwiocontrolcode {
            SIO_SET_PEER_TARGET_NAME => {
                // SAFETY: forwarded from the caller.
                let name = unsafe { memory::peer_target_name(lpvinbuffer.cast(), cbinbuffer) };
                table.set_peer_target_name(s, name, overlapped_args)
            }
            SIO_DELETE_PEER_TARGET_NAME => {
                // SAFETY: forwarded from the caller.
                let addr = unsafe { memory::sockaddr(lpvinbuffer.cast(), cbinbuffer.into()) };
                table.delete_peer_target_name(s, addr, overlapped_args)
            }
            _ => {
                // SAFETY: forwarded from the caller.
                let settings = unsafe { memory::security_settings(lpvinbuffer.cast(), cbinbuffer) };
                table.set_security(s, settings, overlapped_args)
            }
        };
        if result.is_ok() && !lpcbbytesreturned.is_null() {
            // SAFETY: non-NULL, and the caller promises a writable u32.
            unsafe { memory::write(lpcbbytesreturned, 0) };
        }
        result
    }))
}
