//! `getsockopt` and `setsockopt`: every option's default, round trip, lengths and errors,
//! and what the acting options do (docs/options.md, docs/rules.md O-rows).

mod common;

use std::mem::size_of;
use std::time::Duration;

use common::options::{get_int, get_with, set_bytes, set_int};
use common::{env, raw_socket, sockaddr};
use winsock_emu::sys::{self, *};
use winsock_emu::testing::Call;
use winsock_emu::{Domain, Error, Network, Type};

/// Every option with a default, on the socket kind that has it: (socket, level, name,
/// default).
fn defaults() -> Vec<(&'static str, i32, i32, i32)> {
    vec![
        ("tcp4", SOL_SOCKET, SO_TYPE, SOCK_STREAM),
        ("udp4", SOL_SOCKET, SO_TYPE, SOCK_DGRAM),
        ("tcp4", SOL_SOCKET, SO_ACCEPTCONN, 0),
        ("tcp4", SOL_SOCKET, SO_ERROR, 0),
        ("tcp4", SOL_SOCKET, SO_REUSEADDR, 0),
        ("tcp4", SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 0),
        ("udp4", SOL_SOCKET, SO_BROADCAST, 0),
        ("tcp4", SOL_SOCKET, SO_DONTLINGER, 1),
        ("tcp4", SOL_SOCKET, SO_RCVBUF, 65_536),
        ("tcp4", SOL_SOCKET, SO_SNDBUF, 65_536),
        ("tcp4", SOL_SOCKET, SO_RCVTIMEO, 0),
        ("tcp4", SOL_SOCKET, SO_SNDTIMEO, 0),
        ("tcp4", SOL_SOCKET, SO_CONDITIONAL_ACCEPT, 0),
        ("tcp4", SOL_SOCKET, SO_CONNECT_TIME, -1),
        ("udp4", SOL_SOCKET, SO_CONNECT_TIME, -1),
        ("udp4", SOL_SOCKET, SO_MAX_MSG_SIZE, 65_507),
        ("udp6", SOL_SOCKET, SO_MAX_MSG_SIZE, 65_507),
        ("tcp4", SOL_SOCKET, SO_MAX_MSG_SIZE, -1),
        ("tcp4", SOL_SOCKET, SO_OOBINLINE, 0),
        ("tcp4", IPPROTO_TCP, TCP_KEEPALIVE, 7_200),
        ("tcp4", IPPROTO_TCP, TCP_KEEPINTVL, 1),
        ("tcp4", IPPROTO_TCP, TCP_KEEPCNT, 10),
        ("tcp4", IPPROTO_IP, IP_TTL, 128),
        ("udp4", IPPROTO_IP, IP_TOS, 0),
        ("udp4", IPPROTO_IP, IP_MULTICAST_TTL, 1),
        ("udp4", IPPROTO_IP, IP_MULTICAST_LOOP, 1),
        ("udp6", IPPROTO_IPV6, IPV6_UNICAST_HOPS, 128),
    ]
}

fn socket_of(kind: &str) -> SOCKET {
    match kind {
        "tcp4" => raw_socket(AF_INET, SOCK_STREAM, 0),
        "udp4" => raw_socket(AF_INET, SOCK_DGRAM, 0),
        "tcp6" => raw_socket(AF_INET6, SOCK_STREAM, 0),
        "udp6" => raw_socket(AF_INET6, SOCK_DGRAM, 0),
        other => panic!("{other}"),
    }
}

