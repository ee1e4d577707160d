//! The resolver through `sys`: `getaddrinfo`/`GetAddrInfoW` and their lists,
//! `freeaddrinfo` misuse under strict mode, `getnameinfo`, `gethostbyname`,
//! `gethostbyaddr`, `gethostname`, `WSAConnectByNameW`, and the resolution faults.
//! Runs under Miri.

mod common;

use std::ffi::CStr;
use std::net::{IpAddr, SocketAddr};
use std::ptr;

use winsock_emu::sys::*;
use winsock_emu::testing::{Call, Fault, ADDRINFO_FREED_TWICE, ADDRINFO_NOT_FREED};
use winsock_emu::{Domain, Error, Network, Type};

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain([0]).collect()
}

/// The addresses of a list, in order.
unsafe fn addrs_of(mut node: *const ADDRINFOA) -> Vec<SocketAddr> {
    let mut out = Vec::new();
    while !node.is_null() {
        let raw = std::slice::from_raw_parts((*node).ai_addr.cast::<u8>(), (*node).ai_addrlen);
        let port = u16::from_be_bytes([raw[2], raw[3]]);
        let addr = if (*node).ai_family == i32::from(AF_INET) {
            SocketAddr::new(IpAddr::from([raw[4], raw[5], raw[6], raw[7]]), port)
        } else {
            let octets: [u8; 16] = raw[8..24].try_into().unwrap();
            SocketAddr::new(IpAddr::from(octets), port)
        };
        out.push(addr);
        node = (*node).ai_next;
    }
    out
}

/// `getaddrinfo(node, service, hints)`: the code and the list's addresses (the list freed).
fn lookup(
    node: Option<&CStr>,
    service: Option<&CStr>,
    hints: Option<ADDRINFOA>,
) -> (i32, Vec<SocketAddr>) {
    let mut list: *mut ADDRINFOA = ptr::dangling_mut();
    unsafe {
        let rc = getaddrinfo(
            node.map_or(ptr::null(), |n| n.as_ptr().cast()),
            service.map_or(ptr::null(), |s| s.as_ptr().cast()),
            hints
                .as_ref()
                .map_or(ptr::null(), |h| h as *const ADDRINFOA),
            &mut list,
        );
        if rc != 0 {
            assert!(list.is_null(), "*ppResult is NULL on failure");
            assert_eq!(WSAGetLastError(), rc, "the code is also the last error");
            return (rc, Vec::new());
        }
        assert_eq!(WSAGetLastError(), 0, "success sets the last error to 0");
        let addrs = addrs_of(list);
        freeaddrinfo(list);
        (rc, addrs)
    }
}

fn hints(flags: u32, family: u16, socktype: i32) -> Option<ADDRINFOA> {
    Some(ADDRINFOA {
        ai_flags: flags as i32,
        ai_family: family.into(),
        ai_socktype: socktype,
        ..Default::default()
    })
}

