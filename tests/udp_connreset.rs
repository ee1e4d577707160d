//! Windows' UDP "connection reset": a datagram that finds no socket at its destination draws
//! an ICMP Port Unreachable, which the sender's next receive reports as `WSAECONNRESET`
//! (`udp-port-unreachable`), unless `WSAIoctl(SIO_UDP_CONNRESET, FALSE)` turned that off
//! (`udp-connreset-control`); FIONREAD and snapshots do not count it
//! (`port-unreachable-uncounted`).

mod common;

use std::net::{Shutdown, SocketAddr};
use std::ptr;

use common::wsa::{recv_from_into, recv_into, Reported, Sender};
use common::*;
use winsock_emu::sys::*;
use winsock_emu::testing::{Call, Fault};
use winsock_emu::{Domain, Error, Socket, Type};

/// Where nobody is bound in these tests.
const NOBODY: &str = "127.0.0.1:9";

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

/// A non-blocking UDP socket bound at `at`: these tests poll, and an empty queue is
/// `WSAEWOULDBLOCK`.
fn udp(env: &Env, at: &str) -> Socket {
    let s = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    s.bind(addr(at)).unwrap();
    s.set_nonblocking(true).unwrap();
    s
}

/// A UDP socket bound at 127.0.0.1:5000 that sent one datagram to nobody: the send itself
/// succeeds, as on Windows.
fn after_a_lost_datagram(env: &Env) -> Socket {
    let s = udp(env, "127.0.0.1:5000");
    assert_eq!(raw_sendto(s.as_raw(), b"lost", NOBODY), Ok(4));
    s
}

fn raw_sendto(s: SOCKET, data: &[u8], to: &str) -> Result<i32, i32> {
    let to = sockaddr(addr(to));
    let rc = unsafe {
        sendto(
            s,
            data.as_ptr(),
            data.len() as i32,
            0,
            to.as_ptr().cast(),
            to.len() as i32,
        )
    };
    if rc >= 0 {
        Ok(rc)
    } else {
        Err(last_error())
    }
}

/// `recvfrom` into 64 bytes: the count and the sender, or the error (checking that nothing
/// was written on failure).
fn raw_recvfrom(s: SOCKET, flags: i32) -> Result<(i32, SocketAddr), i32> {
    let mut buf = [0xAAu8; 64];
    let mut from = [0x5Au8; 16];
    let mut from_len = 16i32;
    let rc = unsafe {
        recvfrom(
            s,
            buf.as_mut_ptr(),
            64,
            flags,
            from.as_mut_ptr().cast(),
            &mut from_len,
        )
    };
    if rc < 0 {
        assert!(buf.iter().all(|&b| b == 0xAA), "wrote data on failure");
        assert!(from.iter().all(|&b| b == 0x5A), "wrote a sender on failure");
        assert_eq!(from_len, 16, "wrote *fromlen on failure");
        return Err(last_error());
    }
    let port = u16::from_be_bytes([from[2], from[3]]);
    let ip = std::net::Ipv4Addr::new(from[4], from[5], from[6], from[7]);
    Ok((rc, SocketAddr::new(ip.into(), port)))
}

fn raw_recv(s: SOCKET, flags: i32) -> Result<i32, i32> {
    let mut buf = [0u8; 64];
    let rc = unsafe { recv(s, buf.as_mut_ptr(), 64, flags) };
    if rc >= 0 {
        Ok(rc)
    } else {
        Err(last_error())
    }
}

/// `WSAIoctl(SIO_UDP_CONNRESET)` with `value` as the input `BOOL`.
fn connreset(s: SOCKET, value: BOOL) -> Result<(), i32> {
    let bytes = value.to_ne_bytes();
    outcome(ioctl(s, SIO_UDP_CONNRESET, bytes.as_ptr(), 4))
}

#[test]
fn recvfrom_after_port_unreachable_fails_once_then_would_block() {
    let env = env();
    let socket = after_a_lost_datagram(&env);
    let s = socket.as_raw();
    assert_eq!(raw_recvfrom(s, 0), Err(WSAECONNRESET));
    assert_eq!(raw_recvfrom(s, 0), Err(WSAEWOULDBLOCK));
    // Once per run of lost datagrams: two in a row are reported once.
    assert_eq!(raw_sendto(s, b"a", NOBODY), Ok(1));
    assert_eq!(raw_sendto(s, b"b", NOBODY), Ok(1));
    assert_eq!(raw_recvfrom(s, 0), Err(WSAECONNRESET));
    assert_eq!(raw_recvfrom(s, 0), Err(WSAEWOULDBLOCK));
}