#[test]
fn defaults_of_every_option() {
    let _env = env();
    for (kind, level, name, default) in defaults() {
        let s = socket_of(kind);
        assert_eq!(
            get_int(s, level, name),
            Ok(default),
            "{kind} {level} {name}"
        );
    }
    // The one-byte options give one byte, whatever the buffer.
    let tcp = socket_of("tcp4");
    for (level, name) in [(SOL_SOCKET, SO_KEEPALIVE), (IPPROTO_TCP, TCP_NODELAY)] {
        let got = get_with(tcp, level, name, 4, 4);
        assert_eq!((got.result, got.len, got.bytes[0]), (Ok(()), 1, 0));
        assert_eq!(&got.bytes[1..4], &[0xDE; 3], "only one byte written");
    }
    let v6 = socket_of("tcp6");
    let got = get_with(v6, IPPROTO_IPV6, IPV6_V6ONLY, 4, 4);
    assert_eq!((got.result, got.len, got.bytes[0]), (Ok(()), 1, 1));
    let got = get_with(tcp, SOL_SOCKET, SO_LINGER, 4, 4);
    assert_eq!((got.result, got.len, got.int()), (Ok(()), 4, 0));
}

#[test]
fn round_trip_of_every_settable_option() {
    let _env = env();
    let cases: &[(&str, i32, i32, i32, i32)] = &[
        // (socket, level, name, value set, value read back)
        ("tcp4", SOL_SOCKET, SO_REUSEADDR, 5, 1),
        ("tcp4", SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1, 1),
        ("udp4", SOL_SOCKET, SO_BROADCAST, 0x100, 1),
        ("tcp4", SOL_SOCKET, SO_OOBINLINE, 1, 1),
        ("tcp4", SOL_SOCKET, SO_RCVBUF, 4_096, 4_096),
        ("tcp4", SOL_SOCKET, SO_RCVBUF, 0, 0),
        ("tcp4", SOL_SOCKET, SO_SNDBUF, 4_096, 4_096),
        ("tcp4", SOL_SOCKET, SO_RCVTIMEO, 63_000, 63_000),
        ("tcp4", SOL_SOCKET, SO_SNDTIMEO, 997_000, 997_000),
        ("tcp4", SOL_SOCKET, SO_ERROR, 1_234, 1_234),
        ("tcp4", SOL_SOCKET, SO_CONDITIONAL_ACCEPT, 1, 1),
        ("tcp4", IPPROTO_TCP, TCP_KEEPALIVE, 3_600, 3_600),
        ("tcp4", IPPROTO_TCP, TCP_KEEPINTVL, 5, 5),
        ("tcp4", IPPROTO_TCP, TCP_KEEPCNT, 5, 5),
        ("tcp4", IPPROTO_IP, IP_TTL, 64, 64),
        ("udp4", IPPROTO_IP, IP_TOS, 0x10, 0x10),
        ("udp4", IPPROTO_IP, IP_MULTICAST_TTL, 8, 8),
        ("udp4", IPPROTO_IP, IP_MULTICAST_LOOP, 0, 0),
        ("udp6", IPPROTO_IPV6, IPV6_UNICAST_HOPS, 32, 32),
    ];
    for &(kind, level, name, value, back) in cases {
        let s = socket_of(kind);
        assert_eq!(set_int(s, level, name, value), Ok(()), "{kind} {name}");
        assert_eq!(get_int(s, level, name), Ok(back), "{kind} {name}");
    }
    // The one-byte options keep only the low byte of what is set (0x100 reads back 0).
    let s = socket_of("tcp4");
    assert_eq!(set_int(s, IPPROTO_TCP, TCP_NODELAY, 0x100), Ok(()));
    assert_eq!(get_with(s, IPPROTO_TCP, TCP_NODELAY, 4, 4).bytes[0], 0);
    assert_eq!(set_int(s, IPPROTO_TCP, TCP_NODELAY, 1), Ok(()));
    assert_eq!(get_with(s, IPPROTO_TCP, TCP_NODELAY, 4, 4).bytes[0], 1);
    // SO_LINGER keeps l_linger; l_onoff reads back as a boolean; SO_DONTLINGER is its inverse.
    let linger = [7u8, 0, 9, 0];
    assert_eq!(set_bytes(s, SOL_SOCKET, SO_LINGER, &linger, 4), Ok(()));
    assert_eq!(get_int(s, SOL_SOCKET, SO_LINGER), Ok(1 | (9 << 16)));
    assert_eq!(get_int(s, SOL_SOCKET, SO_DONTLINGER), Ok(0));
    assert_eq!(set_int(s, SOL_SOCKET, SO_DONTLINGER, 1), Ok(()));
    assert_eq!(get_int(s, SOL_SOCKET, SO_LINGER), Ok(9 << 16));
    // IPV6_V6ONLY, before bind.
    let v6 = socket_of("udp6");
    assert_eq!(set_int(v6, IPPROTO_IPV6, IPV6_V6ONLY, 0), Ok(()));
    assert_eq!(get_with(v6, IPPROTO_IPV6, IPV6_V6ONLY, 4, 4).bytes[0], 0);
}

