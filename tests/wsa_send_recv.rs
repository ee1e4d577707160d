//! `WSASend`, `WSARecv` and `WSARecvFrom`: gather sends, scatter receives across several
//! `WSABUF`s on streams and datagrams, their flags, and a datagram longer than the buffers.

mod common;

use std::net::{Shutdown, SocketAddr};

use common::wsa::*;
use common::*;
use winsock_emu::sys::*;
use winsock_emu::{Domain, Type};

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

#[test]
fn stream_gather_send_and_scatter_receive_across_several_buffers() {
    let env = env();
    let (client, server) = stream_pair(&env, "127.0.0.1:6000");
    let bufs = send_bufs(&[b"abc", b"", b"defgh"]);
    assert_eq!(wsa_send(client.as_raw(), &bufs, 0), Reported::ok(8, 0));
    let (reported, buffers) = recv_into(server.as_raw(), &[3, 0, 2, 10], 0);
    assert_eq!(reported, Reported::ok(8, 0));
    assert_eq!(buffers[0], b"abc");
    assert_eq!(buffers[2], b"de");
    assert_eq!(buffers[3][..3], *b"fgh");
    assert_eq!(buffers[3][3..], [FILL; 7], "nothing written past the data");

    let bufs = send_bufs(&[b"reply"]);
    assert_eq!(wsa_send(server.as_raw(), &bufs, 0), Reported::ok(5, 0));
    let (reported, buffers) = recv_into(client.as_raw(), &[2, 2], 0);
    assert_eq!(reported, Reported::ok(4, 0), "the buffers' total, no more");
    assert_eq!(buffers.concat(), b"repl");
    let mut rest = [0u8; 4];
    assert_eq!(client.recv(&mut rest), Ok(1));
    assert_eq!(rest[0], b'y');
}

#[test]
fn datagram_gather_send_is_one_datagram_and_recv_from_reports_the_sender() {
    let env = env();
    let (client, server) = datagram_pair(&env, "127.0.0.1:6001");
    let bufs = send_bufs(&[b"one", b"-", b"datagram"]);
    assert_eq!(wsa_send(client.as_raw(), &bufs, 0), Reported::ok(12, 0));
    let bufs = send_bufs(&[b"two"]);
    assert_eq!(wsa_send(client.as_raw(), &bufs, 0), Reported::ok(3, 0));

    let mut from = Sender::room(16);
    let (reported, buffers) = recv_from_into(server.as_raw(), &[4, 4, 8], 0, Some(&mut from));
    assert_eq!(reported, Reported::ok(12, 0));
    assert_eq!(buffers.concat()[..12], *b"one-datagram");
    assert_eq!(from.written(), sockaddr(client.local_addr().unwrap()));
    assert_eq!(from.len, 16);
    let (reported, buffers) = recv_from_into(server.as_raw(), &[8], 0, None);
    assert_eq!(reported, Reported::ok(3, 0), "the next datagram, alone");
    assert_eq!(buffers[0][..3], *b"two");
}

#[test]
fn wsarecvfrom_on_ipv6_needs_room_for_an_ipv6_address() {
    let env = env();
    let server = env.net.socket(Domain::IPV6, Type::DGRAM, None).unwrap();
    server.bind(addr("[::1]:6002")).unwrap();
    let client = env.net.socket(Domain::IPV6, Type::DGRAM, None).unwrap();
    client.bind(addr("[::1]:6012")).unwrap();
    client.send_to(b"v6", addr("[::1]:6002")).unwrap();
    let mut short = Sender::room(16);
    assert_fails_unchanged(&env.net, WSAEFAULT, || {
        recv_from_into(server.as_raw(), &[8], 0, Some(&mut short))
            .0
            .result
    });
    assert_eq!(short, Sender::room(16), "untouched on failure");
    let mut from = Sender::room(28);
    let (reported, _) = recv_from_into(server.as_raw(), &[8], 0, Some(&mut from));
    assert_eq!(reported, Reported::ok(2, 0));
    assert_eq!(from.written(), sockaddr(addr("[::1]:6012")));
}

