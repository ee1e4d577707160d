//! The two handles of a duplicated socket ([`winsock_emu::choices::DUPLICATE_IS_A_SECOND_HANDLE`]):
//! `WSASocketW` with `WSADuplicateSocketW`'s structure makes a new handle naming the same
//! socket; every call through either acts on the one socket; `closesocket` closes one
//! handle, and the socket closes with its last; the waits, pending operations and
//! `WSAEventSelect` association are the socket's, so the close of one handle leaves them.
//! Through `sys`, in windows-sys style; runs under Miri.

mod common;
mod overlapped_support;

use std::ptr;
use std::sync::Barrier;

use common::readiness::{connect, poll, ready_now, recv, send, tcp, tcp_pair};
use overlapped_support::{is_signalled, new_event, overlapped_result, Ov};
use winsock_emu::sys::*;

/// `n` rounds of a racing test (2 under Miri, which runs them slowly).
fn rounds(n: u16) -> u16 {
    if cfg!(miri) {
        2
    } else {
        n
    }
}

/// A second handle of `s`, through `WSADuplicateSocketW` and `WSASocketW`.
fn duplicate(s: SOCKET) -> SOCKET {
    let mut info = WSAPROTOCOL_INFOW::default();
    // SAFETY: `info` is a live local.
    unsafe {
        assert_eq!(WSADuplicateSocketW(s, std::process::id(), &mut info), 0);
        let d = WSASocketW(-1, -1, -1, &info, 0, WSA_FLAG_OVERLAPPED);
        assert_ne!(d, INVALID_SOCKET, "WSASocketW: {}", common::last_error());
        d
    }
}

fn close(s: SOCKET) -> Result<(), i32> {
    // SAFETY: no pointers.
    match unsafe { closesocket(s) } {
        0 => Ok(()),
        _ => Err(common::last_error()),
    }
}

/// `getsockname`: the port and address (as the structure holds them), or the error.
fn name_of(s: SOCKET) -> Result<(u16, u32), i32> {
    let mut name = SOCKADDR_IN::default();
    let mut len = std::mem::size_of::<SOCKADDR_IN>() as i32;
    // SAFETY: `name` holds `len` bytes; every field of the address union is a `u32` view.
    unsafe {
        match getsockname(s, ptr::addr_of_mut!(name).cast(), &mut len) {
            0 => Ok((name.sin_port, name.sin_addr.S_un.S_addr)),
            _ => Err(common::last_error()),
        }
    }
}

/// `SO_RCVBUF` of `s`, or the error.
fn receive_buffer(s: SOCKET) -> Result<i32, i32> {
    let (mut value, mut len) = (0i32, 4);
    // SAFETY: `value` holds 4 bytes.
    let rc = unsafe {
        getsockopt(
            s,
            SOL_SOCKET,
            SO_RCVBUF,
            ptr::addr_of_mut!(value).cast(),
            &mut len,
        )
    };
    if rc == 0 {
        Ok(value)
    } else {
        Err(common::last_error())
    }
}

/// The handles differ, and each acts on the one socket: its names, its options, its data in
/// both directions, `FIONREAD`.
#[test]
fn two_handles_name_one_socket() {
    let _env = common::env();
    let (_listener, client, server) = tcp_pair(27_300);
    let d = duplicate(client);
    assert_ne!(d, client, "WSASocketW gives a new handle");
    assert_eq!(d % 4, client % 4, "from the sockets' handle space");
    assert_eq!(name_of(d), name_of(client));
    let value = 12_345i32;
    // SAFETY: `value` is a live local of 4 bytes.
    let set = unsafe { setsockopt(d, SOL_SOCKET, SO_RCVBUF, ptr::addr_of!(value).cast(), 4) };
    assert_eq!(set, 0);
    assert_eq!(
        receive_buffer(client),
        Ok(value),
        "set through one, read through the other"
    );
    send(client, b"one ").unwrap();
    send(d, b"two").unwrap();
    assert_eq!(recv(server, 16).unwrap(), b"one two");
    send(server, b"back").unwrap();
    let mut waiting = 0u32;
    // SAFETY: `waiting` is a live local.
    assert_eq!(unsafe { ioctlsocket(client, FIONREAD, &mut waiting) }, 0);
    assert_eq!(waiting, 4);
    assert_eq!(
        recv(d, 2).unwrap(),
        b"ba",
        "data for the socket is read through either"
    );
    assert_eq!(recv(client, 2).unwrap(), b"ck");
}