#[test]
fn choice_option_short_buffers_lengths_as_windows_records() {
    let _env = env();
    let tcp = socket_of("tcp4");
    let udp = socket_of("udp4");
    assert_eq!(set_int(tcp, SOL_SOCKET, SO_REUSEADDR, 1), Ok(()));
    // 1B-tolerant: 1 byte gives 1 byte; 2 bytes write 2 and report 1; 4 give 4.
    let one = get_with(tcp, SOL_SOCKET, SO_REUSEADDR, 4, 1);
    assert_eq!(
        (one.result, one.len, &one.bytes[..]),
        (Ok(()), 1, &[1, 0xDE, 0xDE, 0xDE][..])
    );
    let two = get_with(tcp, SOL_SOCKET, SO_REUSEADDR, 4, 2);
    assert_eq!(
        (two.result, two.len, &two.bytes[..]),
        (Ok(()), 1, &[1, 0, 0xDE, 0xDE][..])
    );
    let three = get_with(tcp, SOL_SOCKET, SO_REUSEADDR, 4, 3);
    assert_eq!((three.len, &three.bytes[..3]), (1, &[1, 0, 0xDE][..]));
    let eight = get_with(tcp, SOL_SOCKET, SO_REUSEADDR, 8, 8);
    assert_eq!((eight.result, eight.len, eight.int()), (Ok(()), 4, 1));
    // setsockopt of a tolerant option with 1, 2 or (SOL_SOCKET booleans) 0 bytes.
    assert_eq!(set_bytes(udp, SOL_SOCKET, SO_BROADCAST, &[1], 1), Ok(()));
    assert_eq!(get_int(udp, SOL_SOCKET, SO_BROADCAST), Ok(1));
    assert_eq!(set_bytes(udp, SOL_SOCKET, SO_BROADCAST, &[1], 0), Ok(()));
    assert_eq!(
        get_int(udp, SOL_SOCKET, SO_BROADCAST),
        Ok(0),
        "an empty value is 0"
    );
    assert_eq!(
        set_bytes(udp, IPPROTO_IP, IP_TTL, &[0x0a, 0xff, 0xff, 0xff], 1),
        Ok(())
    );
    assert_eq!(
        get_int(udp, IPPROTO_IP, IP_TTL),
        Ok(0x0a),
        "exactly optlen bytes read"
    );
    assert_eq!(set_bytes(udp, IPPROTO_IP, IP_TTL, &[1], 0), Err(WSAEFAULT));
    // Full-size options: a short set is WSAEFAULT; a short get leaves Windows' traces.
    assert_eq!(
        set_bytes(tcp, SOL_SOCKET, SO_RCVBUF, &[1, 0], 2),
        Err(WSAEFAULT)
    );
    let zeros = get_with(tcp, SOL_SOCKET, SO_RCVBUF, 4, 1);
    assert_eq!(
        (zeros.result, zeros.len, zeros.int()),
        (Err(WSAEFAULT), 1, 0xdede_de00_u32 as i32)
    );
    let zeros = get_with(tcp, SOL_SOCKET, SO_LINGER, 4, 2);
    assert_eq!((zeros.len, zeros.int()), (2, 0xdede_0000_u32 as i32));
    let untouched = get_with(tcp, SOL_SOCKET, SO_RCVTIMEO, 4, 2);
    assert_eq!(
        (untouched.result, untouched.len, untouched.int()),
        (Err(WSAEFAULT), 2, 0xdede_dede_u32 as i32)
    );
    let zeroed_len = get_with(tcp, IPPROTO_TCP, TCP_KEEPCNT, 4, 2);
    assert_eq!(
        (zeroed_len.result, zeroed_len.len, zeroed_len.int()),
        (Err(WSAEFAULT), 0, 0xdede_dede_u32 as i32)
    );
    let needed = get_with(tcp, SOL_SOCKET, SO_PROTOCOL_INFOW, 4, 4);
    assert_eq!(
        (needed.result, needed.len),
        (Err(WSAEFAULT), size_of::<WSAPROTOCOL_INFOW>() as i32)
    );
    // optlen 0 and -1 for getsockopt: WSAEFAULT, optlen kept.
    for len in [0, -1] {
        let got = get_with(tcp, SOL_SOCKET, SO_REUSEADDR, 4, len);
        assert_eq!((got.result, got.len), (Err(WSAEFAULT), len));
    }
    // optlen -1 for setsockopt: a 4-byte SOL_SOCKET option reads 4 bytes; others WSAENOBUFS.
    assert_eq!(
        set_bytes(tcp, SOL_SOCKET, SO_RCVBUF, &1024i32.to_le_bytes(), -1),
        Ok(())
    );
    assert_eq!(get_int(tcp, SOL_SOCKET, SO_RCVBUF), Ok(1024));
    assert_eq!(
        set_bytes(tcp, IPPROTO_TCP, TCP_NODELAY, &[1, 0, 0, 0], -1),
        Err(WSAENOBUFS)
    );
    assert_eq!(
        set_bytes(tcp, IPPROTO_IP, IP_TTL, &[1, 0, 0, 0], -1),
        Err(WSAENOBUFS)
    );
    // A larger optlen is fine both ways.
    assert_eq!(
        set_bytes(tcp, IPPROTO_IP, IP_TTL, &[9, 0, 0, 0, 0, 0, 0, 0], 8),
        Ok(())
    );
    assert_eq!(get_with(tcp, IPPROTO_IP, IP_TTL, 8, 8).len, 4);
}

