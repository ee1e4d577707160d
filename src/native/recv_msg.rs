//! `WSARecvMsg`, looked up as Windows code looks it up: `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)`
//! with `WSAID_WSARECVMSG`, then called through the `LPFN_WSARECVMSG` it gives.
use std::ptr;

use windows_sys::Win32::Networking::WinSock::{
    LPFN_WSARECVMSG, SOCKET, WSABUF, WSAID_WSARECVMSG, WSAMSG,
};

use super::data::{count_result, sender};
use super::ioctl::extension_function;
use super::Winsock;
use crate::backend::ReceivedMsg;
use crate::wire::MAX_SOCKADDR_LEN;

/// `WSARecvMsg(s, &msg, &received, NULL, NULL)` with a `WSAMSG` over one buffer of
/// `capacity` bytes, a name of a `SOCKADDR_STORAGE`'s size and `control` bytes of control
/// room (`Control.buf` NULL when 0), `dwFlags` 0; or with a NULL `lpMsg` when `msg` is
/// false. The function comes from `WSAIoctl` with `WSAID_WSARECVMSG` (its failure is the
/// result).
pub(crate) fn wsa_recv_msg(
    api: &Winsock,
    s: SOCKET,
    msg: bool,
    capacity: u16,
    control: u16,
) -> ReceivedMsg {
    let mut outcome = ReceivedMsg {
        result: Ok(0),
        data: Vec::new(),
        from: None,
        control: Vec::new(),
        flags: 0,
    };
    // SAFETY: LPFN_WSARECVMSG is the type WSAID_WSARECVMSG's function has.
    let function = match unsafe { extension_function::<LPFN_WSARECVMSG>(api, s, WSAID_WSARECVMSG) }
    {
        Ok(Some(function)) => function,
        Ok(None) => return outcome,
        Err(code) => {
            outcome.result = Err(code);
            return outcome;
        }
    };
    let mut data = vec![0u8; usize::from(capacity)];
    let mut buffer = WSABUF {
        len: u32::from(capacity),
        buf: data.as_mut_ptr(),
    };
    let mut name = [0u64; MAX_SOCKADDR_LEN / 8];
    let mut room = vec![0u64; usize::from(control).div_ceil(8)];
    let mut message = WSAMSG {
        name: name.as_mut_ptr().cast(),
        namelen: MAX_SOCKADDR_LEN as i32,
        lpBuffers: &mut buffer,
        dwBufferCount: 1,
        Control: WSABUF {
            len: u32::from(control),
            buf: if control == 0 {
                ptr::null_mut()
            } else {
                room.as_mut_ptr().cast()
            },
        },
        dwFlags: 0,
    };
    let lpmsg = if msg {
        &raw mut message
    } else {
        ptr::null_mut()
    };
    let mut received = 0u32;
    // SAFETY: `lpmsg` is NULL or a live WSAMSG whose name holds `namelen` writable bytes,
    // whose one WSABUF covers `data` and whose control buffer holds `control` writable
    // bytes (8-aligned); `received` is a live u32; all outlive the call, which has no
    // overlapped arguments.
    let rc = unsafe { function(s, lpmsg, &mut received, ptr::null_mut(), None) };
    outcome.result = count_result(api, rc);
    data.truncate((received as usize).min(data.len()));
    outcome.data = data;
    outcome.from = sender(&name, message.namelen);
    let room_bytes: Vec<u8> = room.iter().flat_map(|word| word.to_ne_bytes()).collect();
    let used = (message.Control.len as usize).min(usize::from(control));
    outcome.control = room_bytes[..used].to_vec();
    outcome.flags = message.dwFlags;
    outcome
}
