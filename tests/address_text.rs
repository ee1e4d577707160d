//! The address helpers through `sys`, as ported C calls them: `inet_pton`/`InetPtonW`,
//! `inet_ntop`/`InetNtopW`, `inet_addr`, `inet_ntoa`, `WSAStringToAddressA`/`W`,
//! `WSAAddressToStringA`/`W` and the byte-order functions. Runs under Miri.

mod common;

use std::ffi::c_void;
use std::ptr;

use proptest::prelude::*;
use winsock_emu::sys::*;

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain([0]).collect()
}

fn last_error() -> i32 {
    unsafe { WSAGetLastError() }
}

#[test]
fn byte_order_swaps_and_the_wsa_forms_need_a_socket() {
    let _env = common::env();
    unsafe {
        assert_eq!(htons(0x1234), 0x3412);
        assert_eq!(ntohs(0x3412), 0x1234);
        assert_eq!(htonl(0x1234_5678), 0x7856_3412);
        assert_eq!(ntohl(htonl(0xdead_beef)), 0xdead_beef);
        let s = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
        let mut short = 0u16;
        let mut long = 0u32;
        assert_eq!(WSAHtons(s, 0x1234, &mut short), 0);
        assert_eq!(short, 0x3412);
        assert_eq!(WSANtohs(s, 0x3412, &mut short), 0);
        assert_eq!(short, 0x1234);
        assert_eq!(WSAHtonl(s, 1, &mut long), 0);
        assert_eq!(long, 0x0100_0000);
        assert_eq!(WSANtohl(s, 0x0100_0000, &mut long), 0);
        assert_eq!(long, 1);
        assert_eq!(WSAHtons(s, 1, ptr::null_mut()), SOCKET_ERROR);
        assert_eq!(last_error(), WSAEFAULT);
        assert_eq!(WSAHtonl(0xdead0, 1, &mut long), SOCKET_ERROR);
        assert_eq!(last_error(), WSAENOTSOCK);
        closesocket(s);
    }
}

#[test]
fn rule_inet_pton_results_and_errors() {
    unsafe {
        let mut out = [0xabu8; 16];
        let p = out.as_mut_ptr().cast::<c_void>();
        assert_eq!(inet_pton(AF_INET.into(), c"1.1.1.1".as_ptr().cast(), p), 1);
        assert_eq!(out[..4], [1, 1, 1, 1]);
        WSASetLastError(0);
        assert_eq!(
            inet_pton(AF_INET.into(), c"1.1.1.010".as_ptr().cast(), p),
            0
        );
        assert_eq!(last_error(), 0, "inet_pton leaves the last error alone");
        assert_eq!(
            inet_pton(AF_INET.into(), c"127.127.127.255:123".as_ptr().cast(), p),
            0
        );
        assert_eq!(out[..4], [127, 127, 127, 255], "written although it failed");
        assert_eq!(inet_pton(AF_INET.into(), ptr::null(), p), -1);
        assert_eq!(last_error(), WSAEFAULT);
        assert_eq!(inet_pton(AF_UNSPEC.into(), ptr::null(), p), -1);
        assert_eq!(
            last_error(),
            WSAEFAULT,
            "the string is checked before the family"
        );
        assert_eq!(
            inet_pton(AF_UNSPEC.into(), c"127.0.0.1".as_ptr().cast(), p),
            -1
        );
        assert_eq!(last_error(), WSAEAFNOSUPPORT);
        assert_eq!(
            inet_pton(AF_INET6.into(), c"2001:db8::1".as_ptr().cast(), p),
            1
        );
        assert_eq!(out[..2], [0x20, 0x01]);
        for bad in [c"::%16", c"::/16", c"[::]"] {
            assert_eq!(inet_pton(AF_INET6.into(), bad.as_ptr().cast(), p), 0);
        }
        let text = wide("not an address");
        WSASetLastError(0);
        assert_eq!(InetPtonW(AF_INET.into(), text.as_ptr(), p), 0);
        assert_eq!(last_error(), WSAEINVAL, "InetPtonW sets WSAEINVAL");
        let text = wide("192.0.2.1");
        assert_eq!(InetPtonW(AF_INET.into(), text.as_ptr(), p), 1);
    }
}

