//! Blocking calls wait, as Winsock's do, and every wait ends the documented way: data,
//! the peer's FIN or reset, a close or `WSACleanup` from another thread, a timeout, or a
//! deadlock of the code under test, found at once and diagnosed.

mod common;

use std::net::{Shutdown, SocketAddr};
use std::time::Duration;

use common::*;
use winsock_emu::sys::*;
use winsock_emu::testing::Clock;
use winsock_emu::{Domain, Error, Network, Type};

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

#[test]
fn a_blocking_accept_waits_for_the_connection_another_thread_makes() {
    let env = env();
    let listener = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    listener.bind(addr("127.0.0.1:7100")).unwrap();
    listener.listen(1).unwrap();
    let client = env.net.spawn(|| {
        let net = Network::current();
        let client = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
        client.connect(addr("127.0.0.1:7100")).unwrap();
        client.local_addr().unwrap()
    });
    let (_server, from) = listener.accept().unwrap();
    assert_eq!(from, client.join().unwrap());
}

#[test]
fn choice_close_interrupts_waits_of_accept_and_recv() {
    let env = env();
    let listener = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    listener.bind(addr("127.0.0.1:7101")).unwrap();
    listener.listen(1).unwrap();
    let l = listener.into_raw();
    let server = env.net.spawn(move || unsafe {
        let s = accept(l, std::ptr::null_mut(), std::ptr::null_mut());
        (s, WSAGetLastError())
    });
    assert!(env.net.wait_until_blocked(1));
    assert_eq!(unsafe { closesocket(l) }, 0);
    assert_eq!(server.join().unwrap(), (INVALID_SOCKET, WSAEINTR));

    let (client, _server) = accepted_pair(&env.net, "127.0.0.1:7102");
    let c = client.into_raw();
    let reader = env.net.spawn(move || {
        let mut buf = [0u8; 8];
        let rc = unsafe { recv(c, buf.as_mut_ptr(), 8, 0) };
        (rc, unsafe { WSAGetLastError() })
    });
    assert!(env.net.wait_until_blocked(1));
    assert_eq!(unsafe { closesocket(c) }, 0);
    assert_eq!(reader.join().unwrap(), (SOCKET_ERROR, WSAEINTR));
    assert!(env.net.stalls().is_empty());
}

#[test]
fn the_peer_s_fin_reset_and_shutdown_end_a_blocked_receive() {
    let env = env();
    // The peer's shutdown(SD_SEND): 0, the graceful close.
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7103");
    let reader = env.net.spawn(move || client.recv(&mut [0u8; 8]));
    assert!(env.net.wait_until_blocked(1));
    server.shutdown(Shutdown::Write).unwrap();
    assert_eq!(reader.join().unwrap(), Ok(0));
    // A reset: WSAECONNRESET.
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7104");
    let net = env.net.clone();
    let reader = env.net.spawn(move || client.recv(&mut [0u8; 8]));
    assert!(env.net.wait_until_blocked(1));
    net.reset_connection(&server).unwrap();
    assert_eq!(reader.join().unwrap(), Err(Error::ConnectionReset));
    // Its own shutdown(SD_RECEIVE) from another thread: WSAESHUTDOWN.
    let (client, _server) = accepted_pair(&env.net, "127.0.0.1:7105");
    let c = client.as_raw();
    let reader = env.net.spawn(move || client.recv(&mut [0u8; 8]));
    assert!(env.net.wait_until_blocked(1));
    assert_eq!(unsafe { shutdown(c, SD_RECEIVE) }, 0);
    assert_eq!(reader.join().unwrap(), Err(Error::Shutdown));
}

#[test]
fn the_last_wsacleanup_interrupts_a_blocked_recvfrom() {
    let net = Network::new();
    let _current = net.enter();
    let startup = net.startup().unwrap();
    let udp = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp.bind(addr("127.0.0.1:7106")).unwrap();
    let reader = net.spawn(move || udp.recv_from(&mut [0u8; 8]).map(drop));
    assert!(net.wait_until_blocked(1));
    startup.cleanup().unwrap();
    assert_eq!(reader.join().unwrap(), Err(Error::Interrupted));
}

