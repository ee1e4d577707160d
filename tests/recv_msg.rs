//! `WSARecvMsg`, looked up through `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)` with
//! `WSAID_WSARECVMSG` as Windows code looks it up, and the `IP_PKTINFO`/`IPV6_PKTINFO`
//! control data it returns (docs/rules.md M3, M4; docs/choices.md#wsarecvmsg-control).

mod common;
mod overlapped_support;

use std::mem::size_of;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::ptr;

use common::options::{set_bytes, set_int};
use common::{env, last_error, raw_socket, sockaddr};
use overlapped_support::{new_event, Ov};
use winsock_emu::sys::*;

/// `WSA_CMSG_DATA`'s offset: the header padded to a pointer's size.
const DATA_AT: usize = if size_of::<usize>() == 8 { 16 } else { 12 };

/// The `WSARecvMsg` of `s`'s provider, as the page says to get it.
fn lookup(
    s: SOCKET,
) -> unsafe extern "system" fn(
    SOCKET,
    *mut WSAMSG,
    *mut u32,
    *mut OVERLAPPED,
    LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    let guid = WSAID_WSARECVMSG;
    let mut function: LPFN_WSARECVMSG = None;
    let mut returned = 0u32;
    let rc = unsafe {
        WSAIoctl(
            s,
            SIO_GET_EXTENSION_FUNCTION_POINTER,
            (&raw const guid).cast(),
            size_of::<GUID>() as u32,
            (&raw mut function).cast(),
            size_of::<LPFN_WSARECVMSG>() as u32,
            &mut returned,
            ptr::null_mut(),
            None,
        )
    };
    assert_eq!(
        (rc, returned as usize),
        (0, size_of::<usize>()),
        "{}",
        last_error()
    );
    function.expect("WSAIoctl wrote the pointer")
}

/// What one `WSARecvMsg` left behind.
#[derive(Debug)]
struct Got {
    /// The code when it failed.
    error: Option<i32>,
    /// `*lpdwNumberOfBytesRecvd` (starts at 0xAB).
    count: u32,
    data: Vec<u8>,
    from: Option<SocketAddr>,
    /// The first `Control.len` bytes of the control buffer.
    control: Vec<u8>,
    flags: u32,
}

impl Got {
    /// The packet information's `cmsg_level`, `cmsg_type` and address.
    fn packet_info(&self) -> (i32, i32, Option<IpAddr>) {
        let int = |at: usize| i32::from_ne_bytes(self.control[at..at + 4].try_into().unwrap());
        let (level, kind) = (int(size_of::<usize>()), int(size_of::<usize>() + 4));
        let data = &self.control[DATA_AT..];
        let address = match (level, kind) {
            (IPPROTO_IP, IP_PKTINFO) => {
                Some(IpAddr::from(<[u8; 4]>::try_from(&data[..4]).unwrap()))
            }
            (IPPROTO_IPV6, IPV6_PKTINFO) => {
                Some(IpAddr::from(<[u8; 16]>::try_from(&data[..16]).unwrap()))
            }
            _ => None,
        };
        (level, kind, address)
    }
}

/// `WSARecvMsg(s, &msg, &count, NULL, NULL)` into `data_room` bytes, with room for any
/// sender and `control_room` bytes of control room.
fn recv_msg(s: SOCKET, data_room: usize, control_room: usize) -> Got {
    let function = lookup(s);
    let mut data = vec![0u8; data_room];
    let mut buffer = WSABUF {
        len: data_room as u32,
        buf: data.as_mut_ptr(),
    };
    let mut name = [0u64; 16];
    let mut control = vec![0u64; control_room.div_ceil(8)];
    let mut msg = WSAMSG {
        name: name.as_mut_ptr().cast(),
        namelen: 128,
        lpBuffers: &mut buffer,
        dwBufferCount: 1,
        Control: WSABUF {
            len: control_room as u32,
            buf: control.as_mut_ptr().cast(),
        },
        dwFlags: 0,
    };
    let mut count = 0xAB;
    let rc = unsafe { function(s, &mut msg, &mut count, ptr::null_mut(), None) };
    let error = (rc != 0).then(last_error);
    let filled = (count as usize).min(data_room);
    let bytes: Vec<u8> = control.iter().flat_map(|w| w.to_ne_bytes()).collect();
    let name_bytes: Vec<u8> = name.iter().flat_map(|w| w.to_ne_bytes()).collect();
    Got {
        error,
        count,
        data: data[..filled].to_vec(),
        from: decode(&name_bytes[..msg.namelen.clamp(0, 128) as usize]),
        control: bytes[..(msg.Control.len as usize).min(bytes.len())].to_vec(),
        flags: msg.dwFlags,
    }
}

