//! The documented rules of `select`, `WSAPoll`, `WSAEventSelect` and
//! `WSAEnumNetworkEvents`, one function each. Each doc comment paraphrases the rule and
//! names its page.
//!
//! Sources: [select], [WSAPoll], [WSAEventSelect], [WSAEnumNetworkEvents], [ioctlsocket].
//!
//! [select]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-select
//! [WSAPoll]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsapoll
//! [WSAEventSelect]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaeventselect
//! [WSAEnumNetworkEvents]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaenumnetworkevents
//! [ioctlsocket]: https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-ioctlsocket
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    FD_MAX_EVENTS, POLLRDBAND, POLLRDNORM, POLLWRNORM, SOCKET, WSAPOLL_EVENT_FLAGS,
};

/// `FD_ALL_EVENTS`: the ten event bits, `(1 << FD_MAX_EVENTS) - 1` (winsock2.h).
pub const FD_ALL_EVENTS: u32 = (1 << FD_MAX_EVENTS) - 1;
use crate::error::{Error, Result};

/// `WSAEINVAL`: "The time-out value is not valid, or all three descriptor parameters were
/// NULL." Windows gives the same for sets that are present but all empty (facts 2.2: "each
/// non-NULL set must contain at least one handle to a socket"). Source: select.
pub fn select_has_a_handle(handles: usize) -> Result<()> {
    if handles == 0 {
        return Err(Error::Invalid);
    }
    Ok(())
}

/// `WSAEINVAL`: "The time-out value is not valid": a negative `tv_sec` or `tv_usec`
/// ([`crate::choices::SELECT_TIMEOUT_VALIDITY`]). Source: select.
pub fn select_timeout_is_valid(seconds: i32, microseconds: i32) -> Result<()> {
    if seconds < 0 || microseconds < 0 {
        return Err(Error::Invalid);
    }
    Ok(())
}

/// "If the fd member of the WSAPOLLFD structure is set to a negative value, the structure
/// is ignored by the WSAPoll function call, and the revents member is cleared [POLLNVAL on
/// current Windows] upon return." A `SOCKET` is unsigned; a negative value is one whose top
/// bit is set, as `INVALID_SOCKET` (`~0`) is. Source: WSAPoll (WSAPOLLFD).
pub fn poll_fd_ignored(fd: SOCKET) -> bool {
    (fd as isize) < 0
}

/// `WSAEINVAL`: "An invalid parameter was passed to the function": `events` may hold only
/// `POLLRDNORM`, `POLLRDBAND` and `POLLWRNORM` (so `POLLIN` and `POLLOUT`); `POLLPRI` is
/// not supported by the Microsoft provider and any other flag fails the call.
/// Source: WSAPoll (WSAPOLLFD).
pub fn poll_events_supported(events: WSAPOLL_EVENT_FLAGS) -> Result<()> {
    if events & !(POLLRDNORM | POLLRDBAND | POLLWRNORM) != 0 {
        return Err(Error::Invalid);
    }
    Ok(())
}

/// `WSAEINVAL`: "Indicates that one of the specified parameters was invalid": network
/// events outside the ten `FD_*` bits (`FD_ALL_EVENTS`), or a non-zero mask with no event
/// object ([`crate::choices::EVENT_SELECT_ARGUMENTS`]). Source: WSAEventSelect.
pub fn event_select_arguments_valid(mask: i32, event_is_live: bool) -> Result<()> {
    if mask as u32 & !FD_ALL_EVENTS != 0 || (mask != 0 && !event_is_live) {
        return Err(Error::Invalid);
    }
    Ok(())
}

/// `WSAEFAULT`: "The lpNetworkEvents parameter is not a valid part of the user address
/// space." Source: WSAEnumNetworkEvents.
pub fn network_events_present(is_null: bool) -> Result<()> {
    if is_null {
        return Err(Error::Fault);
    }
    Ok(())
}

/// `WSAEINVAL`: while `WSAEventSelect` has a selection on the socket, `ioctlsocket(FIONBIO)`
/// with a zero argument fails: "To set the socket back to blocking mode, an application must
/// first disable WSAEventSelect by calling WSAEventSelect with the lNetworkEvents parameter
/// equal to zero." Source: ioctlsocket, WSAEventSelect.
pub fn blocking_mode_allowed(selected: bool, nonblocking: bool) -> Result<()> {
    if selected && !nonblocking {
        return Err(Error::Invalid);
    }
    Ok(())
}
