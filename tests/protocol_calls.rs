//! The protocol catalogue and database calls (`WSAEnumProtocolsA`/`W`, `WSASocketA`/`W`
//! with a `WSAPROTOCOL_INFO`, `getprotobyname`, `getprotobynumber`), `WSAGetQOSByName`, and
//! the Winsock 1.1 blocking-hook calls, each with its documented rules and codes (and
//! Wine's conformance tests, `dlls/ws2_32/tests/protocol.c`, where the pages are silent).

mod common;

use std::ffi::CStr;
use std::ptr;

use common::*;
use winsock_emu::sys::*;
use winsock_emu::Network;

const INFO_W: u32 = std::mem::size_of::<WSAPROTOCOL_INFOW>() as u32;
const INFO_A: u32 = std::mem::size_of::<WSAPROTOCOL_INFOA>() as u32;

/// `WSAEnumProtocolsW` into a buffer of `room` entries: the result and `*lpdwBufferLength`.
fn enum_w(filter: Option<&[i32]>, room: usize, len: u32) -> (i32, u32, Vec<WSAPROTOCOL_INFOW>) {
    let mut buffer = vec![WSAPROTOCOL_INFOW::default(); room];
    let mut len = len;
    let filter_ptr = filter.map_or(ptr::null(), <[i32]>::as_ptr);
    let buffer_ptr = if room == 0 {
        ptr::null_mut()
    } else {
        buffer.as_mut_ptr()
    };
    let rc = unsafe { WSAEnumProtocolsW(filter_ptr, buffer_ptr, &mut len) };
    (rc, len, buffer)
}

fn wide_name(info: &WSAPROTOCOL_INFOW) -> String {
    String::from_utf16_lossy(
        &info.szProtocol[..info.szProtocol.iter().position(|&u| u == 0).unwrap()],
    )
}

#[test]
fn rule_wsaenobufs_reports_the_length_every_entry_needs() {
    let _env = env();
    let (rc, needed, _) = enum_w(None, 0, 0);
    assert_eq!((rc, last_error()), (SOCKET_ERROR, WSAENOBUFS));
    assert_eq!(needed % INFO_W, 0);
    let count = (needed / INFO_W) as usize;
    assert!(count >= 6, "IPv4 and IPv6 TCP, UDP, raw at least");
    let (rc, len, _) = enum_w(None, count, needed - 1);
    assert_eq!((rc, last_error(), len), (SOCKET_ERROR, WSAENOBUFS, needed));
    let (rc, len, infos) = enum_w(None, count, needed);
    assert_eq!((rc as usize, len), (count, needed));
    for info in &infos {
        assert!(!wide_name(info).is_empty(), "every entry is named");
        assert_eq!(info.dwProviderFlags & PFL_HIDDEN, 0);
        assert_eq!(info.ProtocolChain.ChainLen, 1, "base providers");
        if info.iSocketType == SOCK_STREAM && info.iProtocol == IPPROTO_TCP {
            let tcp = XP1_GUARANTEED_DELIVERY
                | XP1_GUARANTEED_ORDER
                | XP1_GRACEFUL_CLOSE
                | XP1_EXPEDITED_DATA
                | XP1_IFS_HANDLES;
            assert_eq!(info.dwServiceFlags1, tcp);
        }
        if info.iSocketType == SOCK_DGRAM && info.iProtocol == IPPROTO_UDP {
            let udp = XP1_CONNECTIONLESS
                | XP1_MESSAGE_ORIENTED
                | XP1_SUPPORT_BROADCAST
                | XP1_SUPPORT_MULTIPOINT
                | XP1_IFS_HANDLES;
            assert_eq!(info.dwServiceFlags1, udp);
        }
    }
    let ids: std::collections::BTreeSet<u32> = infos.iter().map(|i| i.dwCatalogEntryId).collect();
    assert_eq!(ids.len(), count, "distinct catalogue entry ids");
}

