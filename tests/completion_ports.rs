//! Completion ports through `winsock_emu::sys`, as the pages document them: packets first
//! in, first out, waiters last in, first woken; the packet's contents for each outcome;
//! timeouts on the network's clock; a port closed under its waiters; `CancelIoEx`;
//! `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS`; `hEvent | 1`; the thread-exit rule.

mod common;
mod iocp_support;

use std::ptr;
use std::time::Duration;

use common::env;
use iocp_support::*;
use winsock_emu::sys::*;
use winsock_emu::testing::Clock;

/// A fake OVERLAPPED pointer: never dereferenced by a post.
fn fake(address: usize) -> *mut OVERLAPPED {
    ptr::without_provenance_mut(address)
}

fn post(port: HANDLE, bytes: u32, key: usize, ov: *mut OVERLAPPED) {
    assert_eq!(
        unsafe { PostQueuedCompletionStatus(port, bytes, key, ov) },
        TRUE
    );
}

/// An overlapped `WSARecv` into `buf` through `ov`: the return and last error.
fn recv_into(s: SOCKET, buf: &mut [u8], ov: *mut OVERLAPPED) -> (i32, i32) {
    let wsabuf = WSABUF {
        len: buf.len() as u32,
        buf: buf.as_mut_ptr(),
    };
    let mut flags = 0;
    let rc = unsafe { WSARecv(s, &wsabuf, 1, ptr::null_mut(), &mut flags, ov, None) };
    (
        rc,
        if rc == 0 {
            0
        } else {
            unsafe { WSAGetLastError() }
        },
    )
}

fn send_all(s: SOCKET, data: &[u8]) {
    let n = unsafe { send(s, data.as_ptr(), data.len() as i32, 0) };
    assert_eq!(n, data.len() as i32);
}

#[test]
fn packets_come_out_first_in_first_out() {
    let _env = env();
    let port = new_port();
    for n in 1..=3 {
        post(port, n, n as usize * 10, fake(n as usize * 8));
    }
    for n in 1..=3 {
        let got = dequeue(port, 0);
        assert_eq!(
            (got.ok, got.bytes, got.key, got.overlapped),
            (true, n, n as usize * 10, fake(n as usize * 8))
        );
    }
    // GetQueuedCompletionStatusEx takes several at once, in order.
    for n in 4..=6 {
        post(port, n, 0, fake(64));
    }
    let mut entries = [OVERLAPPED_ENTRY::default(); 8];
    let mut removed = 99u32;
    let ok = unsafe {
        GetQueuedCompletionStatusEx(port, entries.as_mut_ptr(), 8, &mut removed, 0, FALSE)
    };
    assert_eq!((ok, removed), (TRUE, 3));
    let bytes: Vec<u32> = entries[..3]
        .iter()
        .map(|e| e.dwNumberOfBytesTransferred)
        .collect();
    assert_eq!(bytes, [4, 5, 6]);
    assert!(entries[..3]
        .iter()
        .all(|e| e.Internal == 0 && e.lpOverlapped == fake(64)));
    // Nothing left: a timeout, the outputs untouched but *lpOverlapped NULL.
    let got = dequeue(port, 0);
    assert_eq!(
        (got.ok, got.error, got.bytes, got.key),
        (false, WAIT_TIMEOUT, 0xdead_beef, 0xdead_beef)
    );
    assert!(got.overlapped.is_null());
    let ok = unsafe {
        GetQueuedCompletionStatusEx(port, entries.as_mut_ptr(), 8, &mut removed, 0, FALSE)
    };
    assert_eq!(
        (ok, removed, unsafe { GetLastError() }),
        (FALSE, 0, WAIT_TIMEOUT)
    );
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}