#[test]
fn rule_getaddrinfo_codes() {
    let env = common::env();
    env.net
        .add_host("server.contoso.com", [ip("192.0.2.10"), ip("2001:db8::10")]);
    assert_eq!(lookup(None, None, None).0, WSAHOST_NOT_FOUND);
    assert_eq!(
        lookup(Some(c"nowhere.contoso.com"), None, None).0,
        WSAHOST_NOT_FOUND
    );
    assert_eq!(
        lookup(Some(c"localhost"), Some(c"nonexistentservice"), None).0,
        WSATYPE_NOT_FOUND
    );
    assert_eq!(
        lookup(Some(c"localhost"), None, hints(0, 99, 0)).0,
        WSAEAFNOSUPPORT
    );
    assert_eq!(
        lookup(Some(c"localhost"), None, hints(0, AF_UNSPEC, 999)).0,
        WSAESOCKTNOSUPPORT
    );
    assert_eq!(
        lookup(
            Some(c"localhost"),
            None,
            hints(AI_NUMERICHOST, AF_UNSPEC, 0)
        )
        .0,
        WSAHOST_NOT_FOUND
    );
    assert_eq!(
        lookup(None, Some(c"80"), hints(AI_CANONNAME, AF_UNSPEC, 0)).0,
        WSANO_RECOVERY
    );
    assert_eq!(
        lookup(Some(c"localhost"), None, hints(AI_ADDRCONFIG, AF_UNSPEC, 0)).0,
        0
    );
    assert_eq!(
        lookup(Some(c"localhost"), None, hints(0x0800_0000, AF_UNSPEC, 0)).0,
        WSAEINVAL,
        "an unknown flag"
    );
    let mut tail = hints(0, AF_UNSPEC, 0).unwrap();
    tail.ai_addrlen = 16;
    assert_eq!(
        lookup(Some(c"localhost"), None, Some(tail)).0,
        WSANO_RECOVERY
    );
    let (rc, addrs) = lookup(
        Some(c"server.contoso.com"),
        Some(c"http"),
        hints(0, AF_INET, SOCK_STREAM),
    );
    assert_eq!((rc, addrs), (0, vec!["192.0.2.10:80".parse().unwrap()]));
    let (_, addrs) = lookup(Some(c"server.contoso.com"), Some(c"27015"), None);
    assert_eq!(addrs.len(), 2, "both families, in the declared order");
    let (_, addrs) = lookup(
        None,
        Some(c"27015"),
        hints(AI_PASSIVE, AF_INET, SOCK_STREAM),
    );
    assert_eq!(addrs, ["0.0.0.0:27015".parse().unwrap()]);
    let (_, addrs) = lookup(Some(c"localhost"), Some(c"0"), None);
    assert_eq!(
        addrs,
        ["[::1]:0".parse().unwrap(), "127.0.0.1:0".parse().unwrap()]
    );
    let (_, addrs) = lookup(
        Some(c"[beef::cafe]:10239"),
        None,
        hints(AI_NUMERICHOST, AF_UNSPEC, 0),
    );
    assert_eq!(addrs, ["[beef::cafe]:0".parse().unwrap()]);
    env.net.add_host("v4only.contoso.com", [ip("192.0.2.20")]);
    assert_eq!(
        lookup(Some(c"v4only.contoso.com"), None, hints(0, AF_INET6, 0)).0,
        WSANO_DATA
    );
}

#[test]
fn getaddrinfo_nodes_echo_the_hints_and_hold_the_canonical_name() {
    let env = common::env();
    env.net.add_host("Server.Contoso.com", [ip("192.0.2.10")]);
    unsafe {
        let hints = hints(AI_CANONNAME, AF_INET, SOCK_DGRAM).unwrap();
        let node = wide("server.contoso.com");
        let hints_w = ADDRINFOW {
            ai_flags: hints.ai_flags,
            ai_family: hints.ai_family,
            ai_socktype: SOCK_DGRAM,
            ai_protocol: 999,
            ..Default::default()
        };
        let mut list: *mut ADDRINFOW = ptr::null_mut();
        assert_eq!(
            GetAddrInfoW(node.as_ptr(), ptr::null(), &hints_w, &mut list),
            0
        );
        let first = *list;
        assert_eq!(
            (
                first.ai_flags,
                first.ai_socktype,
                first.ai_protocol,
                first.ai_addrlen
            ),
            (0, SOCK_DGRAM, 999, 16)
        );
        let mut len = 0;
        while *first.ai_canonname.add(len) != 0 {
            len += 1;
        }
        let name = String::from_utf16(std::slice::from_raw_parts(first.ai_canonname, len)).unwrap();
        assert_eq!(name, "Server.Contoso.com");
        assert!(first.ai_next.is_null());
        FreeAddrInfoW(list);
    }
}

#[test]
fn strict_mode_reports_lists_freed_twice_or_never() {
    let env = common::env();
    let strict = env.net.strict();
    unsafe {
        let mut list: *mut ADDRINFOA = ptr::null_mut();
        assert_eq!(
            getaddrinfo(
                c"localhost".as_ptr().cast(),
                ptr::null(),
                ptr::null(),
                &mut list
            ),
            0
        );
        let second = (*list).ai_next;
        freeaddrinfo(list);
        freeaddrinfo(list); // a second free: recorded and ignored
        freeaddrinfo(second); // a node of a freed list
        freeaddrinfo(ptr::null()); // NULL does nothing
        let mut kept: *mut ADDRINFOA = ptr::null_mut();
        assert_eq!(
            getaddrinfo(
                c"localhost".as_ptr().cast(),
                ptr::null(),
                ptr::null(),
                &mut kept
            ),
            0
        );
        let mut wide_list: *mut ADDRINFOW = ptr::null_mut();
        let node = wide("localhost");
        assert_eq!(
            GetAddrInfoW(node.as_ptr(), ptr::null(), ptr::null(), &mut wide_list),
            0
        );
        freeaddrinfo(wide_list.cast()); // the wrong function: ignored
        FreeAddrInfoW(wide_list);
        let reports = strict.reports();
        let rules: Vec<&str> = reports.iter().map(|r| r.rule.id).collect();
        assert_eq!(
            rules,
            [
                ADDRINFO_FREED_TWICE.id,
                ADDRINFO_FREED_TWICE.id,
                ADDRINFO_FREED_TWICE.id,
                ADDRINFO_NOT_FREED.id
            ],
            "{reports:#?}"
        );
        freeaddrinfo(kept);
        env.net.take_strict_reports();
    }
    drop(strict);
}