/// A SOCKADDR_IN or SOCKADDR_IN6.
fn decode(raw: &[u8]) -> Option<SocketAddr> {
    let port = u16::from_be_bytes(raw.get(2..4)?.try_into().ok()?);
    match raw.len() {
        16 => Some(SocketAddr::new(
            IpAddr::from(<[u8; 4]>::try_from(&raw[4..8]).ok()?),
            port,
        )),
        28 => Some(SocketAddr::new(
            IpAddr::from(<[u8; 16]>::try_from(&raw[8..24]).ok()?),
            port,
        )),
        _ => None,
    }
}

/// A UDP socket of `af` bound to `at`.
fn bound(af: u16, at: SocketAddr) -> SOCKET {
    let s = raw_socket(af, SOCK_DGRAM, 0);
    let raw = sockaddr(at);
    assert_eq!(
        unsafe { bind(s, raw.as_ptr().cast(), raw.len() as i32) },
        0,
        "{}",
        last_error()
    );
    s
}

/// `sendto(s, data, to)`.
fn send_to(s: SOCKET, data: &[u8], to: SocketAddr) {
    let raw = sockaddr(to);
    let sent = unsafe {
        sendto(
            s,
            data.as_ptr(),
            data.len() as i32,
            0,
            raw.as_ptr().cast(),
            raw.len() as i32,
        )
    };
    assert_eq!(sent, data.len() as i32, "{}", last_error());
}

fn nonblocking(s: SOCKET) {
    let mut on = 1u32;
    assert_eq!(unsafe { ioctlsocket(s, FIONBIO, &mut on) }, 0);
}

/// A server in the manner of the `IP_PKTINFO` page's use: one wildcard-bound socket answers
/// clients that reach it at different addresses (loopback and a multicast group it joined),
/// and learns from each datagram's `IN_PKTINFO` which address it came to. Four clients in
/// their own threads, the server blocking in `WSARecvMsg` on its own: in a loop.
#[test]
fn a_wildcard_server_learns_each_datagrams_destination_from_ip_pktinfo() {
    const GROUP: Ipv4Addr = Ipv4Addr::new(239, 1, 2, 3);
    const CLIENTS: usize = 4;
    const EACH: usize = 8;
    for round in 0..20u16 {
        let env = env();
        let port = 9100 + round;
        let server = bound(AF_INET, SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), port));
        assert_eq!(set_int(server, IPPROTO_IP, IP_PKTINFO, 1), Ok(()));
        let mut mreq = [0u8; 8];
        mreq[..4].copy_from_slice(&GROUP.octets());
        assert_eq!(
            set_bytes(server, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, 8),
            Ok(())
        );
        let clients: Vec<_> = (0..CLIENTS)
            .map(|i| {
                env.net.spawn(move || {
                    let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
                    let to: IpAddr = if i % 2 == 0 {
                        Ipv4Addr::LOCALHOST.into()
                    } else {
                        GROUP.into()
                    };
                    for j in 0..EACH {
                        send_to(s, &[i as u8, j as u8], SocketAddr::new(to, port));
                    }
                    unsafe { closesocket(s) };
                })
            })
            .collect();
        let mut seen = [0usize; CLIENTS];
        for _ in 0..CLIENTS * EACH {
            // Blocking: each wait ends when a client's datagram comes (or at the stall limit).
            let got = recv_msg(server, 16, 64);
            assert_eq!((got.error, got.flags, got.count), (None, 0, 2));
            let client = usize::from(got.data[0]);
            let expected: IpAddr = if client % 2 == 0 {
                Ipv4Addr::LOCALHOST.into()
            } else {
                GROUP.into()
            };
            assert_eq!(got.packet_info(), (IPPROTO_IP, IP_PKTINFO, Some(expected)));
            assert_eq!(
                got.data[1] as usize, seen[client],
                "each client's datagrams in order"
            );
            seen[client] += 1;
            assert!(got.from.is_some());
        }
        for client in clients {
            client.join().unwrap();
        }
        unsafe { closesocket(server) };
    }
}

