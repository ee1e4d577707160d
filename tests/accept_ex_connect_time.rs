//! `SO_CONNECT_TIME` on an `AcceptEx` accept socket
//! (<https://learn.microsoft.com/en-us/windows/win32/api/mswsock/nf-mswsock-acceptex>):
//! 0xFFFFFFFF before a connection arrives, then the seconds connected on the network's
//! clock while `AcceptEx` still waits for the first data, and after it completed, so a
//! server can drop a client that connects and never sends (rule P8).

mod common;
mod iocp_support;

use std::ffi::c_void;
use std::mem::size_of;
use std::ptr;
use std::time::Duration;

use common::env;
use common::options::get_with;
use iocp_support::*;
use winsock_emu::sys::*;
use winsock_emu::testing::Clock;

const AREA: u32 = (size_of::<SOCKADDR_IN>() + 16) as u32;

/// `getsockopt(SO_CONNECT_TIME)` on `s`: its value, and the length written.
fn connect_time(s: SOCKET) -> (u32, i32) {
    let got = get_with(s, SOL_SOCKET, SO_CONNECT_TIME, 4, 4);
    assert_eq!(got.result, Ok(()));
    (got.int() as u32, got.len)
}

#[test]
fn connect_time_on_an_accept_socket_counts_from_the_connection_on_the_network_clock() {
    let env = env();
    env.net.set_clock(Clock::Manual);
    let port = new_port();
    let l = listener("127.0.0.1:6101");
    associate(l, port, 1);
    let accept = tcp_socket();
    let mut buf = [0u8; 4 + 2 * AREA as usize];
    let mut ov = OVERLAPPED::default();
    let function = accept_ex(l);
    let mut received = 0u32;
    let ok = unsafe {
        function(
            l,
            accept,
            buf.as_mut_ptr().cast::<c_void>(),
            4,
            AREA,
            AREA,
            &mut received,
            &mut ov,
        )
    };
    assert_eq!((ok, unsafe { WSAGetLastError() }), (FALSE, WSA_IO_PENDING));
    // No connection yet: 0xFFFFFFFF, with success and a 4-byte answer.
    assert_eq!(connect_time(accept), (u32::MAX, 4));
    env.net.advance(Duration::from_secs(10));
    assert_eq!(
        connect_time(accept).0,
        u32::MAX,
        "time before connecting counts not"
    );

    let c = tcp_socket();
    let name = sockaddr_in("127.0.0.1:6101".parse().unwrap());
    assert_eq!(unsafe { connect(c, ptr::from_ref(&name).cast(), 16) }, 0);
    // Connected, AcceptEx still waits for data: the seconds connected, on the clock.
    assert_eq!(dequeue(port, 0).error, WAIT_TIMEOUT);
    assert_eq!(connect_time(accept), (0, 4));
    assert_eq!(connect_time(c).0, 0);
    env.net.advance(Duration::from_millis(7_500));
    assert_eq!(connect_time(accept).0, 7, "whole seconds");
    assert_eq!(connect_time(c).0, 7);

    // The first data completes AcceptEx; the count goes on.
    assert_eq!(unsafe { send(c, b"ping".as_ptr(), 4, 0) }, 4);
    let got = dequeue(port, 0);
    assert_eq!((got.ok, got.bytes, got.key), (true, 4, 1));
    env.net.advance(Duration::from_secs(3));
    assert_eq!(connect_time(accept).0, 10);
    // A listener never has a count.
    assert_eq!(connect_time(l).0, u32::MAX);
    for s in [l, accept, c] {
        assert_eq!(unsafe { closesocket(s) }, 0);
    }
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}
