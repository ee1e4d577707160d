//! `IPV6_V6ONLY` FALSE: dual-stack IPv6 sockets talk to IPv4 peers through IPv4-mapped
//! addresses (docs/options.md, docs/choices.md#dual-stack, docs/rules.md P10), through
//! `sys` in windows-sys style.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use common::options::set_int;
use common::{env, last_error, raw_socket, sockaddr};
use winsock_emu::sys::*;

fn decode(raw: &[u8]) -> SocketAddr {
    let port = u16::from_be_bytes([raw[2], raw[3]]);
    match raw.len() {
        16 => SocketAddr::new(IpAddr::from(<[u8; 4]>::try_from(&raw[4..8]).unwrap()), port),
        _ => SocketAddr::new(
            IpAddr::from(<[u8; 16]>::try_from(&raw[8..24]).unwrap()),
            port,
        ),
    }
}

fn name_of(s: SOCKET, peer: bool) -> SocketAddr {
    let mut raw = [0u8; 128];
    let mut len = 128;
    let rc = unsafe {
        if peer {
            getpeername(s, raw.as_mut_ptr().cast(), &mut len)
        } else {
            getsockname(s, raw.as_mut_ptr().cast(), &mut len)
        }
    };
    assert_eq!(rc, 0, "{}", last_error());
    decode(&raw[..len as usize])
}

/// A socket of `af` and `ty`, with `IPV6_V6ONLY` set to `v6only` (IPv6 only), bound to `at`.
fn bound(af: u16, ty: i32, v6only: Option<i32>, at: &str) -> Result<SOCKET, i32> {
    let s = raw_socket(af, ty, 0);
    if let Some(value) = v6only {
        assert_eq!(set_int(s, IPPROTO_IPV6, IPV6_V6ONLY, value), Ok(()));
    }
    let raw = sockaddr(at.parse().unwrap());
    if unsafe { bind(s, raw.as_ptr().cast(), raw.len() as i32) } != 0 {
        return Err(last_error());
    }
    Ok(s)
}

fn mapped(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V4(v4) => SocketAddr::new(v4.ip().to_ipv6_mapped().into(), v4.port()),
        other => other,
    }
}

fn send_to(s: SOCKET, data: &[u8], to: SocketAddr) -> Result<(), i32> {
    let raw = sockaddr(to);
    let n = unsafe {
        sendto(
            s,
            data.as_ptr(),
            data.len() as i32,
            0,
            raw.as_ptr().cast(),
            raw.len() as i32,
        )
    };
    if n < 0 {
        return Err(last_error());
    }
    Ok(())
}

/// `recvfrom`, blocking: the bytes and the sender.
fn recv_from(s: SOCKET) -> (Vec<u8>, SocketAddr) {
    let mut buf = [0u8; 64];
    let mut from = [0u8; 128];
    let mut len = 128;
    let n = unsafe {
        recvfrom(
            s,
            buf.as_mut_ptr(),
            64,
            0,
            from.as_mut_ptr().cast(),
            &mut len,
        )
    };
    assert!(n >= 0, "{}", last_error());
    (buf[..n as usize].to_vec(), decode(&from[..len as usize]))
}