#[test]
fn rule_inet_ntop_buffer_sizes() {
    unsafe {
        let addr = [21u8, 16, 32, 32];
        let mut buf = [0u8; 46];
        let got = inet_ntop(AF_INET.into(), addr.as_ptr().cast(), buf.as_mut_ptr(), 6);
        assert!(got.is_null());
        assert_eq!(last_error(), STATUS_INVALID_PARAMETER_CODE);
        let got = inet_ntop(AF_INET.into(), addr.as_ptr().cast(), buf.as_mut_ptr(), 12);
        assert_eq!(got, buf.as_ptr());
        assert_eq!(&buf[..12], b"21.16.32.32\0");
        let got = inet_ntop(AF_INET.into(), addr.as_ptr().cast(), buf.as_mut_ptr(), 11);
        assert!(got.is_null(), "no room for the NUL");
        let got = inet_ntop(1, addr.as_ptr().cast(), buf.as_mut_ptr(), 46);
        assert!(got.is_null());
        assert_eq!(last_error(), WSAEAFNOSUPPORT);
        let v6 = "::204.152.189.116"
            .parse::<std::net::Ipv6Addr>()
            .unwrap()
            .octets();
        let mut wbuf = [0u16; 46];
        let got = InetNtopW(AF_INET6.into(), v6.as_ptr().cast(), wbuf.as_mut_ptr(), 46);
        assert_eq!(got, wbuf.as_ptr());
        assert_eq!(String::from_utf16_lossy(&wbuf[..17]), "::204.152.189.116");
        assert!(inet_ntop(AF_INET6.into(), v6.as_ptr().cast(), ptr::null_mut(), 46).is_null());
    }
}

/// `STATUS_INVALID_PARAMETER` as the `i32` the last error holds.
const STATUS_INVALID_PARAMETER_CODE: i32 = 0xC000_000D_u32 as i32;

#[test]
fn rule_inet_addr_and_inet_ntoa() {
    unsafe {
        assert_eq!(inet_addr(c"1.2.3.4".as_ptr().cast()), 0x0403_0201);
        assert_eq!(inet_addr(c"".as_ptr().cast()), INADDR_NONE);
        assert_eq!(inet_addr(c" ".as_ptr().cast()), 0);
        WSASetLastError(0);
        assert_eq!(inet_addr(ptr::null()), INADDR_NONE);
        assert_eq!(last_error(), WSAEFAULT);
        let addr = IN_ADDR {
            S_un: IN_ADDR_0 {
                S_addr: 0x0403_0201,
            },
        };
        let text = inet_ntoa(addr);
        assert_eq!(
            std::ffi::CStr::from_ptr(text.cast()).to_str(),
            Ok("1.2.3.4")
        );
        let other = std::thread::spawn(|| {
            let text = inet_ntoa(IN_ADDR {
                S_un: IN_ADDR_0 {
                    S_addr: 0x0102_0304,
                },
            });
            std::ffi::CStr::from_ptr(text.cast())
                .to_str()
                .unwrap()
                .to_owned()
        })
        .join()
        .unwrap();
        assert_eq!(other, "4.3.2.1");
        assert_eq!(
            std::ffi::CStr::from_ptr(text.cast()).to_str(),
            Ok("1.2.3.4"),
            "another thread's call leaves this thread's buffer alone"
        );
    }
}

/// `WSAAddressToStringW` of `addr`, with a buffer of `room` characters.
fn address_to_string(addr: std::net::SocketAddr, room: u32) -> (i32, String, u32) {
    let (raw, len) = sockaddr_bytes(addr);
    let mut buf = vec![0u16; room as usize];
    let mut size = room;
    let rc = unsafe {
        WSAAddressToStringW(
            raw.as_ptr().cast(),
            len,
            ptr::null(),
            buf.as_mut_ptr(),
            &mut size,
        )
    };
    let text = String::from_utf16_lossy(&buf[..(size as usize).min(buf.len()).saturating_sub(1)]);
    (rc, text, size)
}