#[test]
fn rule_getnameinfo_flags_and_buffers() {
    let env = common::env();
    env.net.add_host("server.contoso.com", [ip("192.0.2.10")]);
    let (raw, len) = sockaddr("192.0.2.10:80");
    let mut host = [0u8; 64];
    let mut service = [0u8; 32];
    let call = |flags: u32, host: &mut [u8], service: &mut [u8]| unsafe {
        getnameinfo(
            raw.as_ptr().cast(),
            len,
            host.as_mut_ptr(),
            host.len() as u32,
            service.as_mut_ptr(),
            service.len() as u32,
            flags as i32,
        )
    };
    assert_eq!(call(0, &mut host, &mut service), 0);
    assert_eq!(text(&host), "server.contoso.com");
    assert_eq!(text(&service), "http");
    assert_eq!(call(NI_NOFQDN | NI_NUMERICSERV, &mut host, &mut service), 0);
    assert_eq!(
        (text(&host), text(&service)),
        ("server".into(), "80".into())
    );
    assert_eq!(call(NI_NUMERICHOST, &mut host, &mut service), 0);
    assert_eq!(text(&host), "192.0.2.10");
    assert_eq!(
        call(0, &mut host[..5], &mut service),
        WSAEFAULT,
        "too small for the name"
    );
    let (unknown, len) = sockaddr("192.0.2.99:27015");
    let rc = unsafe {
        getnameinfo(
            unknown.as_ptr().cast(),
            len,
            host.as_mut_ptr(),
            64,
            ptr::null_mut(),
            0,
            NI_NAMEREQD as i32,
        )
    };
    assert_eq!(rc, WSAHOST_NOT_FOUND);
    let rc = unsafe {
        getnameinfo(
            unknown.as_ptr().cast(),
            len,
            ptr::null_mut(),
            0,
            ptr::null_mut(),
            0,
            0,
        )
    };
    assert_eq!(rc, WSAHOST_NOT_FOUND, "both buffers NULL");
    let rc = unsafe {
        getnameinfo(
            unknown.as_ptr().cast(),
            len,
            host.as_mut_ptr(),
            0,
            ptr::null_mut(),
            0,
            0,
        )
    };
    assert_eq!(rc, WSAEINVAL, "a host buffer of size 0");
    let rc = unsafe {
        getnameinfo(
            unknown.as_ptr().cast(),
            15,
            host.as_mut_ptr(),
            64,
            ptr::null_mut(),
            0,
            0,
        )
    };
    assert_eq!(rc, WSAEFAULT, "a length under sockaddr_in");
    let mut wide_host = [0u16; 64];
    let rc = unsafe {
        GetNameInfoW(
            unknown.as_ptr().cast(),
            len,
            wide_host.as_mut_ptr(),
            64,
            ptr::null_mut(),
            0,
            0,
        )
    };
    assert_eq!(rc, 0);
    assert_eq!(String::from_utf16_lossy(&wide_host[..10]), "192.0.2.99");
}

