//! socket, WSASocketW, bind, listen, connect, WSAConnect, accept and closesocket: the
//! states the peer-name rules depend on, and their out-parameters.

mod common;

use common::*;
use std::ptr;
use winsock_emu::sys::*;
use winsock_emu::{Domain, Error, Protocol, SocketState, Type};

fn errno(rc: i32) -> Result<(), i32> {
    if rc == 0 {
        Ok(())
    } else {
        Err(last_error())
    }
}

#[test]
fn choice_socket_catalog_creation_errors() {
    let _env = env();
    let cases = [
        (9999, SOCK_STREAM, 0, WSAEAFNOSUPPORT),
        (AF_UNSPEC.into(), SOCK_STREAM, 0, WSAEAFNOSUPPORT),
        (-5, SOCK_DGRAM, 0, WSAEAFNOSUPPORT),
        (AF_UNIX.into(), SOCK_DGRAM, 0, WSAESOCKTNOSUPPORT),
        (AF_INET.into(), SOCK_SEQPACKET, 0, WSAESOCKTNOSUPPORT),
        (AF_INET.into(), 42, 0, WSAESOCKTNOSUPPORT),
        (AF_INET.into(), SOCK_STREAM, IPPROTO_UDP, WSAEPROTOTYPE),
        (AF_INET6.into(), SOCK_DGRAM, IPPROTO_TCP, WSAEPROTOTYPE),
        (AF_INET.into(), SOCK_STREAM, 12345, WSAEPROTONOSUPPORT),
    ];
    for (af, ty, protocol, code) in cases {
        assert_eq!(
            unsafe { socket(af, ty, protocol) },
            INVALID_SOCKET,
            "{af} {ty} {protocol}"
        );
        assert_eq!(last_error(), code, "{af} {ty} {protocol}");
    }
}

#[test]
fn socket_is_overlapped_wsasocketw_only_with_the_flag() {
    let env = env();
    let a = raw_socket(AF_INET, SOCK_STREAM, 0);
    let b = unsafe {
        WSASocketW(
            AF_INET.into(),
            SOCK_STREAM,
            0,
            ptr::null(),
            0,
            WSA_FLAG_OVERLAPPED,
        )
    };
    let c = raw_socket_non_overlapped(AF_INET, SOCK_STREAM, 0);
    let overlapped: Vec<bool> = env
        .net
        .snapshot()
        .sockets
        .iter()
        .map(|s| s.overlapped)
        .collect();
    assert_eq!(overlapped, [true, true, false]);
    assert_eq!(
        env.net.snapshot().sockets[0].protocol,
        IPPROTO_TCP,
        "protocol 0 resolves to TCP"
    );
    let _ = (a, b, c);
}

#[test]
fn choice_unemulated_arguments_of_wsasocketw_and_wsaconnect() {
    let env = env();
    let info = WSAPROTOCOL_INFOW::default();
    assert_eq!(
        unsafe { WSASocketW(AF_INET.into(), SOCK_STREAM, 0, &info, 0, 0) },
        INVALID_SOCKET
    );
    assert_eq!(last_error(), WSAEINVAL);
    assert_eq!(
        unsafe { WSASocketW(AF_INET.into(), SOCK_STREAM, 0, ptr::null(), 1, 0) },
        INVALID_SOCKET
    );
    assert_eq!(last_error(), WSAEINVAL);
    let (_listener, _) = connected_stream(&env.net, "127.0.0.1:1000");
    let s = raw_socket(AF_INET, SOCK_STREAM, 0);
    let addr = sockaddr("127.0.0.1:1000".parse().unwrap());
    let data = WSABUF::default();
    assert_fails_unchanged(&env.net, WSAEOPNOTSUPP, || {
        errno(unsafe {
            WSAConnect(
                s,
                addr.as_ptr().cast(),
                16,
                &data,
                ptr::null_mut(),
                ptr::null(),
                ptr::null(),
            )
        })
    });
    assert_eq!(
        errno(unsafe {
            WSAConnect(
                s,
                addr.as_ptr().cast(),
                16,
                ptr::null(),
                ptr::null_mut(),
                ptr::null(),
                ptr::null(),
            )
        }),
        Ok(())
    );
}