#[test]
fn choice_data_flags_of_the_wsa_calls() {
    let env = env();
    let (client, server) = stream_pair(&env, "127.0.0.1:6003");
    client.send(b"abcd").unwrap();
    let s = server.as_raw();

    let (reported, buffers) = recv_into(s, &[1, 1], MSG_PEEK as u32);
    assert_eq!(reported, Reported::ok(2, 0), "*lpFlags is 0 after success");
    assert_eq!(buffers.concat(), b"ab");
    let waitall = MSG_WAITALL as u32;
    let mut buffers = filled(&[3, 3]);
    let bufs = recv_bufs(&mut buffers);
    // MSG_WAITALL on a non-blocking socket: WSAEOPNOTSUPP (recv's page).
    assert_fails_unchanged(&env.net, WSAEOPNOTSUPP, || {
        wsa_recv(s, &bufs, waitall).result
    });
    assert_eq!(
        wsa_recv(s, &bufs, waitall),
        Reported::failed(WSAEOPNOTSUPP, waitall)
    );
    client.send(b"ef").unwrap();
    server.set_nonblocking(false).unwrap();
    assert_eq!(wsa_recv(s, &bufs, waitall), Reported::ok(6, 0));
    assert_eq!(buffers.concat(), b"abcdef");
    server.set_nonblocking(true).unwrap();

    client.send(b"gh").unwrap();
    let push = MSG_PUSH_IMMEDIATE as u32;
    let (reported, buffers) = recv_into(s, &[8], push);
    assert_eq!(reported, Reported::ok(2, 0), "a hint on streams");
    assert_eq!(buffers[0][..2], *b"gh");

    let mut buffers = filled(&[8]);
    let bufs = recv_bufs(&mut buffers);
    for refused in [MSG_OOB as u32, MSG_PARTIAL, 0x100] {
        assert_fails_unchanged(&env.net, WSAEOPNOTSUPP, || {
            wsa_recv(s, &bufs, refused).result
        });
    }
    let data = send_bufs(&[b"x"]);
    for refused in [MSG_OOB as u32, MSG_PARTIAL] {
        let reported = wsa_send(client.as_raw(), &data, refused);
        assert_eq!(reported, Reported::failed(WSAEOPNOTSUPP, refused));
    }
    assert_eq!(
        wsa_send(client.as_raw(), &data, MSG_DONTROUTE as u32),
        Reported::ok(1, MSG_DONTROUTE as u32)
    );

    client.send(b"!").unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    server.set_nonblocking(false).unwrap();
    assert_eq!(
        wsa_recv(s, &bufs, waitall),
        Reported::ok(2, 0),
        "MSG_WAITALL returns what there is once the peer finished"
    );
    assert_eq!(wsa_recv(s, &bufs, 0), Reported::ok(0, 0), "then 0: closed");

    let (udp_client, udp_server) = datagram_pair(&env, "127.0.0.1:6004");
    udp_client.send(b"d").unwrap();
    for refused in [waitall, push] {
        assert_fails_unchanged(&env.net, WSAEOPNOTSUPP, || {
            wsa_recv(udp_server.as_raw(), &bufs, refused).result
        });
    }
}

#[test]
fn choice_datagram_truncation_fills_the_buffers_and_fails_with_wsaemsgsize() {
    let env = env();
    let (client, server) = datagram_pair(&env, "127.0.0.1:6005");
    client.send(b"0123456789").unwrap();
    client.send(b"next").unwrap();
    let s = server.as_raw();

    let peek = MSG_PEEK as u32;
    let mut from = Sender::room(16);
    let (reported, buffers) = recv_from_into(s, &[3, 4], peek, Some(&mut from));
    assert_eq!(
        reported,
        Reported::failed(WSAEMSGSIZE, peek),
        "count and flags untouched, no MSG_PARTIAL"
    );
    assert_eq!(buffers.concat(), b"0123456");
    assert_eq!(from.written(), sockaddr(client.local_addr().unwrap()));

    let mut from = Sender::room(16);
    let (reported, buffers) = recv_from_into(s, &[3, 4], 0, Some(&mut from));
    assert_eq!(
        reported,
        Reported::failed(WSAEMSGSIZE, 0),
        "peeked: still there"
    );
    assert_eq!(buffers.concat(), b"0123456");
    assert_eq!(from.written(), sockaddr(client.local_addr().unwrap()));

    let (reported, buffers) = recv_into(s, &[2, 8], 0);
    assert_eq!(reported, Reported::ok(4, 0), "the rest was discarded");
    assert_eq!(buffers.concat()[..4], *b"next");
    assert_eq!(recv_into(s, &[8], 0).0, Reported::failed(WSAEWOULDBLOCK, 0));
}

