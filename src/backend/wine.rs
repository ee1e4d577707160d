//! The real Winsock run under Wine: which Wine, and the answers by which Wine says it does
//! not implement a call that Windows implements.
//!
//! Wine's `ws2_32` is an independent Winsock whose conformance tests
//! (`dlls/ws2_32/tests/sock.c`) are checked against real Windows, so the `Native` backend
//! run under Wine checks the emulator's everyday calls against a second implementation.
//! Some calls Wine does not implement; they are found by running them, never listed:
//!
//! - the four secure-socket `WSAIoctl` codes (`SIO_SET_SECURITY`, `SIO_QUERY_SECURITY`,
//!   `SIO_SET_PEER_TARGET_NAME`, `SIO_DELETE_PEER_TARGET_NAME`), which Windows implements
//!   ([SIO_SET_SECURITY](https://learn.microsoft.com/en-us/windows/win32/winsock/sio-set-security)),
//!   and which Wine answers with `WSAEOPNOTSUPP`, its answer to a code it does not know;
//! - `AF_UNIX` sockets, which Windows implements since Windows 10 1803
//!   ([AF_UNIX comes to Windows](https://devblogs.microsoft.com/commandline/af_unix-comes-to-windows/))
//!   and Wine 8.0 answers with `WSAEAFNOSUPPORT`;
//! - `SO_CONDITIONAL_ACCEPT`, which Windows implements
//!   ([SOL_SOCKET socket options](https://learn.microsoft.com/en-us/windows/win32/winsock/sol-socket-socket-options):
//!   Get yes, Set yes) and Wine 8.0's `setsockopt` answers with `WSAENOPROTOOPT`, its
//!   answer to an option it does not know;
//! - `TransmitPackets`, which Windows implements
//!   ([TransmitPackets](https://learn.microsoft.com/windows/win32/api/mswsock/nc-mswsock-lpfn_transmitpackets))
//!   and whose `WSAID_TRANSMITPACKETS` Wine 8.0's `SIO_GET_EXTENSION_FUNCTION_POINTER`
//!   answers with `WSAEINVAL`, its answer to a GUID it does not know;
//! - the `fwpuclnt.dll` functions (`WSASetSocketPeerTargetName` and the rest), which are
//!   stubs in Wine that abort the process: those are found by the conformance runner's
//!   process per case ([`crate::conformance::isolate`]), since nothing survives them.
//!
//! (An overlapped `WSAIoctl` with one of those codes pends under Wine, where Windows
//! completes it at once, and ends with `WSAEOPNOTSUPP`: [`after_pending_ioctl`].)
//!
//! A call met with one of these answers is noted; the conformance suite reads the note at
//! the end of a scenario ([`crate::backend::Backend::take_not_implemented`]) and reports
//! the case `n/a: not implemented by Wine <version>: <call>`, whatever the scenario
//! observed: a result from a call Wine does not implement says nothing about the rule.
#![forbid(unsafe_code)]

use parking_lot::Mutex;
use windows_sys::core::GUID;
use windows_sys::Win32::Networking::WinSock::{
    AF_UNIX, SIO_DELETE_PEER_TARGET_NAME, SIO_GET_EXTENSION_FUNCTION_POINTER, SIO_QUERY_SECURITY,
    SIO_SET_PEER_TARGET_NAME, SIO_SET_SECURITY, SOL_SOCKET, SO_CONDITIONAL_ACCEPT, WSAEAFNOSUPPORT,
    WSAEINVAL, WSAENOPROTOOPT, WSAEOPNOTSUPP, WSAID_TRANSMITPACKETS, WSA_IO_INCOMPLETE,
    WSA_IO_PENDING,
};

use super::{not_implemented_by_wine, wine_version as version, CallResult, Code};

/// The first call of the running scenario that Wine answered as not implemented.
static NOT_IMPLEMENTED: Mutex<Option<String>> = Mutex::new(None);

/// The secure-socket `WSAIoctl` codes by name, `None` for any other code.
fn secure_ioctl_name(code: u32) -> Option<&'static str> {
    match code {
        SIO_SET_SECURITY => Some("SIO_SET_SECURITY"),
        SIO_QUERY_SECURITY => Some("SIO_QUERY_SECURITY"),
        SIO_SET_PEER_TARGET_NAME => Some("SIO_SET_PEER_TARGET_NAME"),
        SIO_DELETE_PEER_TARGET_NAME => Some("SIO_DELETE_PEER_TARGET_NAME"),
        _ => None,
    }
}

/// Notes `call` as not implemented, unless an earlier call of the scenario was.
fn note(call: String) {
    NOT_IMPLEMENTED.lock().get_or_insert(call);
}

/// After `WSAIoctl(code)` gave `result`: under Wine, a secure-socket code answered with
/// `WSAEOPNOTSUPP` is noted.
pub(super) fn after_ioctl<T>(code: u32, result: &CallResult<T>) {
    if let (Some(_), Some(name), Err(Code(WSAEOPNOTSUPP))) =
        (version(), secure_ioctl_name(code), result)
    {
        note(format!("WSAIoctl({name})"));
    }
}