#[test]
fn ipv6_pktinfo_gives_an_in6_pktinfo_and_ip_pktinfo_alone_gives_nothing_for_ipv6() {
    let _env = env();
    let server = bound(AF_INET6, "[::1]:0".parse().unwrap());
    let at = local(server);
    nonblocking(server);
    let client = raw_socket(AF_INET6, SOCK_DGRAM, 0);
    // IP_PKTINFO on an IPv6 socket is for datagrams over IPv4: none for this one.
    assert_eq!(set_int(server, IPPROTO_IP, IP_PKTINFO, 1), Ok(()));
    send_to(client, b"one", at);
    let got = recv_msg(server, 16, 64);
    assert_eq!(
        (got.error, got.data.as_slice(), got.control.len()),
        (None, &b"one"[..], 0)
    );
    assert_eq!(set_int(server, IPPROTO_IPV6, IPV6_PKTINFO, 1), Ok(()));
    send_to(client, b"two", at);
    let got = recv_msg(server, 16, 64);
    assert_eq!(got.error, None);
    assert_eq!(
        got.control.len(),
        if size_of::<usize>() == 8 { 40 } else { 32 }
    );
    assert_eq!(
        got.packet_info(),
        (IPPROTO_IPV6, IPV6_PKTINFO, Some(Ipv6Addr::LOCALHOST.into()))
    );
    assert_eq!(
        got.from.map(|from| from.ip()),
        Some(Ipv6Addr::LOCALHOST.into())
    );
}

fn local(s: SOCKET) -> SocketAddr {
    let mut raw = [0u8; 128];
    let mut len = 128;
    assert_eq!(
        unsafe { getsockname(s, raw.as_mut_ptr().cast(), &mut len) },
        0
    );
    decode(&raw[..len as usize]).unwrap()
}

#[test]
fn choice_wsarecvmsg_control_room_flags_and_stream_sockets() {
    let _env = env();
    let server = bound(AF_INET, "127.0.0.1:0".parse().unwrap());
    let at = local(server);
    nonblocking(server);
    let client = raw_socket(AF_INET, SOCK_DGRAM, 0);
    let function = lookup(server);

    // Without IP_PKTINFO: the datagram and its sender, Control.len 0.
    send_to(client, b"plain", at);
    let got = recv_msg(server, 16, 64);
    assert_eq!(
        (got.error, got.count, got.data.as_slice(), got.control.len()),
        (None, 5, &b"plain"[..], 0)
    );
    let from = got.from.unwrap();
    assert_eq!(
        (from.ip(), from.port()),
        (IpAddr::from(Ipv4Addr::LOCALHOST), local(client).port())
    );
    // A datagram that arrived before the option was set has no destination to report.
    send_to(client, b"early", at);
    assert_eq!(set_int(server, IPPROTO_IP, IP_PKTINFO, 1), Ok(()));
    assert_eq!(recv_msg(server, 16, 64).control.len(), 0);

    // Control room for less than the message: the data comes, MSG_CTRUNC, WSAEMSGSIZE,
    // the count written, no control data.
    send_to(client, b"short", at);
    let got = recv_msg(server, 16, 1);
    assert_eq!(
        (got.error, got.flags, got.count),
        (Some(WSAEMSGSIZE), MSG_CTRUNC, 5)
    );
    assert_eq!((got.data.as_slice(), got.control.len()), (&b"short"[..], 0));
    // Room exactly WSA_CMSG_SPACE(sizeof(IN_PKTINFO)).
    send_to(client, b"exact", at);
    let space = DATA_AT + 8;
    let got = recv_msg(server, 16, space);
    assert_eq!((got.error, got.control.len()), (None, space));
    assert_eq!(
        got.packet_info(),
        (IPPROTO_IP, IP_PKTINFO, Some(Ipv4Addr::LOCALHOST.into()))
    );
    let ifindex = u32::from_ne_bytes(got.control[DATA_AT + 4..DATA_AT + 8].try_into().unwrap());
    assert_eq!(ifindex, 1);
    // A datagram longer than the buffers: MSG_TRUNC and WSAEMSGSIZE, the control data given.
    send_to(client, b"much too long", at);
    let got = recv_msg(server, 4, 64);
    assert_eq!(
        (got.error, got.flags, got.data.as_slice()),
        (Some(WSAEMSGSIZE), MSG_TRUNC, &b"much"[..])
    );
    assert_eq!(got.packet_info().2, Some(Ipv4Addr::LOCALHOST.into()));

    // The page's WSAEFAULT cases consume nothing; a NULL message is WSAEFAULT.
    send_to(client, b"kept", at);
    let mut data = [0u8; 16];
    let mut buffer = WSABUF {
        len: 16,
        buf: data.as_mut_ptr(),
    };
    let mut msg = WSAMSG {
        name: ptr::null_mut(),
        namelen: 16,
        lpBuffers: &mut buffer,
        dwBufferCount: 1,
        Control: WSABUF::default(),
        dwFlags: 0,
    };
    let mut count = 0;
    let call = |msg: *mut WSAMSG, count: &mut u32| {
        let rc = unsafe { function(server, msg, count, ptr::null_mut(), None) };
        (rc, if rc == 0 { 0 } else { last_error() })
    };
    assert_eq!(call(&mut msg, &mut count), (SOCKET_ERROR, WSAEFAULT));
    msg.namelen = 0;
    msg.Control.len = 8;
    assert_eq!(call(&mut msg, &mut count), (SOCKET_ERROR, WSAEFAULT));
    assert_eq!(call(ptr::null_mut(), &mut count), (SOCKET_ERROR, WSAEFAULT));
    // Control {0, NULL} asks for no control data: success with IP_PKTINFO on too.
    msg.Control.len = 0;
    assert_eq!(call(&mut msg, &mut count), (0, 0));
    assert_eq!((count, &data[..4]), (4, &b"kept"[..]));
    assert_eq!(call(&mut msg, &mut count), (SOCKET_ERROR, WSAEWOULDBLOCK));

    // A stream socket is WSAEINVAL; INVALID_SOCKET WSAENOTSOCK.
    let tcp = raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    let rc = unsafe { function(tcp, &mut msg, &mut count, ptr::null_mut(), None) };
    assert_eq!((rc, last_error()), (SOCKET_ERROR, WSAEINVAL));
    let rc = unsafe { function(INVALID_SOCKET, &mut msg, &mut count, ptr::null_mut(), None) };
    assert_eq!((rc, last_error()), (SOCKET_ERROR, WSAENOTSOCK));
    // IP_PKTINFO itself: datagram sockets only.
    assert_eq!(set_int(tcp, IPPROTO_IP, IP_PKTINFO, 1), Err(WSAEINVAL));
}