/// Either handle may close first: the closed one names nothing (`WSAENOTSOCK`, once), the
/// other goes on with the connection, and the peer sees the close only with the last.
#[test]
fn either_handle_may_close_first() {
    for source_first in [true, false] {
        let env = common::env();
        let (_listener, client, server) = tcp_pair(27_310 + u16::from(source_first));
        let d = duplicate(client);
        let (first, second) = if source_first {
            (client, d)
        } else {
            (d, client)
        };
        let shown = env.net.snapshot().sockets;
        let shown = shown.iter().find(|info| info.handle == client).unwrap();
        assert_eq!(shown.duplicates, vec![d], "the snapshot lists both handles");
        assert_eq!(close(first), Ok(()));
        assert_eq!(close(first), Err(WSAENOTSOCK));
        assert_eq!(send(first, b"x"), Err(WSAENOTSOCK));
        assert_eq!(recv(first, 1), Err(WSAENOTSOCK));
        assert_eq!(name_of(first), Err(WSAENOTSOCK));
        assert_eq!(receive_buffer(first), Err(WSAENOTSOCK));
        let mut info = WSAPROTOCOL_INFOW::default();
        // SAFETY: `info` is a live local.
        let again = unsafe { WSADuplicateSocketW(first, 1, &mut info) };
        assert_eq!((again, common::last_error()), (SOCKET_ERROR, WSAENOTSOCK));
        assert_eq!(ready_now(&[first], &[], &[]).result, Err(WSAENOTSOCK));
        // The peer sees nothing yet; the connection goes on through the other handle.
        assert!(ready_now(&[server], &[], &[]).read.is_empty(), "no FIN yet");
        send(second, b"still here").unwrap();
        assert_eq!(recv(server, 16).unwrap(), b"still here");
        send(server, b"ok").unwrap();
        assert_eq!(recv(second, 2).unwrap(), b"ok");
        let shown = env.net.snapshot().sockets;
        let shown = shown.iter().find(|info| info.handle == second).unwrap();
        assert!(shown.duplicates.is_empty(), "{shown:?}");
        let open = env.net.socket_count();
        assert_eq!(close(second), Ok(()));
        assert_eq!(
            env.net.socket_count(),
            open - 1,
            "the last handle closes the socket"
        );
        assert_eq!(
            recv(server, 1).unwrap(),
            b"",
            "the peer reads the end of the stream"
        );
        assert_eq!(send(second, b"x"), Err(WSAENOTSOCK));
    }
}

/// `select` and `WSAPoll` look at the socket a handle names and report the handle given,
/// alone or among enough handles to be looked at shard by shard.
#[test]
fn select_and_poll_report_the_handle_passed() {
    let _env = common::env();
    let (_listener, client, server) = tcp_pair(27_320);
    let d = duplicate(server);
    send(client, b"ready").unwrap();
    assert_eq!(ready_now(&[d], &[], &[]).read, vec![d]);
    assert_eq!(ready_now(&[server, d], &[], &[]).read, vec![server, d]);
    let many: Vec<SOCKET> = (0..20).map(|_| tcp()).chain([d]).collect();
    assert_eq!(ready_now(&many, &[], &[]).read, vec![d]);
    let (result, revents) = poll(&[(d, POLLRDNORM)], 0);
    assert_eq!((result, revents), (Ok(1), vec![POLLRDNORM]));
    let entries: Vec<(SOCKET, i16)> = many.iter().map(|&s| (s, POLLRDNORM)).collect();
    let (result, revents) = poll(&entries, 0);
    assert_eq!(result, Ok(1));
    assert_eq!(revents.last(), Some(&POLLRDNORM));
    close(server).unwrap();
    assert_eq!(
        ready_now(&[d], &[], &[]).read,
        vec![d],
        "the socket is still open"
    );
    assert_eq!(ready_now(&[server, d], &[], &[]).result, Err(WSAENOTSOCK));
    let (result, revents) = poll(&[(server, POLLRDNORM), (d, POLLRDNORM)], 0);
    assert_eq!((result, revents), (Ok(1), vec![POLLNVAL, POLLRDNORM]));
}

