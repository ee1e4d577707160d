//! The formatting functions' buffer-size rules: `WSAAddressToStringW`/`A`, `inet_ntop`,
//! `InetNtopW` and `getnameinfo` on arbitrary `SOCKADDR` bytes and lengths, with output
//! buffers of exactly the size declared (so a write past it is caught). Success writes a
//! NUL-terminated text that fits; a too-small buffer reports the size needed, and retrying
//! with that size succeeds.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;

#[derive(Debug, Arbitrary)]
struct Input {
    family_selector: u8,
    addr: [u8; 28],
    addr_len: u8,
    room: u8,
    host_room: u8,
    service_room: u8,
    flags: u8,
    wide: bool,
}

fuzz_target!(|input: Input| {
    let net = winsock_emu::Network::new();
    let _current = net.enter();
    let _wsa = net.startup().expect("WSAStartup");
    let mut addr = input.addr;
    let family = match input.family_selector % 3 {
        0 => AF_INET,
        1 => AF_INET6,
        _ => u16::from_le_bytes([addr[0], addr[1]]),
    };
    addr[..2].copy_from_slice(&family.to_le_bytes());
    let addr_len = u32::from(input.addr_len % 29);
    let room = u32::from(input.room % 80);
    let mut size = room;
    let rc = unsafe {
        if input.wide {
            let mut buffer = vec![0u16; room as usize];
            WSAAddressToStringW(
                addr.as_ptr().cast(),
                addr_len,
                std::ptr::null(),
                buffer.as_mut_ptr(),
                &mut size,
            )
        } else {
            let mut buffer = vec![0u8; room as usize];
            WSAAddressToStringA(
                addr.as_ptr().cast(),
                addr_len,
                std::ptr::null(),
                buffer.as_mut_ptr(),
                &mut size,
            )
        }
    };
    if rc == 0 {
        assert!(size <= room && size > 0);
    } else {
        let code = unsafe { WSAGetLastError() };
        assert!(
            code == WSAEFAULT || code == WSAEINVAL,
            "undocumented code {code}"
        );
        if code == WSAEFAULT && size > room {
            let mut buffer = vec![0u16; size as usize];
            let mut again = size;
            let rc = unsafe {
                WSAAddressToStringW(
                    addr.as_ptr().cast(),
                    addr_len,
                    std::ptr::null(),
                    buffer.as_mut_ptr(),
                    &mut again,
                )
            };
            assert_eq!((rc, again), (0, size), "the size reported is enough");
        }
    }
    let bytes_at = if family == AF_INET { 4 } else { 8 };
    let mut text = vec![0u8; room as usize];
    let got = unsafe {
        inet_ntop(
            family.into(),
            addr[bytes_at..].as_ptr().cast(),
            text.as_mut_ptr(),
            text.len(),
        )
    };
    if !got.is_null() {
        assert!(text.contains(&0), "NUL-terminated within the buffer");
    }
    let mut wide_text = vec![0u16; room as usize];
    let _ = unsafe {
        InetNtopW(
            family.into(),
            addr[bytes_at..].as_ptr().cast(),
            wide_text.as_mut_ptr(),
            wide_text.len(),
        )
    };
    let mut host = vec![0u8; usize::from(input.host_room % 64)];
    let mut service = vec![0u8; usize::from(input.service_room % 16)];
    let host_ptr = if host.is_empty() {
        std::ptr::null_mut()
    } else {
        host.as_mut_ptr()
    };
    let service_ptr = if service.is_empty() {
        std::ptr::null_mut()
    } else {
        service.as_mut_ptr()
    };
    let rc = unsafe {
        getnameinfo(
            addr.as_ptr().cast(),
            addr_len as i32,
            host_ptr,
            host.len() as u32,
            service_ptr,
            service.len() as u32,
            i32::from(input.flags & 0x1f),
        )
    };
    let documented = [0, WSAEFAULT, WSAEINVAL, WSAEAFNOSUPPORT, WSAHOST_NOT_FOUND];
    assert!(documented.contains(&rc), "getnameinfo returned {rc}");
    if rc == 0 {
        assert!(host.is_empty() || host.contains(&0));
        assert!(service.is_empty() || service.contains(&0));
    }
});