#[test]
fn so_rcvtimeo_ends_a_receive_with_wsaetimedout_on_the_test_clock() {
    let env = env();
    env.net.set_clock(Clock::Auto);
    let start = env.net.now();
    let (client, _server) = accepted_pair(&env.net, "127.0.0.1:7107");
    client
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    assert_eq!(client.read_timeout(), Ok(Some(Duration::from_secs(30))));
    // Every thread of the network waits: the clock jumps to the deadline at once.
    assert_eq!(client.recv(&mut [0u8; 8]), Err(Error::TimedOut));
    assert_eq!(env.net.now(), start + Duration::from_secs(30));
    assert!(env.net.stalls().is_empty());
    // The socket stays usable, and 0 means no timeout.
    client.set_read_timeout(Some(Duration::ZERO)).unwrap();
    assert_eq!(client.read_timeout(), Ok(None));
}

#[test]
fn so_rcvtimeo_on_a_manual_clock_ends_when_the_test_advances_it() {
    let env = env();
    env.net.set_clock(Clock::Manual);
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7108");
    client
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let reader = env.net.spawn(move || client.recv(&mut [0u8; 8]));
    assert!(env.net.wait_until_blocked(1));
    assert!(env.net.advance(Duration::from_millis(100)));
    assert_eq!(reader.join().unwrap(), Err(Error::TimedOut));
    drop(server);
}

#[test]
fn choice_stall_ends_the_call_both_sides_receiving_first_is_a_deadlock() {
    let env = env();
    env.net.set_stall_limit(Duration::from_secs(3600));
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7109");
    let other = env.net.spawn(move || server.recv(&mut [0u8; 8]));
    // Both sides wait for the other to speak first: the waits end at once, not at the
    // stall limit.
    assert_eq!(client.recv(&mut [0u8; 8]), Err(Error::NetworkDown));
    assert_eq!(other.join().unwrap(), Err(Error::NetworkDown));
    let stalls = env.net.stalls();
    assert_eq!(stalls.len(), 1, "one diagnosis");
    assert!(stalls[0].is_deadlock());
    assert_eq!(stalls[0].call(), "recv");
    let text = stalls[0].to_string();
    assert!(text.contains("deadlock"), "{text}");
    assert!(text.contains("127.0.0.1:7109"), "{text}");
    assert!(text.contains("the other waiting threads"), "{text}");
}

#[test]
fn choice_nonblocking_connect_completes_in_the_call() {
    let env = env();
    let listener = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    listener.bind(addr("127.0.0.1:7110")).unwrap();
    listener.listen(1).unwrap();
    let client = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    client.set_nonblocking(true).unwrap();
    // Nobody at 7111: WSAEWOULDBLOCK, then SO_ERROR says why, and stays.
    assert_eq!(
        client.connect(addr("127.0.0.1:7111")),
        Err(Error::WouldBlock)
    );
    assert_eq!(client.take_error(), Ok(Some(Error::ConnectionRefused)));
    assert_eq!(client.take_error(), Ok(Some(Error::ConnectionRefused)));
    assert_eq!(client.peer_addr(), Err(Error::NotConnected));
    // Again, to the listener: WSAEWOULDBLOCK, connected at once, SO_ERROR reset.
    assert_eq!(
        client.connect(addr("127.0.0.1:7110")),
        Err(Error::WouldBlock)
    );
    assert_eq!(client.take_error(), Ok(None));
    assert_eq!(
        client.connect(addr("127.0.0.1:7110")),
        Err(Error::IsConnected)
    );
    // The accepted socket has the listener's mode and options (facts 1.2).
    listener.set_recv_buffer_size(4096).unwrap();
    listener
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let (server, _) = listener.accept().unwrap();
    assert_eq!(server.recv_buffer_size(), Ok(4096));
    assert_eq!(server.read_timeout(), Ok(Some(Duration::from_secs(2))));
    assert_eq!(
        server.send_buffer_size(),
        Ok(winsock_emu::choices::DEFAULT_BUFFER)
    );
    assert!(!server.info().unwrap().nonblocking);
}

