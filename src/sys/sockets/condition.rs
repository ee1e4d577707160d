//! Calling `WSAAccept`'s condition function: the caller and callee IDs it is shown, and
//! what its answer means.
use std::ptr;

use windows_sys::Win32::Networking::WinSock::{CF_ACCEPT, CF_DEFER, CF_REJECT, QOS, WSABUF};

use crate::model::{Verdict, Waiting};
use crate::wire::encode_sockaddr;

/// A condition function, as `LPCONDITIONPROC` holds it.
pub(in crate::sys) type ConditionProc = unsafe extern "system" fn(
    *mut WSABUF,
    *mut WSABUF,
    *mut QOS,
    *mut QOS,
    *mut WSABUF,
    *mut WSABUF,
    *mut u32,
    usize,
) -> i32;

/// Calls `condition` about the `waiting` connection and reads its answer. It is shown the
/// client's address in `lpCallerId` and the address the client connected to in
/// `lpCalleeId`, each a `WSABUF` over a `SOCKADDR_IN` or `SOCKADDR_IN6`; the connect data
/// and QOS pointers are NULL (the emulator carries neither), `g` points to 0, and
/// `callback_data` is passed through ([`crate::choices::ACCEPT_CONDITION_FUNCTION`]).
/// No lock is held: the function may call any `sys` function.
///
/// # Safety
/// `condition` must be sound to call with these arguments, valid only during the call.
pub(in crate::sys) unsafe fn ask(
    condition: ConditionProc,
    waiting: Waiting,
    callback_data: usize,
) -> Verdict {
    let (mut caller, caller_len) = encode_sockaddr(waiting.from);
    let (mut callee, callee_len) = encode_sockaddr(waiting.to);
    let mut caller_id = WSABUF {
        len: caller_len as u32,
        buf: caller.as_mut_ptr(),
    };
    let mut callee_id = WSABUF {
        len: callee_len as u32,
        buf: callee.as_mut_ptr(),
    };
    let mut group = 0u32;
    // SAFETY: every pointer is NULL or to a live local, as the caller promises the function
    // expects.
    let answer = unsafe {
        condition(
            &mut caller_id,
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null_mut(),
            &mut callee_id,
            ptr::null_mut(),
            &mut group,
            callback_data,
        )
    };
    match u32::try_from(answer) {
        Ok(CF_ACCEPT) => Verdict::Accept,
        Ok(CF_REJECT) => Verdict::Reject,
        Ok(CF_DEFER) => Verdict::Defer,
        _ => Verdict::Other,
    }
}