#[test]
fn bind_errors() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_STREAM, 0);
    let v4 = sockaddr("127.0.0.1:80".parse().unwrap());
    let v6 = sockaddr("[::1]:80".parse().unwrap());
    assert_fails_unchanged(&env.net, WSAEFAULT, || {
        errno(unsafe { bind(s, ptr::null(), 16) })
    });
    assert_fails_unchanged(&env.net, WSAEFAULT, || {
        errno(unsafe { bind(s, v4.as_ptr().cast(), 15) })
    });
    assert_fails_unchanged(&env.net, WSAEFAULT, || {
        errno(unsafe { bind(s, v4.as_ptr().cast(), -1) })
    });
    assert_fails_unchanged(&env.net, WSAEFAULT, || {
        errno(unsafe { bind(s, v6.as_ptr().cast(), 28) })
    });
    assert_fails_unchanged(&env.net, WSAENOTSOCK, || {
        errno(unsafe { bind(0x4444, v4.as_ptr().cast(), 16) })
    });
    assert_eq!(errno(unsafe { bind(s, v4.as_ptr().cast(), 16) }), Ok(()));
    assert_fails_unchanged(&env.net, WSAEINVAL, || {
        errno(unsafe { bind(s, v4.as_ptr().cast(), 16) })
    });
    let other = raw_socket(AF_INET, SOCK_STREAM, 0);
    let wildcard = sockaddr("0.0.0.0:80".parse().unwrap());
    assert_fails_unchanged(&env.net, WSAEADDRINUSE, || {
        errno(unsafe { bind(other, wildcard.as_ptr().cast(), 16) })
    });
    let udp = raw_socket(AF_INET, SOCK_DGRAM, 0);
    assert_eq!(
        errno(unsafe { bind(udp, v4.as_ptr().cast(), 16) }),
        Ok(()),
        "UDP has its own ports"
    );
}

#[test]
fn choice_only_ip_is_addressed() {
    let env = env();
    let unix = env.net.socket(Domain::UNIX, Type::STREAM, None).unwrap();
    assert_eq!(
        unix.bind("127.0.0.1:1".parse().unwrap()),
        Err(Error::AddressFamilyNotSupported)
    );
    assert_eq!(
        unix.connect("127.0.0.1:1".parse().unwrap()),
        Err(Error::AddressFamilyNotSupported)
    );
}

#[test]
fn choice_one_host_owns_every_address_ephemeral_ports_in_order() {
    let env = env();
    let a = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let b = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    assert_eq!(
        a.bind("10.1.2.3:0".parse().unwrap()).unwrap(),
        "10.1.2.3:49152".parse().unwrap()
    );
    b.connect("203.0.113.5:53".parse().unwrap()).unwrap();
    assert_eq!(
        b.local_addr().unwrap(),
        "203.0.113.5:49153".parse().unwrap()
    );
    assert_eq!(b.peer_addr().unwrap(), "203.0.113.5:53".parse().unwrap());
}

#[test]
fn listen_errors_and_backlog() {
    let env = env();
    let unbound = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    assert_eq!(unbound.listen(5), Err(Error::Invalid));
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    assert_eq!(udp.listen(5), Err(Error::OperationNotSupported));
    let (listener, client) = connected_stream(&env.net, "127.0.0.1:2000");
    assert_eq!(client.listen(5), Err(Error::IsConnected));
    listener.listen(i32::MAX).unwrap(); // winsock2.h's SOMAXCONN (windows-sys has winsock.h's 5)
    assert_eq!(
        listener.info().unwrap().state,
        SocketState::Listening {
            backlog: winsock_emu::choices::MAX_BACKLOG,
            pending: 1
        }
    );
}

#[test]
fn connect_accept_and_refusal() {
    let env = env();
    let listener = env
        .net
        .socket(Domain::IPV6, Type::STREAM, Protocol::TCP)
        .unwrap();
    listener.bind("[::]:443".parse().unwrap()).unwrap();
    listener.listen(1).unwrap();
    let client = env.net.socket(Domain::IPV6, Type::STREAM, None).unwrap();
    client
        .connect("[2001:db8::5]:443".parse().unwrap())
        .unwrap();
    assert_eq!(
        client.connect("[2001:db8::5]:443".parse().unwrap()),
        Err(Error::IsConnected)
    );
    let full = env.net.socket(Domain::IPV6, Type::STREAM, None).unwrap();
    assert_eq!(
        full.connect("[2001:db8::5]:443".parse().unwrap()),
        Err(Error::ConnectionRefused),
        "backlog of 1 is full"
    );
    let (accepted, from) = listener.accept().unwrap();
    assert_eq!(from, client.local_addr().unwrap());
    assert_eq!(accepted.peer_addr().unwrap(), from);
    assert_eq!(
        accepted.local_addr().unwrap(),
        "[2001:db8::5]:443".parse().unwrap()
    );
    listener.set_nonblocking(true).unwrap();
    assert_eq!(
        listener.accept().unwrap_err(),
        Error::WouldBlock,
        "a non-blocking listener with nothing queued"
    );
    listener.set_nonblocking(false).unwrap();
    let nobody = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    let before = env.net.snapshot();
    assert_eq!(
        nobody.connect("127.0.0.1:9".parse().unwrap()),
        Err(Error::ConnectionRefused)
    );
    assert_eq!(
        env.net.snapshot(),
        before,
        "a refused connect binds nothing"
    );
    assert_eq!(
        nobody.connect("[::1]:9".parse().unwrap()),
        Err(Error::AddressFamilyNotSupported)
    );
    assert_eq!(
        nobody.connect("0.0.0.0:9".parse().unwrap()),
        Err(Error::AddressNotAvailable)
    );
    assert_eq!(
        nobody.connect("127.0.0.1:0".parse().unwrap()),
        Err(Error::AddressNotAvailable)
    );
    assert_eq!(
        listener.connect("[::1]:443".parse().unwrap()),
        Err(Error::Invalid)
    );
    assert_eq!(nobody.accept().unwrap_err(), Error::Invalid);
}

