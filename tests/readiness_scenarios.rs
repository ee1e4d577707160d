//! Servers written the way Microsoft's pages and the usual Windows samples write them, in
//! windows-sys style through `winsock_emu::sys`: a `select` echo server, a `WSAPoll` echo
//! server and a `WSAEventSelect` server on `WSAWaitForMultipleEvents`, each serving clients
//! in other threads; and a non-blocking connect completed through each of the three. Each
//! runs 200 times. Every wait is bounded: a timeout the test asserts was not reached, and
//! the network's stall detection behind it.

mod common;

use std::ptr;

use common::readiness::*;
use common::{env, last_error};
use winsock_emu::sys::{
    self, FALSE, FD_ACCEPT, FD_CLOSE, FD_CONNECT, FD_READ, FD_SET, FD_WRITE, FIONBIO,
    INVALID_SOCKET, POLLRDNORM, POLLWRNORM, SOCKET, SOCKET_ERROR, TIMEVAL, WSAEWOULDBLOCK,
    WSANETWORKEVENTS, WSAPOLLFD, WSA_MAXIMUM_WAIT_EVENTS, WSA_WAIT_EVENT_0, WSA_WAIT_FAILED,
    WSA_WAIT_TIMEOUT,
};

const ROUNDS: usize = 200;
const CLIENTS: usize = 4;
const MESSAGES: usize = 3;
/// A bound no correct run comes near (the stall limit would end a stuck wait first).
const TEN_SECONDS: TIMEVAL = TIMEVAL {
    tv_sec: 10,
    tv_usec: 0,
};

/// Waits (bounded) until `s` is readable, through `select`.
fn wait_readable(s: SOCKET) {
    let mut set = fd_set(&[s]);
    let rc = unsafe { sys::select(0, &mut set, ptr::null_mut(), ptr::null_mut(), &TEN_SECONDS) };
    assert_eq!(rc, 1, "select: {rc} ({})", last_error());
}

/// A client: connects, sends each message and reads its echo, then closes.
fn client(port: u16, id: usize) {
    let s = tcp();
    connect(s, port).unwrap();
    for m in 0..MESSAGES {
        let message = format!("client {id} message {m}");
        assert_eq!(send(s, message.as_bytes()), Ok(message.len()));
        let mut echoed = Vec::new();
        while echoed.len() < message.len() {
            wait_readable(s);
            let got = recv(s, 256).unwrap();
            assert!(!got.is_empty(), "the server closed early");
            echoed.extend(got);
        }
        assert_eq!(echoed, message.as_bytes());
    }
    assert_eq!(unsafe { sys::closesocket(s) }, 0);
}

/// Starts the clients on threads of `net`.
fn start_clients(net: &winsock_emu::Network, port: u16) -> Vec<std::thread::JoinHandle<()>> {
    (0..CLIENTS)
        .map(|id| net.spawn(move || client(port, id)))
        .collect()
}

/// Receives what is waiting on `s` and sends it back; `false` once the peer closed.
fn echo(s: SOCKET) -> bool {
    match recv(s, 256) {
        Ok(data) if data.is_empty() => false,
        Ok(data) => {
            assert_eq!(send(s, &data), Ok(data.len()));
            true
        }
        Err(WSAEWOULDBLOCK) => true,
        Err(code) => panic!("recv: {code}"),
    }
}

/// The classic select loop: the listener and every connection in readfds.
fn select_server(l: SOCKET) {
    let mut connections: Vec<SOCKET> = Vec::new();
    let (mut accepted, mut closed) = (0, 0);
    while closed < CLIENTS {
        let mut readfds = FD_SET::default();
        sys::FD_ZERO(&mut readfds);
        if accepted < CLIENTS {
            sys::FD_SET(l, &mut readfds);
        }
        for &c in &connections {
            sys::FD_SET(c, &mut readfds);
        }
        let rc = unsafe {
            sys::select(
                0,
                &mut readfds,
                ptr::null_mut(),
                ptr::null_mut(),
                &TEN_SECONDS,
            )
        };
        assert!(rc > 0, "select: {rc} ({})", last_error());
        if sys::FD_ISSET(l, &readfds) {
            let c = unsafe { sys::accept(l, ptr::null_mut(), ptr::null_mut()) };
            assert_ne!(c, INVALID_SOCKET, "accept: {}", last_error());
            connections.push(c);
            accepted += 1;
        }
        connections.retain(|&c| {
            if !sys::FD_ISSET(c, &readfds) || echo(c) {
                return true;
            }
            unsafe { sys::closesocket(c) };
            closed += 1;
            false
        });
    }
}

