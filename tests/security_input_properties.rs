//! Property tests for the secure-socket and data-path entry points: random bytes, lengths
//! and handles never panic, fail only with a code the function can return, leave the
//! network unchanged when they fail, and leave out-parameters untouched unless documented.

mod common;

use std::ptr;

use common::secure::*;
use common::*;
use proptest::prelude::*;
use winsock_emu::sys::*;

/// Sockets in interesting states: fresh, connected and secured, accepted, non-IP, closed.
fn populated() -> (Env, Vec<SOCKET>) {
    let env = env();
    let mut handles = vec![
        raw_socket(AF_INET, SOCK_DGRAM, 0),
        raw_socket_non_overlapped(AF_INET6, SOCK_STREAM, 0),
        raw_socket(AF_UNIX, SOCK_STREAM, 0),
    ];
    let (listener, client, accepted) = secured_connection(&env.net, "127.0.0.1:5100");
    handles.extend([listener.into_raw(), client.into_raw(), accepted.into_raw()]);
    let closed = raw_socket(AF_INET, SOCK_DGRAM, 0);
    unsafe { closesocket(closed) };
    handles.extend([closed, 0x1_0000]);
    (env, handles)
}

fn buffer_and_len() -> impl Strategy<Value = (Vec<u8>, u32)> {
    prop::collection::vec(any::<u8>(), 0..300).prop_flat_map(|bytes| {
        let max = bytes.len() as u32;
        (Just(bytes), 0..=max)
    })
}

fn check(
    rc: i32,
    allowed: &[i32],
    before: &winsock_emu::NetworkSnapshot,
    net: &winsock_emu::Network,
) -> Result<(), TestCaseError> {
    if rc == SOCKET_ERROR {
        let code = unsafe { WSAGetLastError() };
        prop_assert!(allowed.contains(&code), "unexpected code {}", code);
        prop_assert_eq!(&net.snapshot(), before, "a failed call changed the network");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 2 } else { 128 }))]

    #[test]
    fn set_security_random_input((bytes, len) in buffer_and_len(), which in 0usize..8, null in any::<bool>()) {
        let (env, handles) = populated();
        let s = handles[which % handles.len()];
        let before = env.net.snapshot();
        let ptr = if null { ptr::null() } else { bytes.as_ptr().cast() };
        let rc = unsafe { WSASetSocketSecurity(s, ptr, len, ptr::null(), None) };
        check(rc, &[WSAENOTSOCK, WSAEINVAL, WSAEMSGSIZE, WSAEISCONN], &before, &env.net)?;
    }

    #[test]
    fn query_security_random_input(
        (bytes, len) in buffer_and_len(),
        which in 0usize..8,
        info_len in 0u32..48,
        null_template in any::<bool>(),
    ) {
        let (env, handles) = populated();
        let s = handles[which % handles.len()];
        let before = env.net.snapshot();
        let template = if null_template { ptr::null() } else { bytes.as_ptr().cast() };
        let mut info = [0xABu8; 48];
        let mut io_len = info_len;
        let rc = unsafe {
            WSAQuerySocketSecurity(s, template, len, info.as_mut_ptr().cast(), &mut io_len, ptr::null(), None)
        };
        let allowed = [WSAENOTSOCK, WSAEINVAL, WSAEMSGSIZE, WSAEAFNOSUPPORT, WSAENOTCONN, WSAECONNRESET];
        check(rc, &allowed, &before, &env.net)?;
        if rc == 0 {
            prop_assert_eq!(io_len, 24);
            prop_assert!(info[24..].iter().all(|&b| b == 0xAB), "written past the structure");
        } else {
            prop_assert!(info.iter().all(|&b| b == 0xAB), "info written on failure");
            prop_assert!(io_len == info_len || io_len == 24);
        }
    }

    #[test]
    fn impersonate_random_input((bytes, len) in buffer_and_len(), which in 0usize..8, null in any::<bool>()) {
        let (env, handles) = populated();
        let s = handles[which % handles.len()];
        let before = env.net.snapshot();
        let ptr = if null { ptr::null() } else { bytes.as_ptr().cast() };
        let rc = unsafe { WSAImpersonateSocketPeer(s, ptr, len) };
        let allowed = [WSAENOTSOCK, WSAEINVAL, WSAEFAULT, WSAEMSGSIZE, WSAEAFNOSUPPORT, WSAENOTCONN, WSAEOPNOTSUPP];
        check(rc, &allowed, &before, &env.net)?;
        unsafe { WSARevertImpersonation() };
    }

    #[test]
    fn data_path_random_input((bytes, len) in buffer_and_len(), which in 0usize..8, flags in 0i32..16) {
        let (env, handles) = populated();
        let s = handles[which % handles.len()];
        let before = env.net.snapshot();
        let rc = unsafe { sendto(s, bytes.as_ptr(), len as i32, flags, bytes.as_ptr().cast(), len as i32) };
        let allowed = [
            WSAENOTSOCK, WSAEOPNOTSUPP, WSAEDESTADDRREQ, WSAEFAULT, WSAEAFNOSUPPORT, WSAEADDRNOTAVAIL,
            WSAEMSGSIZE, WSAESHUTDOWN, WSAENOTCONN, WSAECONNRESET, WSAETIMEDOUT, WSAENOBUFS,
        ];
        check(rc.min(0), &allowed, &before, &env.net)?;
        let mut buf = vec![0u8; len as usize];
        let rc = unsafe { recv(s, buf.as_mut_ptr(), len as i32, flags) };
        prop_assert!(rc >= SOCKET_ERROR);
    }
}
