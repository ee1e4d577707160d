//! `getaddrinfo`/`GetAddrInfoW`: arbitrary node and service strings (or NULL) and hints.
//! The answer is 0 with a well-formed list, or a documented code with `*ppResult` NULL;
//! freeing the list twice is recorded and ignored.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;

#[derive(Debug, Arbitrary)]
struct Input {
    node: Option<Vec<u8>>,
    service: Option<Vec<u8>>,
    hints: Option<(i32, u8, i32, i32, bool)>,
    wide: bool,
}

const CODES: [i32; 9] = [
    WSAHOST_NOT_FOUND,
    WSATYPE_NOT_FOUND,
    WSAEAFNOSUPPORT,
    WSAESOCKTNOSUPPORT,
    WSAEINVAL,
    WSANO_RECOVERY,
    WSANO_DATA,
    WSATRY_AGAIN,
    WSAEFAULT,
];

fn c_string(bytes: &Option<Vec<u8>>) -> Option<Vec<u8>> {
    bytes
        .as_ref()
        .map(|b| b.iter().copied().filter(|&c| c != 0).chain([0]).collect())
}

fn wide(bytes: &Option<Vec<u8>>) -> Option<Vec<u16>> {
    bytes.as_ref().map(|b| {
        String::from_utf8_lossy(b)
            .encode_utf16()
            .filter(|&u| u != 0)
            .chain([0])
            .collect()
    })
}

fuzz_target!(|input: Input| {
    let net = winsock_emu::Network::new();
    let _current = net.enter();
    let _wsa = net.startup().expect("WSAStartup");
    net.add_host(
        "server.contoso.com",
        [
            "192.0.2.10".parse().unwrap(),
            "2001:db8::10".parse().unwrap(),
        ],
    );
    let hints = input
        .hints
        .map(|(flags, family, socktype, protocol, tail)| ADDRINFOA {
            ai_flags: flags,
            ai_family: [0, 2, 23, i32::from(family)][usize::from(family % 4)],
            ai_socktype: socktype,
            ai_protocol: protocol,
            ai_addrlen: usize::from(tail),
            ..Default::default()
        });
    let hints_ptr = hints
        .as_ref()
        .map_or(std::ptr::null(), |h| h as *const ADDRINFOA);
    unsafe {
        if input.wide {
            let (node, service) = (wide(&input.node), wide(&input.service));
            let hints_w = hints.map(|h| ADDRINFOW {
                ai_flags: h.ai_flags,
                ai_family: h.ai_family,
                ai_socktype: h.ai_socktype,
                ai_protocol: h.ai_protocol,
                ai_addrlen: h.ai_addrlen,
                ..Default::default()
            });
            let mut list: *mut ADDRINFOW = std::ptr::null_mut();
            let rc = GetAddrInfoW(
                node.as_ref().map_or(std::ptr::null(), |n| n.as_ptr()),
                service.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
                hints_w
                    .as_ref()
                    .map_or(std::ptr::null(), |h| h as *const ADDRINFOW),
                &mut list,
            );
            assert!(
                rc == 0 || (CODES.contains(&rc) && list.is_null()),
                "code {rc}"
            );
            let mut node = list;
            while !node.is_null() {
                assert!((*node).ai_addrlen == 16 || (*node).ai_addrlen == 28);
                node = (*node).ai_next;
            }
            FreeAddrInfoW(list);
            FreeAddrInfoW(list);
        } else {
            let (node, service) = (c_string(&input.node), c_string(&input.service));
            let mut list: *mut ADDRINFOA = std::ptr::null_mut();
            let rc = getaddrinfo(
                node.as_ref().map_or(std::ptr::null(), |n| n.as_ptr()),
                service.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
                hints_ptr,
                &mut list,
            );
            assert!(
                rc == 0 || (CODES.contains(&rc) && list.is_null()),
                "code {rc}"
            );
            let mut node = list;
            while !node.is_null() {
                let len = (*node).ai_addrlen;
                assert!(len == 16 || len == 28);
                let family = *(*node).ai_addr.cast::<u16>();
                assert_eq!(usize::from(family == AF_INET6) * 12 + 16, len);
                node = (*node).ai_next;
            }
            freeaddrinfo(list);
            freeaddrinfo(list);
        }
    }
});
