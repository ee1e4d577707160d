//! `select`, `WSAPoll`, `WSAEventSelect` and `WSAEnumNetworkEvents`.
use std::ptr;

use windows_sys::Win32::Networking::WinSock::{
    FD_SET, FD_SETSIZE, SOCKET, SOCKET_ERROR, TIMEVAL, WSAEVENT, WSANETWORKEVENTS, WSAPOLLFD,
};

use super::data::count_result;
use super::{last_error, Winsock};
use crate::backend::{CallResult, Code, Selected};

/// An `FD_SET` holding the first `FD_SETSIZE` of `handles`.
fn fd_set(handles: &[SOCKET]) -> FD_SET {
    let mut set = FD_SET::default();
    let count = handles.len().min(FD_SETSIZE as usize);
    set.fd_array[..count].copy_from_slice(&handles[..count]);
    set.fd_count = count as u32;
    set
}

/// The handles `set` holds after a call.
fn members(set: &FD_SET) -> Vec<SOCKET> {
    set.fd_array[..(set.fd_count as usize).min(FD_SETSIZE as usize)].to_vec()
}

/// `select(0, read, write, except, timeout)` over at most 64 handles per set, an empty
/// list passed as NULL; `timeout` is `(tv_sec, tv_usec)`, `None` a NULL timeout. The count
/// and the sets after.
pub(crate) fn select(
    api: &Winsock,
    sets: [&[SOCKET]; 3],
    timeout: Option<(i32, i32)>,
) -> CallResult<Selected> {
    let mut fd_sets = sets.map(fd_set);
    let timeout = timeout.map(|(tv_sec, tv_usec)| TIMEVAL { tv_sec, tv_usec });
    let [read, write, except] = &mut fd_sets;
    let pointer = |set: &mut FD_SET, handles: &[SOCKET]| -> *mut FD_SET {
        if handles.is_empty() {
            ptr::null_mut()
        } else {
            set
        }
    };
    // SAFETY: each non-NULL set is a live FD_SET of FD_SETSIZE handles holding at most
    // that many; the TIMEVAL is live; all outlive the call.
    let rc = unsafe {
        (api.select)(
            0,
            pointer(read, sets[0]),
            pointer(write, sets[1]),
            pointer(except, sets[2]),
            timeout
                .as_ref()
                .map_or(ptr::null(), |t| t as *const TIMEVAL),
        )
    };
    let count = count_result(api, rc)?;
    let [read, write, except] = fd_sets.each_ref().map(members);
    Ok(Selected {
        count,
        read,
        write,
        except,
    })
}

/// `WSAPoll` over `(fd, events)` entries: the count and each `revents`.
pub(crate) fn poll(
    api: &Winsock,
    entries: &[(SOCKET, i16)],
    timeout_ms: i32,
) -> CallResult<(u32, Vec<i16>)> {
    let mut fds: Vec<WSAPOLLFD> = entries
        .iter()
        .map(|&(fd, events)| WSAPOLLFD {
            fd,
            events,
            revents: 0,
        })
        .collect();
    // SAFETY: `fds` holds `fds.len()` live entries for the whole call.
    let rc = unsafe { (api.wsa_poll)(fds.as_mut_ptr(), fds.len() as u32, timeout_ms) };
    let count = count_result(api, rc)?;
    Ok((count, fds.iter().map(|fd| fd.revents).collect()))
}

/// `WSAEventSelect(s, event, mask)`.
pub(crate) fn event_select(api: &Winsock, s: SOCKET, event: WSAEVENT, mask: u32) -> CallResult {
    // SAFETY: no pointers.
    let rc = unsafe { (api.event_select)(s, event, mask as i32) };
    if rc == SOCKET_ERROR {
        return Err(Code(last_error::get(api)));
    }
    Ok(())
}

/// `WSAEnumNetworkEvents(s, event, &events)`: `lNetworkEvents` and `iErrorCode` (entries
/// not written by the call hold 0).
pub(crate) fn enum_network_events(
    api: &Winsock,
    s: SOCKET,
    event: WSAEVENT,
) -> CallResult<(u32, [i32; 10])> {
    let mut events = WSANETWORKEVENTS::default();
    // SAFETY: `events` is a live WSANETWORKEVENTS for the whole call.
    let rc = unsafe { (api.enum_network_events)(s, event, &mut events) };
    if rc == SOCKET_ERROR {
        return Err(Code(last_error::get(api)));
    }
    Ok((events.lNetworkEvents as u32, events.iErrorCode))
}