#[test]
fn a_select_echo_server_serves_clients_in_other_threads() {
    for round in 0..ROUNDS {
        let env = env();
        let port = 8000 + (round % 100) as u16;
        let l = listener(port);
        let clients = start_clients(&env.net, port);
        select_server(l);
        for c in clients {
            c.join().unwrap();
        }
        assert_eq!(unsafe { sys::closesocket(l) }, 0);
        assert_eq!(
            env.net.socket_count(),
            0,
            "round {round}: every socket closed"
        );
    }
}

/// The WSAPoll loop: entry 0 is the listener.
fn poll_server(l: SOCKET) {
    let mut fds = vec![WSAPOLLFD {
        fd: l,
        events: POLLRDNORM,
        revents: 0,
    }];
    let (mut accepted, mut closed) = (0, 0);
    while closed < CLIENTS {
        let rc = unsafe { sys::WSAPoll(fds.as_mut_ptr(), fds.len() as u32, 10_000) };
        assert!(rc > 0, "WSAPoll: {rc} ({})", last_error());
        if fds[0].revents & POLLRDNORM != 0 {
            let c = unsafe { sys::accept(l, ptr::null_mut(), ptr::null_mut()) };
            assert_ne!(c, INVALID_SOCKET);
            accepted += 1;
            if accepted == CLIENTS {
                fds[0].fd = INVALID_SOCKET; // ignored from now on
            }
            fds.push(WSAPOLLFD {
                fd: c,
                events: POLLRDNORM,
                revents: 0,
            });
        }
        let mut i = 1;
        while i < fds.len() {
            let ready = fds[i].revents;
            if ready != 0 && !echo(fds[i].fd) {
                unsafe { sys::closesocket(fds[i].fd) };
                fds.remove(i);
                closed += 1;
                continue;
            }
            i += 1;
        }
    }
}

#[test]
fn a_wsapoll_echo_server_serves_clients_in_other_threads() {
    for round in 0..ROUNDS {
        let env = env();
        let port = 8100 + (round % 100) as u16;
        let l = listener(port);
        let clients = start_clients(&env.net, port);
        poll_server(l);
        for c in clients {
            c.join().unwrap();
        }
        unsafe { sys::closesocket(l) };
        assert_eq!(env.net.socket_count(), 0, "round {round}");
    }
}

/// The WSAEventSelect loop: one event per socket, waited on together.
fn event_select_server(l: SOCKET) -> (usize, usize) {
    let mut sockets = vec![l];
    let mut events = vec![unsafe { sys::WSACreateEvent() }];
    assert_eq!(
        unsafe { sys::WSAEventSelect(l, events[0], (FD_ACCEPT | FD_CLOSE) as i32) },
        0
    );
    let (mut accepted, mut closes) = (0, 0);
    while closes < CLIENTS {
        assert!(events.len() <= WSA_MAXIMUM_WAIT_EVENTS as usize);
        let handles: Vec<sys::HANDLE> = events.iter().map(|&e| e as sys::HANDLE).collect();
        let rc = unsafe {
            sys::WSAWaitForMultipleEvents(
                handles.len() as u32,
                handles.as_ptr(),
                FALSE,
                10_000,
                FALSE,
            )
        };
        assert!(
            rc != WSA_WAIT_TIMEOUT && rc != WSA_WAIT_FAILED,
            "wait: {rc:#x}"
        );
        let first = (rc - WSA_WAIT_EVENT_0 as u32) as usize;
        // Serve every signalled socket from the first one on, as the samples do.
        let mut i = first;
        while i < sockets.len() {
            let mut ne = WSANETWORKEVENTS::default();
            assert_eq!(
                unsafe { sys::WSAEnumNetworkEvents(sockets[i], events[i], &mut ne) },
                0
            );
            let happened = ne.lNetworkEvents as u32;
            if happened & FD_ACCEPT != 0 {
                let c = unsafe { sys::accept(l, ptr::null_mut(), ptr::null_mut()) };
                assert_ne!(c, INVALID_SOCKET, "accept: {}", last_error());
                accepted += 1;
                let e = unsafe { sys::WSACreateEvent() };
                assert_eq!(
                    unsafe { sys::WSAEventSelect(c, e, (FD_READ | FD_CLOSE) as i32) },
                    0
                );
                sockets.push(c);
                events.push(e);
            }
            if happened & FD_READ != 0 {
                assert!(echo(sockets[i]));
            }
            if happened & FD_CLOSE != 0 {
                assert_eq!(
                    ne.iErrorCode[sys::FD_CLOSE_BIT as usize],
                    0,
                    "a graceful close"
                );
                // The client read every echo before closing: only its FIN is left.
                assert_eq!(recv(sockets[i], 256), Ok(Vec::new()));
                unsafe {
                    sys::closesocket(sockets[i]);
                    sys::WSACloseEvent(events[i]);
                }
                sockets.remove(i);
                events.remove(i);
                closes += 1;
                continue;
            }
            i += 1;
        }
    }
    unsafe { sys::WSACloseEvent(events[0]) };
    (accepted, closes)
}