#[test]
fn rule_lpiprotocols_filters_by_protocol_as_wine_records() {
    let _env = env();
    let wanted = [0xdead, IPPROTO_TCP, 0xcafe, IPPROTO_UDP, 0xbeef, 0];
    let (rc, needed, _) = enum_w(Some(&wanted), 0, 0);
    assert_eq!((rc, last_error()), (SOCKET_ERROR, WSAENOBUFS));
    let (rc, _, infos) = enum_w(Some(&wanted), (needed / INFO_W) as usize, needed);
    assert!(rc >= 2);
    assert!(infos
        .iter()
        .all(|info| info.iProtocol == IPPROTO_TCP || info.iProtocol == IPPROTO_UDP));
    // The A form lists the same entries with ANSI names.
    let mut len = 0;
    assert_eq!(
        unsafe { WSAEnumProtocolsA(wanted.as_ptr(), ptr::null_mut(), &mut len) },
        SOCKET_ERROR
    );
    assert_eq!(len / INFO_A, needed / INFO_W);
    let mut ansi = vec![WSAPROTOCOL_INFOA::default(); (len / INFO_A) as usize];
    let rc_a = unsafe { WSAEnumProtocolsA(wanted.as_ptr(), ansi.as_mut_ptr(), &mut len) };
    assert_eq!(rc_a, rc);
    let name = unsafe { CStr::from_ptr(ansi[0].szProtocol.as_ptr()) };
    assert_eq!(name.to_str().unwrap(), wide_name(&infos[0]));
}

#[test]
fn rule_codes_before_startup_and_for_a_null_length() {
    let net = Network::new();
    let _enter = net.enter();
    let mut len = 0;
    let rc = unsafe { WSAEnumProtocolsW(ptr::null(), ptr::null_mut(), &mut len) };
    assert_eq!(
        (rc, last_error(), len),
        (SOCKET_ERROR, WSANOTINITIALISED, 0)
    );
    assert!(unsafe { getprotobynumber(6) }.is_null());
    assert_eq!(last_error(), WSANOTINITIALISED);
    let _startup = net.startup().unwrap();
    let rc = unsafe { WSAEnumProtocolsW(ptr::null(), ptr::null_mut(), ptr::null_mut()) };
    assert_eq!((rc, last_error()), (SOCKET_ERROR, WSAEFAULT));
}