fn text(buf: &[u8]) -> String {
    CStr::from_bytes_until_nul(buf)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

fn sockaddr(text: &str) -> ([u8; 16], i32) {
    let addr: std::net::SocketAddrV4 = text.parse().unwrap();
    let mut raw = [0u8; 16];
    raw[..2].copy_from_slice(&AF_INET.to_le_bytes());
    raw[2..4].copy_from_slice(&addr.port().to_be_bytes());
    raw[4..8].copy_from_slice(&addr.ip().octets());
    (raw, 16)
}

#[test]
fn rule_gethostname_lengths() {
    let env = common::env();
    env.net.set_machine_name("client01");
    let mut buf = [0xabu8; 16];
    unsafe {
        assert_eq!(gethostname(buf.as_mut_ptr(), 8), SOCKET_ERROR);
        assert_eq!(WSAGetLastError(), WSAEFAULT);
        assert_eq!(buf[0], 0xab, "untouched");
        assert_eq!(gethostname(buf.as_mut_ptr(), 9), 0);
        assert_eq!(text(&buf), "client01");
        assert_eq!(gethostname(ptr::null_mut(), 256), SOCKET_ERROR);
        let mut wbuf = [0u16; 9];
        assert_eq!(GetHostNameW(wbuf.as_mut_ptr(), 9), 0);
        assert_eq!(String::from_utf16_lossy(&wbuf[..8]), "client01");
    }
}

#[test]
fn gethostbyname_and_gethostbyaddr_share_one_hostent_per_thread() {
    let env = common::env();
    env.net
        .add_host("server.contoso.com", [ip("192.0.2.10"), ip("192.0.2.11")]);
    unsafe {
        let host = gethostbyname(c"server.contoso.com".as_ptr().cast());
        assert!(!host.is_null());
        assert_eq!(
            CStr::from_ptr((*host).h_name.cast()).to_str(),
            Ok("server.contoso.com")
        );
        assert_eq!(((*host).h_addrtype, (*host).h_length), (AF_INET as i16, 4));
        let first = *(*host).h_addr_list;
        assert_eq!(
            std::slice::from_raw_parts(first.cast::<u8>(), 4),
            [192, 0, 2, 10]
        );
        assert!(!(*(*host).h_addr_list.add(1)).is_null());
        assert!((*(*host).h_addr_list.add(2)).is_null());
        assert!((*(*host).h_aliases).is_null());
        let addr = [192u8, 0, 2, 11];
        let back = gethostbyaddr(addr.as_ptr(), 4, AF_INET.into());
        assert!(!back.is_null());
        assert_eq!(
            CStr::from_ptr((*back).h_name.cast()).to_str(),
            Ok("server.contoso.com")
        );
        assert!(gethostbyname(c"nowhere.contoso.com".as_ptr().cast()).is_null());
        assert_eq!(WSAGetLastError(), WSAHOST_NOT_FOUND);
        assert!(gethostbyaddr(addr.as_ptr(), 3, AF_INET.into()).is_null());
        assert_eq!(WSAGetLastError(), WSAEFAULT);
        let numeric = gethostbyname(c"192.0.2.77".as_ptr().cast());
        assert_eq!(
            std::slice::from_raw_parts((*(*numeric).h_addr_list).cast::<u8>(), 4),
            [192, 0, 2, 77]
        );
        let local = gethostbyname(ptr::null());
        assert_eq!(
            CStr::from_ptr((*local).h_name.cast()).to_str(),
            Ok(env.net.machine_name().as_str())
        );
    }
}

#[test]
fn resolution_faults_are_scoped_and_traced() {
    let env = common::env();
    env.net.add_host("server.contoso.com", [ip("192.0.2.10")]);
    env.net.add_host("other.contoso.com", [ip("192.0.2.20")]);
    env.net.start_trace();
    let _temporary = env
        .net
        .inject(Fault::lookup_fails_temporarily("server.contoso.com"));
    assert_eq!(
        lookup(Some(c"other.contoso.com"), None, None).0,
        0,
        "another name is untouched"
    );
    assert_eq!(
        lookup(Some(c"server.contoso.com"), None, None).0,
        WSATRY_AGAIN
    );
    assert_eq!(
        lookup(Some(c"server.contoso.com"), None, None).0,
        0,
        "only once"
    );
    let poison = env
        .net
        .inject(Fault::poison_name("server.contoso.com", ip("203.0.113.66")));
    let (_, addrs) = lookup(Some(c"server.contoso.com"), Some(c"443"), None);
    assert_eq!(addrs, ["203.0.113.66:443".parse().unwrap()]);
    assert!(poison.remove());
    let gone = env.net.inject(Fault::name_not_found("server.contoso.com"));
    assert_eq!(
        env.net.resolve("server.contoso.com"),
        Err(Error::HostNotFound)
    );
    assert_eq!(
        env.net.resolve("server.contoso.com"),
        Err(Error::HostNotFound),
        "until removed"
    );
    gone.remove();
    assert_eq!(
        env.net.resolve("server.contoso.com"),
        Ok(vec![ip("192.0.2.10")])
    );
    let trace = env.net.stop_trace();
    let lookups: Vec<_> = trace.calls(Call::GetAddrInfo).collect();
    assert_eq!(lookups.len(), 7);
    assert_eq!(lookups[1].result, Err(Error::TryAgain));
    assert!(lookups[1].injected && lookups[3].injected && !lookups[2].injected);
    assert_eq!(lookups[3].result.as_deref(), Ok("203.0.113.66:443"));
    assert_eq!(trace.calls(Call::FreeAddrInfo).count(), 3);
}

#[test]
fn wsaconnectbyname_resolves_connects_and_returns_both_addresses() {
    let env = common::env();
    env.net
        .add_host("server.contoso.com", [ip("192.0.2.9"), ip("192.0.2.10")]);
    let server = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    server.bind("192.0.2.10:27015".parse().unwrap()).unwrap();
    server.listen(1).unwrap();
    unsafe {
        let s = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
        let (node, service) = (wide("server.contoso.com"), wide("27015"));
        let mut local = SOCKADDR_STORAGE::default();
        let mut remote = SOCKADDR_STORAGE::default();
        let (mut local_len, mut remote_len) = (128u32, 128u32);
        let timeout = TIMEVAL {
            tv_sec: 5,
            tv_usec: 0,
        };
        let ok = WSAConnectByNameW(
            s,
            node.as_ptr(),
            service.as_ptr(),
            &mut local_len,
            (&raw mut local).cast(),
            &mut remote_len,
            (&raw mut remote).cast(),
            &timeout,
            ptr::null(),
        );
        assert_eq!(ok, TRUE, "the first address refuses, the second accepts");
        assert_eq!((local_len, remote_len), (16, 16));
        let remote = *(&raw const remote).cast::<SOCKADDR_IN>();
        assert_eq!(remote.sin_addr.S_un.S_addr.to_ne_bytes(), [192, 0, 2, 10]);
        assert_eq!(ntohs(remote.sin_port), 27015);
        let again = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
        let none = WSAConnectByNameW(
            again,
            ptr::null(),
            service.as_ptr(),
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null(),
            ptr::null(),
        );
        assert_eq!((none, WSAGetLastError()), (FALSE, WSAEINVAL));
        let nowhere = c"nowhere.contoso.com";
        let rc = WSAConnectByNameA(
            again,
            nowhere.as_ptr().cast(),
            c"80".as_ptr().cast(),
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null(),
            ptr::null(),
        );
        assert_eq!((rc, WSAGetLastError()), (FALSE, WSAHOST_NOT_FOUND));
        let udp = socket(AF_INET.into(), SOCK_DGRAM, IPPROTO_UDP);
        let rc = WSAConnectByNameA(
            udp,
            c"localhost".as_ptr().cast(),
            c"80".as_ptr().cast(),
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null(),
            ptr::null(),
        );
        assert_eq!((rc, WSAGetLastError()), (FALSE, WSAEOPNOTSUPP));
        let mut short = 8u32;
        let rc = WSAConnectByNameA(
            again,
            c"localhost".as_ptr().cast(),
            c"80".as_ptr().cast(),
            &mut short,
            (&raw mut local).cast(),
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null(),
            ptr::null(),
        );
        assert_eq!((rc, WSAGetLastError()), (FALSE, WSAEFAULT));
        for socket in [s, again, udp] {
            closesocket(socket);
        }
    }
}

#[test]
fn threads_resolve_and_free_in_parallel() {
    let net = Network::new();
    let _wsa = net.startup().unwrap();
    net.add_host("server.contoso.com", [ip("192.0.2.10")]);
    let rounds = if cfg!(miri) { 2 } else { 200 };
    let workers: Vec<_> = (0..4)
        .map(|_| {
            net.spawn(move || {
                for _ in 0..rounds {
                    let (rc, addrs) = lookup(Some(c"server.contoso.com"), Some(c"https"), None);
                    assert_eq!((rc, addrs.len()), (0, 1));
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
}