/// A GUID's 16 bytes, as `WSAIoctl` reads them.
pub(super) fn guid_bytes(guid: GUID) -> [u8; 16] {
    let mut bytes = [0u8; 16];
    bytes[..4].copy_from_slice(&guid.data1.to_le_bytes());
    bytes[4..6].copy_from_slice(&guid.data2.to_le_bytes());
    bytes[6..8].copy_from_slice(&guid.data3.to_le_bytes());
    bytes[8..].copy_from_slice(&guid.data4);
    bytes
}

/// After `WSAIoctl(code)` with `input` gave `result`: under Wine,
/// `SIO_GET_EXTENSION_FUNCTION_POINTER` for `WSAID_TRANSMITPACKETS` refused with
/// `WSAEINVAL` is noted ([`after_ioctl`] notes the secure-socket codes).
pub(super) fn after_extension_lookup<T>(code: u32, input: &[u8], result: &CallResult<T>) {
    if let (Some(_), SIO_GET_EXTENSION_FUNCTION_POINTER, Err(Code(WSAEINVAL))) =
        (version(), code, result)
    {
        if input == guid_bytes(WSAID_TRANSMITPACKETS) {
            note("SIO_GET_EXTENSION_FUNCTION_POINTER(WSAID_TRANSMITPACKETS)".to_owned());
        }
    }
}

/// Whether an overlapped call's `result` says it pended (`WSA_IO_PENDING`).
pub(super) fn pended(result: &CallResult) -> bool {
    *result == Err(Code(WSA_IO_PENDING))
}

/// How many times, 10 ms apart, [`after_pending_ioctl`] looks whether the operation ended.
const POLLS: u32 = 200;

/// After an overlapped `WSAIoctl(code)` pended: under Wine, for a secure-socket code
/// (which Windows completes at once), looks at the operation's result (`result`:
/// `WSAGetOverlappedResult` without waiting, which runs no completion routine and changes
/// nothing) until it ends, at most two seconds; ended with `WSAEOPNOTSUPP`, it is noted.
pub(super) fn after_pending_ioctl(code: u32, mut result: impl FnMut() -> CallResult<u32>) {
    if version().is_none() || secure_ioctl_name(code).is_none() {
        return;
    }
    for _ in 0..POLLS {
        match result() {
            Err(Code(WSA_IO_INCOMPLETE)) => {
                std::thread::sleep(std::time::Duration::from_millis(10))
            }
            ended => return after_ioctl(code, &ended),
        }
    }
}

/// After `socket(af, ...)` or `WSASocketW(af, ...)` gave `result`: under Wine, an `AF_UNIX`
/// socket refused with `WSAEAFNOSUPPORT` is noted.
pub(super) fn after_socket<T>(af: u16, result: &CallResult<T>) {
    if let (Some(_), AF_UNIX, Err(Code(WSAEAFNOSUPPORT))) = (version(), af, result) {
        note("socket(AF_UNIX)".to_owned());
    }
}

/// After `setsockopt(level, name, ...)` gave `result`: under Wine, `SO_CONDITIONAL_ACCEPT`
/// refused with `WSAENOPROTOOPT` is noted.
pub(super) fn after_setsockopt<T>(level: i32, name: i32, result: &CallResult<T>) {
    if let (Some(_), SOL_SOCKET, SO_CONDITIONAL_ACCEPT, Err(Code(WSAENOPROTOOPT))) =
        (version(), level, name, result)
    {
        note("setsockopt(SO_CONDITIONAL_ACCEPT)".to_owned());
    }
}

/// The call noted since the last take, as the reason a case is not applicable (`not
/// implemented by Wine 8.0: WSAIoctl(SIO_SET_SECURITY)`); clears the note.
pub(super) fn take_not_implemented() -> Option<String> {
    let call = NOT_IMPLEMENTED.lock().take()?;
    Some(not_implemented_by_wine(version()?, &call))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secure_codes_are_named_and_no_other() {
        assert_eq!(
            secure_ioctl_name(SIO_SET_SECURITY),
            Some("SIO_SET_SECURITY")
        );
        assert_eq!(
            secure_ioctl_name(SIO_DELETE_PEER_TARGET_NAME),
            Some("SIO_DELETE_PEER_TARGET_NAME")
        );
        assert_eq!(
            secure_ioctl_name(windows_sys::Win32::Networking::WinSock::SIO_UDP_CONNRESET),
            None
        );
    }

    #[test]
    fn only_wine_notes_and_the_first_note_is_kept() {
        let _ = take_not_implemented();
        after_ioctl::<u32>(SIO_SET_SECURITY, &Err(Code(WSAEOPNOTSUPP)));
        after_socket::<usize>(AF_UNIX, &Err(Code(WSAEAFNOSUPPORT)));
        after_setsockopt::<()>(
            SOL_SOCKET,
            SO_CONDITIONAL_ACCEPT,
            &Err(Code(WSAENOPROTOOPT)),
        );
        after_ioctl::<u32>(SIO_SET_SECURITY, &Ok(0));
        match version() {
            Some(wine) => assert_eq!(
                take_not_implemented(),
                Some(format!(
                    "not implemented by Wine {wine}: WSAIoctl(SIO_SET_SECURITY)"
                ))
            ),
            None => assert_eq!(take_not_implemented(), None, "real Windows notes nothing"),
        }
        assert_eq!(take_not_implemented(), None, "taking clears the note");
    }
}