#[test]
fn choice_option_check_order_errors() {
    let env = env();
    let tcp = socket_of("tcp4");
    let mut len = 4;
    let null = std::ptr::null_mut();
    // The handle before anything, even with NULL arguments.
    let rc = unsafe {
        getsockopt(
            INVALID_SOCKET,
            SOL_SOCKET,
            SO_PROTOCOL_INFOW,
            null,
            null.cast(),
        )
    };
    assert_eq!((rc, common::last_error()), (SOCKET_ERROR, WSAENOTSOCK));
    // Then the level, then the option, then the pointers.
    for level in [
        0xffff_ffff_u32 as i32,
        0x1234_ffff,
        0x8000_ffff_u32 as i32,
        0x8000,
        0x800,
    ] {
        let rc = unsafe { getsockopt(tcp, level, SO_TYPE, null, null.cast()) };
        assert_eq!(
            (rc, common::last_error()),
            (SOCKET_ERROR, WSAEINVAL),
            "{level:#x}"
        );
    }
    let rc = unsafe { getsockopt(tcp, IPPROTO_IP, -1, null, null.cast()) };
    assert_eq!((rc, common::last_error()), (SOCKET_ERROR, WSAENOPROTOOPT));
    let rc = unsafe { getsockopt(tcp, SOL_SOCKET, SO_TYPE, null, &mut len) };
    assert_eq!((rc, common::last_error()), (SOCKET_ERROR, WSAEFAULT));
    let rc = unsafe { setsockopt(tcp, SOL_SOCKET, SO_LINGER, std::ptr::null(), 4) };
    assert_eq!((rc, common::last_error()), (SOCKET_ERROR, WSAEFAULT));
    let rc = unsafe { setsockopt(tcp, SOL_SOCKET, SO_DONTLINGER, std::ptr::null(), 4) };
    assert_eq!((rc, common::last_error()), (SOCKET_ERROR, WSAEFAULT));
    // A closed socket: WSAENOTSOCK, the buffer untouched.
    unsafe { closesocket(tcp) };
    let got = get_with(tcp, SOL_SOCKET, SO_TYPE, 4, 4);
    assert_eq!(
        (got.result, got.int()),
        (Err(WSAENOTSOCK), 0xdede_dede_u32 as i32)
    );
    // Before startup (and after the last cleanup).
    drop(env);
    let other = Network::new();
    let _in = other.enter();
    assert_eq!(get_int(0x100, SOL_SOCKET, SO_TYPE), Err(WSANOTINITIALISED));
}