#[test]
fn the_last_thread_to_wait_is_woken_first() {
    for _ in 0..if cfg!(miri) { 2 } else { 20 } {
        let env = env();
        let port = new_port() as usize;
        let waiter = |name: usize| {
            env.net.spawn(move || {
                let got = dequeue(port as HANDLE, 20_000);
                (name, got.ok, got.bytes)
            })
        };
        let first = waiter(1);
        assert!(env.net.wait_until_blocked(1));
        let second = waiter(2);
        assert!(env.net.wait_until_blocked(2));
        post(port as HANDLE, 7, 2, fake(8));
        assert_eq!(second.join().unwrap(), (2, true, 7));
        post(port as HANDLE, 8, 1, fake(8));
        assert_eq!(first.join().unwrap(), (1, true, 8));
        assert_eq!(unsafe { CloseHandle(port as HANDLE) }, TRUE);
    }
}

#[test]
fn closing_the_port_wakes_its_waiters_with_abandoned_wait() {
    let env = env();
    let port = new_port() as usize;
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            env.net.spawn(move || {
                let got = dequeue(port as HANDLE, WSA_INFINITE);
                (got.ok, got.error, got.overlapped.is_null())
            })
        })
        .collect();
    assert!(env.net.wait_until_blocked(3));
    assert_eq!(unsafe { CloseHandle(port as HANDLE) }, TRUE);
    for waiter in waiters {
        assert_eq!(
            waiter.join().unwrap(),
            (false, ERROR_ABANDONED_WAIT_0, true)
        );
    }
    // The handle is gone: every later call on it is ERROR_INVALID_HANDLE.
    assert_eq!(dequeue(port as HANDLE, 0).error, ERROR_INVALID_HANDLE);
    assert_eq!(
        unsafe { PostQueuedCompletionStatus(port as HANDLE, 0, 0, ptr::null()) },
        FALSE
    );
    assert_eq!(unsafe { GetLastError() }, ERROR_INVALID_HANDLE);
    assert_eq!(unsafe { CloseHandle(port as HANDLE) }, FALSE);
    assert_eq!(unsafe { GetLastError() }, ERROR_INVALID_HANDLE);
}

#[test]
fn a_timeout_runs_on_the_network_s_clock() {
    let env = env();
    env.net.set_clock(Clock::Auto);
    let port = new_port();
    // An hour on the auto clock passes at once: the only thread waits.
    let got = dequeue(port, 3_600_000);
    assert_eq!((got.ok, got.error), (false, WAIT_TIMEOUT));
    assert!(got.overlapped.is_null());
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}

