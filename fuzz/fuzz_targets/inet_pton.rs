//! `inet_pton` and `InetPtonW`: arbitrary text, any family, exact-size output buffers.
//! Every answer is 1, 0 or -1 with a documented code; an address parsed formats back
//! (`inet_ntop`) to text that parses to the same bytes.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;

#[derive(Debug, Arbitrary)]
struct Input {
    family_selector: u8,
    raw_family: i32,
    wide: bool,
    null: bool,
    text: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let family = match input.family_selector % 4 {
        0 => i32::from(AF_INET),
        1 => i32::from(AF_INET6),
        2 => i32::from(AF_UNSPEC),
        _ => input.raw_family,
    };
    let mut text: Vec<u8> = input.text.iter().copied().filter(|&b| b != 0).collect();
    text.push(0);
    let wide: Vec<u16> = String::from_utf8_lossy(&text).encode_utf16().collect();
    let size = if family == i32::from(AF_INET) { 4 } else { 16 };
    let mut out = vec![0u8; size];
    let rc = unsafe {
        match (input.null, input.wide) {
            (true, _) => inet_pton(family, std::ptr::null(), out.as_mut_ptr().cast()),
            (false, false) => inet_pton(family, text.as_ptr(), out.as_mut_ptr().cast()),
            (false, true) => InetPtonW(family, wide.as_ptr(), out.as_mut_ptr().cast()),
        }
    };
    match rc {
        1 => {
            let mut printed = [0u8; 65];
            let got = unsafe {
                inet_ntop(
                    family,
                    out.as_ptr().cast(),
                    printed.as_mut_ptr(),
                    printed.len(),
                )
            };
            assert!(!got.is_null(), "a parsed address formats");
            let mut back = vec![0u8; size];
            assert_eq!(
                unsafe { inet_pton(family, printed.as_ptr(), back.as_mut_ptr().cast()) },
                1
            );
            assert_eq!(back, out, "format then parse gives the same address");
        }
        0 => {}
        -1 => {
            let code = unsafe { WSAGetLastError() };
            assert!(
                code == WSAEFAULT || code == WSAEAFNOSUPPORT,
                "undocumented code {code}"
            );
        }
        other => panic!("inet_pton returned {other}"),
    }
});
