//! The secure-socket functions and WSASendTo on overlapped sockets: they complete through
//! the OVERLAPPED exactly as WSASetSocketPeerTargetName does (docs/overlapped.md), at once
//! by default, or later when the network defers them.

mod common;
mod overlapped_support;

use std::ptr;

use common::secure::*;
use common::*;
use overlapped_support::{
    alertable_poll, is_signalled, new_event, record, take_records, Ov, SENTINEL,
};
use winsock_emu::sys::*;
use winsock_emu::SecuritySettings;

fn last() -> i32 {
    unsafe { WSAGetLastError() }
}

#[test]
fn set_security_completes_through_the_event_and_takes_effect() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_STREAM, 0); // socket() is overlapped
    let ov = Ov::new(new_event());
    let settings = SecuritySettings::default().to_bytes();
    let rc = unsafe { WSASetSocketSecurity(s, settings.as_ptr().cast(), 8, ov.ptr(), None) };
    assert_eq!(rc, 0);
    assert_eq!(ov.status(), (0, 0));
    assert!(is_signalled(ov.event()));
    assert!(env.net.snapshot().sockets[0].security.is_some());
    unsafe { WSACloseEvent(ov.event() as WSAEVENT) };
}

#[test]
fn query_completes_through_a_routine_with_24_bytes() {
    let env = env();
    let (_listener, client, _accepted) = secured_connection(&env.net, "127.0.0.1:7300");
    let ov = Ov::new(ptr::null_mut());
    let mut info = SOCKET_SECURITY_QUERY_INFO::default();
    let mut len = 24u32;
    let rc = unsafe {
        WSAQuerySocketSecurity(
            client.as_raw(),
            ptr::null(),
            0,
            &mut info,
            &mut len,
            ov.ptr(),
            Some(record),
        )
    };
    assert_eq!((rc, len, info.Flags), (0, 24, 3));
    assert_eq!(
        ov.status(),
        (0, 24),
        "InternalHigh = the bytes of the answer"
    );
    assert_eq!(alertable_poll(), WAIT_IO_COMPLETION);
    assert_eq!(take_records(), vec![(0, 24, ov.ptr() as usize, 0)]);
}

#[test]
fn ioctl_query_may_omit_bytes_returned_with_an_overlapped() {
    let env = env();
    let (_listener, client, _accepted) = secured_connection(&env.net, "127.0.0.1:7301");
    let ov = Ov::new(new_event());
    let mut info = [0u8; 24];
    let rc = unsafe {
        WSAIoctl(
            client.as_raw(),
            SIO_QUERY_SECURITY,
            ptr::null(),
            0,
            info.as_mut_ptr().cast(),
            24,
            ptr::null_mut(),
            ov.ptr(),
            None,
        )
    };
    assert_eq!(rc, 0);
    assert_eq!(ov.status(), (0, 24));
    assert_eq!(info[4], 3, "SECURED | ENCRYPTED");
    unsafe { WSACloseEvent(ov.event() as WSAEVENT) };
}

#[test]
fn deferred_calls_pend_after_taking_effect_and_leave_counts_unwritten() {
    let env = env();
    let (_listener, client, _accepted) = secured_connection(&env.net, "127.0.0.1:7302");
    let fresh = raw_socket(AF_INET, SOCK_STREAM, 0);
    env.net.defer_overlapped(2);
    let ov = Ov::new(new_event());
    let rc = unsafe { WSASetSocketSecurity(fresh, ptr::null(), 0, ov.ptr(), None) };
    assert_eq!((rc, last()), (SOCKET_ERROR, WSA_IO_PENDING));
    assert!(env
        .net
        .snapshot()
        .sockets
        .iter()
        .any(|s| s.handle == fresh && s.security.is_some()));
    let query_ov = Ov::new(new_event());
    let mut info = SOCKET_SECURITY_QUERY_INFO::default();
    let mut len = 24u32;
    let rc = unsafe {
        WSAQuerySocketSecurity(
            client.as_raw(),
            ptr::null(),
            0,
            &mut info,
            &mut len,
            query_ov.ptr(),
            None,
        )
    };
    assert_eq!((rc, last()), (SOCKET_ERROR, WSA_IO_PENDING));
    assert_eq!(len, 24, "the in value, not rewritten while pending");
    assert_eq!(info.Flags, 3, "the buffer may be filled before completion");
    for pending in env.net.pending_operations() {
        assert!(pending.complete());
    }
    assert_eq!(query_ov.status(), (0, 24));
    assert!(is_signalled(query_ov.event()));
    unsafe {
        WSACloseEvent(ov.event() as WSAEVENT);
        WSACloseEvent(query_ov.event() as WSAEVENT);
    }
}

#[test]
fn errors_found_first_return_at_once_and_touch_no_overlapped() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_STREAM, 0);
    let ov = Ov::new(new_event());
    let short = [0u8; 4];
    let rc = unsafe { WSASetSocketSecurity(s, short.as_ptr().cast(), 4, ov.ptr(), None) };
    assert_eq!((rc, last()), (SOCKET_ERROR, WSAEMSGSIZE));
    let mut len = 0u32;
    let rc = unsafe {
        WSAQuerySocketSecurity(s, ptr::null(), 0, ptr::null_mut(), &mut len, ov.ptr(), None)
    };
    assert_eq!((rc, last(), len), (SOCKET_ERROR, WSAENOTCONN, 0));
    assert_eq!(ov.status(), (0x5e47, 0x5e47), "the OVERLAPPED is untouched");
    assert!(!is_signalled(ov.event()));
    assert!(env.net.pending_operations().is_empty());
    unsafe { WSACloseEvent(ov.event() as WSAEVENT) };
}

#[test]
fn wsasendto_completes_with_the_bytes_sent() {
    let env = env();
    let server = env
        .net
        .socket(winsock_emu::Domain::IPV4, winsock_emu::Type::DGRAM, None)
        .unwrap();
    server.bind("127.0.0.1:7303".parse().unwrap()).unwrap();
    let client = raw_socket(AF_INET, SOCK_DGRAM, 0);
    let data = *b"overlapped";
    let buffer = WSABUF {
        len: data.len() as u32,
        buf: data.as_ptr() as *mut u8,
    };
    let to = sockaddr("127.0.0.1:7303".parse().unwrap());
    let ov = Ov::new(new_event());
    let mut sent = SENTINEL;
    let rc = unsafe {
        WSASendTo(
            client,
            &buffer,
            1,
            &mut sent,
            0,
            to.as_ptr().cast(),
            16,
            ov.ptr(),
            None,
        )
    };
    assert_eq!((rc, sent), (0, 10));
    assert_eq!(ov.status(), (0, 10));
    env.net.defer_overlapped(1);
    let mut sent = SENTINEL;
    let rc = unsafe {
        WSASendTo(
            client,
            &buffer,
            1,
            &mut sent,
            0,
            to.as_ptr().cast(),
            16,
            ov.ptr(),
            None,
        )
    };
    assert_eq!((rc, last(), sent), (SOCKET_ERROR, WSA_IO_PENDING, SENTINEL));
    let mut buf = [0u8; 16];
    assert_eq!(server.recv(&mut buf), Ok(10));
    assert_eq!(
        server.recv(&mut buf),
        Ok(10),
        "the deferred send took effect at once"
    );
    for pending in env.net.pending_operations() {
        assert!(pending.complete());
    }
    unsafe { WSACloseEvent(ov.event() as WSAEVENT) };
}