#[test]
fn closing_a_listener_frees_its_port() {
    let env = env();
    let (listener, _client) = connected_stream(&env.net, "127.0.0.1:3000");
    listener.close().unwrap();
    let again = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    assert!(again.bind("127.0.0.1:3000".parse().unwrap()).is_ok());
}

#[test]
fn accept_out_parameters_are_written_only_on_success() {
    let env = env();
    let (listener, client) = connected_stream(&env.net, "127.0.0.1:4000");
    let l = listener.as_raw();
    let mut addr = [0xAAu8; 28];
    let mut len: i32 = 15;
    // Too small a length: WSAEFAULT, the connection stays queued, nothing written.
    assert_eq!(
        unsafe { accept(l, addr.as_mut_ptr().cast(), &mut len) },
        INVALID_SOCKET
    );
    assert_eq!(last_error(), WSAEFAULT);
    assert_eq!((addr, len), ([0xAA; 28], 15));
    assert_eq!(
        unsafe { accept(l, addr.as_mut_ptr().cast(), ptr::null_mut()) },
        INVALID_SOCKET
    );
    assert_eq!(last_error(), WSAEFAULT);
    len = 28;
    let accepted = unsafe { accept(l, addr.as_mut_ptr().cast(), &mut len) };
    assert_ne!(accepted, INVALID_SOCKET);
    assert_eq!(len, 16);
    assert_eq!(addr[..16], sockaddr(client.local_addr().unwrap())[..]);
    assert_eq!(
        addr[16..],
        [0xAA; 12],
        "nothing past the address is written"
    );
    // Nothing waiting on a non-blocking listener: WSAEWOULDBLOCK, out-parameters untouched.
    let mut len2: i32 = 28;
    let mut addr2 = [0x55u8; 28];
    let mut on = 1u32;
    assert_eq!(unsafe { ioctlsocket(l, FIONBIO, &mut on) }, 0);
    assert_eq!(
        unsafe { accept(l, addr2.as_mut_ptr().cast(), &mut len2) },
        INVALID_SOCKET
    );
    assert_eq!(last_error(), WSAEWOULDBLOCK);
    assert_eq!((addr2, len2), ([0x55; 28], 28));
    let mut off = 0u32;
    assert_eq!(unsafe { ioctlsocket(l, FIONBIO, &mut off) }, 0);
    // NULL addr: no length needed.
    let _second = connected_client(&env.net, "127.0.0.1:4000");
    assert_ne!(
        unsafe { accept(l, ptr::null_mut(), ptr::null_mut()) },
        INVALID_SOCKET
    );
}

fn connected_client(net: &winsock_emu::Network, addr: &str) -> winsock_emu::Socket {
    let client = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    client.connect(addr.parse().unwrap()).unwrap();
    client
}

#[test]
fn connect_through_sys_reports_each_error() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_STREAM, 0);
    let v6 = sockaddr("[::1]:80".parse().unwrap());
    let v4 = sockaddr("127.0.0.1:80".parse().unwrap());
    assert_fails_unchanged(&env.net, WSAEFAULT, || {
        errno(unsafe { connect(s, ptr::null(), 16) })
    });
    assert_fails_unchanged(&env.net, WSAEFAULT, || {
        errno(unsafe { connect(s, v4.as_ptr().cast(), 8) })
    });
    assert_fails_unchanged(&env.net, WSAEAFNOSUPPORT, || {
        errno(unsafe { connect(s, v6.as_ptr().cast(), 28) })
    });
    assert_fails_unchanged(&env.net, WSAECONNREFUSED, || {
        errno(unsafe { connect(s, v4.as_ptr().cast(), 16) })
    });
    assert_fails_unchanged(&env.net, WSAENOTSOCK, || {
        errno(unsafe { connect(0x4321, v4.as_ptr().cast(), 16) })
    });
}

#[test]
fn datagram_connect_and_disconnect() {
    let env = env();
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp.connect("192.0.2.1:53".parse().unwrap()).unwrap();
    udp.connect("192.0.2.2:53".parse().unwrap()).unwrap();
    assert_eq!(udp.peer_addr().unwrap(), "192.0.2.2:53".parse().unwrap());
    udp.connect("0.0.0.0:0".parse().unwrap()).unwrap();
    assert_eq!(udp.peer_addr(), Err(Error::NotConnected));
    assert_eq!(
        udp.connect("192.0.2.1:0".parse().unwrap()),
        Err(Error::AddressNotAvailable)
    );
}