#[test]
fn choice_option_applicability_by_socket() {
    let _env = env();
    let udp = socket_of("udp4");
    let tcp = socket_of("tcp4");
    let unix = raw_socket(AF_UNIX, SOCK_STREAM, 0);
    assert_eq!(get_int(udp, SOL_SOCKET, SO_LINGER), Err(WSAENOPROTOOPT));
    assert_eq!(get_int(udp, SOL_SOCKET, SO_DONTLINGER), Err(WSAENOPROTOOPT));
    assert_eq!(get_int(udp, IPPROTO_TCP, TCP_NODELAY), Err(WSAENOPROTOOPT));
    assert_eq!(
        set_int(udp, SOL_SOCKET, SO_CONDITIONAL_ACCEPT, 1),
        Err(WSAENOPROTOOPT)
    );
    assert_eq!(get_int(tcp, IPPROTO_IP, IP_MULTICAST_TTL), Err(WSAEINVAL));
    assert_eq!(
        set_int(tcp, IPPROTO_IP, IP_MULTICAST_LOOP, 1),
        Err(WSAEINVAL)
    );
    assert_eq!(
        get_int(tcp, IPPROTO_IPV6, IPV6_UNICAST_HOPS),
        Err(WSAEINVAL)
    );
    assert_eq!(get_int(unix, IPPROTO_IP, IP_TTL), Err(WSAEINVAL));
    assert_eq!(get_int(unix, IPPROTO_TCP, TCP_NODELAY), Err(WSAENOPROTOOPT));
    assert_eq!(get_int(unix, SOL_SOCKET, SO_TYPE), Ok(SOCK_STREAM));
    // IPV6_V6ONLY is answered on an AF_INET socket too (TRUE), as Windows answers it.
    let got = get_with(tcp, IPPROTO_IPV6, IPV6_V6ONLY, 4, 4);
    assert_eq!((got.result, got.bytes[0]), (Ok(()), 1));
    assert_eq!(set_int(tcp, IPPROTO_IPV6, IPV6_V6ONLY, 1), Ok(()));
    // IP options on an IPv6 socket.
    let v6 = socket_of("tcp6");
    assert_eq!(set_int(v6, IPPROTO_IP, IP_TTL, 9), Ok(()));
    // No option exists at IPPROTO_UDP yet.
    assert_eq!(get_int(udp, IPPROTO_UDP, 1), Err(WSAENOPROTOOPT));
}