#[test]
fn rule_wsasocket_with_protocol_info_makes_the_triple_s_socket() {
    let env = env();
    let (_, needed, _) = enum_w(None, 0, 0);
    let (_, _, infos) = enum_w(None, (needed / INFO_W) as usize, needed);
    let udp6 = infos
        .iter()
        .find(|i| i.iAddressFamily == i32::from(AF_INET6) && i.iSocketType == SOCK_DGRAM)
        .unwrap();
    let s = unsafe {
        WSASocketW(
            FROM_PROTOCOL_INFO,
            FROM_PROTOCOL_INFO,
            FROM_PROTOCOL_INFO,
            udp6,
            0,
            WSA_FLAG_OVERLAPPED,
        )
    };
    assert_ne!(s, INVALID_SOCKET);
    let info = env.net.snapshot().sockets[0].clone();
    assert_eq!(
        (info.family, info.socket_type, info.protocol),
        (AF_INET6, SOCK_DGRAM, IPPROTO_UDP)
    );
    assert!(info.overlapped);
    // The A form, as sock.c test_WSASocket calls it: the triple decides, not the entry the
    // structure names. The TCP entry with its fields rewritten to UDP makes a datagram
    // socket (0 takes the structure's values); explicit TCP arguments beside that
    // structure make a stream socket; another family makes that family's socket.
    let mut len = 0;
    unsafe { WSAEnumProtocolsA(ptr::null(), ptr::null_mut(), &mut len) };
    let mut ansi = vec![WSAPROTOCOL_INFOA::default(); (len / INFO_A) as usize];
    unsafe { WSAEnumProtocolsA(ptr::null(), ansi.as_mut_ptr(), &mut len) };
    let tcp = ansi[0];
    let mut rewritten = tcp;
    rewritten.iAddressFamily = AF_INET.into();
    rewritten.iSocketType = SOCK_DGRAM;
    rewritten.iProtocol = IPPROTO_UDP;
    for (info, af, ty, protocol, made) in [
        (rewritten, 0, 0, 0, (AF_INET, SOCK_DGRAM, IPPROTO_UDP)),
        (
            rewritten,
            AF_INET.into(),
            SOCK_STREAM,
            IPPROTO_TCP,
            (AF_INET, SOCK_STREAM, IPPROTO_TCP),
        ),
        (
            tcp,
            AF_INET6.into(),
            FROM_PROTOCOL_INFO,
            FROM_PROTOCOL_INFO,
            (AF_INET6, SOCK_STREAM, IPPROTO_TCP),
        ),
    ] {
        let before = env.net.snapshot().sockets.len();
        let s = unsafe { WSASocketA(af, ty, protocol, &info, 0, 0) };
        assert_ne!(s, INVALID_SOCKET, "{made:?}");
        let sockets = env.net.snapshot().sockets;
        assert_eq!(sockets.len(), before + 1);
        let info = sockets.iter().find(|i| i.handle == s).unwrap();
        assert_eq!((info.family, info.socket_type, info.protocol), made);
    }
    // A family of 0 from the structure, as Windows answers it: WSAEAFNOSUPPORT; a triple
    // refused without a structure: the same error; an unknown entry, a duplicated socket's
    // info, a group: WSAEINVAL. Nothing is created.
    let refused = unsafe { WSASocketA(AF_INET.into(), SOCK_DGRAM, IPPROTO_TCP, ptr::null(), 0, 0) };
    let refusal = last_error();
    assert_eq!(refused, INVALID_SOCKET);
    let before = env.net.snapshot();
    let mut zero = tcp;
    zero.iAddressFamily = 0;
    zero.iSocketType = 0;
    zero.iProtocol = 0;
    let mut unknown = tcp;
    unknown.dwCatalogEntryId = 7;
    let mut duplicated = tcp;
    duplicated.dwProviderReserved = 1;
    for (info, af, ty, protocol, error) in [
        (zero, 0, 0, IPPROTO_UDP, WSAEAFNOSUPPORT),
        (tcp, AF_INET.into(), SOCK_DGRAM, FROM_PROTOCOL_INFO, refusal),
        (
            unknown,
            FROM_PROTOCOL_INFO,
            FROM_PROTOCOL_INFO,
            FROM_PROTOCOL_INFO,
            WSAEINVAL,
        ),
        (
            duplicated,
            FROM_PROTOCOL_INFO,
            FROM_PROTOCOL_INFO,
            FROM_PROTOCOL_INFO,
            WSAEINVAL,
        ),
    ] {
        let s = unsafe { WSASocketA(af, ty, protocol, &info, 0, 0) };
        assert_eq!((s, last_error()), (INVALID_SOCKET, error));
    }
    let s = unsafe { WSASocketA(AF_INET.into(), SOCK_STREAM, 0, ptr::null(), 1, 0) };
    assert_eq!((s, last_error()), (INVALID_SOCKET, WSAEINVAL));
    assert_eq!(env.net.snapshot(), before);
}

fn proto(entry: *mut PROTOENT) -> (String, String, i16) {
    assert!(!entry.is_null(), "error {}", last_error());
    unsafe {
        let name = CStr::from_ptr((*entry).p_name.cast())
            .to_str()
            .unwrap()
            .to_owned();
        let alias = *(*entry).p_aliases;
        let alias = CStr::from_ptr(alias).to_str().unwrap().to_owned();
        assert!(
            (*(*entry).p_aliases.add(1)).is_null(),
            "one alias, then NULL"
        );
        (name, alias, (*entry).p_proto)
    }
}

#[test]
fn rule_getprotobyname_matches_names_and_aliases_in_any_case() {
    let _env = env();
    for (name, number) in [
        (&c"tcp", 6),
        (&c"TCP", 6),
        (&c"udp", 17),
        (&c"IPv6-ICMP", 58),
        (&c"ipv6-icmp", 58),
        (&c"RVD", 66),
    ] {
        let (official, _, proto_number) = proto(unsafe { getprotobyname(name.as_ptr().cast()) });
        assert_eq!(proto_number, number, "{name:?}");
        assert_eq!(
            official,
            official.to_lowercase(),
            "p_name is the official name"
        );
    }
    for missing in [c"", c"tcp6", c"a-name-longer-than-any-protocol"] {
        assert!(unsafe { getprotobyname(missing.as_ptr().cast()) }.is_null());
        assert_eq!(last_error(), WSANO_DATA);
    }
    assert!(unsafe { getprotobyname(ptr::null()) }.is_null());
    assert_eq!(last_error(), WSAEFAULT);
}

