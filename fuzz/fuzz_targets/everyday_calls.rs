//! The everyday functions' raw arguments: `WSASendDisconnect`/`WSARecvDisconnect` with
//! any disconnect data, `WSARecvEx` with any length and a NULL or real flags pointer,
//! `getservbyname`/`getservbyport` with any strings and ports, a synchronous
//! `GetAddrInfoExW` with any namespace, strings, hints and timeout, and
//! `WSAConnectByList` with any list of raw addresses. Each answers success or a
//! documented code, never panics, and reads nothing beyond what it was given.
#![no_main]

use std::ptr;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;

#[derive(Debug, Arbitrary)]
enum Step {
    SendDisconnect {
        stream: bool,
        connected: bool,
        data: Option<Vec<u8>>,
    },
    RecvDisconnect {
        stream: bool,
        connected: bool,
    },
    RecvEx {
        stream: bool,
        len: i32,
        flags: bool,
        queued: Vec<u8>,
    },
    ServiceByName {
        name: Option<Vec<u8>>,
        proto: Option<Vec<u8>>,
    },
    ServiceByPort {
        port: i32,
        proto: Option<Vec<u8>>,
    },
    AddrInfoEx {
        node: Option<String>,
        service: Option<String>,
        namespace: u32,
        hints: Option<(i32, u8, i32, bool)>,
        timeout: Option<(i32, i32)>,
    },
    ConnectByList {
        entries: Vec<(Vec<u8>, i32)>,
        count: i8,
        bound: bool,
    },
}

fn c_string(bytes: &Option<Vec<u8>>) -> Option<Vec<u8>> {
    bytes
        .as_ref()
        .map(|b| b.iter().copied().filter(|&c| c != 0).chain([0]).collect())
}

fn wide(text: &Option<String>) -> Option<Vec<u16>> {
    text.as_ref()
        .map(|t| t.encode_utf16().filter(|&u| u != 0).chain([0]).collect())
}

/// A connected TCP pair on loopback (client, accepted), or an unconnected socket.
unsafe fn sockets(stream: bool, connected: bool) -> (SOCKET, SOCKET) {
    if !stream {
        let udp = socket(AF_INET.into(), SOCK_DGRAM, IPPROTO_UDP);
        let at = SOCKADDR_IN {
            sin_family: AF_INET,
            sin_port: 0,
            sin_addr: IN_ADDR {
                S_un: IN_ADDR_0 {
                    S_addr: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be(),
                },
            },
            sin_zero: [0; 8],
        };
        bind(udp, ptr::addr_of!(at).cast(), 16);
        return (udp, udp);
    }
    let client = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
    if !connected {
        return (client, client);
    }
    let listener = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
    let at = SOCKADDR_IN {
        sin_family: AF_INET,
        sin_port: 27015u16.to_be(),
        sin_addr: IN_ADDR {
            S_un: IN_ADDR_0 {
                S_addr: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be(),
            },
        },
        sin_zero: [0; 8],
    };
    bind(listener, ptr::addr_of!(at).cast(), 16);
    listen(listener, 1);
    connect(client, ptr::addr_of!(at).cast(), 16);
    let accepted = accept(listener, ptr::null_mut(), ptr::null_mut());
    closesocket(listener);
    (client, accepted)
}