#[test]
fn choice_option_values_get_only_set_only_and_state_rules() {
    let _env = env();
    let tcp = socket_of("tcp4");
    for name in [
        SO_TYPE,
        SO_PROTOCOL_INFOW,
        SO_ACCEPTCONN,
        SO_MAX_MSG_SIZE,
        SO_CONNECT_TIME,
    ] {
        assert_eq!(
            set_int(tcp, SOL_SOCKET, name, 1),
            Err(WSAENOPROTOOPT),
            "{name:#x}"
        );
    }
    for name in [SO_UPDATE_ACCEPT_CONTEXT, SO_UPDATE_CONNECT_CONTEXT] {
        assert_eq!(
            get_with(tcp, SOL_SOCKET, name, 8, 8).result,
            Err(WSAENOPROTOOPT)
        );
    }
    // Values above 255 where the option caps them.
    let udp = socket_of("udp4");
    for (level, name) in [
        (IPPROTO_IP, IP_TTL),
        (IPPROTO_IP, IP_TOS),
        (IPPROTO_IP, IP_MULTICAST_TTL),
    ] {
        assert_eq!(set_int(udp, level, name, 0x100), Err(WSAEINVAL));
    }
    assert_eq!(set_int(tcp, IPPROTO_TCP, TCP_KEEPCNT, 256), Err(WSAEINVAL));
    assert_eq!(set_int(tcp, SOL_SOCKET, SO_RCVBUF, -1), Err(WSAEINVAL));
    // SO_REUSEADDR and SO_EXCLUSIVEADDRUSE exclude each other, in either order.
    assert_eq!(set_int(tcp, SOL_SOCKET, SO_REUSEADDR, 1), Ok(()));
    assert_eq!(
        set_int(tcp, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1),
        Err(WSAEINVAL)
    );
    assert_eq!(set_int(tcp, SOL_SOCKET, SO_REUSEADDR, 0), Ok(()));
    assert_eq!(set_int(tcp, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1), Ok(()));
    assert_eq!(set_int(tcp, SOL_SOCKET, SO_REUSEADDR, 1), Err(WSAEINVAL));
    // IPV6_V6ONLY after bind: WSAEINVAL, the value stays.
    let v6 = socket_of("udp6");
    let at = sockaddr("[::1]:0".parse().unwrap());
    assert_eq!(unsafe { bind(v6, at.as_ptr().cast(), 28) }, 0);
    assert_eq!(set_int(v6, IPPROTO_IPV6, IPV6_V6ONLY, 0), Err(WSAEINVAL));
    assert_eq!(get_with(v6, IPPROTO_IPV6, IPV6_V6ONLY, 4, 4).bytes[0], 1);
    // The update-context options.
    let net = &_env.net;
    let listener = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    let addr = listener.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    listener.listen(1).unwrap();
    let client = socket_of("tcp4");
    let none = [0u8; 0];
    assert_eq!(
        set_bytes(client, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, &none, 0),
        Err(WSAENOTCONN)
    );
    let target = sockaddr(addr);
    assert_eq!(unsafe { connect(client, target.as_ptr().cast(), 16) }, 0);
    let rc = unsafe {
        setsockopt(
            client,
            SOL_SOCKET,
            SO_UPDATE_CONNECT_CONTEXT,
            std::ptr::null(),
            0,
        )
    };
    assert_eq!(rc, 0);
    let (accepted, _) = listener.accept().unwrap();
    let listening = listener.as_raw().to_le_bytes();
    let ctx = SO_UPDATE_ACCEPT_CONTEXT;
    assert_eq!(
        set_bytes(accepted.as_raw(), SOL_SOCKET, ctx, &listening, 8),
        Ok(())
    );
    let not_listening = client.to_le_bytes();
    assert_eq!(
        set_bytes(accepted.as_raw(), SOL_SOCKET, ctx, &not_listening, 8),
        Err(WSAEINVAL)
    );
    // A SOCKET is pointer-sized: 4 bytes are too few only where pointers are 8.
    #[cfg(target_pointer_width = "64")]
    assert_eq!(
        set_bytes(accepted.as_raw(), SOL_SOCKET, ctx, &listening, 4),
        Err(WSAEFAULT)
    );
}

