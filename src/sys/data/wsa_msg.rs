//! `WSASendMsg`: a datagram from a `WSAMSG`, as `WSASendTo` sends one.
use windows_sys::Win32::Networking::WinSock::{
    LPWSAOVERLAPPED_COMPLETION_ROUTINE, MSG_PARTIAL, SOCKET, WSAMSG,
};
use windows_sys::Win32::System::IO::OVERLAPPED;

use crate::error::Error;
use crate::model::current::with_current;
use crate::model::SocketTable;
use crate::sys::last_error::int_result;
use crate::sys::memory;
use crate::sys::wsa_data::{gather_send, Completion};
use crate::testing::Call;

/// [`WSASendMsg`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsasendmsg):
/// one datagram from `lpmsg`: its `lpBuffers` gathered, sent to `name` (`namelen` bytes),
/// or to the connected peer when `name` is NULL; an unbound socket is bound implicitly.
/// `dwflags` may hold `MSG_DONTROUTE` and `MSG_PARTIAL` (a datagram is always whole);
/// the control buffer is not read ([`crate::choices::WSASENDMSG_CONTROL`]). Also reached
/// through `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_WSASENDMSG)`.
///
/// Errors, in order: `WSANOTINITIALISED`, `WSAENOTSOCK`, `WSAEFAULT` for a NULL `lpmsg`,
/// `WSAEINVAL` on a stream socket, then those of [`crate::sys::WSASendTo`] (a NULL
/// `lpnumberofbytessent` without overlapped arguments is `WSAEFAULT`). A failed call binds
/// nothing. Overlapped completion as for [`crate::sys::WSASendTo`].
///
/// # Safety
/// `lpmsg` must be NULL or valid for reads of a `WSAMSG` whose `name` is NULL or valid for
/// reads of `namelen` bytes and whose `lpBuffers` is valid as [`crate::sys::WSASend`]'s;
/// `lpnumberofbytessent` and the overlapped arguments as [`crate::sys::WSASend`]'s.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSASendMsg(
    handle: SOCKET,
    lpmsg: *const WSAMSG,
    dwflags: u32,
    lpnumberofbytessent: *mut u32,
    lpoverlapped: *mut OVERLAPPED,
    lpcompletionroutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    let checked = with_current(|table| {
        let stream = table.with_socket(handle, |entry| Ok(entry.is_stream()))?;
        if lpmsg.is_null() {
            return Err(Error::Fault);
        }
        if stream {
            return Err(Error::Invalid);
        }
        // SAFETY: non-NULL, and the caller promises a readable WSAMSG.
        Ok(unsafe { memory::read(lpmsg) })
    });
    let msg = match checked {
        Ok(msg) => msg,
        Err(error) => return int_result(Err(error)),
    };
    let completion = Completion::new(lpoverlapped, lpcompletionroutine, lpnumberofbytessent);
    let flags = (dwflags & !MSG_PARTIAL) as i32;
    let send = |table: &SocketTable, data: &[u8], may_wait| {
        let to = (!msg.name.is_null())
            // SAFETY: forwarded from the caller.
            .then(|| unsafe { memory::sockaddr(msg.name, msg.namelen.into()) });
        table.send_to_waiting(handle, data, flags, to, may_wait)
    };
    // SAFETY: forwarded from the caller.
    unsafe {
        gather_send(
            handle,
            msg.lpBuffers,
            msg.dwBufferCount,
            flags,
            completion,
            Call::SendTo,
            send,
        )
    }
}