#[test]
fn the_receives_report_what_recv_reports() {
    let env = env();
    let (client, server) = stream_pair(&env, "127.0.0.1:6008");
    let mut buffers = filled(&[4]);
    let bufs = recv_bufs(&mut buffers);
    let s = server.as_raw();
    assert_fails_unchanged(&env.net, WSAEWOULDBLOCK, || wsa_recv(s, &bufs, 0).result);
    let idle = raw_socket(AF_INET, SOCK_STREAM, 0);
    assert_eq!(wsa_recv(idle, &bufs, 0), Reported::failed(WSAENOTCONN, 0));
    let unbound = raw_socket(AF_INET, SOCK_DGRAM, 0);
    assert_eq!(wsa_recv(unbound, &bufs, 0), Reported::failed(WSAEINVAL, 0));
    unsafe { closesocket(idle) };
    assert_eq!(wsa_recv(idle, &bufs, 0), Reported::failed(WSAENOTSOCK, 0));
    client.send(b"unread").unwrap();
    server.shutdown(Shutdown::Read).unwrap();
    assert_eq!(wsa_recv(s, &bufs, 0), Reported::failed(WSAESHUTDOWN, 0));
    assert_eq!(buffers, filled(&[4]), "no failed call wrote a buffer");
}

#[test]
fn the_sends_report_what_send_reports() {
    let env = env();
    let (client, server) = stream_pair(&env, "127.0.0.1:6010");
    let data = send_bufs(&[b"x"]);
    let idle = raw_socket(AF_INET, SOCK_STREAM, 0);
    assert_fails_unchanged(&env.net, WSAENOTCONN, || wsa_send(idle, &data, 0).result);
    client.shutdown(Shutdown::Write).unwrap();
    assert_eq!(
        wsa_send(client.as_raw(), &data, 0),
        Reported::failed(WSAESHUTDOWN, 0)
    );
    server.close().unwrap();

    let (udp_client, _udp_server) = datagram_pair(&env, "127.0.0.1:6011");
    let half = vec![0u8; 40_000];
    let bufs = send_bufs(&[&half, &half]);
    assert_fails_unchanged(&env.net, WSAEMSGSIZE, || {
        wsa_send(udp_client.as_raw(), &bufs, 0).result
    });
    let bufs = send_bufs(&[&half[..30_000], &half[..35_507]]);
    assert_eq!(
        wsa_send(udp_client.as_raw(), &bufs, 0),
        Reported::ok(65_507, 0),
        "the gathered datagram is the most UDP holds"
    );
}

#[test]
fn every_wsa_data_call_needs_startup() {
    let net = winsock_emu::Network::new();
    let _enter = net.enter();
    let data = send_bufs(&[b"x"]);
    assert_eq!(
        wsa_send(0x100, &data, 0),
        Reported::failed(WSANOTINITIALISED, 0)
    );
    assert_eq!(
        wsa_recv(0x100, &[], 0),
        Reported::failed(WSANOTINITIALISED, 0)
    );
    let (reported, _) = recv_from_into(0x100, &[1], 0, None);
    assert_eq!(reported, Reported::failed(WSANOTINITIALISED, 0));
}

#[test]
fn safe_vectored_calls_gather_and_scatter() {
    use std::io::{IoSlice, IoSliceMut};
    let env = env();
    let (client, server) = stream_pair(&env, "127.0.0.1:6014");
    let parts = [
        IoSlice::new(b"vec"),
        IoSlice::new(b""),
        IoSlice::new(b"tored"),
    ];
    assert_eq!(client.send_vectored(&parts), Ok(8));
    let (mut a, mut b) = ([0u8; 2], [0u8; 10]);
    let mut bufs = [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)];
    assert_eq!(server.recv_vectored(&mut bufs), Ok(8));
    assert_eq!((&a, &b[..6]), (b"ve", &b"ctored"[..]));

    let (udp_client, udp_server) = datagram_pair(&env, "127.0.0.1:6015");
    udp_client
        .send_vectored(&[IoSlice::new(b"0123"), IoSlice::new(b"456789")])
        .unwrap();
    let (mut a, mut b) = ([0u8; 3], [0u8; 3]);
    let mut bufs = [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)];
    assert_eq!(
        udp_server.recv_vectored(&mut bufs),
        Err(winsock_emu::Error::MessageSize)
    );
    assert_eq!((&a, &b), (b"012", b"345"), "one datagram, truncated");

    let mebibyte = vec![0u8; 1 << 20];
    let over_4_gib = vec![IoSlice::new(&mebibyte); 4097];
    assert_fails_unchanged(&env.net, WSAEINVAL, || {
        client
            .send_vectored(&over_4_gib)
            .map(drop)
            .map_err(|e| e.code())
    });
}