/// A thread blocked in `recv` (or `accept`) through one handle goes on waiting when the
/// other handle is closed: the socket is still open (a wait is the socket's, as an
/// `AcceptEx` on a duplicated listener is canceled only by the last handle's close, facts
/// 7.5). Its data then completes the wait; the last handle's close ends a wait with
/// `WSAEINTR`, as any close does.
#[test]
fn a_wait_outlives_the_close_of_the_other_handle() {
    for round in 0..rounds(8) {
        let env = common::env();
        let (listening, client, server) = tcp_pair(27_330 + round);
        let d = duplicate(server);
        let (waits_on, closed) = if round % 2 == 0 {
            (d, server)
        } else {
            (server, d)
        };
        let reader = env.net.spawn(move || recv(waits_on, 8));
        assert!(env.net.wait_until_blocked(1));
        close(closed).unwrap();
        assert!(env.net.wait_until_blocked(1), "still waiting");
        let waiting: Vec<_> = env
            .net
            .snapshot()
            .blocked
            .iter()
            .map(|b| b.socket)
            .collect();
        assert_eq!(
            waiting,
            vec![Some(waits_on)],
            "shown under the handle still open"
        );
        send(client, b"late").unwrap();
        assert_eq!(reader.join().unwrap(), Ok(b"late".to_vec()));
        // The accept of a listener's second handle, the first closed.
        let l = duplicate(listening);
        let acceptor = env.net.spawn(move || {
            // SAFETY: NULL address arguments.
            unsafe { accept(l, ptr::null_mut(), ptr::null_mut()) }
        });
        assert!(env.net.wait_until_blocked(1));
        close(listening).unwrap();
        let another = tcp();
        connect(another, 27_330 + round).unwrap();
        assert_ne!(acceptor.join().unwrap(), INVALID_SOCKET);
        // The last handle's close ends a wait.
        let reader = env.net.spawn(move || recv(waits_on, 8));
        assert!(env.net.wait_until_blocked(1));
        close(waits_on).unwrap();
        assert_eq!(reader.join().unwrap(), Err(WSAEINTR));
    }
}

/// An overlapped receive posted through one handle stays pending when that handle is
/// closed (it is the socket's: facts 7.5), completes with the data, and is read through
/// the other handle; one pending at the last close completes with its close error.
#[test]
fn a_pending_receive_outlives_the_close_of_its_handle() {
    let _env = common::env();
    let (_listener, client, server) = tcp_pair(27_340);
    let d = duplicate(server);
    let mut buf = [0u8; 16];
    let wsabuf = WSABUF {
        len: 16,
        buf: buf.as_mut_ptr(),
    };
    let ov = Ov::new(new_event());
    let mut flags = 0u32;
    // SAFETY: `wsabuf`, `flags` and `ov` outlive the operation (it completes below).
    let rc = unsafe {
        WSARecv(
            server,
            &wsabuf,
            1,
            ptr::null_mut(),
            &mut flags,
            ov.ptr(),
            None,
        )
    };
    assert_eq!((rc, common::last_error()), (SOCKET_ERROR, WSA_IO_PENDING));
    close(server).unwrap();
    assert!(!is_signalled(ov.event()), "still pending");
    assert_eq!(overlapped_result(d, &ov, false).1, WSA_IO_INCOMPLETE);
    send(client, b"pending").unwrap();
    assert_eq!(overlapped_result(d, &ov, true), (TRUE, 0, 7, 0));
    assert_eq!(&buf[..7], b"pending");
    let ov = Ov::new(new_event());
    // SAFETY: as above.
    let rc = unsafe { WSARecv(d, &wsabuf, 1, ptr::null_mut(), &mut flags, ov.ptr(), None) };
    assert_eq!((rc, common::last_error()), (SOCKET_ERROR, WSA_IO_PENDING));
    close(d).unwrap();
    assert!(is_signalled(ov.event()), "the last close completes it");
    assert_ne!(ov.status().0, 0, "with an error");
}