/// An overlapped `WSARecvMsg` that pends: when a datagram comes from another thread, the
/// completion fills the data, the sender, the control data, `Control.len` and `dwFlags`;
/// one with too little control room completes with `WSAEMSGSIZE` and `MSG_CTRUNC` (sock.c
/// test_ip_pktinfo's overlapped short control header).
#[test]
fn an_overlapped_wsarecvmsg_that_pends_gets_its_control_data_at_completion() {
    for _ in 0..50 {
        let env = env();
        let server = bound(AF_INET, "127.0.0.1:0".parse().unwrap());
        let at = local(server);
        assert_eq!(set_int(server, IPPROTO_IP, IP_PKTINFO, 1), Ok(()));
        let function = lookup(server);
        let mut data = [0u8; 16];
        let mut buffer = WSABUF {
            len: 16,
            buf: data.as_mut_ptr(),
        };
        let mut name = [0u64; 16];
        let mut control = [0u64; 8];
        let mut msg = WSAMSG {
            name: name.as_mut_ptr().cast(),
            namelen: 128,
            lpBuffers: &mut buffer,
            dwBufferCount: 1,
            Control: WSABUF {
                len: 64,
                buf: control.as_mut_ptr().cast(),
            },
            dwFlags: 0,
        };
        let ov = Ov::new(new_event());
        let rc = unsafe { function(server, &mut msg, ptr::null_mut(), ov.ptr(), None) };
        assert_eq!((rc, last_error()), (SOCKET_ERROR, WSA_IO_PENDING));
        let sender = env.net.spawn(move || {
            let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
            send_to(s, b"later", at);
            unsafe { closesocket(s) };
        });
        let (mut bytes, mut flags) = (0u32, 0u32);
        let ok = unsafe { WSAGetOverlappedResult(server, ov.ptr(), &mut bytes, TRUE, &mut flags) };
        assert_eq!((ok, bytes), (TRUE, 5));
        sender.join().unwrap();
        assert_eq!(&data[..5], b"later");
        assert_eq!(msg.Control.len as usize, DATA_AT + 8);
        assert_eq!(msg.namelen, 16);
        let raw: Vec<u8> = control.iter().flat_map(|w| w.to_ne_bytes()).collect();
        assert_eq!(&raw[DATA_AT..DATA_AT + 4], &[127, 0, 0, 1]);
        assert_eq!(msg.dwFlags, 0);
        // Too little control room: the completion's error and MSG_CTRUNC in the WSAMSG.
        msg.Control.len = 1;
        let rc = unsafe { function(server, &mut msg, ptr::null_mut(), ov.ptr(), None) };
        assert_eq!((rc, last_error()), (SOCKET_ERROR, WSA_IO_PENDING));
        let sender = env.net.spawn(move || {
            let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
            send_to(s, b"again", at);
            unsafe { closesocket(s) };
        });
        let ok = unsafe { WSAGetOverlappedResult(server, ov.ptr(), &mut bytes, TRUE, &mut flags) };
        assert_eq!((ok, last_error()), (FALSE, WSAEMSGSIZE));
        sender.join().unwrap();
        assert_eq!((msg.dwFlags, msg.Control.len), (MSG_CTRUNC, 0));
        assert_eq!(&data[..5], b"again");
        unsafe { WSACloseEvent(ov.event() as _) };
    }
}