#[test]
fn a_datagram_queued_before_the_failed_send_comes_first() {
    let env = env();
    let me = udp(&env, "127.0.0.1:5000");
    let other = udp(&env, "127.0.0.1:5001");
    other.send_to(b"first", addr("127.0.0.1:5000")).unwrap();
    assert_eq!(raw_sendto(me.as_raw(), b"lost", NOBODY), Ok(4));
    other.send_to(b"after", addr("127.0.0.1:5000")).unwrap();
    let from = addr("127.0.0.1:5001");
    assert_eq!(raw_recvfrom(me.as_raw(), 0), Ok((5, from)));
    assert_eq!(raw_recvfrom(me.as_raw(), 0), Err(WSAECONNRESET));
    // The data path works again.
    assert_eq!(raw_recvfrom(me.as_raw(), 0), Ok((5, from)));
    assert_eq!(raw_recvfrom(me.as_raw(), 0), Err(WSAEWOULDBLOCK));
}

#[test]
fn connected_udp_socket_recv_after_send_to_closed_port() {
    // rust-lang/rust#128072: connect to a port whose socket closed, send, then recv.
    let env = env();
    let server = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    let server_addr = sockaddr(addr("127.0.0.1:6000"));
    assert_eq!(
        unsafe { bind(server, server_addr.as_ptr().cast(), 16) },
        0,
        "bind"
    );
    let client = raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    let mut on = 1u32;
    assert_eq!(
        unsafe { ioctlsocket(client, FIONBIO, &mut on) },
        0,
        "polled"
    );
    assert_eq!(
        unsafe { connect(client, server_addr.as_ptr().cast(), 16) },
        0,
        "connect"
    );
    assert_eq!(unsafe { closesocket(server) }, 0);
    let rc = unsafe { send(client, b"hello".as_ptr(), 5, 0) };
    assert_eq!(rc, 5, "the send succeeds");
    assert_eq!(raw_recv(client, 0), Err(WSAECONNRESET));
    assert_eq!(raw_recv(client, 0), Err(WSAEWOULDBLOCK));
    // A socket bound there again hears the client, and replies reach it.
    let again = udp(&env, "127.0.0.1:6000");
    assert_eq!(unsafe { send(client, b"again".as_ptr(), 5, 0) }, 5);
    let mut buf = [0u8; 8];
    let (n, from) = again.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"again");
    again.send_to(b"reply", from).unwrap();
    assert_eq!(raw_recv(client, 0), Ok(5));
}

#[test]
fn wsa_recv_and_wsa_recv_from_report_it() {
    let env = env();
    let socket = after_a_lost_datagram(&env);
    let s = socket.as_raw();
    let (reported, buffers) = recv_into(s, &[8], 0);
    assert_eq!(reported, Reported::failed(WSAECONNRESET, 0));
    assert!(buffers[0].iter().all(|&b| b == common::wsa::FILL));
    raw_sendto(s, b"y", NOBODY).unwrap();
    let mut from = Sender::room(16);
    let (reported, _) = recv_from_into(s, &[8], 0, Some(&mut from));
    assert_eq!(reported, Reported::failed(WSAECONNRESET, 0));
    assert_eq!(from, Sender::room(16), "no sender written");
    let (reported, _) = recv_from_into(s, &[8], 0, None);
    assert_eq!(reported, Reported::failed(WSAEWOULDBLOCK, 0));
}

#[test]
fn msg_peek_reports_without_consuming() {
    let env = env();
    let me = after_a_lost_datagram(&env);
    let other = udp(&env, "127.0.0.1:5001");
    other.send_to(b"behind", addr("127.0.0.1:5000")).unwrap();
    assert_eq!(raw_recvfrom(me.as_raw(), MSG_PEEK), Err(WSAECONNRESET));
    assert_eq!(raw_recvfrom(me.as_raw(), MSG_PEEK), Err(WSAECONNRESET));
    assert_eq!(raw_recvfrom(me.as_raw(), 0), Err(WSAECONNRESET));
    let from = addr("127.0.0.1:5001");
    assert_eq!(raw_recvfrom(me.as_raw(), MSG_PEEK), Ok((6, from)));
    assert_eq!(raw_recvfrom(me.as_raw(), 0), Ok((6, from)));
}