#[test]
fn choice_completion_port_arguments() {
    let env = env();
    let port = new_port();
    // NULL outputs: ERROR_INVALID_PARAMETER, nothing taken.
    post(port, 1, 2, fake(8));
    let (mut bytes, mut key, mut ov) = (0u32, 0usize, ptr::null_mut());
    let ok = unsafe { GetQueuedCompletionStatus(port, ptr::null_mut(), &mut key, &mut ov, 0) };
    assert_eq!(
        (ok, unsafe { GetLastError() }),
        (FALSE, ERROR_INVALID_PARAMETER)
    );
    let mut removed = 0u32;
    let ok =
        unsafe { GetQueuedCompletionStatusEx(port, ptr::null_mut(), 1, &mut removed, 0, FALSE) };
    assert_eq!(
        (ok, unsafe { GetLastError() }),
        (FALSE, ERROR_INVALID_PARAMETER)
    );
    let ok = unsafe { GetQueuedCompletionStatus(port, &mut bytes, &mut key, &mut ov, 0) };
    assert_eq!((ok, bytes, key, ov), (TRUE, 1, 2, fake(8)));
    // INVALID_HANDLE_VALUE with a port, a socket twice, a closed socket.
    let s = tcp_socket();
    let got = unsafe { CreateIoCompletionPort(INVALID_HANDLE_VALUE, port, 0, 0) };
    assert!(got.is_null());
    assert_eq!(unsafe { GetLastError() }, ERROR_INVALID_PARAMETER);
    associate(s, port, 5);
    assert!(unsafe { CreateIoCompletionPort(s as HANDLE, port, 6, 0) }.is_null());
    assert_eq!(unsafe { GetLastError() }, ERROR_INVALID_PARAMETER);
    // A socket not associated cannot skip packets yet.
    let other = tcp_socket();
    assert_eq!(
        unsafe { SetFileCompletionNotificationModes(other as HANDLE, 1) },
        FALSE
    );
    assert_eq!(unsafe { GetLastError() }, ERROR_INVALID_PARAMETER);
    assert_eq!(
        unsafe { SetFileCompletionNotificationModes(s as HANDLE, 4) },
        FALSE
    );
    assert_eq!(unsafe { GetLastError() }, ERROR_INVALID_PARAMETER);
    assert_eq!(unsafe { closesocket(other) }, 0);
    assert!(unsafe { CreateIoCompletionPort(other as HANDLE, port, 6, 0) }.is_null());
    assert_eq!(unsafe { GetLastError() }, ERROR_INVALID_HANDLE);
    // A NULL port with a socket: a new port, associated.
    let third = tcp_socket();
    let own = unsafe { CreateIoCompletionPort(third as HANDLE, ptr::null_mut(), 3, 1) };
    assert!(!own.is_null() && own != port);
    // A wait nothing can end fails as a stall, WSAENETDOWN.
    env.net.set_stall_limit(Duration::from_millis(50));
    let got = dequeue(own, WSA_INFINITE);
    assert_eq!((got.ok, got.error), (false, WSAENETDOWN as u32));
    assert!(got.overlapped.is_null());
    assert_eq!(env.net.stalls().len(), 1);
    for s in [s, third] {
        assert_eq!(unsafe { closesocket(s) }, 0);
    }
    for port in [port, own] {
        assert_eq!(unsafe { CloseHandle(port) }, TRUE);
    }
}

#[test]
fn a_failed_operation_s_packet_carries_its_win32_error() {
    let _env = env();
    let port = new_port();
    let (c, s) = connected_pair("127.0.0.1:7001");
    associate(s, port, 77);
    let mut ov = OVERLAPPED::default();
    let mut buf = [0u8; 16];
    // Data already there: completes at once, and still queues a packet.
    send_all(c, b"abc");
    assert_eq!(recv_into(s, &mut buf, &mut ov), (0, 0));
    let got = dequeue(port, 0);
    assert_eq!(
        (got.ok, got.bytes, got.key, got.overlapped),
        (true, 3, 77, ptr::from_mut(&mut ov))
    );
    // Pending, then the peer's reset: ERROR_NETNAME_DELETED.
    assert_eq!(
        recv_into(s, &mut buf, &mut ov),
        (SOCKET_ERROR, WSA_IO_PENDING)
    );
    assert_eq!(dequeue(port, 0).error, WAIT_TIMEOUT);
    let linger = LINGER {
        l_onoff: 1,
        l_linger: 0,
    };
    let rc = unsafe { setsockopt(c, SOL_SOCKET, SO_LINGER, ptr::from_ref(&linger).cast(), 4) };
    assert_eq!(rc, 0);
    assert_eq!(unsafe { closesocket(c) }, 0);
    let got = dequeue(port, 0);
    assert_eq!(
        (got.ok, got.bytes, got.key, got.error),
        (false, 0, 77, ERROR_NETNAME_DELETED)
    );
    assert_eq!(got.overlapped, ptr::from_mut(&mut ov));
    // The OVERLAPPED keeps the Winsock code.
    let (mut bytes, mut flags) = (0, 0);
    assert_eq!(
        unsafe { WSAGetOverlappedResult(s, &ov, &mut bytes, FALSE, &mut flags) },
        FALSE
    );
    assert_eq!(unsafe { WSAGetLastError() }, WSAECONNRESET);
    assert_eq!(unsafe { closesocket(s) }, 0);
    // Pending, then our own socket closed: ERROR_CONNECTION_ABORTED.
    let (c, s) = connected_pair("127.0.0.1:7002");
    associate(s, port, 78);
    assert_eq!(
        recv_into(s, &mut buf, &mut ov),
        (SOCKET_ERROR, WSA_IO_PENDING)
    );
    assert_eq!(unsafe { closesocket(s) }, 0);
    let got = dequeue(port, 0);
    assert_eq!(
        (got.ok, got.key, got.error),
        (false, 78, ERROR_CONNECTION_ABORTED)
    );
    assert_eq!(unsafe { closesocket(c) }, 0);
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}

