//! IPv4 multicast groups (docs/rules.md P9, docs/choices.md#multicast-delivery): a datagram
//! to a group reaches every member bound to its port, through `sys` and the safe API.

mod common;

use std::net::{Ipv4Addr, SocketAddr};

use common::options::{set_bytes, set_int};
use common::{env, raw_socket, sockaddr};
use winsock_emu::sys::*;
use winsock_emu::{Domain, Error, Type};

const GROUP: Ipv4Addr = Ipv4Addr::new(239, 255, 0, 1);

/// An `ip_mreq` for `group` on any interface.
fn mreq(group: Ipv4Addr) -> [u8; 8] {
    let mut raw = [0u8; 8];
    raw[..4].copy_from_slice(&group.octets());
    raw
}

/// A non-blocking UDP socket bound to `at` (wildcard or group address, port `port`).
fn member(ip: &str, port: u16, join: bool) -> SOCKET {
    let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
    let at = sockaddr(SocketAddr::new(ip.parse().unwrap(), port));
    assert_eq!(
        unsafe { bind(s, at.as_ptr().cast(), 16) },
        0,
        "{}",
        common::last_error()
    );
    if join {
        let m = mreq(GROUP);
        assert_eq!(set_bytes(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, 8), Ok(()));
    }
    s
}

/// What `recvfrom(s)` gives: the bytes and the sender, or the code.
fn received(s: SOCKET) -> Result<(Vec<u8>, u16), i32> {
    // Non-blocking, so a socket that got nothing answers WSAEWOULDBLOCK at once.
    let mut on = 1u32;
    assert_eq!(unsafe { ioctlsocket(s, FIONBIO, &mut on) }, 0);
    let mut buf = [0u8; 64];
    let mut from = [0u8; 128];
    let mut fromlen = 128;
    let rc = unsafe {
        recvfrom(
            s,
            buf.as_mut_ptr(),
            64,
            0,
            from.as_mut_ptr().cast(),
            &mut fromlen,
        )
    };
    if rc == SOCKET_ERROR {
        return Err(common::last_error());
    }
    Ok((
        buf[..rc as usize].to_vec(),
        u16::from_be_bytes([from[2], from[3]]),
    ))
}

#[test]
fn group_datagrams_reach_every_member_and_only_members() {
    let _env = env();
    // Several sockets on one port: SO_REUSEADDR on each, as multicast receivers set it.
    let bound = |ip: &str, join: bool| {
        let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
        assert_eq!(set_int(s, SOL_SOCKET, SO_REUSEADDR, 1), Ok(()));
        let at = sockaddr(SocketAddr::new(ip.parse().unwrap(), 5353));
        assert_eq!(unsafe { bind(s, at.as_ptr().cast(), 16) }, 0);
        if join {
            assert_eq!(
                set_bytes(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq(GROUP), 8),
                Ok(())
            );
        }
        s
    };
    let a = bound("0.0.0.0", true);
    let b = bound("239.255.0.1", true);
    let outsider = bound("0.0.0.0", false);
    let quiet = bound("0.0.0.0", true);
    assert_eq!(set_int(quiet, IPPROTO_IP, IP_MULTICAST_LOOP, 0), Ok(()));
    let other_port = member("0.0.0.0", 5354, true);

    let sender = raw_socket(AF_INET, SOCK_DGRAM, 0);
    let to = sockaddr(SocketAddr::new(GROUP.into(), 5353));
    assert_eq!(
        unsafe { sendto(sender, b"hi".as_ptr(), 2, 0, to.as_ptr().cast(), 16) },
        2
    );
    let mut name = [0u8; 128];
    let mut len = 128;
    assert_eq!(
        unsafe { getsockname(sender, name.as_mut_ptr().cast(), &mut len) },
        0
    );
    let sender_port = u16::from_be_bytes([name[2], name[3]]);
    for s in [a, b] {
        assert_eq!(received(s), Ok((b"hi".to_vec(), sender_port)));
    }
    for s in [outsider, quiet, other_port] {
        assert_eq!(received(s), Err(WSAEWOULDBLOCK));
    }
    // Nobody joined a group: no error, and no port-unreachable notice for the sender.
    let nobody = sockaddr(SocketAddr::new(Ipv4Addr::new(239, 9, 9, 9).into(), 5353));
    assert_eq!(
        unsafe { sendto(sender, b"x".as_ptr(), 1, 0, nobody.as_ptr().cast(), 16) },
        1
    );
    assert_eq!(received(sender), Err(WSAEWOULDBLOCK));
    // Leaving the group stops it.
    assert_eq!(
        set_bytes(a, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreq(GROUP), 8),
        Ok(())
    );
    assert_eq!(
        unsafe { sendto(sender, b"2".as_ptr(), 1, 0, to.as_ptr().cast(), 16) },
        1
    );
    assert_eq!(received(a), Err(WSAEWOULDBLOCK));
    assert_eq!(received(b).map(|(bytes, _)| bytes), Ok(b"2".to_vec()));
}

#[test]
fn choice_multicast_delivery_membership_errors() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
    assert_eq!(
        set_bytes(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq(GROUP), 8),
        Ok(())
    );
    assert_eq!(
        set_bytes(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq(GROUP), 8),
        Err(WSAEADDRINUSE)
    );
    let unicast = mreq(Ipv4Addr::new(10, 0, 0, 1));
    assert_eq!(
        set_bytes(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &unicast, 8),
        Err(WSAEINVAL)
    );
    assert_eq!(
        set_bytes(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq(GROUP), 7),
        Err(WSAEFAULT)
    );
    let other = mreq(Ipv4Addr::new(239, 0, 0, 9));
    assert_eq!(
        set_bytes(s, IPPROTO_IP, IP_DROP_MEMBERSHIP, &other, 8),
        Err(WSAEADDRNOTAVAIL)
    );
    let tcp = raw_socket(AF_INET, SOCK_STREAM, 0);
    assert_eq!(
        set_bytes(tcp, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq(GROUP), 8),
        Err(WSAEINVAL)
    );
    let mut buf = [0u8; 8];
    let mut len = 8;
    let rc = unsafe { getsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, buf.as_mut_ptr(), &mut len) };
    assert_eq!((rc, common::last_error()), (SOCKET_ERROR, WSAENOPROTOOPT));
    // The safe API, and a connected member only hears its peer.
    let safe = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let port = safe.bind("0.0.0.0:0".parse().unwrap()).unwrap().port();
    safe.join_multicast_v4(&GROUP, &Ipv4Addr::UNSPECIFIED)
        .unwrap();
    assert_eq!(
        safe.join_multicast_v4(&GROUP, &Ipv4Addr::UNSPECIFIED),
        Err(Error::AddressInUse)
    );
    safe.connect("192.0.2.1:9".parse().unwrap()).unwrap();
    let sender = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    sender.send_to(b"x", (GROUP, port).into()).unwrap();
    safe.set_nonblocking(true).unwrap();
    assert_eq!(safe.recv(&mut [0; 4]), Err(Error::WouldBlock));
}