/// Counts the completion routines this thread ran.
static ROUTINES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

unsafe extern "system" fn counted(_error: u32, _bytes: u32, _ov: *mut OVERLAPPED, _flags: u32) {
    ROUTINES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

#[test]
fn a_completion_routine_runs_during_a_blocking_receive() {
    let env = env();
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7112");
    let reader = env.net.spawn(move || {
        // An overlapped operation completed at once: its routine is queued to this thread.
        let udp = Network::current()
            .socket(Domain::IPV4, Type::DGRAM, None)
            .unwrap();
        let mut ov = OVERLAPPED::default();
        let off: BOOL = FALSE;
        let mut returned = 0u32;
        let rc = unsafe {
            WSAIoctl(
                udp.as_raw(),
                SIO_UDP_CONNRESET,
                (&off as *const BOOL).cast(),
                4,
                std::ptr::null_mut(),
                0,
                &mut returned,
                &mut ov,
                Some(counted),
            )
        };
        assert_eq!(rc, 0);
        // The blocking receive runs it while it waits, then gets the data.
        let got = client.recv(&mut [0u8; 8]);
        (got, ROUTINES.load(std::sync::atomic::Ordering::SeqCst))
    });
    assert!(env.net.wait_until_blocked(1));
    server.send(b"data").unwrap();
    assert_eq!(reader.join().unwrap(), (Ok(4), 1));
}

#[test]
fn strict_mode_makes_a_stall_a_report() {
    let env = env();
    env.net.set_strict(true);
    env.net.set_stall_limit(Duration::from_secs(3600));
    let (client, _server) = accepted_pair(&env.net, "127.0.0.1:7113");
    assert_eq!(client.recv(&mut [0u8; 8]), Err(Error::NetworkDown));
    let reports = env.net.take_strict_reports();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].rule, winsock_emu::testing::BLOCKED_FOREVER);
    assert_eq!(reports[0].socket, Some(client.as_raw()));
    assert!(reports[0].what.contains("recv on socket"));
}

#[test]
fn the_stall_limit_ends_a_wait_on_the_process_wide_network() {
    // The process-wide network knows no threads: only the stall limit ends a wait there.
    // (Its own port, so parallel tests on the process-wide network do not meet.)
    let net = Network::global();
    let _wsa = net.startup().unwrap();
    let limit = net.stall_limit();
    net.set_stall_limit(Duration::from_millis(50));
    let udp = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp.bind(addr("127.0.0.1:7114")).unwrap();
    assert_eq!(udp.recv(&mut [0u8; 8]), Err(Error::NetworkDown));
    net.set_stall_limit(limit);
    let stall = net
        .stalls()
        .into_iter()
        .find(|stall| stall.socket() == Some(udp.as_raw()))
        .expect("recorded");
    assert!(!stall.is_deadlock());
    assert!(stall.to_string().contains("stall limit"));
}

#[test]
fn the_thread_that_made_the_network_is_known_to_it_without_entering() {
    // `Network::new` on this thread, never entered here: this thread still counts as one
    // that may act, so the receive another thread blocks in is not declared a deadlock
    // while this thread is about to send (before, only `Network::default()` made its maker
    // known, and the lone receiver was ended at once with WSAENETDOWN).
    let net = Network::new();
    let _wsa = net.startup().unwrap();
    let listener = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    listener.bind(addr("127.0.0.1:7190")).unwrap();
    listener.listen(1).unwrap();
    let client = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    client.connect(addr("127.0.0.1:7190")).unwrap();
    let (server, _) = listener.accept().unwrap();
    let receiver = net.spawn(move || {
        let mut buf = [0u8; 4];
        client.recv(&mut buf).map(|n| buf[..n].to_vec())
    });
    assert!(net.wait_until_blocked(1), "the receive never waited");
    // Outside any call now, as a test between two steps is.
    std::thread::yield_now();
    server.send(b"ping").unwrap();
    assert_eq!(receiver.join().unwrap().unwrap(), b"ping");
    assert!(net.stalls().is_empty(), "{:?}", net.stalls());
}