#[test]
fn a_routine_on_an_associated_socket_is_refused_and_hevent_low_bit_skips_the_packet() {
    unsafe extern "system" fn routine(_: u32, _: u32, _: *mut OVERLAPPED, _: u32) {}
    let _env = env();
    let port = new_port();
    let (c, s) = connected_pair("127.0.0.1:7003");
    associate(s, port, 1);
    let mut buf = [0u8; 8];
    let mut ov = OVERLAPPED::default();
    let wsabuf = WSABUF {
        len: 8,
        buf: buf.as_mut_ptr(),
    };
    let mut flags = 0;
    let rc = unsafe {
        WSARecv(
            s,
            &wsabuf,
            1,
            ptr::null_mut(),
            &mut flags,
            &mut ov,
            Some(routine),
        )
    };
    assert_eq!(
        (rc, unsafe { WSAGetLastError() }),
        (SOCKET_ERROR, WSAEINVAL)
    );
    // hEvent | 1: the event is signalled, no packet queued.
    let event = unsafe { WSACreateEvent() };
    let mut ov = OVERLAPPED {
        hEvent: (event | 1) as HANDLE,
        ..OVERLAPPED::default()
    };
    send_all(c, b"xy");
    assert_eq!(recv_into(s, &mut buf, &mut ov), (0, 0));
    assert_eq!(dequeue(port, 0).error, WAIT_TIMEOUT);
    let handle = event as HANDLE;
    let waited = unsafe { WSAWaitForMultipleEvents(1, &handle, TRUE, 0, FALSE) };
    assert_eq!(waited, WSA_WAIT_EVENT_0 as u32);
    assert_eq!(unsafe { WSACloseEvent(event) }, TRUE);
    for s in [c, s] {
        assert_eq!(unsafe { closesocket(s) }, 0);
    }
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}

#[test]
fn skip_on_success_queues_only_the_operations_that_pend() {
    let _env = env();
    let port = new_port();
    let (c, s) = connected_pair("127.0.0.1:7004");
    associate(s, port, 4);
    assert_eq!(
        unsafe { SetFileCompletionNotificationModes(s as HANDLE, 1) },
        TRUE
    );
    let mut buf = [0u8; 8];
    let mut ov = OVERLAPPED::default();
    send_all(c, b"now");
    assert_eq!(recv_into(s, &mut buf, &mut ov), (0, 0));
    assert_eq!(
        dequeue(port, 0).error,
        WAIT_TIMEOUT,
        "success at once: no packet"
    );
    assert_eq!(
        recv_into(s, &mut buf, &mut ov),
        (SOCKET_ERROR, WSA_IO_PENDING)
    );
    send_all(c, b"later");
    let got = dequeue(port, 0);
    assert_eq!((got.ok, got.bytes, got.key), (true, 5, 4));
    assert_eq!(&buf[..5], b"later");
    for s in [c, s] {
        assert_eq!(unsafe { closesocket(s) }, 0);
    }
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}