fuzz_target!(|steps: Vec<Step>| {
    let net = winsock_emu::Network::new();
    let _current = net.enter();
    let _wsa = net.startup().expect("WSAStartup");
    for step in steps.into_iter().take(8) {
        // SAFETY: every pointer passed is NULL or valid for what it says.
        unsafe {
            match step {
                Step::SendDisconnect {
                    stream,
                    connected,
                    mut data,
                } => {
                    let (s, peer) = sockets(stream, connected);
                    let buf = data.as_mut().map(|d| WSABUF {
                        len: d.len() as u32,
                        buf: d.as_mut_ptr(),
                    });
                    let rc =
                        WSASendDisconnect(s, buf.as_ref().map_or(ptr::null(), |b| b as *const _));
                    let code = WSAGetLastError();
                    assert!(
                        rc == 0 || [WSAENOPROTOOPT, WSAENOTCONN].contains(&code),
                        "{code}"
                    );
                    closesocket(s);
                    closesocket(peer);
                }
                Step::RecvDisconnect { stream, connected } => {
                    let (s, peer) = sockets(stream, connected);
                    let rc = WSARecvDisconnect(s, ptr::null());
                    assert!(rc == 0 || WSAGetLastError() == WSAENOTCONN);
                    closesocket(s);
                    closesocket(peer);
                }
                Step::RecvEx {
                    stream,
                    len,
                    flags,
                    queued,
                } => {
                    let (s, peer) = sockets(stream, true);
                    let mut on = 1u32;
                    ioctlsocket(s, FIONBIO, &mut on);
                    if stream && !queued.is_empty() {
                        send(peer, queued.as_ptr(), queued.len().min(4096) as i32, 0);
                    }
                    let room = usize::try_from(len).unwrap_or(0).min(8192);
                    let mut buf = vec![0u8; room];
                    let mut out = -1;
                    let flags_ptr = if flags {
                        &mut out as *mut i32
                    } else {
                        ptr::null_mut()
                    };
                    let rc = WSARecvEx(s, buf.as_mut_ptr(), len.min(room as i32), flags_ptr);
                    if rc == SOCKET_ERROR {
                        let code = WSAGetLastError();
                        assert!(
                            [WSAEINVAL, WSAEFAULT, WSAEWOULDBLOCK].contains(&code),
                            "{code}"
                        );
                    } else {
                        assert!(rc as usize <= room);
                        assert!(out == 0 || out == MSG_PARTIAL as i32);
                    }
                    closesocket(s);
                    closesocket(peer);
                }
                Step::ServiceByName { name, proto } => {
                    let (name, proto) = (c_string(&name), c_string(&proto));
                    let entry = getservbyname(
                        name.as_ref().map_or(ptr::null(), |n| n.as_ptr()),
                        proto.as_ref().map_or(ptr::null(), |p| p.as_ptr()),
                    );
                    if entry.is_null() {
                        assert!([WSANO_DATA, WSAEFAULT].contains(&WSAGetLastError()));
                    } else {
                        assert!(!(*entry).s_name.is_null() && !(*entry).s_proto.is_null());
                    }
                }
                Step::ServiceByPort { port, proto } => {
                    let proto = c_string(&proto);
                    let entry =
                        getservbyport(port, proto.as_ref().map_or(ptr::null(), |p| p.as_ptr()));
                    if entry.is_null() {
                        assert_eq!(WSAGetLastError(), WSANO_DATA);
                    } else {
                        assert_eq!((*entry).s_port as u16, port as u16);
                    }
                }
                Step::AddrInfoEx {
                    node,
                    service,
                    namespace,
                    hints,
                    timeout,
                } => {
                    let (node, service) = (wide(&node), wide(&service));
                    let hints = hints.map(|(flags, family, socktype, tail)| ADDRINFOEXW {
                        ai_flags: flags,
                        ai_family: [0, 2, 23, i32::from(family)][usize::from(family % 4)],
                        ai_socktype: socktype,
                        ai_addrlen: usize::from(tail),
                        ..Default::default()
                    });
                    let timeout = timeout.map(|(tv_sec, tv_usec)| TIMEVAL { tv_sec, tv_usec });
                    let mut list: *mut ADDRINFOEXW = ptr::null_mut();
                    let rc = GetAddrInfoExW(
                        node.as_ref().map_or(ptr::null(), |n| n.as_ptr()),
                        service.as_ref().map_or(ptr::null(), |s| s.as_ptr()),
                        namespace,
                        ptr::null(),
                        hints.as_ref().map_or(ptr::null(), |h| h as *const _),
                        &mut list,
                        timeout.as_ref().map_or(ptr::null(), |t| t as *const _),
                        ptr::null(),
                        None,
                        ptr::null_mut(),
                    );
                    let codes = [
                        WSAHOST_NOT_FOUND,
                        WSATYPE_NOT_FOUND,
                        WSAEAFNOSUPPORT,
                        WSAESOCKTNOSUPPORT,
                        WSAEINVAL,
                        WSANO_RECOVERY,
                        WSANO_DATA,
                        WSASERVICE_NOT_FOUND,
                    ];
                    assert!(
                        rc == 0 || (codes.contains(&rc) && list.is_null()),
                        "code {rc}"
                    );
                    FreeAddrInfoExW(list);
                    FreeAddrInfoExW(list); // recorded and ignored
                }
                Step::ConnectByList {
                    entries,
                    count,
                    bound,
                } => {
                    let mut raws: Vec<Vec<u64>> = entries
                        .iter()
                        .take(4)
                        .map(|(bytes, _)| {
                            let mut words = vec![0u64; bytes.len().div_ceil(8).max(1)];
                            for (word, chunk) in words.iter_mut().zip(bytes.chunks(8)) {
                                let mut eight = [0u8; 8];
                                eight[..chunk.len()].copy_from_slice(chunk);
                                *word = u64::from_ne_bytes(eight);
                            }
                            words
                        })
                        .collect();
                    let mut storage = vec![SOCKET_ADDRESS::default(); raws.len() + 1];
                    let head = storage.as_mut_ptr().cast::<SOCKET_ADDRESS_LIST>();
                    let first = ptr::addr_of_mut!((*head).Address).cast::<SOCKET_ADDRESS>();
                    for (i, (raw, (bytes, len))) in raws.iter_mut().zip(&entries).enumerate() {
                        first.add(i).write(SOCKET_ADDRESS {
                            lpSockaddr: raw.as_mut_ptr().cast(),
                            iSockaddrLength: (*len).clamp(-1, bytes.len() as i32),
                        });
                    }
                    // A count no larger than the entries laid out (a larger one would lie
                    // about the caller's memory, which no caller may do).
                    let count = i32::from(count).min(raws.len() as i32);
                    ptr::addr_of_mut!((*head).iAddressCount).write(count);
                    let s = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
                    if bound {
                        let any = SOCKADDR_IN {
                            sin_family: AF_INET,
                            ..Default::default()
                        };
                        bind(s, ptr::addr_of!(any).cast(), 16);
                    }
                    let ok = WSAConnectByList(
                        s,
                        head,
                        ptr::null_mut(),
                        ptr::null_mut(),
                        ptr::null_mut(),
                        ptr::null_mut(),
                        ptr::null(),
                        ptr::null(),
                    );
                    if ok == FALSE {
                        let code = WSAGetLastError();
                        let codes = [
                            WSAEINVAL,
                            WSAEFAULT,
                            WSAEAFNOSUPPORT,
                            WSAEHOSTUNREACH,
                            WSAECONNREFUSED,
                            WSAEADDRNOTAVAIL,
                            WSAEISCONN,
                            WSAENETUNREACH,
                            WSAEACCES,
                        ];
                        assert!(codes.contains(&code), "code {code}");
                    }
                    closesocket(s);
                }
            }
        }
    }
});
