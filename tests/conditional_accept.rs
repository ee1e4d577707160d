//! `SO_CONDITIONAL_ACCEPT`: the client's handshake waits for the server's `WSAAccept`
//! condition function (or `accept`), which accepts, rejects or defers it (docs/rules.md
//! W10, docs/choices.md#conditional-accept), through `sys` in windows-sys style.

mod common;

use std::ptr;

use common::options::{get_int, set_int};
use common::{env, last_error, raw_socket, sockaddr};
use winsock_emu::sys::*;

/// A condition function that answers what `dwCallbackData` says.
unsafe extern "system" fn answer(
    _caller_id: *mut WSABUF,
    _caller_data: *mut WSABUF,
    _sqos: *mut QOS,
    _gqos: *mut QOS,
    _callee_id: *mut WSABUF,
    _callee_data: *mut WSABUF,
    _group: *mut u32,
    callback_data: usize,
) -> i32 {
    callback_data as i32
}

fn wsa_accept(listener: SOCKET, verdict: u32) -> Result<SOCKET, i32> {
    let s = unsafe {
        WSAAccept(
            listener,
            ptr::null_mut(),
            ptr::null_mut(),
            Some(answer),
            verdict as usize,
        )
    };
    if s == INVALID_SOCKET {
        Err(last_error())
    } else {
        Ok(s)
    }
}

/// A conditional listener on 127.0.0.1:`port`.
fn listener(port: u16, conditional: bool) -> SOCKET {
    let s = raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if conditional {
        assert_eq!(set_int(s, SOL_SOCKET, SO_CONDITIONAL_ACCEPT, 1), Ok(()));
    }
    let at = sockaddr(format!("127.0.0.1:{port}").parse().unwrap());
    assert_eq!(unsafe { bind(s, at.as_ptr().cast(), 16) }, 0);
    assert_eq!(unsafe { listen(s, 8) }, 0);
    s
}

fn connect_to(s: SOCKET, port: u16) -> Result<(), i32> {
    let at = sockaddr(format!("127.0.0.1:{port}").parse().unwrap());
    if unsafe { connect(s, at.as_ptr().cast(), 16) } == 0 {
        Ok(())
    } else {
        Err(last_error())
    }
}

fn nonblocking(s: SOCKET) {
    let mut on = 1u32;
    assert_eq!(unsafe { ioctlsocket(s, FIONBIO, &mut on) }, 0);
}

fn peer_of(s: SOCKET) -> Result<(), i32> {
    let mut raw = [0u8; 128];
    let mut len = 128;
    if unsafe { getpeername(s, raw.as_mut_ptr().cast(), &mut len) } == 0 {
        Ok(())
    } else {
        Err(last_error())
    }
}

/// Whether `s` is writable now (`select` with a zero timeout).
fn writable(s: SOCKET) -> bool {
    let mut set = FD_SET {
        fd_count: 1,
        fd_array: [0; 64],
    };
    set.fd_array[0] = s;
    let zero = TIMEVAL {
        tv_sec: 0,
        tv_usec: 0,
    };
    let n = unsafe { select(0, ptr::null_mut(), &mut set, ptr::null_mut(), &zero) };
    assert!(n >= 0);
    n == 1
}

/// A server that screens its clients with a condition function, as the WSAAccept page's
/// `SO_CONDITIONAL_ACCEPT` use has it: blocking clients in their own threads wait in
/// `connect` until the server decides; the even ones are accepted (and echo through), the
/// odd ones refused (their connect fails with `WSAECONNREFUSED`). In a loop.
#[test]
fn blocking_clients_wait_in_connect_until_the_condition_function_decides() {
    for round in 0..20u16 {
        let env = env();
        let port = 9600 + round;
        let server = listener(port, true);
        let clients: Vec<_> = (0..4u8)
            .map(|i| {
                env.net.spawn(move || {
                    let s = raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
                    let outcome = connect_to(s, port);
                    if outcome.is_ok() {
                        assert_eq!(unsafe { send(s, [i].as_ptr(), 1, 0) }, 1);
                    }
                    unsafe { closesocket(s) };
                    (i, outcome)
                })
            })
            .collect();
        let mut accepted = 0;
        let mut refused = 0;
        while accepted + refused < 4 {
            // Blocking: waits for the next client's connection to arrive. A client's number
            // is only known once it sends, so the server alternates: accept, then reject.
            let verdict = if (accepted + refused) % 2 == 0 {
                CF_ACCEPT
            } else {
                CF_REJECT
            };
            match wsa_accept(server, verdict) {
                Ok(c) => {
                    let mut got = [0u8; 1];
                    assert_eq!(unsafe { recv(c, got.as_mut_ptr(), 1, 0) }, 1);
                    unsafe { closesocket(c) };
                    accepted += 1;
                }
                Err(code) => {
                    assert_eq!(code, WSAECONNREFUSED);
                    refused += 1;
                }
            }
        }
        let outcomes: Vec<_> = clients.into_iter().map(|c| c.join().unwrap()).collect();
        let ok = outcomes.iter().filter(|(_, o)| o.is_ok()).count();
        let refusals = outcomes
            .iter()
            .filter(|(_, o)| *o == Err(WSAECONNREFUSED))
            .count();
        assert_eq!((ok, refusals), (2, 2), "{outcomes:?}");
        unsafe { closesocket(server) };
    }
}

