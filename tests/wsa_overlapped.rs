//! `WSASend`, `WSARecv` and `WSARecvFrom` on overlapped sockets: they complete through the
//! `OVERLAPPED` exactly as the other overlapped calls do (docs/overlapped.md), with the byte
//! count in `InternalHigh`, the routine's `cbTransferred` and `WSAGetOverlappedResult`.

mod common;
mod overlapped_support;

use std::net::SocketAddr;
use std::ptr;

use common::wsa::{filled, recv_bufs, send_bufs, stream_pair, Sender, FILL};
use common::*;
use overlapped_support::{
    alertable_poll, is_signalled, new_event, overlapped_result, record, take_records, Ov, SENTINEL,
};
use winsock_emu::sys::*;
use winsock_emu::{Domain, Socket, Type};

const STATUS_PENDING: usize = 0x103;

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

/// `(rc, last error or 0)`.
fn returned(rc: i32) -> (i32, i32) {
    (rc, if rc == 0 { 0 } else { last_error() })
}

/// `WSARecv` into `bufs` through `ov` and `routine`: `(rc, error, count, flags)`.
fn recv_overlapped(
    s: SOCKET,
    bufs: &[WSABUF],
    flags: u32,
    ov: &Ov,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> (i32, i32, u32, u32) {
    let (mut count, mut flags) = (SENTINEL, flags);
    let rc = unsafe {
        WSARecv(
            s,
            bufs.as_ptr(),
            bufs.len() as u32,
            &mut count,
            &mut flags,
            ov.ptr(),
            routine,
        )
    };
    let (rc, error) = returned(rc);
    (rc, error, count, flags)
}

/// `WSASend` of `bufs` through `ov` (`count`: whether `lpNumberOfBytesSent` is given).
fn send_overlapped(s: SOCKET, bufs: &[WSABUF], ov: &Ov, count: bool) -> (i32, i32, u32) {
    let mut sent = SENTINEL;
    let sent_ptr: *mut u32 = if count { &mut sent } else { ptr::null_mut() };
    let rc = unsafe {
        WSASend(
            s,
            bufs.as_ptr(),
            bufs.len() as u32,
            sent_ptr,
            0,
            ov.ptr(),
            None,
        )
    };
    let (rc, error) = returned(rc);
    (rc, error, sent)
}

fn close_event(ov: &Ov) {
    unsafe { WSACloseEvent(ov.event() as WSAEVENT) };
}

#[test]
fn wsasend_and_wsarecv_complete_through_the_event_with_the_count() {
    let env = env();
    let (client, server) = stream_pair(&env, "127.0.0.1:6200");
    let ov = Ov::new(new_event());
    let bufs = send_bufs(&[b"he", b"llo"]);
    assert_eq!(
        send_overlapped(client.as_raw(), &bufs, &ov, true),
        (0, 0, 5)
    );
    assert_eq!(ov.status(), (0, 5));
    assert!(is_signalled(ov.event()));
    assert_eq!(
        overlapped_result(client.as_raw(), &ov, false),
        (TRUE, 0, 5, 0)
    );

    let received = Ov::new(new_event());
    let mut buffers = filled(&[2, 8]);
    let bufs = recv_bufs(&mut buffers);
    let reported = recv_overlapped(server.as_raw(), &bufs, 0, &received, None);
    assert_eq!(reported, (0, 0, 5, 0));
    assert_eq!(buffers.concat()[..5], *b"hello");
    assert_eq!(received.status(), (0, 5));
    assert!(is_signalled(received.event()));
    assert_eq!(
        overlapped_result(server.as_raw(), &received, true),
        (TRUE, 0, 5, 0)
    );
    close_event(&ov);
    close_event(&received);
}

#[test]
fn wsarecvfrom_completes_through_a_routine_in_an_alertable_wait() {
    let env = env();
    let server = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    server.bind(addr("127.0.0.1:6201")).unwrap();
    let client = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    client.bind(addr("127.0.0.1:6202")).unwrap();
    client.send_to(b"datagram", addr("127.0.0.1:6201")).unwrap();

    let ov = Ov::new(ptr::null_mut());
    let mut buffers = filled(&[3, 5]);
    let bufs = recv_bufs(&mut buffers);
    let mut from = Sender::room(16);
    let (mut count, mut flags) = (SENTINEL, 0);
    let rc = unsafe {
        WSARecvFrom(
            server.as_raw(),
            bufs.as_ptr(),
            2,
            &mut count,
            &mut flags,
            from.addr.as_mut_ptr().cast(),
            &mut from.len,
            ov.ptr(),
            Some(record),
        )
    };
    assert_eq!((rc, count, flags), (0, 8, 0));
    assert_eq!(buffers.concat(), b"datagram");
    assert_eq!(from.written(), sockaddr(addr("127.0.0.1:6202")));
    assert!(take_records().is_empty(), "only in an alertable wait");
    assert_eq!(alertable_poll(), WAIT_IO_COMPLETION);
    assert_eq!(take_records(), [(0, 8, ov.ptr() as usize, 0)]);
}

#[test]
fn a_deferred_receive_has_its_data_at_once_and_reports_later() {
    let env = env();
    let (client, server) = stream_pair(&env, "127.0.0.1:6203");
    server.set_nonblocking(false).unwrap(); // MSG_WAITALL needs a blocking socket
    client.send(b"later").unwrap();
    env.net.defer_overlapped(1);
    let ov = Ov::new(new_event());
    let mut buffers = filled(&[5]);
    let bufs = recv_bufs(&mut buffers);
    let waitall = MSG_WAITALL as u32;
    let reported = recv_overlapped(server.as_raw(), &bufs, waitall, &ov, None);
    assert_eq!(
        reported,
        (SOCKET_ERROR, WSA_IO_PENDING, SENTINEL, waitall),
        "count and flags unwritten"
    );
    assert_eq!(buffers[0], b"later", "the data is in the buffers at once");
    assert_eq!(ov.status().0, STATUS_PENDING);
    assert!(!is_signalled(ov.event()));
    assert_eq!(
        overlapped_result(server.as_raw(), &ov, false),
        (FALSE, WSA_IO_INCOMPLETE, SENTINEL, SENTINEL)
    );
    let pending = env.net.pending_operations();
    assert_eq!(pending.len(), 1);
    assert!(pending[0].complete());
    assert_eq!(ov.status(), (0, 5));
    assert!(is_signalled(ov.event()));
    assert_eq!(
        overlapped_result(server.as_raw(), &ov, false),
        (TRUE, 0, 5, 0)
    );
    close_event(&ov);
}

#[test]
fn non_overlapped_sockets_ignore_the_overlapped_arguments() {
    let env = env();
    let server = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    server.bind(addr("127.0.0.1:6204")).unwrap();
    let plain = Socket::from_raw(&env.net, raw_socket_non_overlapped(AF_INET, SOCK_DGRAM, 0));
    plain.connect(addr("127.0.0.1:6204")).unwrap();
    let plain = plain.as_raw();
    let ov = Ov::new(new_event());
    let bufs = send_bufs(&[b"sync"]);
    assert_eq!(send_overlapped(plain, &bufs, &ov, true), (0, 0, 4));
    assert_eq!(
        ov.status(),
        (0x5e47, 0x5e47),
        "the OVERLAPPED is not touched"
    );
    assert!(!is_signalled(ov.event()));
    assert_eq!(
        send_overlapped(plain, &bufs, &ov, false),
        (0, 0, SENTINEL),
        "a NULL count is allowed with overlapped arguments, even here"
    );
    let mut buf = [0u8; 8];
    assert_eq!(server.recv(&mut buf), Ok(4));
    assert_eq!(server.recv(&mut buf), Ok(4));
    close_event(&ov);
}

#[test]
fn a_null_count_is_allowed_with_overlapped_arguments() {
    let env = env();
    let (client, server) = stream_pair(&env, "127.0.0.1:6205");
    let ov = Ov::new(new_event());
    let bufs = send_bufs(&[b"no", b"count"]);
    assert_eq!(
        send_overlapped(client.as_raw(), &bufs, &ov, false),
        (0, 0, SENTINEL)
    );
    assert_eq!(ov.status(), (0, 7), "the count is in InternalHigh");
    let mut buf = [0u8; 8];
    assert_eq!(server.recv(&mut buf), Ok(7));
    close_event(&ov);
}

#[test]
fn a_truncated_datagram_fails_at_once_without_completion() {
    let env = env();
    let server = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    server.bind(addr("127.0.0.1:6206")).unwrap();
    let client = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    for _ in 0..2 {
        client
            .send_to(b"0123456789", addr("127.0.0.1:6206"))
            .unwrap();
    }
    env.net.defer_overlapped(1);
    let mut buffers = filled(&[4]);
    let bufs = recv_bufs(&mut buffers);
    for routine in [None, Some(record as _)] {
        let ov = Ov::new(if routine.is_none() {
            new_event()
        } else {
            ptr::null_mut()
        });
        let reported = recv_overlapped(server.as_raw(), &bufs, 0, &ov, routine);
        assert_eq!(reported, (SOCKET_ERROR, WSAEMSGSIZE, SENTINEL, 0));
        assert_eq!(buffers[0], b"0123", "the buffers are filled");
        buffers[0].fill(FILL);
        assert_eq!(ov.status(), (0x5e47, 0x5e47), "nothing completes");
        if routine.is_none() {
            assert!(!is_signalled(ov.event()));
            close_event(&ov);
        }
    }
    assert_eq!(alertable_poll(), 0, "no routine was queued");
    assert!(take_records().is_empty());
    assert!(env.net.pending_operations().is_empty());
    client.send_to(b"fits", addr("127.0.0.1:6206")).unwrap();
    let ov = Ov::new(new_event());
    let reported = recv_overlapped(server.as_raw(), &bufs, 0, &ov, None);
    assert_eq!(
        reported,
        (SOCKET_ERROR, WSA_IO_PENDING, SENTINEL, 0),
        "the deferral waited for an operation that started"
    );
    assert!(env.net.pending_operations()[0].complete());
    close_event(&ov);
}
