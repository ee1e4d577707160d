//! `WSADeleteSocketPeerTargetName`: arbitrary address bytes, declared length, handle and
//! overlapped arguments.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
struct Input {
    selector: u8,
    raw_handle: u64,
    null: bool,
    len: u32,
    overlapped: bool,
    bytes: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let scene = scene();
    let s = scene.handle(input.selector, input.raw_handle);
    let (_owned, p) = buffer(&input.bytes, input.null);
    let len = declared_len(input.len, input.bytes.len(), input.null);
    // A real OVERLAPPED with no event: an overlapped socket reports through its status.
    let mut block = OVERLAPPED::default();
    let overlapped = overlapped_ptr(&mut block, input.overlapped);
    let before = scene.net.snapshot();
    let rc = unsafe { WSADeleteSocketPeerTargetName(s, p.cast(), len, overlapped, None) };
    check(&scene.net, &before, rc, DELETE_NAME_CODES);
});
