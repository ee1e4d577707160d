//! Flow control: a stream sender waits (blocking) or gets `WSAEWOULDBLOCK` (non-blocking)
//! while the connection is full; a datagram that finds its receiver's buffer full is
//! dropped; and a socket's memory stays bounded whatever a test sends (issue #13, defect 6).

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::*;
use winsock_emu::choices::{DATAGRAM_OVERHEAD, DEFAULT_BUFFER};
use winsock_emu::{Domain, Error, Network, Socket, Type};

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

/// The bytes (or datagrams) waiting on `socket`, as the snapshot counts them.
fn waiting(net: &Network, socket: &Socket) -> usize {
    let snapshot = net.snapshot();
    let info = snapshot
        .sockets
        .iter()
        .find(|s| s.handle == socket.as_raw());
    info.expect("live").waiting
}

#[test]
fn a_stream_sender_that_never_stops_is_held_at_the_connection_s_room() {
    let env = env();
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7300");
    client.set_nonblocking(true).unwrap();
    let chunk = vec![7u8; 1000];
    let mut sent = 0usize;
    for _ in 0..100_000 {
        match client.send(&chunk) {
            Ok(n) => sent += n,
            Err(Error::WouldBlock) => break,
            Err(other) => panic!("{other}"),
        }
    }
    // Room: SO_RCVBUF + SO_SNDBUF; the last send that found room is taken whole.
    let room = 2 * DEFAULT_BUFFER;
    assert!(sent >= room && sent < room + chunk.len(), "sent {sent}");
    assert_eq!(
        waiting(&env.net, &server),
        sent,
        "bounded, and nothing lost"
    );
    assert_eq!(client.send(&chunk), Err(Error::WouldBlock), "still full");
    // Reading frees room.
    let mut buf = vec![0u8; 4096];
    assert_eq!(server.recv(&mut buf), Ok(4096));
    assert_eq!(client.send(&chunk), Ok(1000));
}

#[test]
fn sends_before_accept_are_bounded_too() {
    let env = env();
    let (_listener, client) = connected_stream(&env.net, "127.0.0.1:7301");
    client.set_nonblocking(true).unwrap();
    let chunk = vec![1u8; 4096];
    let mut sent = 0usize;
    while let Ok(n) = client.send(&chunk) {
        sent += n;
        assert!(sent < 4 * DEFAULT_BUFFER, "unbounded before accept");
    }
    assert!(sent >= 2 * DEFAULT_BUFFER, "sent {sent}");
    assert_eq!(waiting(&env.net, &client), sent);
}

#[test]
fn a_datagram_flood_is_dropped_at_the_receive_buffer() {
    let env = env();
    let receiver = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    receiver.bind(addr("127.0.0.1:7302")).unwrap();
    let sender = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    for _ in 0..100_000 {
        // Every send succeeds, as UDP's do: the receiver drops what it has no room for.
        assert_eq!(sender.send_to(&[0u8; 100], addr("127.0.0.1:7302")), Ok(100));
    }
    let held = DEFAULT_BUFFER.div_ceil(100 + DATAGRAM_OVERHEAD);
    assert_eq!(waiting(&env.net, &receiver), held);
    // Empty datagrams are charged their entry: bounded as well.
    let empty = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    empty.bind(addr("127.0.0.1:7303")).unwrap();
    for _ in 0..100_000 {
        sender.send_to(&[], addr("127.0.0.1:7303")).unwrap();
    }
    assert_eq!(
        waiting(&env.net, &empty),
        DEFAULT_BUFFER.div_ceil(DATAGRAM_OVERHEAD)
    );
    // Reading makes room again, and the oldest datagrams were kept.
    receiver.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 128];
    assert_eq!(receiver.recv(&mut buf), Ok(100));
    sender.send_to(b"new", addr("127.0.0.1:7302")).unwrap();
    assert_eq!(waiting(&env.net, &receiver), held);
}

#[test]
fn so_rcvbuf_sets_the_datagram_room() {
    let env = env();
    let receiver = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    receiver.bind(addr("127.0.0.1:7304")).unwrap();
    receiver.set_recv_buffer_size(0).unwrap();
    assert_eq!(receiver.recv_buffer_size(), Ok(0));
    let sender = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    sender.send_to(b"dropped", addr("127.0.0.1:7304")).unwrap();
    assert_eq!(waiting(&env.net, &receiver), 0, "no room at all");
    receiver.set_recv_buffer_size(1).unwrap();
    sender
        .send_to(b"kept, whole", addr("127.0.0.1:7304"))
        .unwrap();
    sender.send_to(b"dropped", addr("127.0.0.1:7304")).unwrap();
    assert_eq!(receiver.recv(&mut [0u8; 32]), Ok(11));
}

#[test]
fn a_blocking_sender_waits_for_the_reader_and_nothing_is_lost() {
    for _ in 0..20 {
        let env = env();
        let (client, server) = accepted_pair(&env.net, "127.0.0.1:7305");
        const TOTAL: usize = 1_000_000;
        let writer = env.net.spawn(move || {
            let chunk = vec![0x5Au8; 10_000];
            let mut sent = 0;
            while sent < TOTAL {
                sent += client.send(&chunk).unwrap();
            }
            sent
        });
        let mut got = 0usize;
        let mut buf = vec![0u8; 3000];
        while got < TOTAL {
            let n = server.recv(&mut buf).unwrap();
            assert!(buf[..n].iter().all(|&b| b == 0x5A));
            got += n;
            assert!(waiting(&env.net, &server) <= 2 * DEFAULT_BUFFER + 10_000);
        }
        assert_eq!(writer.join().unwrap(), TOTAL);
        assert_eq!(got, TOTAL);
    }
}

#[test]
fn msg_waitall_longer_than_the_receive_buffer_is_gathered_in_turns() {
    let env = env();
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7306");
    server.set_recv_buffer_size(1000).unwrap();
    let s = server.as_raw();
    let writer = env.net.spawn(move || {
        for _ in 0..100 {
            client.send(&[9u8; 3000]).unwrap();
        }
    });
    let mut buf = vec![0u8; 300_000];
    let rc = unsafe {
        winsock_emu::sys::recv(s, buf.as_mut_ptr(), 300_000, winsock_emu::sys::MSG_WAITALL)
    };
    assert_eq!(rc, 300_000);
    assert!(buf.iter().all(|&b| b == 9));
    writer.join().unwrap();
}

#[test]
fn so_sndtimeo_ends_a_send_waiting_for_room() {
    let env = env();
    env.net.set_clock(winsock_emu::testing::Clock::Auto);
    let (client, _server) = accepted_pair(&env.net, "127.0.0.1:7307");
    client
        .set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    assert_eq!(client.write_timeout(), Ok(Some(Duration::from_secs(10))));
    let chunk = vec![0u8; 50_000];
    let outcome = loop {
        if let Err(error) = client.send(&chunk) {
            break error;
        }
    };
    assert_eq!(outcome, Error::TimedOut);
    assert!(env.net.stalls().is_empty());
}
