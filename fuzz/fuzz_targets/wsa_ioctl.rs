//! `WSAIoctl`: arbitrary control codes (mostly the secure-socket ones), input bytes and
//! lengths, a NULL or sentinel `lpcbBytesReturned`, and dangling output and OVERLAPPED
//! pointers that must never be dereferenced.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
struct Input {
    selector: u8,
    raw_handle: u64,
    code_selector: u8,
    raw_code: u32,
    null: bool,
    len: u32,
    out_len: u32,
    null_returned: bool,
    overlapped: bool,
    bytes: Vec<u8>,
}

const CODES: [u32; 4] = [
    SIO_SET_PEER_TARGET_NAME,
    SIO_DELETE_PEER_TARGET_NAME,
    SIO_SET_SECURITY,
    SIO_QUERY_SECURITY,
];

fuzz_target!(|input: Input| {
    let scene = scene();
    let s = scene.handle(input.selector, input.raw_handle);
    let code = CODES
        .get(usize::from(input.code_selector))
        .copied()
        .unwrap_or(input.raw_code);
    let (_owned, p) = buffer(&input.bytes, input.null);
    let len = declared_len(input.len, input.bytes.len(), input.null);
    let mut returned = 0xdead_beef_u32;
    let returned_ptr = if input.null_returned {
        std::ptr::null_mut()
    } else {
        &mut returned as *mut u32
    };
    let overlapped: *mut OVERLAPPED = if input.overlapped {
        std::ptr::dangling_mut()
    } else {
        std::ptr::null_mut()
    };
    let before = scene.net.snapshot();
    let rc = unsafe {
        WSAIoctl(
            s,
            code,
            p.cast(),
            len,
            std::ptr::dangling_mut(),
            input.out_len,
            returned_ptr,
            overlapped,
            None,
        )
    };
    let mut codes = SET_NAME_CODES.to_vec();
    codes.push(WSAEINVAL);
    check(&scene.net, &before, rc, &codes);
    assert_eq!(
        returned,
        if rc == 0 && !input.null_returned {
            0
        } else {
            0xdead_beef
        },
        "lpcbBytesReturned"
    );
});