#[test]
fn sio_udp_connreset_false_then_true() {
    let env = env();
    let me = udp(&env, "127.0.0.1:5000");
    let other = udp(&env, "127.0.0.1:5001");
    let s = me.as_raw();
    raw_sendto(s, b"queued", NOBODY).unwrap();
    other.send_to(b"data", addr("127.0.0.1:5000")).unwrap();
    // FALSE discards the notification waiting; the datagram stays.
    assert_eq!(connreset(s, FALSE), Ok(()));
    assert_eq!(raw_recvfrom(s, 0), Ok((4, addr("127.0.0.1:5001"))));
    raw_sendto(s, b"unreported", NOBODY).unwrap();
    assert_eq!(raw_recvfrom(s, 0), Err(WSAEWOULDBLOCK));
    // TRUE (any non-zero BOOL) reports the sends made from then on only.
    assert_eq!(connreset(s, 7), Ok(()));
    assert_eq!(raw_recvfrom(s, 0), Err(WSAEWOULDBLOCK));
    raw_sendto(s, b"reported", NOBODY).unwrap();
    assert_eq!(raw_recvfrom(s, 0), Err(WSAECONNRESET));
    assert_eq!(connreset(s, TRUE), Ok(()), "TRUE again is no change");
    assert_eq!(raw_recvfrom(s, 0), Err(WSAEWOULDBLOCK));
}

#[test]
fn sio_udp_connreset_error_cases() {
    let env = env();
    let socket = after_a_lost_datagram(&env);
    let s = socket.as_raw();
    let off = FALSE.to_ne_bytes();
    // Each failure leaves the notification (and everything else) as it was.
    assert_fails_unchanged(&env.net, WSAEFAULT, || {
        outcome(ioctl(s, SIO_UDP_CONNRESET, ptr::null(), 4))
    });
    assert_fails_unchanged(&env.net, WSAEFAULT, || {
        outcome(ioctl(s, SIO_UDP_CONNRESET, off.as_ptr(), 3))
    });
    assert_fails_unchanged(&env.net, WSAEFAULT, || {
        outcome(ioctl(s, SIO_UDP_CONNRESET, off.as_ptr(), 0))
    });
    let tcp = raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    assert_fails_unchanged(&env.net, WSAEINVAL, || connreset(tcp, FALSE));
    // The buffer is checked before the socket's type.
    assert_fails_unchanged(&env.net, WSAEFAULT, || {
        outcome(ioctl(tcp, SIO_UDP_CONNRESET, ptr::null(), 0))
    });
    let ipv6_stream = raw_socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    assert_fails_unchanged(&env.net, WSAEINVAL, || connreset(ipv6_stream, TRUE));
    assert_fails_unchanged(&env.net, WSAENOTSOCK, || connreset(0x7777, FALSE));
    // A NULL lpcbBytesReturned without overlapped arguments, as for every code.
    assert_fails_unchanged(&env.net, WSAEFAULT, || {
        let rc = unsafe {
            WSAIoctl(
                s,
                SIO_UDP_CONNRESET,
                off.as_ptr().cast(),
                4,
                ptr::null_mut(),
                0,
                ptr::null_mut(),
                ptr::null_mut(),
                None,
            )
        };
        outcome(rc)
    });
    assert_eq!(raw_recvfrom(s, 0), Err(WSAECONNRESET), "still reported");
}

#[test]
fn fionread_and_snapshot_skip_the_notification() {
    let env = env();
    let me = after_a_lost_datagram(&env);
    let other = udp(&env, "127.0.0.1:5001");
    assert_eq!(me.available(), Ok(0));
    assert_eq!(me.info().unwrap().waiting, 0);
    other.send_to(b"seven b", addr("127.0.0.1:5000")).unwrap();
    assert_eq!(
        me.available(),
        Ok(7),
        "the datagram behind the notification"
    );
    assert_eq!(me.info().unwrap().waiting, 1);
    assert_eq!(me.recv(&mut [0; 8]), Err(Error::ConnectionReset));
    assert_eq!(me.available(), Ok(7));
}

#[test]
fn shutdown_receive_hides_the_notification() {
    let env = env();
    let s = udp(&env, "127.0.0.1:5000");
    raw_sendto(s.as_raw(), b"before", NOBODY).unwrap();
    s.shutdown(Shutdown::Read).unwrap();
    raw_sendto(s.as_raw(), b"after", NOBODY).unwrap();
    assert_eq!(raw_recvfrom(s.as_raw(), 0), Err(WSAESHUTDOWN));
    assert_eq!(raw_recvfrom(s.as_raw(), 0), Err(WSAESHUTDOWN));
}