fn sockaddr_bytes(addr: std::net::SocketAddr) -> ([u8; 28], u32) {
    let mut raw = [0u8; 28];
    match addr {
        std::net::SocketAddr::V4(v4) => {
            raw[..2].copy_from_slice(&AF_INET.to_le_bytes());
            raw[2..4].copy_from_slice(&v4.port().to_be_bytes());
            raw[4..8].copy_from_slice(&v4.ip().octets());
            (raw, 16)
        }
        std::net::SocketAddr::V6(v6) => {
            raw[..2].copy_from_slice(&AF_INET6.to_le_bytes());
            raw[2..4].copy_from_slice(&v6.port().to_be_bytes());
            raw[8..24].copy_from_slice(&v6.ip().octets());
            raw[24..28].copy_from_slice(&v6.scope_id().to_le_bytes());
            (raw, 28)
        }
    }
}

#[test]
fn rule_wsaaddresstostring_lengths_ports_scopes() {
    let _env = common::env();
    let (rc, _, size) = address_to_string("0.0.0.0:0".parse().unwrap(), 0);
    assert_eq!((rc, size, last_error()), (SOCKET_ERROR, 8, WSAEFAULT));
    let (rc, text, size) = address_to_string("0.0.0.0:65535".parse().unwrap(), 64);
    assert_eq!((rc, text.as_str(), size), (0, "0.0.0.0:65535", 14));
    let (_, text, _) = address_to_string("[20ab::2001%4660]:33274".parse().unwrap(), 64);
    assert_eq!(text, "[20ab::2001%4660]:33274");
    let (_, text, _) = address_to_string("[20ab::2001%4660]:0".parse().unwrap(), 64);
    assert_eq!(text, "20ab::2001%4660");
    let mut size = 64u32;
    let mut buf = [0u8; 64];
    let (raw, _) = sockaddr_bytes("192.0.2.1:80".parse().unwrap());
    let rc = unsafe {
        WSAAddressToStringA(
            raw.as_ptr().cast(),
            15,
            ptr::null(),
            buf.as_mut_ptr(),
            &mut size,
        )
    };
    assert_eq!(
        (rc, last_error()),
        (SOCKET_ERROR, WSAEFAULT),
        "a short address"
    );
    let rc = unsafe {
        WSAAddressToStringA(
            raw.as_ptr().cast(),
            16,
            ptr::null(),
            buf.as_mut_ptr(),
            &mut size,
        )
    };
    assert_eq!((rc, &buf[..13], size), (0, &b"192.0.2.1:80\0"[..], 13));
}

#[test]
fn rule_wsastringtoaddress_lengths_and_errors() {
    let _env = common::env();
    let mut storage = [0xabu8; 28];
    let mut len = 0i32;
    let text = wide("127.0.0.1:80");
    let rc = unsafe {
        WSAStringToAddressW(
            text.as_ptr(),
            AF_INET.into(),
            ptr::null(),
            storage.as_mut_ptr().cast(),
            &mut len,
        )
    };
    assert_eq!((rc, last_error(), len), (SOCKET_ERROR, WSAEFAULT, 16));
    let rc = unsafe {
        WSAStringToAddressW(
            text.as_ptr(),
            AF_INET.into(),
            ptr::null(),
            storage.as_mut_ptr().cast(),
            &mut len,
        )
    };
    assert_eq!((rc, len), (0, 16));
    assert_eq!(storage[..8], [2, 0, 0, 80, 127, 0, 0, 1]);
    let bad = wide(" 127.0.0.1");
    len = 28;
    let rc = unsafe {
        WSAStringToAddressW(
            bad.as_ptr(),
            AF_INET.into(),
            ptr::null(),
            storage.as_mut_ptr().cast(),
            &mut len,
        )
    };
    assert_eq!((rc, last_error(), len), (SOCKET_ERROR, WSAEINVAL, 28));
    assert_eq!(storage[..2], [0, 0], "the family reads 0 after a failure");
    let v6 = c"[fe80::1%4]:443";
    let rc = unsafe {
        WSAStringToAddressA(
            v6.as_ptr().cast(),
            AF_INET6.into(),
            ptr::null(),
            storage.as_mut_ptr().cast(),
            &mut len,
        )
    };
    assert_eq!((rc, len), (0, 28));
    assert_eq!(u32::from_le_bytes(storage[24..28].try_into().unwrap()), 4);
    let rc = unsafe {
        WSAStringToAddressA(
            v6.as_ptr().cast(),
            AF_INET6.into(),
            ptr::null(),
            storage.as_mut_ptr().cast(),
            ptr::null_mut(),
        )
    };
    assert_eq!((rc, last_error()), (SOCKET_ERROR, WSAEFAULT));
    let rc = unsafe {
        WSAStringToAddressA(
            v6.as_ptr().cast(),
            99,
            ptr::null(),
            storage.as_mut_ptr().cast(),
            &mut len,
        )
    };
    assert_eq!((rc, last_error()), (SOCKET_ERROR, WSAEINVAL));
}