#[test]
fn cancel_io_ex_aborts_one_or_all() {
    let _env = env();
    let port = new_port();
    let (c, s) = connected_pair("127.0.0.1:7005");
    associate(s, port, 9);
    let (mut a, mut b) = ([0u8; 4], [0u8; 4]);
    let (mut ov_a, mut ov_b) = (OVERLAPPED::default(), OVERLAPPED::default());
    assert_eq!(
        recv_into(s, &mut a, &mut ov_a),
        (SOCKET_ERROR, WSA_IO_PENDING)
    );
    assert_eq!(
        recv_into(s, &mut b, &mut ov_b),
        (SOCKET_ERROR, WSA_IO_PENDING)
    );
    // One: the one whose OVERLAPPED is given.
    assert_eq!(unsafe { CancelIoEx(s as HANDLE, &ov_b) }, TRUE);
    let got = dequeue(port, 0);
    assert_eq!(
        (got.ok, got.error, got.overlapped),
        (false, ERROR_OPERATION_ABORTED, ptr::from_mut(&mut ov_b))
    );
    assert_eq!(dequeue(port, 0).error, WAIT_TIMEOUT);
    assert_eq!(unsafe { CancelIoEx(s as HANDLE, &ov_b) }, FALSE);
    assert_eq!(unsafe { GetLastError() }, ERROR_NOT_FOUND);
    // All (NULL), and CancelIo with nothing left is still TRUE.
    assert_eq!(unsafe { CancelIoEx(s as HANDLE, ptr::null()) }, TRUE);
    let got = dequeue(port, 0);
    assert_eq!(
        (got.error, got.overlapped),
        (ERROR_OPERATION_ABORTED, ptr::from_mut(&mut ov_a))
    );
    assert_eq!(unsafe { CancelIo(s as HANDLE) }, TRUE);
    assert_eq!(unsafe { CancelIoEx(s as HANDLE, ptr::null()) }, FALSE);
    assert_eq!(unsafe { GetLastError() }, ERROR_NOT_FOUND);
    assert_eq!(unsafe { CancelIo(0x7777 as HANDLE) }, FALSE);
    assert_eq!(unsafe { GetLastError() }, ERROR_INVALID_HANDLE);
    // The canceled receives took nothing: the data goes to the next one.
    send_all(c, b"ok");
    assert_eq!(recv_into(s, &mut a, &mut ov_a), (0, 0));
    assert_eq!(dequeue(port, 0).bytes, 2);
    for s in [c, s] {
        assert_eq!(unsafe { closesocket(s) }, 0);
    }
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}

#[test]
fn choice_a_thread_s_io_outlives_it() {
    let env = env();
    let port = new_port() as usize;
    let (c, s) = connected_pair("127.0.0.1:7006");
    associate(s, port as HANDLE, 3);
    let buffers = Box::into_raw(Box::new(([0u8; 8], OVERLAPPED::default()))) as usize;
    // A thread posts the receive and exits.
    env.net
        .spawn(move || {
            let (buf, ov) = unsafe { &mut *(buffers as *mut ([u8; 8], OVERLAPPED)) };
            recv_into(s, buf, ov)
        })
        .join()
        .map(|outcome| assert_eq!(outcome, (SOCKET_ERROR, WSA_IO_PENDING)))
        .unwrap();
    send_all(c, b"after");
    let got = dequeue(port as HANDLE, 0);
    assert_eq!((got.ok, got.bytes, got.key), (true, 5, 3));
    let owned = unsafe { Box::from_raw(buffers as *mut ([u8; 8], OVERLAPPED)) };
    assert_eq!(&owned.0[..5], b"after");
    for s in [c, s] {
        assert_eq!(unsafe { closesocket(s) }, 0);
    }
    assert_eq!(unsafe { CloseHandle(port as HANDLE) }, TRUE);
}