#[test]
fn so_type_protocol_info_acceptconn_max_msg_size() {
    let env = env();
    let tcp6 = socket_of("tcp6");
    let mut info = WSAPROTOCOL_INFOW::default();
    let mut len = size_of::<WSAPROTOCOL_INFOW>() as i32 + 8;
    let rc = unsafe {
        getsockopt(
            tcp6,
            SOL_SOCKET,
            SO_PROTOCOL_INFOW,
            (&raw mut info).cast(),
            &mut len,
        )
    };
    assert_eq!(rc, 0);
    // A longer *optlen is left as given (sock.c test_set_getsockopt).
    assert_eq!(len, size_of::<WSAPROTOCOL_INFOW>() as i32 + 8);
    assert_eq!(
        (
            info.iAddressFamily,
            info.iSocketType,
            info.iProtocol,
            info.iMaxSockAddr
        ),
        (i32::from(AF_INET6), SOCK_STREAM, IPPROTO_TCP, 28)
    );
    let name = String::from_utf16_lossy(&info.szProtocol[..22]);
    assert_eq!(name, "MSAFD Tcpip [TCP/IPv6]");
    let s = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    s.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    assert_eq!(get_int(s.as_raw(), SOL_SOCKET, SO_ACCEPTCONN), Ok(0));
    s.listen(1).unwrap();
    assert_eq!(get_int(s.as_raw(), SOL_SOCKET, SO_ACCEPTCONN), Ok(1));
    assert_eq!(s.r#type(), Ok(Type::STREAM));
}

#[test]
fn so_linger_one_zero_resets_the_peer_and_one_n_closes_gracefully() {
    let env = env();
    for (onoff, seconds, expected) in [
        (1u16, 0u16, Err(Error::ConnectionReset)),
        (1, 5, Ok(4)),
        (0, 0, Ok(4)),
    ] {
        let (_listener, client, server) = common::loopback_stream_pair(&env.net);
        assert_eq!(client.send(b"data"), Ok(4));
        let linger = [onoff.to_le_bytes(), seconds.to_le_bytes()].concat();
        assert_eq!(
            set_bytes(client.as_raw(), SOL_SOCKET, SO_LINGER, &linger, 4),
            Ok(())
        );
        assert_eq!(client.close(), Ok(()));
        let mut buf = [0u8; 8];
        assert_eq!(
            server.recv(&mut buf),
            expected,
            "linger {{{onoff}, {seconds}}}"
        );
    }
}

#[test]
fn so_broadcast_gates_sendto_to_the_broadcast_address() {
    let env = env();
    let receiver = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let at = receiver.bind("0.0.0.0:0".parse().unwrap()).unwrap();
    let sender = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let all = std::net::SocketAddr::new([255, 255, 255, 255].into(), at.port());
    assert_eq!(sender.send_to(b"1", all), Err(Error::AccessDenied));
    assert_eq!(
        sender.local_addr(),
        Err(Error::Invalid),
        "a refused send binds nothing"
    );
    sender.set_broadcast(true).unwrap();
    assert_eq!(sender.send_to(b"2", all), Ok(1));
    let mut buf = [0u8; 4];
    assert_eq!(receiver.recv(&mut buf), Ok(1));
    assert_eq!(buf[0], b'2');
    sender.set_broadcast(false).unwrap();
    assert_eq!(sender.send_to(b"3", all), Err(Error::AccessDenied));
    // connect to the broadcast address needs no option, and send then works.
    let connected = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    connected.connect(all).unwrap();
    assert_eq!(connected.send(b"4"), Ok(1));
}

#[test]
fn choice_connect_time_counts_from_the_connection() {
    let env = env();
    let (listener, client, server) = common::loopback_stream_pair(&env.net);
    for s in [&client, &server] {
        let seconds = get_int(s.as_raw(), SOL_SOCKET, SO_CONNECT_TIME).unwrap();
        // Just connected: 0 seconds, unless this machine paused the test for longer.
        assert!((0..3600).contains(&seconds), "{seconds}");
    }
    assert_eq!(
        get_int(listener.as_raw(), SOL_SOCKET, SO_CONNECT_TIME),
        Ok(-1)
    );
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp.connect("192.0.2.1:9".parse().unwrap()).unwrap();
    assert_eq!(get_int(udp.as_raw(), SOL_SOCKET, SO_CONNECT_TIME), Ok(-1));
}

#[test]
fn accepted_sockets_inherit_the_listeners_options() {
    let env = env();
    let listener = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    listener.set_nodelay(true).unwrap();
    listener.set_linger(Some(Duration::from_secs(3))).unwrap();
    let at = listener.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    listener.listen(1).unwrap();
    let client = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    client.connect(at).unwrap();
    let (accepted, _) = listener.accept().unwrap();
    assert_eq!(accepted.nodelay(), Ok(true));
    assert_eq!(accepted.linger(), Ok(Some(Duration::from_secs(3))));
    assert_eq!(accepted.is_listener(), Ok(false));
    assert_eq!(client.nodelay(), Ok(false));
}

#[test]
fn failed_setsockopt_changes_nothing() {
    let env = env();
    let tcp = socket_of("tcp4");
    assert_eq!(set_int(tcp, IPPROTO_IP, IP_TTL, 77), Ok(()));
    let before = env.net.snapshot();
    assert_eq!(set_int(tcp, IPPROTO_IP, IP_TTL, 0x1_0000), Err(WSAEINVAL));
    assert_eq!(set_bytes(tcp, IPPROTO_IP, IP_TTL, &[1], 0), Err(WSAEFAULT));
    assert_eq!(set_int(tcp, IPPROTO_IP, -5, 1), Err(WSAENOPROTOOPT));
    assert_eq!(get_int(tcp, IPPROTO_IP, IP_TTL), Ok(77));
    assert_eq!(env.net.snapshot(), before);
}

#[test]
fn traces_and_faults_name_getsockopt_and_setsockopt() {
    let env = env();
    let s = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    env.net.start_trace();
    s.set_nodelay(true).unwrap();
    assert_eq!(get_int(s.as_raw(), SOL_SOCKET, SO_LINGER), Ok(0));
    let trace = env.net.stop_trace();
    let text = trace.to_string();
    assert!(text.contains("setsockopt"), "{text}");
    assert!(text.contains("TCP_NODELAY=1 (stored)"), "{text}");
    assert!(text.contains("SO_LINGER (acting)"), "{text}");
    let _fault = env.net.inject(winsock_emu::testing::Fault::fail(
        Call::GetSockOpt,
        Error::NetworkDown,
    ));
    assert_eq!(get_int(s.as_raw(), SOL_SOCKET, SO_TYPE), Err(WSAENETDOWN));
    assert_eq!(get_int(s.as_raw(), SOL_SOCKET, SO_TYPE), Ok(SOCK_STREAM));
}

#[test]
fn threads_set_and_read_their_own_sockets_options() {
    let net = Network::new();
    let _startup = net.startup().unwrap();
    std::thread::scope(|scope| {
        for id in 0..4u32 {
            let net = &net;
            scope.spawn(move || {
                let _in = net.enter();
                for round in 0..200u32 {
                    let s = socket_of(if round % 2 == 0 { "tcp4" } else { "udp4" });
                    let ttl = ((id * 50 + round) % 255 + 1) as i32;
                    assert_eq!(set_int(s, IPPROTO_IP, IP_TTL, ttl), Ok(()));
                    assert_eq!(set_int(s, SOL_SOCKET, SO_RCVBUF, ttl * 16), Ok(()));
                    assert_eq!(get_int(s, IPPROTO_IP, IP_TTL), Ok(ttl));
                    assert_eq!(get_int(s, SOL_SOCKET, SO_RCVBUF), Ok(ttl * 16));
                    assert_eq!(unsafe { sys::closesocket(s) }, 0);
                }
            });
        }
    });
}
