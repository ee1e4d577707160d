//! `WSAStringToAddressW`/`A`: arbitrary text, family and length, with an address buffer of
//! exactly the length declared. Success writes 16 or 28 and an address that formats back
//! (`WSAAddressToStringW`) to text that parses to the same address; failure is
//! `WSAEFAULT` or `WSAEINVAL`.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;

#[derive(Debug, Arbitrary)]
struct Input {
    family_selector: u8,
    raw_family: i32,
    len: u8,
    wide: bool,
    text: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let net = winsock_emu::Network::new();
    let _current = net.enter();
    let _wsa = net.startup().expect("WSAStartup");
    let family = match input.family_selector % 3 {
        0 => i32::from(AF_INET),
        1 => i32::from(AF_INET6),
        _ => input.raw_family,
    };
    let mut text: Vec<u8> = input.text.iter().copied().filter(|&b| b != 0).collect();
    text.push(0);
    let wide: Vec<u16> = String::from_utf8_lossy(&text).encode_utf16().collect();
    let declared = i32::from(input.len % 129);
    let mut storage = vec![0u8; declared as usize];
    let mut len = declared;
    let rc = unsafe {
        if input.wide {
            WSAStringToAddressW(
                wide.as_ptr(),
                family,
                std::ptr::null(),
                storage.as_mut_ptr().cast(),
                &mut len,
            )
        } else {
            WSAStringToAddressA(
                text.as_ptr(),
                family,
                std::ptr::null(),
                storage.as_mut_ptr().cast(),
                &mut len,
            )
        }
    };
    if rc != 0 {
        let code = unsafe { WSAGetLastError() };
        assert!(
            code == WSAEFAULT || code == WSAEINVAL,
            "undocumented code {code}"
        );
        return;
    }
    assert!(len == 16 || len == 28, "length {len}");
    let mut printed = [0u16; 80];
    let mut room = printed.len() as u32;
    let rc = unsafe {
        WSAAddressToStringW(
            storage.as_ptr().cast(),
            len as u32,
            std::ptr::null(),
            printed.as_mut_ptr(),
            &mut room,
        )
    };
    assert_eq!(rc, 0, "a parsed address formats");
    let mut again = vec![0u8; 28];
    let mut again_len = 28;
    let rc = unsafe {
        WSAStringToAddressW(
            printed.as_ptr(),
            family,
            std::ptr::null(),
            again.as_mut_ptr().cast(),
            &mut again_len,
        )
    };
    assert_eq!(rc, 0, "the formatted text parses");
    // The flow label is not printed, so it is not compared.
    let same = |a: &[u8], b: &[u8]| a[..4] == b[..4] && a[8..len as usize] == b[8..len as usize];
    assert!(
        same(&storage, &again),
        "format then parse gives the same address"
    );
});