#[test]
fn rule_getprotobynumber_knows_exactly_the_database_s_numbers() {
    let _env = env();
    let known = [
        0, 1, 3, 6, 8, 12, 17, 20, 22, 27, 41, 43, 44, 50, 51, 58, 59, 60, 66,
    ];
    for number in -1..=256 {
        let entry = unsafe { getprotobynumber(number) };
        if known.contains(&number) {
            assert_eq!(proto(entry).2, number as i16);
        } else {
            assert!(entry.is_null(), "{number}");
            assert_eq!(last_error(), WSANO_DATA);
        }
    }
    assert_eq!(
        proto(unsafe { getprotobynumber(6) }),
        ("tcp".into(), "TCP".into(), 6)
    );
}

#[test]
fn rule_one_protoent_per_thread() {
    let _env = env();
    let first = unsafe { getprotobynumber(6) };
    let answer = proto(first);
    // Another thread's answers never touch this thread's structure.
    let net = _env.net.clone();
    std::thread::scope(|scope| {
        for _ in 0..3 {
            let net = net.clone();
            scope.spawn(move || {
                let _enter = net.enter();
                for round in 0..if cfg!(miri) { 4 } else { 100 } {
                    let number = if round % 2 == 0 { 17 } else { 1 };
                    assert_eq!(proto(unsafe { getprotobynumber(number) }).2, number as i16);
                }
            });
        }
    });
    assert_eq!(proto(first), answer);
    // The thread's next answer replaces it.
    assert_eq!(
        proto(unsafe { getprotobyname(c"udp".as_ptr().cast()) }).2,
        17
    );
}

#[test]
fn rule_wsagetqosbyname_has_no_templates() {
    let _env = env();
    let s = raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    let mut list = [0xAAu8; 8];
    list[0] = 0;
    let mut names = WSABUF {
        len: list.len() as u32,
        buf: list.as_mut_ptr(),
    };
    let mut qos = QOS::default();
    assert_eq!(unsafe { WSAGetQOSByName(s, &names, ptr::null_mut()) }, TRUE);
    assert_eq!(list[..2], [0, 0xAA], "the empty list: one zero-length name");
    let mut named = *b"G711\0";
    names.buf = named.as_mut_ptr();
    names.len = named.len() as u32;
    assert_eq!(unsafe { WSAGetQOSByName(s, &names, &mut qos) }, FALSE);
    assert_eq!(last_error(), WSAEINVAL);
    assert_eq!(
        unsafe { WSAGetQOSByName(s, &names, ptr::null_mut()) },
        FALSE
    );
    assert_eq!(last_error(), WSAEFAULT);
    assert_eq!(unsafe { WSAGetQOSByName(s, ptr::null(), &mut qos) }, FALSE);
    assert_eq!(last_error(), WSAEFAULT);
    let empty = WSABUF {
        len: 0,
        buf: named.as_mut_ptr(),
    };
    assert_eq!(unsafe { WSAGetQOSByName(s, &empty, &mut qos) }, FALSE);
    assert_eq!(last_error(), WSAEFAULT);
    assert_eq!(
        unsafe { WSAGetQOSByName(0x7777_0000, &names, &mut qos) },
        FALSE
    );
    assert_eq!(last_error(), WSAENOTSOCK);
}

unsafe extern "system" fn a_blocking_hook() -> isize {
    panic!("blocking hooks are never called");
}

#[test]
fn rule_winsock_1_1_blocking_hooks_are_removed_in_2_2() {
    let net = Network::new();
    let _enter = net.enter();
    assert_eq!(unsafe { WSACancelBlockingCall() }, SOCKET_ERROR);
    assert_eq!(last_error(), WSANOTINITIALISED);
    assert!(unsafe { WSASetBlockingHook(Some(a_blocking_hook)) }.is_none());
    assert_eq!(last_error(), WSANOTINITIALISED);
    let _startup = net.startup().unwrap();
    assert_eq!(unsafe { WSACancelBlockingCall() }, SOCKET_ERROR);
    assert_eq!(last_error(), WSAEOPNOTSUPP);
    assert!(unsafe { WSASetBlockingHook(Some(a_blocking_hook)) }.is_none());
    assert_eq!(last_error(), WSAEOPNOTSUPP);
    assert_eq!(unsafe { WSAUnhookBlockingHook() }, SOCKET_ERROR);
    assert_eq!(last_error(), WSAEOPNOTSUPP);
    assert_eq!(unsafe { WSAIsBlocking() }, FALSE);
}