#[test]
fn safe_api_reports_and_turns_off() {
    let env = env();
    let s = udp(&env, "127.0.0.1:5000");
    let mut buf = [0u8; 8];
    assert_eq!(s.send_to(b"lost", addr(NOBODY)), Ok(4));
    assert_eq!(s.recv_from(&mut buf), Err(Error::ConnectionReset));
    assert_eq!(s.recv_from(&mut buf), Err(Error::WouldBlock));
    assert_eq!(s.set_report_port_unreachable(false), Ok(()));
    assert_eq!(s.send_to(b"lost", addr(NOBODY)), Ok(4));
    assert_eq!(s.recv(&mut buf), Err(Error::WouldBlock));
    assert_eq!(s.set_report_port_unreachable(true), Ok(()));
    assert_eq!(s.send_to(b"lost", addr(NOBODY)), Ok(4));
    assert_eq!(s.recv(&mut buf), Err(Error::ConnectionReset));
    let tcp = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    assert_eq!(tcp.set_report_port_unreachable(false), Err(Error::Invalid));
}

#[test]
fn traces_and_faults_name_the_ioctl() {
    let env = env();
    let s = udp(&env, "127.0.0.1:5000");
    env.net.start_trace();
    s.set_report_port_unreachable(false).unwrap();
    let trace = env.net.stop_trace();
    let calls: Vec<_> = trace.calls(Call::UdpConnReset).collect();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].call.name(), "WSAIoctl(SIO_UDP_CONNRESET)");
    env.net
        .inject(Fault::fail(Call::UdpConnReset, Error::NetworkDown).times(1));
    assert_eq!(connreset(s.as_raw(), TRUE), Err(WSAENETDOWN));
    // The injected failure changed nothing: reporting is still off.
    s.send_to(b"lost", addr(NOBODY)).unwrap();
    assert_eq!(s.recv(&mut [0; 8]), Err(Error::WouldBlock));
}

#[test]
fn overlapped_sio_udp_connreset_completes_through_the_overlapped() {
    let env = env();
    let socket = after_a_lost_datagram(&env);
    let s = socket.as_raw();
    let mut overlapped = OVERLAPPED {
        hEvent: unsafe { WSACreateEvent() } as _,
        ..OVERLAPPED::default()
    };
    let mut returned = 0xdead_beef_u32;
    let mut call = |overlapped: &mut OVERLAPPED| unsafe {
        WSAIoctl(
            s,
            SIO_UDP_CONNRESET,
            (&FALSE as *const BOOL).cast(),
            4,
            ptr::null_mut(),
            0,
            &mut returned,
            overlapped,
            None,
        )
    };
    // Completed at once: 0, the status in the OVERLAPPED, the event signalled.
    assert_eq!(call(&mut overlapped), 0);
    let (mut transferred, mut flags) = (7u32, 7u32);
    let done =
        unsafe { WSAGetOverlappedResult(s, &overlapped, &mut transferred, FALSE, &mut flags) };
    assert_eq!((done, transferred), (TRUE, 0));
    assert_eq!(raw_recvfrom(s, 0), Err(WSAEWOULDBLOCK), "reporting is off");
    // A pend fault makes it pend, as for every WSAIoctl code.
    env.net.inject(Fault::pend(Call::UdpConnReset).on_socket(s));
    assert_eq!(call(&mut overlapped), SOCKET_ERROR);
    assert_eq!(last_error(), WSA_IO_PENDING);
    let pending = env.net.pending_operations();
    assert_eq!(pending.len(), 1);
    assert!(pending[0].complete());
}

#[test]
fn a_run_of_lost_datagrams_is_reported_once() {
    let env = env();
    let socket = udp(&env, "192.0.2.1:5000");
    for _ in 0..1000 {
        assert_eq!(socket.send_to(b"lost", addr("192.0.2.9:9")), Ok(4));
    }
    let mut buf = [0u8; 8];
    assert_eq!(socket.recv_from(&mut buf), Err(Error::ConnectionReset));
    assert_eq!(socket.recv_from(&mut buf), Err(Error::WouldBlock));
    // A datagram between two lost ones separates the runs: each run is reported.
    let peer = udp(&env, "192.0.2.2:5000");
    assert_eq!(socket.send_to(b"lost", addr("192.0.2.9:9")), Ok(4));
    assert_eq!(peer.send_to(b"hi", addr("192.0.2.1:5000")), Ok(2));
    assert_eq!(socket.send_to(b"lost", addr("192.0.2.9:9")), Ok(4));
    assert_eq!(socket.recv_from(&mut buf), Err(Error::ConnectionReset));
    assert_eq!(socket.recv_from(&mut buf).map(|(n, _)| n), Ok(2));
    assert_eq!(socket.recv_from(&mut buf), Err(Error::ConnectionReset));
    assert_eq!(socket.recv_from(&mut buf), Err(Error::WouldBlock));
}