/// The dual-stack server of the "Dual-Stack Sockets" page: one IPv6 listener with
/// `IPV6_V6ONLY` FALSE serves IPv4 and IPv6 clients, each from its own thread, echoing
/// what they send; the server sees the IPv4 clients at mapped addresses, the clients see
/// the server at the address they connected to. In a loop.
#[test]
fn a_dual_stack_tcp_server_serves_ipv4_and_ipv6_clients() {
    for round in 0..20u16 {
        let env = env();
        let port = 9300 + round;
        let listener = bound(AF_INET6, SOCK_STREAM, Some(0), &format!("[::]:{port}")).unwrap();
        assert_eq!(unsafe { listen(listener, 8) }, 0);
        let clients: Vec<_> = (0..4u8)
            .map(|i| {
                env.net.spawn(move || {
                    let (af, to): (u16, SocketAddr) = if i % 2 == 0 {
                        (AF_INET, SocketAddr::new(Ipv4Addr::LOCALHOST.into(), port))
                    } else {
                        (AF_INET6, format!("[::1]:{port}").parse().unwrap())
                    };
                    let s = raw_socket(af, SOCK_STREAM, IPPROTO_TCP);
                    let raw = sockaddr(to);
                    assert_eq!(
                        unsafe { connect(s, raw.as_ptr().cast(), raw.len() as i32) },
                        0,
                        "{}",
                        last_error()
                    );
                    assert_eq!(name_of(s, true), to);
                    let local = name_of(s, false);
                    assert_eq!(unsafe { send(s, [i].as_ptr(), 1, 0) }, 1);
                    let mut back = [0u8; 1];
                    assert_eq!(unsafe { recv(s, back.as_mut_ptr(), 1, 0) }, 1);
                    assert_eq!(back[0], i + 100);
                    unsafe { closesocket(s) };
                    local
                })
            })
            .collect();
        let mut peers = Vec::new();
        for _ in 0..4 {
            let mut from = [0u8; 128];
            let mut len = 128;
            let c = unsafe { accept(listener, from.as_mut_ptr().cast(), &mut len) };
            assert_ne!(c, INVALID_SOCKET, "{}", last_error());
            assert_eq!(len, 28, "an IPv6 listener reports IPv6 addresses");
            let peer = decode(&from[..28]);
            assert_eq!(name_of(c, true), peer);
            let mut got = [0u8; 1];
            assert_eq!(unsafe { recv(c, got.as_mut_ptr(), 1, 0) }, 1);
            let expected_local: IpAddr = if got[0] % 2 == 0 {
                Ipv4Addr::LOCALHOST.to_ipv6_mapped().into()
            } else {
                "::1".parse().unwrap()
            };
            assert_eq!(name_of(c, false), SocketAddr::new(expected_local, port));
            assert_eq!(unsafe { send(c, [got[0] + 100].as_ptr(), 1, 0) }, 1);
            peers.push((got[0], peer));
            unsafe { closesocket(c) };
        }
        let locals: Vec<SocketAddr> = clients.into_iter().map(|c| c.join().unwrap()).collect();
        for (i, peer) in peers {
            assert_eq!(peer, mapped(locals[usize::from(i)]), "client {i}");
        }
        unsafe { closesocket(listener) };
    }
}

/// A dual-stack UDP socket receives from an IPv4 peer at its mapped address and answers
/// it there; the IPv4 peer sees an IPv4 sender.
#[test]
fn a_dual_stack_udp_socket_exchanges_datagrams_with_an_ipv4_peer() {
    let env = env();
    let server = bound(AF_INET6, SOCK_DGRAM, Some(0), "[::]:9400").unwrap();
    let client = env.net.spawn(|| {
        let s = bound(AF_INET, SOCK_DGRAM, None, "0.0.0.0:0").unwrap();
        send_to(s, b"ping", "127.0.0.1:9400".parse().unwrap()).unwrap();
        let (reply, from) = recv_from(s);
        (reply, from, name_of(s, false).port())
    });
    let (data, from) = recv_from(server);
    assert_eq!(data, b"ping");
    assert!(
        matches!(from, SocketAddr::V6(v6) if v6.ip().to_ipv4_mapped() == Some(Ipv4Addr::LOCALHOST))
    );
    send_to(server, b"pong", from).unwrap();
    let (reply, seen, port) = client.join().unwrap();
    assert_eq!(reply, b"pong");
    assert_eq!(seen, "127.0.0.1:9400".parse().unwrap());
    assert_eq!(from.port(), port);
    // An unbound dual-stack socket sending to a mapped address is bound at [::] and holds
    // the port's IPv4 side, so the IPv4 peer's answer reaches it.
    let peer = bound(AF_INET, SOCK_DGRAM, None, "127.0.0.1:9401").unwrap();
    let fresh = raw_socket(AF_INET6, SOCK_DGRAM, 0);
    assert_eq!(set_int(fresh, IPPROTO_IPV6, IPV6_V6ONLY, 0), Ok(()));
    send_to(fresh, b"hi", mapped("127.0.0.1:9401".parse().unwrap())).unwrap();
    let (_, back_to) = recv_from(peer);
    assert!(back_to.is_ipv4());
    assert_eq!(
        name_of(fresh, false).ip(),
        IpAddr::from(std::net::Ipv6Addr::UNSPECIFIED)
    );
    send_to(peer, b"answer", back_to).unwrap();
    let (answer, answered_by) = recv_from(fresh);
    assert_eq!(
        (answer.as_slice(), answered_by),
        (&b"answer"[..], mapped("127.0.0.1:9401".parse().unwrap()))
    );
}

