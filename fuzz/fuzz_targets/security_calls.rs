//! `WSASetSocketSecurity`, `WSAQuerySocketSecurity`, `WSAImpersonateSocketPeer` and
//! `WSARevertImpersonation`: arbitrary settings, templates and addresses with their
//! lengths, output buffers of any room, and a real or NULL OVERLAPPED.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
struct Input {
    selector: u8,
    raw_handle: u64,
    call: u8,
    null: bool,
    len: u32,
    overlapped: bool,
    room: u8,
    null_info: bool,
    bytes: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let scene = scene();
    let s = scene.handle(input.selector, input.raw_handle);
    let (_owned, p) = buffer(&input.bytes, input.null);
    let len = declared_len(input.len, input.bytes.len(), input.null);
    let mut block = OVERLAPPED::default();
    let overlapped = overlapped_ptr(&mut block, input.overlapped);
    let before = scene.net.snapshot();
    match input.call % 3 {
        0 => {
            let rc = unsafe { WSASetSocketSecurity(s, p.cast(), len, overlapped, None) };
            check(&scene.net, &before, rc, SECURITY_CODES);
        }
        1 => {
            // The room claimed never exceeds the buffer.
            let mut info = vec![0xabu8; usize::from(input.room % 64)];
            let mut room = info.len() as u32;
            let info_ptr = if input.null_info {
                std::ptr::null_mut()
            } else {
                info.as_mut_ptr()
            };
            let rc = unsafe {
                WSAQuerySocketSecurity(
                    s,
                    p.cast(),
                    len,
                    info_ptr.cast(),
                    &mut room,
                    overlapped,
                    None,
                )
            };
            check(&scene.net, &before, rc, SECURITY_CODES);
        }
        _ => {
            let rc = unsafe { WSAImpersonateSocketPeer(s, p.cast(), len) };
            check(&scene.net, &before, rc, SECURITY_CODES);
            assert_eq!(unsafe { WSARevertImpersonation() }, 0);
        }
    }
});