#[test]
fn the_safe_completion_port_posts_gets_associates_and_closes_when_dropped() {
    use winsock_emu::{CompletionPacket, CompletionPort, Domain, Network, Type};
    let env = env();
    let port = CompletionPort::new(&env.net).unwrap();
    let packet = |n: u32| CompletionPacket {
        bytes: n,
        key: n as usize,
        overlapped: 0,
        status: 0,
    };
    for n in 1..=3 {
        port.post(packet(n)).unwrap();
    }
    assert_eq!(port.get(Some(Duration::ZERO)), Ok(Some(packet(1))));
    assert_eq!(
        port.get_many(5, Some(Duration::ZERO)),
        Ok(vec![packet(2), packet(3)])
    );
    assert_eq!(port.get(Some(Duration::ZERO)), Ok(None));
    // A socket of the network joins once; one of another network never.
    let socket = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    assert_eq!(port.associate(&socket, 5), Ok(()));
    assert_eq!(
        port.associate(&socket, 5),
        Err(winsock_emu::Error::InvalidParameter)
    );
    let other = Network::new();
    let _startup = other.startup().unwrap();
    let foreign = other.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    assert_eq!(
        port.associate(&foreign, 5),
        Err(winsock_emu::Error::NotSocket)
    );
    // Its operations' packets come to the safe port too.
    let mut buf = [0u8; 4];
    let mut ov = OVERLAPPED::default();
    let (c, s) = connected_pair("127.0.0.1:7007");
    let handle = port.handle() as HANDLE;
    associate(s, handle, 6);
    send_all(c, b"hey");
    assert_eq!(recv_into(s, &mut buf, &mut ov), (0, 0));
    let got = port.get(Some(Duration::ZERO)).unwrap().unwrap();
    assert_eq!((got.bytes, got.key, got.status), (3, 6, 0));
    assert_eq!(got.overlapped, ptr::from_mut(&mut ov).addr());
    close_all(&[c, s]);
    drop(port);
    assert_eq!(dequeue(handle, 0).error, ERROR_INVALID_HANDLE);
}

fn close_all(sockets: &[SOCKET]) {
    for &s in sockets {
        assert_eq!(unsafe { closesocket(s) }, 0);
    }
}

#[test]
fn an_alertable_get_queued_completion_status_ex_runs_the_thread_s_routines() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static RAN: AtomicUsize = AtomicUsize::new(0);
    unsafe extern "system" fn routine(_: u32, _: u32, _: *mut OVERLAPPED, _: u32) {
        RAN.fetch_add(1, Ordering::SeqCst);
    }
    let _env = env();
    let port = new_port();
    let (c, s) = connected_pair("127.0.0.1:7008");
    send_all(c, b"r");
    let mut buf = [0u8; 4];
    let mut ov = OVERLAPPED::default();
    let wsabuf = WSABUF {
        len: 4,
        buf: buf.as_mut_ptr(),
    };
    let mut flags = 0;
    // Not associated: the routine is queued to this thread, to run at its next alertable wait.
    let rc = unsafe {
        WSARecv(
            s,
            &wsabuf,
            1,
            ptr::null_mut(),
            &mut flags,
            &mut ov,
            Some(routine),
        )
    };
    assert_eq!(rc, 0);
    let mut entries = [OVERLAPPED_ENTRY::default(); 2];
    let mut removed = 9u32;
    let before = RAN.load(Ordering::SeqCst);
    // Not alertable: the routine stays queued, the wait times out.
    let ok = unsafe {
        GetQueuedCompletionStatusEx(port, entries.as_mut_ptr(), 2, &mut removed, 0, FALSE)
    };
    assert_eq!((ok, unsafe { GetLastError() }), (FALSE, WAIT_TIMEOUT));
    assert_eq!(RAN.load(Ordering::SeqCst), before);
    let ok = unsafe {
        GetQueuedCompletionStatusEx(port, entries.as_mut_ptr(), 2, &mut removed, 60_000, TRUE)
    };
    assert_eq!(
        (ok, unsafe { GetLastError() }, removed),
        (FALSE, WAIT_IO_COMPLETION, 0)
    );
    assert_eq!(RAN.load(Ordering::SeqCst), before + 1);
    close_all(&[c, s]);
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}
