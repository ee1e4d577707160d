//! `WSAIoctl`: arbitrary control codes (mostly the secure-socket ones), input bytes and
//! lengths, output buffers of any size, a NULL or sentinel `lpcbBytesReturned`, and a real
//! or NULL OVERLAPPED.
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
    let mut block = OVERLAPPED::default();
    let overlapped = overlapped_ptr(&mut block, input.overlapped);
    // The output buffer: exactly as long as declared, NULL when empty. Only
    // SIO_QUERY_SECURITY writes it; for the other codes it must stay untouched.
    let mut out = vec![0xabu8; (input.out_len % 64) as usize];
    let out_ptr = if out.is_empty() {
        std::ptr::null_mut()
    } else {
        out.as_mut_ptr()
    };
    let before = scene.net.snapshot();
    let rc = unsafe {
        WSAIoctl(
            s,
            code,
            p.cast(),
            len,
            out_ptr.cast(),
            out.len() as u32,
            returned_ptr,
            overlapped,
            None,
        )
    };
    check(&scene.net, &before, rc, IOCTL_CODES);
    if code != SIO_QUERY_SECURITY {
        assert!(
            out.iter().all(|&b| b == 0xab),
            "WSAIoctl wrote an output it has not"
        );
        let expected = if rc == 0 && !input.null_returned {
            0
        } else {
            0xdead_beef
        };
        assert_eq!(returned, expected, "lpcbBytesReturned");
    }
});