#[test]
fn the_provider_functions_need_startup() {
    let net = winsock_emu::Network::new();
    let _enter = net.enter();
    let mut storage = [0u8; 28];
    let mut len = 28i32;
    let text = wide("127.0.0.1");
    let rc = unsafe {
        WSAStringToAddressW(
            text.as_ptr(),
            AF_INET.into(),
            ptr::null(),
            storage.as_mut_ptr().cast(),
            &mut len,
        )
    };
    assert_eq!((rc, last_error()), (SOCKET_ERROR, WSANOTINITIALISED));
    let mut out = [0u8; 4];
    assert_eq!(
        unsafe {
            inet_pton(
                AF_INET.into(),
                c"127.0.0.1".as_ptr().cast(),
                out.as_mut_ptr().cast(),
            )
        },
        1,
        "inet_pton needs no WSAStartup"
    );
}

proptest! {
    // Under Miri: few cases, and no failure file (Miri isolates the file system).
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 4 } else { 256 },
        failure_persistence: if cfg!(miri) { None } else { ProptestConfig::default().failure_persistence },
        ..ProptestConfig::default()
    })]

    /// What `WSAAddressToStringW` writes, `WSAStringToAddressW` reads back to the same
    /// address (the flow label, which is never printed, aside).
    #[test]
    fn formatting_then_parsing_round_trips(v4 in any::<[u8; 4]>(), v6 in any::<[u8; 16]>(), port in any::<u16>(), scope in any::<u32>(), ipv6 in any::<bool>()) {
        let _env = common::env();
        let addr: std::net::SocketAddr = if ipv6 {
            std::net::SocketAddrV6::new(v6.into(), port, 0, scope).into()
        } else {
            (std::net::Ipv4Addr::from(v4), port).into()
        };
        let (rc, text, _) = address_to_string(addr, 80);
        prop_assert_eq!(rc, 0);
        let text = wide(&text);
        let mut storage = [0u8; 28];
        let mut len = 28i32;
        let family = if ipv6 { AF_INET6 } else { AF_INET };
        let rc = unsafe { WSAStringToAddressW(text.as_ptr(), family.into(), ptr::null(), storage.as_mut_ptr().cast(), &mut len) };
        prop_assert_eq!(rc, 0);
        let (expected, used) = sockaddr_bytes(addr);
        prop_assert_eq!(&storage[..used as usize], &expected[..used as usize]);
        // And inet_ntop's text is what inet_pton reads.
        let mut buf = [0u8; 65];
        let bytes: Vec<u8> = if ipv6 { v6.to_vec() } else { v4.to_vec() };
        let got = unsafe { inet_ntop(family.into(), bytes.as_ptr().cast(), buf.as_mut_ptr(), buf.len()) };
        prop_assert!(!got.is_null());
        let mut back = [0u8; 16];
        prop_assert_eq!(unsafe { inet_pton(family.into(), buf.as_ptr(), back.as_mut_ptr().cast()) }, 1);
        prop_assert_eq!(&back[..bytes.len()], &bytes[..]);
    }
}