/// `WSAEventSelect` through either handle is the socket's one association: a second call
/// through the other handle replaces it (the WSADuplicateSocket page), and it outlives the
/// close of the handle that made it.
#[test]
fn the_event_selection_is_the_socket_s() {
    let _env = common::env();
    let (_listener, client, server) = tcp_pair(27_350);
    let d = duplicate(server);
    let (first, second) = (new_event(), new_event());
    // SAFETY: live events.
    unsafe {
        assert_eq!(WSAEventSelect(server, first as _, FD_READ as i32), 0);
        assert_eq!(WSAEventSelect(d, second as _, FD_READ as i32), 0);
    }
    close(server).unwrap();
    send(client, b"e").unwrap();
    assert!(
        is_signalled(second),
        "the selection made through the open handle"
    );
    assert!(!is_signalled(first), "replaced");
    let mut events = WSANETWORKEVENTS::default();
    // SAFETY: `events` is a live local.
    assert_eq!(
        unsafe { WSAEnumNetworkEvents(d, second as _, &mut events) },
        0
    );
    assert_eq!(events.lNetworkEvents, FD_READ as i32);
    // SAFETY: live events.
    unsafe {
        WSACloseEvent(first as _);
        WSACloseEvent(second as _);
    }
}

/// The close of one handle races calls through the other, from several threads: every call
/// through the open handle succeeds, the socket stays connected, and closes with the last
/// handle (the peer reads everything, then the end of the stream).
#[test]
fn closing_one_handle_races_calls_on_the_other() {
    const USERS: usize = 3;
    const SENDS: usize = 20;
    for round in 0..rounds(16) {
        let env = common::env();
        let (_listener, client, server) = tcp_pair(27_360 + round);
        let d = duplicate(client);
        let (closed, used) = if round % 2 == 0 {
            (client, d)
        } else {
            (d, client)
        };
        let start = std::sync::Arc::new(Barrier::new(USERS + 1));
        let users: Vec<_> = (0..USERS)
            .map(|_| {
                let start = std::sync::Arc::clone(&start);
                env.net.spawn(move || {
                    start.wait();
                    for _ in 0..SENDS {
                        send(used, b"abcd").unwrap();
                        name_of(used).unwrap();
                        receive_buffer(used).unwrap();
                        assert_eq!(ready_now(&[], &[used], &[]).write, vec![used]);
                    }
                })
            })
            .collect();
        start.wait();
        close(closed).unwrap();
        for user in users {
            user.join().unwrap();
        }
        assert_eq!(send(closed, b"x"), Err(WSAENOTSOCK));
        close(used).unwrap();
        let mut total = 0;
        loop {
            let got = recv(server, 4096).unwrap();
            if got.is_empty() {
                break;
            }
            total += got.len();
        }
        assert_eq!(total, USERS * SENDS * 4);
    }
}

/// Both handles closed at once from two threads: each close succeeds once, and the socket
/// closes exactly once (the peer reads one end of the stream; the table holds no socket of
/// the pair any more).
#[test]
fn both_handles_closed_at_once() {
    for round in 0..rounds(32) {
        let env = common::env();
        let (listening, client, server) = tcp_pair(27_400 + round);
        let d = duplicate(client);
        let start = std::sync::Arc::new(Barrier::new(2));
        let other = {
            let start = std::sync::Arc::clone(&start);
            env.net.spawn(move || {
                start.wait();
                close(d)
            })
        };
        start.wait();
        assert_eq!(close(client), Ok(()));
        assert_eq!(other.join().unwrap(), Ok(()));
        assert_eq!(recv(server, 1).unwrap(), b"");
        close(server).unwrap();
        close(listening).unwrap();
        assert_eq!(env.net.socket_count(), 0);
    }
}