#[test]
fn a_wsaeventselect_server_accepts_reads_and_sees_fd_close() {
    for round in 0..ROUNDS {
        let env = env();
        let port = 8200 + (round % 100) as u16;
        let l = listener(port);
        let clients = start_clients(&env.net, port);
        assert_eq!(event_select_server(l), (CLIENTS, CLIENTS));
        for c in clients {
            c.join().unwrap();
        }
        unsafe { sys::closesocket(l) };
        assert_eq!(env.net.socket_count(), 0, "round {round}");
    }
}

/// Starts a non-blocking connect to `port`: 0 or WSAEWOULDBLOCK (facts 1.5).
fn start_connect(s: SOCKET, port: u16) {
    match connect(s, port) {
        Ok(()) | Err(WSAEWOULDBLOCK) => {}
        Err(code) => panic!("connect: {code}"),
    }
}

fn nonblocking_tcp() -> SOCKET {
    let s = tcp();
    let mut on = 1u32;
    assert_eq!(unsafe { sys::ioctlsocket(s, FIONBIO, &mut on) }, 0);
    s
}

#[test]
fn a_non_blocking_connect_completes_through_select_wsapoll_and_wsaeventselect() {
    for round in 0..ROUNDS {
        let _env = env();
        let port = 8300 + (round % 100) as u16;
        let l = listener(port);

        let s = nonblocking_tcp();
        start_connect(s, port);
        let (mut w, mut e) = (fd_set(&[s]), fd_set(&[s]));
        let rc = unsafe { sys::select(0, ptr::null_mut(), &mut w, &mut e, &TEN_SECONDS) };
        assert_eq!(
            (rc, members(&w), members(&e)),
            (1, vec![s], vec![]),
            "select: writable"
        );

        let p = nonblocking_tcp();
        start_connect(p, port);
        let mut fds = [WSAPOLLFD {
            fd: p,
            events: POLLWRNORM,
            revents: 0,
        }];
        let rc = unsafe { sys::WSAPoll(fds.as_mut_ptr(), 1, 10_000) };
        assert_eq!((rc, fds[0].revents), (1, POLLWRNORM), "WSAPoll: POLLWRNORM");

        let v = tcp();
        let event = unsafe { sys::WSACreateEvent() };
        assert_eq!(
            unsafe { sys::WSAEventSelect(v, event, (FD_CONNECT | FD_WRITE) as i32) },
            0
        );
        start_connect(v, port);
        let handle = event as sys::HANDLE;
        let rc = unsafe { sys::WSAWaitForMultipleEvents(1, &handle, FALSE, 10_000, FALSE) };
        assert_eq!(rc, WSA_WAIT_EVENT_0 as u32);
        let mut ne = WSANETWORKEVENTS::default();
        assert_eq!(unsafe { sys::WSAEnumNetworkEvents(v, event, &mut ne) }, 0);
        assert_eq!(ne.lNetworkEvents as u32, FD_CONNECT | FD_WRITE);
        assert_eq!(ne.iErrorCode[sys::FD_CONNECT_BIT as usize], 0);

        for _ in 0..3 {
            let a = unsafe { sys::accept(l, ptr::null_mut(), ptr::null_mut()) };
            assert_ne!(a, INVALID_SOCKET, "each connection reached the backlog");
            assert_ne!(unsafe { sys::closesocket(a) }, SOCKET_ERROR);
        }
        unsafe { sys::WSACloseEvent(event) };
    }
}
