//! Overlapped stream sends pend (`WSA_IO_PENDING`) while the peer's receive buffer is full
//! and complete, in posting order, once the peer reads: through `hEvent`, the completion
//! routine or a completion port; the peer's reset, a close and `CancelIoEx` end them
//! (`pending-sends`). A socket made without `WSA_FLAG_OVERLAPPED` still waits in the call.

mod common;
mod iocp_support;
mod overlapped_support;

use std::ptr;
use std::sync::atomic::{AtomicU32, Ordering};

use common::*;
use overlapped_support::{new_event, Ov};
use winsock_emu::sys::*;

/// More than a connection holds toward a receiver with the default buffers: a send of it
/// is taken whole, and the next one finds the connection full.
const FILL: usize = 1 << 20;

/// One overlapped `WSASend` of `data` through `ov` (or `routine`): the call's return and
/// last error.
fn post(
    s: SOCKET,
    data: &[u8],
    ov: &Ov,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> (i32, i32) {
    let wsabuf = WSABUF {
        len: data.len() as u32,
        buf: data.as_ptr().cast_mut(),
    };
    let mut sent = 0u32;
    let rc = unsafe { WSASend(s, &wsabuf, 1, &mut sent, 0, ov.ptr(), routine) };
    (rc, if rc == 0 { 0 } else { last_error() })
}

/// `WSAGetOverlappedResult`: the byte count or the error (`WSA_IO_INCOMPLETE` while it
/// pends and `wait` is false).
fn result_of(s: SOCKET, ov: &Ov, wait: bool) -> Result<u32, i32> {
    let (mut bytes, mut flags) = (0u32, 0u32);
    let wait = if wait { TRUE } else { FALSE };
    let ok = unsafe { WSAGetOverlappedResult(s, ov.ptr(), &mut bytes, wait, &mut flags) };
    if ok == TRUE {
        Ok(bytes)
    } else {
        Err(last_error())
    }
}

/// Reads `len` bytes from `s` (blocking `recv` until they all came).
fn read_exactly(s: SOCKET, len: usize) -> Vec<u8> {
    let mut got = vec![0u8; len];
    let mut at = 0;
    while at < len {
        let want = (len - at).min(1 << 16) as i32;
        let n = unsafe { recv(s, got[at..].as_mut_ptr(), want, 0) };
        assert!(
            n > 0,
            "recv gave {n} (error {}) after {at} bytes",
            last_error()
        );
        at += n as usize;
    }
    got
}

/// The overlapped socket `s` with its connection full: `FILL` bytes the peer has not read.
fn fill(s: SOCKET) -> Vec<u8> {
    let data: Vec<u8> = (0..FILL).map(|i| (i % 251) as u8).collect();
    let ov = Ov::new(new_event());
    assert_eq!(post(s, &data, &ov, None), (0, 0), "taken whole at once");
    assert_eq!(result_of(s, &ov, false), Ok(FILL as u32));
    data
}

#[test]
fn a_send_to_a_full_connection_pends_and_completes_when_the_peer_reads() {
    let env = env();
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7500");
    let (c, s) = (client.as_raw(), server.as_raw());
    let first = fill(c);
    let ov = Ov::new(new_event());
    assert_eq!(post(c, b"after", &ov, None), (SOCKET_ERROR, WSA_IO_PENDING));
    assert_eq!(result_of(c, &ov, false), Err(WSA_IO_INCOMPLETE));
    assert!(!overlapped_support::is_signalled(ov.event()));
    // The peer reads: the send goes on, after the bytes before it.
    assert_eq!(read_exactly(s, FILL), first);
    assert_eq!(result_of(c, &ov, true), Ok(5));
    assert_eq!(read_exactly(s, 5), b"after");
}

#[test]
fn later_sends_queue_behind_pending_ones_and_reach_the_peer_in_order() {
    let env = env();
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7501");
    let (c, s) = (client.as_raw(), server.as_raw());
    let first = fill(c);
    let parts: [&[u8]; 3] = [b"one ", b"two ", b"three"];
    let ovs: Vec<Ov> = parts.iter().map(|_| Ov::new(new_event())).collect();
    for (part, ov) in parts.iter().zip(&ovs) {
        assert_eq!(post(c, part, ov, None), (SOCKET_ERROR, WSA_IO_PENDING));
    }
    assert_eq!(read_exactly(s, FILL), first);
    for (part, ov) in parts.iter().zip(&ovs) {
        assert_eq!(result_of(c, ov, true), Ok(part.len() as u32));
    }
    assert_eq!(read_exactly(s, 13), b"one two three");
}

#[test]
fn several_threads_post_and_read_in_a_loop_and_lose_nothing() {
    // Under Miri a few rounds: each moves about 2 MB through the interpreter.
    let rounds = if cfg!(miri) { 2 } else { 20 };
    for round in 0..rounds {
        let env = env();
        let (client, server) = accepted_pair(&env.net, "127.0.0.1:7502");
        let c = client.as_raw();
        let s = server.into_raw();
        const SENDS: usize = 6;
        const LEN: usize = 300_000;
        let total = SENDS * LEN;
        // A reader thread takes everything while this thread posts.
        let reader = env.net.spawn(move || read_exactly(s, total));
        let data: Vec<Vec<u8>> = (0..SENDS).map(|n| vec![(n + round) as u8; LEN]).collect();
        let ovs: Vec<Ov> = data.iter().map(|_| Ov::new(new_event())).collect();
        for (part, ov) in data.iter().zip(&ovs) {
            let (rc, error) = post(c, part, ov, None);
            assert!(rc == 0 || error == WSA_IO_PENDING, "round {round}: {error}");
        }
        for ov in &ovs {
            assert_eq!(result_of(c, ov, true), Ok(LEN as u32), "round {round}");
        }
        assert_eq!(reader.join().unwrap(), data.concat(), "round {round}");
        unsafe { closesocket(s) };
    }
}

static ROUTINE: AtomicU32 = AtomicU32::new(0);

unsafe extern "system" fn record(error: u32, bytes: u32, _ov: *mut OVERLAPPED, _flags: u32) {
    assert_eq!(error, 0);
    ROUTINE.store(bytes, Ordering::SeqCst);
}

#[test]
fn a_pending_send_completes_through_its_routine_in_an_alertable_wait() {
    let env = env();
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7503");
    let (c, s) = (client.as_raw(), server.as_raw());
    fill(c);
    let ov = Ov::new(ptr::null_mut());
    let posted = post(c, b"routine", &ov, Some(record));
    assert_eq!(posted, (SOCKET_ERROR, WSA_IO_PENDING));
    read_exactly(s, FILL);
    assert_eq!(unsafe { SleepEx(0, TRUE) }, WAIT_IO_COMPLETION);
    assert_eq!(ROUTINE.load(Ordering::SeqCst), 7);
    assert_eq!(read_exactly(s, 7), b"routine");
}

#[test]
fn a_pending_send_completes_through_its_completion_port() {
    let env = env();
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7504");
    let (c, s) = (client.as_raw(), server.as_raw());
    fill(c);
    let port = iocp_support::new_port();
    iocp_support::associate(c, port, 42);
    let ov = Ov::new(ptr::null_mut());
    assert_eq!(
        post(c, b"packet", &ov, None),
        (SOCKET_ERROR, WSA_IO_PENDING)
    );
    assert!(
        !iocp_support::dequeue(port, 0).ok,
        "no packet while it pends"
    );
    read_exactly(s, FILL);
    let got = iocp_support::dequeue(port, 0);
    assert_eq!(
        (got.ok, got.bytes, got.key, got.overlapped),
        (true, 6, 42, ov.ptr())
    );
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}

#[test]
fn overlapped_sends_ignore_the_nonblocking_flag() {
    let env = env();
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7505");
    let (c, s) = (client.as_raw(), server.as_raw());
    client.set_nonblocking(true).unwrap();
    fill(c);
    // A plain send gets WSAEWOULDBLOCK; an overlapped one pends.
    assert_eq!(unsafe { send(c, b"x".as_ptr(), 1, 0) }, SOCKET_ERROR);
    assert_eq!(last_error(), WSAEWOULDBLOCK);
    let ov = Ov::new(new_event());
    assert_eq!(post(c, b"y", &ov, None), (SOCKET_ERROR, WSA_IO_PENDING));
    read_exactly(s, FILL);
    assert_eq!(result_of(c, &ov, true), Ok(1));
    assert_eq!(read_exactly(s, 1), b"y");
}

#[test]
fn choice_pending_sends_end_at_reset_close_and_cancel() {
    let env = env();
    // The peer's reset: WSAECONNRESET.
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7506");
    fill(client.as_raw());
    let ov = Ov::new(new_event());
    assert_eq!(post(client.as_raw(), b"r", &ov, None).1, WSA_IO_PENDING);
    env.net.reset_connection(&server).unwrap();
    assert_eq!(result_of(client.as_raw(), &ov, true), Err(WSAECONNRESET));
    // CancelIoEx of that one send: WSA_OPERATION_ABORTED, the other stays pending.
    let (client, _server) = accepted_pair(&env.net, "127.0.0.1:7507");
    let c = client.as_raw();
    fill(c);
    let (a, b) = (Ov::new(new_event()), Ov::new(new_event()));
    assert_eq!(post(c, b"a", &a, None).1, WSA_IO_PENDING);
    assert_eq!(post(c, b"b", &b, None).1, WSA_IO_PENDING);
    assert_eq!(unsafe { CancelIoEx(c as HANDLE, a.ptr()) }, TRUE);
    assert_eq!(result_of(c, &a, true), Err(WSA_OPERATION_ABORTED));
    assert_eq!(result_of(c, &b, false), Err(WSA_IO_INCOMPLETE));
    // Its own socket closed: WSAECONNABORTED, through the event.
    let c = client.into_raw();
    assert_eq!(unsafe { closesocket(c) }, 0);
    let event = b.event();
    let waited = unsafe { WSAWaitForMultipleEvents(1, &event, TRUE, 0, FALSE) };
    assert_eq!(waited, WSA_WAIT_EVENT_0 as u32, "signalled by the close");
    assert_eq!(b.status().0, WSAECONNABORTED as usize);
}

#[test]
fn pending_sends_are_bounded_per_socket() {
    let env = env();
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7508");
    let (c, s) = (client.as_raw(), server.as_raw());
    fill(c);
    let half = vec![7u8; winsock_emu::choices::MAX_POSTED_SEND_BYTES / 2];
    let (a, b) = (Ov::new(new_event()), Ov::new(new_event()));
    assert_eq!(post(c, &half, &a, None).1, WSA_IO_PENDING);
    assert_eq!(post(c, &half, &b, None).1, WSA_IO_PENDING);
    // One byte more than the bound: refused at once, nothing sent.
    let over = Ov::new(new_event());
    assert_eq!(post(c, b"!", &over, None), (SOCKET_ERROR, WSAENOBUFS));
    assert!(!overlapped_support::is_signalled(over.event()));
    read_exactly(s, FILL);
    assert_eq!(result_of(c, &a, true), Ok(half.len() as u32));
    read_exactly(s, half.len());
    assert_eq!(result_of(c, &b, true), Ok(half.len() as u32));
    read_exactly(s, half.len());
    // Nothing else came.
    server.set_nonblocking(true).unwrap();
    let mut byte = [0u8; 1];
    assert_eq!(unsafe { recv(s, byte.as_mut_ptr(), 1, 0) }, SOCKET_ERROR);
    assert_eq!(last_error(), WSAEWOULDBLOCK);
}

#[test]
fn a_socket_made_without_the_overlapped_flag_waits_in_the_call() {
    let env = env();
    let listener = env
        .net
        .socket(winsock_emu::Domain::IPV4, winsock_emu::Type::STREAM, None)
        .unwrap();
    listener.bind("127.0.0.1:7509".parse().unwrap()).unwrap();
    listener.listen(1).unwrap();
    let c = unsafe { WSASocketW(AF_INET as i32, SOCK_STREAM, IPPROTO_TCP, ptr::null(), 0, 0) };
    assert_ne!(c, INVALID_SOCKET);
    let name = iocp_support::sockaddr_in("127.0.0.1:7509".parse().unwrap());
    assert_eq!(unsafe { connect(c, ptr::from_ref(&name).cast(), 16) }, 0);
    let (server, _) = listener.accept().unwrap();
    let s = server.into_raw();
    let data = vec![1u8; FILL];
    assert_eq!(
        unsafe { send(c, data.as_ptr(), FILL as i32, 0) },
        FILL as i32
    );
    let reader = env.net.spawn(move || read_exactly(s, FILL + 4));
    // The OVERLAPPED is ignored: the call waits for room, then succeeds.
    let ov = Ov::new(new_event());
    assert_eq!(post(c, b"wait", &ov, None), (0, 0));
    assert_eq!(&reader.join().unwrap()[FILL..], b"wait");
    unsafe { closesocket(c) };
}

#[test]
fn a_send_pending_through_a_second_handle_outlives_the_first_handle_s_close() {
    let env = env();
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7510");
    let s = server.as_raw();
    let c = client.into_raw();
    let mut info = WSAPROTOCOL_INFOW::default();
    assert_eq!(
        unsafe { WSADuplicateSocketW(c, std::process::id(), &mut info) },
        0
    );
    let second = unsafe { WSASocketW(-1, -1, -1, &info, 0, WSA_FLAG_OVERLAPPED) };
    assert_ne!(second, INVALID_SOCKET);
    fill(second);
    let ov = Ov::new(new_event());
    assert_eq!(
        post(second, b"dup", &ov, None),
        (SOCKET_ERROR, WSA_IO_PENDING)
    );
    // Through the first handle, the socket's sends are the same queue: this one goes after.
    let later = Ov::new(new_event());
    assert_eq!(post(c, b"!", &later, None), (SOCKET_ERROR, WSA_IO_PENDING));
    // CancelIoEx through either handle finds the socket's operations.
    assert_eq!(unsafe { CancelIoEx(c as HANDLE, later.ptr()) }, TRUE);
    assert_eq!(result_of(second, &later, true), Err(WSA_OPERATION_ABORTED));
    // The socket stays open with its second handle: the send is still pending.
    assert_eq!(unsafe { closesocket(c) }, 0);
    assert_eq!(result_of(second, &ov, false), Err(WSA_IO_INCOMPLETE));
    read_exactly(s, FILL);
    assert_eq!(result_of(second, &ov, true), Ok(3));
    assert_eq!(read_exactly(s, 3), b"dup");
    assert_eq!(unsafe { closesocket(second) }, 0);
}