#[test]
fn a_non_blocking_client_is_not_connected_until_accepted() {
    let _env = env();
    let server = listener(9700, true);
    let client = raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    nonblocking(client);
    assert_eq!(connect_to(client, 9700), Err(WSAEWOULDBLOCK));
    // Before the decision: not writable, not connected, no SO_ERROR; another connect is
    // WSAEALREADY and a send WSAENOTCONN.
    assert!(!writable(client));
    assert_eq!(peer_of(client), Err(WSAENOTCONN));
    assert_eq!(get_int(client, SOL_SOCKET, SO_ERROR), Ok(0));
    assert_eq!(connect_to(client, 9700), Err(WSAEALREADY));
    assert_eq!(unsafe { send(client, b"x".as_ptr(), 1, 0) }, SOCKET_ERROR);
    assert_eq!(last_error(), WSAENOTCONN);
    // CF_DEFER leaves it waiting.
    assert_eq!(wsa_accept(server, CF_DEFER), Err(WSATRY_AGAIN));
    assert!(!writable(client));
    // CF_ACCEPT completes the handshake: writable, connected, data flows.
    let accepted = wsa_accept(server, CF_ACCEPT).unwrap();
    assert!(writable(client));
    assert_eq!(peer_of(client), Ok(()));
    assert_eq!(unsafe { send(client, b"hi".as_ptr(), 2, 0) }, 2);
    let mut got = [0u8; 2];
    assert_eq!(unsafe { recv(accepted, got.as_mut_ptr(), 2, 0) }, 2);
    assert_eq!(&got, b"hi");
}

#[test]
fn choice_conditional_accept_waiting_clients_and_the_listeners_close() {
    let _env = env();
    // CF_REJECT refuses a non-blocking client: SO_ERROR, and connect's failure.
    let server = listener(9800, true);
    let rejected = raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    nonblocking(rejected);
    assert_eq!(connect_to(rejected, 9800), Err(WSAEWOULDBLOCK));
    assert_eq!(wsa_accept(server, CF_REJECT), Err(WSAECONNREFUSED));
    assert_eq!(get_int(rejected, SOL_SOCKET, SO_ERROR), Ok(WSAECONNREFUSED));
    assert!(!writable(rejected));
    // Plain accept completes a waiting connection as CF_ACCEPT does.
    let taken = raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    nonblocking(taken);
    assert_eq!(connect_to(taken, 9800), Err(WSAEWOULDBLOCK));
    let s = unsafe { accept(server, ptr::null_mut(), ptr::null_mut()) };
    assert_ne!(s, INVALID_SOCKET);
    assert!(writable(taken));
    // The listener's close refuses every connection still waiting.
    let waiting = raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    nonblocking(waiting);
    assert_eq!(connect_to(waiting, 9800), Err(WSAEWOULDBLOCK));
    assert_eq!(unsafe { closesocket(server) }, 0);
    assert_eq!(get_int(waiting, SOL_SOCKET, SO_ERROR), Ok(WSAECONNREFUSED));
    // Without the option, the handshake completes at connect, and CF_REJECT resets the
    // connection made (choice accept-condition-reject).
    let plain = listener(9801, false);
    let client = raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    assert_eq!(connect_to(client, 9801), Ok(()));
    assert_eq!(wsa_accept(plain, CF_REJECT), Err(WSAECONNREFUSED));
    nonblocking(client);
    let mut buf = [0u8; 1];
    assert_eq!(
        unsafe { recv(client, buf.as_mut_ptr(), 1, 0) },
        SOCKET_ERROR
    );
    assert_eq!(last_error(), WSAECONNRESET);
}