#[test]
fn choice_dual_stack_binds_both_sides_and_v6only_reaches_no_ipv4_peer() {
    let _env = env();
    // The dual-stack socket holds 0.0.0.0:p: an IPv4 wildcard bind there is refused...
    let dual = bound(AF_INET6, SOCK_STREAM, Some(0), "[::]:9500").unwrap();
    assert_eq!(
        bound(AF_INET, SOCK_STREAM, None, "0.0.0.0:9500"),
        Err(WSAEADDRINUSE)
    );
    // ...and a dual-stack bind over an IPv4 socket's wildcard too; an IPv6-only one is fine.
    let _v4 = bound(AF_INET, SOCK_STREAM, None, "0.0.0.0:9501").unwrap();
    assert_eq!(
        bound(AF_INET6, SOCK_STREAM, Some(0), "[::]:9501"),
        Err(WSAEADDRINUSE)
    );
    let only = bound(AF_INET6, SOCK_STREAM, None, "[::]:9501").unwrap();
    // Closing the dual-stack socket frees both sides.
    unsafe { closesocket(dual) };
    let again = bound(AF_INET, SOCK_STREAM, None, "0.0.0.0:9500").unwrap();
    unsafe { closesocket(again) };
    // An IPv6-only listener (the default) is not reached by IPv4 clients; and an
    // IPv6-only socket's connect to a mapped address finds nobody.
    assert_eq!(unsafe { listen(only, 1) }, 0);
    let listener6 = bound(AF_INET6, SOCK_STREAM, None, "[::]:9502").unwrap();
    assert_eq!(unsafe { listen(listener6, 1) }, 0);
    let c4 = raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    let to = sockaddr("127.0.0.1:9502".parse().unwrap());
    assert_eq!(unsafe { connect(c4, to.as_ptr().cast(), 16) }, SOCKET_ERROR);
    assert_eq!(last_error(), WSAECONNREFUSED);
    let listener4 = bound(AF_INET, SOCK_STREAM, None, "127.0.0.1:9503").unwrap();
    assert_eq!(unsafe { listen(listener4, 1) }, 0);
    let c6 = raw_socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    let to = sockaddr(mapped("127.0.0.1:9503".parse().unwrap()));
    assert_eq!(unsafe { connect(c6, to.as_ptr().cast(), 28) }, SOCKET_ERROR);
    assert_eq!(last_error(), WSAECONNREFUSED);
    // A dual-stack client's connect to the mapped address reaches the IPv4 listener,
    // which sees an IPv4 client.
    let dual_client = raw_socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    assert_eq!(set_int(dual_client, IPPROTO_IPV6, IPV6_V6ONLY, 0), Ok(()));
    assert_eq!(
        unsafe { connect(dual_client, to.as_ptr().cast(), 28) },
        0,
        "{}",
        last_error()
    );
    let accepted = unsafe { accept(listener4, std::ptr::null_mut(), std::ptr::null_mut()) };
    assert_ne!(accepted, INVALID_SOCKET);
    let seen = name_of(accepted, true);
    assert!(seen.is_ipv4());
    assert_eq!(mapped(seen), name_of(dual_client, false));
    assert_eq!(
        name_of(dual_client, true),
        mapped("127.0.0.1:9503".parse().unwrap())
    );
}
